"""The main liquidity pool from Python: deploy, request, settle, claim, read, and a pure share model.

- :func:`deploy_liquidity_pool` deploys the ``LiquidityPool`` implementation and its ``ProtocolProxy``
  (initialised in the same transaction) and returns the pool at the proxy's address; with
  ``set_counterparty`` it also makes the pool the vault's counterparty.
- :func:`request_deposit`, :func:`request_redeem`, :func:`settle_epoch`, :func:`claim_deposit`,
  :func:`claim_redeem` drive the epoch flow (ERC-7540 shape: a request now, a claim once its epoch settled);
  :func:`pool_status` reads the pool's value, epoch and caps in one go.
- The model (:func:`shares_for`, :func:`assets_for`, :func:`pro_rata`, :func:`growth_allowance`,
  :func:`releasable`, :func:`fill_shares`) is the contract's arithmetic with the same rounding, so tests
  and keepers can predict a settlement.

Units: raw amounts are in the stablecoin's own units (6 decimals for USDC); USD values have 18 decimals;
shares have ``max(6, 18 - decimals)`` more decimals than the stablecoin (the virtual-share offset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed

BPS = 10_000
DAY = 86_400
MIN_DECIMALS_OFFSET = 6
MAX_UINT = 2**256 - 1


@dataclass(frozen=True)
class RiskConfig:
    """ILiquidityPool.RiskConfig: epochs, caps, the receivables haircut and the ADL trigger."""

    epoch_duration: int = DAY
    max_utilisation_bps: int = 8_000
    receivables_haircut_bps: int = 5_000
    adl_pnl_factor_bps: int = 8_500  # GMX's MAX_PNL_FACTOR_FOR_ADL is 85% of the pool
    growth_cap_bps: int = 30_000  # Ostium: 300% a day
    growth_floor: int = 1_000_000 * 10**6  # raw units accepted per day whatever the NAV (the bootstrap)

    def as_tuple(self) -> tuple[int, int, int, int, int, int]:
        return (
            self.epoch_duration,
            self.max_utilisation_bps,
            self.receivables_haircut_bps,
            self.adl_pnl_factor_bps,
            self.growth_cap_bps,
            self.growth_floor,
        )

    @classmethod
    def from_tuple(cls, raw: Sequence[Any]) -> RiskConfig:
        return cls(*(int(x) for x in raw))


DEFAULT_RISK = RiskConfig()


@dataclass(frozen=True)
class EpochTotals:
    """ILiquidityPool.EpochTotals: what one epoch was asked for and what it filled."""

    deposit_assets: int
    redeem_shares: int
    accepted_assets: int
    minted_shares: int
    filled_shares: int
    paid_assets: int

    @classmethod
    def from_tuple(cls, raw: Sequence[Any]) -> EpochTotals:
        return cls(*(int(x) for x in raw))


@dataclass(frozen=True)
class Valuation:
    """ILiquidityPool.Valuation: the pool's value now (raw settlement units; USD with 18 decimals)."""

    credit: int
    receivables: int
    trader_pnl: int
    stock_balance: int
    stock_share: int
    nav: int
    trader_profit: int
    open_interest: int
    stock_risk: int

    @classmethod
    def from_tuple(cls, raw: Sequence[Any]) -> Valuation:
        return cls(*(int(x) for x in raw))


@dataclass(frozen=True)
class PoolStatus:
    """What the pool is worth, where its epoch stands and how close it is to its caps."""

    valuation: Valuation
    total_supply: int
    epoch: int
    epoch_ends_at: int
    pending: EpochTotals
    reserved: int
    open_interest: int
    backing: int
    max_open_interest: int
    utilisation_bps: int
    adl_triggered: bool
    config: RiskConfig

    @property
    def share_price(self) -> tuple[int, int]:
        """The price of a share as the exact fraction (nav + 1) / (supply + virtual shares) uses it."""
        return self.valuation.nav + 1, self.total_supply


# --------------------------------------------------------------------------- deployment


def deploy_liquidity_pool(
    evm: Chain,
    admin: str,
    vault: Contract,
    *,
    authority: str | None = None,
    config: RiskConfig = DEFAULT_RISK,
    name: str = "dualtrack LP USD",
    symbol: str = "dtLP",
    set_counterparty: bool = False,
) -> Contract:
    """Deploy the LiquidityPool behind a ``ProtocolProxy`` for ``vault`` and return it at the proxy's address.

    ``authority`` is the protocol's AccessManager (None: a new one in which ``admin`` holds every role, see
    :func:`dualtrack.governance.deploy_governed`). With ``set_counterparty`` ``admin`` (RISK_ADMIN of the
    vault, without delay) also makes the pool the vault's counterparty.
    """

    def deploy(manager: str) -> Contract:
        implementation = evm.deploy("LiquidityPool", sender=admin)
        init = implementation.encode_abi("initialize", args=[manager, vault.address, config.as_tuple(), name, symbol])
        proxy = evm.deploy("ProtocolProxy", implementation.address, init, sender=admin)
        return evm.at("LiquidityPool", proxy.address)

    pool = deploy_governed(evm, admin, "LiquidityPool", authority, deploy)
    if set_counterparty:
        evm.send(vault.functions.setCounterparty(pool.address), admin)
    return pool


# --------------------------------------------------------------------------- the epoch flow


