"""``dualtrack margin``: deposit into, withdraw from and read margin accounts of a deployment.

    dualtrack margin deposit TSLA 40 --node-account 2      # alice on the demo node: 40 TSLA into her account
    dualtrack margin withdraw TSLA 10 --node-account 2
    dualtrack margin status --owner 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC

The vault, its lens and the assets it takes come from the deployment manifest (its ``margin`` entry;
default ``deployments/base-local.json``, what ``make demo`` writes). ASSET is one of the manifest's
symbols (the settlement stablecoin, e.g. USDC, is the account's cash) or a token address; AMOUNT is in
whole tokens (``0.5`` WBTC), converted with the token's decimals. Without ``--account-id`` the sender's
main account is used (a deposit opens it if the wallet has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from eth_utils.address import is_address, to_checksum_address
from rich.console import Console
from rich.table import Table
from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.cli.common import choose_sender, connect, manifest_option, rpc_option, sender_options
from dualtrack.cli.deploy import console
from dualtrack.deployment import Manifest, ManifestError
from dualtrack.margin import MAX_UINT, WAD, AccountView, CollateralLine, deposit, main_account, read_account, withdraw
from dualtrack.units import BPS, raw_units, whole_tokens


@dataclass(frozen=True)
class VaultDesk:
    """A deployment's margin vault, its lens and the assets it takes (symbol -> address)."""

    evm: Chain
    vault: Contract
    lens: Contract
    assets: dict[str, str]

    @property
    def settlement(self) -> str:
        return str(self.vault.functions.wiring().call()[1])

    def symbol_of(self, address: str) -> str:
        """The manifest's symbol of ``address``, else the token's own."""
        for symbol, known in self.assets.items():
            if known.lower() == address.lower():
                return symbol
        return str(self.evm.at("ICollateralToken", address).functions.symbol().call())

    def token(self, asset: str) -> Contract:
        """The token ASSET names: a symbol of the manifest (any case) or an address."""
        if is_address(asset):
            return self.evm.at("ICollateralToken", to_checksum_address(asset))
        by_symbol = {symbol.upper(): address for symbol, address in self.assets.items()}
        address = by_symbol.get(asset.upper())
        if address is None:
            known = ", ".join(self.assets)
            raise click.BadParameter(f"{asset!r} is not an asset of this vault (one of {known}, or an address)")
        return self.evm.at("ICollateralToken", address)


def open_vault(evm: Chain, manifest_path: Path) -> VaultDesk:
    """The margin vault the manifest records, on the node ``evm`` talks to (usage errors otherwise)."""
    try:
        manifest = Manifest.load(manifest_path)
    except ManifestError as error:
        raise click.UsageError(f"{error}: pass --manifest") from None
    if manifest.get("margin") is None:
        raise click.UsageError(f"{manifest_path} has no margin vault: deploy a configuration with a [margin] section")
    chain_id = int(evm.w3.eth.chain_id)
    if manifest.chain_id != chain_id:
        raise click.UsageError(f"{manifest_path} records chain {manifest.chain_id}, the node is chain {chain_id}")
    desk = vault_desk(evm, manifest)
    if not evm.w3.eth.get_code(desk.vault.address):
        raise click.UsageError(f"no contract at the manifest's vault {desk.vault.address}: a reset node?")
    return desk


def vault_desk(evm: Chain, manifest: Manifest) -> VaultDesk:
    """The vault of ``manifest``'s ``margin`` entry (written by a deployment with a ``[margin]`` section)."""
    record = manifest.get("margin")
    return VaultDesk(
        evm=evm,
        vault=evm.at("MarginVault", record["address"]),
        lens=evm.at("MarginLens", record["lens"]),
        assets={str(symbol): str(address) for symbol, address in record["assets"].items()},
    )


def amount_in_raw_units(amount: str, token: Contract) -> int:
    """AMOUNT whole tokens in ``token``'s raw units (a usage error if it is not a positive amount it can hold)."""
    decimals = int(token.functions.decimals().call())
    try:
        raw = raw_units(Decimal(amount), decimals)
    except InvalidOperation:
        raise click.BadParameter(f"{amount!r} is not a number", param_hint="AMOUNT") from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="AMOUNT") from None
    if raw == 0:
        raise click.BadParameter("must be more than 0", param_hint="AMOUNT")
    return raw


