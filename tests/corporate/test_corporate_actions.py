"""CorporateActions end to end with the real TSLA suite: the staged split / reverse split / stock dividend
playbook, amendments and cancellations, the history, and the maintenance window the vault and perps read.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualtrack.chain import Chain
from dualtrack.corporate import (
    DAY,
    DEFAULT_MAINTENANCE_LEAD,
    DEFAULT_MINIMUM_NOTICE,
    HOUR,
    ONE,
    ActionKind,
    ActionStatus,
    Maintenance,
    announce,
    announce_reverse_split,
    announce_split,
    announce_stock_dividend,
    confirm_post_action_price,
    expected_multiplier,
    get_action,
    maintenance,
)
from dualtrack.suite import UNIT
from tests.corporate.conftest import Clock, Corporate
from tests.suite_fixtures import Actors

MIN_MULTIPLIER = 10**6
MAX_MULTIPLIER = 10**30
HORIZON = 365 * DAY
NOTICE = 2 * DAY  # the playbook announces at T-2


def _announce(
    evm: Chain, c: Corporate, clock: Clock, kind: ActionKind, num: int, den: int, delay: int = NOTICE
) -> tuple[int, int]:
    """Announce in a block one second from now; return (action id, activation time)."""
    activation = clock.next() + delay
    return announce(evm, c.handler, c.token, kind, num, den, activation, sender=c.token_owner), activation


def _activate_and_confirm(evm: Chain, c: Corporate, clock: Clock, action_id: int, activation: int) -> None:
    if evm.timestamp() < activation:
        clock.mine_at(activation)
    clock.next()
    evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer)


def _reads(c: Corporate, holder: str) -> tuple[int, int, int, bool]:
    token, handler = c.token.functions, c.handler.functions
    return (
        token.uiMultiplier().call(),
        token.balanceOfUI(holder).call(),
        token.toUIAmount(7 * UNIT).call(),
        handler.isInMaintenance(c.token.address).call(),
    )


# ---- Splits, reverse splits, stock dividends ----


def test_split__ten_for_one__switches_at_effective_at_with_no_transaction(
    evm: Chain, corporate: Corporate, clock: Clock, holders: Actors
) -> None:
    c, alice = corporate, holders.alice.wallet
    t = clock.next()
    action_id = announce_split(evm, c.handler, c.token, 10, t + NOTICE, sender=c.token_owner)
    activation = t + NOTICE
    token = c.token.functions
    assert token.newUIMultiplier().call() == 10 * ONE
    assert token.effectiveAt().call() == activation

    clock.mine_at(activation - 1)
    assert _reads(c, alice) == (ONE, 100 * UNIT, 7 * UNIT, True)
    assert c.handler.functions.maintenance(c.token.address).call() == [True, activation - HOUR, action_id]
    assert get_action(evm, c.handler, action_id).status == ActionStatus.SCHEDULED

    clock.mine_at(activation)
    assert _reads(c, alice) == (10 * ONE, 1_000 * UNIT, 70 * UNIT, True)
    assert token.fromUIAmount(1_000 * UNIT).call() == 100 * UNIT
    assert token.balanceOf(alice).call() == 100 * UNIT  # raw units never move
    action = get_action(evm, c.handler, action_id)
    assert action.status == ActionStatus.ACTIVATED
    assert (action.kind, action.ratio_numerator, action.ratio_denominator) == (ActionKind.SPLIT, 10, 1)
    assert (action.old_multiplier, action.new_multiplier) == (ONE, 10 * ONE)
    assert (action.announced_at, action.activation_time, action.confirmed_at) == (t, activation, 0)


def test_reverse_split__one_for_ten__allowances_unchanged_in_raw_units(
    evm: Chain, corporate: Corporate, clock: Clock, holders: Actors
) -> None:
    c, alice, bob = corporate, holders.alice.wallet, holders.bob.wallet
    evm.send(c.token.functions.approve(bob, 50 * UNIT), alice)
    t = clock.next()
    announce_reverse_split(evm, c.handler, c.token, 10, t + NOTICE, sender=c.token_owner)
    activation = t + NOTICE

    clock.mine_at(activation - 1)
    assert _reads(c, alice) == (ONE, 100 * UNIT, 7 * UNIT, True)
    clock.mine_at(activation)
    assert _reads(c, alice) == (ONE // 10, 10 * UNIT, 7 * UNIT // 10, True)
    assert c.token.functions.allowance(alice, bob).call() == 50 * UNIT

    evm.send(c.token.functions.transferFrom(alice, bob, 50 * UNIT), bob)
    assert c.token.functions.balanceOf(alice).call() == 50 * UNIT
    assert c.token.functions.balanceOfUI(alice).call() == 5 * UNIT
    assert c.token.functions.allowance(alice, bob).call() == 0


def test_stock_dividend__two_percent__multiplier_1_02_and_rounds_down(
    evm: Chain, corporate: Corporate, clock: Clock, holders: Actors
) -> None:
    c, alice = corporate, holders.alice.wallet
    t = clock.next()
    action_id = announce_stock_dividend(evm, c.handler, c.token, 200, t + NOTICE, sender=c.token_owner)
    clock.mine_at(t + NOTICE - 1)
    assert c.token.functions.balanceOfUI(alice).call() == 100 * UNIT
    clock.mine_at(t + NOTICE)
    token = c.token.functions
    assert token.uiMultiplier().call() == 102 * ONE // 100
    assert token.balanceOfUI(alice).call() == 102 * UNIT
    assert token.toUIAmount(1).call() == 1  # 1.02 rounded down
    assert token.toUIAmount(99).call() == 100  # 100.98 rounded down
    assert token.fromUIAmount(100).call() == 98  # 98.039... rounded down
    action = get_action(evm, c.handler, action_id)
    assert (action.kind, action.ratio_numerator, action.ratio_denominator) == (
        ActionKind.STOCK_DIVIDEND,
        10_200,
        10_000,
    )


def test_actions__in_sequence__multiply_and_close_each_window(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    first, first_at = _announce(evm, c, clock, ActionKind.SPLIT, 3, 2)
    _activate_and_confirm(evm, c, clock, first, first_at)
    second, second_at = _announce(evm, c, clock, ActionKind.REVERSE_SPLIT, 1, 7)
    assert get_action(evm, c.handler, second).old_multiplier == 3 * ONE // 2
    _activate_and_confirm(evm, c, clock, second, second_at)
    assert c.token.functions.uiMultiplier().call() == expected_multiplier(3 * ONE // 2, 1, 7)
    assert get_action(evm, c.handler, first).status == ActionStatus.PRICE_CONFIRMED
    assert c.handler.functions.maintenance(c.token.address).call() == [False, 0, 0]


# ---- One open action per token ----


def test_announce__while_one_is_pending__reverts_naming_the_pending_action(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    pending, activation = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    with evm.reverts("CorporateActionsActionPending", c.token.address, pending, activation):
        _announce(evm, c, clock, ActionKind.STOCK_DIVIDEND, 102, 100, 3 * DAY)
    assert c.handler.functions.actionCount().call() == 1
    assert c.token.functions.newUIMultiplier().call() == 10 * ONE


def test_announce__after_activation_before_confirmation__reverts_awaiting_confirmation(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.SPLIT, 2, 1)
    clock.mine_at(activation)
    with evm.reverts("CorporateActionsAwaitingPriceConfirmation", c.token.address, action_id):
        _announce(evm, c, clock, ActionKind.SPLIT, 2, 1)
    clock.next()
    evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer)
    second, _ = _announce(evm, c, clock, ActionKind.SPLIT, 2, 1)
    assert c.handler.functions.openAction(c.token.address).call() == second


# ---- Cancel and amend ----


def test_cancel__before_activation__keeps_multiplier_and_leaves_no_window(
    evm: Chain, corporate: Corporate, clock: Clock, holders: Actors
) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    clock.mine_at(activation - HOUR + 10)  # inside the window
    assert c.handler.functions.isInMaintenance(c.token.address).call()
    clock.next()
    receipt = evm.send(c.handler.functions.cancel(action_id), c.token_owner)
    assert evm.events(receipt, c.handler, "CorporateActionCancelled") == [
        {"actionId": action_id, "token": c.token.address}
    ]
    assert evm.events(receipt, c.token, "UIMultiplierCancelled") == [
        {"cancelledMultiplier": 10 * ONE, "effectiveAtTimestamp": activation}
    ]
    assert c.handler.functions.maintenance(c.token.address).call() == [False, 0, 0]
    clock.mine_at(activation + 1)
    assert _reads(c, holders.alice.wallet) == (ONE, 100 * UNIT, 7 * UNIT, False)
    assert get_action(evm, c.handler, action_id).status == ActionStatus.CANCELLED
    with evm.reverts("CorporateActionsNotScheduled", action_id, int(ActionStatus.CANCELLED)):
        evm.send(c.handler.functions.cancel(action_id), c.token_owner)
    with evm.reverts("CorporateActionsNotScheduled", action_id, int(ActionStatus.CANCELLED)):
        evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer)
    announce_split(evm, c.handler, c.token, 2, evm.timestamp() + NOTICE, sender=c.token_owner)


def test_cancel__at_activation__reverts_with_activation_time(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.REVERSE_SPLIT, 1, 10)
    clock.mine_at(activation)
    with evm.reverts("CorporateActionsAlreadyActivated", action_id, activation):
        evm.call(c.handler.functions.cancel(action_id), c.token_owner)  # exactly at activation
    with evm.reverts("CorporateActionsAlreadyActivated", action_id, activation):
        evm.send(c.handler.functions.cancel(action_id), c.token_owner)
    assert c.token.functions.uiMultiplier().call() == ONE // 10


def test_amend__before_activation__reschedules_ratio_time_and_window(
    evm: Chain, corporate: Corporate, clock: Clock, holders: Actors
) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    t = clock.next()
    new_activation = t + 3 * DAY
    receipt = evm.send(c.handler.functions.amend(action_id, 5, 1, new_activation), c.token_owner)
    assert evm.events(receipt, c.handler, "CorporateActionAmended") == [
        {
            "actionId": action_id,
            "token": c.token.address,
            "ratioNumerator": 5,
            "ratioDenominator": 1,
            "activationTime": new_activation,
            "newMultiplier": 5 * ONE,
            "maintenanceFrom": new_activation - HOUR,
        }
    ]
    assert evm.events(receipt, c.token, "UIMultiplierUpdated") == [
        {"oldMultiplier": ONE, "newMultiplier": 5 * ONE, "effectiveAtTimestamp": new_activation}
    ]
    token = c.token.functions
    assert (token.newUIMultiplier().call(), token.effectiveAt().call()) == (5 * ONE, new_activation)
    clock.mine_at(activation)  # the old activation time passes with no change and no window
    assert _reads(c, holders.alice.wallet) == (ONE, 100 * UNIT, 7 * UNIT, False)
    clock.mine_at(new_activation - 1)
    assert _reads(c, holders.alice.wallet) == (ONE, 100 * UNIT, 7 * UNIT, True)
    clock.mine_at(new_activation)
    assert _reads(c, holders.alice.wallet) == (5 * ONE, 500 * UNIT, 35 * UNIT, True)
    action = get_action(evm, c.handler, action_id)
    assert (action.kind, action.ratio_numerator, action.activation_time) == (ActionKind.SPLIT, 5, new_activation)


def test_amend__after_activation__reverts_with_activation_time(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    clock.mine_at(activation + 5)
    clock.next()
    with evm.reverts("CorporateActionsAlreadyActivated", action_id, activation):
        evm.send(c.handler.functions.amend(action_id, 5, 1, evm.timestamp() + NOTICE + 1), c.token_owner)
    evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer)
    clock.next()
    with evm.reverts("CorporateActionsAlreadyActivated", action_id, activation):
        evm.send(c.handler.functions.amend(action_id, 5, 1, evm.timestamp() + NOTICE + 1), c.token_owner)
    assert c.token.functions.uiMultiplier().call() == 10 * ONE


def test_amend__ratio_of_another_kind__reverts_and_keeps_terms(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.STOCK_DIVIDEND, 102, 100)
    with evm.reverts("CorporateActionsInvalidRatio", int(ActionKind.STOCK_DIVIDEND), 10, 1):
        evm.send(c.handler.functions.amend(action_id, 10, 1, activation), c.token_owner)
    t = evm.timestamp()
    with evm.reverts("CorporateActionsInvalidActivationTime", t + DAY - 1, t + DAY, t + HORIZON):
        evm.call(c.handler.functions.amend(action_id, 103, 100, t + DAY - 1), c.token_owner)
    assert c.token.functions.newUIMultiplier().call() == 102 * ONE // 100


# ---- Validation ----


@pytest.mark.parametrize(
    ("kind", "num", "den"),
    [
        (ActionKind.SPLIT, 1, 10),
        (ActionKind.SPLIT, 5, 5),
        (ActionKind.REVERSE_SPLIT, 10, 1),
        (ActionKind.REVERSE_SPLIT, 3, 3),
        (ActionKind.STOCK_DIVIDEND, 98, 100),
        (ActionKind.STOCK_DIVIDEND, 201, 100),
        (ActionKind.SPLIT, 10, 0),
        (ActionKind.REVERSE_SPLIT, 0, 10),
        (ActionKind.SPLIT, 10**18 + 1, 1),
        (ActionKind.REVERSE_SPLIT, 1, 10**18 + 1),
    ],
)
def test_announce__ratio_not_fitting_kind__reverts_invalid_ratio(
    evm: Chain, corporate: Corporate, clock: Clock, kind: ActionKind, num: int, den: int
) -> None:
    with evm.reverts("CorporateActionsInvalidRatio", int(kind), num, den):
        _announce(evm, corporate, clock, kind, num, den)


def test_announce__multiplier_beyond_token_range__reverts_out_of_range(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    with evm.reverts("CorporateActionsMultiplierOutOfRange", 10**31, MIN_MULTIPLIER, MAX_MULTIPLIER):
        _announce(evm, corporate, clock, ActionKind.SPLIT, 10**13, 1)
    with evm.reverts("CorporateActionsMultiplierOutOfRange", 10**5, MIN_MULTIPLIER, MAX_MULTIPLIER):
        _announce(evm, corporate, clock, ActionKind.REVERSE_SPLIT, 1, 10**13)


def test_announce__ratio_lost_to_rounding__reverts_unchanged(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.REVERSE_SPLIT, 1, 10**12)
    _activate_and_confirm(evm, c, clock, action_id, activation)
    assert c.token.functions.uiMultiplier().call() == MIN_MULTIPLIER
    with evm.reverts("CorporateActionsMultiplierUnchanged", MIN_MULTIPLIER):
        _announce(evm, c, clock, ActionKind.STOCK_DIVIDEND, 10**18, 10**18 - 1)


def test_announce__activation_inside_notice_or_beyond_horizon__reverts_with_bounds(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    t = evm.timestamp()  # simulated on the latest block, whose time is known
    for delay in (DEFAULT_MINIMUM_NOTICE - 1, 0, HORIZON + 1):
        with evm.reverts("CorporateActionsInvalidActivationTime", t + delay, t + DEFAULT_MINIMUM_NOTICE, t + HORIZON):
            evm.call(c.handler.functions.announce(c.token.address, 0, 2, 1, t + delay), c.token_owner)
        with evm.reverts("CorporateActionsInvalidActivationTime"):
            announce_split(evm, c.handler, c.token, 2, t + delay, sender=c.token_owner)
    t = clock.next()
    announce_split(evm, c.handler, c.token, 2, t + DEFAULT_MINIMUM_NOTICE, sender=c.token_owner)


def test_announce__zero_notice__still_requires_a_future_activation(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    evm.send(c.handler.functions.setMinimumNotice(0), c.admin)
    t = evm.timestamp()
    with evm.reverts("CorporateActionsInvalidActivationTime", t, t + 1, t + HORIZON):
        evm.call(c.handler.functions.announce(c.token.address, 0, 2, 1, t), c.token_owner)
    t = clock.next()
    action_id = announce_split(evm, c.handler, c.token, 2, t + 1, sender=c.token_owner)
    # Announced inside the lead: the window opens at the announcement.
    assert c.handler.functions.maintenance(c.token.address).call() == [True, t, action_id]


# ---- Access control ----


def test_playbook__not_the_token_owner__reverts_not_token_owner(
    evm: Chain, corporate: Corporate, clock: Clock, agent: str, alice: str
) -> None:
    c = corporate
    activation = clock.next() + NOTICE
    for caller in (agent, c.admin, alice):
        with evm.reverts("CorporateActionsNotTokenOwner", c.token.address, caller):
            announce_split(evm, c.handler, c.token, 10, activation, sender=caller)
    action_id, _ = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    with evm.reverts("CorporateActionsNotTokenOwner", c.token.address, agent):
        evm.send(c.handler.functions.cancel(action_id), agent)
    with evm.reverts("CorporateActionsNotTokenOwner", c.token.address, c.admin):
        evm.send(c.handler.functions.amend(action_id, 5, 1, activation + DAY), c.admin)
    # An account that is no token at all.
    with evm.reverts("CorporateActionsNotTokenOwner", alice, c.token_owner):
        evm.send(c.handler.functions.announce(alice, 0, 2, 1, activation + DAY), c.token_owner)
    # A contract without owner().
    with evm.reverts("CorporateActionsNotTokenOwner", c.handler.address, c.token_owner):
        evm.send(c.handler.functions.announce(c.handler.address, 0, 2, 1, activation + DAY), c.token_owner)


def test_announce__handler_not_an_agent_of_the_token__reverts_and_records_nothing(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    evm.send(c.token.functions.setCorporateActionAgent(c.handler.address, False), c.token_owner)
    with evm.reverts("CorporateActionTargetNotAgent", c.handler.address):
        _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    assert c.handler.functions.actionCount().call() == 0
    assert c.handler.functions.tokenActionCount(c.token.address).call() == 0


def test_confirm__not_the_confirmer_or_before_activation__reverts(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    action_id, activation = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    with evm.reverts("CorporateActionsNotPriceConfirmer", c.token_owner):
        evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.token_owner)
    clock.mine_at(activation - 1)
    with evm.reverts("CorporateActionsNotYetActivated", action_id, activation):
        evm.call(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer)
    with evm.reverts("CorporateActionsUnknownAction", 99):
        evm.send(c.handler.functions.confirmPostActionPrice(99), c.confirmer)
    evm.set_next_timestamp(activation)  # mined exactly at activation (an explicit gas limit skips estimation)
    receipt = evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer, gas=200_000)
    assert evm.events(receipt, c.handler, "PostActionPriceConfirmed") == [
        {"actionId": action_id, "token": c.token.address, "confirmer": c.confirmer}
    ]
    action = get_action(evm, c.handler, action_id)
    assert (action.status, action.confirmed_at) == (ActionStatus.PRICE_CONFIRMED, activation)
    with evm.reverts("CorporateActionsNotScheduled", action_id, int(ActionStatus.PRICE_CONFIRMED)):
        evm.send(c.handler.functions.confirmPostActionPrice(action_id), c.confirmer)


def test_admin_settings__role_holders_only_capped_and_emitted(
    evm: Chain, corporate: Corporate, alice: str, bob: str
) -> None:
    c = corporate
    h = c.handler.functions
    assert (h.minimumNotice().call(), h.maintenanceLead().call(), h.priceConfirmer().call()) == (
        DEFAULT_MINIMUM_NOTICE,
        DEFAULT_MAINTENANCE_LEAD,
        c.confirmer,
    )
    # The token's owner runs its own actions but not the protocol's settings (RISK_ADMIN, ORACLE_ADMIN).
    for call in (h.setMinimumNotice(0), h.setMaintenanceLead(0), h.setPriceConfirmer(alice)):
        with evm.reverts("AccessManagedUnauthorized", c.token_owner):
            evm.send(call, c.token_owner)
    with evm.reverts("CorporateActionsSettingTooLarge", 30 * DAY + 1, 30 * DAY):
        evm.send(h.setMinimumNotice(30 * DAY + 1), c.admin)
    with evm.reverts("CorporateActionsSettingTooLarge", 3 * DAY + 1, 3 * DAY):
        evm.send(h.setMaintenanceLead(3 * DAY + 1), c.admin)
    with evm.reverts("CorporateActionsZeroAddress"):
        evm.send(h.setPriceConfirmer("0x" + "00" * 20), c.admin)
    receipt = evm.send(h.setMinimumNotice(2 * DAY), c.admin)
    assert evm.events(receipt, c.handler, "MinimumNoticeSet") == [{"previousNotice": DAY, "newNotice": 2 * DAY}]
    receipt = evm.send(h.setMaintenanceLead(6 * HOUR), c.admin)
    assert evm.events(receipt, c.handler, "MaintenanceLeadSet") == [{"previousLead": HOUR, "newLead": 6 * HOUR}]
    receipt = evm.send(h.setPriceConfirmer(bob), c.admin)
    assert evm.events(receipt, c.handler, "PriceConfirmerSet") == [
        {"previousConfirmer": c.confirmer, "newConfirmer": bob}
    ]
    assert h.priceConfirmer().call() == bob


def test_deploy__zero_confirmer__reverts(evm: Chain, corporate: Corporate, issuer: str) -> None:
    manager = corporate.handler.functions.authority().call()
    with evm.reverts("CorporateActionsZeroAddress"):
        evm.deploy("CorporateActions", manager, "0x" + "00" * 20, sender=issuer)


# ---- Maintenance window ----


def test_maintenance__window__opens_lead_before_activation_and_closes_on_confirmation(
    evm: Chain, corporate: Corporate, clock: Clock
) -> None:
    c = corporate
    h = c.handler.functions
    assert h.maintenance(c.token.address).call() == [False, 0, 0]
    action_id, activation = _announce(evm, c, clock, ActionKind.SPLIT, 10, 1)
    opens = activation - HOUR
    evm.send(h.setMaintenanceLead(3 * HOUR), c.admin)  # later announcements only
    clock.mine_at(opens - 1)
    assert (h.maintenance(c.token.address).call(), h.isInMaintenance(c.token.address).call()) == (
        [False, opens, action_id],
        False,
    )
    clock.mine_at(opens)
    assert h.maintenance(c.token.address).call() == [True, opens, action_id]
    clock.mine_at(activation + DAY)  # the market has not reopened yet: still in maintenance
    assert maintenance(evm, c.handler, c.token) == Maintenance(active=True, since=opens, action_id=action_id)
    clock.next()
    confirm_post_action_price(evm, c.handler, action_id, confirmer=c.confirmer)
    assert maintenance(evm, c.handler, c.token) == Maintenance(active=False, since=0, action_id=0)
    assert not h.isInMaintenance(c.token.address).call()
    second, second_at = _announce(evm, c, clock, ActionKind.SPLIT, 2, 1)
    assert h.maintenance(c.token.address).call() == [False, second_at - 3 * HOUR, second]


def test_maintenance__other_token__unaffected(evm: Chain, corporate: Corporate, clock: Clock, alice: str) -> None:
    c = corporate
    _announce(evm, c, clock, ActionKind.SPLIT, 10, 1, delay=DAY)
    clock.mine_at(evm.timestamp() + DAY)
    assert c.handler.functions.isInMaintenance(c.token.address).call()
    assert not c.handler.functions.isInMaintenance(alice).call()
    assert c.handler.functions.maintenance(alice).call() == [False, 0, 0]


# ---- History ----


def test_history__paginated__lists_every_action_in_order(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    h = c.handler.functions
    ids = []
    for numerator in (2, 3, 4, 5, 6):
        action_id, _ = _announce(evm, c, clock, ActionKind.SPLIT, numerator, 1)
        clock.next()
        evm.send(h.cancel(action_id), c.token_owner)
        ids.append(action_id)
    assert ids == [1, 2, 3, 4, 5]
    assert (h.actionCount().call(), h.tokenActionCount(c.token.address).call()) == (5, 5)
    assert h.tokenActions(c.token.address, 0, 2).call() == [1, 2]
    assert h.tokenActions(c.token.address, 2, 2).call() == [3, 4]
    assert h.tokenActions(c.token.address, 4, 2**256 - 1).call() == [5]
    assert h.tokenActions(c.token.address, 5, 10).call() == []
    assert h.tokenActions(c.token.address, 0, 0).call() == []
    assert h.MAX_PAGE_SIZE().call() == 100
    assert [get_action(evm, c.handler, i).ratio_numerator for i in ids] == [2, 3, 4, 5, 6]
    assert h.actionStatus(3).call() == ActionStatus.CANCELLED
    assert h.actionStatus(6).call() == ActionStatus.NONE
    with evm.reverts("CorporateActionsUnknownAction", 6):
        evm.call(h.getAction(6))


def test_announce__event__carries_terms_and_window(evm: Chain, corporate: Corporate, clock: Clock) -> None:
    c = corporate
    t = clock.next()
    receipt = evm.send(
        c.handler.functions.announce(c.token.address, int(ActionKind.SPLIT), 10, 1, t + NOTICE), c.token_owner
    )
    assert evm.events(receipt, c.handler, "CorporateActionAnnounced") == [
        {
            "actionId": 1,
            "token": c.token.address,
            "kind": int(ActionKind.SPLIT),
            "ratioNumerator": 10,
            "ratioDenominator": 1,
            "activationTime": t + NOTICE,
            "oldMultiplier": ONE,
            "newMultiplier": 10 * ONE,
            "maintenanceFrom": t + NOTICE - HOUR,
        }
    ]
    assert evm.events(receipt, c.token, "UIMultiplierUpdated") == [
        {"oldMultiplier": ONE, "newMultiplier": 10 * ONE, "effectiveAtTimestamp": t + NOTICE}
    ]


# ---- UI rounding never creates value ----

RATIOS = st.sampled_from(
    [
        (ActionKind.SPLIT, 10, 1),
        (ActionKind.SPLIT, 3, 2),
        (ActionKind.SPLIT, 7, 3),
        (ActionKind.REVERSE_SPLIT, 1, 10),
        (ActionKind.REVERSE_SPLIT, 2, 3),
        (ActionKind.REVERSE_SPLIT, 1, 7),
        (ActionKind.STOCK_DIVIDEND, 102, 100),
        (ActionKind.STOCK_DIVIDEND, 10_317, 10_000),
    ]
)


@given(
    actions=st.lists(RATIOS, min_size=1, max_size=3),
    amounts=st.lists(st.integers(min_value=0, max_value=10**30), min_size=1, max_size=6),
)
def test_ui_rounding__random_actions__never_creates_value(
    evm: Chain, corporate: Corporate, clock: Clock, actions: list[tuple[ActionKind, int, int]], amounts: list[int]
) -> None:
    c = corporate
    snapshot = evm.snapshot()
    try:
        model = ONE
        for kind, num, den in actions:
            action_id, activation = _announce(evm, c, clock, kind, num, den)
            _activate_and_confirm(evm, c, clock, action_id, activation)
            model = expected_multiplier(model, num, den)
        token = c.token.functions
        assert token.uiMultiplier().call() == model
        for x in amounts:
            ui = token.toUIAmount(x).call()
            assert ui == x * model // ONE
            assert token.fromUIAmount(ui).call() <= x
            assert token.toUIAmount(token.fromUIAmount(x).call()).call() <= x
    finally:
        evm.revert_to(snapshot)
