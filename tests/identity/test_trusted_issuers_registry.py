"""TrustedIssuersRegistry behind SuiteProxy: issuer <-> topics maps, caps, O(1) removal, policy pushes."""

from __future__ import annotations

import pytest
from eth_utils.address import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.bench.groups.identity_registry import (
    PUBLISH_GAS_BOUND,
    PublishBench,
    setup_publish_worst_case,
    worst_case_changes,
)
from dualtrack.chain import Chain
from dualtrack.proxy import deploy_proxied
from tests.identity.registry_fixtures import *  # noqa: F403 - the registry fixtures
from tests.support import ZERO

MAX_ISSUERS = 50
MAX_TOPICS_PER_ISSUER = 15


def _issuer(i: int) -> str:
    return to_checksum_address("0x" + (0xC1A1 + i).to_bytes(20, "big").hex())


A, B, C = _issuer(0), _issuer(1), _issuer(2)


@pytest.fixture(scope="session")
def tir(evm: Chain, authority: Contract, issuer: str) -> Contract:
    return deploy_proxied(evm, authority, "TrustedIssuersRegistry", (issuer,), sender=issuer)


def _state(tir: Contract, issuers: list[str], topics: list[int]) -> tuple[object, ...]:
    f = tir.functions
    return (
        sorted(f.getTrustedIssuers().call()),
        {t: sorted(f.getTrustedIssuersForClaimTopic(t).call()) for t in topics},
        {i: f.isTrustedIssuer(i).call() for i in issuers},
        {(i, t): f.hasClaimTopic(i, t).call() for i in issuers for t in topics},
    )


def test_initialize__twice__reverts(evm: Chain, tir: Contract, issuer: str) -> None:
    assert tir.functions.owner().call() == issuer
    with evm.reverts("InvalidInitialization"):
        evm.send(tir.functions.initialize(issuer), issuer)


# ---- Adding ----


def test_add_trusted_issuer__by_owner__maps_both_ways_and_emits(evm: Chain, tir: Contract, issuer: str) -> None:
    receipt = evm.send(tir.functions.addTrustedIssuer(A, [1, 7]), issuer)
    assert evm.events(receipt, tir, "TrustedIssuerAdded") == [{"trustedIssuer": A, "claimTopics": [1, 7]}]
    f = tir.functions
    assert f.getTrustedIssuers().call() == [A]
    assert f.getTrustedIssuerClaimTopics(A).call() == [1, 7]
    assert f.getTrustedIssuersForClaimTopic(7).call() == [A]
    assert f.getTrustedIssuersForClaimTopic(2).call() == []
    assert (f.isTrustedIssuer(A).call(), f.isTrustedIssuer(B).call()) == (True, False)
    assert (f.hasClaimTopic(A, 1).call(), f.hasClaimTopic(A, 2).call()) == (True, False)


def test_add_trusted_issuer__zero__reverts(evm: Chain, tir: Contract, issuer: str) -> None:
    with evm.reverts("TrustedIssuersRegistryZeroIssuer"):
        evm.send(tir.functions.addTrustedIssuer(ZERO, [1]), issuer)


def test_add_trusted_issuer__twice__reverts_already_trusted(evm: Chain, tir: Contract, issuer: str) -> None:
    evm.send(tir.functions.addTrustedIssuer(A, [1]), issuer)
    with evm.reverts("TrustedIssuersRegistryAlreadyTrusted", A):
        evm.send(tir.functions.addTrustedIssuer(A, [2]), issuer)
    assert tir.functions.getTrustedIssuerClaimTopics(A).call() == [1]


@pytest.mark.parametrize(
    "topics", [[], list(range(MAX_TOPICS_PER_ISSUER + 1)), [1, 2, 1], [5, 5]], ids=["none", "16", "dup", "dup2"]
)
def test_add_trusted_issuer__invalid_topics__reverts_and_adds_nothing(
    evm: Chain, tir: Contract, issuer: str, topics: list[int]
) -> None:
    with evm.reverts("TrustedIssuersRegistryInvalidTopics", len(topics)):
        evm.send(tir.functions.addTrustedIssuer(A, topics), issuer)
    assert tir.functions.getTrustedIssuers().call() == []
    assert tir.functions.getTrustedIssuersForClaimTopic(1).call() == []


def test_add_trusted_issuer__fifteen_topics__accepted(evm: Chain, tir: Contract, issuer: str) -> None:
    topics = list(range(100, 100 + MAX_TOPICS_PER_ISSUER))
    evm.send(tir.functions.addTrustedIssuer(A, topics), issuer)
    assert tir.functions.getTrustedIssuerClaimTopics(A).call() == topics


