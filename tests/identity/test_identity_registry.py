"""IdentityRegistry behind SuiteProxy: agents, identities, verification (cached and live), transferParties.

Verification scenarios run in both policy modes: "cached" (the registry is subscribed to both policy
registries, which push every change) and "live" (unsubscribed from the trusted issuers registry, so
the registry reads both policy registries on every call).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eth_abi.abi import encode
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.bench.groups.identity_registry import filler_issuer
from dualtrack.chain import Chain
from dualtrack.claims import make_claim
from dualtrack.peers.onchainid import ClaimIssuerPeer
from dualtrack.proxy import deploy_proxied
from dualtrack.registry import RegistrySet, deploy_registry_set, trust_issuer
from tests.identity.registry_fixtures import *  # noqa: F403 - the registry fixtures
from tests.identity.registry_fixtures import AML, FR, KYC, US, add_claim, deploy_oid_identity
from tests.support import ZERO

ISSUER_REVERTS, ISSUER_RETURNS_TWO, ISSUER_RETURNS_SHORT, ISSUER_ACCEPTS_ALL = 0, 1, 2, 3

# transferParties gas ceilings with a shared storage (regression guards; exact figures are printed by the
# gas test). Live reads pay one more cold slot than the cache: the storage address is not in slot 0.
# These holders use ONCHAINID's issuer, which has no held-claim records: the registry's probe for one
# (IHeldClaimIssuer.isHeldClaimValid) reverts and costs it about 700 gas before the live claim check.
MAX_TRANSFER_PARTIES_GAS_CACHED = 83_000
MAX_TRANSFER_PARTIES_GAS_LIVE = 116_000


@pytest.fixture(params=["cached", "live"])
def policy_mode(request: pytest.FixtureRequest, evm: Chain, regs: RegistrySet, issuer: str) -> str:
    """Run the test with the policy cache, then with live reads."""
    if request.param == "live":
        evm.send(regs.trusted_issuers.functions.removePolicySubscriber(regs.identity_registry.address), issuer)
    assert regs.identity_registry.functions.policyCached().call() == (request.param == "cached")
    return str(request.param)


@pytest.fixture
def register(evm: Chain, regs: RegistrySet, agent: str) -> Callable[..., None]:
    def _register(wallet: str, identity: str, country: int = US, registry: Contract | None = None) -> None:
        target = registry if registry is not None else regs.identity_registry
        evm.send(target.functions.registerIdentity(wallet, identity, country), agent)

    return _register


def _verified(regs: RegistrySet, wallet: str) -> bool:
    return bool(regs.identity_registry.functions.isVerified(wallet).call())


# ---- Initialization ----


def test_initialize__through_proxy__sets_registries_owner_and_live_mode(
    regs: RegistrySet, issuer: str, evm: Chain, authority: Contract
) -> None:
    registry = regs.identity_registry
    assert registry.functions.owner().call() == issuer
    assert registry.functions.identityStorage().call() == regs.identity_storage.address
    assert registry.functions.topicsRegistry().call() == regs.claim_topics.address
    assert registry.functions.issuersRegistry().call() == regs.trusted_issuers.address
    fresh = deploy_proxied(
        evm,
        authority,
        "IdentityRegistry",
        (issuer, regs.trusted_issuers.address, regs.claim_topics.address, regs.identity_storage.address),
        sender=issuer,
    )
    assert fresh.functions.policyCached().call() is False


def test_initialize__twice__reverts(evm: Chain, regs: RegistrySet, issuer: str) -> None:
    r = regs
    with evm.reverts("InvalidInitialization"):
        evm.send(
            r.identity_registry.functions.initialize(
                issuer, r.trusted_issuers.address, r.claim_topics.address, r.identity_storage.address
            ),
            issuer,
        )


@pytest.mark.parametrize("zero_index", [0, 1])
def test_initialize__zero_registry__reverts_zero_address(
    evm: Chain, authority: Contract, regs: RegistrySet, issuer: str, zero_index: int
) -> None:
    args = [regs.trusted_issuers.address, regs.claim_topics.address, regs.identity_storage.address]
    args[zero_index] = ZERO
    with evm.reverts("IdentityRegistryZeroAddress"):
        deploy_proxied(evm, authority, "IdentityRegistry", (issuer, *args), sender=issuer)


# ---- Agents ----


def test_add_agent__by_owner__grants_and_emits(evm: Chain, regs: RegistrySet, issuer: str, bob: str) -> None:
    receipt = evm.send(regs.identity_registry.functions.addAgent(bob), issuer)
    assert evm.events(receipt, regs.identity_registry, "AgentAdded") == [{"agent": bob}]
    assert regs.identity_registry.functions.isAgent(bob).call() is True


def test_add_agent__twice__reverts_already_agent(evm: Chain, regs: RegistrySet, issuer: str, agent: str) -> None:
    with evm.reverts("IdentityRegistryAlreadyAgent", agent):
        evm.send(regs.identity_registry.functions.addAgent(agent), issuer)


def test_add_agent__zero__reverts_zero_address(evm: Chain, regs: RegistrySet, issuer: str) -> None:
    with evm.reverts("IdentityRegistryZeroAddress"):
        evm.send(regs.identity_registry.functions.addAgent(ZERO), issuer)


def test_remove_agent__by_owner__revokes_and_emits(
    evm: Chain, regs: RegistrySet, issuer: str, agent: str, alice: str, alice_oid: Contract
) -> None:
    receipt = evm.send(regs.identity_registry.functions.removeAgent(agent), issuer)
    assert evm.events(receipt, regs.identity_registry, "AgentRemoved") == [{"agent": agent}]
    assert regs.identity_registry.functions.isAgent(agent).call() is False
    with evm.reverts("IdentityRegistryNotAgent", agent):
        evm.send(regs.identity_registry.functions.registerIdentity(alice, alice_oid.address, US), agent)


def test_remove_agent__not_agent__reverts_unknown_agent(evm: Chain, regs: RegistrySet, issuer: str, bob: str) -> None:
    with evm.reverts("IdentityRegistryUnknownAgent", bob):
        evm.send(regs.identity_registry.functions.removeAgent(bob), issuer)


# ---- Unauthorized admin paths ----

OWNER_PATHS: list[tuple[str, Callable[[RegistrySet, str], tuple[object, ...]]]] = [
    ("addAgent", lambda r, a: (a,)),
    ("removeAgent", lambda r, a: (a,)),
    ("setIdentityRegistryStorage", lambda r, a: (r.identity_storage.address,)),
    ("setClaimTopicsRegistry", lambda r, a: (r.claim_topics.address,)),
    ("setTrustedIssuersRegistry", lambda r, a: (r.trusted_issuers.address,)),
    ("transferOwnership", lambda r, a: (a,)),
]

AGENT_PATHS: list[tuple[str, Callable[[RegistrySet, str], tuple[object, ...]]]] = [
    ("registerIdentity", lambda r, a: (a, r.identity_storage.address, US)),
    ("batchRegisterIdentity", lambda r, a: ([a], [r.identity_storage.address], [US])),
    ("updateIdentity", lambda r, a: (a, r.identity_storage.address)),
    ("updateCountry", lambda r, a: (a, FR)),
    ("deleteIdentity", lambda r, a: (a,)),
]


@pytest.mark.parametrize(("function", "args"), OWNER_PATHS, ids=[p[0] for p in OWNER_PATHS])
def test_owner_path__by_non_owner__reverts_unauthorized(
    evm: Chain, regs: RegistrySet, agent: str, function: str, args: Callable[[RegistrySet, str], tuple[object, ...]]
) -> None:
    call = regs.identity_registry.functions[function](*args(regs, agent))
    with evm.reverts("OwnableUnauthorizedAccount", agent):
        evm.send(call, agent)


@pytest.mark.parametrize(("function", "args"), AGENT_PATHS, ids=[p[0] for p in AGENT_PATHS])
def test_agent_path__by_non_agent__reverts_not_agent(
    evm: Chain, regs: RegistrySet, issuer: str, alice: str, function: str, args: Callable[..., tuple[object, ...]]
) -> None:
    # even the owner is not an agent unless added
    call = regs.identity_registry.functions[function](*args(regs, alice))
    with evm.reverts("IdentityRegistryNotAgent", issuer):
        evm.send(call, issuer)


# ---- Identities ----


def test_register_identity__by_agent__stores_and_emits(
    evm: Chain, regs: RegistrySet, agent: str, alice: str, alice_oid: Contract
) -> None:
    receipt = evm.send(regs.identity_registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    assert evm.events(receipt, regs.identity_registry, "IdentityRegistered") == [
        {"investorAddress": alice, "identity": alice_oid.address}
    ]
    assert evm.events(receipt, regs.identity_storage, "IdentityStored") == [
        {"investorAddress": alice, "identity": alice_oid.address}
    ]
    assert regs.identity_registry.functions.contains(alice).call() is True
    assert regs.identity_registry.functions.identity(alice).call() == alice_oid.address
    assert regs.identity_registry.functions.investorCountry(alice).call() == US


def test_register_identity__already_registered__reverts_already_stored(
    evm: Chain, regs: RegistrySet, agent: str, alice: str, alice_oid: Contract, register: Callable[..., None]
) -> None:
    register(alice, alice_oid.address)
    with evm.reverts("IdentityRegistryStorageAlreadyStored", alice):
        register(alice, alice_oid.address, FR)
    assert regs.identity_registry.functions.investorCountry(alice).call() == US


def test_register_identity__registry_not_bound__reverts_not_bound(
    evm: Chain, authority: Contract, regs: RegistrySet, issuer: str, agent: str, alice: str, alice_oid: Contract
) -> None:
    unbound = deploy_proxied(
        evm,
        authority,
        "IdentityRegistry",
        (issuer, regs.trusted_issuers.address, regs.claim_topics.address, regs.identity_storage.address),
        sender=issuer,
    )
    evm.send(unbound.functions.addAgent(agent), issuer)
    with evm.reverts("IdentityRegistryStorageNotBound", unbound.address):
        evm.send(unbound.functions.registerIdentity(alice, alice_oid.address, US), agent)


def test_batch_register_identity__equal_lengths__registers_all_and_emits(
    evm: Chain, regs: RegistrySet, agent: str, alice: str, bob: str, alice_oid: Contract, bob_oid: Contract
) -> None:
    call = regs.identity_registry.functions.batchRegisterIdentity(
        [alice, bob], [alice_oid.address, bob_oid.address], [US, FR]
    )
    receipt = evm.send(call, agent)
    assert evm.events(receipt, regs.identity_registry, "IdentityRegistered") == [
        {"investorAddress": alice, "identity": alice_oid.address},
        {"investorAddress": bob, "identity": bob_oid.address},
    ]
    assert regs.identity_registry.functions.investorCountry(bob).call() == FR


@pytest.mark.parametrize(("identities", "countries", "other"), [(1, 2, 1), (2, 1, 1), (2, 3, 3)])
def test_batch_register_identity__length_mismatch__reverts_and_registers_nothing(
    evm: Chain,
    regs: RegistrySet,
    agent: str,
    alice: str,
    bob: str,
    alice_oid: Contract,
    identities: int,
    countries: int,
    other: int,
) -> None:
    call = regs.identity_registry.functions.batchRegisterIdentity(
        [alice, bob], [alice_oid.address] * identities, [US] * countries
    )
    with evm.reverts("IdentityRegistryLengthMismatch", 2, other):
        evm.send(call, agent)
    assert regs.identity_registry.functions.contains(alice).call() is False


def test_update_identity__by_agent__replaces_and_emits_old_and_new(
    evm: Chain,
    regs: RegistrySet,
    agent: str,
    alice: str,
    alice_oid: Contract,
    bob_oid: Contract,
    register: Callable[..., None],
) -> None:
    register(alice, alice_oid.address)
    receipt = evm.send(regs.identity_registry.functions.updateIdentity(alice, bob_oid.address), agent)
    assert evm.events(receipt, regs.identity_registry, "IdentityUpdated") == [
        {"oldIdentity": alice_oid.address, "newIdentity": bob_oid.address}
    ]
    assert evm.events(receipt, regs.identity_storage, "IdentityModified") == [
        {"oldIdentity": alice_oid.address, "newIdentity": bob_oid.address}
    ]
    assert regs.identity_registry.functions.identity(alice).call() == bob_oid.address


def test_update_identity__unregistered__reverts_not_stored(
    evm: Chain, regs: RegistrySet, agent: str, alice: str, alice_oid: Contract
) -> None:
    with evm.reverts("IdentityRegistryStorageNotStored", alice):
        evm.send(regs.identity_registry.functions.updateIdentity(alice, alice_oid.address), agent)


def test_update_country__by_agent__changes_and_emits(
    evm: Chain, regs: RegistrySet, agent: str, alice: str, alice_oid: Contract, register: Callable[..., None]
) -> None:
    register(alice, alice_oid.address)
    receipt = evm.send(regs.identity_registry.functions.updateCountry(alice, FR), agent)
    assert evm.events(receipt, regs.identity_registry, "CountryUpdated") == [{"investorAddress": alice, "country": FR}]
    assert regs.identity_registry.functions.investorCountry(alice).call() == FR


def test_delete_identity__by_agent__removes_and_emits(
    evm: Chain, regs: RegistrySet, agent: str, alice: str, alice_oid: Contract, register: Callable[..., None]
) -> None:
    register(alice, alice_oid.address)
    receipt = evm.send(regs.identity_registry.functions.deleteIdentity(alice), agent)
    assert evm.events(receipt, regs.identity_registry, "IdentityRemoved") == [
        {"investorAddress": alice, "identity": alice_oid.address}
    ]
    assert regs.identity_registry.functions.contains(alice).call() is False
    assert regs.identity_registry.functions.investorCountry(alice).call() == 0


def test_delete_identity__unregistered__reverts_not_stored(evm: Chain, regs: RegistrySet, agent: str, bob: str) -> None:
    with evm.reverts("IdentityRegistryStorageNotStored", bob):
        evm.send(regs.identity_registry.functions.deleteIdentity(bob), agent)


# ---- Registry setters ----


def test_set_identity_registry_storage__by_owner__switches_and_emits(
    evm: Chain, authority: Contract, regs: RegistrySet, issuer: str
) -> None:
    other = deploy_proxied(evm, authority, "IdentityRegistryStorage", (issuer,), sender=issuer)
    receipt = evm.send(regs.identity_registry.functions.setIdentityRegistryStorage(other.address), issuer)
    assert evm.events(receipt, regs.identity_registry, "IdentityStorageSet") == [{"identityStorage": other.address}]
    assert regs.identity_registry.functions.identityStorage().call() == other.address


@pytest.mark.parametrize("setter", ["setClaimTopicsRegistry", "setTrustedIssuersRegistry"])
def test_setter__zero_address__reverts_zero_address(evm: Chain, regs: RegistrySet, issuer: str, setter: str) -> None:
    with evm.reverts("IdentityRegistryZeroAddress"):
        evm.send(regs.identity_registry.functions[setter](ZERO), issuer)


def test_set_claim_topics_registry__unsubscribed_registry__emits_and_switches_to_live(
    evm: Chain, authority: Contract, regs: RegistrySet, issuer: str
) -> None:
    other = deploy_proxied(evm, authority, "ClaimTopicsRegistry", (issuer,), sender=issuer)
    receipt = evm.send(regs.identity_registry.functions.setClaimTopicsRegistry(other.address), issuer)
    assert evm.events(receipt, regs.identity_registry, "ClaimTopicsRegistrySet") == [
        {"claimTopicsRegistry": other.address}
    ]
    assert evm.events(receipt, regs.identity_registry, "PolicySynced") == [{"cached": False, "topicCount": 0}]
    assert regs.identity_registry.functions.topicsRegistry().call() == other.address
    assert regs.identity_registry.functions.policyCached().call() is False


def test_set_trusted_issuers_registry__subscribed_registry__emits_and_stays_cached(
    evm: Chain, authority: Contract, regs: RegistrySet, issuer: str
) -> None:
    other = deploy_proxied(evm, authority, "TrustedIssuersRegistry", (issuer,), sender=issuer)
    # subscribing before the switch: the push syncs, but the registry still reads the old issuers registry
    evm.send(other.functions.addPolicySubscriber(regs.identity_registry.address), issuer)
    receipt = evm.send(regs.identity_registry.functions.setTrustedIssuersRegistry(other.address), issuer)
    assert evm.events(receipt, regs.identity_registry, "TrustedIssuersRegistrySet") == [
        {"trustedIssuersRegistry": other.address}
    ]
    assert evm.events(receipt, regs.identity_registry, "PolicySynced") == [{"cached": True, "topicCount": 1}]
    assert regs.identity_registry.functions.issuersRegistry().call() == other.address


# ---- Verification ----


def test_is_verified__no_identity__false(regs: RegistrySet, policy_mode: str, alice: str) -> None:
    assert _verified(regs, alice) is False


def test_is_verified__no_required_topics__true(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    bob: str,
    bob_oid: Contract,
    register: Callable[..., None],
) -> None:
    evm.send(regs.claim_topics.functions.removeClaimTopic(KYC), issuer)
    register(bob, bob_oid.address)
    assert _verified(regs, bob) is True


def test_is_verified__no_trusted_issuer_for_topic__false(
    regs: RegistrySet, policy_mode: str, alice: str, alice_oid: Contract, register: Callable[..., None]
) -> None:
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is False


def test_is_verified__valid_claim_of_trusted_issuer__true(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is True


def test_is_verified__claim_with_data__re_encodes_signature_and_data(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    bob: str,
    bob_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
) -> None:
    # 45 bytes of data: neither signature (65) nor data is a multiple of 32, so padding is exercised
    add_claim(evm, bob_oid, bob, kyc_issuer.address, kyc_signer, KYC, b"accredited:US:2026-01-01:tier-2" + b"\x07" * 14)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(bob, bob_oid.address)
    assert _verified(regs, bob) is True


def test_is_verified__claim_revoked__false_at_once(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is True
    signature = make_claim(kyc_issuer.address, kyc_signer, alice_oid.address, KYC).signature
    evm.send(kyc_issuer.contract.functions.revokeClaimBySignature(signature), issuer)
    assert _verified(regs, alice) is False


def test_is_verified__trusted_issuer_removed__false_on_next_call(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is True
    evm.send(regs.trusted_issuers.functions.removeTrustedIssuer(kyc_issuer.address), issuer)
    assert _verified(regs, alice) is False


def test_is_verified__issuer_topics_updated_away__false_on_next_call(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address)
    evm.send(regs.trusted_issuers.functions.updateIssuerClaimTopics(kyc_issuer.address, [AML]), issuer)
    assert _verified(regs, alice) is False


def test_is_verified__new_required_topic_missing__false_on_next_call(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC, AML])
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is True
    evm.send(regs.claim_topics.functions.addClaimTopic(AML), issuer)
    assert _verified(regs, alice) is False


def test_is_verified__two_topics_both_held__true(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    second_issuer: ClaimIssuerPeer,
    second_signer: str,
    register: Callable[..., None],
) -> None:
    evm.send(regs.claim_topics.functions.addClaimTopic(AML), issuer)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    trust_issuer(evm, regs, issuer, second_issuer.address, [AML])
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is False  # AML missing
    add_claim(evm, alice_oid, alice, second_issuer.address, second_signer, AML)
    assert _verified(regs, alice) is True


@pytest.mark.parametrize(
    "wide_topic", [2**64 - 2, 2**64 - 1, 2**88 - 1, 2**256 - 1], ids=["inline-max", "sentinel", "wide", "max"]
)
def test_is_verified__topic_beyond_inline_width__checked_like_any_topic(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    bob: str,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
    wide_topic: int,
) -> None:
    # the cache stores topics below 2**64 - 1 inline with their first issuer, wider ones in their own slot
    evm.send(regs.claim_topics.functions.addClaimTopic(wide_topic), issuer)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC, wide_topic])
    identity = deploy_oid_identity(evm, bob)
    add_claim(evm, identity, bob, kyc_issuer.address, kyc_signer, KYC)
    register(bob, identity.address)
    assert _verified(regs, bob) is False
    add_claim(evm, identity, bob, kyc_issuer.address, kyc_signer, wide_topic)
    assert _verified(regs, bob) is True


def test_is_verified__reverting_issuer_before_valid_issuer__true(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
) -> None:
    # alice holds a claim of the broken issuer (added while it accepted everything), so the registry
    # reaches its isClaimValid, which now reverts
    broken = evm.deploy("MockClaimIssuer", ISSUER_ACCEPTS_ALL, sender=issuer)
    add_claim(evm, alice_oid, alice, broken.address, kyc_signer, KYC)
    evm.send(broken.functions.setMode(ISSUER_REVERTS), issuer)
    trust_issuer(evm, regs, issuer, broken.address, [KYC])
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    assert regs.trusted_issuers.functions.getTrustedIssuersForClaimTopic(KYC).call() == [
        broken.address,
        kyc_issuer.address,
    ]
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is True
    evm.send(regs.trusted_issuers.functions.removeTrustedIssuer(kyc_issuer.address), issuer)
    assert _verified(regs, alice) is False


def test_is_verified__forged_issuer_field__false(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    bob: str,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    attacker_issuer: ClaimIssuerPeer,
    attacker_signer: str,
    register: Callable[..., None],
) -> None:
    """ERC-3643 issue #101: the identity answers the trusted issuer's claim id with an attacker's claim."""
    holder = evm.deploy("MockClaimHolder", sender=bob)
    forged = make_claim(attacker_issuer.address, attacker_signer, holder.address, KYC)
    evm.send(holder.functions.setClaim(*forged.as_args()), bob)
    # the attacker's issuer vouches for its own claim: a registry trusting the issuer field would verify
    assert attacker_issuer.contract.functions.isClaimValid(holder.address, KYC, forged.signature, b"").call() is True
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(bob, holder.address)
    assert _verified(regs, bob) is False
    # control: the same holder answering with a genuine claim of the trusted issuer is verified
    genuine = make_claim(kyc_issuer.address, kyc_signer, holder.address, KYC)
    evm.send(holder.functions.setClaim(*genuine.as_args()), bob)
    assert _verified(regs, bob) is True


