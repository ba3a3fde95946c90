"""Hypothesis stateful suite for record-time snapshots against a Python model.

Random transfers, mints and burns between three verified holders, snapshot schedules and clock
advances, every transaction in its own block at a timestamp the model controls. Invariants after
every step, for every snapshot whose record time has passed:

- ``balanceAt(wallet, id)`` equals the model's balance of that wallet just before the first block at
  or after the record time;
- ``totalSupplyAt(id)`` moves exactly like the sum of those balances (other holders never move here);
- raw balances equal the model (checkpoints never change a balance).
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.suite import UNIT, Suite
from tests.suite_fixtures import Actors

AMOUNTS = st.sampled_from([0, 1, UNIT, 3 * UNIT, 40 * UNIT])


class SnapshotMachine(RuleBasedStateMachine):
    evm: ClassVar[Chain]
    token: ClassVar[Contract]
    wallets: ClassVar[list[str]]
    agent: ClassVar[str]
    keeper: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        self.snapshot = cls.evm.snapshot()
        self.clock = cls.evm.timestamp()
        self.balances = {w: int(cls.token.functions.balanceOf(w).call()) for w in cls.wallets}
        self.others = int(cls.token.functions.totalSupply().call()) - sum(self.balances.values())
        self.record_times: list[int] = []
        self.captured: dict[int, dict[str, int]] = {}  # snapshot id -> balances as of its record time

    def teardown(self) -> None:
        type(self).evm.revert_to(self.snapshot)

    # ------------------------------------------------------------------ helpers

    def _send(self, call: object, sender: str) -> None:
        """One transaction in its own block, one second after the model clock."""
        self.clock += 1
        for snapshot_id, record_time in enumerate(self.record_times, start=1):
            if snapshot_id not in self.captured and record_time <= self.clock:
                self.captured[snapshot_id] = dict(self.balances)
        type(self).evm.set_next_timestamp(self.clock)
        type(self).evm.send(call, sender)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ rules

    @rule(i=st.integers(0, 2), j=st.integers(0, 2), amount=AMOUNTS)
    def transfer(self, i: int, j: int, amount: int) -> None:
        source, target = type(self).wallets[i], type(self).wallets[j]
        if amount > self.balances[source]:
            return
        self._send(type(self).token.functions.transfer(target, amount), source)
        self.balances[source] -= amount
        self.balances[target] += amount

    @rule(i=st.integers(0, 2), amount=AMOUNTS)
    def mint(self, i: int, amount: int) -> None:
        wallet = type(self).wallets[i]
        self._send(type(self).token.functions.mint(wallet, amount), type(self).agent)
        self.balances[wallet] += amount

    @rule(i=st.integers(0, 2), amount=AMOUNTS)
    def burn(self, i: int, amount: int) -> None:
        wallet = type(self).wallets[i]
        if amount > self.balances[wallet]:
            return
        self._send(type(self).token.functions.burn(wallet, amount), type(self).agent)
        self.balances[wallet] -= amount

    @precondition(lambda self: sum(1 for t in self.record_times if t > self.clock) < 8)
    @rule(delay=st.integers(2, 50))
    def schedule_snapshot(self, delay: int) -> None:
        record_time = max([self.clock + delay, *(t + 1 for t in self.record_times)])
        self._send(type(self).token.functions.scheduleSnapshot(record_time), type(self).keeper)
        self.record_times.append(record_time)

    @rule(seconds=st.integers(1, 60))
    def advance_clock(self, seconds: int) -> None:
        self.clock += seconds
        type(self).evm.mine(self.clock)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def raw_balances_match_model(self) -> None:
        for wallet, balance in self.balances.items():
            assert type(self).token.functions.balanceOf(wallet).call() == balance

    @invariant()
    def snapshots_match_model(self) -> None:
        token = type(self).token.functions
        for snapshot_id, balances in self.captured.items():
            for wallet, balance in balances.items():
                assert token.balanceAt(wallet, snapshot_id).call() == balance, (snapshot_id, wallet)
            assert token.totalSupplyAt(snapshot_id).call() == self.others + sum(balances.values())


@pytest.fixture
def snapshot_machine(evm: Chain, tsla: Suite, holders: Actors, issuer: str, agent: str, keeper: str) -> type:
    evm.send(tsla.token.functions.setCorporateActionAgent(keeper, True), issuer)
    SnapshotMachine.evm = evm
    SnapshotMachine.token = tsla.token
    SnapshotMachine.wallets = [holders.alice.wallet, holders.bob.wallet, holders.carol.wallet]
    SnapshotMachine.agent = agent
    SnapshotMachine.keeper = keeper
    return SnapshotMachine


def test_snapshots__random_movements_and_record_times__match_model(snapshot_machine: type) -> None:
    # The active profile scales it: `make fuzz` runs many more and longer sequences.
    machine_settings = settings(
        settings.default, max_examples=max(10, settings.default.max_examples // 2), stateful_step_count=30
    )
    run_state_machine_as_test(snapshot_machine, settings=machine_settings)
