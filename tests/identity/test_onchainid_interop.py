"""Interoperability with ONCHAINID 2.2.1 (its published npm artifacts, deployed here as test peers only)."""

from __future__ import annotations

from typing import Any

import pytest
from web3.contract import Contract

from dualtrack.artifacts import local_artifact
from dualtrack.chain import Chain
from dualtrack.claims import (
    ECDSA_KEY_TYPE,
    ClaimTopic,
    KeyPurpose,
    claim_id,
    key_hash,
    make_claim,
    malleate,
    with_raw_v,
)
from dualtrack.identity import deploy_identity
from dualtrack.peers.onchainid import onchainid_artifact

TOPIC = ClaimTopic.KYC
MANAGEMENT, ACTION, CLAIM = KeyPurpose.MANAGEMENT, KeyPurpose.ACTION, KeyPurpose.CLAIM


@pytest.fixture(scope="session")
def oid_identity(evm: Chain, alice: str) -> Contract:
    """ONCHAINID's Identity for alice (not a library instance)."""
    return evm.deploy(onchainid_artifact("Identity"), alice, False, sender=alice)


@pytest.fixture(scope="session")
def oid_issuer(evm: Chain, issuer: str, signer: str) -> Contract:
    """ONCHAINID's ClaimIssuer managed by ``issuer``, with ``signer`` holding a CLAIM key."""
    contract = evm.deploy(onchainid_artifact("ClaimIssuer"), issuer, sender=issuer)
    evm.send(contract.functions.addKey(key_hash(signer), CLAIM, ECDSA_KEY_TYPE), issuer)
    return contract


# -------------------------------------------------------------------------------------- cross claims


def test_add_claim__signed_through_onchainid_issuer__our_identity_accepts(
    evm: Chain, alice_identity: Contract, oid_issuer: Contract, signer_key: str, alice: str
) -> None:
    claim = make_claim(oid_issuer.address, signer_key, alice_identity.address, TOPIC, b"oid", "ipfs://c")
    evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)
    assert alice_identity.functions.getClaim(claim_id(oid_issuer.address, TOPIC)).call() == list(claim.as_args())


def test_add_claim__wrong_signer_through_onchainid_issuer__our_identity_rejects(
    evm: Chain, alice_identity: Contract, oid_issuer: Contract, alice: str
) -> None:
    alice_key = "0x" + "ab" * 32
    claim = make_claim(oid_issuer.address, alice_key, alice_identity.address, TOPIC)
    with evm.reverts("IdentityInvalidClaim", oid_issuer.address, TOPIC):
        evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)


def test_add_claim__signed_through_our_issuer__onchainid_identity_accepts(
    evm: Chain, oid_identity: Contract, claim_issuer: Contract, signer_key: str, alice: str
) -> None:
    claim = make_claim(claim_issuer.address, signer_key, oid_identity.address, TOPIC, b"ours", "")
    evm.send(oid_identity.functions.addClaim(*claim.as_args()), alice)
    assert oid_identity.functions.getClaim(claim_id(claim_issuer.address, TOPIC)).call() == list(claim.as_args())


def test_add_claim__revoked_by_our_issuer__onchainid_identity_rejects(
    evm: Chain, oid_identity: Contract, claim_issuer: Contract, signer_key: str, alice: str, issuer: str
) -> None:
    claim = make_claim(claim_issuer.address, signer_key, oid_identity.address, TOPIC)
    evm.send(claim_issuer.functions.revokeClaimBySignature(claim.signature), issuer)
    for signature in (claim.signature, malleate(claim.signature), with_raw_v(claim.signature)):
        with evm.reverts("Error"):
            evm.send(oid_identity.functions.addClaim(TOPIC, 1, claim_issuer.address, signature, b"", ""), alice)


def test_is_claim_valid__canonical_signatures__both_issuers_agree(
    oid_issuer: Contract, claim_issuer: Contract, alice_identity: Contract, signer_key: str
) -> None:
    for topic, data in [(TOPIC, b""), (ClaimTopic.AML, b"\x00" * 40), (2**255, b"x")]:
        for issuer_contract in (oid_issuer, claim_issuer):
            good = make_claim(issuer_contract.address, signer_key, alice_identity.address, topic, data)
            bad = make_claim(issuer_contract.address, "0x" + "cd" * 32, alice_identity.address, topic, data)
            check = issuer_contract.functions.isClaimValid
            assert check(alice_identity.address, topic, good.signature, data).call()
            assert not check(alice_identity.address, topic, bad.signature, data).call()


