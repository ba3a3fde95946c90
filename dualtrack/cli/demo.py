"""``dualtrack demo`` (what ``make demo`` runs): the asset track on a fresh local node, told in tables.

Deploys ``deploy/local.toml`` with the node's first account through the one deployment path, shows the
verified investors and their TSLA, replays a generated TSLA week (a Friday session, a weekend, a Monday
open 15% lower) into the oracle with the deterministic demo reporter keys, then has the first investor
pledge some of its TSLA in its main margin account and shows that account's health (the MarginLens);
then the first investor holding a stock the pool's stock capital lists (bob's NVDA) supplies some to the
main pool as seller capital, and the pool's tables show it (an NVDA price is posted first); last, the TSLA
investor shorts BTC on the perp market with its pledged TSLA as the only margin (a BTC price is posted, the
order committed and settled with the report observed at its fill time), and BTC then falls.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dualtrack.chain import Chain
from dualtrack.cli.common import choose_sender, connect, rpc_option
from dualtrack.cli.deploy import _load, console, run_deployment
from dualtrack.cli.margin import account_table, vault_desk
from dualtrack.cli.perp import position_table
from dualtrack.cli.pool import pool_desk, print_status
from dualtrack.deployment import Outcome
from dualtrack.deployment.config import InvestorConfig, StockConfig, whole_to_raw
from dualtrack.deployment.manifest import Manifest
from dualtrack.deployment.perp_plan import PERP_LENS, PERP_MARKET
from dualtrack.deployment.plan import vault_stocks
from dualtrack.deployment.pool_plan import pool_stocks
from dualtrack.keepers.reporter import Reporter, replay
from dualtrack.liquidity_pool import advance_and_settle, request_deposit
from dualtrack.margin import deposit, main_account, read_account
from dualtrack.market import MarketStatus
from dualtrack.oracle import feed_id, latest_price, reporter_accounts, submit_at
from dualtrack.paths import DEPLOYMENTS_DIR, PROJECT_ROOT
from dualtrack.perp import OrderRequest, commit_order, settle_at_fill_time
from dualtrack.pricepaths import MarketCalendar, summarize, weekend_gap_path

LOCAL_CONFIG = PROJECT_ROOT / "deploy" / "local.toml"
COUNTRY_NAMES = {840: "United States", 276: "Germany", 392: "Japan", 826: "United Kingdom"}
UNIT = 10**18
PLEDGED_SHARES = Decimal(40)  # what the first investor deposits into its margin account
SUPPLIED_SHARES = Decimal(100)  # what the first holder of a pool stock supplies to the pool
POOL_STOCK_PRICE = 140 * UNIT  # the USD price posted for it before (a demo figure)
BTC_PRICES = (60_000 * UNIT, 57_000 * UNIT)  # BTC when the short opens, then after a fall (demo figures)
SHORT_SIZE = -(UNIT // 20)  # the TSLA investor shorts 0.05 BTC
LP_SUPPLY = 100_000 * 10**6  # USDC an LP supplies to the pool first (6 decimals)


@click.command("demo")
@rpc_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=LOCAL_CONFIG,
    show_default=True,
)
def demo_command(rpc_url: str, config_path: Path) -> None:
    """Deploy the local demo configuration and show the asset track at work (a dev node only)."""
    config = _load(config_path)
    if not config.network.local:
        raise click.UsageError(f"{config_path} is not a local configuration (network.local = true)")
    evm = connect(rpc_url)
    deployer, key = choose_sender(evm, key_file=None, ape_alias=None, node_account="0")
    out = console()
    outcome = run_deployment(
        evm,
        config,
        deployer=deployer,
        deployer_key=key,
        manifest_path=DEPLOYMENTS_DIR / f"{config.network.name}.json",
        rpc_url=rpc_url,
        fresh=True,
        out=out,
    )
    out.print(investor_table(evm, outcome))
    replay_demo_week(evm, outcome.manifest, deployer, out)
    pledge_demo_margin(evm, outcome, out)
    supply_demo_pool(evm, outcome, deployer, out)
    short_btc_demo(evm, outcome, deployer, out)


def investor_table(evm: Chain, outcome: Outcome) -> Table:
    """The verified investors of the deployment and their holdings, read from the chain."""
    config = outcome.context.config
    assert config is not None
    ctx = outcome.context
    table = Table(title="verified investors (identity, signed KYC claim, country, minted shares)")
    for column in ("investor", "wallet", "identity", "country", "stock", "verified", "raw balance", "shares (UI)"):
        table.add_column(column)
    for investor in config.investors:
        identity = ctx.address(f"investors.{investor.label}.identity")
        country = COUNTRY_NAMES.get(investor.country, str(investor.country))
        for stock in config.stocks:
            token = ctx.contract(f"{stock.symbol.lower()}.token")
            registry = ctx.contract(f"{stock.symbol.lower()}.identity_registry")
            raw = token.functions.balanceOf(investor.wallet).call()
            shown = token.functions.balanceOfUI(investor.wallet).call() / 10**stock.decimals
            verified = registry.functions.isVerified(investor.wallet).call()
            table.add_row(
                investor.label,
                investor.wallet,
                identity,
                country,
                stock.symbol,
                str(verified),
                f"{raw:,}",
                f"{shown:,.2f}",
            )
    return table


def replay_demo_week(evm: Chain, manifest: Manifest, sender: str, out: Console) -> None:
    """Replay a generated TSLA week into the oracle with the demo reporter keys (local deployments only)."""
    oracle = evm.at("EquityPriceOracle", manifest.address("oracle.price_oracle"))
    tsla = feed_id("TSLA")
    reporter = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), str(oracle.address), tsla)
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
        ("last price per token (USD)", f"{view.price_per_token / UNIT:,.2f}"),
        (
            "usable: open risk / value / liquidate",
            f"{view.usable_to_open_risk} / {view.usable_to_value} / {view.usable_to_liquidate}",
        ),
    ]
    for row in rows:
        table.add_row(*row)
    out.print(table)


def pledge_demo_margin(evm: Chain, outcome: Outcome, out: Console) -> None:
    """The first investor holding a stock the vault lists deposits some into its main margin account (from
    its own wallet, a dev node account); the account's health as the MarginLens reads it."""
    config = outcome.context.config
    assert config is not None
    pledge = _first_pledge(config.investors, vault_stocks(config))
    if pledge is None:
        return
    investor, stock = pledge
    desk = vault_desk(evm, outcome.manifest)
    shares = min(PLEDGED_SHARES, investor.holdings[stock.symbol])
    token = outcome.context.contract(f"{stock.symbol.lower()}.token")
    account = main_account(evm, desk.vault, investor.wallet)
    deposit(evm, desk.vault, account, token, whole_to_raw(shares, stock.decimals), investor.wallet)
    out.print(
        f"{investor.label} pledged {shares} {stock.symbol} in margin account #{account} (dualtrack margin status):"
    )
    out.print(account_table(read_account(desk.lens, desk.vault, account), desk))