# ---- Rendering ----


def shown(raw: int, decimals: int) -> str:
    """``raw`` units as whole tokens, with thousands separators and no trailing zeros."""
    text = f"{whole_tokens(raw, decimals):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def usd(value: int) -> str:
    return f"{value / WAD:,.2f}"


def health(factor: int) -> str:
    return "nothing owed" if factor == MAX_UINT else f"{factor / WAD:,.3f}"


def _price_state(line: CollateralLine) -> str:
    if line.token_paused:
        return "token paused: counts 0"
    if not line.usable_to_value:
        return "no usable price: counts 0"
    return "market closed: haircut" if line.market_closed else "open"


Row = tuple[str, ...]
COLUMNS = ("asset", "balance", "value (USD)", "weight init / maint", "counts init", "counts maint", "price")


def account_table(view: AccountView, desk: VaultDesk) -> Table:
    """One margin account: each asset (balance, USD value, weights, what it counts for), cash, debt and the
    health factors for initial checks and for maintenance (liquidation below 1)."""
    table = Table(title=f"margin account #{view.account_id} of {view.owner}")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("asset", "price") else "right")
    for line in view.collateral:
        table.add_row(*_collateral_row(line, desk))
    for section in (_cash_and_debt_rows(view, desk), _health_rows(view)):
        table.add_section()
        for row in section:
            table.add_row(*row)
    return table


def _collateral_row(line: CollateralLine, desk: VaultDesk) -> Row:
    frozen = f" ({shown(line.frozen, line.decimals)} frozen)" if line.frozen else ""
    return (
        desk.symbol_of(line.asset),
        shown(line.balance, line.decimals) + frozen,
        usd(line.value),
        f"{line.initial_weight_bps / BPS:.0%} / {line.maintenance_weight_bps / BPS:.0%}",
        usd(line.weighted_initial),
        usd(line.weighted_maintenance),
        _price_state(line),
    )


def _cash_and_debt_rows(view: AccountView, desk: VaultDesk) -> list[Row]:
    settlement = desk.settlement
    decimals = int(desk.evm.at("ICollateralToken", settlement).functions.decimals().call())
    cash = usd(view.initial.cash)
    rows: list[Row] = [
        (f"cash ({desk.symbol_of(settlement)})", shown(view.cash, decimals), cash, "100% / 100%", cash, cash),
        ("debt", shown(view.debt, decimals), usd(view.maintenance.debt)),
    ]
    if view.markets:
        pnl = usd(view.maintenance.profit - view.maintenance.loss)
        margins = (usd(view.initial.requirement), usd(view.maintenance.requirement))
        rows.append((f"positions in {len(view.markets)} market(s): counted PnL, margin", "", pnl, "", *margins))
    return rows


def _health_rows(view: AccountView) -> list[Row]:
    initial, maintenance = view.initial, view.maintenance
    return [
        (
            "weighted collateral + cash",
            "",
            "",
            "",
            usd(initial.collateral + initial.cash),
            usd(maintenance.collateral + maintenance.cash),
        ),
        ("health factor", "", "", "", health(initial.health_factor), health(maintenance.health_factor)),
        ("liquidatable", "", "", "", "", "yes" if view.liquidatable else "no"),
    ]


def print_accounts(desk: VaultDesk, account_ids: list[int], out: Console) -> None:
    for account_id in account_ids:
        out.print(account_table(read_account(desk.lens, desk.vault, account_id), desk))


# ---- Commands ----


def refused(action: str, error: Reverted) -> click.ClickException:
    return click.ClickException(f"the vault refused to {action}: {error}")


def _sender(evm: Chain, key_file: Path | None, ape_alias: str | None, node_account: str | None) -> str:
    sender, _ = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    return sender


def _owned_account(desk: VaultDesk, owner: str, account_id: int | None) -> int:
    """``account_id`` if ``owner`` owns it, else ``owner``'s main account (a usage error if it has none)."""
    if account_id is None:
        owned = desk.vault.functions.accountsOf(owner).call()
        if not owned:
            raise click.UsageError(f"{owner} has no margin account: deposit first")
        return int(owned[0])
    if desk.vault.functions.accountOwner(account_id).call() != owner:
        raise click.UsageError(f"account #{account_id} is not {owner}'s")
    return account_id