def request_deposit(
    evm: Chain, pool: Contract, token: Contract, assets: int, sender: str, controller: str | None = None
) -> TxReceipt:
    """Approve (if needed) and request a deposit of ``assets`` raw units for ``controller`` (the sender)."""
    if token.functions.allowance(sender, pool.address).call() < assets:
        evm.send(token.functions.approve(pool.address, MAX_UINT), sender)
    return evm.send(pool.functions.requestDeposit(assets, controller or sender), sender)


def request_redeem(
    evm: Chain, pool: Contract, shares: int, owner: str, controller: str | None = None, sender: str | None = None
) -> TxReceipt:
    """Request the redemption of ``owner``'s ``shares`` for ``controller`` (the owner), sent by ``sender``."""
    return evm.send(pool.functions.requestRedeem(shares, controller or owner, owner), sender or owner)


def settle_epoch(evm: Chain, pool: Contract, sender: str) -> tuple[TxReceipt, dict[str, Any]]:
    """Settle the current epoch; return the receipt and its decoded ``EpochSettled`` event."""
    receipt = evm.send(pool.functions.settleEpoch(), sender)
    (event,) = evm.events(receipt, pool, "EpochSettled")
    return receipt, event


def advance_and_settle(evm: Chain, pool: Contract, sender: str) -> tuple[TxReceipt, dict[str, Any]]:
    """Move the chain's clock to the current epoch's end and settle it."""
    _, ends_at, _ = pool.functions.currentEpoch().call()
    if evm.timestamp() < ends_at:
        evm.mine(int(ends_at))
    return settle_epoch(evm, pool, sender)


def claim_deposit(evm: Chain, pool: Contract, controller: str, sender: str | None = None) -> tuple[int, int]:
    """Claim ``controller``'s settled deposit; return (shares, refund)."""
    receipt = evm.send(pool.functions.claimDeposit(controller), sender or controller)
    (event,) = evm.events(receipt, pool, "DepositClaimed")
    return int(event["shares"]), int(event["refund"])


def claim_redeem(evm: Chain, pool: Contract, controller: str, sender: str | None = None) -> tuple[int, int]:
    """Claim ``controller``'s settled redemption; return (assets, shares returned)."""
    receipt = evm.send(pool.functions.claimRedeem(controller), sender or controller)
    (event,) = evm.events(receipt, pool, "RedeemClaimed")
    return int(event["assets"]), int(event["sharesReturned"])


def valuation(pool: Contract) -> Valuation:
    """The pool's value now, as a settlement would book it."""
    return Valuation.from_tuple(pool.functions.valuation().call())


def pool_status(pool: Contract) -> PoolStatus:
    """Everything a keeper or a dashboard reads from the pool."""
    epoch, ends_at, totals = pool.functions.currentEpoch().call()
    open_interest, backing, max_open_interest, utilisation_bps = pool.functions.utilisation().call()
    config, *_ = pool.functions.settings().call()
    return PoolStatus(
        valuation=valuation(pool),
        total_supply=int(pool.functions.totalSupply().call()),
        epoch=int(epoch),
        epoch_ends_at=int(ends_at),
        pending=EpochTotals.from_tuple(totals),
        reserved=int(pool.functions.reservedAssets().call()),
        open_interest=int(open_interest),
        backing=int(backing),
        max_open_interest=int(max_open_interest),
        utilisation_bps=int(utilisation_bps),
        adl_triggered=bool(pool.functions.adlState().call()[0]),
        config=RiskConfig.from_tuple(config),
    )


# --------------------------------------------------------------------------- the model


def virtual_shares(decimals: int) -> int:
    """10^offset: the virtual shares of a pool whose stablecoin has ``decimals`` decimals."""
    return 10 ** max(MIN_DECIMALS_OFFSET, 18 - decimals)


def shares_for(assets: int, supply: int, nav: int, virtual: int) -> int:
    """PoolShareMath.sharesFor: assets x (supply + virtual) / (nav + 1), rounded down."""
    return assets * (supply + virtual) // (nav + 1)


def assets_for(shares: int, supply: int, nav: int, virtual: int) -> int:
    """PoolShareMath.assetsFor: shares x (nav + 1) / (supply + virtual), rounded down."""
    return shares * (nav + 1) // (supply + virtual)


def pro_rata(amount: int, part: int, total: int) -> int:
    """PoolShareMath.proRata: one request's part of an epoch total, rounded down."""
    return 0 if total == 0 else amount * part // total


def growth_allowance(base: int, cap_bps: int, floor: int, used: int) -> int:
    """EpochMath.growthAllowance: max(base x cap, floor) - used, at least zero."""
    return max(max(base * cap_bps // BPS, floor) - used, 0)


def releasable(backing: int, open_interest: int, max_utilisation_bps: int) -> int:
    """EpochMath.releasable: what redemptions may take while the backing still carries the open interest."""
    required = -(-open_interest * BPS // max_utilisation_bps)
    return max(backing - required, 0)


def fill_shares(shares: int, value: int, limit: int) -> int:
    """EpochMath.fillShares: all the shares when their value fits the limit, else pro rata (rounded down)."""
    return shares if value <= limit else shares * limit // value


def stock_capital_share(result: int, stable_base: int, risk: int) -> int:
    """EpochMath.stockShare: the stock capital's part ``result x risk / (stable_base + risk)`` of a trading
    result, rounded toward zero (a gain and a loss alike); zero when either side has nothing."""
    total = stable_base + risk
    if total == 0 or risk == 0 or result == 0:
        return 0
    magnitude = abs(result) * risk // total
    return magnitude if result > 0 else -magnitude
