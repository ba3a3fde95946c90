"""Perpetual futures from Python: the PerpMarket's deployment, orders and positions, and a pure model of its
pricing, margin and position accounting (``PerpMath``, ``PositionMath``).

The functions are written from the formulas (Synthetix v3's fill price and margin, maker/taker fees split at
the skew) with Python's exact integers and the contract's rounding, every one in the protocol's favour: a buy
fills at a price rounded up, a sell rounded down; fees and margins round up.

Units: sizes and skews in signed base units (positive: long); prices USD with 18 decimals per 1e18 base units;
ratios WAD; fees basis points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass, field, replace
from enum import IntEnum

from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack import funding
from dualtrack.chain import Chain
from dualtrack.governance import deploy_governed
from dualtrack.keepers.reporter import Reporter
from dualtrack.market import MarketStatus
from dualtrack.suite import ZERO_ADDRESS
from dualtrack.units import BPS, WAD, value_of_up

CONTRACT = "PerpMarket"
MARKET_MODULE = "PerpMarketModule"  # besides settlement, run by DELEGATECALL (the market's code fits one contract)
SETTLE_GAS = 2_000_000  # a settlement sent at a set time (not estimated on another block)


@dataclass(frozen=True)
class PerpParams:
    """PerpMath.Params: a market's pricing and margin parameters."""

    skew_scale: int
    maker_fee_bps: int
    taker_fee_bps: int
    initial_margin_ratio: int
    min_initial_margin_ratio: int
    maintenance_scalar: int
    min_position_margin: int

    def as_tuple(self) -> tuple[int, ...]:
        return astuple(self)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def fill_price(price: int, skew: int, size: int, skew_scale: int, positive_impact_bps: int = BPS) -> int:
    """``price * (1 + (2 * skew + size) / (2 * skew_scale))``, rounded against the trader, floored at zero; a
    premium in the trader's favour (the order reduces the skew) is paid at ``positive_impact_bps`` of its size."""
    premium = 2 * skew + size
    if premium != 0 and (size > 0) != (premium > 0):
        adjustment = price * abs(premium) * positive_impact_bps // (2 * skew_scale * BPS)
        return price + adjustment if premium > 0 else max(price - adjustment, 0)
    exact_numerator = price * (2 * skew_scale + 2 * skew + size)
    denominator = 2 * skew_scale
    filled = _ceil_div(exact_numerator, denominator) if size > 0 else exact_numerator // denominator
    return max(filled, 0)


def order_fee(skew: int, size: int, fill: int, maker_fee_bps: int, taker_fee_bps: int) -> int:
    """Maker fee on the part of ``size`` that reduces |skew|, taker fee on the rest (each rounded up)."""
    reduces = (skew > 0 > size) or (skew < 0 < size)
    maker_part = min(abs(size), abs(skew)) if reduces else 0
    taker_part = abs(size) - maker_part
    return _ceil_div(maker_part * fill * maker_fee_bps, WAD * BPS) + _ceil_div(
        taker_part * fill * taker_fee_bps, WAD * BPS
    )


def _imr(size: int, params: PerpParams) -> int:
    return _ceil_div(abs(size) * params.initial_margin_ratio, params.skew_scale) + params.min_initial_margin_ratio


def notional(size: int, price: int) -> int:
    """|size| at ``price`` (USD, 18 decimals, per 1e18 base units), rounded up."""
    return value_of_up(price, abs(size), 18)


def initial_margin(size: int, price: int, params: PerpParams) -> int:
    """notional x IMR + the minimum position margin (rounded up)."""
    return _ceil_div(notional(size, price) * _imr(size, params), WAD) + params.min_position_margin


def maintenance_margin(size: int, price: int, params: PerpParams) -> int:
    """notional x IMR x maintenance scalar + the minimum position margin (rounded up)."""
    ratio = _ceil_div(_imr(size, params) * params.maintenance_scalar, WAD)
    return _ceil_div(notional(size, price) * ratio, WAD) + params.min_position_margin


# --------------------------------------------------------------------------- positions (PositionMath)


def _floor_div(numerator: int, denominator: int) -> int:
    return numerator // denominator


