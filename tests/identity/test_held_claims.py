"""Held claims: the ClaimIssuer's record of the claims reporting identities hold, and the registry's fast path.

A record must never outlive the claim's validity: revocation (by claim id or by any encoding of the
signature), removal or replacement of the claim on the identity, and a signing key losing its purpose
all end it in the same transaction, and the registry then answers exactly as the live check does.
"""

from __future__ import annotations

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import (
    ECDSA_KEY_TYPE,
    ClaimTopic,
    KeyPurpose,
    canonical_signature_hash,
    claim_id,
    key_hash,
    malleate,
    with_raw_v,
)
from dualtrack.identity import add_claim, deploy_claim_issuer, deploy_identity, signed_claim, sync_held_claims
from dualtrack.peers.onchainid import onchainid_artifact
from dualtrack.suite import UNIT, Suite
from tests.suite_fixtures import Actors, KycIssuer
from tests.support import ZERO_HASH

TOPIC = int(ClaimTopic.KYC)
AML = int(ClaimTopic.AML)


def _held(issuer: Contract, identity: Contract | str, topic: int = TOPIC) -> bool:
    address = identity if isinstance(identity, str) else identity.address
    return bool(issuer.functions.isHeldClaimValid(address, topic).call())


@pytest.fixture
def kyc_claim(evm: Chain, claim_issuer: Contract, alice_identity: Contract, signer_key: str, alice: str) -> bytes:
    """Alice's identity adds a KYC claim of `claim_issuer`; returns its signature."""
    claim = signed_claim(alice_identity, claim_issuer, signer_key, TOPIC, b"kyc:level-2")
    evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)
    return bytes(claim.signature)


# ---- Recording ----


def test_add_claim__reporting_identity__issuer_records_it(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signer_key: str, alice: str
) -> None:
    claim = signed_claim(alice_identity, claim_issuer, signer_key, TOPIC, b"kyc:level-2")
    receipt = evm.send(alice_identity.functions.addClaim(*claim.as_args()), alice)
    (event,) = evm.events(receipt, claim_issuer, "HeldClaimRecorded")
    assert (event["identity"], event["topic"]) == (alice_identity.address, TOPIC)
    assert bytes(event["canonicalSignatureHash"]) == canonical_signature_hash(bytes(claim.signature))
    assert _held(claim_issuer, alice_identity)
    signature_hash, epoch, valid = claim_issuer.functions.heldClaim(alice_identity.address, TOPIC).call()
    assert (bytes(signature_hash), epoch, valid) == (canonical_signature_hash(bytes(claim.signature)), 0, True)


def test_is_held_claim_valid__other_topic_or_identity__false(
    claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, bob: str
) -> None:
    assert _held(claim_issuer, alice_identity, TOPIC)
    assert not _held(claim_issuer, alice_identity, AML)
    assert not _held(claim_issuer, bob, TOPIC)
    assert claim_issuer.functions.heldClaim(bob, TOPIC).call() == [ZERO_HASH, 0, False]


def test_sync_held_claim__identity_not_reporting__no_record(
    evm: Chain, claim_issuer: Contract, signer_key: str, alice: str, keeper: str
) -> None:
    # ONCHAINID 2.2.1 identities never tell issuers about removals: the issuer keeps no record for them.
    oid_identity = evm.deploy(onchainid_artifact("Identity"), alice, False, sender=alice)
    claim = signed_claim(oid_identity, claim_issuer, signer_key, TOPIC)
    evm.send(oid_identity.functions.addClaim(*claim.as_args()), alice)
    receipt = evm.send(claim_issuer.functions.syncHeldClaim(oid_identity.address, TOPIC), keeper)
    assert evm.events(receipt, claim_issuer, "HeldClaimRecorded") == []
    assert not _held(claim_issuer, oid_identity)
    assert claim_issuer.functions.isClaimValid(oid_identity.address, TOPIC, claim.signature, b"").call()


def test_sync_held_claim__not_an_identity__no_record(evm: Chain, claim_issuer: Contract, keeper: str) -> None:
    for target in (keeper, claim_issuer.address):
        evm.send(claim_issuer.functions.syncHeldClaim(target, TOPIC), keeper)
        assert not _held(claim_issuer, target)


