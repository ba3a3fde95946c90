"""The margin vault from Python: deploy, list assets, deposit, withdraw, read accounts, and a pure model.

- :func:`deploy_margin_vault` deploys the vault's three modules, its implementation and its ERC-1967 proxy
  (initialised in the same transaction) and returns the vault at the proxy's address.
- :func:`deposit`, :func:`withdraw`, :func:`open_account` drive an account; :func:`account_status` reads
  everything one account holds, owes and is worth in one go; :func:`read_account` does it in one call of
  the ``MarginLens`` (each asset's value, weights and price state too).
- The model (:func:`effective_weight_bps`, :func:`weighted_value`, :func:`health_factor`,
  :func:`penalty_bps`, :func:`max_repay`, :func:`liquidation_split`) is the contract's arithmetic with the
  same rounding, so tests and keepers can predict what the vault will say.

Units: raw amounts are in each token's own units; USD values and prices per whole token have 18 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

WAD = 10**18
BPS = 10_000
MAX_UINT = 2**256 - 1
MAX_ACCOUNTS_PER_WALLET = 4
MAX_ASSETS_PER_ACCOUNT = 8
MAX_MARKETS_PER_ACCOUNT = 4


@dataclass(frozen=True)
class AssetConfig:
    """IMarginVault.AssetConfig: how one collateral asset counts toward margin."""

    feed_id: bytes
    weight_bps: int
    liquidation_weight_bps: int
    closed_haircut_bps: int = 0
    max_size_discount_bps: int = 0
    depth: int = 0
    cap: int = 2**127
    is_stock: bool = False

    def as_tuple(self) -> tuple[bytes, int, int, int, int, int, int, bool]:
        return (
            self.feed_id,
            self.weight_bps,
            self.liquidation_weight_bps,
            self.closed_haircut_bps,
            self.max_size_discount_bps,
            self.depth,
            self.cap,
            self.is_stock,
        )


@dataclass(frozen=True)
class LiquidationConfig:
    """IMarginVault.LiquidationConfig: the protocol's one liquidation fee model."""

    min_penalty_bps: int = 200
    max_penalty_bps: int = 1_000
    ramp_bps: int = 1_000
    keeper_share_bps: int = 5_000
    close_factor_bps: int = 5_000
    full_close_health: int = 95 * WAD // 100
    max_keeper_reward: int = 10_000 * WAD

    def as_tuple(self) -> tuple[int, int, int, int, int, int, int]:
        return (
            self.min_penalty_bps,
            self.max_penalty_bps,
            self.ramp_bps,
            self.keeper_share_bps,
            self.close_factor_bps,
            self.full_close_health,
            self.max_keeper_reward,
        )


DEFAULT_LIQUIDATION = LiquidationConfig()


@dataclass(frozen=True)
class Health:
    """IMarginVault.Health: one valuation of an account (USD, 18 decimals)."""

    collateral: int
    cash: int
    profit: int
    loss: int
    debt: int
    requirement: int
    health_factor: int
    unusable_asset: str  # the first asset whose price could not be used (zero address: none)

    @classmethod
    def from_tuple(cls, raw: Sequence[Any]) -> Health:
        collateral, cash, profit, loss, debt, requirement, health_factor, unusable = raw
        return cls(
            int(collateral),
            int(cash),
            int(profit),
            int(loss),
            int(debt),
            int(requirement),
            int(health_factor),
            str(unusable),
        )

    @property
    def complete(self) -> bool:
        """Every asset's price could be used for this valuation."""
        return int(self.unusable_asset, 16) == 0

    @property
    def equity(self) -> int:
        """Weighted collateral + cash + counted profit - loss - debt (may be negative)."""
        return self.collateral + self.cash + self.profit - self.loss - self.debt


@dataclass(frozen=True)
class AccountStatus:
    """What one account owns, owes and is worth."""

    account_id: int
    owner: str
    balances: dict[str, tuple[int, int]]  # asset -> (balance, frozen)
    cash: int
    debt: int
    markets: list[str]
    initial: Health
    maintenance: Health


@dataclass(frozen=True)
class CollateralLine:
    """MarginLens.CollateralLine: one collateral asset of an account (USD values with 18 decimals)."""

    asset: str
    balance: int
    frozen: int
    decimals: int
    is_stock: bool
    value: int
    initial_weight_bps: int
    maintenance_weight_bps: int
    weighted_initial: int
    weighted_maintenance: int
    usable_to_value: bool
    usable_to_liquidate: bool
    market_closed: bool
    token_paused: bool

    @classmethod
    def from_tuple(cls, raw: Sequence[Any]) -> CollateralLine:
        asset, balance, frozen, decimals, is_stock, *figures, usable, liquidatable, closed, paused = raw
        value, initial_weight, maintenance_weight, weighted_initial, weighted_maintenance = (int(x) for x in figures)
        return cls(
            str(asset),
            int(balance),
            int(frozen),
            int(decimals),
            bool(is_stock),
            value,
            initial_weight,
            maintenance_weight,
            weighted_initial,
            weighted_maintenance,
            bool(usable),
            bool(liquidatable),
            bool(closed),
            bool(paused),
        )


