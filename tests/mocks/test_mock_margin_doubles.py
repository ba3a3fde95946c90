"""MockMarket and MockLossAbsorber on their own (their use against the MarginVault comes with the vault):
MockMarket's setters, views, settlement conversion and failure switches; MockLossAbsorber's modes."""

from __future__ import annotations

from enum import IntEnum

import pytest
from eth_utils.abi import function_signature_to_4byte_selector
from web3.contract import Contract

from dualtrack.chain import Chain

USD = 10**18  # UsdValue: one dollar
RAW = 10**6  # one dollar of the 6-decimal settlement asset


class CloseMode(IntEnum):
    CLOSE = 0
    RETURN_FALSE = 1
    REVERT = 2


class AbsorberMode(IntEnum):
    ACKNOWLEDGE = 0
    REVERT = 1
    BURN_GAS = 2
    WRONG_VALUE = 3
    RETURN_NOTHING = 4


@pytest.fixture
def vault(evm: Chain) -> str:
    """Stands in for the vault: an account, so `closeForLiquidation` can be called as the vault (with
    nothing to settle, as an account has no code to settle through)."""
    return evm.accounts[9]


@pytest.fixture
def market(evm: Chain, vault: str, issuer: str) -> Contract:
    return evm.deploy("MockMarket", vault, sender=issuer)


@pytest.fixture
def absorber(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("MockLossAbsorber", sender=issuer)


# ---- MockMarket ----


def test_mock_market__new__vault_set_and_unknown_accounts_zero(market: Contract, vault: str) -> None:
    assert market.functions.vault().call() == vault
    assert market.functions.SETTLEMENT_DECIMALS().call() == 6
    assert market.functions.accountMargin(7).call() == [0, 0, 0, 0]
    assert market.functions.closeMode().call() == CloseMode.CLOSE
    assert not market.functions.marginReverts().call()


def test_mock_market__set_margin__read_back_per_account_and_emits(evm: Chain, market: Contract, alice: str) -> None:
    receipt = evm.send(market.functions.setMargin(1, 5 * USD, 2 * USD, 30 * USD, 20 * USD), alice)
    evm.send(market.functions.setMargin(2, 0, 9 * USD, 1 * USD, 1), alice)
    assert market.functions.accountMargin(1).call() == [5 * USD, 2 * USD, 30 * USD, 20 * USD]
    assert market.functions.accountMargin(2).call() == [0, 9 * USD, 1 * USD, 1]
    assert evm.events(receipt, market, "MarginSet") == [
        {"accountId": 1, "profit": 5 * USD, "loss": 2 * USD, "initialMargin": 30 * USD, "maintenanceMargin": 20 * USD}
    ]


def test_mock_market__margin_reverts_flag__account_margin_reverts(evm: Chain, market: Contract, alice: str) -> None:
    evm.send(market.functions.setMarginReverts(True), alice)
    with evm.reverts("MockMarketMarginUnavailable", 3):
        evm.call(market.functions.accountMargin(3))
    evm.send(market.functions.setMarginReverts(False), alice)
    assert market.functions.accountMargin(3).call() == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("profit", "loss", "expected"),
    [
        (0, 0, 0),
        (3 * USD, USD, 2 * RAW),
        (USD, 3 * USD, -2 * RAW),
        (10**12 + 1, 0, 1),  # a profit rounds down
        (0, 1, -1),  # a loss rounds up
        (0, 10**12 + 1, -2),
        (5 * 10**12 - 1, 0, 4),
    ],
)
def test_mock_market__settlement_of__net_pnl_in_raw_units_loss_rounded_up(
    evm: Chain, market: Contract, alice: str, profit: int, loss: int, expected: int
) -> None:
    evm.send(market.functions.setMargin(4, profit, loss, 0, 0), alice)
    assert market.functions.settlementOf(4).call() == expected


def test_mock_market__close_by_non_vault__reverts_not_vault(evm: Chain, market: Contract, alice: str) -> None:
    with evm.reverts("MockMarketNotVault", alice):
        evm.send(market.functions.closeForLiquidation(1), alice)


