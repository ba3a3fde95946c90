"""SequencerSentinel: Aave's PriceOracleSentinel rule for Base's sequencer, over a mock uptime feed.

Every read is placed at a known block time: a status round is written, then an empty block is mined at the
time under test, and the views (eth_call at the latest block) see that block's timestamp.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3 import Web3
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.governance import Role, grant_role, manager_of, revoke_role, single_admin_manager
from dualtrack.sequencer import (
    ANSWER_DOWN,
    ANSWER_UP,
    DEEPLY_UNDERWATER_HEALTH,
    HOUR,
    MAX_GRACE_PERIOD,
    UINT256_MAX,
    SequencerStatus,
    deploy_sentinel,
    deploy_uptime_feed,
    expected_sentinel,
    sequencer_status,
    set_sequencer,
)
from tests.support import ZERO

GRACE = HOUR
HEALTHY = 10**18


# ---- Fixtures ----


@pytest.fixture(scope="module")
def admin(evm: Chain) -> str:
    return evm.new_account()


@pytest.fixture(scope="module")
def feed(evm: Chain, keeper: str) -> Contract:
    return deploy_uptime_feed(evm, keeper)


@pytest.fixture(scope="module")
def sentinel(evm: Chain, admin: str, feed: Contract) -> Contract:
    return deploy_sentinel(evm, admin, feed, GRACE)


# ---- Helpers ----


def write_status_at(evm: Chain, feed: Contract, sender: str, at: int, up: bool, started_at: int) -> None:
    """Write a status round in a block at time ``at``."""
    evm.set_next_timestamp(at)
    set_sequencer(evm, feed, up, started_at, sender)


def views(sentinel: Contract, health_factor: int = HEALTHY) -> tuple[SequencerStatus, bool, bool, bool]:
    """Every view of the sentinel at the latest block."""
    return (
        sequencer_status(sentinel),
        sentinel.functions.isUpAndGracePeriodPassed().call(),
        sentinel.functions.isNewRiskAllowed().call(),
        sentinel.functions.isLiquidationAllowed(health_factor).call(),
    )


def deployment_logs(contract: Contract, event_name: str, block: int) -> list[dict[str, Any]]:
    logs = contract.events[event_name]().get_logs(from_block=block, to_block=block)
    return [dict(log["args"]) for log in logs]


def restart_at(evm: Chain, feed: Contract, keeper: str) -> int:
    """The sequencer comes back up at a known time ``t`` (written in the block at ``t``); returns ``t``."""
    t = evm.timestamp() + 100
    write_status_at(evm, feed, keeper, t, True, t)
    return t


# ---- Deployment ----


def test_deploy__valid_args__sets_authority_feed_grace_and_emits(
    evm: Chain, w3: Web3, admin: str, feed: Contract
) -> None:
    manager = single_admin_manager(evm, admin)
    sentinel = deploy_sentinel(evm, admin, feed, GRACE, authority=manager.address)
    block = w3.eth.block_number
    assert sentinel.functions.authority().call() == manager.address
    assert sentinel.functions.uptimeFeed().call() == feed.address
    assert sentinel.functions.gracePeriod().call() == GRACE
    assert sentinel.functions.MAX_GRACE_PERIOD().call() == MAX_GRACE_PERIOD == 4 * HOUR
    assert sentinel.functions.DEEPLY_UNDERWATER_HEALTH().call() == DEEPLY_UNDERWATER_HEALTH == 95 * 10**16
    assert deployment_logs(sentinel, "SequencerUptimeFeedSet", block) == [
        {"previousFeed": ZERO, "newFeed": feed.address}
    ]
    assert deployment_logs(sentinel, "SequencerGracePeriodSet", block) == [
        {"previousGracePeriod": 0, "newGracePeriod": GRACE}
    ]


def test_deploy__zero_feed__reverts_zero_feed(evm: Chain, admin: str) -> None:
    with evm.reverts("SequencerSentinelZeroFeed"):
        deploy_sentinel(evm, admin, ZERO, GRACE)


def test_deploy__grace_above_cap__reverts_too_long(evm: Chain, admin: str, feed: Contract) -> None:
    with evm.reverts("SequencerSentinelGracePeriodTooLong", MAX_GRACE_PERIOD + 1, MAX_GRACE_PERIOD):
        deploy_sentinel(evm, admin, feed, MAX_GRACE_PERIOD + 1)
    assert deploy_sentinel(evm, admin, feed, MAX_GRACE_PERIOD).functions.gracePeriod().call() == MAX_GRACE_PERIOD


# ---- Status rules ----


def test_views__no_round_yet__down_and_blocked_except_deep(sentinel: Contract, feed: Contract) -> None:
    assert feed.functions.latestRoundData().call() == [0, 0, 0, 0, 0]
    assert views(sentinel) == (SequencerStatus(False, 0, 0), False, False, False)
    assert sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH - 1).call()


def test_views__up_answer_with_zero_started_at__down(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    write_status_at(evm, feed, keeper, evm.timestamp() + 10, True, 0)
    evm.mine(evm.timestamp() + 2 * GRACE)
    assert views(sentinel) == (SequencerStatus(False, 0, 0), False, False, False)


def test_views__sequencer_down__blocked_and_since_is_outage_start(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    went_down = evm.timestamp() + 10
    write_status_at(evm, feed, keeper, went_down, False, went_down)
    evm.mine(went_down + 2 * MAX_GRACE_PERIOD)
    assert views(sentinel) == (SequencerStatus(False, went_down, 0), False, False, False)


@pytest.mark.parametrize("answer", [2, -1, 2**255 - 1, -(2**255)])
def test_views__answer_neither_up_nor_down__treated_as_down(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str, answer: int
) -> None:
    started = evm.timestamp() - 3 * GRACE
    evm.send(feed.functions.setRound(answer, started), keeper)
    assert views(sentinel) == (SequencerStatus(False, started, 0), False, False, False)


def test_views__restart_during_grace__new_risk_and_liquidation_blocked(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    back_up = restart_at(evm, feed, keeper)
    assert views(sentinel) == (SequencerStatus(True, back_up, back_up + GRACE), False, False, False)
    evm.mine(back_up + GRACE - 1)
    assert views(sentinel) == (SequencerStatus(True, back_up, back_up + GRACE), False, False, False)


def test_views__restart_at_exactly_started_plus_grace__allowed(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    back_up = restart_at(evm, feed, keeper)
    evm.mine(back_up + GRACE)
    assert views(sentinel) == (SequencerStatus(True, back_up, back_up + GRACE), True, True, True)


def test_views__started_at_in_future__grace_not_passed_and_no_underflow(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    future = evm.timestamp() + 10 * GRACE
    set_sequencer(evm, feed, True, future, keeper)
    assert views(sentinel) == (SequencerStatus(True, future, future + GRACE), False, False, False)


def test_views__started_at_near_uint_max__grace_end_saturates(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    set_sequencer(evm, feed, True, UINT256_MAX - 5, keeper)
    assert views(sentinel) == (SequencerStatus(True, UINT256_MAX - 5, UINT256_MAX), False, False, False)


def test_views__zero_grace_period__allowed_in_restart_block(
    evm: Chain, sentinel: Contract, feed: Contract, admin: str, keeper: str
) -> None:
    evm.send(sentinel.functions.setGracePeriod(0), admin)
    back_up = restart_at(evm, feed, keeper)
    assert views(sentinel) == (SequencerStatus(True, back_up, back_up), True, True, True)


# ---- Deeply underwater exception ----


def test_is_liquidation_allowed__during_grace__only_below_095(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    back_up = restart_at(evm, feed, keeper)
    evm.mine(back_up + GRACE // 2)
    assert sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH - 1).call()
    assert sentinel.functions.isLiquidationAllowed(0).call()
    assert not sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH).call()
    assert not sentinel.functions.isLiquidationAllowed(HEALTHY - 1).call()


def test_is_liquidation_allowed__sequencer_down__only_below_095(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    set_sequencer(evm, feed, False, evm.timestamp(), keeper)
    assert sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH - 1).call()
    assert not sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH).call()


def test_is_liquidation_allowed__after_grace__any_health(
    evm: Chain, sentinel: Contract, feed: Contract, keeper: str
) -> None:
    back_up = restart_at(evm, feed, keeper)
    evm.mine(back_up + GRACE)
    for health in (0, DEEPLY_UNDERWATER_HEALTH - 1, DEEPLY_UNDERWATER_HEALTH, HEALTHY - 1, UINT256_MAX):
        assert sentinel.functions.isLiquidationAllowed(health).call()


# ---- Broken feeds ----


def test_views__feed_without_code__read_as_down_without_reverting(
    evm: Chain, sentinel: Contract, admin: str, alice: str
) -> None:
    evm.send(sentinel.functions.setUptimeFeed(alice), admin)
    assert views(sentinel) == (SequencerStatus(False, 0, 0), False, False, False)
    assert sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH - 1).call()


def test_views__feed_reverting__read_as_down_without_reverting(
    evm: Chain, sentinel: Contract, admin: str, keeper: str
) -> None:
    # A contract without latestRoundData (and no fallback): the call reverts.
    not_a_feed = deploy_sentinel(evm, keeper, sentinel, 0)
    evm.send(sentinel.functions.setUptimeFeed(not_a_feed.address), admin)
    assert views(sentinel) == (SequencerStatus(False, 0, 0), False, False, False)
    assert sentinel.functions.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH - 1).call()


# ---- Owner setters ----


def test_set_uptime_feed__by_owner__switches_feed_and_emits(
    evm: Chain, sentinel: Contract, feed: Contract, admin: str, keeper: str
) -> None:
    other = deploy_uptime_feed(evm, keeper)
    back_up = restart_at(evm, other, keeper)
    receipt = evm.send(sentinel.functions.setUptimeFeed(other.address), admin)
    assert evm.events(receipt, sentinel, "SequencerUptimeFeedSet") == [
        {"previousFeed": feed.address, "newFeed": other.address}
    ]
    assert sentinel.functions.uptimeFeed().call() == other.address
    assert sequencer_status(sentinel) == SequencerStatus(True, back_up, back_up + GRACE)


def test_set_uptime_feed__without_oracle_admin_role__reverts_unauthorized(
    evm: Chain, sentinel: Contract, feed: Contract, alice: str, keeper: str
) -> None:
    other = deploy_uptime_feed(evm, keeper)
    with evm.reverts("AccessManagedUnauthorized", alice):
        evm.send(sentinel.functions.setUptimeFeed(other.address), alice)
    assert sentinel.functions.uptimeFeed().call() == feed.address


def test_set_uptime_feed__zero_address__reverts_zero_feed(
    evm: Chain, sentinel: Contract, feed: Contract, admin: str
) -> None:
    with evm.reverts("SequencerSentinelZeroFeed"):
        evm.send(sentinel.functions.setUptimeFeed(ZERO), admin)
    assert sentinel.functions.uptimeFeed().call() == feed.address


def test_set_grace_period__by_risk_admin__changes_window_and_emits(
    evm: Chain, sentinel: Contract, feed: Contract, admin: str, keeper: str
) -> None:
    back_up = restart_at(evm, feed, keeper)
    evm.mine(back_up + GRACE)
    assert sentinel.functions.isNewRiskAllowed().call()
    receipt = evm.send(sentinel.functions.setGracePeriod(MAX_GRACE_PERIOD), admin)
    assert evm.events(receipt, sentinel, "SequencerGracePeriodSet") == [
        {"previousGracePeriod": GRACE, "newGracePeriod": MAX_GRACE_PERIOD}
    ]
    assert sentinel.functions.gracePeriod().call() == MAX_GRACE_PERIOD
    assert not sentinel.functions.isNewRiskAllowed().call()
    assert sequencer_status(sentinel) == SequencerStatus(True, back_up, back_up + MAX_GRACE_PERIOD)


def test_set_grace_period__without_risk_admin_role__reverts_unauthorized(
    evm: Chain, sentinel: Contract, bob: str
) -> None:
    with evm.reverts("AccessManagedUnauthorized", bob):
        evm.send(sentinel.functions.setGracePeriod(0), bob)
    assert sentinel.functions.gracePeriod().call() == GRACE


def test_set_grace_period__above_cap__reverts_too_long(evm: Chain, sentinel: Contract, admin: str) -> None:
    with evm.reverts("SequencerSentinelGracePeriodTooLong", MAX_GRACE_PERIOD + 1, MAX_GRACE_PERIOD):
        evm.send(sentinel.functions.setGracePeriod(MAX_GRACE_PERIOD + 1), admin)
    with evm.reverts("SequencerSentinelGracePeriodTooLong", UINT256_MAX, MAX_GRACE_PERIOD):
        evm.send(sentinel.functions.setGracePeriod(UINT256_MAX), admin)
    assert sentinel.functions.gracePeriod().call() == GRACE


def test_risk_admin_role__moved_to_another_account__only_the_new_holder_sets(
    evm: Chain, sentinel: Contract, admin: str, alice: str
) -> None:
    manager = manager_of(evm, sentinel)
    with evm.reverts("AccessManagedUnauthorized", alice):
        evm.send(sentinel.functions.setGracePeriod(0), alice)
    grant_role(evm, manager, Role.RISK_ADMIN, alice, admin)
    revoke_role(evm, manager, Role.RISK_ADMIN, admin, admin)
    evm.send(sentinel.functions.setGracePeriod(0), alice)
    assert sentinel.functions.gracePeriod().call() == 0
    with evm.reverts("AccessManagedUnauthorized", admin):
        evm.send(sentinel.functions.setGracePeriod(GRACE), admin)
    with evm.reverts("AccessManagedUnauthorized", alice):  # RISK_ADMIN does not set the feed (ORACLE_ADMIN)
        evm.send(sentinel.functions.setUptimeFeed(sentinel.functions.uptimeFeed().call()), alice)


# ---- Mock feed ----


def test_mock_feed__writes__increment_round_and_stamp_updated_at(evm: Chain, feed: Contract, keeper: str) -> None:
    first = evm.timestamp() + 10
    evm.set_next_timestamp(first)
    receipt = evm.send(feed.functions.setStatus(False, first - 5), keeper)
    assert evm.events(receipt, feed, "SequencerStatusRoundSet") == [
        {"roundId": 1, "answer": ANSWER_DOWN, "startedAt": first - 5}
    ]
    assert feed.functions.latestRoundData().call() == [1, ANSWER_DOWN, first - 5, first, 1]
    evm.set_next_timestamp(first + 7)
    evm.send(feed.functions.setStatus(True, first + 3), keeper)
    assert feed.functions.latestRoundData().call() == [2, ANSWER_UP, first + 3, first + 7, 2]
    evm.set_next_timestamp(first + 9)
    evm.send(feed.functions.setRound(-7, 0), keeper)
    assert feed.functions.latestRoundData().call() == [3, -7, 0, first + 9, 3]


# ---- Property: the views match the Python model ----

ANSWERS = st.one_of(st.sampled_from([ANSWER_UP, ANSWER_UP, ANSWER_DOWN]), st.integers(-(2**255), 2**255 - 1))
# How startedAt relates to the read time: unknown (0), near the grace boundary, anywhere around now, any value.
STARTS = st.one_of(
    st.tuples(st.just("zero"), st.just(0)),
    st.tuples(st.just("boundary"), st.integers(-2, 2)),
    st.tuples(st.just("ago"), st.integers(-2 * MAX_GRACE_PERIOD, 3 * MAX_GRACE_PERIOD)),
    st.tuples(st.just("absolute"), st.integers(0, UINT256_MAX)),
)
GRACES = st.one_of(st.sampled_from([0, MAX_GRACE_PERIOD]), st.integers(0, MAX_GRACE_PERIOD))
HEALTHS = st.one_of(
    st.sampled_from([0, DEEPLY_UNDERWATER_HEALTH - 1, DEEPLY_UNDERWATER_HEALTH, HEALTHY]),
    st.integers(0, UINT256_MAX),
)


def started_at_for(start: tuple[str, int], now: int, grace: int) -> int:
    kind, value = start
    if kind == "boundary":
        return max(now - grace + value, 0)
    if kind == "ago":
        return max(now - value, 0)
    return value  # "zero" and "absolute"


@given(
    answer=ANSWERS,
    start=STARTS,
    grace=GRACES,
    health=HEALTHS,
    read_delay=st.integers(1, 6 * HOUR),
)
def test_views__random_feed_clock_and_health__match_python_model(
    evm: Chain,
    sentinel: Contract,
    feed: Contract,
    admin: str,
    keeper: str,
    answer: int,
    start: tuple[str, int],
    grace: int,
    health: int,
    read_delay: int,
) -> None:
    snapshot = evm.snapshot()
    try:
        evm.send(sentinel.functions.setGracePeriod(grace), admin)
        written = evm.timestamp() + 1
        now = written + read_delay
        started_at = started_at_for(start, now, grace)
        evm.set_next_timestamp(written)
        evm.send(feed.functions.setRound(answer, started_at), keeper)
        evm.mine(now)
        assert evm.timestamp() == now
        expected = expected_sentinel(answer, started_at, now, grace, health)
        assert views(sentinel, health) == (
            expected.status,
            expected.up_and_grace_passed,
            expected.new_risk_allowed,
            expected.liquidation_allowed,
        )
    finally:
        evm.revert_to(snapshot)