@dataclass(frozen=True)
class MarketLine:
    """MarginLens.MarketLine: one market's unrealised PnL and margins for an account (USD, 18 decimals)."""

    market: str
    profit: int
    loss: int
    initial_margin: int
    maintenance_margin: int


@dataclass(frozen=True)
class AccountView:
    """MarginLens.AccountView: an account as a whole, read in one call."""

    account_id: int
    owner: str
    cash: int  # raw settlement units
    debt: int  # raw settlement units, interest included
    collateral: list[CollateralLine]
    markets: list[MarketLine]
    initial: Health
    maintenance: Health
    liquidatable: bool

    @classmethod
    def from_tuple(cls, raw: Sequence[Any]) -> AccountView:
        account_id, owner, cash, debt, collateral, markets, initial, maintenance, liquidatable = raw
        return cls(
            account_id=int(account_id),
            owner=str(owner),
            cash=int(cash),
            debt=int(debt),
            collateral=[CollateralLine.from_tuple(line) for line in collateral],
            markets=[MarketLine(str(m[0]), *(int(x) for x in m[1:])) for m in markets],
            initial=Health.from_tuple(initial),
            maintenance=Health.from_tuple(maintenance),
            liquidatable=bool(liquidatable),
        )


# --------------------------------------------------------------------------- deployment


def deploy_margin_vault(
    evm: Chain,
    admin: str,
    oracle: str,
    settlement: str,
    *,
    authority: str | None = None,
    liquidation: LiquidationConfig = DEFAULT_LIQUIDATION,
    profit_share_bps: int | None = None,
    debt_apr_bps: int | None = None,
    counterparty: str | None = None,
    insurance: str | None = None,
) -> Contract:
    """Deploy the MarginVault behind a ``ProtocolProxy`` and return it at the proxy's address.

    ``admin`` sends everything and must be able to call the settings at once (RISK_ADMIN without delay
    or ADMIN of a manager not wired yet); ``authority`` is the protocol's AccessManager (None: a new one in
    which ``admin`` holds every role, see :func:`dualtrack.governance.deploy_governed`).
    """

    def deploy(manager: str) -> Contract:
        liquidation_module = evm.deploy("MarginLiquidationModule", sender=admin)
        admin_module = evm.deploy("MarginAdminModule", sender=admin)
        markets_module = evm.deploy("MarginMarketsModule", sender=admin)
        implementation = evm.deploy(
            "MarginVault", liquidation_module.address, admin_module.address, markets_module.address, sender=admin
        )
        init = implementation.encode_abi("initialize", args=[manager, oracle, settlement, liquidation.as_tuple()])
        proxy = evm.deploy("ProtocolProxy", implementation.address, init, sender=admin)
        return evm.at("MarginVault", proxy.address)

    vault = deploy_governed(evm, admin, "MarginVault", authority, deploy)
    if profit_share_bps is not None:
        evm.send(vault.functions.setUnrealizedProfitShare(profit_share_bps), admin)
    if debt_apr_bps is not None:
        evm.send(vault.functions.setDebtInterestRate(debt_apr_bps), admin)
    if counterparty is not None:
        evm.send(vault.functions.setCounterparty(counterparty), admin)
    if insurance is not None:
        evm.send(vault.functions.setInsurance(insurance), admin)
    return vault


def list_asset(evm: Chain, vault: Contract, asset: str, config: AssetConfig, admin: str) -> TxReceipt:
    """List ``asset`` as collateral (RISK_ADMIN)."""
    return evm.send(vault.functions.listAsset(asset, config.as_tuple()), admin)


# --------------------------------------------------------------------------- accounts


def open_account(evm: Chain, vault: Contract, owner: str) -> int:
    """Open an account for ``owner`` and return its id."""
    receipt = evm.send(vault.functions.openAccount(), owner)
    return int(evm.events(receipt, vault, "AccountOpened")[0]["accountId"])


def main_account(evm: Chain, vault: Contract, owner: str) -> int:
    """``owner``'s first account, opened now if it has none."""
    owned = vault.functions.accountsOf(owner).call()
    return int(owned[0]) if owned else open_account(evm, vault, owner)


def deposit(evm: Chain, vault: Contract, account_id: int, token: Contract, amount: int, owner: str) -> TxReceipt:
    """Approve and deposit ``amount`` raw units of ``token`` into ``account_id``."""
    if token.functions.allowance(owner, vault.address).call() < amount:
        evm.send(token.functions.approve(vault.address, amount), owner)
    return evm.send(vault.functions.deposit(account_id, token.address, amount), owner)


def withdraw(evm: Chain, vault: Contract, account_id: int, asset: str, amount: int, owner: str) -> TxReceipt:
    """Withdraw ``amount`` raw units of ``asset`` from ``account_id`` to its owner."""
    return evm.send(vault.functions.withdraw(account_id, asset, amount), owner)


def health_of(vault: Contract, account_id: int) -> tuple[Health, Health]:
    """The account's (initial, maintenance) valuations (an asset without a usable price counts for nothing)."""
    initial, maintenance = vault.functions.healthOf(account_id).call()
    return Health.from_tuple(initial), Health.from_tuple(maintenance)


