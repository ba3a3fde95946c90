"""`ape run deploy`: deploy dualtrack and print a summary table.

Local (demo):      ape run deploy --network base:local:foundry
Base Sepolia:      ape run deploy --network base:sepolia:node --account <alias> [--stablecoin 0x...]
"""

from __future__ import annotations

import click
from ape import accounts, project
from ape.cli import ConnectedProviderCommand

from dualtrack.deploy import OracleSettings, deploy_all, print_summary, replay_demo_prices
from dualtrack.paths import PROJECT_ROOT


@click.command(cls=ConnectedProviderCommand)
@click.option("--account", "alias", default=None, help="Ape account alias; required on live networks.")
@click.option("--stablecoin", default=None, help="Use this existing 6-decimal stablecoin instead of a mock.")
@click.option("--reporters", default="", help="Comma-separated oracle reporter addresses (required on live networks).")
@click.option("--threshold", default=3, show_default=True, help="Signatures an oracle report needs.")
@click.option("--confirm-quorum", default=4, show_default=True, help="Signatures that confirm a held price move.")
@click.option("--sequencer-feed", default=None, help="Chainlink L2 sequencer uptime feed (local: a mock).")
def cli(network, provider, alias, stablecoin, reporters, threshold, confirm_quorum, sequencer_feed):
    """Deploy dualtrack to the selected network."""
    if alias:
        deployer = accounts.load(alias)
    elif network.is_local:
        deployer = accounts.test_accounts[0]
    else:
        raise click.UsageError(f"--account <alias> is required on {network.choice}")

    oracle = OracleSettings(
        reporters=tuple(r.strip() for r in reporters.split(",") if r.strip()),
        threshold=threshold,
        confirm_quorum=confirm_quorum,
        sequencer_feed=sequencer_feed,
    )
    if not network.is_local and not oracle.reporters:
        raise click.UsageError("--reporters is required on live networks")
    deployment = deploy_all(
        deployer,
        project,
        network.choice,
        provider.chain_id,
        stablecoin=stablecoin,
        oracle=oracle,
        local=network.is_local,
    )
    print_summary(deployment)
    if network.is_local and not oracle.reporters:
        replay_demo_prices(provider.web3, deployment, str(deployer.address))
    out = PROJECT_ROOT / "deployments" / f"{network.ecosystem.name}-{network.name}.json"
    deployment.write(out)
    click.echo(f"Addresses written to {out.relative_to(PROJECT_ROOT)}")