# ------------------------------------------------------------------------------- the known weakness


def test_revocation__malleated_copy_of_revoked_signature__valid_on_onchainid_invalid_on_ours(
    evm: Chain,
    oid_issuer: Contract,
    claim_issuer: Contract,
    alice_identity: Contract,
    signer_key: str,
    issuer: str,
) -> None:
    for issuer_contract in (oid_issuer, claim_issuer):
        claim = make_claim(issuer_contract.address, signer_key, alice_identity.address, TOPIC)
        evm.send(issuer_contract.functions.revokeClaimBySignature(claim.signature), issuer)

    def report(issuer_contract: Contract, signature: bytes) -> tuple[bool, bool]:
        valid = issuer_contract.functions.isClaimValid(alice_identity.address, TOPIC, signature, b"").call()
        return valid, issuer_contract.functions.isClaimRevoked(signature).call()

    oid_sig = make_claim(oid_issuer.address, signer_key, alice_identity.address, TOPIC).signature
    our_sig = make_claim(claim_issuer.address, signer_key, alice_identity.address, TOPIC).signature
    # Both see the revoked signature as revoked and invalid.
    assert report(oid_issuer, oid_sig) == (False, True)
    assert report(claim_issuer, our_sig) == (False, True)
    # ONCHAINID 2.2.1: the high-s / v-in-{0,1} copies are "not revoked" and valid again.
    for twisted in (malleate(oid_sig), with_raw_v(oid_sig), with_raw_v(malleate(oid_sig))):
        assert report(oid_issuer, twisted) == (True, False)
    # dualtrack: every re-encoding stays revoked and invalid.
    for twisted in (malleate(our_sig), with_raw_v(our_sig), with_raw_v(malleate(our_sig))):
        assert report(claim_issuer, twisted) == (False, True)


def test_add_claim__malleated_revoked_onchainid_claim__revived_on_onchainid_identity(
    evm: Chain, oid_issuer: Contract, oid_identity: Contract, signer_key: str, issuer: str, alice: str
) -> None:
    # The weakness end to end: a holder re-adds a revoked ONCHAINID claim by flipping its s.
    claim = make_claim(oid_issuer.address, signer_key, oid_identity.address, TOPIC)
    evm.send(oid_issuer.functions.revokeClaimBySignature(claim.signature), issuer)
    with evm.reverts("Error"):
        evm.send(oid_identity.functions.addClaim(*claim.as_args()), alice)
    evm.send(oid_identity.functions.addClaim(TOPIC, 1, oid_issuer.address, malleate(claim.signature), b"", ""), alice)
    assert oid_identity.functions.getClaim(claim_id(oid_issuer.address, TOPIC)).call()[3] == malleate(claim.signature)


# ------------------------------------------------------------------------------------ same answers

CLAIM_SHAPES = {
    "typical": (TOPIC, 1, b"\x11" * 32 + b"\x22" * 32 + b"\x1b", b"", ""),
    "data_and_uri": (ClaimTopic.AML, 1, b"\x33" * 65, b"country=DE", "https://issuer.example/claims/42"),
    "wide_topic_and_scheme": (2**200 + 7, 2**90, b"\x44" * 65, b"\x00" * 33, "u"),
    "raw_signature": (77, 3, b"\x55" * 130, b"d" * 100, "x" * 40),
    "empty_signature": (5, 0, b"", b"", ""),
}


@pytest.mark.parametrize("shape", list(CLAIM_SHAPES))
def test_get_claim__same_claim_on_both_implementations__identical_tuples(
    evm: Chain, alice_identity: Contract, oid_identity: Contract, yes_issuer: str, alice: str, shape: str
) -> None:
    topic, scheme, signature, data, uri = CLAIM_SHAPES[shape]
    args = (topic, scheme, yes_issuer, signature, data, uri)
    cid = claim_id(yes_issuer, topic)
    answers: list[list[Any]] = []
    for identity in (alice_identity, oid_identity):
        evm.send(identity.functions.addClaim(*args), alice)
        answers.append([identity.functions.getClaim(cid).call(), identity.functions.getClaimIdsByTopic(topic).call()])
    assert answers[0] == answers[1] == [list(args), [cid]]