def account_status(evm: Chain, vault: Contract, account_id: int) -> AccountStatus:
    """Everything ``account_id`` holds, owes and is worth."""
    owner = vault.functions.accountOwner(account_id).call()
    settlement = vault.functions.wiring().call()[1]
    balances: dict[str, tuple[int, int]] = {}
    for asset in vault.functions.assetsOf(account_id).call():
        balance, frozen = vault.functions.balanceOf(account_id, asset).call()
        balances[asset] = (int(balance), int(frozen))
    cash = int(vault.functions.balanceOf(account_id, settlement).call()[0])
    initial, maintenance = health_of(vault, account_id)
    return AccountStatus(
        account_id=account_id,
        owner=owner,
        balances=balances,
        cash=cash,
        debt=int(vault.functions.debtOf(account_id).call()),
        markets=list(vault.functions.marketsOf(account_id).call()),
        initial=initial,
        maintenance=maintenance,
    )


def read_account(lens: Contract, vault: Contract | str, account_id: int) -> AccountView:
    """``account_id`` as the ``MarginLens`` at ``lens`` reads it from ``vault``, in one call."""
    address = vault if isinstance(vault, str) else vault.address
    return AccountView.from_tuple(lens.functions.account(address, account_id).call())


# --------------------------------------------------------------------------- the model


def value_of(price_per_token: int, raw: int, decimals: int) -> int:
    """USD value (18 decimals) of ``raw`` units at ``price_per_token`` (per whole token), rounded down."""
    return price_per_token * raw // 10**decimals


def effective_weight_bps(
    weight_bps: int, balance: int, max_size_discount_bps: int, depth: int, closed_haircut_bps: int, closed: bool
) -> int:
    """CollateralMath.effectiveWeight."""
    discount = 0
    if depth:
        discount = max_size_discount_bps if balance >= depth else max_size_discount_bps * balance // depth
    haircut = closed_haircut_bps if closed else 0
    return weight_bps * (BPS - discount) * (BPS - haircut) // (BPS * BPS)


def weighted_value(price_per_token: int, balance: int, frozen: int, decimals: int, weight_bps: int) -> int:
    """The weighted USD value of a holding's unfrozen part."""
    return value_of(price_per_token, balance - frozen, decimals) * weight_bps // BPS


def health_factor(backing: int, owed: int) -> int:
    """CollateralMath.healthFactor: backing / owed (18 decimals), max when nothing is owed."""
    return MAX_UINT if owed == 0 else backing * WAD // owed


def penalty_bps(health: int, config: LiquidationConfig = DEFAULT_LIQUIDATION) -> int:
    """LiquidationMath.penalty."""
    if health >= WAD:
        return config.min_penalty_bps
    shortfall = (WAD - health) * BPS // WAD
    if shortfall >= config.ramp_bps:
        return config.max_penalty_bps
    span = config.max_penalty_bps - config.min_penalty_bps
    return config.min_penalty_bps + span * shortfall // config.ramp_bps


def max_repay(debt: int, health: int, config: LiquidationConfig = DEFAULT_LIQUIDATION) -> int:
    """LiquidationMath.maxRepay."""
    if health < config.full_close_health:
        return debt
    return -(-debt * config.close_factor_bps // BPS)


def liquidation_split(
    repaid_usd: int, penalty: int, config: LiquidationConfig = DEFAULT_LIQUIDATION
) -> tuple[int, int]:
    """LiquidationMath.split: (buyer's value, insurance's value) in USD."""
    fee = -(-repaid_usd * penalty // BPS)
    keeper = min(fee * config.keeper_share_bps // BPS, config.max_keeper_reward)
    return repaid_usd + keeper, fee - keeper


YEAR_SECONDS = 365 * 24 * 3600


def grow_debt_index(index: int, apr_bps: int, elapsed: int) -> int:
    """DebtMath.grow: the debt index after ``elapsed`` seconds at ``apr_bps`` a year (simple, rounded down)."""
    return index + index * apr_bps * elapsed // (BPS * YEAR_SECONDS)


def shares_for_debt(amount: int, index: int) -> int:
    """DebtMath.sharesForDebt: debt shares for ``amount`` of new debt, rounded up (against the account)."""
    return -(-amount * WAD // index)


def shares_for_repay(amount: int, index: int) -> int:
    """DebtMath.sharesForRepay: debt shares ``amount`` repays, rounded down (against the account)."""
    return amount * WAD // index


def debt_of_shares(shares: int, index: int) -> int:
    """DebtMath.debtOf: what ``shares`` owe at ``index``, rounded up (against the account)."""
    return -(-shares * index // WAD)


def describe(status: AccountStatus) -> dict[str, Any]:
    """A plain summary of an account for printing (USD as floats)."""
    maintenance = status.maintenance
    return {
        "account": status.account_id,
        "owner": status.owner,
        "cash": status.cash,
        "debt": status.debt,
        "collateral_usd": maintenance.collateral / WAD,
        "health": "inf" if maintenance.health_factor == MAX_UINT else maintenance.health_factor / WAD,
        "complete": maintenance.complete,
    }
