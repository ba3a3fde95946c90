"""ClaimIssuer: claim validation, non-malleability and revocation that no re-encoding escapes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import (
    ECDSA_KEY_TYPE,
    ClaimTopic,
    KeyPurpose,
    canonical_signature_hash,
    claim_id,
    key_hash,
    make_claim,
    malleate,
    sign_claim,
    with_raw_v,
)
from dualtrack.identity import add_claim, deploy_claim_issuer, deploy_identity, signed_claim, signer_address

MANAGEMENT, CLAIM = KeyPurpose.MANAGEMENT, KeyPurpose.CLAIM
TOPIC = ClaimTopic.KYC
DATA = b"kyc:level-2"


def _compact(signature: bytes) -> bytes:
    """EIP-2098 64-byte form ``r || (v - 27) << 255 | s`` of a canonical signature."""
    s = int.from_bytes(signature[32:64], "big") | ((signature[64] - 27) << 255)
    return signature[:32] + s.to_bytes(32, "big")


def _encodings(signature: bytes) -> dict[str, bytes]:
    """Every encoding of one signature (canonical first)."""
    return {
        "canonical": signature,
        "high_s": malleate(signature),
        "raw_v": with_raw_v(signature),
        "high_s_raw_v": with_raw_v(malleate(signature)),
        "compact_64": _compact(signature),
    }


@pytest.fixture
def signature(alice_identity: Contract, signer_key: str) -> bytes:
    """The issuer's signature of a KYC claim about alice's identity."""
    return sign_claim(signer_key, alice_identity.address, TOPIC, DATA)


def _valid(claim_issuer: Contract, identity: Contract, sig: bytes, topic: int = TOPIC, data: bytes = DATA) -> bool:
    return bool(claim_issuer.functions.isClaimValid(identity.address, topic, sig, data).call())


# ---------------------------------------------------------------------------------------- validity


def test_is_claim_valid__signed_by_claim_key__true(
    claim_issuer: Contract, alice_identity: Contract, signature: bytes
) -> None:
    assert _valid(claim_issuer, alice_identity, signature)


def test_is_claim_valid__signed_by_management_key__true(
    claim_issuer: Contract, alice_identity: Contract, issuer: str
) -> None:
    issuer_key = dev_private_keys(1)[0]
    assert signer_address(issuer_key) == issuer
    assert _valid(claim_issuer, alice_identity, sign_claim(issuer_key, alice_identity.address, TOPIC, DATA))


def test_is_claim_valid__signer_without_key__false(claim_issuer: Contract, alice_identity: Contract) -> None:
    outsider = dev_private_keys(9)[8]
    assert not _valid(claim_issuer, alice_identity, sign_claim(outsider, alice_identity.address, TOPIC, DATA))


def test_is_claim_valid__other_identity_topic_or_data__false(
    claim_issuer: Contract, alice_identity: Contract, signature: bytes, evm: Chain, bob: str
) -> None:
    bob_identity = deploy_identity(evm, bob)
    assert not _valid(claim_issuer, bob_identity, signature)
    assert not _valid(claim_issuer, alice_identity, signature, topic=ClaimTopic.AML)
    assert not _valid(claim_issuer, alice_identity, signature, data=DATA + b"!")


def test_is_claim_valid__signing_key_removed__false(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signature: bytes, signer: str, issuer: str
) -> None:
    evm.send(claim_issuer.functions.removeKey(key_hash(signer), CLAIM), issuer)
    assert not _valid(claim_issuer, alice_identity, signature)


@pytest.mark.parametrize("encoding", ["high_s", "raw_v", "high_s_raw_v", "compact_64"])
def test_is_claim_valid__re_encoded_signature__false(
    claim_issuer: Contract, alice_identity: Contract, signature: bytes, encoding: str
) -> None:
    assert not _valid(claim_issuer, alice_identity, _encodings(signature)[encoding])


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda s: s + b"\x00", id="66_bytes"),
        pytest.param(lambda s: s[:64], id="64_bytes_truncated"),
        pytest.param(lambda s: b"", id="empty"),
        pytest.param(lambda s: s[:64] + b"\x1d", id="v_29"),
        pytest.param(lambda s: b"\x00" * 32 + s[32:], id="r_zero"),
        pytest.param(lambda s: s[:32] + b"\x00" * 32 + s[64:], id="s_zero"),
        pytest.param(lambda s: b"\xff" * 65, id="all_ff"),
    ],
)
def test_is_claim_valid__malformed_signature__false_without_revert(
    claim_issuer: Contract, alice_identity: Contract, signature: bytes, mangle: Callable[[bytes], bytes]
) -> None:
    assert not _valid(claim_issuer, alice_identity, mangle(signature))


@given(junk=st.binary(max_size=130))
def test_is_claim_valid__random_bytes__false_never_reverts(
    claim_issuer: Contract, alice_identity: Contract, junk: bytes
) -> None:
    assert not _valid(claim_issuer, alice_identity, junk)


# ---------------------------------------------------------------------------------------- revocation


def test_revoke_claim_by_signature__by_management_key__revokes_and_emits(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signature: bytes, issuer: str
) -> None:
    receipt = evm.send(claim_issuer.functions.revokeClaimBySignature(signature), issuer)
    # `signature` is an indexed bytes topic: logs carry its keccak256.
    assert evm.events(receipt, claim_issuer, "ClaimRevoked") == [{"signature": keccak(signature)}]
    assert claim_issuer.functions.isClaimRevoked(signature).call()
    assert not _valid(claim_issuer, alice_identity, signature)


@pytest.mark.parametrize("revoked_form", ["canonical", "high_s", "raw_v", "high_s_raw_v", "compact_64"])
def test_revoke_claim_by_signature__any_encoding__every_encoding_revoked_and_invalid(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signature: bytes, issuer: str, revoked_form: str
) -> None:
    encodings = _encodings(signature)
    evm.send(claim_issuer.functions.revokeClaimBySignature(encodings[revoked_form]), issuer)
    for form, encoded in encodings.items():
        assert claim_issuer.functions.isClaimRevoked(encoded).call(), form
        assert not _valid(claim_issuer, alice_identity, encoded), form
        # Revoking another encoding again cannot toggle anything: it is the same revocation.
        with evm.reverts("ClaimIssuerAlreadyRevoked", canonical_signature_hash(signature)):
            evm.send(claim_issuer.functions.revokeClaimBySignature(encoded), issuer)


def test_revoke_claim_by_signature__revoked_claim__cannot_be_added_in_any_encoding(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signature: bytes, issuer: str, alice: str
) -> None:
    evm.send(claim_issuer.functions.revokeClaimBySignature(signature), issuer)
    for encoded in _encodings(signature).values():
        with evm.reverts("IdentityInvalidClaim", claim_issuer.address, TOPIC):
            evm.send(alice_identity.functions.addClaim(TOPIC, 1, claim_issuer.address, encoded, DATA, ""), alice)


@pytest.mark.parametrize(
    "malformed",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x01" * 66, id="66_bytes"),
        pytest.param(b"\x01" * 63, id="63_bytes"),
        pytest.param(b"\x00" * 32 + b"\x01" * 33, id="r_zero"),
        pytest.param(b"\x01" * 32 + b"\x00" * 32 + b"\x1b", id="s_zero"),
        pytest.param(b"\x01" * 32 + b"\xff" * 32 + b"\x1b", id="s_not_below_n"),
    ],
)
def test_revoke_claim_by_signature__malformed__reverts_malformed_signature(
    evm: Chain, claim_issuer: Contract, issuer: str, malformed: bytes
) -> None:
    with evm.reverts("ClaimIssuerMalformedSignature", len(malformed)):
        evm.send(claim_issuer.functions.revokeClaimBySignature(malformed), issuer)
    assert not claim_issuer.functions.isClaimRevoked(malformed).call()


def test_revoke_claim_by_signature__by_claim_key__reverts_unauthorized(
    evm: Chain, claim_issuer: Contract, signature: bytes, signer: str
) -> None:
    with evm.reverts("IdentityUnauthorizedKey", signer, MANAGEMENT):
        evm.send(claim_issuer.functions.revokeClaimBySignature(signature), signer)
    assert not claim_issuer.functions.isClaimRevoked(signature).call()


def test_is_claim_revoked__never_revoked__false(claim_issuer: Contract, signature: bytes) -> None:
    for encoded in _encodings(signature).values():
        assert not claim_issuer.functions.isClaimRevoked(encoded).call()
    assert not claim_issuer.functions.isClaimRevoked(b"\x01" * 10).call()


def test_revoke_claim__claim_held_by_identity__revokes_and_emits(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signer_key: str, issuer: str, alice: str
) -> None:
    cid = add_claim(evm, alice_identity, claim_issuer, signer_key, TOPIC, alice, DATA)
    stored = alice_identity.functions.getClaim(cid).call()[3]
    assert evm.call(claim_issuer.functions.revokeClaim(cid, alice_identity.address), issuer) is True
    receipt = evm.send(claim_issuer.functions.revokeClaim(cid, alice_identity.address), issuer)
    assert evm.events(receipt, claim_issuer, "ClaimRevoked") == [{"signature": keccak(stored)}]
    assert evm.events(receipt, claim_issuer, "ClaimPairRevoked") == [
        {"identity": alice_identity.address, "topic": TOPIC}
    ]
    assert claim_issuer.functions.isClaimPairRevoked(alice_identity.address, TOPIC).call()
    for encoded in _encodings(stored).values():
        assert claim_issuer.functions.isClaimRevoked(encoded).call()
        assert not _valid(claim_issuer, alice_identity, encoded)
    with evm.reverts("ClaimIssuerPairAlreadyRevoked", alice_identity.address, TOPIC):
        evm.send(claim_issuer.functions.revokeClaim(cid, alice_identity.address), issuer)


def test_revoke_claim__claim_absent_or_from_other_issuer__reverts_unknown_claim(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, yes_issuer: str, issuer: str, alice: str
) -> None:
    absent = claim_id(claim_issuer.address, TOPIC)
    with evm.reverts("IdentityUnknownClaim", absent):
        evm.send(claim_issuer.functions.revokeClaim(absent, alice_identity.address), issuer)
    evm.send(alice_identity.functions.addClaim(TOPIC, 1, yes_issuer, b"\x01" * 65, b"", ""), alice)
    foreign = claim_id(yes_issuer, TOPIC)
    with evm.reverts("IdentityUnknownClaim", foreign):
        evm.send(claim_issuer.functions.revokeClaim(foreign, alice_identity.address), issuer)


def test_revoke_claim__by_non_management_key__reverts_unauthorized(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signer_key: str, signer: str, alice: str
) -> None:
    cid = add_claim(evm, alice_identity, claim_issuer, signer_key, TOPIC, alice)
    with evm.reverts("IdentityUnauthorizedKey", signer, MANAGEMENT):
        evm.send(claim_issuer.functions.revokeClaim(cid, alice_identity.address), signer)


@given(topic=st.integers(0, 2**256 - 1), data=st.binary(max_size=48), form=st.integers(0, 4))
def test_revoke__random_claim_and_encoding__no_encoding_stays_valid(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signer_key: str, issuer: str,
    topic: int, data: bytes, form: int,
) -> None:  # fmt: skip
    snapshot = evm.snapshot()
    try:
        sig = sign_claim(signer_key, alice_identity.address, topic, data)
        encodings = list(_encodings(sig).values())
        assert _valid(claim_issuer, alice_identity, sig, topic, data)
        evm.send(claim_issuer.functions.revokeClaimBySignature(encodings[form]), issuer)
        for encoded in encodings:
            assert not _valid(claim_issuer, alice_identity, encoded, topic, data)
            assert claim_issuer.functions.isClaimRevoked(encoded).call()
    finally:
        evm.revert_to(snapshot)


# ------------------------------------------------------------------------------------------------ SDK


def test_deploy_claim_issuer__sdk__owner_manages_and_signer_holds_claim_key(evm: Chain, keeper: str, lp: str) -> None:
    issuer_contract = deploy_claim_issuer(evm, keeper, lp)
    assert issuer_contract.functions.getKeysByPurpose(MANAGEMENT).call() == [key_hash(keeper)]
    assert issuer_contract.functions.getKey(key_hash(lp)).call() == [[CLAIM], ECDSA_KEY_TYPE, key_hash(lp)]


def test_add_claim__sdk__stores_claim_and_returns_its_id(
    evm: Chain, claim_issuer: Contract, signer_key: str, bob: str
) -> None:
    identity = deploy_identity(evm, bob)
    cid = add_claim(evm, identity, claim_issuer, signer_key, ClaimTopic.ACCREDITED_INVESTOR, bob, b"x", "https://k")
    assert cid == claim_id(claim_issuer.address, ClaimTopic.ACCREDITED_INVESTOR)
    expected = signed_claim(
        identity, claim_issuer.address, signer_key, ClaimTopic.ACCREDITED_INVESTOR, b"x", "https://k"
    )
    assert identity.functions.getClaim(cid).call() == list(expected.as_args())
    assert expected == make_claim(
        claim_issuer.address, signer_key, identity.address, ClaimTopic.ACCREDITED_INVESTOR, b"x", "https://k"
    )


def test_add_claim__sdk_with_non_claim_key_owner__reverts_unauthorized(
    evm: Chain, claim_issuer: Contract, signer_key: str, alice_identity: Contract, bob: str
) -> None:
    with evm.reverts("IdentityUnauthorizedKey", bob, CLAIM):
        add_claim(evm, alice_identity, claim_issuer, signer_key, TOPIC, bob)
