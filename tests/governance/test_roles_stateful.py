"""Hypothesis stateful suite: random grants, revocations, schedules, cancellations, executions and direct
calls of two restricted functions against a Python model of the AccessManager's rules.

The targets are the SequencerSentinel's ``setGracePeriod`` (RISK_ADMIN) and ``setUptimeFeed``
(ORACLE_ADMIN); three accounts get and lose those roles with execution delays of 0, 1 hour or 1 day, while
the clock moves by seconds to weeks. Every transaction's outcome (success, or the exact custom error) must
match the model, and after every step:

- each account's membership and current execution delay is the model's (a lowered delay only applies
  once the difference has passed, so a timelock is never shortened retroactively);
- each scheduled call's ready time is the model's (0 once executed, cancelled or expired);
- the sentinel's settings changed only through calls the model allowed: no setting ever changes without
  its role, and a delayed holder's change happens only through a schedule that was ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from dualtrack.chain import Chain, Reverted
from dualtrack.governance import OPERATION_EXPIRY, Role, calldata, has_role, operation_id
from dualtrack.sequencer import deploy_uptime_feed
from tests.governance.conftest import TIMED_GAS, Council
from tests.support import DAY, HOUR

ROLES = st.sampled_from([Role.RISK_ADMIN, Role.ORACLE_ADMIN])
DELAYS = st.sampled_from([None, 0, HOUR, HOUR, DAY])  # None: revoke
ADVANCES = st.sampled_from([1, 59, HOUR - 1, HOUR, DAY - 1, DAY, 3 * DAY, OPERATION_EXPIRY + 1])
GRACES = st.sampled_from([0, 60, HOUR])
FUNCTIONS = st.sampled_from(["setGracePeriod", "setUptimeFeed"])
ROLE_OF = {"setGracePeriod": Role.RISK_ADMIN, "setUptimeFeed": Role.ORACLE_ADMIN}


@dataclass
class Access:
    """Time.Delay as AccessManager stores it: ``old`` until ``effect``, then ``new``."""

    old: int
    new: int
    effect: int

    def at(self, now: int) -> int:
        return self.new if now >= self.effect else self.old


class RolesMachine(RuleBasedStateMachine):
    council: ClassVar[Council]
    evm: ClassVar[Chain]
    feeds: ClassVar[list[str]]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.evm.snapshot()
        council = self.council
        self.manager: Contract = council.manager
        self.sentinel: Contract = council.sentinel
        self.admin = council.holder(Role.ADMIN)
        self.guardian = council.holder(Role.GUARDIAN)
        self.actors = [council.holder(Role.RISK_ADMIN), council.holder(Role.ORACLE_ADMIN), council.outsider]
        self.access: dict[tuple[Role, str], Access] = {
            (Role.RISK_ADMIN, self.actors[0]): Access(0, 0, 0),
            (Role.ORACLE_ADMIN, self.actors[1]): Access(0, 0, 0),
        }
        self.schedules: dict[bytes, int] = {}  # operation id -> raw timepoint (0: none)
        self.now = self.evm.timestamp()
        # Start with timelocked holders (raised delays apply at once) and one immediate holder.
        for role, actor, delay in (
            (Role.RISK_ADMIN, self.actors[0], HOUR),
            (Role.ORACLE_ADMIN, self.actors[1], DAY),
            (Role.RISK_ADMIN, self.actors[2], 0),
        ):
            self._send(self.manager.functions.grantRole(int(role), actor, delay), self.admin)
            self.access[(role, actor)] = Access(0, delay, 0)
        self.grace = int(self.sentinel.functions.gracePeriod().call())
        self.feed = str(self.sentinel.functions.uptimeFeed().call())

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    # ---- helpers ----

    def _call(self, function: str, value_index: int) -> ContractFunction:
        if function == "setGracePeriod":
            return self.sentinel.functions.setGracePeriod([0, 60, HOUR][value_index % 3])
        return self.sentinel.functions.setUptimeFeed(self.feeds[value_index % len(self.feeds)])

    def _send(self, call: ContractFunction, sender: str) -> Reverted | None:
        """Send ``call`` in the next second; the decoded error, or None if it succeeded."""
        self.now += 1
        try:
            self.evm.send_at(call, sender, self.now, gas=TIMED_GAS)
        except Reverted as error:
            return error
        return None

    def _delay(self, role: Role, actor: str) -> int | None:
        access = self.access.get((role, actor))
        return None if access is None else access.at(self.now)

    def _apply(self, call: ContractFunction) -> None:
        value = call.args[0]
        if call.fn_name == "setGracePeriod":
            self.grace = int(value)
        else:
            self.feed = str(value)

    def _consume(self, op: bytes) -> str | None:
        """AccessManager._consumeScheduledOp at ``now``: the error name, or None (and the schedule is spent)."""
        timepoint = self.schedules.get(op, 0)
        if timepoint == 0:
            return "AccessManagerNotScheduled"
        if timepoint > self.now:
            return "AccessManagerNotReady"
        if timepoint + OPERATION_EXPIRY <= self.now:
            return "AccessManagerExpired"
        self.schedules[op] = 0
        return None

    def _expect(self, error: Reverted | None, expected: str | None, action: str) -> None:
        assert (error.name if error else None) == expected, (action, error, expected)
        event(f"{action}: {expected or 'done'}")

    # ---- rules ----

    @rule(role=ROLES, index=st.integers(0, 2), delay=DELAYS)
    def set_access(self, role: Role, index: int, delay: int | None) -> None:
        """ADMIN grants ``role`` with ``delay`` (a new member, or a changed delay), or revokes it (None)."""
        actor = self.actors[index]
        if delay is None:
            self._expect(self._send(self.manager.functions.revokeRole(int(role), actor), self.admin), None, "revoke")
            self.access.pop((role, actor), None)
            return
        error = self._send(self.manager.functions.grantRole(int(role), actor, delay), self.admin)
        self._expect(error, None, "grant")
        current = self.access.get((role, actor))
        if current is None:
            self.access[(role, actor)] = Access(0, delay, 0)
        else:
            old = current.at(self.now)
            self.access[(role, actor)] = Access(old, delay, self.now + max(0, old - delay))

    @rule(index=st.integers(0, 2), function=FUNCTIONS, value=st.integers(0, 1))
    def schedule(self, index: int, function: str, value: int) -> None:
        actor, call = self.actors[index], self._call(function, value)
        op = operation_id(actor, self.sentinel.address, calldata(call))
        error = self._send(self.manager.functions.schedule(call.address, calldata(call), 0), actor)
        delay = self._delay(ROLE_OF[function], actor)
        timepoint = self.schedules.get(op, 0)
        if not delay:
            self._expect(error, "AccessManagerUnauthorizedCall", "schedule")
        elif timepoint != 0 and timepoint + OPERATION_EXPIRY > self.now:
            self._expect(error, "AccessManagerAlreadyScheduled", "schedule")
        else:
            self._expect(error, None, "schedule")
            self.schedules[op] = self.now + delay

    @rule(index=st.integers(0, 2), function=FUNCTIONS, value=st.integers(0, 1))
    def execute(self, index: int, function: str, value: int) -> None:
        actor, call = self.actors[index], self._call(function, value)
        op = operation_id(actor, self.sentinel.address, calldata(call))
        error = self._send(self.manager.functions.execute(call.address, calldata(call)), actor)
        delay = self._delay(ROLE_OF[function], actor)
        if delay is None:
            self._expect(error, "AccessManagerUnauthorizedCall", "execute")
            return
        timepoint = self.schedules.get(op, 0)
        pending = timepoint != 0 and timepoint + OPERATION_EXPIRY > self.now
        expected = self._consume(op) if delay > 0 or pending else None
        self._expect(error, expected, "execute")
        if expected is None:
            self._apply(call)

    @rule(index=st.integers(0, 2), function=FUNCTIONS, value=st.integers(0, 1))
    def call_directly(self, index: int, function: str, value: int) -> None:
        actor, call = self.actors[index], self._call(function, value)
        error = self._send(call, actor)
        delay = self._delay(ROLE_OF[function], actor)
        if delay is None:
            self._expect(error, "AccessManagedUnauthorized", "call_directly")
            return
        expected = None if delay == 0 else self._consume(operation_id(actor, self.sentinel.address, calldata(call)))
        self._expect(error, expected, "call_directly")
        if expected is None:
            self._apply(call)

    @rule(
        proposer=st.integers(0, 2),
        canceller=st.integers(0, 3),
        function=FUNCTIONS,
        value=st.integers(0, 1),
    )
    def cancel(self, proposer: int, canceller: int, function: str, value: int) -> None:
        caller, call = self.actors[proposer], self._call(function, value)
        sender = self.guardian if canceller == 3 else self.actors[canceller]
        op = operation_id(caller, self.sentinel.address, calldata(call))
        error = self._send(self.manager.functions.cancel(caller, call.address, calldata(call)), sender)
        if self.schedules.get(op, 0) == 0:
            self._expect(error, "AccessManagerNotScheduled", "cancel")
        elif sender not in (caller, self.guardian):
            self._expect(error, "AccessManagerUnauthorizedCancel", "cancel")
        else:
            self._expect(error, None, "cancel")
            self.schedules[op] = 0

    @rule(
        index=st.integers(0, 2),
        function=FUNCTIONS,
        value=st.integers(0, 1),
        wait=st.sampled_from(["early", "ready", "ready", "expired"]),
        direct=st.booleans(),
    )
    def schedule_wait_and_run(self, index: int, function: str, value: int, wait: str, direct: bool) -> None:
        """The timelock's whole path: schedule, let time pass (not enough, enough, too much), then run it
        through the manager or directly."""
        self.schedule(index, function, value)
        delay = self._delay(ROLE_OF[function], self.actors[index]) or 0
        seconds = {"early": max(1, delay - 2), "ready": max(1, delay - 1), "expired": delay + OPERATION_EXPIRY}[wait]
        self.advance(seconds)
        (self.call_directly if direct else self.execute)(index, function, value)

    @rule(seconds=ADVANCES)
    def advance(self, seconds: int) -> None:
        self.now += seconds
        self.evm.mine(self.now)

    # ---- invariants ----

    @invariant()
    def roles_and_delays_match(self) -> None:
        for role in (Role.RISK_ADMIN, Role.ORACLE_ADMIN):
            for actor in self.actors:
                delay = self._delay(role, actor)
                expected = (False, 0) if delay is None else (True, delay)
                assert has_role(self.manager, role, actor) == expected, (role, actor)

    @invariant()
    def schedules_match(self) -> None:
        for op, timepoint in self.schedules.items():
            live = timepoint if timepoint and timepoint + OPERATION_EXPIRY > self.now else 0
            assert self.manager.functions.getSchedule(op).call() == live

    @invariant()
    def settings_changed_only_as_allowed(self) -> None:
        assert self.sentinel.functions.gracePeriod().call() == self.grace
        assert self.sentinel.functions.uptimeFeed().call() == self.feed


def test_roles_state_machine__random_grants_schedules_and_calls__model_holds(
    evm: Chain, council: Council, keeper: str
) -> None:
    RolesMachine.council = council
    RolesMachine.evm = evm
    RolesMachine.feeds = [
        str(council.sentinel.functions.uptimeFeed().call()),
        str(deploy_uptime_feed(evm, keeper).address),
    ]
    run_state_machine_as_test(
        RolesMachine,
        settings=settings(
            settings.default, max_examples=max(15, settings.default.max_examples * 2 // 5), stateful_step_count=25
        ),
    )
