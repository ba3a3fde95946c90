"""Stock-token capital of the main pool from Python: deploy, list stocks, deposit, withdraw, and a pure model.

- :func:`deploy_stock_capital` deploys the StockCapital admin module, its implementation and its
  ``ProtocolProxy`` (initialised in the same transaction) and returns the contract at the proxy's address.
- :func:`list_stock` (RISK_ADMIN), :func:`deposit` (approve + deposit), :func:`withdraw`.
- The model (:func:`shares_for_deposit`, :func:`redeem`, :func:`auction_price`, :func:`spread`,
  :func:`tranche_values`, :func:`split_redemption`, :func:`auction_cost`; the income index:
  :func:`book_part`, :func:`income_accrued`, :func:`pending_income_of`, :func:`debt_after_deposit`,
  :func:`debt_after_withdrawal`) is the contract's ``TrancheMath`` and ``IncomeMath`` and the arithmetic
  StockCapital builds on them, with the same rounding, so tests and tools can predict what the contract will do.

StockCapital must also be a verified holder and custodian of every listed token (the issuer's step:
:func:`dualtrack.suite.register_custodian`) and a registered custodian of the DividendDistributor.
Units: raw amounts are in each token's own units; USD values and prices per whole token have 18 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed
from dualtrack.units import value_of, value_of_up

BPS = 10_000
VIRTUAL_SHARES = 10**3
VIRTUAL_TOKENS = 1
MAX_STOCKS = 16
DAY = 86_400


@dataclass(frozen=True)
class StockConfig:
    """IStockCapital.StockConfig: one stock's feed, risk weights (open, closed) and cap (raw units)."""

    feed_id: bytes
    open_weight_bps: int
    closed_weight_bps: int
    cap: int = 2**95

    def as_tuple(self) -> tuple[bytes, int, int, int]:
        return (self.feed_id, self.open_weight_bps, self.closed_weight_bps, self.cap)


@dataclass(frozen=True)
class AuctionConfig:
    """IStockCapital.AuctionConfig: the Dutch auction's start premium, end discount and duration."""

    premium_bps: int = 200
    max_discount_bps: int = 1_000
    duration: int = 3_600

    def as_tuple(self) -> tuple[int, int, int]:
        return (self.premium_bps, self.max_discount_bps, self.duration)


DEFAULT_AUCTION = AuctionConfig()
DEFAULT_LOCK_PERIOD = 7 * DAY


def deploy_stock_capital(
    evm: Chain,
    admin: str,
    oracle: str,
    settlement: str,
    *,
    pool: str | None = None,
    authority: str | None = None,
    auction: AuctionConfig = DEFAULT_AUCTION,
    lock_period: int = DEFAULT_LOCK_PERIOD,
    distributor: str | None = None,
) -> Contract:
    """Deploy StockCapital behind a ``ProtocolProxy`` and return it at the proxy's address.

    ``admin`` sends everything and must be able to call the settings at once (RISK_ADMIN without delay or
    ADMIN of a manager not wired yet); ``authority`` is the protocol's AccessManager (None: a new one in
    which ``admin`` holds every role, see :func:`dualtrack.governance.deploy_governed`). ``pool`` may be
    set later (``setPool``); ``distributor`` is only set here when no ``authority`` is given.
    """

    def deploy(manager: str) -> Contract:
        admin_module = evm.deploy("StockCapitalAdminModule", sender=admin)
        implementation = evm.deploy("StockCapital", admin_module.address, sender=admin)
        zero = "0x" + "00" * 20
        init = implementation.encode_abi(
            "initialize", args=[manager, oracle, settlement, pool or zero, auction.as_tuple(), lock_period]
        )
        proxy = evm.deploy("ProtocolProxy", implementation.address, init, sender=admin)
        return evm.at("StockCapital", proxy.address)

    capital = deploy_governed(evm, admin, "StockCapital", authority, deploy)
    if distributor is not None and authority is None:
        evm.send(capital.functions.setDistributor(distributor), admin)
    return capital


def list_stock(evm: Chain, capital: Contract, token: str, config: StockConfig, admin: str) -> TxReceipt:
    """List ``token`` with its tranche settings (RISK_ADMIN)."""
    return evm.send(capital.functions.listStock(token, config.as_tuple()), admin)


def deposit(evm: Chain, capital: Contract, token: Contract, amount: int, lp: str) -> TxReceipt:
    """Approve and deposit ``amount`` raw units of ``token`` from ``lp`` into its tranche."""
    evm.send(token.functions.approve(capital.address, amount), lp)
    return evm.send(capital.functions.deposit(token.address, amount), lp)


def withdraw(evm: Chain, capital: Contract, token: Contract, shares: int, lp: str) -> TxReceipt:
    """Redeem ``shares`` of ``lp``'s position in ``token``'s tranche in kind to ``lp``."""
    return evm.send(capital.functions.withdraw(token.address, shares), lp)


def collect(evm: Chain, capital: Contract, token: Contract, lp: str) -> TxReceipt:
    """Pay ``lp`` its income from ``token``'s tranche (whole stablecoin units), through the pool."""
    return evm.send(capital.functions.collect(token.address), lp)


def pending_income(capital: Contract, token: str, lp: str) -> int:
    """The income (USD, 18 decimals) ``lp`` may collect from ``token``'s tranche."""
    return int(capital.functions.pendingIncome(token, lp).call())


def collectable_tranches(capital: Contract, tokens: dict[str, str], lp: str, settlement_decimals: int) -> list[str]:
    """The names in ``tokens`` ({name: token address}) whose tranche owes ``lp`` at least one stablecoin unit
    of income (what ``collect`` pays; less reverts with ``StockCapitalNothingToCollect``)."""
    unit = 10 ** (18 - settlement_decimals)
    return [name for name, token in tokens.items() if pending_income(capital, token, lp) >= unit]


