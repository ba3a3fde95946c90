"""IncomeMath (issue 14): the stock-capital income index through IncomeMathHarness against
``dualtrack.stock_capital``'s model, to the wei, and the roundings that never raise what a position is owed."""

from __future__ import annotations

import pytest
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract
from web3.exceptions import ContractCustomError

from dualtrack.chain import Chain
from dualtrack.stock_capital import (
    INCOME_PRECISION,
    VIRTUAL_SHARES,
    debt_after_deposit,
    debt_after_withdrawal,
    income_accrued,
    pending_income_of,
)

SHARES = st.integers(0, 2**100)  # positions keep shares below 2**112
INDEX = st.integers(0, 2**120)  # USD per share x 1e18, far below its 184 bits
USD = st.integers(0, 10**30)  # up to a trillion dollars, 18 decimals
DEBT = st.integers(-(2**100), 2**100)


@pytest.fixture(scope="session")
def income_math(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("IncomeMathHarness", sender=issuer)


@given(income=USD, total=SHARES)
def test_per_share__any_income__rounded_down_over_the_virtual_shares_too(
    income_math: Contract, income: int, total: int
) -> None:
    step = income_math.functions.perShare(income, total).call()
    assert step == income * INCOME_PRECISION // (total + VIRTUAL_SHARES)
    # What the real shares can ever be owed from this step never exceeds the income booked.
    assert income_accrued(total, step) <= income


@given(shares=SHARES, index=INDEX, debt=DEBT)
def test_pending_and_debts__any_position__model_to_the_wei(
    income_math: Contract, shares: int, index: int, debt: int
) -> None:
    functions = income_math.functions
    assert functions.accrued(shares, index, False).call() == income_accrued(shares, index)
    assert functions.accrued(shares, index, True).call() == income_accrued(shares, index, up=True)
    assert functions.pending(shares, index, debt).call() == pending_income_of(shares, index, debt)
    assert functions.debtAfterDeposit(debt, shares, index).call() == debt_after_deposit(debt, shares, index)
    assert functions.debtAfterWithdrawal(debt, shares, index).call() == debt_after_withdrawal(debt, shares, index)


@given(held=SHARES, moved=SHARES, index=INDEX, debt=DEBT)
def test_deposit_then_withdrawal__same_shares__never_raise_what_the_position_is_owed(
    income_math: Contract, held: int, moved: int, index: int, debt: int
) -> None:
    functions = income_math.functions
    before = functions.pending(held, index, debt).call()
    after_deposit = functions.debtAfterDeposit(debt, moved, index).call()
    assert functions.pending(held + moved, index, after_deposit).call() <= before  # the deposit buys no income
    after_withdrawal = functions.debtAfterWithdrawal(after_deposit, moved, index).call()
    assert functions.pending(held, index, after_withdrawal).call() <= before  # nor does the round trip


def test_debt__beyond_112_bits__reverts_rather_than_wraps(income_math: Contract) -> None:
    # OpenZeppelin's SafeCastOverflowedIntDowncast(112, value): the harness's ABI does not name it.
    selector = keccak(text="SafeCastOverflowedIntDowncast(uint8,int256)")[:4].hex()
    with pytest.raises(ContractCustomError, match=f"0x{selector}0{{62}}70"):
        income_math.functions.debtAfterDeposit(2**111 - 1, 2**100, 2 * INCOME_PRECISION).call()
