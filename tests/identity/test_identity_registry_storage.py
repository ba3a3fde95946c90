"""IdentityRegistryStorage behind SuiteProxy: one slot per wallet, bound writers, O(1) unbinding, cap."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.proxy import deploy_proxied
from tests.identity.registry_fixtures import *  # noqa: F403 - the registry fixtures
from tests.support import ZERO

US, FR = 840, 250
ID_A = to_checksum_address("0x00000000000000000000000000000000000000a1")
ID_B = to_checksum_address("0x00000000000000000000000000000000000000b2")
# keccak256(abi.encode(uint256(keccak256("dualtrack.storage.IdentityRegistryStorage")) - 1)) & ~0xff
LAYOUT_SLOT = 0xDA820E2D8734C3FA5AAD3255C8ED109999FAB93024D78DC1EAB05451033F9C00
MAX_BOUND_REGISTRIES = 300


@pytest.fixture(scope="session")
def irs(evm: Chain, authority: Contract, issuer: str, agent: str) -> Contract:
    """A storage owned by `issuer`, with the `agent` account bound as a (stand-in) identity registry."""
    storage = deploy_proxied(evm, authority, "IdentityRegistryStorage", (issuer,), sender=issuer)
    evm.send(storage.functions.bindIdentityRegistry(agent), issuer)
    return storage


def _addr(i: int) -> str:
    return to_checksum_address("0x" + (0x1000 + i).to_bytes(20, "big").hex())


def test_initialize__twice__reverts(evm: Chain, irs: Contract, issuer: str) -> None:
    assert irs.functions.owner().call() == issuer
    with evm.reverts("InvalidInitialization"):
        evm.send(irs.functions.initialize(issuer), issuer)


# ---- Binding ----


def test_bind__by_owner__links_and_emits(evm: Chain, irs: Contract, issuer: str, agent: str, bob: str) -> None:
    receipt = evm.send(irs.functions.bindIdentityRegistry(bob), issuer)
    assert evm.events(receipt, irs, "IdentityRegistryBound") == [{"identityRegistry": bob}]
    assert irs.functions.linkedIdentityRegistries().call() == [agent, bob]


def test_bind__twice__reverts_already_bound(evm: Chain, irs: Contract, issuer: str, agent: str) -> None:
    with evm.reverts("IdentityRegistryStorageAlreadyBound", agent):
        evm.send(irs.functions.bindIdentityRegistry(agent), issuer)


def test_bind__zero__reverts_zero_address(evm: Chain, irs: Contract, issuer: str) -> None:
    with evm.reverts("IdentityRegistryStorageZeroAddress"):
        evm.send(irs.functions.bindIdentityRegistry(ZERO), issuer)


def test_bind__cap_reached__reverts_and_unbind_frees_a_place(evm: Chain, irs: Contract, issuer: str) -> None:
    for i in range(MAX_BOUND_REGISTRIES - 1):  # `agent` is already bound
        evm.send(irs.functions.bindIdentityRegistry(_addr(i)), issuer)
    assert len(irs.functions.linkedIdentityRegistries().call()) == MAX_BOUND_REGISTRIES
    with evm.reverts("IdentityRegistryStorageCapReached", MAX_BOUND_REGISTRIES):
        evm.send(irs.functions.bindIdentityRegistry(_addr(999)), issuer)
    evm.send(irs.functions.unbindIdentityRegistry(_addr(7)), issuer)
    evm.send(irs.functions.bindIdentityRegistry(_addr(999)), issuer)
    assert len(irs.functions.linkedIdentityRegistries().call()) == MAX_BOUND_REGISTRIES


def test_unbind__middle_registry__moves_last_into_place_and_emits(
    evm: Chain, irs: Contract, issuer: str, agent: str
) -> None:
    for i in range(3):
        evm.send(irs.functions.bindIdentityRegistry(_addr(i)), issuer)
    receipt = evm.send(irs.functions.unbindIdentityRegistry(_addr(0)), issuer)
    assert evm.events(receipt, irs, "IdentityRegistryUnbound") == [{"identityRegistry": _addr(0)}]
    assert irs.functions.linkedIdentityRegistries().call() == [agent, _addr(2), _addr(1)]
    # the moved registry's index was updated: unbinding it removes exactly it
    evm.send(irs.functions.unbindIdentityRegistry(_addr(2)), issuer)
    assert irs.functions.linkedIdentityRegistries().call() == [agent, _addr(1)]
    evm.send(irs.functions.unbindIdentityRegistry(agent), issuer)
    assert irs.functions.linkedIdentityRegistries().call() == [_addr(1)]


def test_unbind__unbound__reverts_not_bound(evm: Chain, irs: Contract, issuer: str, bob: str) -> None:
    with evm.reverts("IdentityRegistryStorageNotBound", bob):
        evm.send(irs.functions.unbindIdentityRegistry(bob), issuer)


def test_unbind__registry__can_no_longer_write(evm: Chain, irs: Contract, issuer: str, agent: str, alice: str) -> None:
    evm.send(irs.functions.unbindIdentityRegistry(agent), issuer)
    with evm.reverts("IdentityRegistryStorageNotBound", agent):
        evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)


@pytest.mark.parametrize("function", ["bindIdentityRegistry", "unbindIdentityRegistry", "transferOwnership"])
def test_owner_path__by_non_owner__reverts_unauthorized(evm: Chain, irs: Contract, agent: str, function: str) -> None:
    with evm.reverts("OwnableUnauthorizedAccount", agent):
        evm.send(irs.functions[function](agent), agent)


WRITES: list[tuple[str, Callable[[str], tuple[object, ...]]]] = [
    ("addIdentityToStorage", lambda w: (w, ID_A, US)),
    ("removeIdentityFromStorage", lambda w: (w,)),
    ("modifyStoredInvestorCountry", lambda w: (w, FR)),
    ("modifyStoredIdentity", lambda w: (w, ID_B)),
]


@pytest.mark.parametrize(("function", "args"), WRITES, ids=[w[0] for w in WRITES])
def test_write__by_unbound_caller__reverts_not_bound(
    evm: Chain, irs: Contract, issuer: str, alice: str, function: str, args: Callable[[str], tuple[object, ...]]
) -> None:
    # not even the owner writes: only bound registries
    with evm.reverts("IdentityRegistryStorageNotBound", issuer):
        evm.send(irs.functions[function](*args(alice)), issuer)


# ---- Investors ----


def test_add_identity__by_bound_registry__stores_in_one_slot_and_emits(
    evm: Chain, irs: Contract, agent: str, alice: str
) -> None:
    receipt = evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    assert evm.events(receipt, irs, "IdentityStored") == [{"investorAddress": alice, "identity": ID_A}]
    assert irs.functions.storedInvestor(alice).call() == [ID_A, US]
    assert irs.functions.storedIdentity(alice).call() == ID_A
    assert irs.functions.storedInvestorCountry(alice).call() == US
    # wallet -> (identity, country) packed in the mapping's single slot: identity | country << 160
    slot = keccak(encode(["address", "uint256"], [alice, LAYOUT_SLOT]))
    raw = int.from_bytes(evm.w3.eth.get_storage_at(irs.address, slot), "big")
    assert raw == int(ID_A, 16) | (US << 160)
    next_slot = (int.from_bytes(slot, "big") + 1).to_bytes(32, "big")
    assert int.from_bytes(evm.w3.eth.get_storage_at(irs.address, next_slot), "big") == 0


def test_stored_investors__two_wallets__returns_both(
    evm: Chain, irs: Contract, agent: str, alice: str, bob: str
) -> None:
    evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    evm.send(irs.functions.addIdentityToStorage(bob, ID_B, FR), agent)
    assert irs.functions.storedInvestors(alice, bob).call() == [ID_A, US, ID_B, FR]
    assert irs.functions.storedInvestors(bob, ZERO).call() == [ID_B, FR, ZERO, 0]


@pytest.mark.parametrize(("wallet", "identity"), [(ZERO, ID_A), ("alice", ZERO)])
def test_add_identity__zero_wallet_or_identity__reverts_zero_address(
    evm: Chain, irs: Contract, agent: str, alice: str, wallet: str, identity: str
) -> None:
    with evm.reverts("IdentityRegistryStorageZeroAddress"):
        evm.send(irs.functions.addIdentityToStorage(alice if wallet == "alice" else wallet, identity, US), agent)


def test_add_identity__already_stored__reverts_and_keeps_first(
    evm: Chain, irs: Contract, agent: str, alice: str
) -> None:
    evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    with evm.reverts("IdentityRegistryStorageAlreadyStored", alice):
        evm.send(irs.functions.addIdentityToStorage(alice, ID_B, FR), agent)
    assert irs.functions.storedInvestor(alice).call() == [ID_A, US]


def test_remove_identity__stored__clears_slot_and_emits(evm: Chain, irs: Contract, agent: str, alice: str) -> None:
    evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    receipt = evm.send(irs.functions.removeIdentityFromStorage(alice), agent)
    assert evm.events(receipt, irs, "IdentityUnstored") == [{"investorAddress": alice, "identity": ID_A}]
    assert irs.functions.storedInvestor(alice).call() == [ZERO, 0]


@pytest.mark.parametrize(("function", "args"), WRITES[1:], ids=[w[0] for w in WRITES[1:]])
def test_change__not_stored__reverts_not_stored(
    evm: Chain, irs: Contract, agent: str, bob: str, function: str, args: Callable[[str], tuple[object, ...]]
) -> None:
    with evm.reverts("IdentityRegistryStorageNotStored", bob):
        evm.send(irs.functions[function](*args(bob)), agent)


def test_modify_country__stored__changes_only_country_and_emits(
    evm: Chain, irs: Contract, agent: str, alice: str
) -> None:
    evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    receipt = evm.send(irs.functions.modifyStoredInvestorCountry(alice, FR), agent)
    assert evm.events(receipt, irs, "CountryModified") == [{"investorAddress": alice, "country": FR}]
    assert irs.functions.storedInvestor(alice).call() == [ID_A, FR]


def test_modify_identity__stored__changes_only_identity_and_emits(
    evm: Chain, irs: Contract, agent: str, alice: str
) -> None:
    evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    receipt = evm.send(irs.functions.modifyStoredIdentity(alice, ID_B), agent)
    assert evm.events(receipt, irs, "IdentityModified") == [{"oldIdentity": ID_A, "newIdentity": ID_B}]
    assert irs.functions.storedInvestor(alice).call() == [ID_B, US]


def test_modify_identity__zero__reverts_zero_address(evm: Chain, irs: Contract, agent: str, alice: str) -> None:
    evm.send(irs.functions.addIdentityToStorage(alice, ID_A, US), agent)
    with evm.reverts("IdentityRegistryStorageZeroAddress"):
        evm.send(irs.functions.modifyStoredIdentity(alice, ZERO), agent)


WALLETS = [_addr(100 + i) for i in range(3)]
IDENTITIES = [ID_A, ID_B, _addr(500)]
OPERATION = st.tuples(
    st.sampled_from(["add", "remove", "country", "identity"]),
    st.integers(0, len(WALLETS) - 1),
    st.integers(0, len(IDENTITIES) - 1),
    st.integers(0, 2**16 - 1),
)


@given(operations=st.lists(OPERATION, max_size=10))
def test_operations__any_sequence__storage_matches_model(
    evm: Chain, irs: Contract, agent: str, operations: list[tuple[str, int, int, int]]
) -> None:
    snapshot = evm.snapshot()
    model: dict[str, tuple[str, int]] = {}
    try:
        for kind, w, i, country in operations:
            wallet, identity = WALLETS[w], IDENTITIES[i]
            stored = wallet in model
            if kind == "add":
                call, ok = irs.functions.addIdentityToStorage(wallet, identity, country), not stored
                new = (identity, country)
            elif kind == "remove":
                call, ok, new = irs.functions.removeIdentityFromStorage(wallet), stored, None
            elif kind == "country":
                call, ok = irs.functions.modifyStoredInvestorCountry(wallet, country), stored
                new = (model[wallet][0], country) if stored else None
            else:
                call, ok = irs.functions.modifyStoredIdentity(wallet, identity), stored
                new = (identity, model[wallet][1]) if stored else None
            if ok:
                evm.send(call, agent)
                if new is None:
                    del model[wallet]
                else:
                    model[wallet] = new
            else:
                expected = (
                    "IdentityRegistryStorageAlreadyStored" if kind == "add" else "IdentityRegistryStorageNotStored"
                )
                with evm.reverts(expected, wallet):
                    evm.send(call, agent)
        for wallet in WALLETS:
            identity, country = model.get(wallet, (ZERO, 0))
            assert irs.functions.storedInvestor(wallet).call() == [identity, country]
    finally:
        evm.revert_to(snapshot)