def test_sync_held_claim__current_record__no_event(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, keeper: str
) -> None:
    receipt = evm.send(claim_issuer.functions.syncHeldClaim(alice_identity.address, TOPIC), keeper)
    assert evm.events(receipt, claim_issuer, "HeldClaimRecorded") == []
    assert _held(claim_issuer, alice_identity)


def test_add_claim__claim_of_another_issuer__no_record_here(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, issuer: str, alice: str
) -> None:
    other_key = dev_private_keys(8)[7]
    other = deploy_claim_issuer(evm, issuer, evm.w3.eth.account.from_key(other_key).address)
    add_claim(evm, alice_identity, other, other_key, TOPIC, alice)
    assert _held(other, alice_identity)
    assert not _held(claim_issuer, alice_identity)


def test_add_claim__too_little_gas_for_the_issuer_sync__reverts(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, signer_key: str, alice: str
) -> None:
    claim = signed_claim(alice_identity, claim_issuer, signer_key, TOPIC)
    with evm.reverts("IdentityIssuerSyncGas"):
        evm.call(alice_identity.functions.addClaim(*claim.as_args()), alice, gas=250_000)
    assert not _held(claim_issuer, alice_identity)


# ---- Ending a record ----


@pytest.mark.parametrize("encoding", ["canonical", "high_s", "raw_v"])
def test_revoke_claim_by_signature__any_encoding__record_cleared(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, issuer: str, encoding: str
) -> None:
    signature = {"canonical": kyc_claim, "high_s": malleate(kyc_claim), "raw_v": with_raw_v(kyc_claim)}[encoding]
    receipt = evm.send(claim_issuer.functions.revokeClaimBySignature(signature), issuer)
    (event,) = evm.events(receipt, claim_issuer, "HeldClaimCleared")
    assert (event["identity"], event["topic"]) == (alice_identity.address, TOPIC)
    assert not _held(claim_issuer, alice_identity)
    # and the identity cannot bring it back: the claim itself is now invalid
    evm.send(claim_issuer.functions.syncHeldClaim(alice_identity.address, TOPIC), issuer)
    assert not _held(claim_issuer, alice_identity)


def test_revoke_claim__by_claim_id__record_cleared(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, issuer: str
) -> None:
    claim = claim_id(claim_issuer.address, TOPIC)
    receipt = evm.send(claim_issuer.functions.revokeClaim(claim, alice_identity.address), issuer)
    assert len(evm.events(receipt, claim_issuer, "HeldClaimCleared")) == 1
    assert not _held(claim_issuer, alice_identity)


def test_remove_claim__on_the_identity__record_cleared(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, alice: str
) -> None:
    receipt = evm.send(alice_identity.functions.removeClaim(claim_id(claim_issuer.address, TOPIC)), alice)
    assert len(evm.events(receipt, claim_issuer, "HeldClaimCleared")) == 1
    assert not _held(claim_issuer, alice_identity)


def test_add_claim__replaced_by_new_signature__record_follows_and_old_revocation_keeps_it(
    evm: Chain,
    claim_issuer: Contract,
    alice_identity: Contract,
    kyc_claim: bytes,
    signer_key: str,
    alice: str,
    issuer: str,
) -> None:
    new_claim = signed_claim(alice_identity, claim_issuer, signer_key, TOPIC, b"kyc:level-3")
    evm.send(alice_identity.functions.addClaim(*new_claim.as_args()), alice)
    signature_hash, _, valid = claim_issuer.functions.heldClaim(alice_identity.address, TOPIC).call()
    assert (bytes(signature_hash), valid) == (canonical_signature_hash(bytes(new_claim.signature)), True)
    # Revoking the replaced signature does not touch the record of the current claim...
    receipt = evm.send(claim_issuer.functions.revokeClaimBySignature(kyc_claim), issuer)
    assert evm.events(receipt, claim_issuer, "HeldClaimCleared") == []
    assert _held(claim_issuer, alice_identity)
    # ...revoking the current one does.
    evm.send(claim_issuer.functions.revokeClaimBySignature(bytes(new_claim.signature)), issuer)
    assert not _held(claim_issuer, alice_identity)