def _require_balance(token: Contract, holder: str, raw: int) -> None:
    held = int(token.functions.balanceOf(holder).call())
    if held < raw:
        decimals = int(token.functions.decimals().call())
        symbol = token.functions.symbol().call()
        raise click.ClickException(f"{holder} holds {shown(held, decimals)} {symbol}, less than {shown(raw, decimals)}")


account_id_option = click.option(
    "--account-id",
    type=click.IntRange(1),
    default=None,
    help="The margin account (default: the sender's main account).",
)


@click.group()
def margin() -> None:
    """Margin accounts: deposit collateral, withdraw it, read an account's health."""


@margin.command("deposit", epilog="Example: dualtrack margin deposit TSLA 40 --node-account 2")
@click.argument("asset")
@click.argument("amount")
@account_id_option
@rpc_option
@manifest_option
@sender_options
def deposit_command(
    asset: str,
    amount: str,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Deposit AMOUNT whole tokens of ASSET from the sender into its margin account (the main account,
    opened now if the wallet has none)."""
    evm = connect(rpc_url)
    desk = open_vault(evm, manifest_path)
    sender = _sender(evm, key_file, ape_alias, node_account)
    token = desk.token(asset)
    raw = amount_in_raw_units(amount, token)
    _require_balance(token, sender, raw)
    try:
        account = main_account(evm, desk.vault, sender) if account_id is None else account_id
        deposit(evm, desk.vault, account, token, raw, sender)
    except Reverted as error:
        raise refused("take the deposit", error) from None
    out = console()
    out.print(f"{sender} deposited {amount} {desk.symbol_of(token.address)} into margin account #{account}.")
    print_accounts(desk, [account], out)


@margin.command("withdraw", epilog="Example: dualtrack margin withdraw TSLA 10 --node-account 2")
@click.argument("asset")
@click.argument("amount")
@account_id_option
@rpc_option
@manifest_option
@sender_options
def withdraw_command(
    asset: str,
    amount: str,
    account_id: int | None,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Withdraw AMOUNT whole tokens of ASSET from the sender's margin account to the sender (the account
    must meet its initial margin afterwards)."""
    evm = connect(rpc_url)
    desk = open_vault(evm, manifest_path)
    sender = _sender(evm, key_file, ape_alias, node_account)
    token = desk.token(asset)
    raw = amount_in_raw_units(amount, token)
    account = _owned_account(desk, sender, account_id)
    try:
        withdraw(evm, desk.vault, account, token.address, raw, sender)
    except Reverted as error:
        raise refused("let the withdrawal go", error) from None
    out = console()
    out.print(f"{sender} withdrew {amount} {desk.symbol_of(token.address)} from margin account #{account}.")
    print_accounts(desk, [account], out)


@margin.command("status", epilog="Example: dualtrack margin status --owner 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
@click.option("--owner", default=None, help="Show every margin account of this wallet.")
@account_id_option
@rpc_option
@manifest_option
def status_command(owner: str | None, account_id: int | None, rpc_url: str, manifest_path: Path) -> None:
    """Show margin accounts (--owner's, or --account-id): each asset's balance, value and weights, cash,
    debt and the health factors (initial checks; maintenance, liquidation below 1)."""
    if (owner is None) == (account_id is None):
        raise click.UsageError("give exactly one of --owner and --account-id")
    evm = connect(rpc_url)
    desk = open_vault(evm, manifest_path)
    out = console()
    if account_id is not None:
        if int(desk.vault.functions.accountOwner(account_id).call(), 16) == 0:
            raise click.UsageError(f"there is no margin account #{account_id}")
        print_accounts(desk, [account_id], out)
        return
    assert owner is not None
    if not is_address(owner):
        raise click.BadParameter(f"{owner!r} is not an address", param_hint="--owner")
    accounts = [int(account) for account in desk.vault.functions.accountsOf(to_checksum_address(owner)).call()]
    if not accounts:
        out.print(f"{owner} has no margin account.")
    print_accounts(desk, accounts, out)
