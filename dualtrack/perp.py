"""Perpetual futures from Python: a pure model of the perp market's pricing and margin (``PerpMath``).

The functions are written from the formulas (Synthetix v3's fill price and margin, maker/taker fees split at
the skew) with Python's exact integers and the contract's rounding, every one in the protocol's favour: a buy
fills at a price rounded up, a sell rounded down; fees and margins round up.

Units: sizes and skews in signed base units (positive: long); prices USD with 18 decimals per 1e18 base units;
ratios WAD; fees basis points.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from dualtrack.units import BPS, WAD, value_of_up


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


def fill_price(price: int, skew: int, size: int, skew_scale: int) -> int:
    """``price * (1 + (2 * skew + size) / (2 * skew_scale))``, rounded against the trader, floored at zero."""
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
