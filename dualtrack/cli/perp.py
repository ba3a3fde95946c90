"""``dualtrack perp``: the perp markets of a deployment: list them, commit and settle orders, read positions,
orders and funding.

    dualtrack perp markets
    dualtrack perp open BTC-PERP -0.05 --node-account 2          # alice commits a 0.05 BTC short
    dualtrack perp settle BTC-PERP 0 60000 --node-account 2      # a dev node: sign the fill report locally
    dualtrack perp positions --account-id 1
    dualtrack perp orders --account-id 1
    dualtrack perp close BTC-PERP --node-account 2
    dualtrack perp funding

The market, its lens and the funding oracle come from the deployment manifest (``perp.*`` contracts; default
``deployments/base-local.json``, what ``make demo`` writes). MARKET is a market's symbol (its id is
``feed_id(symbol)``); SIZE is signed whole units (negative: short). Without ``--account-id`` the sender's main
margin account is used. ``settle`` signs the report observed at the order's fill time with the local demo
reporter keys: a dev node's stand-in for the keeper, which fetches that report from the reporting network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from rich.table import Table
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.cli.common import choose_sender, connect, manifest_option, rpc_option, sender_options
from dualtrack.cli.deploy import console
from dualtrack.deployment import Manifest, ManifestError
from dualtrack.deployment.perp_plan import FUNDING_ORACLE, PERP_LENS, PERP_MARKET
from dualtrack.funding import state_of
from dualtrack.keepers.reporter import Reporter
from dualtrack.margin import main_account
from dualtrack.oracle import feed_id, reporter_accounts
from dualtrack.perp import (
    OrderKind,
    OrderRequest,
    commit_order,
    delist_market,
    fill_time,
    settle_at_fill_time,
    settle_delisted,
)

WAD = 10**18
KIND_NAMES = {kind.value: kind.name.lower().replace("_", "-") for kind in OrderKind}


class PerpDesk:
    """A deployment's perp market, lens, funding oracle and vault."""

    def __init__(self, evm: Chain, manifest: Manifest) -> None:
        self.evm = evm
        recorded = manifest.get("perp.markets") or {}
        self.labels = {bytes.fromhex(str(market_id)[2:]): str(symbol) for symbol, market_id in recorded.items()}
        self.market = evm.at("PerpMarket", manifest.address(PERP_MARKET))
        self.lens = evm.at("PerpLens", manifest.address(PERP_LENS))
        self.funding = evm.at("FundingRateOracle", manifest.address(FUNDING_ORACLE))
        vault, oracle, _, _ = self.market.functions.wiring().call()
        self.vault = evm.at("MarginVault", vault)
        self.oracle = evm.at("EquityPriceOracle", oracle)

    def market_ids(self) -> list[bytes]:
        return [bytes(market_id) for market_id in self.market.functions.markets().call()]


def open_perps(evm: Chain, manifest_path: Path) -> PerpDesk:
    try:
        return PerpDesk(evm, Manifest.load(manifest_path))
    except (ManifestError, KeyError, LookupError) as error:
        raise click.UsageError(f"{manifest_path} has no perp market (deploy with a [perp] section): {error}") from None


def position_table(
    lens: Contract,
    market: Contract,
    account_id: int,
    market_ids: Sequence[bytes],
    labels: Mapping[bytes, str] | None = None,
) -> Table:
    """``account_id``'s positions valued now (PerpLens): size, entry, price, PnL, accrued funding, margins."""
    table = Table(title=f"perp positions of margin account #{account_id}")
    for column in ("market", "size", "entry", "price", "PnL", "funding owed", "initial margin", "maintenance"):
        table.add_column(column, justify="left" if column == "market" else "right")
    for market_id in market_ids:
        size, entry, price, pnl, owed, initial, maintenance = lens.functions.positionView(
            market.address, account_id, market_id
        ).call()
        if size == 0:
            continue
        table.add_row(
            _market_label(market_id, labels),
            f"{size / WAD:,.4f}",
            f"{entry / WAD:,.2f}",
            f"{price / WAD:,.2f}",
            f"{pnl / WAD:,.2f}",
            f"{owed / WAD:,.4f}",
            f"{initial / WAD:,.2f}",
            f"{maintenance / WAD:,.2f}",
        )
    return table


def _signed_desk(
    rpc_url: str, manifest_path: Path, key_file: Path | None, ape_alias: str | None, node_account: str | None
) -> tuple[PerpDesk, str]:
    """The deployment's perps on the node, and the wallet that signs (one of the sender options)."""
    evm = connect(rpc_url)
    desk = open_perps(evm, manifest_path)
    sender, _ = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    return desk, sender