@pytest.mark.parametrize("purpose", [KeyPurpose.CLAIM, KeyPurpose.MANAGEMENT])
def test_remove_key__claim_or_management_purpose__every_record_stale(
    evm: Chain,
    claim_issuer: Contract,
    alice_identity: Contract,
    kyc_claim: bytes,
    signer: str,
    issuer: str,
    purpose: int,
) -> None:
    if purpose == KeyPurpose.MANAGEMENT:
        evm.send(claim_issuer.functions.addKey(key_hash(signer), int(purpose), ECDSA_KEY_TYPE), issuer)
        evm.send(claim_issuer.functions.removeKey(key_hash(signer), int(KeyPurpose.CLAIM)), issuer)
        # still signs through MANAGEMENT (keyHasPurpose accepts either): re-sync renews the record
        evm.send(claim_issuer.functions.syncHeldClaim(alice_identity.address, TOPIC), issuer)
        assert _held(claim_issuer, alice_identity)
    epoch_before = claim_issuer.functions.keyEpoch().call()
    receipt = evm.send(claim_issuer.functions.removeKey(key_hash(signer), int(purpose)), issuer)
    (event,) = evm.events(receipt, claim_issuer, "HeldClaimKeyEpochAdvanced")
    assert event["keyEpoch"] == epoch_before + 1 == claim_issuer.functions.keyEpoch().call()
    assert not _held(claim_issuer, alice_identity)
    # the signer has no purpose left: the claim is invalid and a sync clears the stale record
    receipt = evm.send(claim_issuer.functions.syncHeldClaim(alice_identity.address, TOPIC), issuer)
    assert len(evm.events(receipt, claim_issuer, "HeldClaimCleared")) == 1


def test_remove_key__action_purpose__records_stay_current(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, keeper: str, issuer: str
) -> None:
    evm.send(claim_issuer.functions.addKey(key_hash(keeper), int(KeyPurpose.ACTION), ECDSA_KEY_TYPE), issuer)
    evm.send(claim_issuer.functions.removeKey(key_hash(keeper), int(KeyPurpose.ACTION)), issuer)
    assert claim_issuer.functions.keyEpoch().call() == 0
    assert _held(claim_issuer, alice_identity)


def test_sync_held_claim__after_key_rotation__renewed_by_anyone(
    evm: Chain, claim_issuer: Contract, alice_identity: Contract, kyc_claim: bytes, issuer: str, stranger: str
) -> None:
    # An unrelated CLAIM key leaves: the signer still signs, records are stale until re-synced.
    evm.send(claim_issuer.functions.addKey(key_hash(stranger), int(KeyPurpose.CLAIM), ECDSA_KEY_TYPE), issuer)
    evm.send(claim_issuer.functions.removeKey(key_hash(stranger), int(KeyPurpose.CLAIM)), issuer)
    assert not _held(claim_issuer, alice_identity)
    receipt = evm.send(claim_issuer.functions.syncHeldClaim(alice_identity.address, TOPIC), stranger)
    assert len(evm.events(receipt, claim_issuer, "HeldClaimRecorded")) == 1
    assert claim_issuer.functions.heldClaim(alice_identity.address, TOPIC).call()[1:] == [1, True]


# ---- The registry's fast path ----


def test_is_verified__held_claim_revoked__unverified_at_once_and_transfer_blocked(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors
) -> None:
    bob = holders.bob
    assert _held(kyc.contract, bob.identity)
    kyc.revoke(evm, bob)
    assert not tsla.identity_registry.functions.isVerified(bob.wallet).call()
    with evm.reverts("EquityTokenUnverifiedReceiver", bob.wallet):
        evm.send(tsla.token.functions.transfer(bob.wallet, UNIT), holders.alice.wallet)


def test_is_verified__claim_removed_by_holder__unverified_at_once(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors
) -> None:
    carol = holders.carol
    evm.send(carol.identity.functions.removeClaim(claim_id(kyc.contract.address, TOPIC)), carol.wallet)
    assert not tsla.identity_registry.functions.isVerified(carol.wallet).call()
    with evm.reverts("EquityTokenUnverifiedReceiver", carol.wallet):
        evm.send(tsla.token.functions.transfer(carol.wallet, UNIT), holders.alice.wallet)


