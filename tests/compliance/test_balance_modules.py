"""MaxBalanceModule, MaxHoldersModule and SupplyLimitModule: limits, error arguments and what each
movement kind does to the tracked balances, holder count and supply."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from tests.compliance.compliance_support import (
    A1,
    A2,
    B1,
    C1,
    ID_A,
    ID_B,
    ID_C,
    Kind,
    Party,
    Suite,
    addr,
    movement,
)
from tests.support import ZERO


@pytest.fixture
def max_balance(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["MaxBalanceModule"]
    suite.add(module)
    suite.configure(module, "setMaxBalance", 100)
    return module


@pytest.fixture
def max_holders(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["MaxHoldersModule"]
    suite.add(module)
    suite.configure(module, "setMaxHolders", 2)
    return module


@pytest.fixture
def supply_limit(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["SupplyLimitModule"]
    suite.add(module)
    suite.configure(module, "setSupplyLimit", 100)
    return module


def _balances(module: Contract, suite: Suite) -> list[int]:
    c = suite.compliance.address
    return [module.functions.identityBalance(c, i).call() for i in (ID_A, ID_B, ID_C)]


# ---- MaxBalanceModule ----


def test_max_balance__after_binding__max_zero_rejects_mints(
    evm: Chain, suite: Suite, modules: dict[str, Contract]
) -> None:
    module = modules["MaxBalanceModule"]
    suite.add(module)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 1, 0):
        suite.mint(A1, 1)


def test_max_balance__set__emits(evm: Chain, suite: Suite, max_balance: Contract) -> None:
    receipt = suite.configure(max_balance, "setMaxBalance", 7)
    assert evm.events(receipt, max_balance, "MaxBalanceSet") == [{"compliance": suite.compliance.address, "max": 7}]


def test_max_balance__two_wallets_of_one_identity__cap_applies_to_their_sum(
    evm: Chain, suite: Suite, max_balance: Contract
) -> None:
    suite.mint(A1, 60)
    suite.mint(A2, 40)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 101, 100):
        suite.mint(A2, 1)
    assert not suite.can_move(Kind.MINT, None, A2, 1)
    suite.mint(B1, 10)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 105, 100):
        suite.transfer(B1, A1, 5)
    assert _balances(max_balance, suite) == [100, 10, 0]


def test_max_balance__same_identity_transfer_at_cap__accepted_and_unchanged(
    suite: Suite, max_balance: Contract
) -> None:
    suite.mint(A1, 100)
    suite.transfer(A1, A2, 70)
    assert suite.can_move(Kind.TRANSFER, A2, A1, 70)
    assert _balances(max_balance, suite) == [100, 0, 0]


def test_max_balance__forced_above_cap__recorded_then_transfers_in_rejected(
    evm: Chain, suite: Suite, max_balance: Contract
) -> None:
    suite.mint(A1, 90)
    suite.mint(B1, 90)
    suite.move(Kind.FORCED, B1, A1, 50)
    assert _balances(max_balance, suite) == [140, 40, 0]
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 140, 100):
        suite.transfer(B1, A1, 0)
    suite.transfer(A1, B1, 50)
    assert _balances(max_balance, suite) == [90, 90, 0]


def test_max_balance__burn_and_recovery__debit_and_keep(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 80)
    suite.burn(A1, 30)
    suite.move(Kind.RECOVERY, A1, A2, 50)
    assert _balances(max_balance, suite) == [50, 0, 0]


def test_max_balance__rekey_above_max__moves_balance_unchecked(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 70)
    suite.mint(B1, 40)
    rekeyed = Party(A1.wallet, ID_B, A1.country)  # an agent gave A1's wallet identity B
    assert suite.can_move(Kind.REKEY, A1, rekeyed, 70)
    suite.move(Kind.REKEY, A1, rekeyed, 70)  # B: 110, above the max of 100
    assert _balances(max_balance, suite) == [0, 110, 0]
    suite.move(Kind.REKEY, B1, Party(B1.wallet, ID_C, B1.country), 40)
    assert _balances(max_balance, suite) == [0, 70, 40]


def test_max_balance__debit_above_tracked__saturates_at_zero(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 10)
    moved_identity = Party(A1.wallet, ID_B, A1.country)  # the wallet's identity was changed
    suite.burn(moved_identity, 10)
    suite.move(Kind.FORCED, moved_identity, C1, 5)
    assert _balances(max_balance, suite) == [10, 0, 5]


def test_max_balance__huge_amount__reports_saturated_balance(evm: Chain, suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 1)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 2**256 - 1, 100):
        suite.mint(A1, 2**256 - 1)


# ---- MaxHoldersModule ----


def test_max_holders__third_holder__reverts_with_count(evm: Chain, suite: Suite, max_holders: Contract) -> None:
    c = suite.compliance.address
    suite.mint(A1, 10)
    suite.mint(A2, 10)  # same identity: still one holder
    suite.mint(B1, 10)
    assert max_holders.functions.holderCount(c).call() == 2
    with evm.reverts("MaxHoldersModuleExceeded", ID_C, 3, 2):
        suite.mint(C1, 1)
    with evm.reverts("MaxHoldersModuleExceeded", ID_C, 3, 2):
        suite.transfer(A1, C1, 1)
    assert not suite.can_move(Kind.TRANSFER, A1, C1, 1)
    suite.mint(C1, 0)  # a zero amount makes no holder
    assert max_holders.functions.holderCount(c).call() == 2


def test_max_holders__sender_leaves__new_holder_fits(suite: Suite, max_holders: Contract) -> None:
    c = suite.compliance.address
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    assert suite.can_move(Kind.TRANSFER, B1, C1, 10)
    suite.transfer(B1, C1, 10)
    assert max_holders.functions.holderCount(c).call() == 2
    assert _balances(max_holders, suite) == [10, 0, 10]


def test_max_holders__forced_burn_recovery__count_follows_balances(suite: Suite, max_holders: Contract) -> None:
    c = suite.compliance.address
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    suite.move(Kind.FORCED, B1, C1, 4)  # above the max, but forced
    assert max_holders.functions.holderCount(c).call() == 3
    suite.move(Kind.RECOVERY, A1, A2, 10)
    assert max_holders.functions.holderCount(c).call() == 3
    suite.burn(B1, 6)
    assert max_holders.functions.holderCount(c).call() == 2
    suite.move(Kind.FORCED, C1, A2, 4)
    assert max_holders.functions.holderCount(c).call() == 1
    assert _balances(max_holders, suite) == [14, 0, 0]


def test_max_holders__rekey__count_follows_and_never_rejected(suite: Suite, max_holders: Contract) -> None:
    c = suite.compliance.address
    suite.mint(A1, 10)
    suite.mint(A2, 5)  # A's second wallet
    suite.mint(B1, 10)
    suite.move(Kind.REKEY, A2, Party(A2.wallet, ID_C, A2.country), 5)  # a third holder, above the max
    assert max_holders.functions.holderCount(c).call() == 3
    unregistered = Party(A1.wallet, ZERO, 0)
    suite.move(Kind.REKEY, A1, unregistered, 10)  # deleted: the zero identity holds its balance
    assert max_holders.functions.holderCount(c).call() == 3
    assert max_holders.functions.identityBalance(c, ZERO).call() == 10
    suite.move(Kind.REKEY, unregistered, Party(A1.wallet, ID_B, A1.country), 10)
    assert max_holders.functions.holderCount(c).call() == 2
    assert _balances(max_holders, suite) == [0, 20, 5]


def test_max_holders__set__emits_and_reads_back(evm: Chain, suite: Suite, max_holders: Contract) -> None:
    receipt = suite.configure(max_holders, "setMaxHolders", 9)
    assert evm.events(receipt, max_holders, "MaxHoldersSet") == [{"compliance": suite.compliance.address, "max": 9}]
    assert max_holders.functions.maxHolders(suite.compliance.address).call() == 9


# ---- SupplyLimitModule ----


def test_supply_limit__mint_above__reverts_with_supply_after(evm: Chain, suite: Suite, supply_limit: Contract) -> None:
    suite.mint(A1, 60)
    with evm.reverts("SupplyLimitModuleExceeded", 101, 100):
        suite.mint(B1, 41)
    assert not suite.can_move(Kind.MINT, None, B1, 41)
    suite.mint(B1, 40)
    assert supply_limit.functions.trackedSupply(suite.compliance.address).call() == 100


def test_supply_limit__kinds__only_mint_and_burn_change_supply(suite: Suite, supply_limit: Contract) -> None:
    suite.mint(A1, 50)
    suite.transfer(A1, B1, 10)
    suite.move(Kind.FORCED, B1, C1, 5)
    suite.move(Kind.RECOVERY, A1, A2, 40)
    suite.burn(A2, 15)
    assert supply_limit.functions.trackedSupply(suite.compliance.address).call() == 35
    assert suite.can_move(Kind.MINT, None, B1, 65)


def test_supply_limit__set__emits_and_reads_back(evm: Chain, suite: Suite, supply_limit: Contract) -> None:
    receipt = suite.configure(supply_limit, "setSupplyLimit", 2**120 - 1)
    assert evm.events(receipt, supply_limit, "SupplyLimitSet") == [
        {"compliance": suite.compliance.address, "limit": 2**120 - 1}
    ]
    assert supply_limit.functions.supplyLimit(suite.compliance.address).call() == 2**120 - 1


def test_stateful_modules__unbound_compliance__check_false_and_moved_reverts(
    evm: Chain, suite: Suite, modules: dict[str, Contract], alice: str
) -> None:

    mint = movement(Kind.MINT, None, A1, 1)
    burn = movement(Kind.BURN, A1, None, 1)
    transfer = movement(Kind.TRANSFER, A1, B1, 1)
    cases = {
        "MaxBalanceModule": mint,
        "MaxHoldersModule": mint,
        "SupplyLimitModule": burn,
        "LockupModule": mint,
        "TimeWindowLimitsModule": transfer,
    }
    unknown = addr(0xDEAD)
    for name, mv in cases.items():
        module = modules[name]
        assert not module.functions.moduleCheck(mv, unknown).call()
        with evm.reverts("ComplianceModuleNotBound", alice):
            evm.send(module.functions.moved(mv), alice)