def test_get_claim__absent_or_removed__identical_zero_tuples(
    evm: Chain, alice_identity: Contract, oid_identity: Contract, yes_issuer: str, alice: str
) -> None:
    cid = claim_id(yes_issuer, TOPIC)
    answers = []
    for identity in (alice_identity, oid_identity):
        absent = identity.functions.getClaim(cid).call()
        evm.send(identity.functions.addClaim(TOPIC, 1, yes_issuer, b"\x01" * 65, b"d", "u"), alice)
        evm.send(identity.functions.removeClaim(cid), alice)
        answers.append(
            (absent, identity.functions.getClaim(cid).call(), identity.functions.getClaimIdsByTopic(TOPIC).call())
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == [0, 0, "0x" + "00" * 20, b"", b"", ""]


def test_keys__same_operations_on_both_implementations__identical_answers_and_events(
    evm: Chain, alice_identity: Contract, oid_identity: Contract, alice: str, bob: str, keeper: str
) -> None:
    operations: list[tuple[str, tuple[Any, ...]]] = [
        ("addKey", (key_hash(bob), ACTION, ECDSA_KEY_TYPE)),
        ("addKey", (key_hash(keeper), ACTION, ECDSA_KEY_TYPE)),
        ("addKey", (key_hash(bob), CLAIM, ECDSA_KEY_TYPE)),
        ("addKey", (key_hash(keeper), MANAGEMENT, ECDSA_KEY_TYPE)),
        ("removeKey", (key_hash(bob), ACTION)),
        ("removeKey", (key_hash(alice), MANAGEMENT)),
    ]
    results = []
    for identity in (alice_identity, oid_identity):
        events = []
        for name, args in operations:
            sender = keeper if name == "removeKey" and args[0] == key_hash(alice) else alice
            receipt = evm.send(getattr(identity.functions, name)(*args), sender)
            events += evm.events(receipt, identity, "KeyAdded" if name == "addKey" else "KeyRemoved")
        views = [
            [identity.functions.getKey(key_hash(who)).call() for who in (alice, bob, keeper)],
            [identity.functions.getKeysByPurpose(p).call() for p in (MANAGEMENT, ACTION, CLAIM)],
            [
                identity.functions.keyHasPurpose(key_hash(who), p).call()
                for who in (alice, bob, keeper)
                for p in (1, 2, 3)
            ],
        ]
        results.append((events, views))
    assert results[0] == results[1]


def test_execute__management_key_calling_identity__identical_events(
    evm: Chain, alice_identity: Contract, oid_identity: Contract, alice: str, bob: str
) -> None:
    results = []
    for identity in (alice_identity, oid_identity):
        data = bytes.fromhex(identity.encode_abi("addKey", args=[key_hash(bob), CLAIM, ECDSA_KEY_TYPE])[2:])
        receipt = evm.send(identity.functions.execute(identity.address, 0, data), alice)
        events = [
            [{k: v for k, v in e.items() if k != "to"} for e in evm.events(receipt, identity, name)]
            for name in ("ExecutionRequested", "Approved", "Executed", "KeyAdded")
        ]
        results.append(events)
    assert results[0] == results[1]
    assert results[0][1] == [{"executionId": 0, "approved": True}]


# ------------------------------------------------------------------------------------------------ gas


def test_gas__deploy_and_get_claim__cheaper_than_onchainid(
    evm: Chain, claim_issuer: Contract, signer_key: str, alice: str
) -> None:
    ours, theirs = local_artifact("Identity"), onchainid_artifact("Identity")
    deploy_gas = [
        evm.w3.eth.contract(abi=ours.abi, bytecode=ours.bytecode).constructor(alice).estimate_gas({"from": alice}),
        evm.w3.eth.contract(abi=theirs.abi, bytecode=theirs.bytecode)
        .constructor(alice, False)
        .estimate_gas({"from": alice}),
    ]
    read_gas = []
    for identity in (deploy_identity(evm, alice), evm.deploy(theirs, alice, False, sender=alice)):
        claim = make_claim(claim_issuer.address, signer_key, identity.address, TOPIC)
        evm.send(identity.functions.addClaim(*claim.as_args()), alice)
        read_gas.append(identity.functions.getClaim(claim_id(claim_issuer.address, TOPIC)).estimate_gas())
    # Measured on anvil: deploy 1,984,236 vs 3,973,734 gas used; getClaim 29,537 vs 45,001 estimated
    # (21,000 of which is the base transaction cost: 8,537 vs 24,001 for the read itself).
    assert deploy_gas[0] * 3 < deploy_gas[1] * 2
    assert (read_gas[0] - 21_000) * 2 < read_gas[1] - 21_000
