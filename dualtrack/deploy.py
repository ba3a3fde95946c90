"""Deploy dualtrack's contracts with Ape and describe the result.

Used by ``scripts/deploy.py`` (``ape run deploy``) for local demos and for
Base Sepolia. The set of contracts grows with each issue; each addition is a
step in :func:`deploy_all` and a row in the summary.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table

T = TypeVar("T")

NONCE_RETRIES = 3


@dataclass
class DeployedContract:
    """One row of the deployment summary."""

    name: str
    address: str
    role: str
    gas_used: int | None = None


@dataclass
class Deployment:
    """Everything one run of :func:`deploy_all` produced."""

    network: str
    chain_id: int
    deployer: str
    contracts: list[DeployedContract] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, contract: Any, role: str) -> None:
        gas: int | None = None
        txn_hash = getattr(contract, "txn_hash", None)
        if txn_hash is not None:
            from ape import chain

            gas = int(chain.provider.get_receipt(txn_hash).gas_used)
        self.contracts.append(DeployedContract(name, str(contract.address), role, gas))

    def address_of(self, name: str) -> str:
        return next(c.address for c in self.contracts if c.name == name)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    def table(self) -> Table:
        table = Table(title=f"dualtrack on {self.network} (chain id {self.chain_id})", show_lines=False)
        table.add_column("contract", style="bold cyan")
        table.add_column("address", style="green", no_wrap=True)
        table.add_column("deploy gas", justify="right")
        table.add_column("role")
        for c in self.contracts:
            table.add_row(c.name, c.address, f"{c.gas_used:,}" if c.gas_used else "-", c.role)
        return table


def with_nonce_retry(action: Callable[[], T]) -> T:
    """Retry an Ape transaction that failed with a stale nonce.

    Under load Ape can read the account nonce before the node has indexed the
    previous transaction ("nonce too low"); the transaction was never
    accepted, so sending it again is safe.
    """
    for attempt in range(NONCE_RETRIES):
        try:
            return action()
        except Exception as error:
            if "nonce too low" not in str(error).lower() or attempt == NONCE_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class OracleSettings:
    """The oracle's reporter set and the sequencer uptime source of a deployment.

    ``reporters`` empty means the deterministic local demo keys (:func:`dualtrack.oracle.reporter_accounts`,
    never for a live network); ``sequencer_feed`` None deploys a mock uptime feed on local networks and no
    sentinel on live ones.
    """

    reporters: tuple[str, ...] = ()
    threshold: int = 3
    confirm_quorum: int = 4
    sequencer_feed: str | None = None
    grace_period: int = 3_600


# Feed settings: (symbol, bound to the TSLA token, max ages open/value/liquidate in seconds, jump band bps).
ORACLE_FEEDS: tuple[tuple[str, bool, int, int, int, int], ...] = (
    ("TSLA", True, 60, 600, 120, 1_000),
    ("BTC", False, 60, 600, 120, 1_500),
    ("ETH", False, 60, 600, 120, 1_500),
)


def deploy_all(
    deployer: Any,
    project: Any,
    network: str,
    chain_id: int,
    stablecoin: str | None = None,
    oracle: OracleSettings | None = None,
    *,
    local: bool = True,
) -> Deployment:
    """Deploy the protocol with an Ape account; reuse ``stablecoin`` if given (e.g. USDC on Base Sepolia)."""
    deployment = Deployment(network=network, chain_id=chain_id, deployer=str(deployer.address))

    if stablecoin is None:
        usdc = with_nonce_retry(lambda: deployer.deploy(project.MockStablecoin, "USD Coin (mock)", "USDC", deployer))
        deployment.add("MockStablecoin", usdc, "6-decimal USD for dividends and margin")
    else:
        deployment.contracts.append(DeployedContract("Stablecoin", stablecoin, "existing 6-decimal USD token"))

    _deploy_asset_track(deployer, project, deployment)
    _deploy_oracle(deployer, project, deployment, oracle or OracleSettings(), local=local)
    return deployment


def _send(action: Callable[[], T]) -> T:
    return with_nonce_retry(action)


def _deploy_asset_track(deployer: Any, project: Any, deployment: Deployment) -> None:
    """Implementations, the v1 SuiteAuthority, the SuiteFactory, modules, a KYC issuer and a TSLA suite."""
    from dualtrack.artifacts import EXTENDED_BY
    from dualtrack.proxy import SUITE_CONTRACTS, role_id
    from dualtrack.suite import BLOCKED_COUNTRY, MAX_BALANCE, MODULES, salt_of

    authority = _send(lambda: deployer.deploy(project.SuiteAuthority, "1.0.0", deployer))
    deployment.add("SuiteAuthority", authority, "v1.0.0 implementations: upgrading it upgrades every v1 suite")
    for name in SUITE_CONTRACTS:
        constructor_args: tuple[Any, ...] = ()
        extension_name = EXTENDED_BY.get(name)
        if extension_name is not None:
            extension = _send(partial(deployer.deploy, getattr(project, extension_name)))
            deployment.add(extension_name, extension, f"extension of {name}, delegatecalled from its fallback")
            constructor_args = (extension,)
        implementation = _send(partial(deployer.deploy, getattr(project, name), *constructor_args))
        deployment.add(f"{name} (impl)", implementation, "implementation behind SuiteProxy")
        _send(partial(authority.setImplementation, role_id(name), implementation, sender=deployer))
    factory = _send(lambda: deployer.deploy(project.SuiteFactory, deployer, authority))
    deployment.add("SuiteFactory", factory, "one-transaction ERC-3643 suites at CREATE2 addresses")
    modules = {}
    for name in MODULES:
        modules[name] = _send(partial(deployer.deploy, getattr(project, name)))
        deployment.add(name, modules[name], "compliance module (shared singleton)")

    claim_issuer = _send(lambda: deployer.deploy(project.ClaimIssuer, deployer))
    deployment.add("ClaimIssuer (KYC)", claim_issuer, "trusted issuer for claim topic 1 (KYC)")

    restrict, cap = modules["CountryRestrictModule"], modules["MaxBalanceModule"]
    params = (
        "Tesla",
        "TSLA",
        18,
        "0x" + "00" * 20,
        deployer.address,
        "0x" + "00" * 20,
        [1],
        [claim_issuer.address],
        [[1]],
        [deployer.address],
        [deployer.address],
        [restrict.address, cap.address],
        [restrict.address, cap.address],
        [
            restrict.batchRestrictCountries.encode_input([BLOCKED_COUNTRY]),
            cap.setMaxBalance.encode_input(MAX_BALANCE),
        ],
        False,  # default layout: one TransferPolicy is the identity registry and the compliance
    )
    receipt = _send(lambda: factory.deploySuite(salt_of("TSLA"), params, sender=deployer))
    (event,) = receipt.events.filter(factory.SuiteDeployed)
    roles = {
        "token": "EquityToken proxy (TSLA)",
        "identityRegistry": "TransferPolicy proxy (TSLA): identity registry, compliance, wallet records",
        "claimTopicsRegistry": "ClaimTopicsRegistry proxy (TSLA)",
        "trustedIssuersRegistry": "TrustedIssuersRegistry proxy (TSLA)",
    }
    for key, label in roles.items():
        address = str(getattr(event, key))
        deployment.contracts.append(DeployedContract(label, address, "suite contract", None))
    deployment.notes.append(f"TSLA suite deployed in one transaction: {int(receipt.gas_used):,} gas")
    _deploy_corporate_actions(deployer, project, deployment, str(event.token))
    if str(event.identityStorage) == str(event.identityRegistry):
        deployment.notes.append("TSLA's IdentityRegistry keeps its wallet records itself (no IdentityRegistryStorage)")
    else:
        deployment.contracts.append(
            DeployedContract("IdentityRegistryStorage proxy (TSLA)", str(event.identityStorage), "suite contract", None)
        )


def _deploy_corporate_actions(deployer: Any, project: Any, deployment: Deployment, token_address: str) -> None:
    """The protocol's CorporateActions handler and DividendDistributor (trusting the SuiteFactory), enabled on TSLA.

    The deployer stands in for the price confirmer (the oracle, once deployed) and the tax account.
    """
    handler = _send(lambda: deployer.deploy(project.CorporateActions, deployer, deployer))
    deployment.add("CorporateActions", handler, "splits, reverse splits, stock dividends; maintenance windows")
    distributor = _send(lambda: deployer.deploy(project.DividendDistributor, deployer, deployer))
    deployment.add("DividendDistributor", distributor, "cash dividends with per-country withholding")
    # Only tokens of a trusted factory (or allow-listed) may be announced: trust the protocol's factory.
    _send(partial(distributor.addTrustedFactory, deployment.address_of("SuiteFactory"), sender=deployer))
    # The token answers ICorporateActionTarget through its extension: use that ABI at the token's address.
    token = project.EquityTokenCorporateActions.at(token_address)
    for agent in (handler, distributor):
        _send(partial(token.setCorporateActionAgent, agent, True, sender=deployer))
    deployment.notes.append("TSLA accepts corporate actions from both (corporate-action agents)")


def _deploy_oracle(
    deployer: Any, project: Any, deployment: Deployment, settings: OracleSettings, *, local: bool
) -> None:
    """The EquityPriceOracle (the CorporateActions price confirmer), its sentinel and the TSLA/BTC/ETH feeds."""
    from dualtrack.oracle import feed_id, reporter_accounts

    if settings.reporters:
        reporters = list(settings.reporters)
    elif local:
        reporters = [account.address for account in reporter_accounts(5)]
        deployment.notes.append("Oracle reporters: the 5 deterministic demo keys (local only)")
    else:
        raise ValueError("a live deployment needs the oracle's reporter addresses")
    oracle = _send(
        lambda: deployer.deploy(
            project.EquityPriceOracle, deployer, reporters, settings.threshold, settings.confirm_quorum, 300, 10
        )
    )
    deployment.add(
        "EquityPriceOracle",
        oracle,
        f"signed reports, {settings.threshold}-of-{len(reporters)} (confirm {settings.confirm_quorum})",
    )
    handler = project.CorporateActions.at(deployment.address_of("CorporateActions"))
    _send(partial(handler.setPriceConfirmer, oracle, sender=deployer))
    _send(partial(oracle.setCorporateActions, handler, sender=deployer))
    deployment.notes.append("The oracle confirms post-action prices (CorporateActions price confirmer)")

    uptime_feed = settings.sequencer_feed
    if uptime_feed is None and local:
        mock = _send(lambda: deployer.deploy(project.MockSequencerUptimeFeed))
        deployment.add("MockSequencerUptimeFeed", mock, "stands in for Chainlink's L2 sequencer uptime feed")
        from ape import chain

        started = int(chain.pending_timestamp) - 2 * settings.grace_period
        _send(partial(mock.setStatus, True, started, sender=deployer))
        uptime_feed = str(mock.address)
    if uptime_feed is not None:
        sentinel = _send(
            lambda: deployer.deploy(project.SequencerSentinel, deployer, uptime_feed, settings.grace_period)
        )
        deployment.add("SequencerSentinel", sentinel, f"{settings.grace_period}s grace after a sequencer restart")
        _send(partial(oracle.setSequencerSentinel, sentinel, sender=deployer))
    else:
        deployment.notes.append("No sequencer uptime feed given: the oracle runs without a sentinel")

    token = deployment.address_of("EquityToken proxy (TSLA)")
    zero = "0x" + "00" * 20
    for symbol, bound, open_age, value_age, liquidate_age, band in ORACLE_FEEDS:
        config = (token if bound else zero, open_age, value_age, liquidate_age, band)
        _send(partial(oracle.configureFeed, feed_id(symbol), config, sender=deployer))
    deployment.notes.append("Oracle feeds: " + ", ".join(f"{s} 0x{feed_id(s).hex()}" for s, *_ in ORACLE_FEEDS))


def replay_demo_prices(w3: Any, deployment: Deployment, sender: str, console: Console | None = None) -> None:
    """Local demo: replay a generated TSLA week (Friday, a weekend, a Monday open 15% lower) into the oracle.

    Uses the deterministic demo reporter keys, so only for a deployment made with them.
    """
    from dualtrack.chain import Chain
    from dualtrack.oracle import feed_id, latest_price, reporter_accounts
    from dualtrack.pricepaths import summarize, weekend_gap_path
    from dualtrack.reporter import Reporter, replay

    evm = Chain(w3)
    oracle = evm.at("EquityPriceOracle", deployment.address_of("EquityPriceOracle"))
    tsla = feed_id("TSLA")
    reporter = Reporter(reporter_accounts(5)[:3], int(w3.eth.chain_id), str(oracle.address), tsla)
    points = weekend_gap_path(step_s=900)
    summary = replay(evm, oracle, reporter, points, sender, progress=True, total=len(points))
    gap = summarize(points).largest_gap
    view = latest_price(oracle, tsla)
    table = Table(title="TSLA oracle replay (generated: Friday session, weekend, Monday gap)")
    table.add_column("figure", style="bold cyan")
    table.add_column("value", justify="right")
    accepted, held = summary.outcomes.get("accepted", 0), summary.outcomes.get("held", 0)
    rows = [
        ("reports submitted", f"{summary.submitted:,}"),
        ("accepted / held / rejected", f"{accepted:,} / {held:,} / {sum(summary.rejections.values()):,}"),
        ("largest reopening gap", f"{gap.fraction:.2%}" if gap else "-"),
        ("gas per accepted or held report", f"{summary.gas_used // max(1, accepted + held):,}"),
        ("reports per second (local node)", f"{summary.reports_per_second:,.1f}"),
        ("last price per token (USD)", f"{view.price_per_token / 10**18:,.2f}"),
        (
            "usable: open risk / value / liquidate",
            f"{view.usable_to_open_risk} / {view.usable_to_value} / {view.usable_to_liquidate}",
        ),
    ]
    for row in rows:
        table.add_row(*row)
    (console or Console(width=160)).print(table)


def print_summary(deployment: Deployment, console: Console | None = None) -> None:
    # Wide enough for full addresses when output is piped (CI logs, `make demo | tee`).
    out = console or Console(width=160)
    out.print(deployment.table())
    for note in deployment.notes:
        out.print(f"  {note}")
