"""The one way dualtrack is deployed: tests, ``make bench``, ``make demo``, ``dualtrack deploy`` and
``ape run deploy`` all go through :func:`deploy` (or, for the protocol core alone, :func:`deploy_protocol`).

- :mod:`~dualtrack.deployment.config`: the typed configuration file a deployer edits;
- :mod:`~dualtrack.deployment.plan`: every step, in order, built from it;
- :mod:`~dualtrack.deployment.preflight`: checks before the first transaction;
- :mod:`~dualtrack.deployment.runner`: runs the steps, resuming an interrupted run;
- :mod:`~dualtrack.deployment.manifest`: the machine-readable record, written as each step is mined;
- :mod:`~dualtrack.deployment.checks`: every wiring read back afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from dualtrack.artifacts import local_artifact, local_artifact_names
from dualtrack.chain import Chain
from dualtrack.deployment.checks import Check, run_checks
from dualtrack.deployment.config import ConfigError, DeploymentConfig, load_config, parse_config
from dualtrack.deployment.manifest import Manifest, ManifestError
from dualtrack.deployment.plan import (
    MANAGER,
    governance_steps,
    governed_contracts,
    grant_steps,
    margin_record,
    plan,
    protocol_steps,
    wiring_steps,
)
from dualtrack.deployment.pool_plan import pool_record
from dualtrack.deployment.preflight import preflight
from dualtrack.deployment.runner import DeploymentError, RunReport, StepListener, run_steps
from dualtrack.deployment.steps import Context
from dualtrack.governance import NAMED_ROLES
from dualtrack.oracle import feed_id
from dualtrack.suite import MODULES, Protocol

__all__ = [
    "Check",
    "ConfigError",
    "DeploymentConfig",
    "DeploymentError",
    "Manifest",
    "ManifestError",
    "Outcome",
    "PreflightError",
    "deploy",
    "deploy_protocol",
    "load_config",
    "open_manifest",
    "parse_config",
]


class PreflightError(DeploymentError):
    """Pre-flight found problems; nothing was sent. ``problems`` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("pre-flight: " + "; ".join(problems))


@dataclass
class Outcome:
    """A finished run: what it did and every wiring read back."""

    context: Context
    report: RunReport
    checks: list[Check]

    @property
    def manifest(self) -> Manifest:
        return self.context.manifest

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def open_manifest(
    path: Path | None,
    config: DeploymentConfig,
    *,
    chain_id: int,
    deployer: str,
    rpc_url: str | None = None,
    fresh: bool = False,
) -> Manifest:
    """The manifest to run against: an existing one for the same chain, deployer and configuration (to
    resume or confirm), or a new one. Never replaces an existing file silently: ``fresh`` must be asked
    for, and only on a local node."""
    record_url = rpc_url if config.network.local else None
    if path is None or not path.exists() or fresh:
        if path is not None and path.exists() and not config.network.local:
            raise ManifestError(
                f"{path} exists: --fresh only replaces a local node's manifest; give another --manifest"
            )
        return Manifest.new(
            network=config.network.name,
            chain_id=chain_id,
            deployer=deployer,
            config=config.canonical(),
            config_digest=config.digest(),
            rpc_url=record_url,
            path=path,
        )
    manifest = Manifest.load(path)
    if manifest.chain_id != chain_id:
        raise ManifestError(
            f"{path} records chain {manifest.chain_id}, the node is chain {chain_id}: give another --manifest"
        )
    if manifest.deployer != deployer:
        raise ManifestError(f"{path} was deployed by {manifest.deployer}, not {deployer}: use that key")
    if manifest.config_digest != config.digest():
        raise ManifestError(
            f"{path} was made with another configuration (digest {manifest.config_digest[:10]}..., this one "
            f"{config.digest()[:10]}...): restore it to resume, or give another --manifest for a new deployment"
        )
    if record_url is not None:
        manifest.data["network"]["rpcUrl"] = record_url
    return manifest


def deploy(
    evm: Chain,
    config: DeploymentConfig,
    *,
    deployer: str,
    manifest: Manifest | None = None,
    signing_keys: list[LocalAccount] | None = None,
    on_step: StepListener | None = None,
) -> Outcome:
    """Deploy ``config`` from ``deployer`` (a node account, or one added with :meth:`Chain.use_key`).

    Pre-flight first (:class:`PreflightError`, nothing sent), then every step not yet recorded in
    ``manifest`` (in memory if None), then every wiring read back. ``signing_keys`` sign off-chain data
    (the KYC claims of configured investors); the deployer's own key is used if it is among them.
    """
    if manifest is None:
        manifest = Manifest.new(
            network=config.network.name,
            chain_id=int(evm.w3.eth.chain_id),
            deployer=deployer,
            config=config.canonical(),
            config_digest=config.digest(),
        )
    for name in local_artifact_names():  # any revert of any step comes back as a named custom error
        evm.errors.register(local_artifact(name).abi)
    keys: dict[str, LocalAccount] = {str(account.address): account for account in signing_keys or []}
    ctx = Context(evm, deployer, config, manifest, keys)
    steps = plan(config, deployer)
    problems = preflight(ctx, steps)
    if problems:
        raise PreflightError(problems)
    manifest.set("oracle.feeds", {feed.symbol: "0x" + feed.feed_id.hex() for feed in config.oracle.feeds})
    report = run_steps(ctx, steps, on_step=on_step)
    manifest.set("oracle.address", manifest.address("oracle.price_oracle"))
    if config.margin is not None:
        manifest.set("margin", margin_record(ctx))
    if config.pool is not None:
        manifest.set("pool", pool_record(ctx))
    if config.perp is not None:
        manifest.set(
            "perp.markets", {market.symbol: "0x" + feed_id(market.symbol).hex() for market in config.perp.markets}
        )
    checks = run_checks(ctx)
    manifest.complete = all(check.ok for check in checks)
    manifest.save()
    return Outcome(ctx, report, checks)


def deploy_protocol(evm: Chain, admin: str) -> Protocol:
    """The protocol core alone (the AccessManager, implementations, SuiteAuthority, SuiteFactory, modules),
    deployed by ``admin`` through the same steps as a full deployment, recorded in memory. ``admin`` ends
    as ADMIN holding every named role, all without delay (as a local demo's deployer)."""
    manifest = Manifest.new(network="protocol", chain_id=0, deployer=admin, config={}, config_digest="")
    ctx = Context(evm, admin, None, manifest)
    grants = [(role, admin, 0) for role in NAMED_ROLES]
    run_steps(
        ctx, [*governance_steps(), *protocol_steps(), *wiring_steps(governed_contracts(None)), *grant_steps(grants)]
    )
    return Protocol(
        access_manager=ctx.contract(MANAGER),
        authority=ctx.contract("protocol.authority"),
        factory=ctx.contract("protocol.factory"),
        modules={name: ctx.contract(f"modules.{name}") for name in MODULES},
    )
