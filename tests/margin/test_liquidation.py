"""Liquidation: who may liquidate, at what price, with which penalty; the sequencer; bad debt."""

from __future__ import annotations

import pytest

from dualtrack.margin import (
    DEFAULT_LIQUIDATION,
    WAD,
    health_of,
    liquidation_split,
    max_repay,
    penalty_bps,
)
from dualtrack.sequencer import deploy_sentinel, deploy_uptime_feed, set_sequencer
from tests.margin.conftest import TSLA_UNIT, USDC_UNIT, Desk, usd
from tests.suite_fixtures import Actors

GRACE = 3_600


def _underwater(
    desk: Desk, alice: str, *, tokens: int = 20, loss: float = 3_000, price: float = 200, im: float = 2_000
) -> int:
    """alice pledges ``tokens`` TSLA at $250, opens a position (IM ``im``, MM half of it), then TSLA falls
    to ``price`` and the position loses ``loss``."""
    account = desk.open(alice)
    desk.deposit(account, desk.tsla, tokens * TSLA_UNIT, alice)
    desk.prices(desk.evm.timestamp() + 5)
    desk.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(im), usd(im / 2)), alice)
    desk.prices(desk.evm.timestamp() + 5, tsla=price)
    desk.evm.send(desk.market.functions.setPosition(account, 0, usd(loss), usd(im), usd(im / 2)), alice)
    return account


def _approve_usdc(desk: Desk, wallet: str) -> None:
    desk.evm.send(desk.usdc.functions.approve(desk.vault.address, 2**256 - 1), wallet)


def test_liquidate__verified_liquidator__debt_repaid_collateral_at_penalty_discount(
    desk: Desk, holders: Actors
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    account = _underwater(desk, alice)
    liquidatable, health = desk.vault.functions.isLiquidatable(account).call()
    assert liquidatable and health == usd(20 * 200 * 0.7) * WAD // usd(3_000 + 1_000)
    _approve_usdc(desk, bob)
    usdc_before = desk.usdc.functions.balanceOf(bob).call()
    lp_credit_before = desk.vault.functions.creditOf(desk.lp).call()

    receipt = desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), bob)

    # The position closes first: its loss becomes debt (no cash). Health is then 2,800 / 3,000.
    after_close = usd(20 * 200 * 0.7) * WAD // usd(3_000)
    debt = 3_000 * USDC_UNIT
    repaid = max_repay(debt, after_close)
    assert repaid == debt  # below 0.95: no close factor
    penalty = penalty_bps(after_close)
    buyer_usd, insurance_usd = liquidation_split(repaid * 10**12, penalty)
    seized = buyer_usd * TSLA_UNIT // usd(200)
    to_insurance = insurance_usd * TSLA_UNIT // usd(200)
    (event,) = desk.evm.events(receipt, desk.vault, "Liquidated")
    assert (event["repaid"], event["seized"], event["toInsurance"]) == (repaid, seized, to_insurance)
    assert desk.tsla.functions.balanceOf(bob).call() == 100 * TSLA_UNIT + seized
    assert desk.usdc.functions.balanceOf(bob).call() == usdc_before - repaid
    assert desk.vault.functions.debtOf(account).call() == 0
    assert desk.balance(account, desk.tsla) == 20 * TSLA_UNIT - seized - to_insurance
    insurance_account = desk.vault.functions.wiring().call()[4]
    assert desk.balance(insurance_account, desk.tsla) == to_insurance
    # The counterparty got its loss back through the repayment.
    assert desk.vault.functions.creditOf(desk.lp).call() == lp_credit_before + repaid
    assert not desk.vault.functions.isLiquidatable(account).call()[0]


def test_liquidate__unverified_liquidator__refused_for_stock_nothing_moved(
    desk: Desk, holders: Actors, stranger: str
) -> None:
    account = _underwater(desk, holders.alice.wallet)
    desk.fund(stranger, desk.usdc, 10_000 * USDC_UNIT)
    _approve_usdc(desk, stranger)

    with desk.evm.reverts("MarginVaultNotVerified", desk.tsla.address, stranger):
        desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), stranger)

    assert desk.usdc.functions.balanceOf(stranger).call() == 10_000 * USDC_UNIT
    assert desk.balance(account, desk.tsla) == 20 * TSLA_UNIT
    assert desk.vault.functions.marketsOf(account).call() == [desk.market.address]


