"""ClaimTopicsRegistry behind SuiteProxy: topics (cap 15, no duplicates, O(1) removal) and policy pushes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.proxy import deploy_proxied
from dualtrack.registry import resync_stale_subscribers
from tests.identity.registry_fixtures import *  # noqa: F403 - the registry fixtures
from tests.support import ZERO

MAX_TOPICS = 15
MAX_SUBSCRIBERS = 32


@pytest.fixture(scope="session")
def ctr(evm: Chain, authority: Contract, issuer: str) -> Contract:
    return deploy_proxied(evm, authority, "ClaimTopicsRegistry", (issuer,), sender=issuer)


@pytest.fixture
def subscriber(evm: Chain, ctr: Contract, issuer: str) -> Contract:
    mock = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(ctr.functions.addPolicySubscriber(mock.address), issuer)
    return mock


def test_initialize__twice__reverts(evm: Chain, ctr: Contract, issuer: str) -> None:
    assert ctr.functions.owner().call() == issuer
    with evm.reverts("InvalidInitialization"):
        evm.send(ctr.functions.initialize(issuer), issuer)


# ---- Topics ----


def test_add_claim_topic__by_owner__requires_and_emits(evm: Chain, ctr: Contract, issuer: str) -> None:
    receipt = evm.send(ctr.functions.addClaimTopic(7), issuer)
    assert evm.events(receipt, ctr, "ClaimTopicAdded") == [{"claimTopic": 7}]
    assert ctr.functions.getClaimTopics().call() == [7]


def test_add_claim_topic__duplicate__reverts(evm: Chain, ctr: Contract, issuer: str) -> None:
    evm.send(ctr.functions.addClaimTopic(1), issuer)
    with evm.reverts("ClaimTopicsRegistryDuplicateTopic", 1):
        evm.send(ctr.functions.addClaimTopic(1), issuer)
    assert ctr.functions.getClaimTopics().call() == [1]


def test_add_claim_topic__cap_reached__reverts(evm: Chain, ctr: Contract, issuer: str) -> None:
    for topic in range(MAX_TOPICS):
        evm.send(ctr.functions.addClaimTopic(topic), issuer)
    with evm.reverts("ClaimTopicsRegistryCapReached", MAX_TOPICS):
        evm.send(ctr.functions.addClaimTopic(2**256 - 1), issuer)
    assert ctr.functions.getClaimTopics().call() == list(range(MAX_TOPICS))


def test_remove_claim_topic__first_of_three__moves_last_into_place_and_emits(
    evm: Chain, ctr: Contract, issuer: str
) -> None:
    for topic in (1, 2, 3):
        evm.send(ctr.functions.addClaimTopic(topic), issuer)
    receipt = evm.send(ctr.functions.removeClaimTopic(1), issuer)
    assert evm.events(receipt, ctr, "ClaimTopicRemoved") == [{"claimTopic": 1}]
    assert ctr.functions.getClaimTopics().call() == [3, 2]
    # the moved topic's index followed it
    evm.send(ctr.functions.removeClaimTopic(3), issuer)
    assert ctr.functions.getClaimTopics().call() == [2]
    evm.send(ctr.functions.addClaimTopic(1), issuer)  # a removed topic can be added again
    assert ctr.functions.getClaimTopics().call() == [2, 1]


def test_remove_claim_topic__unknown__reverts(evm: Chain, ctr: Contract, issuer: str) -> None:
    with evm.reverts("ClaimTopicsRegistryUnknownTopic", 9):
        evm.send(ctr.functions.removeClaimTopic(9), issuer)


@pytest.mark.parametrize(
    "function", ["addClaimTopic", "removeClaimTopic", "addPolicySubscriber", "removePolicySubscriber"]
)
def test_owner_path__by_non_owner__reverts_unauthorized(
    evm: Chain, ctr: Contract, alice: str, subscriber: Contract, function: str
) -> None:
    arg: object = subscriber.address if "Subscriber" in function else 1
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(ctr.functions[function](arg), alice)


@given(operations=st.lists(st.tuples(st.booleans(), st.integers(0, 20)), max_size=24))
def test_operations__any_sequence__topics_match_model(
    evm: Chain, ctr: Contract, issuer: str, operations: list[tuple[bool, int]]
) -> None:
    snapshot = evm.snapshot()
    model: set[int] = set()
    try:
        for add, topic in operations:
            if add and topic in model:
                with evm.reverts("ClaimTopicsRegistryDuplicateTopic", topic):
                    evm.send(ctr.functions.addClaimTopic(topic), issuer)
            elif add and len(model) >= MAX_TOPICS:
                with evm.reverts("ClaimTopicsRegistryCapReached", MAX_TOPICS):
                    evm.send(ctr.functions.addClaimTopic(topic), issuer)
            elif add:
                evm.send(ctr.functions.addClaimTopic(topic), issuer)
                model.add(topic)
            elif topic in model:
                evm.send(ctr.functions.removeClaimTopic(topic), issuer)
                model.discard(topic)
            else:
                with evm.reverts("ClaimTopicsRegistryUnknownTopic", topic):
                    evm.send(ctr.functions.removeClaimTopic(topic), issuer)
        topics = ctr.functions.getClaimTopics().call()
        assert len(topics) == len(set(topics))
        assert set(topics) == model
    finally:
        evm.revert_to(snapshot)


# ---- Policy subscribers (PolicyPublisher) ----


def test_add_policy_subscriber__contract__subscribes_syncs_and_emits(evm: Chain, ctr: Contract, issuer: str) -> None:
    mock = evm.deploy("MockPolicySubscriber", sender=issuer)
    receipt = evm.send(ctr.functions.addPolicySubscriber(mock.address), issuer)
    assert evm.events(receipt, ctr, "PolicySubscriberAdded") == [{"identityRegistry": mock.address}]
    assert ctr.functions.policySubscribers().call() == [mock.address]
    assert ctr.functions.isPolicySubscriber(mock.address).call() is True
    assert mock.functions.syncCount().call() == 1


@pytest.mark.parametrize("target", ["zero", "eoa"])
def test_add_policy_subscriber__not_a_contract__reverts(
    evm: Chain, ctr: Contract, issuer: str, bob: str, target: str
) -> None:
    address = ZERO if target == "zero" else bob
    with evm.reverts("PolicyPublisherNotContract", address):
        evm.send(ctr.functions.addPolicySubscriber(address), issuer)


def test_add_policy_subscriber__twice__reverts(evm: Chain, ctr: Contract, issuer: str, subscriber: Contract) -> None:
    with evm.reverts("PolicyPublisherAlreadySubscribed", subscriber.address):
        evm.send(ctr.functions.addPolicySubscriber(subscriber.address), issuer)


def test_add_policy_subscriber__without_sync_policy__reverts_sync_failed(
    evm: Chain, ctr: Contract, issuer: str
) -> None:
    not_a_registry = evm.deploy("MockStablecoin", "x", "X", issuer, sender=issuer)
    with evm.reverts("PolicyPublisherSyncFailed", not_a_registry.address):
        evm.send(ctr.functions.addPolicySubscriber(not_a_registry.address), issuer)
    assert ctr.functions.policySubscribers().call() == []


def test_add_policy_subscriber__cap_reached__reverts(evm: Chain, ctr: Contract, issuer: str) -> None:
    for _ in range(MAX_SUBSCRIBERS):
        mock = evm.deploy("MockPolicySubscriber", sender=issuer)
        evm.send(ctr.functions.addPolicySubscriber(mock.address), issuer)
    extra = evm.deploy("MockPolicySubscriber", sender=issuer)
    with evm.reverts("PolicyPublisherCapReached", MAX_SUBSCRIBERS):
        evm.send(ctr.functions.addPolicySubscriber(extra.address), issuer)


def test_topic_change__every_change__pushed_to_every_subscriber(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    second = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(ctr.functions.addPolicySubscriber(second.address), issuer)
    evm.send(ctr.functions.addClaimTopic(1), issuer)
    evm.send(ctr.functions.addClaimTopic(2), issuer)
    evm.send(ctr.functions.removeClaimTopic(1), issuer)
    assert subscriber.functions.syncCount().call() == 1 + 3
    assert second.functions.syncCount().call() == 1 + 3


@pytest.mark.parametrize("failure", ["reverts", "burns_its_budget"])
def test_topic_change__subscriber_sync_fails__change_applied_and_subscriber_marked_stale(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract, failure: str
) -> None:
    """Review finding 8: a subscriber that cannot re-sync no longer blocks the change; the publisher
    records it as stale and asks it to drop its cache."""
    second = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(ctr.functions.addPolicySubscriber(second.address), issuer)
    if failure == "reverts":
        evm.send(subscriber.functions.setFailing(True), issuer)
    else:
        evm.send(subscriber.functions.setGuzzling(True), issuer)
    receipt = evm.send(ctr.functions.addClaimTopic(1), issuer)
    assert ctr.functions.getClaimTopics().call() == [1]
    assert evm.events(receipt, ctr, "PolicySubscriberStale") == [
        {"identityRegistry": subscriber.address, "marked": True}
    ]
    assert ctr.functions.isPolicySubscriberStale(subscriber.address).call() is True
    assert subscriber.functions.policyStale().call() is True
    assert subscriber.functions.markCount().call() == 1
    # the other subscriber got the change as usual
    assert second.functions.syncCount().call() == 2
    assert ctr.functions.isPolicySubscriberStale(second.address).call() is False
    if failure == "burns_its_budget":
        assert receipt["gasUsed"] < 400_000  # the guzzler only got its fixed budgets


def test_topic_change__subscriber_fails_sync_and_stale_mark__applied_and_recorded_unmarked(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    """A foreign subscriber that accepts neither call: the change still applies, and the publisher's
    record and event (marked false) are the only signal that it may serve an old policy."""
    evm.send(subscriber.functions.setFailing(True), issuer)
    evm.send(subscriber.functions.setMarkFailure(True, False), issuer)
    receipt = evm.send(ctr.functions.addClaimTopic(1), issuer)
    assert evm.events(receipt, ctr, "PolicySubscriberStale") == [
        {"identityRegistry": subscriber.address, "marked": False}
    ]
    assert ctr.functions.isPolicySubscriberStale(subscriber.address).call() is True
    assert subscriber.functions.policyStale().call() is False
    assert ctr.functions.getClaimTopics().call() == [1]


def test_topic_change__stale_subscriber_syncs_again__record_cleared_and_resynced_emitted(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    evm.send(subscriber.functions.setFailing(True), issuer)
    evm.send(ctr.functions.addClaimTopic(1), issuer)
    evm.send(subscriber.functions.setFailing(False), issuer)
    receipt = evm.send(ctr.functions.addClaimTopic(2), issuer)
    assert evm.events(receipt, ctr, "PolicySubscriberResynced") == [{"identityRegistry": subscriber.address}]
    assert evm.events(receipt, ctr, "PolicySubscriberStale") == []
    assert ctr.functions.isPolicySubscriberStale(subscriber.address).call() is False
    assert subscriber.functions.policyStale().call() is False


def test_resync_policy_subscriber__by_anyone__syncs_with_callers_gas_and_clears_record(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract, bob: str
) -> None:
    evm.send(subscriber.functions.setFailing(True), issuer)
    evm.send(ctr.functions.addClaimTopic(1), issuer)
    with evm.reverts("PolicyPublisherSyncFailed", subscriber.address):
        evm.send(ctr.functions.resyncPolicySubscriber(subscriber.address), bob)
    evm.send(subscriber.functions.setFailing(False), issuer)
    receipt = evm.send(ctr.functions.resyncPolicySubscriber(subscriber.address), bob)
    assert evm.events(receipt, ctr, "PolicySubscriberResynced") == [{"identityRegistry": subscriber.address}]
    assert ctr.functions.isPolicySubscriberStale(subscriber.address).call() is False
    assert subscriber.functions.policyStale().call() is False
    with evm.reverts("PolicyPublisherNotSubscribed", bob):
        evm.send(ctr.functions.resyncPolicySubscriber(bob), bob)


def test_resync_stale_subscribers__sdk__resyncs_those_that_sync_again_and_skips_the_others(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract, keeper: str
) -> None:
    still_broken = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(ctr.functions.addPolicySubscriber(still_broken.address), issuer)
    healthy = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(ctr.functions.addPolicySubscriber(healthy.address), issuer)
    for mock in (subscriber, still_broken):
        evm.send(mock.functions.setFailing(True), issuer)
    evm.send(ctr.functions.addClaimTopic(1), issuer)
    evm.send(subscriber.functions.setFailing(False), issuer)
    assert resync_stale_subscribers(evm, ctr, keeper) == [subscriber.address]
    stale = [ctr.functions.isPolicySubscriberStale(m.address).call() for m in (subscriber, still_broken, healthy)]
    assert stale == [False, True, False]


def test_topic_change__caller_leaves_too_little_gas_for_the_budgets__reverts_sync_gas(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    """Review finding 8: a caller cannot make a sound subscriber fail (and go stale) by sending too
    little gas: the change needs every subscriber's full budgets, or it reverts."""
    gas = 200_000  # plenty for the change and this subscriber's actual sync, short of its full budgets
    with evm.reverts("PolicyPublisherSyncGas"):
        evm.call(ctr.functions.addClaimTopic(1), issuer, gas=gas)
    assert gas < ctr.functions.POLICY_SYNC_GAS().call() + ctr.functions.POLICY_STALE_GAS().call()
    assert evm.send(ctr.functions.addClaimTopic(1), issuer)["status"] == 1
    assert ctr.functions.isPolicySubscriberStale(subscriber.address).call() is False


