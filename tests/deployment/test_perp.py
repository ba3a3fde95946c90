"""The perps of a deployed local protocol: wired as configured, usable at once from ``dualtrack perp``.

One deployment of ``deploy/local.toml`` (module-scoped; the node's snapshots undo what a test did): the
FundingRateOracle and the PerpMarket behind their proxies with BTC-PERP and TSLA-PERP, the market registered on
the vault and the pool. alice (dev account 2) pledges TSLA and shorts BTC from the command line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dualtrack.chain import Chain
from dualtrack.cli import main
from dualtrack.cli.keeper import local_keeper
from dualtrack.deployment import Outcome, deploy, open_manifest
from dualtrack.deployment.config import load_config
from dualtrack.deployment.perp_plan import PERP_MARKET
from dualtrack.deployment.pool_plan import POOL
from dualtrack.governance import Role
from dualtrack.keepers.perp_keeper import Action
from dualtrack.keepers.reporter import Reporter
from dualtrack.liquidity_pool import advance_and_settle, request_deposit
from dualtrack.margin import deposit, main_account
from dualtrack.market import MarketStatus
from dualtrack.oracle import feed_id, reporter_accounts, submit_at
from dualtrack.perp import OrderKind, OrderRequest, commit_order
from tests.deployment.conftest import LOCAL_TOML
from tests.support import ETHER, funded_key

TSLA = 10**18
USDC = 10**6
BTC_PERP = feed_id("BTC-PERP")
WAD = 10**18


@pytest.fixture(scope="module")
def deployed(evm: Chain, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, Path]:
    config = load_config(LOCAL_TOML)
    path = tmp_path_factory.mktemp("perp") / "base-local.json"
    deployer = funded_key(evm, 100 * ETHER)
    evm.use_key(deployer)
    manifest = open_manifest(path, config, chain_id=int(evm.w3.eth.chain_id), deployer=deployer.address)
    return deploy(evm, config, deployer=deployer.address, manifest=manifest, signing_keys=[deployer]), path


def _perp(evm: Chain, path: Path, *args: str) -> Result:
    rpc_url = str(evm.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    return CliRunner().invoke(main, ["perp", *args, "--rpc-url", rpc_url, "--manifest", str(path)])


def _alice(deployed: tuple[Outcome, Path]) -> str:
    config = deployed[0].context.config
    assert config is not None
    return config.investors[0].wallet


def _ready_to_trade(evm: Chain, deployed: tuple[Outcome, Path]) -> int:
    """alice's main account with 40 TSLA, 100,000 USDC of LP capital in the pool, TSLA and BTC prices now."""
    outcome, _ = deployed
    ctx = outcome.context
    alice = _alice(deployed)
    vault = ctx.contract("margin.vault")
    token = ctx.contract("tsla.token")
    account = main_account(evm, vault, alice)
    deposit(evm, vault, account, token, 40 * TSLA, alice)
    pool, stablecoin = ctx.contract(POOL), ctx.contract("stablecoin")
    evm.send(stablecoin.functions.mint(ctx.deployer, 100_000 * USDC), ctx.deployer)
    request_deposit(evm, pool, stablecoin, 100_000 * USDC, ctx.deployer)
    advance_and_settle(evm, pool, ctx.deployer)
    oracle = ctx.contract("oracle.price_oracle")
    at = evm.timestamp() + 5
    for offset, (symbol, price) in enumerate((("TSLA", 250), ("BTC", 60_000))):
        reporter = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), oracle.address, feed_id(symbol))
        report = reporter.sign(reporter.report(at, MarketStatus.OPEN, price * ETHER))
        submit_at(evm, oracle, report, ctx.deployer, at + 1 + offset)
    return account


