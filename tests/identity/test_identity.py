"""Identity: ERC-734 keys, ERC-735 claims, ERC-734 executions and self-issued claim validation."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import (
    ECDSA_KEY_TYPE,
    SECP256K1_N,
    ClaimTopic,
    KeyPurpose,
    claim_id,
    key_hash,
    make_claim,
    malleate,
    sign_claim,
    with_raw_v,
)
from dualtrack.identity import deploy_identity, signer_address
from tests.support import ZERO

MANAGEMENT, ACTION, CLAIM = KeyPurpose.MANAGEMENT, KeyPurpose.ACTION, KeyPurpose.CLAIM
CAP = 32
ZERO_KEY = b"\x00" * 32


def _calldata(contract: Contract, fn: str, *args: Any) -> bytes:
    return bytes.fromhex(contract.encode_abi(fn, args=list(args))[2:])


def _compact(signature: bytes) -> bytes:
    """EIP-2098 64-byte form ``r || (v - 27) << 255 | s`` of a canonical signature."""
    s = int.from_bytes(signature[32:64], "big") | ((signature[64] - 27) << 255)
    return signature[:32] + s.to_bytes(32, "big")


# ---------------------------------------------------------------------------------------------- keys


def test_constructor__owner__holds_management_key_with_every_purpose(alice_identity: Contract, alice: str) -> None:
    key = key_hash(alice)
    assert alice_identity.functions.getKey(key).call() == [[MANAGEMENT], ECDSA_KEY_TYPE, key]
    assert alice_identity.functions.getKeysByPurpose(MANAGEMENT).call() == [key]
    assert alice_identity.functions.getKeyPurposes(key).call() == [MANAGEMENT]
    for purpose in (MANAGEMENT, ACTION, CLAIM, 99):
        assert alice_identity.functions.keyHasPurpose(key, purpose).call()
    logs = alice_identity.events.KeyAdded().get_logs(from_block=0)
    assert [dict(log["args"]) for log in logs] == [{"key": key, "purpose": MANAGEMENT, "keyType": ECDSA_KEY_TYPE}]


def test_constructor__zero_address__reverts_invalid_key(evm: Chain, alice: str) -> None:
    with evm.reverts("IdentityInvalidKey", MANAGEMENT, ECDSA_KEY_TYPE):
        evm.deploy("Identity", ZERO, sender=alice)


def test_key_has_purpose__unknown_key__false(alice_identity: Contract, bob: str) -> None:
    assert not alice_identity.functions.keyHasPurpose(key_hash(bob), ACTION).call()
    assert alice_identity.functions.getKey(key_hash(bob)).call() == [[], 0, ZERO_KEY]


def test_add_key__by_management_key__adds_purpose_and_emits(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    key = key_hash(bob)
    receipt = evm.send(alice_identity.functions.addKey(key, ACTION, ECDSA_KEY_TYPE), alice)
    assert evm.events(receipt, alice_identity, "KeyAdded") == [
        {"key": key, "purpose": ACTION, "keyType": ECDSA_KEY_TYPE}
    ]
    assert alice_identity.functions.keyHasPurpose(key, ACTION).call()
    assert not alice_identity.functions.keyHasPurpose(key, CLAIM).call()
    assert not alice_identity.functions.keyHasPurpose(key, MANAGEMENT).call()
    assert alice_identity.functions.getKeysByPurpose(ACTION).call() == [key]


def test_add_key__second_purpose__lists_both_purposes(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    key = key_hash(bob)
    evm.send(alice_identity.functions.addKey(key, ACTION, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.addKey(key, CLAIM, ECDSA_KEY_TYPE), alice)
    assert alice_identity.functions.getKey(key).call() == [[ACTION, CLAIM], ECDSA_KEY_TYPE, key]
    assert alice_identity.functions.getKeysByPurpose(CLAIM).call() == [key]


def test_add_key__purpose_already_held__reverts_already_has_purpose(
    evm: Chain, alice_identity: Contract, alice: str
) -> None:
    key = key_hash(alice)
    with evm.reverts("IdentityKeyAlreadyHasPurpose", key, MANAGEMENT):
        evm.send(alice_identity.functions.addKey(key, MANAGEMENT, ECDSA_KEY_TYPE), alice)


@pytest.mark.parametrize(("purpose", "key_type"), [(0, ECDSA_KEY_TYPE), (ACTION, 0), (ACTION, 2)])
def test_add_key__zero_purpose_zero_type_or_other_type__reverts_invalid_key(
    evm: Chain, alice_identity: Contract, alice: str, purpose: int, key_type: int
) -> None:
    # alice's key is ECDSA (type 1): a purpose added with type 2 contradicts it.
    with evm.reverts("IdentityInvalidKey", purpose, key_type):
        evm.send(alice_identity.functions.addKey(key_hash(alice), purpose, key_type), alice)
    assert alice_identity.functions.getKeyPurposes(key_hash(alice)).call() == [MANAGEMENT]


@pytest.mark.parametrize("bob_purpose", [None, ACTION, CLAIM])
def test_add_key__by_non_management_key__reverts_unauthorized(
    evm: Chain, alice_identity: Contract, alice: str, bob: str, bob_purpose: int | None
) -> None:
    if bob_purpose is not None:
        evm.send(alice_identity.functions.addKey(key_hash(bob), bob_purpose, ECDSA_KEY_TYPE), alice)
    with evm.reverts("IdentityUnauthorizedKey", bob, MANAGEMENT):
        evm.send(alice_identity.functions.addKey(key_hash(bob), MANAGEMENT, ECDSA_KEY_TYPE), bob)
    assert alice_identity.functions.getKeysByPurpose(MANAGEMENT).call() == [key_hash(alice)]


def test_add_key__purpose_full__reverts_cap_reached(evm: Chain, alice_identity: Contract, alice: str) -> None:
    assert alice_identity.functions.MAX_KEYS_PER_PURPOSE().call() == CAP
    keys = [keccak(i.to_bytes(32, "big")) for i in range(CAP + 1)]
    for key in keys[:CAP]:
        evm.send(alice_identity.functions.addKey(key, ACTION, ECDSA_KEY_TYPE), alice)
    with evm.reverts("IdentityCapReached", CAP):
        evm.send(alice_identity.functions.addKey(keys[CAP], ACTION, ECDSA_KEY_TYPE), alice)
    assert alice_identity.functions.getKeysByPurpose(ACTION).call() == keys[:CAP]


def test_add_key__key_with_every_purpose_slot_used__reverts_cap_reached(
    evm: Chain, alice_identity: Contract, alice: str
) -> None:
    assert alice_identity.functions.MAX_PURPOSES_PER_KEY().call() == CAP
    key = key_hash(alice)  # already holds MANAGEMENT
    for purpose in range(2, CAP + 1):
        evm.send(alice_identity.functions.addKey(key, purpose, ECDSA_KEY_TYPE), alice)
    with evm.reverts("IdentityCapReached", CAP):
        evm.send(alice_identity.functions.addKey(key, CAP + 1, ECDSA_KEY_TYPE), alice)
    assert alice_identity.functions.getKeyPurposes(key).call() == list(range(1, CAP + 1))


def test_remove_key__by_management_key__removes_and_emits(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    key = key_hash(bob)
    evm.send(alice_identity.functions.addKey(key, ACTION, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.addKey(key, CLAIM, ECDSA_KEY_TYPE), alice)
    receipt = evm.send(alice_identity.functions.removeKey(key, ACTION), alice)
    assert evm.events(receipt, alice_identity, "KeyRemoved") == [
        {"key": key, "purpose": ACTION, "keyType": ECDSA_KEY_TYPE}
    ]
    assert alice_identity.functions.getKey(key).call() == [[CLAIM], ECDSA_KEY_TYPE, key]
    assert alice_identity.functions.getKeysByPurpose(ACTION).call() == []
    assert not alice_identity.functions.keyHasPurpose(key, ACTION).call()


def test_remove_key__last_purpose__forgets_the_key(evm: Chain, alice_identity: Contract, alice: str, bob: str) -> None:
    key = key_hash(bob)
    evm.send(alice_identity.functions.addKey(key, CLAIM, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.removeKey(key, CLAIM), alice)
    assert alice_identity.functions.getKey(key).call() == [[], 0, ZERO_KEY]
    # Forgotten: it may come back with another type.
    evm.send(alice_identity.functions.addKey(key, CLAIM, 2), alice)
    assert alice_identity.functions.getKey(key).call() == [[CLAIM], 2, key]


def test_remove_key__purpose_not_held__reverts_missing_purpose(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    with evm.reverts("IdentityKeyMissingPurpose", key_hash(bob), ACTION):
        evm.send(alice_identity.functions.removeKey(key_hash(bob), ACTION), alice)
    with evm.reverts("IdentityKeyMissingPurpose", key_hash(alice), CLAIM):
        evm.send(alice_identity.functions.removeKey(key_hash(alice), CLAIM), alice)


def test_remove_key__last_management_key__reverts_last_management_key(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    alice_key, bob_key = key_hash(alice), key_hash(bob)
    with evm.reverts("IdentityLastManagementKey", alice_key):
        evm.send(alice_identity.functions.removeKey(alice_key, MANAGEMENT), alice)
    # With a second manager, either may go, but not both.
    evm.send(alice_identity.functions.addKey(bob_key, MANAGEMENT, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.removeKey(alice_key, MANAGEMENT), bob)
    assert alice_identity.functions.getKeysByPurpose(MANAGEMENT).call() == [bob_key]
    with evm.reverts("IdentityLastManagementKey", bob_key):
        evm.send(alice_identity.functions.removeKey(bob_key, MANAGEMENT), bob)
    with evm.reverts("IdentityUnauthorizedKey", alice, MANAGEMENT):
        evm.send(alice_identity.functions.addKey(alice_key, MANAGEMENT, ECDSA_KEY_TYPE), alice)


def test_remove_key__by_non_management_key__reverts_unauthorized(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    evm.send(alice_identity.functions.addKey(key_hash(bob), ACTION, ECDSA_KEY_TYPE), alice)
    with evm.reverts("IdentityUnauthorizedKey", bob, MANAGEMENT):
        evm.send(alice_identity.functions.removeKey(key_hash(bob), ACTION), bob)


def test_remove_key__middle_holder__swaps_last_into_place(evm: Chain, alice_identity: Contract, alice: str) -> None:
    keys = [keccak(bytes([i])) for i in range(4)]
    for key in keys:
        evm.send(alice_identity.functions.addKey(key, CLAIM, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.removeKey(keys[1], CLAIM), alice)
    assert alice_identity.functions.getKeysByPurpose(CLAIM).call() == [keys[0], keys[3], keys[2]]
    evm.send(alice_identity.functions.removeKey(keys[3], CLAIM), alice)
    assert alice_identity.functions.getKeysByPurpose(CLAIM).call() == [keys[0], keys[2]]
    assert all(alice_identity.functions.keyHasPurpose(k, CLAIM).call() for k in (keys[0], keys[2]))


# Key lists must match a Python model of ONCHAINID's swap-and-pop lists after any add/remove sequence.
KEY_POOL = [keccak(text=f"model key {i}") for i in range(4)]
PURPOSES = [MANAGEMENT, ACTION, CLAIM, 4]
OPERATIONS = st.lists(
    st.tuples(st.booleans(), st.integers(0, len(KEY_POOL) - 1), st.sampled_from(PURPOSES)), max_size=14
)


@given(operations=OPERATIONS)
def test_keys__random_add_remove_sequence__match_python_model(
    evm: Chain, alice_identity: Contract, alice: str, operations: list[tuple[bool, int, int]]
) -> None:
    snapshot = evm.snapshot()
    try:
        alice_key = key_hash(alice)
        key_purposes: dict[bytes, list[int]] = {alice_key: [MANAGEMENT]}
        purpose_keys: dict[int, list[bytes]] = {MANAGEMENT: [alice_key]}

        def swap_pop(items: list[Any], item: Any) -> None:
            index = items.index(item)
            items[index] = items[-1]
            items.pop()

        for is_add, key_index, purpose in operations:
            key = KEY_POOL[key_index]
            held = key_purposes.setdefault(key, [])
            holders = purpose_keys.setdefault(purpose, [])
            if is_add:
                if purpose in held:
                    with evm.reverts("IdentityKeyAlreadyHasPurpose", key, purpose):
                        evm.send(alice_identity.functions.addKey(key, purpose, ECDSA_KEY_TYPE), alice)
                    continue
                evm.send(alice_identity.functions.addKey(key, purpose, ECDSA_KEY_TYPE), alice)
                held.append(purpose)
                holders.append(key)
            elif purpose not in held:
                with evm.reverts("IdentityKeyMissingPurpose", key, purpose):
                    evm.send(alice_identity.functions.removeKey(key, purpose), alice)
            elif purpose == MANAGEMENT and len(holders) == 1:
                with evm.reverts("IdentityLastManagementKey", key):
                    evm.send(alice_identity.functions.removeKey(key, purpose), alice)
            else:
                evm.send(alice_identity.functions.removeKey(key, purpose), alice)
                swap_pop(held, purpose)
                swap_pop(holders, key)

        for key in [alice_key, *KEY_POOL]:
            held = key_purposes.get(key, [])
            assert alice_identity.functions.getKeyPurposes(key).call() == held
            assert alice_identity.functions.getKey(key).call()[2] == (key if held else ZERO_KEY)
            for purpose in PURPOSES:
                expected = purpose in held or MANAGEMENT in held
                assert alice_identity.functions.keyHasPurpose(key, purpose).call() == expected
        for purpose in PURPOSES:
            assert alice_identity.functions.getKeysByPurpose(purpose).call() == purpose_keys.get(purpose, [])
    finally:
        evm.revert_to(snapshot)


# -------------------------------------------------------------------------------------------- claims


def test_add_claim__valid_third_party_claim__stored_and_emits(
    evm: Chain, alice_identity: Contract, claim_issuer: Contract, signer_key: str, alice: str
) -> None:
    claim = make_claim(claim_issuer.address, signer_key, alice_identity.address, ClaimTopic.KYC, b"\x01", "ipfs://x")
    receipt = evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)
    cid = claim_id(claim_issuer.address, ClaimTopic.KYC)
    assert evm.events(receipt, alice_identity, "ClaimAdded") == [
        {
            "claimId": cid,
            "topic": ClaimTopic.KYC,
            "scheme": 1,
            "issuer": claim_issuer.address,
            "signature": claim.signature,
            "data": b"\x01",
            "uri": "ipfs://x",
        }
    ]
    assert alice_identity.functions.getClaim(cid).call() == list(claim.as_args())
    assert alice_identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call() == [cid]


def test_add_claim__same_issuer_and_topic__replaces_and_emits_changed(
    evm: Chain, alice_identity: Contract, claim_issuer: Contract, signer_key: str, alice: str
) -> None:
    first = make_claim(claim_issuer.address, signer_key, alice_identity.address, ClaimTopic.KYC, b"old", "a")
    second = make_claim(claim_issuer.address, signer_key, alice_identity.address, ClaimTopic.KYC)
    evm.send(alice_identity.functions.addClaim(*first.as_args()), alice)
    receipt = evm.send(alice_identity.functions.addClaim(*second.as_args()), alice)
    cid = claim_id(claim_issuer.address, ClaimTopic.KYC)
    changed = evm.events(receipt, alice_identity, "ClaimChanged")
    assert [(e["claimId"], e["data"], e["uri"]) for e in changed] == [(cid, b"", "")]
    assert evm.events(receipt, alice_identity, "ClaimAdded") == []
    assert alice_identity.functions.getClaim(cid).call() == list(second.as_args())
    assert alice_identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call() == [cid]


@pytest.mark.parametrize(
    "shape",
    ["wide_topic_and_scheme_raw_signature", "empty_signature_with_data", "compact_claim"],
)
def test_add_claim__any_field_shape__round_trips_and_replaces_cleanly(
    evm: Chain, alice_identity: Contract, alice: str, shape: str
) -> None:
    # Self-issued claims are not checked on add: any field values can be stored.
    me = alice_identity.address
    shapes = {
        "wide_topic_and_scheme_raw_signature": (2**200 + 5, 2**100, me, b"\x07" * 66, b"d" * 40, "u" * 70),
        "empty_signature_with_data": (2**56 - 1, 2**24 - 1, me, b"", b"\x00", "uri"),
        "compact_claim": (9, 1, me, b"\x11" * 32 + b"\x22" * 32 + b"\x1c", b"", ""),
    }
    args = shapes[shape]
    cid = claim_id(me, args[0])
    evm.send(alice_identity.functions.addClaim(*args), alice)
    assert alice_identity.functions.getClaim(cid).call() == list(args)
    # Replacing with every other shape (same topic) reads back exactly, with no stale field.
    for other in shapes.values():
        replacement = (args[0], *other[1:])
        evm.send(alice_identity.functions.addClaim(*replacement), alice)
        assert alice_identity.functions.getClaim(cid).call() == list(replacement)
    assert alice_identity.functions.getClaimIdsByTopic(args[0]).call() == [cid]


def test_add_claim__signed_for_other_identity__reverts_invalid_claim(
    evm: Chain, alice_identity: Contract, claim_issuer: Contract, signer_key: str, alice: str, bob: str
) -> None:
    claim = make_claim(claim_issuer.address, signer_key, bob, ClaimTopic.KYC)
    with evm.reverts("IdentityInvalidClaim", claim_issuer.address, ClaimTopic.KYC):
        evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)
    assert alice_identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call() == []


def test_add_claim__signed_by_key_without_claim_purpose__reverts_invalid_claim(
    evm: Chain, alice_identity: Contract, claim_issuer: Contract, alice: str
) -> None:
    outsider_key = dev_private_keys(9)[8]
    claim = make_claim(claim_issuer.address, outsider_key, alice_identity.address, ClaimTopic.KYC)
    with evm.reverts("IdentityInvalidClaim", claim_issuer.address, ClaimTopic.KYC):
        evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)


@pytest.mark.parametrize("issuer_kind", ["eoa", "reverting", "returns_false", "returns_two"])
def test_add_claim__issuer_not_answering_true__reverts_invalid_claim(
    evm: Chain, alice_identity: Contract, alice: str, bob: str, issuer: str, stub_issuer: Any, issuer_kind: str
) -> None:
    if issuer_kind == "eoa":
        target = bob
    elif issuer_kind == "reverting":  # no isClaimValid and no fallback
        target = evm.deploy("MockStablecoin", "M", "M", issuer, sender=issuer).address
    else:
        target = stub_issuer(0 if issuer_kind == "returns_false" else 2)
    with evm.reverts("IdentityInvalidClaim", target, ClaimTopic.AML):
        evm.send(alice_identity.functions.addClaim(ClaimTopic.AML, 1, target, b"\x01" * 65, b"", ""), alice)


def test_add_claim__by_claim_key__accepted_and_by_action_key_reverts(
    evm: Chain, alice_identity: Contract, yes_issuer: str, alice: str, bob: str, keeper: str
) -> None:
    evm.send(alice_identity.functions.addKey(key_hash(bob), CLAIM, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.addKey(key_hash(keeper), ACTION, ECDSA_KEY_TYPE), alice)
    args = (ClaimTopic.KYC, 1, yes_issuer, b"\x01" * 65, b"", "")
    with evm.reverts("IdentityUnauthorizedKey", keeper, CLAIM):
        evm.send(alice_identity.functions.addClaim(*args), keeper)
    evm.send(alice_identity.functions.addClaim(*args), bob)
    assert alice_identity.functions.getClaim(claim_id(yes_issuer, ClaimTopic.KYC)).call()[2] == yes_issuer


def test_add_claim__topic_full__reverts_cap_reached(
    evm: Chain, alice_identity: Contract, alice: str, stub_issuer: Any
) -> None:
    assert alice_identity.functions.MAX_CLAIMS_PER_TOPIC().call() == CAP
    issuers = [stub_issuer(1) for _ in range(CAP + 1)]
    for stub in issuers[:CAP]:
        evm.send(alice_identity.functions.addClaim(ClaimTopic.KYC, 1, stub, b"", b"", ""), alice)
    with evm.reverts("IdentityCapReached", CAP):
        evm.send(alice_identity.functions.addClaim(ClaimTopic.KYC, 1, issuers[CAP], b"", b"", ""), alice)
    # Replacing an existing claim is still allowed at the cap.
    evm.send(alice_identity.functions.addClaim(ClaimTopic.KYC, 1, issuers[0], b"\x01", b"", ""), alice)
    assert len(alice_identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call()) == CAP


def test_remove_claim__existing__deleted_and_emits(
    evm: Chain, alice_identity: Contract, claim_issuer: Contract, signer_key: str, alice: str
) -> None:
    claim = make_claim(claim_issuer.address, signer_key, alice_identity.address, ClaimTopic.KYC, b"z", "uri")
    evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)
    cid = claim_id(claim_issuer.address, ClaimTopic.KYC)
    receipt = evm.send(alice_identity.functions.removeClaim(cid), alice)
    removed = evm.events(receipt, alice_identity, "ClaimRemoved")
    assert removed == [
        {
            "claimId": cid,
            "topic": ClaimTopic.KYC,
            "scheme": 1,
            "issuer": claim_issuer.address,
            "signature": claim.signature,
            "data": b"z",
            "uri": "uri",
        }
    ]
    assert alice_identity.functions.getClaim(cid).call() == [0, 0, ZERO, b"", b"", ""]
    assert alice_identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call() == []


def test_remove_claim__one_of_several_on_topic__keeps_the_others(
    evm: Chain, alice_identity: Contract, alice: str, stub_issuer: Any
) -> None:
    stubs = [stub_issuer(1) for _ in range(3)]
    for stub in stubs:
        evm.send(alice_identity.functions.addClaim(0, 1, stub, b"", b"", ""), alice)
    ids = [claim_id(stub, 0) for stub in stubs]
    # Topic 0 claims are removable (ONCHAINID 2.2.1 treats topic 0 as "no claim").
    evm.send(alice_identity.functions.removeClaim(ids[0]), alice)
    assert alice_identity.functions.getClaimIdsByTopic(0).call() == [ids[2], ids[1]]
    assert alice_identity.functions.getClaim(ids[1]).call()[2] == stubs[1]


def test_remove_claim__unknown_id__reverts_unknown_claim(evm: Chain, alice_identity: Contract, alice: str) -> None:
    cid = claim_id(alice, 1)
    with evm.reverts("IdentityUnknownClaim", cid):
        evm.send(alice_identity.functions.removeClaim(cid), alice)


def test_remove_claim__by_non_claim_key__reverts_unauthorized(
    evm: Chain, alice_identity: Contract, yes_issuer: str, alice: str, bob: str
) -> None:
    evm.send(alice_identity.functions.addClaim(ClaimTopic.KYC, 1, yes_issuer, b"", b"", ""), alice)
    cid = claim_id(yes_issuer, ClaimTopic.KYC)
    with evm.reverts("IdentityUnauthorizedKey", bob, CLAIM):
        evm.send(alice_identity.functions.removeClaim(cid), bob)
    assert alice_identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call() == [cid]


# ---------------------------------------------------------------------------------------- executions


def test_execute__management_key_calling_identity__runs_at_once_and_emits(
    evm: Chain, alice_identity: Contract, alice: str, bob: str
) -> None:
    data = _calldata(alice_identity, "addKey", key_hash(bob), CLAIM, ECDSA_KEY_TYPE)
    receipt = evm.send(alice_identity.functions.execute(alice_identity.address, 0, data), alice)
    request = {"executionId": 0, "to": alice_identity.address, "value": 0, "data": data}
    assert evm.events(receipt, alice_identity, "ExecutionRequested") == [request]
    assert evm.events(receipt, alice_identity, "Approved") == [{"executionId": 0, "approved": True}]
    assert evm.events(receipt, alice_identity, "Executed") == [request]
    assert alice_identity.functions.keyHasPurpose(key_hash(bob), CLAIM).call()
    with evm.reverts("IdentityExecutionAlreadyDone", 0):
        evm.send(alice_identity.functions.approve(0, True), alice)


def test_execute__action_key_calling_other_contract__runs_at_once(
    evm: Chain, alice_identity: Contract, alice: str, bob: str, issuer: str
) -> None:
    token = evm.deploy("MockStablecoin", "M", "M", issuer, sender=issuer)
    evm.send(token.functions.mint(alice_identity.address, 100), issuer)
    evm.send(alice_identity.functions.addKey(key_hash(bob), ACTION, ECDSA_KEY_TYPE), alice)
    data = _calldata(token, "transfer", bob, 40)
    receipt = evm.send(alice_identity.functions.execute(token.address, 0, data), bob)
    assert [e["executionId"] for e in evm.events(receipt, alice_identity, "Executed")] == [0]
    assert token.functions.balanceOf(bob).call() == 40


def test_execute__with_value__forwards_ether(evm: Chain, alice_identity: Contract, alice: str, keeper: str) -> None:
    before = evm.w3.eth.get_balance(keeper)
    evm.send(alice_identity.functions.execute(keeper, 10**18, b""), alice, value=10**18)
    assert evm.w3.eth.get_balance(keeper) - before == 10**18
    assert evm.w3.eth.get_balance(alice_identity.address) == 0


def test_execute__action_key_calling_identity__pending_until_management_approves(
    evm: Chain, alice_identity: Contract, alice: str, bob: str, keeper: str
) -> None:
    evm.send(alice_identity.functions.addKey(key_hash(bob), ACTION, ECDSA_KEY_TYPE), alice)
    data = _calldata(alice_identity, "addKey", key_hash(keeper), CLAIM, ECDSA_KEY_TYPE)
    receipt = evm.send(alice_identity.functions.execute(alice_identity.address, 0, data), bob)
    assert [e["executionId"] for e in evm.events(receipt, alice_identity, "ExecutionRequested")] == [0]
    assert evm.events(receipt, alice_identity, "Approved") == []
    assert not alice_identity.functions.keyHasPurpose(key_hash(keeper), CLAIM).call()

    with evm.reverts("IdentityUnauthorizedKey", bob, MANAGEMENT):
        evm.send(alice_identity.functions.approve(0, True), bob)
    receipt = evm.send(alice_identity.functions.approve(0, True), alice)
    assert evm.events(receipt, alice_identity, "Approved") == [{"executionId": 0, "approved": True}]
    assert evm.events(receipt, alice_identity, "Executed") == [
        {"executionId": 0, "to": alice_identity.address, "value": 0, "data": data}
    ]
    assert alice_identity.functions.keyHasPurpose(key_hash(keeper), CLAIM).call()


def test_execute__caller_without_key__pending_then_action_key_approves(
    evm: Chain, alice_identity: Contract, alice: str, bob: str, keeper: str, issuer: str
) -> None:
    token = evm.deploy("MockStablecoin", "M", "M", issuer, sender=issuer)
    evm.send(token.functions.mint(alice_identity.address, 5), issuer)
    evm.send(alice_identity.functions.addKey(key_hash(bob), ACTION, ECDSA_KEY_TYPE), alice)
    evm.send(alice_identity.functions.execute(token.address, 0, _calldata(token, "transfer", keeper, 5)), keeper)
    assert token.functions.balanceOf(keeper).call() == 0
    with evm.reverts("IdentityUnauthorizedKey", keeper, ACTION):
        evm.send(alice_identity.functions.approve(0, True), keeper)
    assert evm.call(alice_identity.functions.approve(0, True), bob) is True
    evm.send(alice_identity.functions.approve(0, True), bob)
    assert token.functions.balanceOf(keeper).call() == 5


def test_approve__rejection__final_and_emits_approved_false(
    evm: Chain, alice_identity: Contract, alice: str, keeper: str
) -> None:
    evm.send(alice_identity.functions.execute(keeper, 0, b""), keeper)
    assert evm.call(alice_identity.functions.approve(0, False), alice) is False
    receipt = evm.send(alice_identity.functions.approve(0, False), alice)
    assert evm.events(receipt, alice_identity, "Approved") == [{"executionId": 0, "approved": False}]
    assert evm.events(receipt, alice_identity, "Executed") == []
    with evm.reverts("IdentityExecutionAlreadyDone", 0):
        evm.send(alice_identity.functions.approve(0, True), alice)


def test_approve__call_reverts__emits_execution_failed_and_is_final(
    evm: Chain, alice_identity: Contract, alice: str, keeper: str, issuer: str
) -> None:
    token = evm.deploy("MockStablecoin", "M", "M", issuer, sender=issuer)
    data = _calldata(token, "transfer", keeper, 1)  # the identity holds no tokens
    evm.send(alice_identity.functions.execute(token.address, 0, data), keeper)
    assert evm.call(alice_identity.functions.approve(0, True), alice) is False
    receipt = evm.send(alice_identity.functions.approve(0, True), alice)
    assert evm.events(receipt, alice_identity, "ExecutionFailed") == [
        {"executionId": 0, "to": token.address, "value": 0, "data": data}
    ]
    assert evm.events(receipt, alice_identity, "Executed") == []
    with evm.reverts("IdentityExecutionAlreadyDone", 0):
        evm.send(alice_identity.functions.approve(0, True), alice)


def test_approve__unknown_execution__reverts_unknown_execution(
    evm: Chain, alice_identity: Contract, alice: str
) -> None:
    with evm.reverts("IdentityUnknownExecution", 0):
        evm.send(alice_identity.functions.approve(0, True), alice)


def test_approve__execution_reentering_approve__runs_once(
    evm: Chain, alice_identity: Contract, alice: str, keeper: str
) -> None:
    # Give the identity itself a MANAGEMENT key, so only the "decided once" rule can stop a re-entrant
    # approve of the execution being run (ONCHAINID marks it executed only after the call returns).
    me = alice_identity.address
    evm.send(alice_identity.functions.addKey(key_hash(me), MANAGEMENT, ECDSA_KEY_TYPE), alice)
    data = _calldata(alice_identity, "approve", 0, True)
    evm.send(alice_identity.functions.execute(me, 0, data), keeper)
    receipt = evm.send(alice_identity.functions.approve(0, True), alice)
    assert evm.events(receipt, alice_identity, "Approved") == [{"executionId": 0, "approved": True}]
    assert evm.events(receipt, alice_identity, "ExecutionFailed") == [
        {"executionId": 0, "to": me, "value": 0, "data": data}
    ]
    assert evm.events(receipt, alice_identity, "Executed") == []


# --------------------------------------------------------------------------- self-issued isClaimValid


@pytest.fixture
def self_claim(alice_identity: Contract) -> tuple[str, bytes]:
    """A claim alice (MANAGEMENT key) signs about her own identity: (private key, signature)."""
    alice_key = dev_private_keys(3)[2]
    return alice_key, sign_claim(alice_key, alice_identity.address, ClaimTopic.KYC, b"me")


def test_is_claim_valid__signed_by_management_or_claim_key__true(
    evm: Chain, alice_identity: Contract, alice: str, self_claim: tuple[str, bytes], signer_key: str
) -> None:
    _, signature = self_claim
    valid = alice_identity.functions.isClaimValid
    assert valid(alice_identity.address, ClaimTopic.KYC, signature, b"me").call()
    other = sign_claim(signer_key, alice_identity.address, ClaimTopic.KYC, b"me")
    assert not valid(alice_identity.address, ClaimTopic.KYC, other, b"me").call()
    evm.send(alice_identity.functions.addKey(key_hash(signer_address(signer_key)), CLAIM, ECDSA_KEY_TYPE), alice)
    assert valid(alice_identity.address, ClaimTopic.KYC, other, b"me").call()


def test_is_claim_valid__other_topic_data_or_identity__false(
    alice_identity: Contract, self_claim: tuple[str, bytes], bob: str
) -> None:
    _, signature = self_claim
    valid = alice_identity.functions.isClaimValid
    assert not valid(alice_identity.address, ClaimTopic.AML, signature, b"me").call()
    assert not valid(alice_identity.address, ClaimTopic.KYC, signature, b"you").call()
    assert not valid(bob, ClaimTopic.KYC, signature, b"me").call()


@pytest.mark.parametrize(
    "encoding", ["high_s", "raw_v", "high_s_raw_v", "compact_64", "padded_66", "empty", "v_29", "r_zero"]
)
def test_is_claim_valid__non_canonical_encoding__false_without_revert(
    alice_identity: Contract, self_claim: tuple[str, bytes], encoding: str
) -> None:
    _, signature = self_claim
    encodings = {
        "high_s": malleate(signature),
        "raw_v": with_raw_v(signature),
        "high_s_raw_v": with_raw_v(malleate(signature)),
        "compact_64": _compact(signature),
        "padded_66": signature + b"\x00",
        "empty": b"",
        "v_29": signature[:64] + b"\x1d",
        "r_zero": b"\x00" * 32 + signature[32:],
    }
    twisted = encodings[encoding]
    assert int.from_bytes(signature[32:64], "big") <= SECP256K1_N // 2
    assert not alice_identity.functions.isClaimValid(alice_identity.address, ClaimTopic.KYC, twisted, b"me").call()


def test_deploy_identity__sdk__owner_manages_fresh_identity(evm: Chain, bob: str) -> None:
    identity = deploy_identity(evm, bob)
    assert identity.functions.getKeysByPurpose(MANAGEMENT).call() == [key_hash(bob)]
    assert identity.functions.getClaimIdsByTopic(ClaimTopic.KYC).call() == []
