"""LockupModule and TimeWindowLimitsModule: time-dependent rules, driven at exact block timestamps."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from tests.compliance.compliance_support import A1, A2, B1, C1, ID_A, ID_B, Kind, Party, Suite

PERIOD = 100


@pytest.fixture
def lockup(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["LockupModule"]
    suite.add(module)
    suite.configure(module, "setLockupPeriod", PERIOD)
    return module


@pytest.fixture
def windows(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["TimeWindowLimitsModule"]
    suite.add(module)
    suite.configure(module, "setTimeWindowLimit", 60, 100)
    suite.configure(module, "setTimeWindowLimit", 600, 150)
    return module


def _lots(module: Contract, suite: Suite, wallet: str) -> list[tuple[int, int]]:
    times, amounts = module.functions.lots(suite.compliance.address, wallet).call()
    return list(zip(times, amounts, strict=True))


# ---- LockupModule ----


def test_lockup__set_period__emits_and_caps_at_ten_years(evm: Chain, suite: Suite, lockup: Contract) -> None:
    c = suite.compliance.address
    receipt = suite.configure(lockup, "setLockupPeriod", 3650 * 86400)
    assert evm.events(receipt, lockup, "LockupPeriodSet") == [{"compliance": c, "period": 3650 * 86400}]
    with evm.reverts("LockupModulePeriodTooLong", 3650 * 86400 + 1, 3650 * 86400):
        suite.configure(lockup, "setLockupPeriod", 3650 * 86400 + 1)
    assert lockup.functions.lockupPeriod(c).call() == 3650 * 86400


def test_lockup__minted_tokens__locked_until_period_ends(evm: Chain, suite: Suite, lockup: Contract) -> None:
    t = evm.timestamp() + 10
    suite.mint(A1, 70, at=t)
    suite.move(Kind.FORCED, B1, A1, 30, at=t + 1)  # forced-in tokens carry no lock here
    assert _lots(lockup, suite, A1.wallet) == [(t + PERIOD, 70)]
    with evm.reverts("LockupModuleLocked", A1.wallet, 31, 30):
        suite.transfer(A1, B1, 31, at=t + PERIOD - 1)
    suite.transfer(A1, B1, 30, at=t + PERIOD - 1)
    with evm.reverts("LockupModuleLocked", A1.wallet, 1, 0):
        suite.transfer(A1, A2, 1, at=t + PERIOD - 1)  # same identity: still per wallet
    suite.transfer(A1, B1, 70, at=t + PERIOD)
    assert _lots(lockup, suite, A1.wallet) == []  # the expired lot was pruned
    assert lockup.functions.walletBalance(suite.compliance.address, A1.wallet).call() == 0


def test_lockup__period_zero__no_lot(suite: Suite, lockup: Contract) -> None:
    suite.configure(lockup, "setLockupPeriod", 0)
    suite.mint(A1, 5)
    suite.transfer(A1, B1, 5)
    assert _lots(lockup, suite, A1.wallet) == []


def test_lockup__five_mints__four_lots_last_merged_with_later_unlock(
    evm: Chain, suite: Suite, lockup: Contract
) -> None:
    t = evm.timestamp() + 10
    for i in range(5):
        suite.mint(A1, 10 + i, at=t + i)
    assert _lots(lockup, suite, A1.wallet) == [
        (t + PERIOD, 10),
        (t + 1 + PERIOD, 11),
        (t + 2 + PERIOD, 12),
        (t + 4 + PERIOD, 13 + 14),
    ]
    c = suite.compliance.address
    assert lockup.functions.lockedBalance(c, A1.wallet).call() == 60
    evm.mine(t + 2 + PERIOD)
    assert lockup.functions.lockedBalance(c, A1.wallet).call() == 27
    assert suite.can_move(Kind.TRANSFER, A1, B1, 33)
    assert not suite.can_move(Kind.TRANSFER, A1, B1, 34)


def test_lockup__shorter_period_when_full__merges_into_next_later_lot(
    evm: Chain, suite: Suite, lockup: Contract
) -> None:
    t = evm.timestamp() + 10
    for i in range(4):
        suite.mint(A1, 1, at=t + i)
    suite.configure(lockup, "setLockupPeriod", 1, at=t + 9)
    suite.mint(A1, 5, at=t + 10)  # unlocks at t+11, before every lot: joins the first one
    assert _lots(lockup, suite, A1.wallet)[0] == (t + PERIOD, 6)


def test_lockup__same_block_mints__share_one_lot(evm: Chain, suite: Suite, lockup: Contract) -> None:
    t = evm.timestamp() + 10
    suite.mint(A1, 4, at=t)
    suite.configure(lockup, "setLockupPeriod", PERIOD - 1, at=t + 1)
    suite.mint(A1, 6, at=t + 1)  # unlocks at t + PERIOD as well
    assert _lots(lockup, suite, A1.wallet) == [(t + PERIOD, 10)]


def test_lockup__burn__spends_unlocked_then_soonest_lots(evm: Chain, suite: Suite, lockup: Contract) -> None:
    t = evm.timestamp() + 10
    suite.mint(A1, 10, at=t)
    suite.mint(A1, 20, at=t + 1)
    suite.move(Kind.FORCED, B1, A1, 5, at=t + 2)  # 5 unlocked
    suite.burn(A1, 12, at=t + 3)
    assert _lots(lockup, suite, A1.wallet) == [(t + PERIOD, 10 - 7), (t + 1 + PERIOD, 20)]
    assert lockup.functions.walletBalance(suite.compliance.address, A1.wallet).call() == 23


def test_lockup__forced_and_recovery__carry_locked_lots(evm: Chain, suite: Suite, lockup: Contract) -> None:
    t = evm.timestamp() + 10
    c = suite.compliance.address
    suite.mint(A1, 10, at=t)
    suite.mint(A1, 20, at=t + 1)
    suite.move(Kind.FORCED, A1, B1, 15, at=t + 2)
    assert _lots(lockup, suite, A1.wallet) == [(t + 1 + PERIOD, 15)]
    assert _lots(lockup, suite, B1.wallet) == [(t + PERIOD, 10), (t + 1 + PERIOD, 5)]
    suite.move(Kind.RECOVERY, A1, A2, 15, at=t + 3)
    assert _lots(lockup, suite, A1.wallet) == []
    assert _lots(lockup, suite, A2.wallet) == [(t + 1 + PERIOD, 15)]
    assert lockup.functions.walletBalance(c, A2.wallet).call() == 15
    with evm.reverts("LockupModuleLocked", A2.wallet, 1, 0):
        suite.transfer(A2, C1, 1, at=t + 4)


def test_lockup__rekey__wallet_balance_and_lots_unchanged(evm: Chain, suite: Suite, lockup: Contract) -> None:
    t = evm.timestamp() + 10
    c = suite.compliance.address
    suite.mint(A1, 10, at=t)
    suite.mint(A1, 20, at=t + 1)
    evm.mine(t + PERIOD)  # the first lot has expired (still stored), the second is locked
    before = (_lots(lockup, suite, A1.wallet), lockup.functions.walletBalance(c, A1.wallet).call())
    rekeyed = Party(A1.wallet, ID_B, A1.country)
    assert suite.can_move(Kind.REKEY, A1, rekeyed, 30)
    suite.move(Kind.REKEY, A1, rekeyed, 30)
    assert (_lots(lockup, suite, A1.wallet), lockup.functions.walletBalance(c, A1.wallet).call()) == before
    assert before == ([(t + PERIOD, 10), (t + 1 + PERIOD, 20)], 30)


def test_lockup__mint__never_rejected(suite: Suite, lockup: Contract) -> None:
    assert suite.can_move(Kind.MINT, None, A1, 10**30)
    assert suite.can_move(Kind.BURN, A1, None, 10**30)


# ---- TimeWindowLimitsModule ----


def test_windows__configuration__set_update_remove_and_cap(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    module = modules["TimeWindowLimitsModule"]
    suite.add(module)
    c = suite.compliance.address
    receipt = suite.configure(module, "setTimeWindowLimit", 60, 10)
    assert evm.events(receipt, module, "TimeWindowLimitSet") == [{"compliance": c, "window": 60, "limit": 10}]
    for window in (120, 180, 240):
        suite.configure(module, "setTimeWindowLimit", window, 10)
    suite.configure(module, "setTimeWindowLimit", 120, 99)  # update in place
    with evm.reverts("TimeWindowLimitsModuleTooManyLimits", 4):
        suite.configure(module, "setTimeWindowLimit", 300, 10)
    with evm.reverts("TimeWindowLimitsModuleInvalidWindow", 0):
        suite.configure(module, "setTimeWindowLimit", 0, 10)
    receipt = suite.configure(module, "removeTimeWindowLimit", 60)
    assert evm.events(receipt, module, "TimeWindowLimitRemoved") == [{"compliance": c, "window": 60}]
    with evm.reverts("TimeWindowLimitsModuleLimitNotFound", 60):
        suite.configure(module, "removeTimeWindowLimit", 60)
    assert module.functions.getTimeWindowLimits(c).call() == [(240, 10), (120, 99), (180, 10)]


def test_windows__sent_above_limit_in_window__reverts_with_counts(evm: Chain, suite: Suite, windows: Contract) -> None:
    t = evm.timestamp() + 10
    suite.transfer(A1, B1, 60, at=t)
    with evm.reverts("TimeWindowLimitsModuleExceeded", ID_A, 60, 101, 100):
        suite.transfer(A1, C1, 41, at=t + 59)
    suite.transfer(A2, C1, 40, at=t + 59)  # another wallet of the same identity shares the counter
    c = suite.compliance.address
    assert windows.functions.windowCounter(c, ID_A, 60).call() == [100, t + 60]
    suite.transfer(A1, B1, 50, at=t + 60)  # the 60 s window restarted
    assert windows.functions.windowCounter(c, ID_A, 60).call() == [50, t + 120]
    assert windows.functions.windowCounter(c, ID_A, 600).call() == [150, t + 600]
    with evm.reverts("TimeWindowLimitsModuleExceeded", ID_A, 600, 151, 150):
        suite.transfer(A1, B1, 1, at=t + 61)
    assert not suite.can_move(Kind.TRANSFER, A1, B1, 1)


def test_windows__other_kinds_and_same_identity__not_counted(evm: Chain, suite: Suite, windows: Contract) -> None:
    t = evm.timestamp() + 10
    suite.transfer(A1, A2, 1000, at=t)
    suite.move(Kind.FORCED, A1, B1, 1000, at=t + 1)
    suite.move(Kind.RECOVERY, A1, A2, 1000, at=t + 2)
    suite.move(Kind.REKEY, A1, Party(A1.wallet, ID_B, A1.country), 1000, at=t + 3)
    suite.burn(A1, 1000, at=t + 3)
    suite.mint(A1, 1000, at=t + 4)
    assert windows.functions.windowCounter(suite.compliance.address, ID_A, 60).call() == [0, 0]
    suite.transfer(A1, B1, 100, at=t + 5)
    assert suite.can_move(Kind.FORCED, A1, B1, 10**30)