def _market_label(market_id: bytes, labels: Mapping[bytes, str] | None) -> str:
    """A market's symbol as the deployment recorded it, else its id's first bytes."""
    if labels and market_id in labels:
        return labels[market_id]
    return "0x" + market_id.hex()[:12] + "..."


def _market_id(symbol: str) -> bytes:
    return feed_id(symbol.upper())


def _listed(desk: PerpDesk, symbol: str) -> bytes:
    """MARKET's id, if the deployment lists it (a usage error naming the listed ones otherwise)."""
    market_id = _market_id(symbol)
    if market_id not in desk.market_ids():
        listed = ", ".join(desk.labels.get(m, "0x" + m.hex()) for m in desk.market_ids())
        raise click.UsageError(f"no perp market {symbol}: the deployment lists {listed}")
    return market_id


def _size(text: str) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise click.BadParameter(f"{text!r} is not a number", param_hint="SIZE") from None
    size = int(value * WAD)
    if size == 0:
        raise click.BadParameter("the size must not be zero", param_hint="SIZE")
    return size


def _account(desk: PerpDesk, sender: str, account_id: int | None) -> int:
    if account_id is not None:
        return account_id
    accounts = desk.vault.functions.accountsOf(sender).call()
    if not accounts:
        raise click.UsageError(f"{sender} has no margin account: deposit collateral first (dualtrack margin deposit)")
    return main_account(desk.evm, desk.vault, sender)


def _refused(action: str, error: Reverted) -> click.ClickException:
    return click.ClickException(f"the perp market would not {action}: {error}")


account_id_option = click.option("--account-id", type=int, default=None, help="The margin account (default: main).")


@click.group()
def perp() -> None:
    """Perpetual futures: markets, orders, positions and funding."""


@perp.command("markets")
@rpc_option
@manifest_option
def markets_command(rpc_url: str, manifest_path: Path) -> None:
    """List the markets: feed, skew scale, leverage, fees, open interest per side, skew and dividends passed."""
    desk = open_perps(connect(rpc_url), manifest_path)
    table = Table(title="perp markets")
    columns = (
        "market id",
        "max leverage",
        "maker / taker",
        "OI cap a side",
        "longs",
        "shorts",
        "skew scale",
        "dividends",
        "state",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "market id" else "right")
    for market_id in desk.market_ids():
        config = desk.market.functions.configOf(market_id).call()
        totals = desk.market.functions.totalsOf(market_id).call()
        pass_through = int(desk.market.functions.dividendSourceOf(market_id).call()[2])
        state, index = desk.market.functions.dividendsOf(market_id).call()
        dividends = f"{pass_through / 100:g}%, ${index / WAD:,.4f} paid" if pass_through else "-"
        if pass_through and int(state[1]) and index == int(state[0]):
            dividends += f", ${int(state[1]) / WAD:,.4f} at {int(state[2])}"
        final_price = int(desk.market.functions.delistingOf(market_id).call()[0])
        trading = "reduce-only" if config[13] else "open"
        table.add_row(
            _market_label(market_id, desk.labels),
            f"{WAD / config[6]:,.0f}x",
            f"{config[3]} / {config[4]} bps",
            f"{config[2] / WAD:,.2f}",
            f"{totals[0] / WAD:,.4f}",
            f"{totals[1] / WAD:,.4f}",
            f"{config[1] / WAD:,.0f}",
            dividends,
            f"delisted at ${final_price / WAD:,.2f}" if config[17] else trading,
        )
    console().print(table)