def test_remove_policy_subscriber__stale_subscriber__record_dropped(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    evm.send(subscriber.functions.setFailing(True), issuer)
    evm.send(ctr.functions.addClaimTopic(1), issuer)
    evm.send(ctr.functions.removePolicySubscriber(subscriber.address), issuer)
    assert ctr.functions.isPolicySubscriberStale(subscriber.address).call() is False


def test_publication_budgets__documented_values(ctr: Contract) -> None:
    assert ctr.functions.MAX_POLICY_SUBSCRIBERS().call() == MAX_SUBSCRIBERS
    assert ctr.functions.POLICY_SYNC_GAS().call() == 175_000
    assert ctr.functions.POLICY_STALE_GAS().call() == 30_000


def test_remove_policy_subscriber__failing_subscriber__removed_and_reports_unsynced(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    evm.send(subscriber.functions.setFailing(True), issuer)
    receipt = evm.send(ctr.functions.removePolicySubscriber(subscriber.address), issuer)
    assert evm.events(receipt, ctr, "PolicySubscriberRemoved") == [
        {"identityRegistry": subscriber.address, "synced": False}
    ]
    assert ctr.functions.policySubscribers().call() == []
    evm.send(ctr.functions.addClaimTopic(1), issuer)  # no longer blocked


def test_remove_policy_subscriber__subscriber_burns_its_gas__removed_and_reports_unsynced(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    evm.send(subscriber.functions.setGuzzling(True), issuer)
    receipt = evm.send(ctr.functions.removePolicySubscriber(subscriber.address), issuer)
    assert evm.events(receipt, ctr, "PolicySubscriberRemoved") == [
        {"identityRegistry": subscriber.address, "synced": False}
    ]
    assert receipt["gasUsed"] < 300_000  # the guzzler only got its fixed budget
    evm.send(ctr.functions.addClaimTopic(1), issuer)


def test_remove_policy_subscriber__too_little_gas_for_the_final_sync__reverts(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    with evm.reverts("PolicyPublisherSyncGas"):
        evm.call(ctr.functions.removePolicySubscriber(subscriber.address), issuer, gas=120_000)
    assert ctr.functions.isPolicySubscriber(subscriber.address).call() is True


def test_remove_policy_subscriber__middle__keeps_others_and_syncs_removed(
    evm: Chain, ctr: Contract, issuer: str, subscriber: Contract
) -> None:
    others = [evm.deploy("MockPolicySubscriber", sender=issuer) for _ in range(2)]
    for mock in others:
        evm.send(ctr.functions.addPolicySubscriber(mock.address), issuer)
    receipt = evm.send(ctr.functions.removePolicySubscriber(subscriber.address), issuer)
    assert evm.events(receipt, ctr, "PolicySubscriberRemoved") == [
        {"identityRegistry": subscriber.address, "synced": True}
    ]
    assert subscriber.functions.syncCount().call() == 2  # subscribe + final sync
    assert ctr.functions.policySubscribers().call() == [others[1].address, others[0].address]
    assert ctr.functions.isPolicySubscriber(subscriber.address).call() is False
    evm.send(ctr.functions.removePolicySubscriber(others[1].address), issuer)
    assert ctr.functions.policySubscribers().call() == [others[0].address]


def test_remove_policy_subscriber__unknown__reverts(evm: Chain, ctr: Contract, issuer: str, bob: str) -> None:
    with evm.reverts("PolicyPublisherNotSubscribed", bob):
        evm.send(ctr.functions.removePolicySubscriber(bob), issuer)
