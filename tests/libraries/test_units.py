"""Units: typed values and the one unit rule, checked through LibraryHarness against exact Python."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.paths import PROJECT_ROOT
from dualtrack.units import WAD, per_token, raw_amount_of, usd, value_of, value_of_up

PRICES = st.integers(min_value=1, max_value=2**96 - 1)
MULTIPLIERS = st.integers(min_value=10**6, max_value=10**30)
DECIMALS = st.sampled_from([0, 2, 6, 8, 9, 12, 18])


@pytest.fixture(scope="session")
def units(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("LibraryHarness", sender=issuer)


@pytest.mark.parametrize(
    ("asset", "decimals", "price", "raw_amount"),
    [
        ("USDC", 6, usd(1), 1_000 * 10**6),  # 1,000 USDC at 1 USD
        ("WBTC", 8, usd(50_000), 2 * 10**6),  # 0.02 BTC at 50,000 USD
        ("TSLA token", 18, usd(250), 4 * 10**18),  # 4 tokens at 250 USD per token
    ],
)
def test_value_of__1000_usd_in_6_8_and_18_decimal_tokens__1000_usd_each(
    units: Contract, asset: str, decimals: int, price: int, raw_amount: int
) -> None:
    assert units.functions.valueOf(price, raw_amount, decimals).call() == usd(1_000), asset
    assert units.functions.valueOfUp(price, raw_amount, decimals).call() == usd(1_000), asset
    assert units.functions.rawAmountOf(price, usd(1_000), decimals).call() == raw_amount, asset


@given(price=PRICES, multiplier=MULTIPLIERS)
def test_per_token__random_report_values__price_times_multiplier_rounded_down(
    units: Contract, price: int, multiplier: int
) -> None:
    assert units.functions.perToken(price, multiplier).call() == per_token(price, multiplier)
    assert per_token(price, multiplier) * WAD <= price * multiplier


@given(
    price=st.integers(min_value=0, max_value=10**40),
    amount=st.integers(min_value=0, max_value=10**36),
    decimals=DECIMALS,
)
def test_value_of__any_amount_and_decimals__down_and_up_bracket_the_exact_value(
    units: Contract, price: int, amount: int, decimals: int
) -> None:
    down = units.functions.valueOf(price, amount, decimals).call()
    up = units.functions.valueOfUp(price, amount, decimals).call()
    assert (down, up) == (value_of(price, amount, decimals), value_of_up(price, amount, decimals))
    assert down * 10**decimals <= price * amount <= up * 10**decimals and up - down <= 1


@given(
    price=st.integers(min_value=1, max_value=10**40),
    value=st.integers(min_value=0, max_value=10**36),
    decimals=DECIMALS,
)
def test_raw_amount_of__any_value__never_worth_more_than_asked(
    units: Contract, price: int, value: int, decimals: int
) -> None:
    raw = units.functions.rawAmountOf(price, value, decimals).call()
    assert raw == raw_amount_of(price, value, decimals)
    assert value_of(price, raw, decimals) <= value  # the protocol never hands out more than the value


@given(
    value=st.integers(min_value=0, max_value=10**40),
    wad=st.integers(min_value=0, max_value=2 * WAD),
    bps=st.integers(0, 20_000),
)
def test_scale__weights_and_basis_points__rounded_as_documented(
    units: Contract, value: int, wad: int, bps: int
) -> None:
    assert units.functions.scale(value, wad, bps).call() == [
        value * wad // WAD,
        value * bps // 10_000,
        -(-value * bps // 10_000),
    ]


@given(
    anchor=st.integers(min_value=1, max_value=10**40),
    delta=st.integers(min_value=-(10**39), max_value=10**39),
    band=st.integers(min_value=1, max_value=5_000),
)
def test_within_band__random_pair__exact_comparison(units: Contract, anchor: int, delta: int, band: int) -> None:
    candidate = max(0, anchor + delta)
    expected = abs(candidate - anchor) * 10_000 <= anchor * band
    assert units.functions.withinBand(candidate, anchor, band).call() is expected


@pytest.mark.parametrize(("candidate", "expected"), [(110, True), (111, False), (90, True), (89, False)])
def test_within_band__edges__inclusive(units: Contract, candidate: int, expected: bool) -> None:
    assert units.functions.withinBand(candidate * WAD, 100 * WAD, 1_000).call() is expected


def test_constants__copy_that_inline_assembly_needs__equals_the_library() -> None:
    """IdentityRegistry's assembly can only read a literal: it must stay equal to Constants.SECP256K1_HALF_N."""
    constants = (PROJECT_ROOT / "interfaces" / "types" / "Constants.sol").read_text()
    registry = (PROJECT_ROOT / "contracts" / "identity" / "IdentityRegistry.sol").read_text()
    half_n = re.search(r"SECP256K1_HALF_N = (0x[0-9A-Fa-f]+);", constants)
    copy = re.search(r"SECP256K1_HALF_ORDER = (0x[0-9A-Fa-f]+);", registry)
    assert half_n is not None and copy is not None
    n = re.search(r"SECP256K1_N = (0x[0-9A-Fa-f]+);", constants)
    assert n is not None and int(half_n.group(1), 16) == int(n.group(1), 16) // 2 == int(copy.group(1), 16)
