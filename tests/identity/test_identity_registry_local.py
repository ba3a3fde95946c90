"""IdentityRegistry with local records: no IdentityRegistryStorage, the registry keeps the wallet records.

The registry is then its own identity storage: it answers the storage's read functions, emits the
storage's events and reverts with its errors. Switching to a shared storage and back never migrates
records. Verification runs on the local records with the policy cached and live.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.peers.onchainid import ClaimIssuerPeer
from dualtrack.proxy import deploy_proxied
from dualtrack.registry import RegistrySet, deploy_registry_set, trust_issuer
from tests.identity.registry_fixtures import *  # noqa: F403 - the registry fixtures
from tests.identity.registry_fixtures import AML, FR, KYC, US, add_claim, deploy_oid_identity
from tests.support import ZERO

# transferParties transaction with local records, ONCHAINID identity and issuer, cached policy: no storage
# call (regression guard: the same with a shared storage costs ~100k; the bench prints exact figures).
MAX_TRANSFER_PARTIES_GAS_LOCAL_CACHED = 92_000


@pytest.fixture(scope="session")
def local(evm: Chain, authority: Contract, issuer: str, agent: str) -> RegistrySet:
    """A cached registry set requiring KYC whose registry keeps the wallet records itself."""
    return deploy_registry_set(evm, authority, issuer, agents=[agent], claim_topics=[KYC], local_records=True)


@pytest.fixture(params=["cached", "live"])
def local_policy(request: pytest.FixtureRequest, evm: Chain, local: RegistrySet, issuer: str) -> str:
    """Run the test with the policy cache, then with live reads."""
    if request.param == "live":
        evm.send(local.trusted_issuers.functions.removePolicySubscriber(local.identity_registry.address), issuer)
    assert local.identity_registry.functions.policyCached().call() == (request.param == "cached")
    return str(request.param)


@pytest.fixture(scope="session")
def shared_storage(evm: Chain, authority: Contract, issuer: str, local: RegistrySet) -> Contract:
    """An IdentityRegistryStorage (owned by ``issuer``) with the local registry bound to it."""
    storage = deploy_proxied(evm, authority, "IdentityRegistryStorage", (issuer,), sender=issuer)
    evm.send(storage.functions.bindIdentityRegistry(local.identity_registry.address), issuer)
    return storage


def _records(registry: Contract, wallet: str) -> tuple[str, int, bool]:
    f = registry.functions
    return f.identity(wallet).call(), f.investorCountry(wallet).call(), f.contains(wallet).call()


# ---- Initialization ----


def test_initialize__zero_storage__local_records_and_own_storage(
    evm: Chain, authority: Contract, local: RegistrySet, issuer: str
) -> None:
    registry = local.identity_registry
    assert local.identity_storage.address == registry.address
    assert registry.functions.identityStorage().call() == registry.address
    assert registry.functions.linkedIdentityRegistries().call() == [registry.address]
    fresh = deploy_proxied(
        evm,
        authority,
        "IdentityRegistry",
        (issuer, local.trusted_issuers.address, local.claim_topics.address, ZERO),
        sender=issuer,
    )
    assert fresh.functions.identityStorage().call() == fresh.address
    assert fresh.functions.policyCached().call() is False


# ---- Mutators (agents) ----


def test_register_identity__local__stores_record_and_emits_storage_and_registry_events(
    evm: Chain, local: RegistrySet, agent: str, alice: str, alice_oid: Contract
) -> None:
    registry = local.identity_registry
    receipt = evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    stored = {"investorAddress": alice, "identity": alice_oid.address}
    assert evm.events(receipt, registry, "IdentityStored") == [stored]
    assert evm.events(receipt, registry, "IdentityRegistered") == [stored]
    assert _records(registry, alice) == (alice_oid.address, US, True)
    f = registry.functions
    assert f.storedIdentity(alice).call() == alice_oid.address
    assert f.storedInvestorCountry(alice).call() == US
    assert f.storedInvestor(alice).call() == [alice_oid.address, US]


def test_register_identity__twice__reverts_already_stored(
    evm: Chain, local: RegistrySet, agent: str, alice: str, alice_oid: Contract
) -> None:
    evm.send(local.identity_registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    with evm.reverts("IdentityRegistryStorageAlreadyStored", alice):
        evm.send(local.identity_registry.functions.registerIdentity(alice, alice_oid.address, FR), agent)
    assert _records(local.identity_registry, alice) == (alice_oid.address, US, True)


@pytest.mark.parametrize("zero", ["wallet", "identity"])
def test_register_identity__zero_wallet_or_identity__reverts_zero_address(
    evm: Chain, local: RegistrySet, agent: str, alice: str, alice_oid: Contract, zero: str
) -> None:
    wallet, identity = (ZERO, alice_oid.address) if zero == "wallet" else (alice, ZERO)
    with evm.reverts("IdentityRegistryStorageZeroAddress"):
        evm.send(local.identity_registry.functions.registerIdentity(wallet, identity, US), agent)
    assert _records(local.identity_registry, alice) == (ZERO, 0, False)


def test_batch_register_identity__local__stores_every_record(
    evm: Chain, local: RegistrySet, agent: str, alice: str, bob: str, alice_oid: Contract, bob_oid: Contract
) -> None:
    registry = local.identity_registry
    receipt = evm.send(
        registry.functions.batchRegisterIdentity([alice, bob], [alice_oid.address, bob_oid.address], [US, FR]), agent
    )
    assert [e["investorAddress"] for e in evm.events(receipt, registry, "IdentityStored")] == [alice, bob]
    assert [e["investorAddress"] for e in evm.events(receipt, registry, "IdentityRegistered")] == [alice, bob]
    assert registry.functions.storedInvestors(alice, bob).call() == [alice_oid.address, US, bob_oid.address, FR]


def test_batch_register_identity__duplicate_wallet__reverts_and_stores_nothing(
    evm: Chain, local: RegistrySet, agent: str, alice: str, alice_oid: Contract
) -> None:
    with evm.reverts("IdentityRegistryStorageAlreadyStored", alice):
        evm.send(
            local.identity_registry.functions.batchRegisterIdentity(
                [alice, alice], [alice_oid.address, alice_oid.address], [US, US]
            ),
            agent,
        )
    assert _records(local.identity_registry, alice) == (ZERO, 0, False)


def test_update_identity__local__replaces_identity_and_emits(
    evm: Chain, local: RegistrySet, agent: str, alice: str, alice_oid: Contract, bob_oid: Contract
) -> None:
    registry = local.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    receipt = evm.send(registry.functions.updateIdentity(alice, bob_oid.address), agent)
    change = {"oldIdentity": alice_oid.address, "newIdentity": bob_oid.address}
    assert evm.events(receipt, registry, "IdentityModified") == [change]
    assert evm.events(receipt, registry, "IdentityUpdated") == [change]
    assert _records(registry, alice) == (bob_oid.address, US, True)


def test_update_identity__unregistered_or_zero__reverts(
    evm: Chain, local: RegistrySet, agent: str, alice: str, bob: str, alice_oid: Contract
) -> None:
    registry = local.identity_registry
    with evm.reverts("IdentityRegistryStorageNotStored", bob):
        evm.send(registry.functions.updateIdentity(bob, alice_oid.address), agent)
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    with evm.reverts("IdentityRegistryStorageZeroAddress"):
        evm.send(registry.functions.updateIdentity(alice, ZERO), agent)
    assert _records(registry, alice) == (alice_oid.address, US, True)


def test_update_country__local__changes_country_and_emits(
    evm: Chain, local: RegistrySet, agent: str, alice: str, bob: str, alice_oid: Contract
) -> None:
    registry = local.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    receipt = evm.send(registry.functions.updateCountry(alice, FR), agent)
    assert evm.events(receipt, registry, "CountryModified") == [{"investorAddress": alice, "country": FR}]
    assert evm.events(receipt, registry, "CountryUpdated") == [{"investorAddress": alice, "country": FR}]
    assert _records(registry, alice) == (alice_oid.address, FR, True)
    with evm.reverts("IdentityRegistryStorageNotStored", bob):
        evm.send(registry.functions.updateCountry(bob, FR), agent)


def test_delete_identity__local__removes_record_and_emits(
    evm: Chain, local: RegistrySet, agent: str, alice: str, alice_oid: Contract
) -> None:
    registry = local.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    receipt = evm.send(registry.functions.deleteIdentity(alice), agent)
    removed = {"investorAddress": alice, "identity": alice_oid.address}
    assert evm.events(receipt, registry, "IdentityUnstored") == [removed]
    assert evm.events(receipt, registry, "IdentityRemoved") == [removed]
    assert _records(registry, alice) == (ZERO, 0, False)
    with evm.reverts("IdentityRegistryStorageNotStored", alice):
        evm.send(registry.functions.deleteIdentity(alice), agent)


AGENT_PATHS: list[tuple[str, Callable[[str, str], tuple[object, ...]]]] = [
    ("registerIdentity", lambda w, i: (w, i, US)),
    ("batchRegisterIdentity", lambda w, i: ([w], [i], [US])),
    ("updateIdentity", lambda w, i: (w, i)),
    ("updateCountry", lambda w, i: (w, FR)),
    ("deleteIdentity", lambda w, i: (w,)),
]


@pytest.mark.parametrize(("function", "args"), AGENT_PATHS, ids=[name for name, _ in AGENT_PATHS])
def test_mutator__non_agent__reverts_not_agent_and_keeps_record(
    evm: Chain,
    local: RegistrySet,
    agent: str,
    alice: str,
    bob: str,
    alice_oid: Contract,
    function: str,
    args: Callable[[str, str], tuple[object, ...]],
) -> None:
    registry = local.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    with evm.reverts("IdentityRegistryNotAgent", bob):
        evm.send(registry.functions[function](*args(alice, alice_oid.address)), bob)
    assert _records(registry, alice) == (alice_oid.address, US, True)


# ---- Switching storage ----


def test_set_identity_registry_storage__local_to_shared_and_back__records_not_migrated(
    evm: Chain,
    local: RegistrySet,
    shared_storage: Contract,
    issuer: str,
    agent: str,
    alice: str,
    bob: str,
    alice_oid: Contract,
    bob_oid: Contract,
) -> None:
    registry = local.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)

    receipt = evm.send(registry.functions.setIdentityRegistryStorage(shared_storage.address), issuer)
    assert evm.events(receipt, registry, "IdentityStorageSet") == [{"identityStorage": shared_storage.address}]
    assert registry.functions.identityStorage().call() == shared_storage.address
    # the local record is not copied: the shared storage does not know alice
    assert _records(registry, alice) == (ZERO, 0, False)
    receipt = evm.send(registry.functions.registerIdentity(bob, bob_oid.address, FR), agent)
    assert evm.events(receipt, shared_storage, "IdentityStored") == [
        {"investorAddress": bob, "identity": bob_oid.address}
    ]
    assert evm.events(receipt, registry, "IdentityStored") == []
    # the storage's read functions answer what the shared storage answers
    assert registry.functions.storedInvestors(alice, bob).call() == [ZERO, 0, bob_oid.address, FR]
    assert registry.functions.linkedIdentityRegistries().call() == [registry.address]
    assert shared_storage.functions.linkedIdentityRegistries().call() == [registry.address]

    receipt = evm.send(registry.functions.setIdentityRegistryStorage(ZERO), issuer)
    assert evm.events(receipt, registry, "IdentityStorageSet") == [{"identityStorage": registry.address}]
    assert registry.functions.identityStorage().call() == registry.address
    # back to the local records: alice is there again, bob (stored in the shared storage) is not
    assert _records(registry, alice) == (alice_oid.address, US, True)
    assert _records(registry, bob) == (ZERO, 0, False)
    assert shared_storage.functions.storedIdentity(bob).call() == bob_oid.address


def test_set_identity_registry_storage__own_address__local_records(
    evm: Chain, local: RegistrySet, shared_storage: Contract, issuer: str, agent: str, alice: str, alice_oid: Contract
) -> None:
    registry = local.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    evm.send(registry.functions.setIdentityRegistryStorage(shared_storage.address), issuer)
    receipt = evm.send(registry.functions.setIdentityRegistryStorage(registry.address), issuer)
    assert evm.events(receipt, registry, "IdentityStorageSet") == [{"identityStorage": registry.address}]
    assert registry.functions.linkedIdentityRegistries().call() == [registry.address]
    assert _records(registry, alice) == (alice_oid.address, US, True)


def test_set_identity_registry_storage__shared_registry_to_local__starts_empty(
    evm: Chain, regs: RegistrySet, issuer: str, agent: str, alice: str, alice_oid: Contract
) -> None:
    registry = regs.identity_registry
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    receipt = evm.send(registry.functions.setIdentityRegistryStorage(ZERO), issuer)
    assert evm.events(receipt, registry, "IdentityStorageSet") == [{"identityStorage": registry.address}]
    assert _records(registry, alice) == (ZERO, 0, False)
    assert regs.identity_storage.functions.storedIdentity(alice).call() == alice_oid.address
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, FR), agent)
    assert _records(registry, alice) == (alice_oid.address, FR, True)
    assert regs.identity_storage.functions.storedInvestorCountry(alice).call() == US


def test_set_identity_registry_storage__non_owner__reverts_unauthorized(
    evm: Chain, local: RegistrySet, shared_storage: Contract, agent: str
) -> None:
    registry = local.identity_registry
    for target in (ZERO, shared_storage.address):
        with evm.reverts("OwnableUnauthorizedAccount", agent):
            evm.send(registry.functions.setIdentityRegistryStorage(target), agent)
    assert registry.functions.identityStorage().call() == registry.address


# ---- Verification on local records ----


def test_is_verified__local_records__follows_claims_and_records(
    evm: Chain,
    local: RegistrySet,
    issuer: str,
    agent: str,
    local_policy: str,
    alice: str,
    alice_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
) -> None:
    registry = local.identity_registry
    trust_issuer(evm, local, issuer, kyc_issuer.address, [KYC])
    assert registry.functions.isVerified(alice).call() is False  # no record
    evm.send(registry.functions.registerIdentity(alice, alice_oid.address, US), agent)
    assert registry.functions.isVerified(alice).call() is True
    kyc_issuer.revoke(alice_oid.address, KYC)
    assert registry.functions.isVerified(alice).call() is False  # live: the very next check
    evm.send(registry.functions.deleteIdentity(alice), agent)
    assert registry.functions.isVerified(alice).call() is False


def test_transfer_parties__local_records__identities_countries_and_verification(
    evm: Chain,
    local: RegistrySet,
    issuer: str,
    agent: str,
    local_policy: str,
    alice: str,
    bob: str,
    alice_oid: Contract,
    bob_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
) -> None:
    registry = local.identity_registry
    trust_issuer(evm, local, issuer, kyc_issuer.address, [KYC])
    evm.send(
        registry.functions.batchRegisterIdentity([alice, bob], [alice_oid.address, bob_oid.address], [US, FR]), agent
    )
    parties = registry.functions.transferParties
    assert parties(bob, alice).call() == [bob_oid.address, FR, alice_oid.address, US, True]
    assert parties(alice, bob).call() == [alice_oid.address, US, bob_oid.address, FR, False]  # bob has no claim
    assert parties(ZERO, alice).call() == [ZERO, 0, alice_oid.address, US, True]
    assert parties(alice, ZERO).call() == [alice_oid.address, US, ZERO, 0, False]
    assert parties(ZERO, ZERO).call() == [ZERO, 0, ZERO, 0, False]
    kyc_issuer.revoke(alice_oid.address, KYC)
    assert parties(bob, alice).call() == [bob_oid.address, FR, alice_oid.address, US, False]


@pytest.mark.parametrize("first_topic", [KYC, 2**64 - 1, 2**256 - 1], ids=["inline", "sentinel", "max"])
def test_is_verified__two_topics_first_in_config_slot__both_required(
    evm: Chain,
    authority: Contract,
    issuer: str,
    agent: str,
    bob: str,
    kyc_issuer: ClaimIssuerPeer,
    second_issuer: ClaimIssuerPeer,
    kyc_signer: str,
    second_signer: str,
    first_topic: int,
) -> None:
    # topic 0's head lives in the configuration slot (its full value elsewhere when it does not fit
    # inline); topic 1 is read from its own cache entry
    regs = deploy_registry_set(
        evm, authority, issuer, agents=[agent], claim_topics=[first_topic, AML], local_records=True
    )
    trust_issuer(evm, regs, issuer, kyc_issuer.address, [first_topic])
    trust_issuer(evm, regs, issuer, second_issuer.address, [AML])
    assert regs.identity_registry.functions.policyCached().call() is True
    identity = deploy_oid_identity(evm, bob)
    evm.send(regs.identity_registry.functions.registerIdentity(bob, identity.address, US), agent)
    add_claim(evm, identity, bob, kyc_issuer.address, kyc_signer, first_topic)
    assert regs.identity_registry.functions.isVerified(bob).call() is False  # AML missing
    add_claim(evm, identity, bob, second_issuer.address, second_signer, AML)
    assert regs.identity_registry.functions.isVerified(bob).call() is True
    # a first topic with no trusted issuer fails verification
    evm.send(regs.trusted_issuers.functions.removeTrustedIssuer(kyc_issuer.address), issuer)
    assert regs.identity_registry.functions.isVerified(bob).call() is False


def test_transfer_parties__local_cached__gas_within_budget(
    evm: Chain,
    local: RegistrySet,
    issuer: str,
    agent: str,
    keeper: str,
    alice: str,
    bob: str,
    alice_oid: Contract,
    bob_oid: Contract,
    kyc_issuer: ClaimIssuerPeer,
) -> None:
    registry = local.identity_registry
    trust_issuer(evm, local, issuer, kyc_issuer.address, [KYC])
    evm.send(
        registry.functions.batchRegisterIdentity([alice, bob], [alice_oid.address, bob_oid.address], [US, FR]), agent
    )
    receipt = evm.send(registry.functions.transferParties(bob, alice), keeper)
    print(f"transferParties (local records, cached): {receipt['gasUsed']:,} gas")
    assert receipt["gasUsed"] <= MAX_TRANSFER_PARTIES_GAS_LOCAL_CACHED


# ---- Local and shared records agree ----

OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["register", "update", "country", "delete"]), st.integers(0, 2), st.integers(0, 1)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=10, deadline=None)
@given(operations=OPERATIONS)
def test_any_sequence__local_and_shared_records__same_outcomes_and_views(
    evm: Chain,
    local: RegistrySet,
    regs: RegistrySet,
    agent: str,
    alice: str,
    bob: str,
    keeper: str,
    alice_oid: Contract,
    bob_oid: Contract,
    operations: list[tuple[str, int, int]],
) -> None:
    wallets, identities, countries = [alice, bob, keeper], [alice_oid.address, bob_oid.address], [US, FR]
    snapshot = evm.snapshot()
    try:
        model: dict[str, tuple[str, int]] = {}
        for name, wallet_index, value in operations:
            wallet = wallets[wallet_index]
            call = {
                "register": lambda r, w=wallet, v=value: r.functions.registerIdentity(w, identities[v], countries[v]),
                "update": lambda r, w=wallet, v=value: r.functions.updateIdentity(w, identities[v]),
                "country": lambda r, w=wallet, v=value: r.functions.updateCountry(w, countries[v]),
                "delete": lambda r, w=wallet: r.functions.deleteIdentity(w),
            }[name]
            outcomes = []
            for registry in (local.identity_registry, regs.identity_registry):
                try:
                    call(registry).call({"from": agent})
                except Exception:  # a revert; compared between the two modes
                    outcomes.append(False)
                else:
                    evm.send(call(registry), agent)
                    outcomes.append(True)
            expected_ok = (name == "register") != (wallet in model)
            assert outcomes == [expected_ok, expected_ok]
            if expected_ok:
                if name == "register":
                    model[wallet] = (identities[value], countries[value])
                elif name == "update":
                    model[wallet] = (identities[value], model[wallet][1])
                elif name == "country":
                    model[wallet] = (model[wallet][0], countries[value])
                else:
                    del model[wallet]
        for wallet in wallets:
            identity, country = model.get(wallet, (ZERO, 0))
            for registry in (local.identity_registry, regs.identity_registry):
                assert _records(registry, wallet) == (identity, country, wallet in model)
                assert registry.functions.storedInvestor(wallet).call() == [identity, country]
    finally:
        evm.revert_to(snapshot)