def test_is_verified__claim_topic_field_differs__false(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    bob: str,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
) -> None:
    holder = evm.deploy("MockClaimHolder", sender=bob)
    aml_claim = make_claim(kyc_issuer.address, kyc_signer, holder.address, AML)
    evm.send(holder.functions.setClaim(*aml_claim.as_args()), bob)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC, AML])
    register(bob, holder.address)
    assert _verified(regs, bob) is False


def test_is_verified__claim_of_untrusted_issuer__false(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    bob: str,
    bob_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    attacker_issuer: ClaimIssuerPeer,
    attacker_signer: str,
    register: Callable[..., None],
) -> None:
    add_claim(evm, bob_oid, bob, attacker_issuer.address, attacker_signer, KYC)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(bob, bob_oid.address)
    assert _verified(regs, bob) is False


@pytest.mark.parametrize("mode", [ISSUER_REVERTS, ISSUER_RETURNS_TWO, ISSUER_RETURNS_SHORT])
def test_is_verified__issuer_answers_anything_but_true__false(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    bob: str,
    kyc_signer: str,
    register: Callable[..., None],
    mode: int,
) -> None:
    odd = evm.deploy("MockClaimIssuer", mode, sender=issuer)
    holder = evm.deploy("MockClaimHolder", sender=bob)
    evm.send(holder.functions.setClaim(*make_claim(odd.address, kyc_signer, holder.address, KYC).as_args()), bob)
    trust_issuer(evm, regs, issuer, odd.address, [KYC])
    register(bob, holder.address)
    assert _verified(regs, bob) is False
    evm.send(odd.functions.setMode(ISSUER_ACCEPTS_ALL), issuer)
    assert _verified(regs, bob) is True


