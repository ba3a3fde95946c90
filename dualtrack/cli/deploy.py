"""``dualtrack deploy``: deploy (or resume, or confirm) a configuration, without a single prompt.

    export DUALTRACK_RPC_URL=https://sepolia.base.org
    export DUALTRACK_PRIVATE_KEY=0x...
    dualtrack deploy --config deploy/my-base-sepolia.toml

Pre-flight first (nothing is sent if anything is wrong), every transaction recorded in the manifest as
it goes out and as it is mined (run the same command again to resume), every wiring read back at the end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from eth_account import Account
from eth_account.signers.local import LocalAccount
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dualtrack.chain import Chain
from dualtrack.cli.common import choose_sender, connect, rpc_option, sender_options
from dualtrack.deployment import (
    ConfigError,
    DeploymentError,
    ManifestError,
    Outcome,
    PreflightError,
    deploy,
    load_config,
    open_manifest,
)
from dualtrack.deployment.config import DeploymentConfig
from dualtrack.deployment.plan import plan
from dualtrack.deployment.steps import Step
from dualtrack.paths import DEPLOYMENTS_DIR, PROJECT_ROOT
from dualtrack.transport import TransportError

CLAIM_SIGNER_ENV = "DUALTRACK_CLAIM_SIGNER_KEY"


def console() -> Console:
    # Wide enough for full addresses when output is piped (CI logs, `make demo | tee`).
    return Console(width=160)


@click.command("deploy")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The deployment configuration (see deploy/base-sepolia.toml).",
)
@rpc_option
@sender_options
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where the record goes (default: deployments/<network.name>.json).",
)
@click.option("--fresh", is_flag=True, help="Local nodes only: replace the manifest of an earlier node.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON instead of tables.")
def deploy_command(
    config_path: Path,
    rpc_url: str,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
    manifest_path: Path | None,
    fresh: bool,
    as_json: bool,
) -> None:
    """Deploy the configuration in --config (resumes an earlier run recorded in the manifest)."""
    config = _load(config_path)
    evm = connect(rpc_url)
    deployer, deployer_key = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    path = manifest_path or DEPLOYMENTS_DIR / f"{config.network.name}.json"
    outcome = run_deployment(
        evm,
        config,
        deployer=deployer,
        deployer_key=deployer_key,
        manifest_path=path,
        rpc_url=rpc_url,
        fresh=fresh,
        out=None if as_json else console(),
    )
    if as_json:
        click.echo(json.dumps(outcome.manifest.data, indent=2))
    if not outcome.ok:
        raise click.ClickException("some wiring does not match the configuration (see the checks above)")


def run_deployment(
    evm: Chain,
    config: DeploymentConfig,
    *,
    deployer: str,
    deployer_key: LocalAccount | None,
    manifest_path: Path,
    rpc_url: str,
    fresh: bool,
    out: Console | None,
) -> Outcome:
    """Open the manifest, deploy with a progress bar, print the summary; errors become one clear line."""
    try:
        manifest = open_manifest(
            manifest_path, config, chain_id=int(evm.w3.eth.chain_id), deployer=deployer, rpc_url=rpc_url, fresh=fresh
        )
    except ManifestError as error:
        raise click.ClickException(str(error)) from None
    steps = plan(config, deployer)
    keys = [key for key in (deployer_key, _claim_signer_key()) if key is not None]
    try:
        if out is None:
            outcome = deploy(evm, config, deployer=deployer, manifest=manifest, signing_keys=keys)
        else:
            outcome = _deploy_with_progress(evm, config, deployer, manifest, keys, steps, out)
    except PreflightError as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(f"pre-flight failed, nothing was sent:\n{lines}") from None
    except (DeploymentError, TransportError) as error:
        raise click.ClickException(
            f"{error}\nEvery mined step is recorded in {_shown(manifest_path)}: run the same command to resume."
        ) from None
    if out is not None:
        print_outcome(outcome, manifest_path, out)
    return outcome


def _deploy_with_progress(
    evm: Chain,
    config: DeploymentConfig,
    deployer: str,
    manifest: object,
    keys: list[LocalAccount],
    steps: list[Step],
    out: Console,
) -> Outcome:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("deploying", total=len(steps))

        def on_step(step: Step, what: str) -> None:
            progress.update(task, description=f"[cyan]{step.title[:70]}[/]")
            progress.advance(task)

        return deploy(evm, config, deployer=deployer, manifest=manifest, signing_keys=keys, on_step=on_step)  # type: ignore[arg-type]


def print_outcome(outcome: Outcome, manifest_path: Path, out: Console) -> None:
    """What was deployed, what the run did, the wiring checks and what to do next."""
    manifest = outcome.manifest
    report = outcome.report
    table = Table(title=f"dualtrack on {manifest.network} (chain id {manifest.chain_id})")
    table.add_column("manifest key", style="bold cyan")
    table.add_column("address", style="green", no_wrap=True)
    table.add_column("ABI (interfaces/abi/)")
    for key, record in manifest.contracts():
        table.add_row(f"contracts.{key}", str(record["address"]), f"{record['abi']}.json")
    out.print(table)
    if report.sent == 0 and report.resumed == 0:
        out.print(f"Nothing to deploy: all {report.total} steps are already recorded in {_shown(manifest_path)}.")
    else:
        out.print(
            f"{report.sent} transaction(s) sent, {report.resumed} resumed from an earlier run, "
            f"{report.already_done} step(s) already done; {report.gas_used:,} gas this run."
        )
    failed = [check for check in outcome.checks if not check.ok]
    out.print(
        f"Wiring read back from the chain: {len(outcome.checks) - len(failed)} of {len(outcome.checks)} as configured."
    )
    if failed:
        checks = Table(title="wiring that does not match the configuration", style="red")
        for column in ("subject", "expected", "on chain"):
            checks.add_column(column)
        for check in failed:
            checks.add_row(check.subject, str(check.expected), str(check.actual))
        out.print(checks)
    out.print(f"Manifest: {_shown(manifest_path)} (keys such as contracts.tsla.token, oracle.feeds.TSLA).")
    for line in next_steps(outcome):
        out.print(f"  - {line}")


def next_steps(outcome: Outcome) -> list[str]:
    """Plain suggestions for a newcomer after a deployment."""
    config = outcome.context.config
    assert config is not None
    lines = []
    admin = config.roles.admin or outcome.context.deployer
    delay = config.roles.admin_delay
    lines.append(
        f"the admin {admin} is ADMIN of contracts.governance.access_manager"
        + (f" (every ADMIN operation is scheduled {delay} s ahead)" if delay else "")
        + "; see docs/governance.md to schedule, execute or cancel a role's delayed change"
    )
    if config.stocks:
        key = config.stocks[0].symbol.lower()
        lines.append(
            f"onboard an investor: an agent registers the wallet's identity in contracts.{key}.identity_registry "
            f"and mints with contracts.{key}.token"
        )
    lines.append("publish prices: reporters sign reports and anyone submits them (dualtrack oracle replay FILE.csv)")
    if config.margin is not None:
        lines.append(
            "pledge collateral in contracts.margin.vault: dualtrack margin deposit TSLA 10, then "
            "dualtrack margin status --owner WALLET (a verified wallet for a stock)"
        )
    lines.append("read it all with web3.py from this manifest and interfaces/abi/ (see README, Deploying)")
    return lines


def _claim_signer_key() -> LocalAccount | None:
    key = os.environ.get(CLAIM_SIGNER_ENV)
    if not key:
        return None
    try:
        return Account.from_key(key.strip())
    except (ValueError, TypeError):
        raise click.UsageError(f"{CLAIM_SIGNER_ENV} is not a private key") from None


def _load(path: Path) -> DeploymentConfig:
    try:
        return load_config(path)
    except ConfigError as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(f"{path} is not a valid configuration:\n{lines}") from None


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
