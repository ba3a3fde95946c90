"""FundingRateOracle (issue 15's funding-rate oracle): Hyperliquid's rule on the reported skew, the hourly average
exact, idle hours in closed form, the cumulative index; every figure against ``dualtrack.funding``'s model."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.funding import (
    CRYPTO_INTEREST_PER_8H,
    HOUR,
    MAX_HOURLY_RATE,
    FundingConfig,
    FundingState,
    accrue,
    configure_market,
    deploy_funding_oracle,
    funding_owed,
    hourly_rate,
    index_step,
    predicted_rate,
    premium,
    state_of,
    update,
)
from dualtrack.oracle import feed_id
from dualtrack.units import WAD

BTC = feed_id("BTC-PERP")
SKEW_SCALE = 10_000 * WAD  # 10,000 BTC of skew: a 100% premium
IMPACT = 10 * WAD  # impact orders of 10 BTC each way
BTC_PRICE = 90_000 * WAD
MAX_PRICE = 10**30


@dataclass(frozen=True)
class FundingDesk:
    evm: Chain
    oracle: Contract
    admin: str
    market: str  # stands for the perp market contract, the only reporter of the skew
    config: FundingConfig

    def update(self, skew: int, price: int = BTC_PRICE, at: int | None = None) -> dict:
        if at is not None:
            self.evm.set_next_timestamp(at)
        return self.evm.send(self.oracle.functions.update(BTC, skew, price), self.market)

    def state(self) -> FundingState:
        return state_of(self.oracle, BTC)


@pytest.fixture(scope="session")
def funding(evm: Chain, issuer: str, keeper: str) -> FundingDesk:
    oracle = deploy_funding_oracle(evm, issuer)
    config = FundingConfig(SKEW_SCALE, IMPACT, CRYPTO_INTEREST_PER_8H, keeper)
    configure_market(evm, oracle, BTC, config, issuer)
    return FundingDesk(evm, oracle, issuer, keeper, config)


def _hour_start(evm: Chain) -> int:
    return (evm.timestamp() // HOUR + 2) * HOUR


# ---- The rule ----


def test_premium__skew_inside_and_beyond_the_impact_band__hyperliquid_formula(funding: FundingDesk) -> None:
    at = funding.oracle.functions.premiumAt
    assert at(BTC, 0).call() == at(BTC, IMPACT // 2).call() == at(BTC, -IMPACT // 2).call() == 0
    assert at(BTC, SKEW_SCALE).call() == (2 * SKEW_SCALE - IMPACT) * WAD // (2 * SKEW_SCALE)  # ~ +100%
    assert at(BTC, -SKEW_SCALE).call() == -((2 * SKEW_SCALE - IMPACT) * WAD // (2 * SKEW_SCALE))
    for skew in (IMPACT, -3 * IMPACT + 7, SKEW_SCALE // 3, -(SKEW_SCALE * 10)):
        assert at(BTC, skew).call() == premium(skew, IMPACT, SKEW_SCALE)


def test_update__balanced_book_for_eight_hours__pays_the_interest_term_only(funding: FundingDesk) -> None:
    start = _hour_start(funding.evm)
    funding.update(0, at=start)
    receipt = funding.update(0, at=start + 8 * HOUR)

    (settled,) = funding.evm.events(receipt, funding.oracle, "FundingSettled")
    hourly = CRYPTO_INTEREST_PER_8H // 8  # 0.01% per 8 h (inside the clamp), 1/8 each hour
    assert (settled["count"], settled["rate"], settled["hourStart"]) == (8, hourly, start + 7 * HOUR)
    state = funding.state()
    assert state.index == 8 * hourly * BTC_PRICE // WAD  # $9 per BTC over 8 hours: 0.01% of $90,000
    assert funding_owed(2 * WAD, 0, state.index) == 18 * WAD  # a 2 BTC long pays $18, a short receives it


def test_update__skew_over_an_hour__rate_from_the_exact_time_weighted_premium(funding: FundingDesk) -> None:
    start = _hour_start(funding.evm)
    funding.update(1_000 * WAD, at=start)  # 10% premium for 15 minutes
    funding.update(0, at=start + 900)  # then none
    funding.update(0, at=start + HOUR)

    average = premium(1_000 * WAD, IMPACT, SKEW_SCALE) * 900 // HOUR
    rate = (average - 5 * 10**14) // 8  # interest - avg clamped at -0.05%
    assert funding.state().last_rate == rate == hourly_rate(average, CRYPTO_INTEREST_PER_8H)
    assert funding.state().index == index_step(rate, BTC_PRICE)


def test_update__extreme_skew__rate_capped_at_four_percent_an_hour(funding: FundingDesk) -> None:
    start = _hour_start(funding.evm)
    funding.update(-10 * SKEW_SCALE, at=start)
    funding.update(-10 * SKEW_SCALE, at=start + 3 * HOUR)
    state = funding.state()
    assert state.last_rate == -MAX_HOURLY_RATE
    assert state.index == 3 * index_step(-MAX_HOURLY_RATE, BTC_PRICE)  # shorts pay 4% an hour, longs receive


def test_update__idle_month__closed_form_equals_hour_by_hour(funding: FundingDesk) -> None:
    start = _hour_start(funding.evm)
    skew = 2_500 * WAD
    funding.update(skew, at=start + 1_234)
    before = funding.state()
    receipt = funding.update(skew, at=start + 30 * 24 * HOUR + 17)

    expected, count = update(funding.config, before, start + 30 * 24 * HOUR + 17, skew, BTC_PRICE)
    assert funding.state() == expected
    (settled,) = funding.evm.events(receipt, funding.oracle, "FundingSettled")
    assert settled["count"] == count == 30 * 24


def test_predicted_rate__mid_hour__the_hour_so_far_then_the_current_skew(funding: FundingDesk) -> None:
    start = _hour_start(funding.evm)
    funding.update(4_000 * WAD, at=start)
    funding.update(-500 * WAD, at=start + 1_000)
    funding.evm.mine(start + 2_000)
    predicted = funding.oracle.functions.predictedRate(BTC).call()
    assert predicted == predicted_rate(funding.config, funding.state(), start + 2_000)
    funding.update(-500 * WAD, at=start + HOUR)
    assert funding.state().last_rate == predicted  # the skew held: the prediction was the rate


def test_configure_market__existing_market__time_before_accrues_under_the_old_parameters(
    funding: FundingDesk,
) -> None:
    start = _hour_start(funding.evm)
    funding.update(3_000 * WAD, at=start)
    before = funding.state()
    new = FundingConfig(SKEW_SCALE * 2, IMPACT, 0, funding.market)
    funding.evm.set_next_timestamp(start + 2 * HOUR + 60)
    configure_market(funding.evm, funding.oracle, BTC, new, funding.admin)

    expected, _ = accrue(funding.config, before, start + 2 * HOUR + 60, before.last_price)
    assert funding.state() == expected
    assert tuple(funding.oracle.functions.configOf(BTC).call()) == new.as_tuple()


# ---- Exactness over any sequence ----

STEPS = st.lists(
    st.tuples(
        st.one_of(  # seconds until the update: within the hour, across a few, idle for weeks
            st.integers(0, 2 * HOUR), st.sampled_from((HOUR - 1, HOUR, 8 * HOUR)), st.integers(0, 40 * 24 * HOUR)
        ),
        st.one_of(  # the skew: in or at the edge of the dead band, or any bps of the skew scale up to 10x
            st.integers(-IMPACT, IMPACT),
            st.integers(-100_000, 100_000).map(lambda bps: bps * SKEW_SCALE // 10_000),
        ),
        st.one_of(  # the price: BTC's, any cent amount up to $10bn, the smallest and the largest accepted
            st.just(BTC_PRICE),
            st.integers(1, 10**12).map(lambda cents: cents * WAD // 100),
            st.just(1),
            st.just(MAX_PRICE),
        ),
    ),
    min_size=1,
    max_size=12,
)


@given(steps=STEPS)
def test_update__random_trades_and_times__state_matches_the_model_to_the_wei(
    funding: FundingDesk, steps: list[tuple[int, int, int]]
) -> None:
    evm = funding.evm
    snapshot = evm.snapshot()
    try:
        model = funding.state()
        now = evm.timestamp()
        for wait, skew, price in steps:
            now += max(wait, 1)
            receipt = funding.update(skew, price, at=now)
            model, count = update(funding.config, model, now, skew, price)
            assert funding.state() == model
            settled = evm.events(receipt, funding.oracle, "FundingSettled")
            assert [event["count"] for event in settled] == ([count] if count else [])
            assert funding.oracle.functions.predictedRate(BTC).call() == predicted_rate(funding.config, model, now)
    finally:
        evm.revert_to(snapshot)


# ---- Refusals: a custom error, nothing written ----


def test_update__not_the_market_unknown_or_out_of_range__refused_and_nothing_written(
    funding: FundingDesk, alice: str
) -> None:
    before = funding.state()
    with funding.evm.reverts("FundingOracleNotMarket", BTC, alice):
        funding.evm.send(funding.oracle.functions.update(BTC, 0, BTC_PRICE), alice)
    unknown = feed_id("DOGE-PERP")
    with funding.evm.reverts("FundingOracleUnknownMarket", unknown):
        funding.evm.send(funding.oracle.functions.update(unknown, 0, BTC_PRICE), funding.market)
    for price in (0, MAX_PRICE + 1):
        with funding.evm.reverts("FundingOraclePriceOutOfRange", BTC, price):
            funding.update(0, price)
    for skew in (10 * SKEW_SCALE + 1, -10 * SKEW_SCALE - 1):
        with funding.evm.reverts("FundingOracleSkewOutOfRange", BTC, skew, 10 * SKEW_SCALE):
            funding.update(skew)
    assert funding.state() == before


@pytest.mark.parametrize(
    "bad",
    [
        FundingConfig(0, IMPACT, 0, "0x000000000000000000000000000000000000dEaD"),
        FundingConfig(SKEW_SCALE, 0, 0, "0x000000000000000000000000000000000000dEaD"),
        FundingConfig(SKEW_SCALE, SKEW_SCALE + 1, 0, "0x000000000000000000000000000000000000dEaD"),
        FundingConfig(SKEW_SCALE, IMPACT, 10**16 + 1, "0x000000000000000000000000000000000000dEaD"),
        FundingConfig(SKEW_SCALE, IMPACT, -(10**16) - 1, "0x000000000000000000000000000000000000dEaD"),
        FundingConfig(SKEW_SCALE, IMPACT, 0, "0x0000000000000000000000000000000000000000"),
        FundingConfig(2**127 // 10 + 1, IMPACT, 0, "0x000000000000000000000000000000000000dEaD"),
    ],
    ids=["zero scale", "zero impact", "impact above scale", "interest high", "interest low", "no market", "scale"],
)
def test_configure_market__out_of_bounds__refused_and_nothing_changed(funding: FundingDesk, bad: FundingConfig) -> None:
    with funding.evm.reverts("FundingOracleConfigInvalid", BTC):
        configure_market(funding.evm, funding.oracle, BTC, bad, funding.admin)
    assert tuple(funding.oracle.functions.configOf(BTC).call()) == funding.config.as_tuple()