def test_is_verified__signing_key_removed__unverified_at_once(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, keeper: str
) -> None:
    evm.send(kyc.contract.functions.removeKey(key_hash(keeper), int(KeyPurpose.CLAIM)), kyc.owner)
    for holder in (holders.alice, holders.bob, holders.carol):
        assert not tsla.identity_registry.functions.isVerified(holder.wallet).call()


def test_is_verified__stale_record_but_claim_valid__verified_through_live_check(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, stranger: str
) -> None:
    evm.send(kyc.contract.functions.addKey(key_hash(stranger), int(KeyPurpose.CLAIM), ECDSA_KEY_TYPE), kyc.owner)
    evm.send(kyc.contract.functions.removeKey(key_hash(stranger), int(KeyPurpose.CLAIM)), kyc.owner)
    assert not _held(kyc.contract, holders.bob.identity)
    assert tsla.identity_registry.functions.isVerified(holders.bob.wallet).call()
    evm.send(tsla.token.functions.transfer(holders.bob.wallet, UNIT), holders.alice.wallet)


def test_is_verified__held_claim_transfer__cheaper_than_live_check(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, stranger: str
) -> None:
    # Not a timing test: the fast path must be what the token pays for in the steady state.
    alice, bob = holders.alice.wallet, holders.bob.wallet
    snapshot = evm.snapshot()
    fast = evm.send(tsla.token.functions.transfer(bob, UNIT), alice)["gasUsed"]
    evm.revert_to(snapshot)
    evm.send(kyc.contract.functions.addKey(key_hash(stranger), int(KeyPurpose.CLAIM), ECDSA_KEY_TYPE), kyc.owner)
    evm.send(kyc.contract.functions.removeKey(key_hash(stranger), int(KeyPurpose.CLAIM)), kyc.owner)
    live = evm.send(tsla.token.functions.transfer(bob, UNIT), alice)["gasUsed"]
    assert live - fast > 10_000


def test_is_verified__issuer_not_trusted__record_ignored(
    evm: Chain, tsla: Suite, holders: Actors, issuer: str, agent: str, alice: str
) -> None:
    # A record at an untrusted issuer verifies nobody: the registry only asks trusted issuers.
    rogue_key = dev_private_keys(9)[8]
    rogue = deploy_claim_issuer(evm, issuer, evm.w3.eth.account.from_key(rogue_key).address)
    identity = deploy_identity(evm, alice)
    add_claim(evm, identity, rogue, rogue_key, TOPIC, alice)
    assert _held(rogue, identity)
    wallet = evm.new_account()
    evm.send(tsla.identity_registry.functions.registerIdentity(wallet, identity.address, 840), agent)
    assert not tsla.identity_registry.functions.isVerified(wallet).call()


def test_sync_held_claims__after_key_rotation__keeper_renews_valid_and_clears_revoked(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, stranger: str, keeper: str
) -> None:
    contract = kyc.contract
    evm.send(contract.functions.addKey(key_hash(stranger), int(KeyPurpose.CLAIM), ECDSA_KEY_TYPE), kyc.owner)
    evm.send(contract.functions.removeKey(key_hash(stranger), int(KeyPurpose.CLAIM)), kyc.owner)
    kyc.revoke(evm, holders.carol)
    identities = [holders.alice.identity, holders.bob.identity, holders.carol.identity]
    assert not any(_held(contract, identity) for identity in identities)
    renewed = sync_held_claims(evm, contract, identities, TOPIC, keeper)
    assert renewed == [holders.alice.identity.address, holders.bob.identity.address]
    verified = tsla.identity_registry.functions.isVerified
    wallets = (holders.alice.wallet, holders.bob.wallet, holders.carol.wallet)
    assert [verified(wallet).call() for wallet in wallets] == [True, True, False]


# ---- Revocation by holder and topic (a hostile identity cannot steer it) ----


