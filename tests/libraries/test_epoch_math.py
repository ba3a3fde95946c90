"""EpochMath (issue 14): the epoch settlement's growth allowance, releasable backing, redemption fill and the
stock capital's share of a result, through EpochMathHarness against ``dualtrack.liquidity_pool``'s model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.liquidity_pool import fill_shares, growth_allowance, releasable, stock_capital_share

AMOUNT = st.integers(0, 10**36)
BPS = st.integers(0, 100_000)


@pytest.fixture(scope="session")
def epoch_math(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("EpochMathHarness", sender=issuer)


@given(base=AMOUNT, cap=BPS, floor=AMOUNT, used=AMOUNT)
def test_growth_allowance__any_window__model_to_the_wei(
    epoch_math: Contract, base: int, cap: int, floor: int, used: int
) -> None:
    assert epoch_math.functions.growthAllowance(base, cap, floor, used).call() == growth_allowance(
        base, cap, floor, used
    )


@given(backing=AMOUNT, open_interest=AMOUNT, max_bps=st.integers(1, 10_000))
def test_releasable__any_backing__model_and_the_open_interest_stays_covered(
    epoch_math: Contract, backing: int, open_interest: int, max_bps: int
) -> None:
    released = epoch_math.functions.releasable(backing, open_interest, max_bps).call()
    assert released == releasable(backing, open_interest, max_bps)
    if released:
        assert open_interest * 10_000 <= (backing - released) * max_bps  # utilisation within the cap after


@given(shares=AMOUNT, value=AMOUNT, limit=AMOUNT)
def test_fill_shares__any_limit__model_and_never_more_value_than_the_limit(
    epoch_math: Contract, shares: int, value: int, limit: int
) -> None:
    filled = epoch_math.functions.fillShares(shares, value, limit).call()
    assert filled == fill_shares(shares, value, limit) <= shares
    if value > limit and shares:
        assert filled * value <= limit * shares  # pro rata, rounded down: never more than the limit's worth


@given(result=st.integers(-(10**36), 10**36), stable=AMOUNT, risk=AMOUNT)
def test_stock_share__any_result__model_and_rounded_toward_zero(
    epoch_math: Contract, result: int, stable: int, risk: int
) -> None:
    share = epoch_math.functions.stockShare(result, stable, risk).call()
    assert share == stock_capital_share(result, stable, risk)
    assert abs(share) <= abs(result) and (share == 0 or (share > 0) == (result > 0))
