"""Interop: holders whose identity and claim issuer are ONCHAINID's own published contracts.

ONCHAINID 2.2.1's Identity and ClaimIssuer are deployed from their npm artifacts (test-only peers).
dualtrack's registry verifies such holders, they receive tokens, a revoked claim makes them
unverified at once, and re-adding a malleated copy of the revoked signature (which ONCHAINID's
issuer wrongly accepts) does not make them verified again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.artifacts import npm_artifact
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic, KeyPurpose, key_hash, make_claim, malleate, with_raw_v
from dualtrack.suite import DE, UNIT, Protocol, Suite, deploy_suite, salt_of, standard_suite_params

ONCHAINID = "@onchain-id/solidity"


@dataclass(frozen=True)
class OnchainIdSetup:
    suite: Suite
    issuer: Contract  # ONCHAINID ClaimIssuer
    holder_identity: Contract  # ONCHAINID Identity of carol
    signature: bytes
    signer_key: str


@pytest.fixture(scope="module")
def onchainid_setup(evm: Chain, protocol: Protocol, issuer: str, agent: str, alice: str, keeper: str) -> OnchainIdSetup:
    peer_issuer = evm.deploy(
        npm_artifact(ONCHAINID, "artifacts/contracts/ClaimIssuer.sol/ClaimIssuer.json"), issuer, sender=issuer
    )
    evm.send(peer_issuer.functions.addKey(key_hash(keeper), int(KeyPurpose.CLAIM), 1), issuer)
    params = standard_suite_params(
        protocol, name="Apple", symbol="AAPL", owner=issuer, claim_issuer=peer_issuer.address, agents=[agent]
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of("AAPL-onchainid"), sender=issuer)
    carol = evm.accounts[7]
    identity = evm.deploy(
        npm_artifact(ONCHAINID, "artifacts/contracts/Identity.sol/Identity.json"), carol, False, sender=carol
    )
    signer_key = dev_private_keys(5)[4]
    claim = make_claim(peer_issuer.address, signer_key, identity.address, int(ClaimTopic.KYC))
    evm.send(identity.functions.addClaim(*claim.as_args()), carol)
    evm.send(suite.identity_registry.functions.registerIdentity(carol, identity.address, DE), agent)
    # alice: a plain dualtrack holder with an ONCHAINID identity too, to send and receive.
    alice_identity = evm.deploy(
        npm_artifact(ONCHAINID, "artifacts/contracts/Identity.sol/Identity.json"), alice, False, sender=alice
    )
    alice_claim = make_claim(peer_issuer.address, signer_key, alice_identity.address, int(ClaimTopic.KYC))
    evm.send(alice_identity.functions.addClaim(*alice_claim.as_args()), alice)
    evm.send(suite.identity_registry.functions.registerIdentity(alice, alice_identity.address, DE), agent)
    evm.send(suite.token.functions.mint(alice, 50 * UNIT), agent)
    return OnchainIdSetup(suite, peer_issuer, identity, claim.signature, signer_key)


def test_onchainid_holder__valid_claim__verified_and_receives_tokens(
    evm: Chain, onchainid_setup: OnchainIdSetup, agent: str, alice: str
) -> None:
    s = onchainid_setup
    carol = evm.accounts[7]
    assert s.suite.identity_registry.functions.isVerified(carol).call() is True
    evm.send(s.suite.token.functions.mint(carol, UNIT), agent)
    evm.send(s.suite.token.functions.transfer(carol, 2 * UNIT), alice)
    assert s.suite.token.functions.balanceOf(carol).call() == 3 * UNIT


def test_onchainid_holder__claim_revoked__unverified_at_once(
    evm: Chain, onchainid_setup: OnchainIdSetup, issuer: str, alice: str
) -> None:
    s = onchainid_setup
    carol = evm.accounts[7]
    evm.send(s.issuer.functions.revokeClaimBySignature(s.signature), issuer)
    assert s.suite.identity_registry.functions.isVerified(carol).call() is False
    with evm.reverts("EquityTokenUnverifiedReceiver", carol):
        evm.send(s.suite.token.functions.transfer(carol, UNIT), alice)


@pytest.mark.parametrize("reencode", [malleate, with_raw_v], ids=["high_s", "raw_v"])
def test_onchainid_holder__revoked_signature_reencoded__stays_unverified(
    evm: Chain, onchainid_setup: OnchainIdSetup, issuer: str, alice: str, reencode: object
) -> None:
    s = onchainid_setup
    carol = evm.accounts[7]
    evm.send(s.issuer.functions.revokeClaimBySignature(s.signature), issuer)
    twisted: bytes = reencode(s.signature)  # type: ignore[operator]
    # ONCHAINID's own issuer is fooled (revocation keyed on raw bytes) and its identity accepts the claim...
    assert s.issuer.functions.isClaimValid(s.holder_identity.address, int(ClaimTopic.KYC), twisted, b"").call() is True
    evm.send(s.holder_identity.functions.addClaim(int(ClaimTopic.KYC), 1, s.issuer.address, twisted, b"", ""), carol)
    # ...but dualtrack's registry only considers canonical signatures: carol stays unverified.
    assert s.suite.identity_registry.functions.isVerified(carol).call() is False
    with evm.reverts("EquityTokenUnverifiedReceiver", carol):
        evm.send(s.suite.token.functions.transfer(carol, UNIT), alice)