def position_pnl(size: int, entry_price: int, price: int) -> int:
    """PositionMath.pnl: size x (price - entry) / 1e18, rounded down (never above the exact value)."""
    return _floor_div(size * (price - entry_price), WAD)


def funding_owed(size: int, entry_index: int, index: int) -> int:
    """PositionMath.fundingOwed: what ``size`` owes since ``entry_index`` (negative: receives), rounded up."""
    return -_floor_div(-size * (index - entry_index), WAD)


# --------------------------------------------------------------------------- the market


class OrderKind(IntEnum):
    MARKET = 0
    LIMIT = 1
    STOP_LOSS = 2
    TAKE_PROFIT = 3


@dataclass(frozen=True)
class MarketConfig:
    """IPerpMarket.MarketConfig: a perp market's parameters (see the interface's NatSpec for units)."""

    feed_id: bytes
    skew_scale: int
    max_open_interest: int
    maker_fee_bps: int
    taker_fee_bps: int
    initial_margin_ratio: int
    min_initial_margin_ratio: int
    maintenance_scalar: int
    min_position_margin: int
    settlement_delay: int
    settlement_window: int
    min_keeper_fee: int
    max_keeper_fee: int
    reduce_only: bool = False
    closed_min_initial_margin_ratio: int = 0  # 0: the open session's
    closed_max_open_interest: int = 0  # 0: no new risk while the venue is closed
    positive_impact_bps: int = BPS  # 10,000: a favourable impact paid in full (Synthetix); less: GMX v2
    delisted: bool = False  # set by delistMarket only

    def as_tuple(self) -> tuple[object, ...]:
        return astuple(self)

    @property
    def params(self) -> PerpParams:
        return self.params_for(closed=False)

    def closed_ratio(self) -> int:
        """The IMR floor while the venue is closed (also the closed session's fill band)."""
        return self.closed_min_initial_margin_ratio or self.min_initial_margin_ratio

    def params_for(self, *, closed: bool) -> PerpParams:
        """The margin parameters of the session: the closed IMR floor while ``closed``."""
        return PerpParams(
            self.skew_scale,
            self.maker_fee_bps,
            self.taker_fee_bps,
            self.initial_margin_ratio,
            self.closed_ratio() if closed else self.min_initial_margin_ratio,
            self.maintenance_scalar,
            self.min_position_margin,
        )


def closed_mark(venue: int, tokenized: int, band: int) -> int:
    """PerpMath.closedMark: the price a stock perp fills at while the venue is closed, the 24/7 ``tokenized``
    price held within ``band`` (WAD) of the last exchange price ``venue``."""
    if tokenized == 0:
        return venue
    width = venue * band // WAD
    return min(max(tokenized, max(venue - width, 0)), venue + width)


@dataclass(frozen=True)
class DividendSource:
    """IPerpMarket.DividendSource: ``distributor`` announces ``token``'s distributions, ``pass_through_bps`` of
    each passes to the market's positions (10,000: gross). All zero: none."""

    distributor: str
    token: str
    pass_through_bps: int

    def as_tuple(self) -> tuple[object, ...]:
        return astuple(self)


NO_DIVIDEND_SOURCE = DividendSource(ZERO_ADDRESS, ZERO_ADDRESS, 0)


@dataclass(frozen=True)
class OrderRequest:
    """IPerpMarket.OrderRequest."""

    market_id: bytes
    account_id: int
    size_delta: int
    acceptable_price: int
    trigger_price: int = 0
    kind: OrderKind = OrderKind.MARKET
    reduce_only: bool = False
    keeper_fee: int = 0

    def as_tuple(self) -> tuple[object, ...]:
        return (
            self.market_id,
            self.account_id,
            self.size_delta,
            self.acceptable_price,
            self.trigger_price,
            int(self.kind),
            self.reduce_only,
            self.keeper_fee,
        )


@dataclass(frozen=True)
class Position:
    """IPerpMarket.Position as stored."""

    size: int
    entry_price: int
    entry_funding_index: int