def test_deploy__local_perp_section__markets_funding_and_registrations_read_back(
    deployed: tuple[Outcome, Path],
) -> None:
    outcome, _ = deployed
    assert outcome.ok, [check for check in outcome.checks if not check.ok]
    subjects = {check.subject for check in outcome.checks if check.subject.startswith("perp:")}
    assert {
        "perp: BTC-PERP listed",
        "perp: BTC-PERP funding",
        "perp: TSLA-PERP listed",
        "perp: TSLA-PERP funding",
        "perp: TSLA-PERP dividend source",
        "perp: a market of the vault",
        "perp: a market of the pool",
        "perp: the market's pool",
    } <= subjects
    assert outcome.manifest.get("perp.markets") == {
        "BTC-PERP": "0x" + BTC_PERP.hex(),
        "TSLA-PERP": "0x" + feed_id("TSLA-PERP").hex(),
    }
    # RISK_ADMIN lists markets (the roles section mapped it).
    manager = outcome.context.contract("governance.access_manager")
    market = outcome.context.contract(PERP_MARKET)
    blank = (b"\x00" * 32, *([0] * 12), False, 0, 0, 0, False)
    for call in (market.functions.listMarket(BTC_PERP, blank), market.functions.delistMarket(BTC_PERP)):
        role = manager.functions.getTargetFunctionRole(market.address, bytes.fromhex(call.selector[2:])).call()
        assert role == Role.RISK_ADMIN


def test_cli_perp__markets_and_funding__listed_with_their_symbols(evm: Chain, deployed: tuple[Outcome, Path]) -> None:
    markets = _perp(evm, deployed[1], "markets")
    assert markets.exit_code == 0, markets.output
    assert "BTC-PERP" in markets.output and "TSLA-PERP" in markets.output and "50x" in markets.output
    assert "100%" in markets.output  # TSLA-PERP passes TSLA's dividends through gross
    funding = _perp(evm, deployed[1], "funding")
    assert funding.exit_code == 0, funding.output
    assert "BTC-PERP" in funding.output and "predicted rate" in funding.output


def test_cli_perp__open_settle_close__tsla_margined_btc_short_round_trip(
    evm: Chain, deployed: tuple[Outcome, Path]
) -> None:
    snapshot = evm.snapshot()
    try:
        account = _ready_to_trade(evm, deployed)
        path = deployed[1]
        opened = _perp(evm, path, "open", "BTC-PERP", "-0.05", "--node-account", "2")
        assert opened.exit_code == 0, opened.output
        assert f"margin account #{account}: a -0.0500 BTC-PERP market order committed in slot 0" in opened.output
        orders = _perp(evm, path, "orders", "--account-id", str(account))
        assert "BTC-PERP" in orders.output and "market" in orders.output and "-0.0500" in orders.output
        settled = _perp(evm, path, "settle", "BTC-PERP", "0", "60000", "--node-account", "2")
        assert settled.exit_code == 0, settled.output
        assert "settled: -0.0500 at 59,999.85 USD" in settled.output and "size now -0.0500" in settled.output
        positions = _perp(evm, path, "positions", "--account-id", str(account))
        assert "BTC-PERP" in positions.output and "-0.0500" in positions.output
        closed = _perp(evm, path, "close", "BTC-PERP", "--node-account", "2")
        assert closed.exit_code == 0, closed.output and "+0.0500" in closed.output
        settled = _perp(evm, path, "settle", "BTC-PERP", "0", "60000", "--node-account", "2")
        assert "size now 0.0000" in settled.output
        market = deployed[0].context.contract(PERP_MARKET)
        assert market.functions.positionOf(account, BTC_PERP).call()[0] == 0
    finally:
        evm.revert_to(snapshot)


