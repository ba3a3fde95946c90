"""``dualtrack pool``: supply capital to the main pool (stablecoin or stock tokens), withdraw it, read it.

    dualtrack pool deposit USDC 5000 --node-account 4   # a request, settled at the epoch's NAV
    dualtrack pool deposit NVDA 100 --node-account 3    # bob's NVDA into the NVDA tranche, in kind
    dualtrack pool settle --node-account 0              # anyone, once the epoch has ended
    dualtrack pool claim --node-account 4               # the shares (or the refund) of a settled request
    dualtrack pool withdraw USDC 1000 --node-account 4  # a request to redeem 1,000 pool shares
    dualtrack pool withdraw NVDA all --node-account 3   # the whole NVDA position, in kind, once unlocked
    dualtrack pool status --owner 0x90F79bf6EB2c4f870365E785982E1f101E93b906

The pools come from the deployment manifest's ``pool`` entry (default ``deployments/base-local.json``,
what ``make demo`` writes). ASSET is the settlement stablecoin (the liquidity pool) or a stock the stock
capital lists (its tranche). A deposit's AMOUNT is in whole tokens; a withdrawal's is in whole shares of
the liquidity pool (18 decimals) or of the stock's tranche, or ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.cli.common import choose_sender, connect, manifest_option, rpc_option, sender_options
from dualtrack.cli.deploy import console
from dualtrack.cli.margin import amount_in_raw_units, refused, shown, usd
from dualtrack.deployment import Manifest, ManifestError
from dualtrack.insurance import status as insurance_status
from dualtrack.liquidity_pool import pool_status
from dualtrack.stock_capital import collectable_tranches
from dualtrack.units import BPS, raw_units

SHARE_DECIMALS = 18  # the liquidity pool's shares (6-decimal stablecoin + the 12-decimal virtual offset)


@dataclass(frozen=True)
class PoolDesk:
    """A deployment's liquidity pool, insurance pool, stock capital and vault, and the stocks it lists."""

    evm: Chain
    pool: Contract
    insurance: Contract
    stock_capital: Contract
    vault: Contract
    stablecoin: Contract
    stocks: dict[str, str]  # symbol -> token

    def stock(self, symbol: str) -> Contract | None:
        """The listed stock called ``symbol`` (any case), None for the stablecoin, a usage error otherwise."""
        if symbol.upper() == str(self.stablecoin.functions.symbol().call()).upper():
            return None
        by_symbol = {known.upper(): address for known, address in self.stocks.items()}
        address = by_symbol.get(symbol.upper())
        if address is None:
            known = ", ".join([str(self.stablecoin.functions.symbol().call()), *self.stocks])
            raise click.BadParameter(f"{symbol!r} is not an asset of the pool (one of {known})", param_hint="ASSET")
        return self.evm.at("EquityToken", address)


def pool_desk(evm: Chain, manifest: Manifest) -> PoolDesk:
    """The pools of ``manifest``'s ``pool`` entry (written by a deployment with a ``[pool]`` section)."""
    record = manifest.get("pool")
    vault = evm.at("MarginVault", manifest.get("margin")["address"])
    return PoolDesk(
        evm=evm,
        pool=evm.at("LiquidityPool", record["address"]),
        insurance=evm.at("InsurancePool", record["insurance"]),
        stock_capital=evm.at("StockCapital", record["stock_capital"]),
        vault=vault,
        stablecoin=evm.at("MockStablecoin", vault.functions.wiring().call()[1]),
        stocks={str(symbol): str(address) for symbol, address in record["stocks"].items()},
    )


def open_pool(evm: Chain, manifest_path: Path) -> PoolDesk:
    """The pools the manifest records, on the node ``evm`` talks to (usage errors otherwise)."""
    try:
        manifest = Manifest.load(manifest_path)
    except ManifestError as error:
        raise click.UsageError(f"{error}: pass --manifest") from None
    if manifest.get("pool") is None:
        raise click.UsageError(f"{manifest_path} has no pool: deploy a configuration with a [pool] section")
    chain_id = int(evm.w3.eth.chain_id)
    if manifest.chain_id != chain_id:
        raise click.UsageError(f"{manifest_path} records chain {manifest.chain_id}, the node is chain {chain_id}")
    desk = pool_desk(evm, manifest)
    if not evm.w3.eth.get_code(desk.pool.address):
        raise click.UsageError(f"no contract at the manifest's pool {desk.pool.address}: a reset node?")
    return desk


def _sender(evm: Chain, key_file: Path | None, ape_alias: str | None, node_account: str | None) -> str:
    sender, _ = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    return sender