@dataclass(frozen=True)
class Settlement:
    """An OrderSettled event's figures."""

    account_id: int
    market_id: bytes
    slot: int
    size_delta: int
    new_size: int
    fill_price: int
    pnl: int
    funding: int
    fee: int
    keeper: str
    keeper_fee: int

    @property
    def figures(self) -> ModelFill:
        """What the model predicts of a fill: its price, fee, PnL, funding and new size."""
        return ModelFill(self.fill_price, self.fee, self.pnl, self.funding, self.new_size)


def deploy_perp_market(
    evm: Chain,
    admin: str,
    *,
    vault: str,
    price_oracle: str,
    funding_oracle: str,
    settlement_decimals: int,
    authority: str | None = None,
) -> Contract:
    """Deploy the PerpMarket behind a ``ProtocolProxy`` (its wiring immutable in the implementation and in its
    settings module, deployed first).

    ``authority`` is the protocol's AccessManager (None: a new one in which ``admin`` holds every role).
    """

    def deploy(manager: str) -> Contract:
        wiring = (vault, price_oracle, funding_oracle, settlement_decimals)
        module = evm.deploy(MARKET_MODULE, *wiring, sender=admin)
        implementation = evm.deploy(CONTRACT, *wiring, module.address, sender=admin)
        init = implementation.encode_abi("initialize", args=[manager])
        proxy = evm.deploy("ProtocolProxy", implementation.address, init, sender=admin)
        return evm.at(CONTRACT, proxy.address)

    return deploy_governed(evm, admin, CONTRACT, authority, deploy)


def list_market(evm: Chain, market: Contract, market_id: bytes, config: MarketConfig, risk_admin: str) -> TxReceipt:
    """List ``market_id`` (RISK_ADMIN); its funding must already name ``market`` on the FundingRateOracle."""
    return evm.send(market.functions.listMarket(market_id, config.as_tuple()), risk_admin)


@dataclass(frozen=True)
class Delisting:
    """IPerpMarket.Delisting: a delisted market's final price (USD per token) and carry index (zero: listed)."""

    price: int
    index: int


def delist_market(evm: Chain, market: Contract, market_id: bytes, risk_admin: str) -> Delisting:
    """Delist reduce-only ``market_id`` (RISK_ADMIN) at the oracle's last accepted price; returns the final price
    and carry index its positions settle at."""
    receipt = evm.send(market.functions.delistMarket(market_id), risk_admin)
    (event,) = evm.events(receipt, market, "MarketDelisted")
    return Delisting(int(event["price"]), int(event["index"]))


def delisting_of(market: Contract, market_id: bytes) -> Delisting:
    """``market_id``'s final price and carry index (zero price: not delisted)."""
    price, index = market.functions.delistingOf(market_id).call()
    return Delisting(int(price), int(index))


@dataclass(frozen=True)
class DelistedSettlement:
    """What settling a delisted position realised (USD, 18 decimals; funding positive when paid)."""

    account_id: int
    size: int
    price: int
    pnl: int
    funding: int


def settle_delisted(evm: Chain, market: Contract, account_id: int, market_id: bytes, sender: str) -> DelistedSettlement:
    """Settle ``account_id``'s position on delisted ``market_id`` at the final price (anyone)."""
    receipt = evm.send(market.functions.settleDelisted(account_id, market_id), sender)
    (event,) = evm.events(receipt, market, "DelistedPositionSettled")
    return DelistedSettlement(
        int(event["accountId"]), int(event["size"]), int(event["price"]), int(event["pnl"]), int(event["funding"])
    )


def set_dividend_source(
    evm: Chain, market: Contract, market_id: bytes, source: DividendSource, risk_admin: str
) -> TxReceipt:
    """Pass ``source``'s distributions through to ``market_id``'s positions (RISK_ADMIN)."""
    return evm.send(market.functions.setDividendSource(market_id, source.as_tuple()), risk_admin)


def schedule_dividend(evm: Chain, market: Contract, market_id: bytes, distribution_id: int, sender: str) -> int:
    """Schedule distribution ``distribution_id`` on ``market_id`` (anyone, before its record time); returns the
    dividend per token it passes (USD, 18 decimals, per 1e18 base units)."""
    receipt = evm.send(market.functions.scheduleDividend(market_id, distribution_id), sender)
    (event,) = evm.events(receipt, market, "DividendScheduled")
    return int(event["perToken"])