def test_is_verified__identity_reverts__false(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    bob: str,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
) -> None:
    holder = evm.deploy("MockClaimHolder", sender=bob)
    evm.send(holder.functions.setClaim(*make_claim(kyc_issuer.address, kyc_signer, holder.address, KYC).as_args()), bob)
    evm.send(holder.functions.setReverting(True), bob)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(bob, holder.address)
    assert _verified(regs, bob) is False


def test_is_verified__identity_without_code__false(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    bob: str,
    keeper: str,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(bob, keeper)  # an EOA as "identity"
    assert _verified(regs, bob) is False


def _claim_head(topic: int, issuer: str, sig_offset: int, data_offset: int) -> bytes:
    return encode(
        ["uint256", "uint256", "address", "uint256", "uint256", "uint256"],
        [topic, 1, issuer, sig_offset, data_offset, 0xC0],
    )


SECP256K1_HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
# r = 1, s = 1, v = 27: shaped like a canonical ECDSA signature (the mock issuer accepts anything).
CANONICAL_SHAPED_SIGNATURE = (1).to_bytes(32, "big") + (1).to_bytes(32, "big") + bytes([27])


def _expected_in_bounds(raw: bytes, sig_offset: int, data_offset: int) -> bool:
    """Python model of the registry's checks on getClaim's return data: both values in bounds and
    the signature a canonical 65-byte ECDSA signature (s <= n/2, v in {27, 28})."""
    for offset in (sig_offset, data_offset):
        if offset + 32 > len(raw):
            return False
        length = int.from_bytes(raw[offset : offset + 32], "big")
        if length > len(raw) - offset - 32:
            return False
    signature = raw[sig_offset + 32 : sig_offset + 32 + int.from_bytes(raw[sig_offset : sig_offset + 32], "big")]
    return (
        len(signature) == 65
        and int.from_bytes(signature[32:64], "big") <= SECP256K1_HALF_ORDER
        and signature[64] in (27, 28)
    )


@given(
    sig_offset=st.one_of(st.integers(0, 400), st.sampled_from([2**64, 2**255, 2**256 - 1])),
    data_offset=st.one_of(st.integers(0, 400), st.sampled_from([2**64, 2**256 - 32])),
    tail=st.binary(min_size=0, max_size=256),
    length_word=st.sampled_from([0, 1, 65, 200, 2**256 - 1]),
    canonical=st.booleans(),
)
def test_is_verified__malformed_claim_return_data__never_reverts_and_matches_bounds_model(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    bob: str,
    agent: str,
    sig_offset: int,
    data_offset: int,
    tail: bytes,
    length_word: int,
    canonical: bool,
) -> None:
    if canonical:  # give the signature slot a canonical-looking 65-byte signature some of the time
        tail = CANONICAL_SHAPED_SIGNATURE + tail
    snapshot = evm.snapshot()
    try:
        accept = evm.deploy("MockClaimIssuer", ISSUER_ACCEPTS_ALL, sender=issuer)
        holder = evm.deploy("MockClaimHolder", sender=bob)
        # a length word right after the head, then arbitrary bytes
        raw = _claim_head(KYC, accept.address, sig_offset, data_offset) + length_word.to_bytes(32, "big") + tail
        evm.send(holder.functions.setRawResponse(raw), bob)
        trust_issuer(evm, regs, issuer, accept.address, [KYC])
        evm.send(regs.identity_registry.functions.registerIdentity(bob, holder.address, US), agent)
        assert _verified(regs, bob) is _expected_in_bounds(raw, sig_offset, data_offset)
    finally:
        evm.revert_to(snapshot)


@pytest.mark.parametrize("size", [0, 31, 0xA0, 0xBF])
def test_is_verified__claim_return_data_too_short__false(
    evm: Chain, regs: RegistrySet, issuer: str, bob: str, register: Callable[..., None], size: int
) -> None:
    accept = evm.deploy("MockClaimIssuer", ISSUER_ACCEPTS_ALL, sender=issuer)
    holder = evm.deploy("MockClaimHolder", sender=bob)
    signature = (65).to_bytes(32, "big") + CANONICAL_SHAPED_SIGNATURE + bytes(31)
    full = _claim_head(KYC, accept.address, 0xC0, 0xC0 + len(signature)) + signature + bytes(32)
    evm.send(holder.functions.setRawResponse(full[:size]), bob)
    trust_issuer(evm, regs, issuer, accept.address, [KYC])
    register(bob, holder.address)
    assert _verified(regs, bob) is False
    evm.send(holder.functions.setRawResponse(full), bob)
    assert _verified(regs, bob) is True


def test_is_verified__storage_shared_by_registries_with_different_topics__each_applies_its_own(
    evm: Chain,
    authority: Contract,
    regs: RegistrySet,
    issuer: str,
    agent: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    aml_regs = deploy_registry_set(
        evm, authority, issuer, agents=[agent], claim_topics=[AML], identity_storage=regs.identity_storage
    )
    assert regs.identity_storage.functions.linkedIdentityRegistries().call() == [
        regs.identity_registry.address,
        aml_regs.identity_registry.address,
    ]
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    trust_issuer(evm, aml_regs, issuer, kyc_issuer.address, [AML])
    register(alice, alice_oid.address)  # through the KYC registry only
    assert aml_regs.identity_registry.functions.contains(alice).call() is True
    assert aml_regs.identity_registry.functions.investorCountry(alice).call() == US
    assert _verified(regs, alice) is True
    assert _verified(aml_regs, alice) is False  # alice holds KYC, not AML
    # a change through the second registry is seen by the first
    evm.send(aml_regs.identity_registry.functions.updateCountry(alice, FR), agent)
    assert regs.identity_registry.functions.investorCountry(alice).call() == FR


# ---- Policy cache ----


def test_sync_policy__subscribed_to_both__caches_topics(evm: Chain, regs: RegistrySet, keeper: str) -> None:
    receipt = evm.send(regs.identity_registry.functions.syncPolicy(), keeper)  # permissionless
    assert evm.events(receipt, regs.identity_registry, "PolicySynced") == [{"cached": True, "topicCount": 1}]
    assert regs.identity_registry.functions.policyCached().call() is True


def test_sync_policy__subscribed_to_one__reads_live(evm: Chain, authority: Contract, issuer: str, agent: str) -> None:
    live = deploy_registry_set(evm, authority, issuer, agents=[agent], claim_topics=[KYC], cache_policy=False)
    evm.send(live.claim_topics.functions.addPolicySubscriber(live.identity_registry.address), issuer)
    assert live.identity_registry.functions.policyCached().call() is False
    receipt = evm.send(live.trusted_issuers.functions.addPolicySubscriber(live.identity_registry.address), issuer)
    assert evm.events(receipt, live.identity_registry, "PolicySynced") == [{"cached": True, "topicCount": 1}]


def test_remove_policy_subscriber__cached_registry__switches_to_live_and_stays_correct(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address)
    receipt = evm.send(regs.claim_topics.functions.removePolicySubscriber(regs.identity_registry.address), issuer)
    assert evm.events(receipt, regs.claim_topics, "PolicySubscriberRemoved") == [
        {"identityRegistry": regs.identity_registry.address, "synced": True}
    ]
    assert regs.identity_registry.functions.policyCached().call() is False
    # no push reaches the registry any more, yet a new topic applies at once (live read)
    evm.send(regs.claim_topics.functions.addClaimTopic(AML), issuer)
    assert _verified(regs, alice) is False


def test_remove_trusted_issuer__another_subscriber_reverts__issuer_removed_and_holder_unverified(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    """Review finding 8: one subscriber whose `syncPolicy` reverts used to block every change of its
    publisher, including the emergency removal of a compromised claim issuer."""
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address)
    assert _verified(regs, alice) is True
    broken = evm.deploy("MockPolicySubscriber", sender=issuer)
    evm.send(regs.trusted_issuers.functions.addPolicySubscriber(broken.address), issuer)
    evm.send(broken.functions.setFailing(True), issuer)

    receipt = evm.send(regs.trusted_issuers.functions.removeTrustedIssuer(kyc_issuer.address), issuer)

    assert regs.trusted_issuers.functions.isTrustedIssuer(kyc_issuer.address).call() is False
    assert _verified(regs, alice) is False
    assert regs.identity_registry.functions.policyCached().call() is True  # the sound registry re-synced
    assert evm.events(receipt, regs.trusted_issuers, "PolicySubscriberStale") == [
        {"identityRegistry": broken.address, "marked": True}
    ]
    assert regs.trusted_issuers.functions.isPolicySubscriberStale(broken.address).call() is True


def test_policy_change__registry_sync_exceeds_its_budget__marked_stale_verifies_live_until_resynced(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    keeper: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    """Review finding 8: a registry whose re-sync needs more than the publisher's budget (here 41 cached
    issuers) is marked stale instead of blocking the change: it drops its cache and verifies from live
    reads until anyone re-syncs it on its own transaction."""
    registry, publisher = regs.identity_registry, regs.trusted_issuers
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    for index in range(40):
        trust_issuer(evm, regs, issuer, filler_issuer(index), [KYC])
    evm.send(registry.functions.syncPolicy(), keeper)  # the large policy fits a sync of its own
    register(alice, alice_oid.address)
    assert registry.functions.policyCached().call() is True
    assert _verified(regs, alice) is True

    receipt = evm.send(publisher.functions.removeTrustedIssuer(kyc_issuer.address), issuer)

    assert evm.events(receipt, registry, "PolicyMarkedStale") == [{"publisher": publisher.address}]
    assert evm.events(receipt, publisher, "PolicySubscriberStale") == [
        {"identityRegistry": registry.address, "marked": True}
    ]
    assert registry.functions.policyStale().call() is True
    assert registry.functions.policyCached().call() is False
    assert _verified(regs, alice) is False  # live: the removed issuer no longer counts
    # while stale, every change applies at once through the live reads
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    assert _verified(regs, alice) is True
    evm.send(publisher.functions.removeTrustedIssuer(kyc_issuer.address), issuer)
    assert _verified(regs, alice) is False
    # anyone re-syncs it with enough gas: cached again, and the publisher's record clears through it
    evm.send(registry.functions.syncPolicy(), keeper)
    assert (registry.functions.policyStale().call(), registry.functions.policyCached().call()) == (False, True)
    assert _verified(regs, alice) is False
    receipt = evm.send(publisher.functions.resyncPolicySubscriber(registry.address), keeper)
    assert evm.events(receipt, publisher, "PolicySubscriberResynced") == [{"identityRegistry": registry.address}]
    assert publisher.functions.isPolicySubscriberStale(registry.address).call() is False


def test_mark_policy_stale__not_a_publisher_of_the_registry__reverts(evm: Chain, regs: RegistrySet, bob: str) -> None:
    with evm.reverts("PolicySubscriberNotPublisher", bob):
        evm.send(regs.identity_registry.functions.markPolicyStale(), bob)
    assert regs.identity_registry.functions.policyStale().call() is False
    assert regs.identity_registry.functions.policyCached().call() is True


def test_set_trusted_issuers_registry__trex_like_registry_without_publisher__reads_live(
    evm: Chain, regs: RegistrySet, issuer: str
) -> None:
    # a contract that is not a publisher (isPolicySubscriber reverts): the registry falls back to live reads
    foreign = evm.deploy("MockClaimIssuer", ISSUER_REVERTS, sender=issuer)
    evm.send(regs.identity_registry.functions.setTrustedIssuersRegistry(foreign.address), issuer)
    assert regs.identity_registry.functions.policyCached().call() is False


# ---- transferParties ----


def test_transfer_parties__both_registered__returns_identities_countries_and_verification(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    policy_mode: str,
    alice: str,
    bob: str,
    alice_oid: Contract,
    bob_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address, US)
    register(bob, bob_oid.address, FR)
    parties = regs.identity_registry.functions.transferParties
    # bob holds no claim: his identity and country still come back, unverified
    assert parties(alice, bob).call() == [alice_oid.address, US, bob_oid.address, FR, False]
    assert parties(bob, alice).call() == [bob_oid.address, FR, alice_oid.address, US, True]


def test_transfer_parties__zero_or_unregistered_wallets__zero_values_unverified(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    alice: str,
    keeper: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    register: Callable[..., None],
) -> None:
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    register(alice, alice_oid.address, US)
    parties = regs.identity_registry.functions.transferParties
    assert parties(ZERO, alice).call() == [ZERO, 0, alice_oid.address, US, True]  # mint
    assert parties(alice, ZERO).call() == [alice_oid.address, US, ZERO, 0, False]  # burn
    assert parties(keeper, alice).call() == [ZERO, 0, alice_oid.address, US, True]
    assert parties(alice, keeper).call() == [alice_oid.address, US, ZERO, 0, False]


# ---- Gas ----


def _measure(evm: Chain, probe: Contract, call: object, sender: str) -> tuple[int, int, int]:
    """(eth_estimateGas of the probe tx, its receipt gasUsed, gas of the registry call alone)."""
    estimate = int(call.estimate_gas({"from": sender}))  # type: ignore[attr-defined]
    receipt = evm.send(call, sender)  # type: ignore[arg-type]
    return estimate, int(receipt["gasUsed"]), int(probe.functions.lastGas().call())


@pytest.mark.parametrize("mode", ["cached", "live"])
def test_transfer_parties__one_topic_one_issuer__gas_within_budget(
    evm: Chain,
    regs: RegistrySet,
    issuer: str,
    alice: str,
    bob: str,
    keeper: str,
    alice_oid: Contract,
    bob_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    register: Callable[..., None],
    mode: str,
) -> None:
    if mode == "live":
        evm.send(regs.trusted_issuers.functions.removePolicySubscriber(regs.identity_registry.address), issuer)
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [KYC])
    add_claim(evm, bob_oid, bob, kyc_issuer.address, kyc_signer, KYC)
    register(alice, alice_oid.address, US)
    register(bob, bob_oid.address, FR)
    probe = evm.deploy("TransferPartiesProbe", sender=keeper)
    registry = regs.identity_registry
    # warm nothing: each measurement is a fresh transaction (cold accounts and slots, like a token transfer)
    parties = _measure(evm, probe, probe.functions.probeTransferParties(registry.address, alice, bob), keeper)
    assert probe.functions.toVerified().call() is True
    assert probe.functions.toIdentity().call() == bob_oid.address
    verified = _measure(evm, probe, probe.functions.probeIsVerified(registry.address, bob), keeper)
    print(f"\n[{mode}] transferParties: estimate={parties[0]} gasUsed={parties[1]} call={parties[2]}")
    print(f"[{mode}] isVerified:      estimate={verified[0]} gasUsed={verified[1]} call={verified[2]}")
    ceiling = MAX_TRANSFER_PARTIES_GAS_CACHED if mode == "cached" else MAX_TRANSFER_PARTIES_GAS_LIVE
    assert parties[2] <= ceiling


def test_registry_bench_group__run__cached_cheaper_than_live_for_every_view(evm: Chain) -> None:
    from dualtrack.bench.groups.identity_registry import registry_group

    results = registry_group(evm)
    for view in ("transferParties", "transferParties_mint", "isVerified"):
        for flavour in ("", "_onchainid"):
            assert results[f"registry.{view}.cached{flavour}"] < results[f"registry.{view}.live{flavour}"]
