"""Hypothesis stateful suite for CorporateActions on the TSLA token, against a Python model.

Random announcements (valid or not), amendments, cancellations, price confirmations, maintenance-lead
changes and clock advances. Every call's outcome (success, or the exact custom error) must match the
model, and after every step:

- the token's multiplier equals the product of the activated ratios (each rounded down, as announced);
- at most one action is pending, and it is the handler's open action;
- the maintenance window is active exactly when the model says (from its opening until confirmation);
- every recorded action's status matches the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from web3.contract.contract import ContractFunction

from dualtrack.chain import Chain
from dualtrack.corporate import DAY, HOUR, ActionKind, ActionStatus, expected_multiplier
from tests.corporate.conftest import Corporate

MIN_MULTIPLIER = 10**6
MAX_MULTIPLIER = 10**30
NOTICE = DAY
HORIZON = 365 * DAY
GAS = 500_000  # explicit: the transaction is mined at a set timestamp, so no estimation at another time

RATIOS = st.sampled_from(
    [
        (ActionKind.SPLIT, 10, 1),
        (ActionKind.SPLIT, 3, 2),
        (ActionKind.REVERSE_SPLIT, 1, 10),
        (ActionKind.REVERSE_SPLIT, 2, 3),
        (ActionKind.STOCK_DIVIDEND, 102, 100),
        (ActionKind.STOCK_DIVIDEND, 103, 100),
        (ActionKind.STOCK_DIVIDEND, 10, 1),  # not a dividend
    ]
)
# Valid ratios per kind for amendments (an amendment keeps the kind); index 3 picks a misfit.
AMEND_RATIOS = {
    ActionKind.SPLIT: [(2, 1), (5, 4), (10, 1), (1, 3)],
    ActionKind.REVERSE_SPLIT: [(1, 2), (4, 5), (1, 10), (3, 1)],
    ActionKind.STOCK_DIVIDEND: [(101, 100), (105, 100), (3, 2), (5, 2)],
}
DELAYS = st.sampled_from([NOTICE - 1, NOTICE, NOTICE + 1_800, 2 * DAY, 2 * DAY, 3 * DAY])
ADVANCES = st.sampled_from([60, HOUR, 6 * HOUR, DAY, 2 * DAY, 3 * DAY])


@dataclass
class ModelAction:
    action_id: int
    kind: ActionKind
    old: int
    new: int
    activation: int
    maintenance_from: int
    status: ActionStatus  # SCHEDULED, CANCELLED or PRICE_CONFIRMED (ACTIVATED derives from time)


def _ratio_fits(kind: ActionKind, num: int, den: int) -> bool:
    if kind == ActionKind.REVERSE_SPLIT:
        return num < den
    return num > den and (kind != ActionKind.STOCK_DIVIDEND or num <= 2 * den)


class CorporateMachine(RuleBasedStateMachine):
    corporate: ClassVar[Corporate]
    evm: ClassVar[Chain]

    def __init__(self) -> None:
        super().__init__()
        self.c = type(self).corporate
        self.snapshot = self.evm.snapshot()
        self.now = self.evm.timestamp()
        self.base = self.c.token.functions.uiMultiplier().call()  # multiplier before any open action
        self.actions: list[ModelAction] = []
        self.open: ModelAction | None = None
        self.lead = HOUR

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    # ---- helpers ----

    def _execute(self, call: ContractFunction, sender: str, expected: tuple[Any, ...] | None) -> Any:
        """Run `call` in a block one second later: expect success, or the exact error `expected`."""
        self.now += 1
        if expected is not None:
            self.evm.mine(self.now)  # simulate on a block at the model's time
            with self.evm.reverts(*expected):
                self.evm.call(call, sender)
            return None
        self.evm.set_next_timestamp(self.now)
        return self.evm.send(call, sender, gas=GAS)

    def _multiplier_now(self) -> int:
        if self.open is not None and self.now >= self.open.activation:
            return self.open.new
        return self.base

    def _terms_error(self, kind: ActionKind, old: int, num: int, den: int, delay: int) -> tuple[Any, ...] | None:
        if not _ratio_fits(kind, num, den):
            return ("CorporateActionsInvalidRatio", int(kind), num, den)
        new = expected_multiplier(old, num, den)
        if not MIN_MULTIPLIER <= new <= MAX_MULTIPLIER:
            return ("CorporateActionsMultiplierOutOfRange", new, MIN_MULTIPLIER, MAX_MULTIPLIER)
        if new == old:
            return ("CorporateActionsMultiplierUnchanged", old)
        if delay < NOTICE:
            t = self.now + 1
            return ("CorporateActionsInvalidActivationTime", t + delay, t + NOTICE, t + HORIZON)
        return None

    def _target(self) -> ModelAction | None:
        return self.open if self.open is not None else (self.actions[-1] if self.actions else None)

    def _changeable_error(self, action: ModelAction) -> tuple[Any, ...] | None:
        t = self.now + 1
        if action.status == ActionStatus.CANCELLED:
            return ("CorporateActionsNotScheduled", action.action_id, int(ActionStatus.CANCELLED))
        if action.status == ActionStatus.PRICE_CONFIRMED or t >= action.activation:
            return ("CorporateActionsAlreadyActivated", action.action_id, action.activation)
        return None

    def _window_from(self, activation: int) -> int:
        t = self.now  # called after _execute advanced the clock
        return activation - self.lead if activation - t > self.lead else t

    # ---- rules ----

    @rule(ratio=RATIOS, delay=DELAYS)
    def announce(self, ratio: tuple[ActionKind, int, int], delay: int) -> None:
        kind, num, den = ratio
        t = self.now + 1
        expected: tuple[Any, ...] | None
        if self.open is not None:
            if t < self.open.activation:
                expected = (
                    "CorporateActionsActionPending",
                    self.c.token.address,
                    self.open.action_id,
                    self.open.activation,
                )
            else:
                expected = ("CorporateActionsAwaitingPriceConfirmation", self.c.token.address, self.open.action_id)
        else:
            expected = self._terms_error(kind, self.base, num, den, delay)
        call = self.c.handler.functions.announce(self.c.token.address, int(kind), num, den, t + delay)
        if self._execute(call, self.c.token_owner, expected) is None:
            return
        new = expected_multiplier(self.base, num, den)
        action = ModelAction(
            len(self.actions) + 1, kind, self.base, new, t + delay, self._window_from(t + delay), ActionStatus.SCHEDULED
        )
        self.actions.append(action)
        self.open = action

    @rule(choice=st.sampled_from([0, 1, 2, 0, 1, 2, 3]), delay=DELAYS)
    def amend(self, choice: int, delay: int) -> None:
        action = self._target()
        if action is None:
            return
        num, den = AMEND_RATIOS[action.kind][choice]
        expected = self._changeable_error(action) or self._terms_error(action.kind, action.old, num, den, delay)
        t = self.now + 1
        call = self.c.handler.functions.amend(action.action_id, num, den, t + delay)
        if self._execute(call, self.c.token_owner, expected) is None:
            return
        action.new = expected_multiplier(action.old, num, den)
        action.activation = t + delay
        action.maintenance_from = self._window_from(t + delay)

    @rule()
    def cancel(self) -> None:
        action = self._target()
        if action is None:
            return
        expected = self._changeable_error(action)
        if self._execute(self.c.handler.functions.cancel(action.action_id), self.c.token_owner, expected) is None:
            return
        action.status = ActionStatus.CANCELLED
        self.open = None

    @rule()
    def confirm(self) -> None:
        action = self._target()
        if action is None:
            return
        t = self.now + 1
        expected: tuple[Any, ...] | None = None
        if action.status != ActionStatus.SCHEDULED:
            expected = ("CorporateActionsNotScheduled", action.action_id, int(action.status))
        elif t < action.activation:
            expected = ("CorporateActionsNotYetActivated", action.action_id, action.activation)
        call = self.c.handler.functions.confirmPostActionPrice(action.action_id)
        if self._execute(call, self.c.confirmer, expected) is None:
            return
        action.status = ActionStatus.PRICE_CONFIRMED
        self.base = action.new
        self.open = None

    @rule(seconds=ADVANCES, lead=st.sampled_from([None] * 8 + [0, 6 * HOUR, HOUR]))
    def advance(self, seconds: int, lead: int | None) -> None:
        """Let time pass; sometimes the admin changes the maintenance lead (for later windows) first."""
        if lead is not None:
            self._execute(self.c.handler.functions.setMaintenanceLead(lead), self.c.admin, None)
            self.lead = lead
        self.now += seconds
        self.evm.mine(self.now)

    @precondition(lambda self: self.open is not None)
    @rule(offset=st.sampled_from([-HOUR - 1, -1, 0, 0, 1, HOUR]))
    def reach_activation(self, offset: int) -> None:
        """Mine up to just before the open action's activation + `offset` (the next call lands on it)."""
        assert self.open is not None
        target = self.open.activation + offset - 1
        if target > self.now:
            self.now = target
            self.evm.mine(self.now)

    # ---- invariants (read at the latest block, whose time is the model's) ----

    @invariant()
    def multiplier_is_the_product_of_activated_ratios(self) -> None:
        assert self.evm.timestamp() == self.now
        token = self.c.token.functions
        assert token.uiMultiplier().call() == self._multiplier_now()
        if self.open is not None:
            assert (token.newUIMultiplier().call(), token.effectiveAt().call()) == (
                self.open.new,
                self.open.activation,
            )

    @invariant()
    def at_most_one_pending_and_it_is_the_open_action(self) -> None:
        handler = self.c.handler.functions
        statuses = [handler.actionStatus(a.action_id).call() for a in self.actions]
        expected = [
            ActionStatus.ACTIVATED if a.status == ActionStatus.SCHEDULED and self.now >= a.activation else a.status
            for a in self.actions
        ]
        assert statuses == expected
        assert statuses.count(ActionStatus.SCHEDULED) <= 1
        open_id = self.open.action_id if self.open is not None else 0
        assert handler.openAction(self.c.token.address).call() == open_id
        assert handler.tokenActionCount(self.c.token.address).call() == len(self.actions)

    @invariant()
    def window_is_active_exactly_when_the_model_says(self) -> None:
        handler = self.c.handler.functions
        if self.open is None:
            expected = [False, 0, 0]
        else:
            since = self.open.maintenance_from
            expected = [self.now >= since, since, self.open.action_id]
        assert handler.maintenance(self.c.token.address).call() == expected
        assert handler.isInMaintenance(self.c.token.address).call() == expected[0]


def test_corporate_state_machine__random_playbooks__model_and_invariants_hold(evm: Chain, corporate: Corporate) -> None:
    CorporateMachine.corporate = corporate
    CorporateMachine.evm = evm
    run_state_machine_as_test(
        CorporateMachine,
        settings=settings(
            settings.default, max_examples=max(12, settings.default.max_examples // 2), stateful_step_count=25
        ),
    )