def _first_pledge(
    investors: list[InvestorConfig], stocks: list[StockConfig]
) -> tuple[InvestorConfig, StockConfig] | None:
    for investor in investors:
        for stock in stocks:
            if stock.symbol in investor.holdings:
                return investor, stock
    return None


def supply_demo_pool(evm: Chain, outcome: Outcome, sender: str, out: Console) -> None:
    """The first investor holding a stock the pool's stock capital lists supplies some of it as seller
    capital (from its own wallet, a dev node account), after a price for that stock is posted; the pool's
    tables (``dualtrack pool status``) with the investor's position."""
    config = outcome.context.config
    assert config is not None
    if config.pool is None:
        return
    # The pool's first stock (NVDA in the demo) and its first holder: not the TSLA just pledged.
    supply = next(
        (
            (investor, stock)
            for stock in pool_stocks(config)
            for investor in config.investors
            if stock.symbol in investor.holdings
        ),
        None,
    )
    if supply is None:
        return
    investor, stock = supply
    oracle = evm.at("EquityPriceOracle", outcome.manifest.address("oracle.price_oracle"))
    feed = feed_id(stock.symbol)
    reporter = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), str(oracle.address), feed)
    at = evm.timestamp() + 5
    submit_at(evm, oracle, reporter.sign(reporter.report(at, MarketStatus.OPEN, POOL_STOCK_PRICE)), sender, at + 1)
    desk = pool_desk(evm, outcome.manifest)
    token = outcome.context.contract(f"{stock.symbol.lower()}.token")
    shares = min(SUPPLIED_SHARES, investor.holdings[stock.symbol])
    raw = whole_to_raw(shares, stock.decimals)
    evm.send(token.functions.approve(desk.stock_capital.address, raw), investor.wallet)
    evm.send(desk.stock_capital.functions.deposit(token.address, raw), investor.wallet)
    out.print(
        f"{investor.label} supplied {shares} {stock.symbol} to the main pool's {stock.symbol} tranche "
        f"(priced {POOL_STOCK_PRICE / UNIT:,.2f} USD; dualtrack pool status):"
    )
    print_status(desk, investor.wallet, out)


