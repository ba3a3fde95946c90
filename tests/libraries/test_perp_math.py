"""PerpMath (issue 15): fill price, order fees and margins through PerpMathHarness against ``dualtrack.perp``'s model,
to the wei, and the roundings that keep every order's cost with the trader."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.perp import PerpParams, fill_price, initial_margin, maintenance_margin, order_fee
from dualtrack.units import BPS, WAD

PRICES = st.one_of(st.integers(1, 10**30), st.integers(1, 10**8).map(lambda dollars: dollars * WAD))
SCALES = st.integers(1, 10**12).map(lambda units: units * WAD)
SIGNED = st.integers(-(10**13), 10**13).map(lambda units: units * WAD // 1_000) | st.integers(-(10**6), 10**6)
FEES = st.integers(0, 1_000)
BTC_PARAMS = PerpParams(
    skew_scale=1_000_000 * WAD,
    maker_fee_bps=2,
    taker_fee_bps=6,
    initial_margin_ratio=WAD // 10,
    min_initial_margin_ratio=WAD // 100,
    maintenance_scalar=WAD // 2,
    min_position_margin=50 * WAD,
)


@pytest.fixture(scope="session")
def harness(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("PerpMathHarness", sender=issuer)


@given(price=PRICES, skew=SIGNED, size=SIGNED, scale=SCALES)
def test_fill_price__any_order__model_to_the_wei_and_against_the_trader(
    harness: Contract, price: int, skew: int, size: int, scale: int
) -> None:
    bound = 10 * scale
    skew, size = max(-bound, min(bound, skew)), max(-bound, min(bound, size))
    filled = harness.functions.fillPrice(price, skew, size, scale, BPS).call()
    assert filled == fill_price(price, skew, size, scale)
    exact = max(Fraction(price) * (1 + Fraction(2 * skew + size, 2 * scale)), Fraction(0))
    assert (filled >= exact) if size > 0 else (filled <= exact)  # a buy never pays less, a sell never gets more
    assert abs(filled - exact) < 1


@given(price=PRICES, skew=SIGNED, size=SIGNED, scale=SCALES, share=st.integers(0, BPS))
def test_fill_price__positive_impact_share__model_to_the_wei_and_a_round_trip_keeps_the_rest(
    harness: Contract, price: int, skew: int, size: int, scale: int, share: int
) -> None:
    bound = 10 * scale
    skew, size = max(-bound, min(bound, skew)), max(-bound, min(bound, size))
    assert harness.functions.fillPrice(price, skew, size, scale, share).call() == fill_price(
        price, skew, size, scale, share
    )
    # From a flat market: the open pays the whole impact, the close gets back at most `share` of it (GMX v2).
    opened = harness.functions.fillPrice(price, 0, size, scale, share).call()
    closed = harness.functions.fillPrice(price, size, -size, scale, share).call()
    impact, refund = abs(opened - price), abs(closed - price)
    assert refund * BPS <= impact * share


@given(price=PRICES, skew=SIGNED, size=SIGNED, scale=SCALES)
def test_fill_price__open_then_close_at_the_same_oracle_price__never_profits(
    harness: Contract, price: int, skew: int, size: int, scale: int
) -> None:
    opened = harness.functions.fillPrice(price, skew, size, scale, BPS).call()
    closed = harness.functions.fillPrice(price, skew + size, -size, scale, BPS).call()
    # Long: bought at `opened`, sold at `closed`; short: the reverse. The skew impact is symmetric, so the
    # round trip costs the rounding (and the fees), never less.
    assert (closed <= opened) if size > 0 else (closed >= opened)


@given(skew=SIGNED, size=SIGNED, fill=PRICES, maker=FEES, taker=FEES)
def test_order_fee__any_order__model_to_the_wei(
    harness: Contract, skew: int, size: int, fill: int, maker: int, taker: int
) -> None:
    assert harness.functions.orderFee(skew, size, fill, maker, taker).call() == order_fee(
        skew, size, fill, maker, taker
    )


def test_order_fee__crossing_the_skew__maker_on_the_reducing_part_taker_on_the_rest(harness: Contract) -> None:
    fill = 100_000 * WAD
    crossing = harness.functions.orderFee(-5 * WAD, 8 * WAD, fill, 2, 6).call()
    assert crossing == (5 * 100_000 * 2 + 3 * 100_000 * 6) * WAD // 10_000  # $100 maker + $180 taker
    assert harness.functions.orderFee(-5 * WAD, 3 * WAD, fill, 2, 6).call() == 3 * 100_000 * 2 * WAD // 10_000
    assert harness.functions.orderFee(5 * WAD, 3 * WAD, fill, 2, 6).call() == 3 * 100_000 * 6 * WAD // 10_000


@given(
    size=SIGNED,
    price=PRICES,
    params=st.builds(
        PerpParams,
        skew_scale=SCALES,
        maker_fee_bps=FEES,
        taker_fee_bps=FEES,
        initial_margin_ratio=st.integers(0, WAD),
        min_initial_margin_ratio=st.integers(0, WAD // 2),
        maintenance_scalar=st.integers(0, WAD),
        min_position_margin=st.integers(0, 1_000 * WAD),
    ),
)
def test_margins__any_position__model_to_the_wei_and_maintenance_below_initial(
    harness: Contract, size: int, price: int, params: PerpParams
) -> None:
    initial, maintenance = harness.functions.margins(size, price, params.as_tuple()).call()
    assert (initial, maintenance) == (initial_margin(size, price, params), maintenance_margin(size, price, params))
    assert maintenance <= initial  # the scalar is at most 1, and both round up the same way


def test_margins__btc_position__synthetix_formula_by_hand(harness: Contract) -> None:
    size, price = 100 * WAD, 90_000 * WAD  # $9m of BTC on a 1m BTC skew scale
    initial, maintenance = harness.functions.margins(size, price, BTC_PARAMS.as_tuple()).call()
    imr = Fraction(100, 1_000_000) * Fraction(1, 10) + Fraction(1, 100)  # 1.001%
    assert initial == 9_000_000 * imr * WAD + 50 * WAD  # $90,090 + $50
    assert maintenance == 9_000_000 * imr / 2 * WAD + 50 * WAD  # $45,045 + $50