def test_mock_market__close_flat_account__clears_counts_and_returns_true(
    evm: Chain, market: Contract, vault: str, alice: str
) -> None:
    evm.send(market.functions.setMargin(5, USD // 10**13, 0, 10 * USD, 5 * USD), alice)  # profit below 1 raw unit
    assert market.functions.closeForLiquidation(5).call({"from": vault})
    receipt = evm.send(market.functions.closeForLiquidation(5), vault)
    assert evm.events(receipt, market, "ClosedForLiquidation") == [{"accountId": 5, "pnlRaw": 0, "closedAll": True}]
    assert market.functions.accountMargin(5).call() == [0, 0, 0, 0]
    assert (market.functions.closeCalls().call(), market.functions.lastClosedAccount().call()) == (1, 5)


def test_mock_market__close_return_false_mode__keeps_values_and_returns_false(
    evm: Chain, market: Contract, vault: str, alice: str
) -> None:
    evm.send(market.functions.setMargin(6, 0, 7 * USD, 10 * USD, 5 * USD), alice)
    evm.send(market.functions.setCloseMode(CloseMode.RETURN_FALSE), alice)
    assert not market.functions.closeForLiquidation(6).call({"from": vault})
    evm.send(market.functions.closeForLiquidation(6), vault)
    assert market.functions.accountMargin(6).call() == [0, 7 * USD, 10 * USD, 5 * USD]
    assert market.functions.closeCalls().call() == 1


def test_mock_market__close_revert_mode__reverts_close_failed(
    evm: Chain, market: Contract, vault: str, alice: str
) -> None:
    evm.send(market.functions.setCloseMode(CloseMode.REVERT), alice)
    with evm.reverts("MockMarketCloseFailed", 8):
        evm.send(market.functions.closeForLiquidation(8), vault)
    assert market.functions.closeCalls().call() == 0


def test_mock_market__close_with_pnl_and_vault_without_code__reverts(
    evm: Chain, market: Contract, vault: str, alice: str
) -> None:
    evm.send(market.functions.setMargin(9, 0, USD, 0, 0), alice)
    with pytest.raises(Exception):  # noqa: B017 - the call to an account without code reverts without data
        evm.send(market.functions.closeForLiquidation(9), vault)


# ---- MockLossAbsorber ----


def test_mock_loss_absorber__acknowledge__records_and_returns_selector(
    evm: Chain, absorber: Contract, alice: str, bob: str
) -> None:
    selector = function_signature_to_4byte_selector("onBadDebt(uint256,address,uint256)")
    assert absorber.functions.onBadDebt(3, bob, 100).call({"from": alice}) == selector
    receipt = evm.send(absorber.functions.onBadDebt(3, bob, 100), alice)
    evm.send(absorber.functions.onBadDebt(4, bob, 50), alice)
    assert evm.events(receipt, absorber, "BadDebtRecorded") == [
        {"caller": alice, "accountId": 3, "asset": bob, "amount": 100}
    ]
    f = absorber.functions
    assert (f.calls().call(), f.lastCaller().call(), f.lastAccountId().call()) == (2, alice, 4)
    assert (f.lastAsset().call(), f.lastAmount().call(), f.totalAmount().call()) == (bob, 50, 150)


def test_mock_loss_absorber__revert_mode__reverts_refused(evm: Chain, absorber: Contract, alice: str, bob: str) -> None:
    evm.send(absorber.functions.setMode(AbsorberMode.REVERT), alice)
    with evm.reverts("MockLossAbsorberRefused", 3, bob, 100):
        evm.send(absorber.functions.onBadDebt(3, bob, 100), alice)
    assert absorber.functions.calls().call() == 0


def test_mock_loss_absorber__burn_gas_mode__consumes_all_gas(
    evm: Chain, absorber: Contract, alice: str, bob: str
) -> None:
    evm.send(absorber.functions.setMode(AbsorberMode.BURN_GAS), alice)
    tx = absorber.functions.onBadDebt(3, bob, 100).build_transaction({"from": alice, "gas": 200_000})
    receipt = evm.receipt(evm.w3.eth.send_transaction(tx))
    assert receipt["status"] == 0
    assert receipt["gasUsed"] == 200_000
    assert absorber.functions.calls().call() == 0


def test_mock_loss_absorber__wrong_value_and_return_nothing__record_but_answer_badly(
    evm: Chain, absorber: Contract, alice: str, bob: str
) -> None:
    evm.send(absorber.functions.setMode(AbsorberMode.WRONG_VALUE), alice)
    assert absorber.functions.onBadDebt(1, bob, 10).call({"from": alice}) == bytes.fromhex("deadbeef")
    evm.send(absorber.functions.onBadDebt(1, bob, 10), alice)
    evm.send(absorber.functions.setMode(AbsorberMode.RETURN_NOTHING), alice)
    raw = evm.w3.eth.call(
        {"from": alice, "to": absorber.address, "data": absorber.encode_abi("onBadDebt", [2, bob, 5])}
    )
    assert raw == b""
    evm.send(absorber.functions.onBadDebt(2, bob, 5), alice)
    assert (absorber.functions.calls().call(), absorber.functions.totalAmount().call()) == (2, 15)