def test_liquidate__healthy_account__refused(desk: Desk, holders: Actors) -> None:
    alice = holders.alice.wallet
    account = desk.open(alice)
    desk.deposit(account, desk.tsla, 20 * TSLA_UNIT, alice)
    desk.prices(desk.evm.timestamp() + 5)
    desk.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(2_000), usd(1_000)), alice)
    _, maintenance = health_of(desk.vault, account)
    with desk.evm.reverts("MarginVaultNotLiquidatable", account, maintenance.health_factor):
        desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 1, 0), holders.bob.wallet)


def test_liquidate__close_factor_above_threshold__half_the_debt(desk: Desk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    # After the close: 20 x 200 x 0.7 = 2,800 against 2,900 of debt: health 0.9655 (>= 0.95).
    account = _underwater(desk, alice, loss=2_900)
    _approve_usdc(desk, bob)
    receipt = desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), bob)
    (event,) = desk.evm.events(receipt, desk.vault, "Liquidated")
    assert event["repaid"] == max_repay(2_900 * USDC_UNIT, usd(2_800) * WAD // usd(2_900)) == 1_450 * USDC_UNIT
    assert DEFAULT_LIQUIDATION.close_factor_bps == 5_000


def test_liquidate__position_closes_account_healthy__no_collateral_sold(desk: Desk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    account = _underwater(desk, alice, loss=2_000)  # 2,800 vs 3,000 owed; after the close 2,800 vs 2,000
    receipt = desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), bob)
    (event,) = desk.evm.events(receipt, desk.vault, "Liquidated")
    assert (event["repaid"], event["seized"]) == (0, 0)
    assert desk.vault.functions.debtOf(account).call() == 2_000 * USDC_UNIT
    assert desk.vault.functions.marketsOf(account).call() == []


def test_liquidate__slippage_bound__refused(desk: Desk, holders: Actors) -> None:
    account = _underwater(desk, holders.alice.wallet)
    _approve_usdc(desk, holders.bob.wallet)
    with pytest.raises(Exception, match="MarginVaultSlippage"):
        desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 10**30), holders.bob.wallet)


def test_liquidate__oracle_outage__refused_and_withdrawal_fails_closed(desk: Desk, holders: Actors) -> None:
    alice = holders.alice.wallet
    account = _underwater(desk, alice)
    desk.evm.mine(desk.evm.timestamp() + 3_600)  # every liquidation bound (600 s) passed
    with desk.evm.reverts(
        "MarginVaultPriceUnusable", desk.tsla.address, desk.vault.functions.assetState(desk.tsla.address).call()[0][0]
    ):
        desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 1, 0), holders.bob.wallet)
    assert desk.vault.functions.isLiquidatable(account).call()[0] is False


def test_liquidate__sequencer_grace__only_below_095(desk: Desk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    feed = deploy_uptime_feed(desk.evm, desk.admin)
    sentinel = deploy_sentinel(desk.evm, desk.admin, feed, GRACE)
    set_sequencer(desk.evm, feed, True, desk.evm.timestamp() - 2 * GRACE, desk.admin)  # up for long
    desk.evm.send(desk.oracle.functions.setSequencerSentinel(sentinel.address), desk.admin)
    ordinary = _underwater(desk, alice, loss=1_500, price=200)  # 2,800 against 2,500: healthy for now
    set_sequencer(desk.evm, feed, True, desk.evm.timestamp(), desk.admin)  # restarted: in its grace period
    # Health 2,800 / 2,900 = 0.9655 during the grace period: not liquidatable.
    desk.evm.send(desk.market.functions.setPosition(ordinary, 0, usd(1_900), usd(2_000), usd(1_000)), alice)
    liquidatable, health = desk.vault.functions.isLiquidatable(ordinary).call()
    assert 95 * WAD // 100 <= health < WAD and not liquidatable
    _approve_usdc(desk, bob)
    with desk.evm.reverts("MarginVaultSequencerGrace", ordinary, health):
        desk.evm.send(desk.vault.functions.liquidate(ordinary, desk.tsla.address, 2**255, 0), bob)
    # Deeply underwater (below 0.95): liquidatable at once.
    desk.evm.send(desk.market.functions.setPosition(ordinary, 0, usd(2_500), usd(2_000), usd(1_000)), alice)
    liquidatable, health = desk.vault.functions.isLiquidatable(ordinary).call()
    assert health < 95 * WAD // 100 and liquidatable
    desk.evm.send(desk.vault.functions.liquidate(ordinary, desk.tsla.address, 2**255, 0), bob)
    # And no new risk during the grace period.
    with desk.evm.reverts("MarginVaultSequencerNotReady"):
        desk.evm.send(desk.market.functions.openRisk(ordinary, 0, 0, usd(1), usd(1)), alice)


def test_write_off_bad_debt__no_collateral_left__reported_to_absorber(desk: Desk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    absorber = desk.evm.deploy("MockLossAbsorber", sender=desk.admin)
    desk.evm.send(desk.vault.functions.setLossAbsorber(absorber.address), desk.admin)
    account = _underwater(desk, alice, tokens=4, loss=3_000, price=200, im=500)  # 560 against 3,250
    _approve_usdc(desk, bob)
    desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), bob)
    assert desk.balance(account, desk.tsla) == 0
    debt = desk.vault.functions.debtOf(account).call()
    assert debt > 0

    receipt = desk.evm.send(desk.vault.functions.writeOffBadDebt(account), bob)

    (event,) = desk.evm.events(receipt, desk.vault, "BadDebtWrittenOff")
    assert (event["amount"], event["absorber"], event["absorbed"]) == (debt, absorber.address, True)
    assert absorber.functions.total().call() == debt
    assert desk.vault.functions.debtOf(account).call() == 0
    assert desk.vault.functions.totalDebt().call() == 0