def test_revoke_claim__hostile_identity_serves_decoy_to_issuer__hostile_revoked_innocent_untouched(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, agent: str, stranger: str
) -> None:
    """Review finding 3: a hostile identity answers `getClaim` with another holder's public claim
    signature, to the issuer only. Revoking its claim must revoke the hostile holder, not the innocent
    one whose signature it showed."""
    innocent = holders.alice
    hostile, hostile_claim = kyc.hostile_identity(evm, stranger, decoy_of=innocent)
    hostile_wallet = evm.new_account()
    evm.send(tsla.identity_registry.functions.registerIdentity(hostile_wallet, hostile.address, 840), agent)
    verified = tsla.identity_registry.functions.isVerified
    assert verified(hostile_wallet).call() and verified(innocent.wallet).call()

    receipt = evm.send(
        kyc.contract.functions.revokeClaim(claim_id(kyc.contract.address, TOPIC), hostile.address), kyc.owner
    )

    # the hostile holder is out, the holder whose signature it showed is not
    assert not verified(hostile_wallet).call()
    assert verified(innocent.wallet).call()
    assert evm.events(receipt, kyc.contract, "ClaimPairRevoked") == [{"identity": hostile.address, "topic": TOPIC}]
    assert evm.events(receipt, kyc.contract, "ClaimRevoked") == []  # the decoy is nobody's claim here
    innocent_signature = innocent.identity.functions.getClaim(claim_id(kyc.contract.address, TOPIC)).call()[3]
    assert not kyc.contract.functions.isClaimRevoked(innocent_signature).call()
    assert _held(kyc.contract, innocent.identity)
    assert not kyc.contract.functions.isClaimValid(
        hostile.address, TOPIC, hostile_claim.signature, hostile_claim.data
    ).call()
    with evm.reverts("EquityTokenUnverifiedReceiver", hostile_wallet):
        evm.send(tsla.token.functions.transfer(hostile_wallet, UNIT), innocent.wallet)
    evm.send(tsla.token.functions.transfer(holders.carol.wallet, UNIT), innocent.wallet)


def test_revoke_claim_pair__reporting_identity__record_cleared_and_every_claim_refused_until_lifted(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors
) -> None:
    """Review finding 3: the pair (identity, topic) is revoked without calling the identity, and both the
    live check (`isClaimValid`) and the held-claim fast path refuse it, whatever the signature."""
    bob = holders.bob
    contract = kyc.contract
    receipt = evm.send(contract.functions.revokeClaimPair(bob.identity.address, TOPIC), kyc.owner)
    assert evm.events(receipt, contract, "ClaimPairRevoked") == [{"identity": bob.identity.address, "topic": TOPIC}]
    assert [(e["identity"], e["topic"]) for e in evm.events(receipt, contract, "HeldClaimCleared")] == [
        (bob.identity.address, TOPIC)
    ]
    assert contract.functions.isClaimPairRevoked(bob.identity.address, TOPIC).call()
    assert not _held(contract, bob.identity)
    assert not tsla.identity_registry.functions.isVerified(bob.wallet).call()
    # a freshly signed claim of the pair is refused too: the identity cannot even add it
    fresh = signed_claim(bob.identity, contract, kyc.signer_key, TOPIC, b"re-issued")
    assert not contract.functions.isClaimValid(bob.identity.address, TOPIC, fresh.signature, fresh.data).call()
    with evm.reverts("IdentityInvalidClaim", contract.address, TOPIC):
        evm.send(bob.identity.functions.addClaim(*fresh.as_args()), bob.wallet)
    evm.send(contract.functions.syncHeldClaim(bob.identity.address, TOPIC), kyc.owner)
    assert not _held(contract, bob.identity)
    # another topic of the same identity, and other identities, are untouched
    aml = signed_claim(bob.identity, contract, kyc.signer_key, AML)
    assert contract.functions.isClaimValid(bob.identity.address, AML, aml.signature, aml.data).call()
    assert tsla.identity_registry.functions.isVerified(holders.alice.wallet).call()
    with evm.reverts("ClaimIssuerPairAlreadyRevoked", bob.identity.address, TOPIC):
        evm.send(contract.functions.revokeClaimPair(bob.identity.address, TOPIC), kyc.owner)