def test_cli_perp__mistakes__error_naming_them_and_nothing_sent(evm: Chain, deployed: tuple[Outcome, Path]) -> None:
    zero = _perp(evm, deployed[1], "open", "BTC-PERP", "0", "--node-account", "2")
    assert zero.exit_code == 2 and "the size must not be zero" in zero.output
    no_account = _perp(evm, deployed[1], "close", "BTC-PERP", "--node-account", "1")
    assert no_account.exit_code == 2 and "has no margin account" in no_account.output
    unknown = _perp(evm, deployed[1], "open", "DOGE-PERP", "1", "--node-account", "2")
    assert (
        unknown.exit_code == 2
        and "no perp market DOGE-PERP: the deployment lists BTC-PERP, TSLA-PERP" in unknown.output
    )


def test_keeper__orders_and_a_rally__settles_fills_the_stop_and_liquidates(
    evm: Chain, deployed: tuple[Outcome, Path]
) -> None:
    """The keeper (bob: a verified TSLA holder with USDC) settles alice's short at its fill-time report, fills
    her stop once BTC rises through it, and liquidates her second, oversized short after a rally."""
    snapshot = evm.snapshot()
    try:
        outcome, path = deployed
        ctx = outcome.context
        account = _ready_to_trade(evm, deployed)
        config = ctx.config
        assert config is not None
        alice, bob = config.investors[0].wallet, config.investors[1].wallet
        evm.send(ctx.contract("stablecoin").functions.mint(bob, 50_000 * USDC), ctx.deployer)
        actions: list[Action] = []
        bot = local_keeper(evm, path, bob)
        bot.log = actions.append
        market = ctx.contract(PERP_MARKET)

        opened = _perp(evm, path, "open", "BTC-PERP", "-0.05", "--node-account", "2")
        assert opened.exit_code == 0, opened.output
        evm.mine(evm.timestamp() + 3)
        bot.step()
        assert [(a.kind, a.account_id) for a in actions] == [("settled", account)]
        assert market.functions.positionOf(account, BTC_PERP).call()[0] == -WAD // 20

        stop = OrderRequest(BTC_PERP, account, WAD // 20, 2**128 - 1, 62_000 * ETHER, OrderKind.STOP_LOSS, True, USDC)
        commit_order(evm, market, stop, alice)
        evm.mine(evm.timestamp() + 3)
        bot.step()
        assert len(actions) == 1  # BTC at 60,000: not triggered
        _post(evm, deployed, {"TSLA": 250, "BTC": 62_500})
        bot.step()
        assert actions[-1].kind == "settled" and market.functions.positionOf(account, BTC_PERP).call()[0] == 0

        # A 1.2 BTC short on the 40 TSLA ($10,000, $7,000 at the maintenance weight): a rally to 68,500 leaves it
        # below maintenance. (1.2 BTC is within the pool's 80% utilisation of its 100,000 USDC.)
        commit_order(evm, market, OrderRequest(BTC_PERP, account, -6 * WAD // 5, 0, keeper_fee=USDC), alice)
        evm.mine(evm.timestamp() + 3)
        bot.step()
        assert market.functions.positionOf(account, BTC_PERP).call()[0] == -6 * WAD // 5
        _post(evm, deployed, {"TSLA": 250, "BTC": 68_500})
        assert ctx.contract("margin.vault").functions.isLiquidatable(account).call()[0]
        bot.step()
        assert actions[-1].kind == "liquidated" and actions[-1].account_id == account
        assert market.functions.positionOf(account, BTC_PERP).call()[0] == 0
        assert ctx.contract("tsla.token").functions.balanceOf(bob).call() > 250 * TSLA  # seized at a discount
    finally:
        evm.revert_to(snapshot)


def _post(evm: Chain, deployed: tuple[Outcome, Path], prices: dict[str, int]) -> None:
    ctx = deployed[0].context
    oracle = ctx.contract("oracle.price_oracle")
    at = evm.timestamp() + 2
    for offset, (symbol, price) in enumerate(prices.items()):
        reporter = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), oracle.address, feed_id(symbol))
        submit_at(
            evm,
            oracle,
            reporter.sign(reporter.report(at, MarketStatus.OPEN, price * ETHER)),
            ctx.deployer,
            at + 1 + offset,
        )
