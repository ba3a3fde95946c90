"""Contract bugs found by the margin suites, each reproduced minimally.

Each test states the behaviour the vault must have; it failed against the contracts when it was found and
passes since the fix.
"""

from __future__ import annotations

from dualtrack.chain import Reverted
from tests.margin.conftest import USDC_UNIT, Desk, usd
from tests.suite_fixtures import Actors


def test_liquidate__sale_rounds_to_nothing_on_an_account_without_collateral__custom_error_not_panic(
    desk: Desk, holders: Actors
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    # alice's account holds only cash; a realised loss beyond it leaves 200 USDC of debt and no collateral.
    account = desk.open(alice)
    desk.deposit(account, desk.usdc, 100 * USDC_UNIT, alice)
    desk.prices(desk.evm.timestamp() + 5)
    desk.evm.send(desk.market.functions.openRisk(account, 0, 0, usd(50), usd(25)), alice)
    desk.evm.send(desk.market.functions.realize(account, -300 * USDC_UNIT, 0, desk.lp), alice)
    desk.evm.send(desk.market.functions.leave(account), alice)
    assert desk.vault.functions.assetsOf(account).call() == []
    assert desk.vault.functions.debtOf(account).call() == 200 * USDC_UNIT
    assert desk.vault.functions.isLiquidatable(account).call()[0]
    desk.evm.send(desk.usdc.functions.approve(desk.vault.address, 2**256 - 1), bob)

    # bob offers to repay 1 raw unit against WBTC: worth 0 satoshi at $60,000.
    try:
        desk.evm.send(desk.vault.functions.liquidate(account, desk.wbtc.address, 1, 0), bob)
    except Reverted as failure:
        assert failure.name.startswith("MarginVault"), f"raw revert: {failure}"


def test_deposit__cash_beyond_uint96__credited_in_full_or_refused(desk: Desk, holders: Actors) -> None:
    alice = holders.alice.wallet
    account = desk.open(alice)
    amount = 2**96 + USDC_UNIT
    desk.fund(alice, desk.usdc, amount)
    booked = desk.vault.functions.totalBooked(desk.usdc.address).call()

    try:
        desk.deposit(account, desk.usdc, amount, alice)
    except Reverted as failure:  # refusing it with a custom error is as good
        assert failure.name.startswith("MarginVault"), f"raw revert: {failure}"
        return

    assert desk.vault.functions.totalBooked(desk.usdc.address).call() == booked + amount
    assert desk.balance(account, desk.usdc) == amount
