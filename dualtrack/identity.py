"""Deploy ONCHAINID-compatible identities and claim issuers, and attach signed claims.

Used by the token tests, the benchmarks and the demo::

    identity = deploy_identity(evm, alice)
    kyc = deploy_claim_issuer(evm, issuer, signer_address)
    add_claim(evm, identity, kyc, signer_private_key, ClaimTopic.KYC, alice)
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_account import Account
from eth_utils.address import to_checksum_address
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.claims import ECDSA_KEY_TYPE, KeyPurpose, SignedClaim, claim_id, key_hash, make_claim

IDENTITY_CONTRACT = "Identity"
CLAIM_ISSUER_CONTRACT = "ClaimIssuer"


def deploy_identity(evm: Chain, owner: str) -> Contract:
    """Deploy an Identity whose MANAGEMENT key is ``owner`` (also the deployer)."""
    return evm.deploy(IDENTITY_CONTRACT, owner, sender=owner)


def deploy_claim_issuer(evm: Chain, owner: str, signing_key_address: str) -> Contract:
    """Deploy a ClaimIssuer managed by ``owner`` whose claims ``signing_key_address`` signs (CLAIM purpose)."""
    issuer = evm.deploy(CLAIM_ISSUER_CONTRACT, owner, sender=owner)
    evm.send(issuer.functions.addKey(key_hash(signing_key_address), KeyPurpose.CLAIM, ECDSA_KEY_TYPE), owner)
    return issuer


def signed_claim(
    identity: Contract | str,
    issuer: Contract | str,
    signing_private_key: str | bytes,
    topic: int,
    data: bytes = b"",
    uri: str = "",
) -> SignedClaim:
    """A claim of ``issuer`` about ``identity`` signed with ``signing_private_key`` (not yet on chain)."""
    return make_claim(_address(issuer), signing_private_key, _address(identity), topic, data, uri)


def add_claim(
    evm: Chain,
    identity: Contract,
    issuer: Contract | str,
    signing_private_key: str | bytes,
    topic: int,
    owner: str,
    data: bytes = b"",
    uri: str = "",
) -> bytes:
    """Sign a claim of ``issuer`` about ``identity`` and add it from ``owner`` (a CLAIM or MANAGEMENT key).

    Returns the claim id, ``keccak256(abi.encode(issuer, topic))``.
    """
    claim = signed_claim(identity, issuer, signing_private_key, topic, data, uri)
    evm.send(identity.functions.addClaim(*claim.as_args()), owner)
    return claim_id(claim.issuer, topic)


def sync_held_claims(
    evm: Chain, claim_issuer: Contract, identities: Sequence[Contract | str], topic: int, sender: str
) -> list[str]:
    """Renew ``claim_issuer``'s held-claim records of ``identities`` for ``topic`` (a keeper's job after
    the issuer's signing keys changed: until then those holders are verified by the slower live check).

    Returns the identities whose record is valid afterwards; ``syncHeldClaim`` clears the others.
    """
    held: list[str] = []
    for identity in identities:
        address = _address(identity)
        evm.send(claim_issuer.functions.syncHeldClaim(address, topic), sender)
        if claim_issuer.functions.isHeldClaimValid(address, topic).call():
            held.append(address)
    return held


def signer_address(private_key: str | bytes) -> str:
    """The checksummed address of a private key."""
    return to_checksum_address(Account.from_key(private_key).address)


def _address(target: Contract | str) -> str:
    return to_checksum_address(target if isinstance(target, str) else target.address)
