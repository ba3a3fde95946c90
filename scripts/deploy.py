"""`ape run deploy`: the same deployment as `dualtrack deploy`, through Ape's network and accounts.

Local:         ape run deploy --network base:local:foundry
Base Sepolia:  ape run deploy --network base:sepolia:https://your-rpc --config deploy/my.toml --account <alias>

The Ape account's keystore is decrypted once, without Ape's per-transaction "Sign: [y/N]" prompts: the
passphrase comes from APE_ACCOUNTS_<alias>_PASSPHRASE (or a single prompt when there is a terminal).
Everything else (pre-flight, the manifest, resuming, the checks) is dualtrack.deployment's.
"""

from __future__ import annotations

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand

from dualtrack.chain import Chain
from dualtrack.cli.common import choose_sender
from dualtrack.cli.deploy import _load, console, run_deployment
from dualtrack.paths import DEPLOYMENTS_DIR, PROJECT_ROOT


@click.command(cls=ConnectedProviderCommand)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Deployment configuration (default on a local network: deploy/local.toml).",
)
@click.option("--account", "alias", default=None, help="Ape account alias (required on live networks).")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def cli(network, provider, config_path, alias, manifest_path):
    """Deploy dualtrack to the selected network."""
    if config_path is None:
        if not network.is_local:
            raise click.UsageError(f"--config is required on {network.choice}")
        config_path = PROJECT_ROOT / "deploy" / "local.toml"
    config = _load(config_path)
    evm = Chain(provider.web3)
    if alias is None and not network.is_local:
        raise click.UsageError(f"--account <alias> is required on {network.choice}")
    deployer, key = choose_sender(evm, key_file=None, ape_alias=alias, node_account=None if alias else "0")
    run_deployment(
        evm,
        config,
        deployer=deployer,
        deployer_key=key,
        manifest_path=manifest_path or DEPLOYMENTS_DIR / f"{config.network.name}.json",
        rpc_url=str(getattr(provider, "uri", "") or ""),
        fresh=network.is_local,
        out=console(),
    )
