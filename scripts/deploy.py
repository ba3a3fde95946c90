"""`ape run deploy`: deploy dualtrack and print a summary table.

Local (demo):      ape run deploy --network base:local:foundry
Base Sepolia:      ape run deploy --network base:sepolia:node --account <alias> [--stablecoin 0x...]
"""

from __future__ import annotations

import click
from ape import accounts, project
from ape.cli import ConnectedProviderCommand

from dualtrack.deploy import deploy_all, print_summary
from dualtrack.paths import PROJECT_ROOT


@click.command(cls=ConnectedProviderCommand)
@click.option("--account", "alias", default=None, help="Ape account alias; required on live networks.")
@click.option("--stablecoin", default=None, help="Use this existing 6-decimal stablecoin instead of a mock.")
def cli(network, provider, alias, stablecoin):
    """Deploy dualtrack to the selected network."""
    if alias:
        deployer = accounts.load(alias)
    elif network.is_local:
        deployer = accounts.test_accounts[0]
    else:
        raise click.UsageError(f"--account <alias> is required on {network.choice}")

    deployment = deploy_all(deployer, project, network.choice, provider.chain_id, stablecoin=stablecoin)
    print_summary(deployment)
    out = PROJECT_ROOT / "deployments" / f"{network.ecosystem.name}-{network.name}.json"
    deployment.write(out)
    click.echo(f"Addresses written to {out.relative_to(PROJECT_ROOT)}")
