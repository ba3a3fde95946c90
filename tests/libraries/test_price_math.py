"""PriceMath (per-share to per-token prices, values, the jump band) against exact Python arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.oracle import ONE, per_token

PRICES = st.integers(min_value=1, max_value=2**96 - 1)
MULTIPLIERS = st.integers(min_value=10**6, max_value=10**30)


@pytest.fixture(scope="session")
def price_math(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("LibraryHarness", sender=issuer)


@given(price=PRICES, multiplier=MULTIPLIERS)
def test_per_token__random_report_values__price_times_multiplier_rounded_down(
    price_math: Contract, price: int, multiplier: int
) -> None:
    assert price_math.functions.perToken(price, multiplier).call() == per_token(price, multiplier)
    assert per_token(price, multiplier) * ONE <= price * multiplier


@given(price=st.integers(min_value=0, max_value=10**40), amount=st.integers(min_value=0, max_value=10**36))
def test_value_of__any_amount__rounded_down(price_math: Contract, price: int, amount: int) -> None:
    assert price_math.functions.valueOf(price, amount).call() == price * amount // ONE


@given(
    anchor=st.integers(min_value=1, max_value=10**40),
    delta=st.integers(min_value=-(10**39), max_value=10**39),
    band=st.integers(min_value=1, max_value=5_000),
)
def test_within_band__random_pair__exact_comparison(price_math: Contract, anchor: int, delta: int, band: int) -> None:
    candidate = max(0, anchor + delta)
    expected = abs(candidate - anchor) * 10_000 <= anchor * band
    assert price_math.functions.withinBand(candidate, anchor, band).call() is expected


@pytest.mark.parametrize(("candidate", "expected"), [(110, True), (111, False), (90, True), (89, False)])
def test_within_band__edges__inclusive(price_math: Contract, candidate: int, expected: bool) -> None:
    assert price_math.functions.withinBand(candidate * ONE, 100 * ONE, 1_000).call() is expected
