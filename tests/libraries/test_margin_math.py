"""The margin vault's pure libraries (CollateralMath, LiquidationMath, DebtMath), checked directly through
MarginMathHarness against the Python model in ``dualtrack.margin``, over the whole range each is used on:
any token decimals, balances up to the vault's uint128 books, every health factor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.margin import (
    BPS,
    DEFAULT_LIQUIDATION,
    WAD,
    LiquidationConfig,
    debt_of_shares,
    effective_weight_bps,
    grow_debt_index,
    health_factor,
    liquidation_split,
    max_repay,
    penalty_bps,
    shares_for_debt,
    shares_for_repay,
)

U128 = 2**128 - 1
bps = st.integers(0, BPS)
usd = st.integers(0, 10**36)  # up to a trillion trillion USD, 18 decimals
decimals = st.integers(0, 18)
configs = st.builds(
    LiquidationConfig,
    min_penalty_bps=st.integers(0, 2_500),
    max_penalty_bps=st.integers(2_500, 5_000),
    ramp_bps=st.integers(1, BPS),
    keeper_share_bps=bps,
    close_factor_bps=st.integers(1, BPS),
    full_close_health=st.integers(0, WAD),
    max_keeper_reward=st.integers(0, 10**24),
)


@pytest.fixture(scope="session")
def math(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("MarginMathHarness", sender=issuer)


@given(
    weight=bps,
    balance=st.integers(0, U128),
    discount=bps,
    depth=st.integers(0, U128),
    haircut=bps,
    closed=st.booleans(),
)
def test_effective_weight__any_size_and_depth__matches_model_and_never_exceeds_weight(
    math: Contract, weight: int, balance: int, discount: int, depth: int, haircut: int, closed: bool
) -> None:
    got = math.functions.effectiveWeight(weight, balance, discount, depth, haircut, closed).call()
    assert got == effective_weight_bps(weight, balance, discount, depth, haircut, closed)
    assert got <= weight


@given(small=st.integers(0, U128), extra=st.integers(0, U128), depth=st.integers(1, U128), discount=bps)
def test_effective_weight__larger_position__never_weighs_more(
    math: Contract, small: int, extra: int, depth: int, discount: int
) -> None:
    """The size discount (Synthetix v3's) only grows with the position: splitting hides nothing."""
    smaller = math.functions.effectiveWeight(8_000, small, discount, depth, 0, False).call()
    larger = math.functions.effectiveWeight(8_000, min(U128, small + extra), discount, depth, 0, False).call()
    assert larger <= smaller


@given(backing=usd, owed=usd)
def test_health_factor__any_backing_and_owed__matches_model(math: Contract, backing: int, owed: int) -> None:
    assert math.functions.healthFactor(backing, owed).call() == health_factor(backing, owed)


@given(raw=st.integers(0, U128), places=decimals)
def test_at_par_and_back__any_decimals__round_trip_exact(math: Contract, raw: int, places: int) -> None:
    value = math.functions.atPar(raw, places).call()
    assert value == raw * 10 ** (18 - places)
    assert math.functions.toRaw(value, places).call() == [raw, raw]


@given(value=usd, places=decimals)
def test_to_raw__any_value__down_and_up_bracket_it(math: Contract, value: int, places: int) -> None:
    down, up = math.functions.toRaw(value, places).call()
    unit = 10 ** (18 - places)
    assert down * unit <= value <= up * unit and up - down <= 1


@given(health=st.integers(0, 2 * WAD), config=configs)
def test_penalty__any_health__matches_model_and_stays_within_bounds(
    math: Contract, health: int, config: LiquidationConfig
) -> None:
    got = math.functions.penalty(health, config.as_tuple()).call()
    assert got == penalty_bps(health, config)
    assert config.min_penalty_bps <= got <= config.max_penalty_bps


@given(debt=st.integers(0, U128), health=st.integers(0, 2 * WAD), config=configs)
def test_max_repay__any_debt__matches_model_and_never_exceeds_debt(
    math: Contract, debt: int, health: int, config: LiquidationConfig
) -> None:
    got = math.functions.maxRepay(debt, health, config.as_tuple()).call()
    assert got == max_repay(debt, health, config)
    assert got <= debt


@given(repaid=usd, penalty=st.integers(0, 5_000), config=configs)
def test_split__any_repayment__matches_model_and_conserves_the_penalty(
    math: Contract, repaid: int, penalty: int, config: LiquidationConfig
) -> None:
    buyer, insurance = math.functions.split(repaid, penalty, config.as_tuple()).call()
    assert (buyer, insurance) == liquidation_split(repaid, penalty, config)
    fee = -(-repaid * penalty // BPS)  # rounded up: the account pays the dust
    assert buyer - repaid + insurance == fee
    assert buyer - repaid <= config.max_keeper_reward


def test_is_valid__default_and_broken_configs__only_sound_ones_pass(math: Contract) -> None:
    assert math.functions.isValid(DEFAULT_LIQUIDATION.as_tuple()).call()
    broken = (
        LiquidationConfig(min_penalty_bps=600, max_penalty_bps=500),
        LiquidationConfig(max_penalty_bps=5_001),
        LiquidationConfig(ramp_bps=0),
        LiquidationConfig(keeper_share_bps=BPS + 1),
        LiquidationConfig(close_factor_bps=0),
        LiquidationConfig(full_close_health=WAD + 1),
    )
    for config in broken:
        assert not math.functions.isValid(config.as_tuple()).call(), config


@given(index=st.integers(WAD, 100 * WAD), apr=st.integers(0, BPS), elapsed=st.integers(0, 10 * 365 * 86_400))
def test_grow__any_rate_and_time__matches_model_and_never_shrinks(
    math: Contract, index: int, apr: int, elapsed: int
) -> None:
    got = math.functions.grow(index, apr, elapsed).call()
    assert got == grow_debt_index(index, apr, elapsed)
    assert got >= index


@given(amount=st.integers(0, 2**96), index=st.integers(WAD, 100 * WAD))
def test_debt_shares__any_amount__rounding_favours_the_protocol(math: Contract, amount: int, index: int) -> None:
    """New debt mints shares rounded up, a debt reads rounded up, a repayment burns shares rounded down: an
    account can never owe less than it borrowed, nor burn more than it repaid."""
    shares, debt, repay_shares = math.functions.debtRoundTrip(amount, index).call()
    assert (shares, debt, repay_shares) == (
        shares_for_debt(amount, index),
        debt_of_shares(shares_for_debt(amount, index), index),
        shares_for_repay(amount, index),
    )
    assert debt >= amount
    assert repay_shares <= shares