def dividend_per_token(amount_per_share: int, usd_per_unit: int, pass_through_bps: int) -> int:
    """What a distribution of ``amount_per_share`` settlement units per share passes per token, rounded down
    (USD, 18 decimals; ``usd_per_unit``: 10**12 for a 6-decimal stablecoin)."""
    return amount_per_share * usd_per_unit * pass_through_bps // BPS


def commit_order(evm: Chain, market: Contract, request: OrderRequest, trader: str) -> tuple[int, int]:
    """Commit ``request`` as the account's owner; returns (slot, commitment time)."""
    receipt = evm.send(market.functions.commitOrder(request.as_tuple()), trader)
    event = evm.events(receipt, market, "OrderCommitted")[0]
    block = evm.w3.eth.get_block(receipt["blockNumber"])
    return int(event["slot"]), int(block["timestamp"])


def settle_order(
    evm: Chain, market: Contract, account_id: int, market_id: bytes, slot: int, report: bytes, keeper: str
) -> Settlement:
    """Settle an order with a signed report; returns what the fill did."""
    receipt = evm.send(market.functions.settleOrder(account_id, market_id, slot, report), keeper)
    return settlement_of(evm, market, receipt)


def settlement_of(evm: Chain, market: Contract, receipt: TxReceipt) -> Settlement:
    """The OrderSettled figures in ``receipt``."""
    event = evm.events(receipt, market, "OrderSettled")[0]
    raw = event["settlement"]
    figures = list(raw.values()) if isinstance(raw, Mapping) else list(raw)
    size_delta, new_size, fill, pnl, owed, fee, keeper, keeper_fee = figures
    return Settlement(
        account_id=int(event["accountId"]),
        market_id=bytes(event["marketId"]),
        slot=int(event["slot"]),
        size_delta=int(size_delta),
        new_size=int(new_size),
        fill_price=int(fill),
        pnl=int(pnl),
        funding=int(owed),
        fee=int(fee),
        keeper=str(keeper),
        keeper_fee=int(keeper_fee),
    )


def position_of(market: Contract, account_id: int, market_id: bytes) -> Position:
    """``account_id``'s stored position on ``market_id``."""
    size, entry, index = market.functions.positionOf(account_id, market_id).call()
    return Position(int(size), int(entry), int(index))


# --------------------------------------------------------------------------- the market's books, modelled


@dataclass(frozen=True)
class ModelFill:
    """What the model says a fill does (USD figures, 18 decimals; funding positive when paid)."""

    fill_price: int
    fee: int
    pnl: int
    funding: int
    new_size: int


def _trunc_div(numerator: int, denominator: int) -> int:
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