def shares_of(capital: Contract, token: str, lp: str) -> int:
    """``lp``'s shares of ``token``'s tranche."""
    return int(capital.functions.positionOf(token, lp).call()[0])


# --------------------------------------------------------------------------- model (TrancheMath)


def _mul_div(a: int, b: int, d: int, *, up: bool = False) -> int:
    return -(-a * b // d) if up else a * b // d


def shares_for_deposit(amount: int, tokens: int, total_shares: int, balance: int, price: int, decimals: int) -> int:
    """The shares ``amount`` raw units buy (0: the tranche is worth nothing in tokens)."""
    worth = tokens + VIRTUAL_TOKENS
    if balance > 0:
        worth += _mul_div(balance, 10**decimals, price, up=True)
    elif balance < 0:
        deficit = _mul_div(-balance, 10**decimals, price)
        if deficit >= worth:
            return 0
        worth -= deficit
    return _mul_div(amount, total_shares + VIRTUAL_SHARES, worth)


def redeem(shares: int, tokens: int, total_shares: int, balance: int) -> tuple[int, int]:
    """(raw tokens, signed USD part of the balance) that ``shares`` redeem."""
    denominator = total_shares + VIRTUAL_SHARES
    token_share = min(_mul_div(shares, tokens + VIRTUAL_TOKENS, denominator), tokens)
    if balance >= 0:
        return token_share, _mul_div(balance, shares, denominator)
    return token_share, -_mul_div(-balance, shares, denominator, up=True)


INCOME_PRECISION = 10**18


def book_part(part: int, balance: int, index: int, total_shares: int) -> tuple[int, int]:
    """A tranche's (balance, income index) after ``part`` is booked to it (IncomeMath / StockCapital._book):
    a loss to the balance; a gain first to a deficit, then to the index of the shares (to the balance when
    there are none or the index would pass 184 bits)."""
    rest = part
    if part > 0 and balance < 0:
        cover = min(part, -balance)
        balance += cover
        rest -= cover
    if part > 0 and rest > 0 and total_shares > 0:
        after = index + rest * INCOME_PRECISION // (total_shares + VIRTUAL_SHARES)
        if after < 2**184:
            return balance, after
    return balance + rest, index


def income_accrued(shares: int, index: int, *, up: bool = False) -> int:
    """``shares``' part of the income ``index`` (USD, 18 decimals)."""
    return _mul_div(shares, index, INCOME_PRECISION, up=up)


def pending_income_of(shares: int, index: int, debt: int) -> int:
    """What a position of ``shares`` with income ``debt`` may collect at ``index`` (never negative)."""
    return max(0, income_accrued(shares, index) - debt)


def debt_after_deposit(debt: int, shares: int, index: int) -> int:
    """A position's income debt after ``shares`` join it at ``index`` (their part rounded up: owed no more)."""
    return debt + income_accrued(shares, index, up=True)


def debt_after_withdrawal(debt: int, shares: int, index: int) -> int:
    """A position's income debt after ``shares`` leave it at ``index`` (their part rounded down: the income they
    earned stays the position's)."""
    return debt - income_accrued(shares, index)


def tokens_for_deficit(deficit_usd: int, price: int, decimals: int) -> int:
    """Raw units worth ``deficit_usd`` at ``price`` per whole token, rounded up."""
    return _mul_div(deficit_usd, 10**decimals, price, up=True)


def auction_price(oracle_price: int, config: AuctionConfig, elapsed: int) -> int:
    """The auction's price per whole token ``elapsed`` seconds after its start (rounded up)."""
    start = BPS + config.premium_bps
    drop = _mul_div(config.premium_bps + config.max_discount_bps, elapsed, config.duration)
    return _mul_div(oracle_price, start - drop, BPS, up=True)


def tranche_values(tokens: int, balance: int, price: int, decimals: int, weight_bps: int) -> tuple[int, int]:
    """(fair, risk) value of a tranche: its tokens at ``price`` (x ``weight_bps`` for risk, rounded down) plus
    its signed balance, each floored at zero."""

    def plus(value: int) -> int:
        return max(0, value + balance)

    token_value = value_of(price, tokens, decimals)
    return plus(token_value), plus(token_value * weight_bps // BPS)


def spread(result: int, part: int, total: int) -> int:
    """A tranche's part of ``result`` pro rata to its risk ``part`` of ``total`` (> 0): a gain rounded down, a
    loss rounded up (the stock LPs never book less than their part of a loss)."""
    if result >= 0:
        return result * part // total
    return -_mul_div(-result, part, total, up=True)


def split_redemption(
    token_share: int, balance_share: int, price: int, decimals: int, settlement_decimals: int
) -> tuple[int, int, int]:
    """(tokens out, stablecoin paid by the pool, tokens kept) of a redemption of ``token_share`` raw units and a
    signed ``balance_share``: a gain paid in raw stablecoin units (rounded down); a deficit kept in tokens at
    ``price`` (rounded up, at most ``token_share``). ``price`` is used only for a deficit."""
    stable_paid = tokens_kept = 0
    if balance_share > 0:
        stable_paid = balance_share // 10 ** (18 - settlement_decimals)
    elif balance_share < 0:
        tokens_kept = min(tokens_for_deficit(-balance_share, price, decimals), token_share)
    return token_share - tokens_kept, stable_paid, tokens_kept


def auction_cost(price: int, bought: int, decimals: int, settlement_decimals: int) -> int:
    """What ``bought`` raw units cost at the auction ``price``, in raw stablecoin units (both roundings up)."""
    return -(-value_of_up(price, bought, decimals) // 10 ** (18 - settlement_decimals))