def _shares(amount: str, decimals: int, held: int) -> int:
    """AMOUNT whole shares (or ``all`` of ``held``) in raw share units."""
    if amount.lower() == "all":
        raw = held
    else:
        try:
            raw = raw_units(Decimal(amount), decimals)
        except (InvalidOperation, ValueError):
            raise click.BadParameter(f"{amount!r} is not a number of shares or 'all'", param_hint="AMOUNT") from None
    if raw == 0:
        raise click.BadParameter("no shares to withdraw", param_hint="AMOUNT")
    if raw > held:
        raise click.ClickException(f"the sender holds {shown(held, decimals)} shares, less than {amount}")
    return raw


@click.group()
def pool() -> None:
    """The main pool: stablecoin capital (epoch requests), stock-token capital (tranches), the insurance."""


@pool.command("deposit", epilog="Example: dualtrack pool deposit NVDA 100 --node-account 3")
@click.argument("asset")
@click.argument("amount")
@rpc_option
@manifest_option
@sender_options
def deposit_command(
    asset: str,
    amount: str,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Supply AMOUNT whole tokens of ASSET: the stablecoin as a deposit request (shares at the epoch's NAV,
    claimed after settlement), a listed stock into its tranche at once (locked for the lock period)."""
    evm = connect(rpc_url)
    desk = open_pool(evm, manifest_path)
    sender = _sender(evm, key_file, ape_alias, node_account)
    stock = desk.stock(asset)
    token = desk.stablecoin if stock is None else stock
    raw = amount_in_raw_units(amount, token)
    held = int(token.functions.balanceOf(sender).call())
    if held < raw:
        raise click.ClickException(f"{sender} holds less than {amount} {asset}")
    spender = desk.pool if stock is None else desk.stock_capital
    try:
        evm.send(token.functions.approve(spender.address, raw), sender)
        if stock is None:
            evm.send(desk.pool.functions.requestDeposit(raw, sender), sender)
        else:
            evm.send(desk.stock_capital.functions.deposit(stock.address, raw), sender)
    except Reverted as error:
        raise refused("take the deposit", error) from None
    out = console()
    kind = "requested a deposit of" if stock is None else "supplied"
    out.print(f"{sender} {kind} {amount} {asset}.")
    print_status(desk, sender, out)


@pool.command("withdraw", epilog="Example: dualtrack pool withdraw NVDA all --node-account 3")
@click.argument("asset")
@click.argument("amount")
@rpc_option
@manifest_option
@sender_options
def withdraw_command(
    asset: str,
    amount: str,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Withdraw AMOUNT whole shares (or ``all``) of ASSET's capital: liquidity pool shares as a redemption
    request (paid at the epoch's NAV after settlement), a stock tranche's shares in kind at once."""
    evm = connect(rpc_url)
    desk = open_pool(evm, manifest_path)
    sender = _sender(evm, key_file, ape_alias, node_account)
    stock = desk.stock(asset)
    try:
        if stock is None:
            shares = _shares(amount, SHARE_DECIMALS, int(desk.pool.functions.balanceOf(sender).call()))
            evm.send(desk.pool.functions.requestRedeem(shares, sender, sender), sender)
        else:
            position = desk.stock_capital.functions.positionOf(stock.address, sender).call()
            decimals = int(stock.functions.decimals().call())
            shares = _shares(amount, decimals, int(position[0]) - int(position[1]))
            evm.send(desk.stock_capital.functions.withdraw(stock.address, shares), sender)
    except Reverted as error:
        raise refused("let the withdrawal go", error) from None
    out = console()
    out.print(f"{sender} withdrew {amount} shares of {asset} capital" + (" (a request)." if stock is None else "."))
    print_status(desk, sender, out)


@pool.command("settle", epilog="Example: dualtrack pool settle --node-account 0")
@rpc_option
@manifest_option
@sender_options
def settle_command(
    rpc_url: str, manifest_path: Path, key_file: Path | None, ape_alias: str | None, node_account: str | None
) -> None:
    """Settle the liquidity pool's ended epoch at its NAV (anyone may)."""
    evm = connect(rpc_url)
    desk = open_pool(evm, manifest_path)
    sender = _sender(evm, key_file, ape_alias, node_account)
    try:
        evm.send(desk.pool.functions.settleEpoch(), sender)
    except Reverted as error:
        raise refused("settle the epoch", error) from None
    print_status(desk, None, console())


@pool.command("claim", epilog="Example: dualtrack pool claim --node-account 4")
@rpc_option
@manifest_option
@sender_options
def claim_command(
    rpc_url: str, manifest_path: Path, key_file: Path | None, ape_alias: str | None, node_account: str | None
) -> None:
    """Claim what the sender's settled requests give: shares (and a refund) for a deposit, the stablecoin
    (and unfilled shares) for a redemption; and collect its stock tranches' income (the pool's gains booked
    while it held shares, in whole stablecoin units)."""
    evm = connect(rpc_url)
    desk = open_pool(evm, manifest_path)
    sender = _sender(evm, key_file, ape_alias, node_account)
    claimed = False
    decimals = int(desk.stablecoin.functions.decimals().call())
    for symbol in collectable_tranches(desk.stock_capital, desk.stocks, sender, decimals):
        try:
            evm.send(desk.stock_capital.functions.collect(desk.stocks[symbol]), sender)
        except Reverted as error:
            raise refused(f"pay the {symbol} tranche's income", error) from None
        claimed = True
    for kind, request, claim in (
        ("deposit", desk.pool.functions.depositRequest, desk.pool.functions.claimDeposit),
        ("redemption", desk.pool.functions.redeemRequest, desk.pool.functions.claimRedeem),
    ):
        _, amount, claimable = request(sender).call()
        if amount and claimable:
            try:
                evm.send(claim(sender), sender)
            except Reverted as error:
                raise refused(f"pay the {kind} claim", error) from None
            claimed = True
    if not claimed:
        raise click.ClickException(
            f"{sender} has no settled request to claim (settle the epoch once it has ended) and no income to collect"
        )
    print_status(desk, sender, console())


@pool.command("status", epilog="Example: dualtrack pool status --owner 0x90F79bf6EB2c4f870365E785982E1f101E93b906")
@click.option("--owner", default=None, help="Also show this wallet's positions.")
@rpc_option
@manifest_option
def status_command(owner: str | None, rpc_url: str, manifest_path: Path) -> None:
    """Show the liquidity pool (NAV, epoch, utilisation, ADL), each stock tranche and the insurance pool."""
    evm = connect(rpc_url)
    desk = open_pool(evm, manifest_path)
    print_status(desk, owner, console())


def when(timestamp: int) -> str:
    """A block timestamp as UTC time."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def print_status(desk: PoolDesk, owner: str | None, out: Console) -> None:
    """The pool, its stock tranches and the insurance, then ``owner``'s positions (if given)."""
    out.print(pool_table(desk))
    out.print(tranche_table(desk, owner))


def pool_table(desk: PoolDesk) -> Table:
    """The liquidity pool and the insurance pool, one figure per row."""
    status = pool_status(desk.pool)
    insurance = insurance_status(desk.insurance, desk.vault)
    decimals = int(desk.stablecoin.functions.decimals().call())
    value = status.valuation
    table = Table(title="main pool (stablecoin capital, the vault's counterparty) and insurance pool")
    table.add_column("figure", style="bold cyan")
    table.add_column("value", justify="right")
    rows = [
        ("pool NAV (stablecoin)", shown(max(value.nav, 0), decimals)),
        ("pool shares", shown(status.total_supply, SHARE_DECIMALS)),
        ("traders' unrealised PnL against the pool (USD)", usd(value.trader_pnl)),
        ("stock capital's balance with the pool (stablecoin)", shown(value.stock_balance, decimals)),
        ("epoch / ends at", f"{status.epoch} / {when(status.epoch_ends_at)}"),
        (
            "pending deposits / redemptions",
            f"{shown(status.pending.deposit_assets, decimals)} / "
            f"{shown(status.pending.redeem_shares, SHARE_DECIMALS)} shares",
        ),
        ("open interest / max (USD)", f"{usd(status.open_interest)} / {usd(status.max_open_interest)}"),
        ("utilisation", f"{status.utilisation_bps / BPS:.2%}"),
        ("ADL flagged", "yes" if status.adl_triggered else "no"),
        ("insurance assets (stablecoin)", shown(insurance.total_assets, decimals)),
        ("insurance: one event draws at most", shown(insurance.draw_cap, decimals)),
        ("insurance unstaking delay", f"{insurance.unstake_delay // 3600} h"),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def tranche_table(desk: PoolDesk, owner: str | None) -> Table:
    """Each stock tranche: tokens, shares, USD balance, values at fair price and at the haircut, and
    ``owner``'s shares, when they unlock and the income it may collect."""
    table = Table(title="stock capital: one tranche per stock (withdrawn in kind)")
    for column in ("stock", "tokens", "shares", "USD balance", "fair value (USD)", "backs risk (USD)"):
        table.add_column(column, justify="right")
    if owner is not None:
        table.add_column(f"{owner[:10]}… shares", justify="right")
        table.add_column("unlocks at", justify="right")
        table.add_column("income (USD)", justify="right")
    for symbol, token in desk.stocks.items():
        tranche = desk.stock_capital.functions.tranche(token).call()
        decimals = int(tranche[1])
        fair, risk = desk.stock_capital.functions.trancheValue(token).call()
        row = [symbol, shown(int(tranche[4]), decimals), shown(int(tranche[5]), decimals), usd(int(tranche[6]))]
        row += [usd(int(fair)), usd(int(risk))]
        if owner is not None:
            shares, _, unlock_at, income = desk.stock_capital.functions.positionOf(token, owner).call()
            row += [shown(int(shares), decimals), when(int(unlock_at)) if unlock_at else "-", usd(int(income))]
        table.add_row(*row)
    return table