@perp.command(
    "open",
    epilog="Example: dualtrack perp open BTC-PERP -0.05 --node-account 2",
    context_settings={"ignore_unknown_options": True},  # a negative SIZE is not an option
)
@click.argument("market")
@click.argument("size")
@click.option("--keeper-fee", default="0.5", show_default=True, help="The keeper fee reserved (stablecoin).")
@click.option("--acceptable-price", default=None, help="The worst fill price in USD (default: any).")
@account_id_option
@rpc_option
@manifest_option
@sender_options
def open_command(
    market: str,
    size: str,
    keeper_fee: str,
    acceptable_price: str | None,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Commit a market order of SIZE (signed whole units) on MARKET; a keeper settles it at the report
    observed at its fill time."""
    _commit(
        market,
        _size(size),
        keeper_fee,
        acceptable_price,
        False,
        account_id,
        rpc_url,
        manifest_path,
        (key_file, ape_alias, node_account),
    )


@perp.command("close", epilog="Example: dualtrack perp close BTC-PERP --node-account 2")
@click.argument("market")
@click.option("--keeper-fee", default="0.5", show_default=True, help="The keeper fee reserved (stablecoin).")
@account_id_option
@rpc_option
@manifest_option
@sender_options
def close_command(
    market: str,
    keeper_fee: str,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Commit a reduce-only market order that closes the account's MARKET position."""
    desk, sender = _signed_desk(rpc_url, manifest_path, key_file, ape_alias, node_account)
    account = _account(desk, sender, account_id)
    size = int(desk.market.functions.positionOf(account, _listed(desk, market)).call()[0])
    if size == 0:
        raise click.UsageError(f"margin account #{account} has no {market} position")
    _commit(market, -size, keeper_fee, None, True, account, rpc_url, manifest_path, (key_file, ape_alias, node_account))


def _commit(
    market: str,
    size: int,
    keeper_fee: str,
    acceptable_price: str | None,
    reduce_only: bool,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    sender_choice: tuple[Path | None, str | None, str | None],
) -> None:
    evm = connect(rpc_url)
    desk = open_perps(evm, manifest_path)
    _listed(desk, market)
    key_file, ape_alias, node_account = sender_choice
    sender, _ = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    account = _account(desk, sender, account_id)
    settlement = evm.at("IStablecoin", desk.vault.functions.wiring().call()[1])
    decimals = int(settlement.functions.decimals().call())
    fee = int(Decimal(keeper_fee) * 10**decimals)
    any_price = 2**128 - 1 if size > 0 else 0
    acceptable = any_price if acceptable_price is None else int(Decimal(acceptable_price) * WAD)
    request = OrderRequest(
        _market_id(market), account, size, acceptable, reduce_only=reduce_only, keeper_fee=fee, kind=OrderKind.MARKET
    )
    try:
        slot, committed_at = commit_order(evm, desk.market, request, sender)
    except Reverted as error:
        raise _refused("take the order", error) from None
    fills_at = fill_time(desk.market, _market_id(market), committed_at)
    console().print(
        f"margin account #{account}: a {size / WAD:+,.4f} {market} market order committed in slot {slot} at "
        f"{committed_at}; it fills at the report observed at {fills_at}."
    )


@perp.command("settle", epilog="Example: dualtrack perp settle BTC-PERP 0 60000 --node-account 2")
@click.argument("market")
@click.argument("slot", type=int)
@click.argument("price")
@account_id_option
@rpc_option
@manifest_option
@sender_options
def settle_command(
    market: str,
    slot: int,
    price: str,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """On a dev node: settle the order in SLOT with a report of PRICE (USD) observed at its fill time, signed
    by the local demo reporters (the sender, if it owns the account, pays no keeper fee)."""
    desk, sender = _signed_desk(rpc_url, manifest_path, key_file, ape_alias, node_account)
    evm = desk.evm
    market_id = _listed(desk, market)
    account = _account(desk, sender, account_id)
    order = desk.market.functions.orderOf(account, market_id, slot).call()
    if order[2] == 0:
        raise click.UsageError(f"margin account #{account} has no order in slot {slot} of {market}")
    feed = bytes(desk.market.functions.configOf(market_id).call()[0])
    reporter = Reporter(reporter_accounts(5)[:3], int(evm.w3.eth.chain_id), str(desk.oracle.address), feed)
    try:
        settled = settle_at_fill_time(
            evm, desk.market, reporter, account, market_id, slot, int(order[2]), int(Decimal(price) * WAD), sender
        )
    except Reverted as error:
        raise _refused("settle the order", error) from None
    console().print(
        f"settled: {settled.size_delta / WAD:+,.4f} at {settled.fill_price / WAD:,.2f} USD, fee "
        f"{settled.fee / WAD:,.4f} USD, realised PnL {settled.pnl / WAD:,.2f}, funding {settled.funding / WAD:,.4f}; "
        f"size now {settled.new_size / WAD:,.4f}."
    )
    console().print(position_table(desk.lens, desk.market, account, [market_id], desk.labels))


@perp.command("delist", epilog="Example: dualtrack perp delist TSLA-PERP --key-file risk-admin.key")
@click.argument("market")
@rpc_option
@manifest_option
@sender_options
def delist_command(
    market: str,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Delist MARKET (RISK_ADMIN; the market must be reduce-only already) at the oracle's last accepted price:
    no order fills on it any more, and its positions settle at that price (dualtrack perp settle-delisted, or
    the keeper)."""
    desk, sender = _signed_desk(rpc_url, manifest_path, key_file, ape_alias, node_account)
    evm = desk.evm
    market_id = _listed(desk, market)
    try:
        final = delist_market(evm, desk.market, market_id, sender)
    except Reverted as error:
        raise _refused("delist the market", error) from None
    console().print(
        f"{market} delisted: its positions settle at {final.price / WAD:,.4f} USD a token and carry index "
        f"{final.index / WAD:,.6f}."
    )


@perp.command("settle-delisted", epilog="Example: dualtrack perp settle-delisted TSLA-PERP --account-id 3")
@click.argument("market")
@account_id_option
@rpc_option
@manifest_option
@sender_options
def settle_delisted_command(
    market: str,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Settle an account's position on delisted MARKET at its final price (anyone may; default: the sender's
    main account)."""
    desk, sender = _signed_desk(rpc_url, manifest_path, key_file, ape_alias, node_account)
    evm = desk.evm
    market_id = _listed(desk, market)
    account = _account(desk, sender, account_id)
    try:
        settled = settle_delisted(evm, desk.market, account, market_id, sender)
    except Reverted as error:
        raise _refused("settle the delisted position", error) from None
    console().print(
        f"settled: {settled.size / WAD:+,.4f} at the final {settled.price / WAD:,.2f} USD, realised PnL "
        f"{settled.pnl / WAD:,.2f}, funding {settled.funding / WAD:,.4f}."
    )


@perp.command("positions")
@account_id_option
@click.option("--owner", default=None, help="The wallet whose main account to show.")
@rpc_option
@manifest_option
def positions_command(account_id: int | None, owner: str | None, rpc_url: str, manifest_path: Path) -> None:
    """Show an account's positions valued now (PnL, accrued funding, margins)."""
    desk = open_perps(connect(rpc_url), manifest_path)
    if (owner is None) == (account_id is None):
        raise click.UsageError("give exactly one of --owner and --account-id")
    account = account_id if account_id is not None else _account(desk, str(owner), None)
    markets = [bytes(m) for m in desk.market.functions.positionMarketsOf(account).call()]
    console().print(position_table(desk.lens, desk.market, account, markets, desk.labels))


@perp.command("orders")
@account_id_option
@rpc_option
@manifest_option
def orders_command(account_id: int | None, rpc_url: str, manifest_path: Path) -> None:
    """Show an account's pending orders in every market."""
    if account_id is None:
        raise click.UsageError("give --account-id")
    desk = open_perps(connect(rpc_url), manifest_path)
    table = Table(title=f"pending perp orders of margin account #{account_id}")
    for column in ("market", "slot", "kind", "size", "acceptable", "trigger", "reduce-only", "committed at"):
        table.add_column(column)
    for market_id in desk.market_ids():
        for slot in range(int(desk.market.functions.MAX_ORDERS().call())):
            size, acceptable, committed_at, kind, reduce_only, _, trigger = desk.market.functions.orderOf(
                account_id, market_id, slot
            ).call()
            if committed_at == 0:
                continue
            table.add_row(
                _market_label(market_id, desk.labels),
                str(slot),
                KIND_NAMES[kind],
                f"{size / WAD:+,.4f}",
                f"{acceptable / WAD:,.2f}",
                f"{trigger / WAD:,.2f}",
                str(reduce_only),
                str(committed_at),
            )
    console().print(table)


@perp.command("funding")
@rpc_option
@manifest_option
def funding_command(rpc_url: str, manifest_path: Path) -> None:
    """Show each market's funding: skew, the last settled hourly rate, the current hour's predicted rate and
    the cumulative index."""
    desk = open_perps(connect(rpc_url), manifest_path)
    table = Table(title="perp funding (hourly rates; a positive rate: longs pay)")
    for column in ("market", "skew", "last hourly rate", "predicted rate", "index (USD per unit)"):
        table.add_column(column, justify="left" if column == "market" else "right")
    for market_id in desk.market_ids():
        state = state_of(desk.funding, market_id)
        predicted = int(desk.funding.functions.predictedRate(market_id).call())
        table.add_row(
            _market_label(market_id, desk.labels),
            f"{state.skew / WAD:+,.4f}",
            f"{state.last_rate / WAD:+.6%}",
            f"{predicted / WAD:+.6%}",
            f"{state.index / WAD:+,.6f}",
        )
    console().print(table)