@dataclass
class MarketModel:
    """One perp market's books from the formulas: positions, funding (``dualtrack.funding``'s hour-by-hour
    model), and the aggregates recomputed by brute force over positions."""

    config: MarketConfig
    funding_config: funding.FundingConfig
    state: funding.FundingState = field(default_factory=funding.FundingState)
    positions: dict[int, Position] = field(default_factory=dict)
    dividends: list[tuple[int, int]] = field(default_factory=list)  # (record time, per token)
    final: Delisting | None = None  # once delisted

    @property
    def skew(self) -> int:
        return sum(position.size for position in self.positions.values())

    def dividend_index(self, timestamp: int) -> int:
        """The dividends paid per token by ``timestamp`` (each joins at its record time)."""
        return sum(per_token for record_time, per_token in self.dividends if timestamp >= record_time)

    def carry_index(self, funding_index: int, timestamp: int) -> int:
        """The index positions enter at: funding less dividends (IPerpMarket.Position.entryFundingIndex)."""
        return funding_index - self.dividend_index(timestamp)

    def fill(self, account: int, size_delta: int, price: int, timestamp: int) -> ModelFill:
        """Fill ``size_delta`` for ``account`` at oracle ``price`` at ``timestamp`` and update the books."""
        position = self.positions.get(account, Position(0, 0, 0))
        skew = self.skew
        filled = fill_price(price, skew, size_delta, self.config.skew_scale, self.config.positive_impact_bps)
        fee = order_fee(skew, size_delta, filled, self.config.maker_fee_bps, self.config.taker_fee_bps)
        self.state, _ = funding.update(self.funding_config, self.state, timestamp, skew + size_delta, price)
        index = self.carry_index(self.state.index, timestamp)
        pnl = position_pnl(position.size, position.entry_price, filled)
        owed = funding_owed(position.size, position.entry_funding_index, index)
        new_size = position.size + size_delta
        if new_size == 0:
            self.positions.pop(account, None)
        else:
            self.positions[account] = Position(new_size, filled, index)
        return ModelFill(filled, fee, pnl, owed, new_size)

    def close_all(self, account: int, price: int, timestamp: int) -> ModelFill:
        """A liquidation's close: the whole position at ``price`` with its skew impact and no fee."""
        size = self.positions[account].size
        result = self.fill(account, -size, price, timestamp)
        return replace(result, fee=0)

    def delist(self, price: int, timestamp: int) -> Delisting:
        """Fix the final price and carry index: funding accrued to ``timestamp`` at the current skew (its last
        update), less the dividends whose record time has come."""
        self.state, _ = funding.update(self.funding_config, self.state, timestamp, self.skew, price)
        self.final = Delisting(price, self.carry_index(self.state.index, timestamp))
        return self.final

    def settle_delisted(self, account: int) -> ModelFill:
        """Settle ``account``'s position at the final price and index: no fee, no skew impact."""
        if self.final is None:
            raise ValueError("the market is not delisted")
        position = self.positions.pop(account)
        pnl = position_pnl(position.size, position.entry_price, self.final.price)
        owed = funding_owed(position.size, position.entry_funding_index, self.final.index)
        return ModelFill(self.final.price, 0, pnl, owed, 0)

    def totals(self) -> tuple[int, int, int, int, int, int]:
        """IPerpMarket.MarketTotals by brute force: per side, sum |size|, |size| x entry, |size| x entry index."""
        sides = {True: [0, 0, 0], False: [0, 0, 0]}
        for position in self.positions.values():
            side = sides[position.size > 0]
            amount = abs(position.size)
            side[0] += amount
            side[1] += amount * position.entry_price // WAD
            side[2] += _trunc_div(amount * position.entry_funding_index, WAD)
        longs, shorts = sides[True], sides[False]
        return (longs[0], shorts[0], longs[1], shorts[1], longs[2], shorts[2])

    def accrued_funding(self, index: int) -> int:
        """What the open positions owe at ``index`` (negative: they are owed), each rounded against it."""
        return sum(funding_owed(p.size, p.entry_funding_index, index) for p in self.positions.values())


# --------------------------------------------------------------------------- settling with a reporter


def fill_time(market: Contract, market_id: bytes, committed_at: int) -> int:
    """When a market order committed at ``committed_at`` fills: its report is the one observed then."""
    config = market.functions.configOf(market_id).call()
    return committed_at + int(config[9])  # MarketConfig.settlementDelay


def settle_at_fill_time(
    evm: Chain,
    market: Contract,
    reporter: Reporter,
    account_id: int,
    market_id: bytes,
    slot: int,
    committed_at: int,
    price: int,
    settler: str,
    *,
    signatures: int | None = None,
) -> Settlement:
    """Settle a market order on a node whose clock we control (a dev node): ``reporter`` signs the report
    observed at the order's fill time at ``price`` (USD, 18 decimals, the venue open), and ``settler`` sends
    the settlement a second later. On a live network a keeper fetches that report from the reporting
    network instead."""
    observed_at = fill_time(market, market_id, committed_at)
    payload = reporter.sign(reporter.report(observed_at, MarketStatus.OPEN, price), signatures)
    call = market.functions.settleOrder(account_id, market_id, slot, payload)
    receipt = evm.send_at(call, settler, max(observed_at + 1, evm.timestamp() + 1), gas=SETTLE_GAS)
    return settlement_of(evm, market, receipt)
