"""Custodians (ICustodianModule) in MaxBalanceModule, MaxHoldersModule and TimeWindowLimitsModule.

A custodian (the margin vault's identity) is set per compliance by its owner. MaxBalance and MaxHolders
look through it: what it holds for a depositor stays the depositor's (``heldInCustody``), the custodian
itself is neither capped nor counted. TimeWindowLimits never rejects what a custodian sends; what is
sent into it counts against the sender. ``can_move`` is asserted beside each outcome (the view agrees
with the recording path).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from tests.compliance.compliance_support import (
    A1,
    A2,
    B1,
    C1,
    FR,
    ID_A,
    ID_B,
    ID_C,
    Kind,
    Party,
    Suite,
    addr,
)
from tests.support import ZERO

CUSTODIAN_MODULES = ("MaxBalanceModule", "MaxHoldersModule", "TimeWindowLimitsModule")

# The vault: a contract wallet with an identity of its own; a second vault for custodian-to-custodian moves.
ID_V, ID_W = addr(0xF0), addr(0xE0)
V1 = Party(addr(0xF1), ID_V, FR)
W1 = Party(addr(0xE1), ID_W, FR)


def _set_custodian(suite: Suite, module: Contract, identity: str, flag: bool = True) -> None:
    suite.configure(module, "setCustodian", identity, flag)


def _is_custodian(suite: Suite, module: Contract, identity: str) -> bool:
    return bool(module.functions.isCustodian(suite.compliance.address, identity).call())


def _balance(suite: Suite, module: Contract, identity: str) -> int:
    return int(module.functions.identityBalance(suite.compliance.address, identity).call())


def _custody(suite: Suite, module: Contract, identity: str) -> int:
    return int(module.functions.heldInCustody(suite.compliance.address, identity).call())


def _holders(suite: Suite, module: Contract) -> int:
    return int(module.functions.holderCount(suite.compliance.address).call())


@pytest.fixture
def max_balance(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["MaxBalanceModule"]
    suite.add(module)
    suite.configure(module, "setMaxBalance", 100)
    _set_custodian(suite, module, ID_V)
    return module


@pytest.fixture
def max_holders(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["MaxHoldersModule"]
    suite.add(module)
    suite.configure(module, "setMaxHolders", 2)
    _set_custodian(suite, module, ID_V)
    return module


@pytest.fixture
def window_limits(suite: Suite, modules: dict[str, Contract]) -> Contract:
    module = modules["TimeWindowLimitsModule"]
    suite.add(module)
    suite.configure(module, "setTimeWindowLimit", 3_600, 100)
    _set_custodian(suite, module, ID_V)
    return module


# ---- setting a custodian ----


@pytest.mark.parametrize("name", CUSTODIAN_MODULES)
def test_set_custodian__by_compliance_owner__emits_on_change_only(
    evm: Chain, suite: Suite, modules: dict[str, Contract], name: str
) -> None:
    module = modules[name]
    suite.add(module)
    c = suite.compliance.address
    assert not _is_custodian(suite, module, ID_V)
    receipt = suite.configure(module, "setCustodian", ID_V, True)
    assert evm.events(receipt, module, "CustodianSet") == [{"compliance": c, "identity": ID_V, "isCustodian": True}]
    assert _is_custodian(suite, module, ID_V)
    assert not _is_custodian(suite, module, ID_A)
    receipt = suite.configure(module, "setCustodian", ID_V, True)  # unchanged: nothing emitted
    assert evm.events(receipt, module, "CustodianSet") == []
    receipt = suite.configure(module, "setCustodian", ID_V, False)
    assert evm.events(receipt, module, "CustodianSet") == [{"compliance": c, "identity": ID_V, "isCustodian": False}]
    assert not _is_custodian(suite, module, ID_V)


@pytest.mark.parametrize("name", CUSTODIAN_MODULES)
def test_set_custodian__zero_identity__reverts_invalid_custodian(
    evm: Chain, suite: Suite, modules: dict[str, Contract], name: str
) -> None:
    module = modules[name]
    suite.add(module)
    with evm.reverts("ComplianceModuleInvalidCustodian", ZERO):
        suite.configure(module, "setCustodian", ZERO, True)


@pytest.mark.parametrize("name", CUSTODIAN_MODULES)
def test_set_custodian__not_the_compliance_owner__reverts(
    evm: Chain, suite: Suite, modules: dict[str, Contract], alice: str, name: str
) -> None:
    module = modules[name]
    suite.add(module)
    data = module.encode_abi("setCustodian", args=[ID_V, True])
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(suite.compliance.functions.callModuleFunction(data, module.address), alice)
    with evm.reverts("ComplianceModuleNotBound", alice):  # straight to the module: alice is no compliance
        evm.send(module.functions.setCustodian(ID_V, True), alice)
    assert not _is_custodian(suite, module, ID_V)


@pytest.mark.parametrize("name", CUSTODIAN_MODULES)
def test_set_custodian__module_removed_and_added_again__flag_cleared(
    evm: Chain, suite: Suite, modules: dict[str, Contract], name: str
) -> None:
    module = modules[name]
    suite.add(module)
    _set_custodian(suite, module, ID_V)
    evm.send(suite.compliance.functions.removeModule(module.address), suite.owner)
    assert not _is_custodian(suite, module, ID_V)  # unbound: false
    suite.add(module)
    assert not _is_custodian(suite, module, ID_V)  # a new binding starts without custodians


def test_set_custodian__other_compliance__not_affected(
    evm: Chain, suite: Suite, authority: Contract, issuer: str, max_balance: Contract
) -> None:
    from tests.compliance.compliance_support import new_suite

    other = new_suite(evm, authority, issuer)
    other.add(max_balance)
    other.configure(max_balance, "setMaxBalance", 100)
    assert _is_custodian(suite, max_balance, ID_V)
    assert not _is_custodian(other, max_balance, ID_V)
    with evm.reverts("MaxBalanceModuleExceeded", ID_V, 101, 100):
        other.mint(V1, 101)


# ---- MaxBalanceModule ----


def test_max_balance__custodian_receives_above_cap__accepted(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 100)
    suite.mint(B1, 100)
    assert suite.can_move(Kind.TRANSFER, A1, V1, 100)
    suite.transfer(A1, V1, 100)
    suite.transfer(B1, V1, 100)
    assert suite.can_move(Kind.MINT, None, V1, 10**30)
    suite.mint(V1, 500)
    assert _balance(suite, max_balance, ID_V) == 700


def test_max_balance__non_custodian__still_capped(evm: Chain, suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 100)
    assert not suite.can_move(Kind.MINT, None, A2, 1)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 101, 100):
        suite.mint(A2, 1)
    suite.mint(V1, 300)
    with evm.reverts("MaxBalanceModuleExceeded", ID_B, 101, 100):  # out of custody to a third party: capped
        suite.transfer(V1, B1, 101)


def test_max_balance__deposit_into_custodian__balance_kept_and_no_room_freed(
    evm: Chain, suite: Suite, max_balance: Contract
) -> None:
    suite.mint(A1, 100)
    suite.transfer(A1, V1, 60)
    assert _balance(suite, max_balance, ID_A) == 100  # 40 in A1's wallet + 60 held by the vault
    assert _custody(suite, max_balance, ID_A) == 60
    assert _balance(suite, max_balance, ID_V) == 60
    assert not suite.can_move(Kind.MINT, None, A2, 1)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 101, 100):
        suite.mint(A2, 1)


def test_max_balance__withdraw_own_deposit_at_cap__accepted_and_unchanged(
    evm: Chain, suite: Suite, max_balance: Contract
) -> None:
    suite.mint(A1, 100)
    suite.transfer(A1, V1, 60)
    assert suite.can_move(Kind.TRANSFER, V1, A2, 60)  # to another wallet of A: still A's deposit
    suite.transfer(V1, A2, 60)
    assert _balance(suite, max_balance, ID_A) == 100
    assert _custody(suite, max_balance, ID_A) == 0
    assert _balance(suite, max_balance, ID_V) == 0


def test_max_balance__withdraw_more_than_deposited__excess_credited_and_capped(
    evm: Chain, suite: Suite, max_balance: Contract
) -> None:
    suite.mint(A1, 100)
    suite.transfer(A1, V1, 60)
    suite.mint(V1, 50)  # the vault also holds tokens of its own
    assert not suite.can_move(Kind.TRANSFER, V1, A1, 70)
    with evm.reverts("MaxBalanceModuleExceeded", ID_A, 110, 100):
        suite.transfer(V1, A1, 70)
    suite.transfer(A1, B1, 10)
    assert suite.can_move(Kind.TRANSFER, V1, A1, 70)
    suite.transfer(V1, A1, 70)  # 60 back from custody, 10 credited
    assert _balance(suite, max_balance, ID_A) == 100
    assert _custody(suite, max_balance, ID_A) == 0


def test_max_balance__custodian_pays_third_party__depositor_keeps_credit(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 100)
    suite.transfer(A1, V1, 60)
    suite.transfer(V1, B1, 40)  # e.g. a liquidation: the module cannot tell whose tokens these were
    assert _balance(suite, max_balance, ID_B) == 40
    assert _balance(suite, max_balance, ID_A) == 100  # over-stated by 40, never under-stated
    assert _custody(suite, max_balance, ID_A) == 60
    assert _balance(suite, max_balance, ID_V) == 20


def test_max_balance__forced_in_and_out_of_custody__looked_through(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 100)
    suite.move(Kind.FORCED, A1, V1, 30)
    assert (_balance(suite, max_balance, ID_A), _custody(suite, max_balance, ID_A)) == (100, 30)
    suite.move(Kind.FORCED, V1, A1, 30)
    assert (_balance(suite, max_balance, ID_A), _custody(suite, max_balance, ID_A)) == (100, 0)


def test_max_balance__burn_from_custodian_and_custodian_to_custodian__own_balances_only(
    suite: Suite, max_balance: Contract
) -> None:
    _set_custodian(suite, max_balance, ID_W)
    suite.mint(A1, 100)
    suite.transfer(A1, V1, 100)
    suite.transfer(V1, W1, 70)
    suite.burn(V1, 30)
    assert _balance(suite, max_balance, ID_V) == 0
    assert _balance(suite, max_balance, ID_W) == 70
    assert (_balance(suite, max_balance, ID_A), _custody(suite, max_balance, ID_A)) == (100, 100)


def test_max_balance__rekey_of_custodian_wallet__plain_move(suite: Suite, max_balance: Contract) -> None:
    suite.mint(A1, 50)
    suite.transfer(A1, V1, 50)
    suite.move(Kind.REKEY, V1, Party(V1.wallet, ID_C, V1.country), 50)  # an agent gave the vault identity C
    assert _balance(suite, max_balance, ID_V) == 0
    assert _balance(suite, max_balance, ID_C) == 50
    assert (_balance(suite, max_balance, ID_A), _custody(suite, max_balance, ID_A)) == (50, 50)


def test_max_balance__unset_custodian__balance_kept_then_capped(
    evm: Chain, suite: Suite, max_balance: Contract
) -> None:
    suite.mint(V1, 150)
    _set_custodian(suite, max_balance, ID_V, False)
    assert _balance(suite, max_balance, ID_V) == 150
    with evm.reverts("MaxBalanceModuleExceeded", ID_V, 151, 100):
        suite.mint(V1, 1)
    suite.mint(A1, 10)
    suite.transfer(V1, A1, 10)  # a plain transfer now: credited to A
    assert (_balance(suite, max_balance, ID_A), _custody(suite, max_balance, ID_A)) == (20, 0)


# ---- MaxHoldersModule ----


def test_max_holders__custodian__not_counted(suite: Suite, max_holders: Contract) -> None:
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    assert _holders(suite, max_holders) == 2  # the max
    assert suite.can_move(Kind.TRANSFER, A1, V1, 5)
    suite.transfer(A1, V1, 5)
    suite.mint(V1, 10)
    assert _holders(suite, max_holders) == 2
    assert _balance(suite, max_holders, ID_V) == 15


def test_max_holders__deposit_whole_balance__frees_no_slot(evm: Chain, suite: Suite, max_holders: Contract) -> None:
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    suite.transfer(A1, V1, 10)  # A's wallets are empty, the vault holds everything for A
    assert _holders(suite, max_holders) == 2
    assert (_balance(suite, max_holders, ID_A), _custody(suite, max_holders, ID_A)) == (10, 10)
    assert not suite.can_move(Kind.MINT, None, C1, 1)
    with evm.reverts("MaxHoldersModuleExceeded", ID_C, 3, 2):
        suite.mint(C1, 1)
    assert suite.can_move(Kind.TRANSFER, V1, A1, 10)
    suite.transfer(V1, A1, 10)  # the withdrawal needs no new slot
    assert _holders(suite, max_holders) == 2


def test_max_holders__custodian_pays_new_identity__checked_as_new_holder(
    evm: Chain, suite: Suite, max_holders: Contract
) -> None:
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    suite.transfer(A1, V1, 10)
    assert not suite.can_move(Kind.TRANSFER, V1, C1, 4)
    with evm.reverts("MaxHoldersModuleExceeded", ID_C, 3, 2):
        suite.transfer(V1, C1, 4)
    suite.move(Kind.FORCED, V1, C1, 4)  # a seizure to C: never rejected, C counts
    assert _holders(suite, max_holders) == 3


def test_max_holders__holder_marked_then_unmarked__leaves_and_rejoins_count(
    suite: Suite, max_holders: Contract
) -> None:
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    _set_custodian(suite, max_holders, ID_B)
    assert _holders(suite, max_holders) == 1
    suite.mint(C1, 10)
    _set_custodian(suite, max_holders, ID_B, False)
    assert _holders(suite, max_holders) == 3  # above the max of 2: never rejected
    _set_custodian(suite, max_holders, ID_C)
    _set_custodian(suite, max_holders, ID_A)
    _set_custodian(suite, max_holders, ID_V, False)  # holds nothing: no change
    assert _holders(suite, max_holders) == 1


def test_max_holders__rekey_of_custodian_wallet__new_identity_counted(suite: Suite, max_holders: Contract) -> None:
    suite.mint(A1, 10)
    suite.transfer(A1, V1, 10)
    suite.move(Kind.REKEY, V1, Party(V1.wallet, ID_C, V1.country), 10)
    assert _holders(suite, max_holders) == 2  # A (custody) and C
    assert _balance(suite, max_holders, ID_V) == 0


def test_max_holders__non_custodians__full_transfer_keeps_count(suite: Suite, max_holders: Contract) -> None:
    suite.mint(A1, 10)
    suite.mint(B1, 10)
    assert suite.can_move(Kind.TRANSFER, B1, C1, 10)
    suite.transfer(B1, C1, 10)
    assert _holders(suite, max_holders) == 2
    assert [_balance(suite, max_holders, i) for i in (ID_A, ID_B, ID_C)] == [10, 0, 10]


# ---- TimeWindowLimitsModule ----


def test_time_window__custodian_sends_above_limit__accepted(evm: Chain, suite: Suite, window_limits: Contract) -> None:
    suite.mint(V1, 500)
    assert suite.can_move(Kind.TRANSFER, V1, A1, 150)
    suite.transfer(V1, A1, 150)
    suite.transfer(V1, B1, 150)


def test_time_window__transfer_into_custodian__counts_against_sender(
    evm: Chain, suite: Suite, window_limits: Contract
) -> None:
    suite.mint(A1, 500)
    suite.transfer(A1, V1, 60)
    assert not suite.can_move(Kind.TRANSFER, A1, B1, 50)
    with evm.reverts("TimeWindowLimitsModuleExceeded", ID_A, 3_600, 110, 100):
        suite.transfer(A1, B1, 50)
    with evm.reverts("TimeWindowLimitsModuleExceeded", ID_A, 3_600, 110, 100):
        suite.transfer(A1, V1, 50)


def test_time_window__non_custodian__still_limited(evm: Chain, suite: Suite, window_limits: Contract) -> None:
    suite.mint(B1, 500)
    with evm.reverts("TimeWindowLimitsModuleExceeded", ID_B, 3_600, 101, 100):
        suite.transfer(B1, A1, 101)


# ---- any sequence: both ledgers against a model of the look-through rules ----

MAX_BALANCE, MAX_HOLDERS = 300, 3
PARTIES = (A1, A2, B1, C1, V1, W1)
TOGGLED = (ID_V, ID_W, ID_B)  # identities a step may mark or unmark
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["mint", "transfer", "forced", "burn", "custodian"]),
        st.integers(0, len(PARTIES) - 1),
        st.integers(0, len(PARTIES) - 1),
        st.integers(0, 160),
    ),
    min_size=1,
    max_size=20,
)


@dataclass
class LedgerModel:
    """The rules of AbstractIdentityLedger, MaxBalanceModule and MaxHoldersModule, in Python."""

    custodians: set[str]
    wallets: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    balance: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    custody: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    holders: int = 0

    def set_custodian(self, identity: str, flag: bool) -> None:
        if (identity in self.custodians) == flag:
            return
        (self.custodians.add if flag else self.custodians.discard)(identity)
        if self.balance[identity]:
            self.holders += -1 if flag else 1

    def move(
        self, kind: Kind, src: Party | None, dst: Party | None, amount: int
    ) -> tuple[str, tuple[int | str, ...]] | None:
        """Apply the movement; return the first module's error (name, args) instead if one rejects it."""
        mint, burn = kind == Kind.MINT, kind == Kind.BURN
        f = None if src is None else src.identity
        t = None if dst is None else dst.identity
        if not mint and not burn and f == t:
            return None
        balance, custody = dict(self.balance), dict(self.custody)
        balance.setdefault(f, 0) if f else None
        balance.setdefault(t, 0) if t else None
        fc = f in self.custodians
        tc = t in self.custodians
        look = fc != tc and kind != Kind.REKEY
        t_before = 0 if burn else balance[t]
        left = False
        if not mint:
            if look and tc:
                custody[f] = custody.get(f, 0) + amount
            elif balance[f]:
                balance[f] = max(0, balance[f] - amount)
                left = balance[f] == 0 and not fc
        credit = 0
        if not burn:
            credit = amount
            if look and fc:
                back = min(custody.get(t, 0), t_before, amount)
                custody[t] = custody.get(t, 0) - back
                credit -= back
            balance[t] = t_before + credit
        checked = kind in (Kind.TRANSFER, Kind.MINT)
        if checked and not tc and balance[t] > MAX_BALANCE and (credit or not amount):
            return ("MaxBalanceModuleExceeded", (t, balance[t], MAX_BALANCE))
        holders = self.holders
        if amount:
            holders -= left
            if not burn and not tc and t_before == 0 and balance[t]:
                holders += 1
                if checked and holders > MAX_HOLDERS:
                    return ("MaxHoldersModuleExceeded", (t, holders, MAX_HOLDERS))
        self.balance.update(balance)
        self.custody.update(custody)
        self.holders = holders
        if src is not None:
            self.wallets[src.wallet] -= amount
        if dst is not None:
            self.wallets[dst.wallet] += amount
        return None