def short_btc_demo(evm: Chain, outcome: Outcome, sender: str, out: Console) -> None:
    """The investor who pledged TSLA shorts BTC on the perp market, margined by that TSLA alone, and settles
    its own order (a trader's fallback: no keeper fee) with the report observed at the order's fill time;
    then BTC falls and the position's PnL and the account's health are shown."""
    config = outcome.context.config
    assert config is not None
    pledge = _first_pledge(config.investors, vault_stocks(config))
    if config.perp is None or pledge is None or not outcome.manifest.has_contract(PERP_MARKET):
        return
    investor, _ = pledge
    market = outcome.context.contract(PERP_MARKET)
    lens = outcome.context.contract(PERP_LENS)
    oracle = evm.at("EquityPriceOracle", outcome.manifest.address("oracle.price_oracle"))
    btc = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), str(oracle.address), feed_id("BTC"))
    market_id = feed_id("BTC-PERP")
    desk = vault_desk(evm, outcome.manifest)
    account = main_account(evm, desk.vault, investor.wallet)

    # The pool backs the open interest: the deployer (the mock stablecoin's minter) supplies USDC as an LP and
    # the hour's epoch settles, which funds the pool's vault credit.
    lp_desk = pool_desk(evm, outcome.manifest)
    evm.send(lp_desk.stablecoin.functions.mint(sender, LP_SUPPLY), sender)
    request_deposit(evm, lp_desk.pool, lp_desk.stablecoin, LP_SUPPLY, sender)
    advance_and_settle(evm, lp_desk.pool, sender)
    out.print(f"An LP supplied {LP_SUPPLY / 10**6:,.0f} USDC to the main pool; the epoch settled.")
    # New risk needs the collateral's price usable to open risk, which a closed venue's is not: the demo goes
    # on at the next session's open, where TSLA trades at its last price.
    tsla = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), str(oracle.address), feed_id("TSLA"))
    last = latest_price(oracle, feed_id("TSLA"))
    at = MarketCalendar().next_open(evm.timestamp()) + 60
    submit_at(evm, oracle, tsla.sign(tsla.report(at, MarketStatus.OPEN, last.price_per_share)), sender, at + 1)
    submit_at(evm, oracle, btc.sign(btc.report(at, MarketStatus.OPEN, BTC_PRICES[0])), sender, at + 2)
    out.print(f"The venue opens again: TSLA trades at {last.price_per_token / UNIT:,.2f} USD, BTC at 60,000 USD.")
    min_keeper_fee = int(market.functions.configOf(market_id).call()[11])  # settled by the trader: not charged
    request = OrderRequest(market_id, account, SHORT_SIZE, acceptable_price=0, keeper_fee=min_keeper_fee)
    slot, committed_at = commit_order(evm, market, request, investor.wallet)
    settled = settle_at_fill_time(
        evm, market, btc, account, market_id, slot, committed_at, BTC_PRICES[0], investor.wallet
    )
    out.print(
        f"{investor.label} shorted {-SHORT_SIZE / UNIT} BTC (BTC-PERP) from margin account #{account}, margined by "
        f"its TSLA alone: filled at {settled.fill_price / UNIT:,.2f} USD, fee {settled.fee / UNIT:,.4f} USD "
        "(dualtrack perp positions):"
    )
    out.print(position_table(lens, market, account, [market_id], {market_id: "BTC-PERP"}))
    at = evm.timestamp() + 5
    submit_at(evm, oracle, btc.sign(btc.report(at, MarketStatus.OPEN, BTC_PRICES[1])), sender, at + 1)
    out.print(f"BTC falls to {BTC_PRICES[1] / UNIT:,.0f} USD: the short gains, the TSLA never moved.")
    out.print(position_table(lens, market, account, [market_id], {market_id: "BTC-PERP"}))
    out.print(account_table(read_account(desk.lens, desk.vault, account), desk))