def test_write_off_bad_debt__collateral_left__refused(desk: Desk, holders: Actors) -> None:
    account = _underwater(desk, holders.alice.wallet)
    with desk.evm.reverts("MarginVaultNotBadDebt", account):
        desk.evm.send(desk.vault.functions.writeOffBadDebt(account), holders.bob.wallet)


@pytest.mark.parametrize("mode", [1, 2, 3, 4], ids=["reverts", "burns_gas", "wrong_answer", "no_answer"])
def test_write_off_bad_debt__broken_absorber__written_off_not_absorbed(desk: Desk, holders: Actors, mode: int) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    absorber = desk.evm.deploy("MockLossAbsorber", sender=desk.admin)
    desk.evm.send(absorber.functions.setMode(mode), desk.admin)
    desk.evm.send(desk.vault.functions.setLossAbsorber(absorber.address), desk.admin)
    account = _underwater(desk, alice, tokens=4, loss=3_000, price=200, im=500)
    _approve_usdc(desk, bob)
    desk.evm.send(desk.vault.functions.liquidate(account, desk.tsla.address, 2**255, 0), bob)

    receipt = desk.evm.send(desk.vault.functions.writeOffBadDebt(account), bob, gas=2_000_000)

    (event,) = desk.evm.events(receipt, desk.vault, "BadDebtWrittenOff")
    assert event["absorbed"] is False
    assert desk.vault.functions.debtOf(account).call() == 0


def test_debt__a_year_at_the_configured_rate__grows_by_it_repaid_from_cash_first(desk: Desk, holders: Actors) -> None:
    alice = holders.alice.wallet
    desk.evm.send(desk.vault.functions.setDebtInterestRate(1_000), desk.admin)  # 10% a year
    account = desk.open(alice)
    desk.deposit(account, desk.usdc, 100 * USDC_UNIT, alice)
    desk.deposit(account, desk.tsla, 20 * TSLA_UNIT, alice)
    desk.prices(desk.evm.timestamp() + 5)
    desk.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(100), usd(50)), alice)
    desk.evm.send(desk.market.functions.realize(account, -1_100 * USDC_UNIT, 0, desk.lp), alice)
    # The loss took the 100 of cash first; the other 1,000 is debt.
    assert desk.balance(account, desk.usdc) == 0
    assert desk.vault.functions.debtOf(account).call() == 1_000 * USDC_UNIT

    desk.evm.mine(desk.evm.timestamp() + 365 * 86_400)

    assert desk.vault.functions.debtOf(account).call() == 1_100 * USDC_UNIT
    receipt = desk.deposit(account, desk.usdc, 1_200 * USDC_UNIT, alice)  # repays the debt first
    (repaid,) = desk.evm.events(receipt, desk.vault, "DebtRepaid")
    assert 1_100 * USDC_UNIT <= repaid["amount"] < 1_100 * USDC_UNIT + USDC_UNIT // 100  # a few more seconds
    assert desk.vault.functions.debtOf(account).call() == 0
    assert desk.balance(account, desk.usdc) == 1_200 * USDC_UNIT - repaid["amount"]