def test_add_trusted_issuer__cap_reached__reverts(evm: Chain, tir: Contract, issuer: str) -> None:
    for i in range(MAX_ISSUERS):
        evm.send(tir.functions.addTrustedIssuer(_issuer(i), [1]), issuer)
    assert len(tir.functions.getTrustedIssuersForClaimTopic(1).call()) == MAX_ISSUERS
    with evm.reverts("TrustedIssuersRegistryCapReached", MAX_ISSUERS):
        evm.send(tir.functions.addTrustedIssuer(_issuer(MAX_ISSUERS), [1]), issuer)


# ---- Removing and updating ----


def test_remove_trusted_issuer__first_of_three__swaps_in_every_list_and_emits(
    evm: Chain, tir: Contract, issuer: str
) -> None:
    evm.send(tir.functions.addTrustedIssuer(A, [1, 2]), issuer)
    evm.send(tir.functions.addTrustedIssuer(B, [1]), issuer)
    evm.send(tir.functions.addTrustedIssuer(C, [2, 1]), issuer)
    receipt = evm.send(tir.functions.removeTrustedIssuer(A), issuer)
    assert evm.events(receipt, tir, "TrustedIssuerRemoved") == [{"trustedIssuer": A}]
    f = tir.functions
    assert f.getTrustedIssuers().call() == [C, B]
    assert f.getTrustedIssuersForClaimTopic(1).call() == [C, B]
    assert f.getTrustedIssuersForClaimTopic(2).call() == [C]
    assert (f.isTrustedIssuer(A).call(), f.hasClaimTopic(A, 1).call(), f.hasClaimTopic(A, 2).call()) == (
        False,
        False,
        False,
    )
    # moved entries kept correct indexes: removing C now removes exactly C everywhere
    evm.send(tir.functions.removeTrustedIssuer(C), issuer)
    assert f.getTrustedIssuers().call() == [B]
    assert f.getTrustedIssuersForClaimTopic(1).call() == [B]
    assert f.getTrustedIssuersForClaimTopic(2).call() == []


def test_remove_trusted_issuer__unknown__reverts(evm: Chain, tir: Contract, issuer: str) -> None:
    with evm.reverts("TrustedIssuersRegistryNotTrusted", A):
        evm.send(tir.functions.removeTrustedIssuer(A), issuer)


def test_update_issuer_claim_topics__trusted__replaces_topics_and_emits(evm: Chain, tir: Contract, issuer: str) -> None:
    evm.send(tir.functions.addTrustedIssuer(A, [1, 2]), issuer)
    evm.send(tir.functions.addTrustedIssuer(B, [2]), issuer)
    receipt = evm.send(tir.functions.updateIssuerClaimTopics(A, [2, 3]), issuer)
    assert evm.events(receipt, tir, "ClaimTopicsUpdated") == [{"trustedIssuer": A, "claimTopics": [2, 3]}]
    f = tir.functions
    assert f.getTrustedIssuerClaimTopics(A).call() == [2, 3]
    assert f.getTrustedIssuersForClaimTopic(1).call() == []
    assert sorted(f.getTrustedIssuersForClaimTopic(2).call()) == sorted([A, B])
    assert f.getTrustedIssuersForClaimTopic(3).call() == [A]
    assert (f.hasClaimTopic(A, 1).call(), f.hasClaimTopic(A, 3).call()) == (False, True)


def test_update_issuer_claim_topics__unknown__reverts(evm: Chain, tir: Contract, issuer: str) -> None:
    with evm.reverts("TrustedIssuersRegistryNotTrusted", A):
        evm.send(tir.functions.updateIssuerClaimTopics(A, [1]), issuer)


def test_update_issuer_claim_topics__invalid__reverts_and_keeps_old(evm: Chain, tir: Contract, issuer: str) -> None:
    evm.send(tir.functions.addTrustedIssuer(A, [1]), issuer)
    with evm.reverts("TrustedIssuersRegistryInvalidTopics", 2):
        evm.send(tir.functions.updateIssuerClaimTopics(A, [3, 3]), issuer)
    assert tir.functions.getTrustedIssuerClaimTopics(A).call() == [1]
    assert tir.functions.getTrustedIssuersForClaimTopic(1).call() == [A]


def test_get_trusted_issuer_claim_topics__unknown__reverts(evm: Chain, tir: Contract) -> None:
    with evm.reverts("TrustedIssuersRegistryNotTrusted", A):
        evm.call(tir.functions.getTrustedIssuerClaimTopics(A))


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("addTrustedIssuer", (A, [1])),
        ("removeTrustedIssuer", (A,)),
        ("updateIssuerClaimTopics", (A, [1])),
        ("addPolicySubscriber", (A,)),
        ("removePolicySubscriber", (A,)),
    ],
)
def test_owner_path__by_non_owner__reverts_unauthorized(
    evm: Chain, tir: Contract, alice: str, function: str, args: tuple[object, ...]
) -> None:
    with evm.reverts("OwnableUnauthorizedAccount", alice):
        evm.send(tir.functions[function](*args), alice)