def test_lift_claim_pair_revocation__re_issued_claim__valid_recorded_and_old_signature_still_revoked(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors
) -> None:
    bob = holders.bob
    contract = kyc.contract
    old_signature = bob.identity.functions.getClaim(claim_id(contract.address, TOPIC)).call()[3]
    kyc.revoke(evm, bob)  # the pair and (bob's identity is honest) its signature
    receipt = evm.send(contract.functions.liftClaimPairRevocation(bob.identity.address, TOPIC), kyc.owner)
    assert evm.events(receipt, contract, "ClaimPairRevocationLifted") == [
        {"identity": bob.identity.address, "topic": TOPIC}
    ]
    assert not contract.functions.isClaimPairRevoked(bob.identity.address, TOPIC).call()
    # the revoked signature stays dead after lifting
    assert contract.functions.isClaimRevoked(old_signature).call()
    assert not tsla.identity_registry.functions.isVerified(bob.wallet).call()
    fresh = signed_claim(bob.identity, contract, kyc.signer_key, TOPIC, b"re-issued")
    evm.send(bob.identity.functions.addClaim(*fresh.as_args()), bob.wallet)
    assert _held(contract, bob.identity)
    assert tsla.identity_registry.functions.isVerified(bob.wallet).call()
    with evm.reverts("ClaimIssuerPairNotRevoked", bob.identity.address, TOPIC):
        evm.send(contract.functions.liftClaimPairRevocation(bob.identity.address, TOPIC), kyc.owner)


def test_lift_claim_pair_revocation__hostile_kept_its_real_claim__valid_again_unless_revoked_by_signature(
    evm: Chain, tsla: Suite, kyc: KycIssuer, holders: Actors, agent: str, stranger: str
) -> None:
    """What lifting implies: `revokeClaim` could not revoke the hostile identity's real signature (it
    was shown a decoy), so lifting the pair revives that claim; revoking it by signature first does not."""
    hostile, hostile_claim = kyc.hostile_identity(evm, stranger, decoy_of=holders.alice)
    wallet = evm.new_account()
    evm.send(tsla.identity_registry.functions.registerIdentity(wallet, hostile.address, 840), agent)
    evm.send(kyc.contract.functions.revokeClaim(claim_id(kyc.contract.address, TOPIC), hostile.address), kyc.owner)
    snapshot = evm.snapshot()
    kyc.lift(evm, hostile.address)
    assert tsla.identity_registry.functions.isVerified(wallet).call()
    evm.revert_to(snapshot)
    evm.send(kyc.contract.functions.revokeClaimBySignature(hostile_claim.signature), kyc.owner)
    kyc.lift(evm, hostile.address)
    assert not tsla.identity_registry.functions.isVerified(wallet).call()


def test_revoke_claim__topic_not_the_claim_ids__reverts_unknown_claim(
    evm: Chain, kyc: KycIssuer, holders: Actors, stranger: str
) -> None:
    """The identity names a topic whose claim id is not the one asked about: no pair can be trusted."""
    liar, _ = kyc.hostile_identity(evm, stranger, decoy_of=holders.alice)
    aml_claim = signed_claim(liar, kyc.contract, kyc.signer_key, AML)
    evm.send(liar.functions.setClaim(*aml_claim.as_args()), stranger)
    kyc_id = claim_id(kyc.contract.address, TOPIC)
    with evm.reverts("IdentityUnknownClaim", kyc_id):
        evm.send(kyc.contract.functions.revokeClaim(kyc_id, liar.address), kyc.owner)
    assert not kyc.contract.functions.isClaimPairRevoked(liar.address, TOPIC).call()
    assert not kyc.contract.functions.isClaimPairRevoked(liar.address, AML).call()


@pytest.mark.parametrize("function", ["revokeClaimPair", "liftClaimPairRevocation"])
def test_pair_revocation__by_claim_key__reverts_unauthorized(
    evm: Chain, kyc: KycIssuer, holders: Actors, keeper: str, function: str
) -> None:
    call = kyc.contract.functions[function](holders.bob.identity.address, TOPIC)
    with evm.reverts("IdentityUnauthorizedKey", keeper, int(KeyPurpose.MANAGEMENT)):
        evm.send(call, keeper)