@settings(max_examples=15, deadline=None)
@given(steps=STEPS)
def test_custodian_ledger__any_sequence__modules_match_model(
    evm: Chain, suite: Suite, modules: dict[str, Contract], steps: list[tuple[str, int, int, int]]
) -> None:
    snapshot = evm.snapshot()
    try:
        cap, count = modules["MaxBalanceModule"], modules["MaxHoldersModule"]
        suite.add(cap, count)
        suite.configure(cap, "setMaxBalance", MAX_BALANCE)
        suite.configure(count, "setMaxHolders", MAX_HOLDERS)
        for module in (cap, count):
            _set_custodian(suite, module, ID_V)
        model = LedgerModel(custodians={ID_V})
        for name, i, j, raw in steps:
            src, dst = PARTIES[i], PARTIES[j]
            if name == "custodian":
                identity, flag = TOGGLED[i % len(TOGGLED)], bool(raw % 2)
                for module in (cap, count):
                    _set_custodian(suite, module, identity, flag)
                model.set_custodian(identity, flag)
                continue
            kind = {"mint": Kind.MINT, "transfer": Kind.TRANSFER, "forced": Kind.FORCED, "burn": Kind.BURN}[name]
            amount = raw if kind == Kind.MINT else min(raw, model.wallets[src.wallet])  # what the wallet holds
            sender = None if kind == Kind.MINT else src
            receiver = None if kind == Kind.BURN else dst
            expected = model.move(kind, sender, receiver, amount)
            if kind in (Kind.TRANSFER, Kind.MINT):
                assert suite.can_move(kind, sender, receiver, amount) == (expected is None)
            if expected is None:
                suite.move(kind, sender, receiver, amount)
            else:
                with evm.reverts(expected[0], *expected[1]):
                    suite.move(kind, sender, receiver, amount)
        c = suite.compliance.address
        for identity in (ID_A, ID_B, ID_C, ID_V, ID_W):
            for module in (cap, count):
                assert module.functions.identityBalance(c, identity).call() == model.balance[identity]
                assert module.functions.heldInCustody(c, identity).call() == model.custody[identity]
                assert module.functions.isCustodian(c, identity).call() == (identity in model.custodians)
        assert count.functions.holderCount(c).call() == model.holders
    finally:
        evm.revert_to(snapshot)