# ---- Policy pushes ----


def test_issuer_change__every_change__pushed_and_failure_marks_stale(evm: Chain, tir: Contract, issuer: str) -> None:
    mock = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(tir.functions.addPolicySubscriber(mock.address), issuer)
    evm.send(tir.functions.addTrustedIssuer(A, [1]), issuer)
    evm.send(tir.functions.updateIssuerClaimTopics(A, [2]), issuer)
    evm.send(tir.functions.removeTrustedIssuer(A), issuer)
    assert mock.functions.syncCount().call() == 1 + 3
    evm.send(mock.functions.setFailing(True), issuer)
    receipt = evm.send(tir.functions.addTrustedIssuer(B, [1]), issuer)
    assert tir.functions.isTrustedIssuer(B).call() is True
    assert evm.events(receipt, tir, "PolicySubscriberStale") == [{"identityRegistry": mock.address, "marked": True}]
    assert tir.functions.isPolicySubscriberStale(mock.address).call() is True


@pytest.fixture(scope="session")
def publish_at_caps(evm: Chain, authority: Contract, issuer: str) -> PublishBench:
    """Both policy registries at their caps (15 topics, 50 issuers x 15 topics, the 50th not yet added)
    with 32 subscribers that burn every budget they get (the bench's `registry.publish_worst_case`)."""
    return setup_publish_worst_case(evm, authority, issuer)


@pytest.mark.parametrize(
    "change", ["addTrustedIssuer", "removeTrustedIssuer", "updateIssuerClaimTopics", "removeClaimTopic"]
)
def test_policy_change__caps_reached_and_subscribers_burn_their_budgets__fits_10m_gas(
    evm: Chain, publish_at_caps: PublishBench, issuer: str, change: str
) -> None:
    """Review finding 10: with the most subscribers, topics and issuers, and subscribers that burn every
    gas budget they are given, a single policy change fits in 10M gas (it used to forward everything
    to each subscriber: unbounded in practice, and any one of them could exhaust it)."""
    b = publish_at_caps
    publisher = b.topics_registry if change == "removeClaimTopic" else b.issuers_registry
    receipt = evm.send(worst_case_changes(b)[change], issuer, gas=PUBLISH_GAS_BOUND)
    assert receipt["gasUsed"] <= PUBLISH_GAS_BOUND
    stale = evm.events(receipt, publisher, "PolicySubscriberStale")
    assert stale == [{"identityRegistry": s.address, "marked": False} for s in b.subscribers]


# ---- Model ----

POOL = [_issuer(i) for i in range(4)]
TOPICS = [1, 2, 3]
OPERATION = st.tuples(
    st.sampled_from(["add", "remove", "update"]),
    st.integers(0, len(POOL) - 1),
    st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True),
)


@given(operations=st.lists(OPERATION, max_size=10))
def test_operations__any_sequence__every_view_matches_model(
    evm: Chain, tir: Contract, issuer: str, operations: list[tuple[str, int, list[int]]]
) -> None:
    snapshot = evm.snapshot()
    model: dict[str, list[int]] = {}
    try:
        for kind, index, topics in operations:
            who = POOL[index]
            if kind == "add":
                if who in model:
                    with evm.reverts("TrustedIssuersRegistryAlreadyTrusted", who):
                        evm.send(tir.functions.addTrustedIssuer(who, topics), issuer)
                else:
                    evm.send(tir.functions.addTrustedIssuer(who, topics), issuer)
                    model[who] = topics
            elif who not in model:
                call = (
                    tir.functions.removeTrustedIssuer(who)
                    if kind == "remove"
                    else tir.functions.updateIssuerClaimTopics(who, topics)
                )
                with evm.reverts("TrustedIssuersRegistryNotTrusted", who):
                    evm.send(call, issuer)
            elif kind == "remove":
                evm.send(tir.functions.removeTrustedIssuer(who), issuer)
                del model[who]
            else:
                evm.send(tir.functions.updateIssuerClaimTopics(who, topics), issuer)
                model[who] = topics
        expected = (
            sorted(model),
            {t: sorted(i for i, ts in model.items() if t in ts) for t in TOPICS},
            {i: i in model for i in POOL},
            {(i, t): t in model.get(i, []) for i in POOL for t in TOPICS},
        )
        assert _state(tir, POOL, TOPICS) == expected
        for who, topics in model.items():
            assert tir.functions.getTrustedIssuerClaimTopics(who).call() == topics
    finally:
        evm.revert_to(snapshot)
