"""ONCHAINID 2.2.1 peer: identities, their factory and a claim issuer, from the npm artifacts.

Deploys what a T-REX installation uses in production: an ``Identity`` library
implementation, an ``ImplementationAuthority`` pointing at it, an ``IdFactory``
creating one ``IdentityProxy`` per wallet (CREATE2), and a ``ClaimIssuer``
contract whose CLAIM key signs claims off-chain. Tests and benchmarks only.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_utils.address import to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt

from dualtrack.artifacts import Artifact, npm_artifact
from dualtrack.chain import Chain
from dualtrack.claims import ECDSA_KEY_TYPE, KeyPurpose, SignedClaim, claim_id, key_hash, make_claim

ONCHAINID_PACKAGE = "@onchain-id/solidity"

_ARTIFACT_PATHS = {
    "Identity": "artifacts/contracts/Identity.sol/Identity.json",
    "ClaimIssuer": "artifacts/contracts/ClaimIssuer.sol/ClaimIssuer.json",
    "ImplementationAuthority": "artifacts/contracts/proxy/ImplementationAuthority.sol/ImplementationAuthority.json",
    "IdentityProxy": "artifacts/contracts/proxy/IdentityProxy.sol/IdentityProxy.json",
    "IdFactory": "artifacts/contracts/factory/IdFactory.sol/IdFactory.json",
}


def onchainid_artifact(name: str) -> Artifact:
    """The ONCHAINID 2.2.1 Hardhat artifact of contract ``name`` (see ``_ARTIFACT_PATHS``)."""
    if name not in _ARTIFACT_PATHS:
        raise KeyError(f"unknown ONCHAINID contract {name!r}; known: {sorted(_ARTIFACT_PATHS)}")
    return npm_artifact(ONCHAINID_PACKAGE, _ARTIFACT_PATHS[name])


@dataclass
class OnchainId:
    """The ONCHAINID identity stack: implementation, its authority and the identity factory."""

    evm: Chain
    owner: str
    identity_implementation: Contract
    implementation_authority: Contract
    id_factory: Contract

    def identity_at(self, address: str) -> Contract:
        """Bind the Identity ABI to an identity proxy."""
        return self.evm.at(onchainid_artifact("Identity"), address)

    def identity_of(self, wallet: str) -> Contract | None:
        """The identity the IdFactory created for (or linked to) ``wallet``, if any."""
        address = self.id_factory.functions.getIdentity(wallet).call()
        return None if int(address, 16) == 0 else self.identity_at(address)

    def create_identity(self, wallet: str, salt: str | None = None) -> Contract:
        """Create ``wallet``'s identity through ``IdFactory.createIdentity`` (``wallet`` is its MANAGEMENT key)."""
        self.evm.send(
            self.id_factory.functions.createIdentity(wallet, salt or f"dualtrack:{wallet.lower()}"), self.owner
        )
        return self.identity_at(self.id_factory.functions.getIdentity(wallet).call())


def deploy_onchainid(evm: Chain, owner: str) -> OnchainId:
    """Deploy the identity implementation (as a library), its ImplementationAuthority and an IdFactory."""
    implementation = evm.deploy(onchainid_artifact("Identity"), owner, True, sender=owner)
    authority = evm.deploy(onchainid_artifact("ImplementationAuthority"), implementation.address, sender=owner)
    factory = evm.deploy(onchainid_artifact("IdFactory"), authority.address, sender=owner)
    return OnchainId(evm, owner, implementation, authority, factory)


@dataclass
class ClaimIssuerPeer:
    """An ONCHAINID ``ClaimIssuer`` contract and the private key of its CLAIM (signing) key."""

    evm: Chain
    contract: Contract
    manager: str
    signing_key: str

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @property
    def signer(self) -> str:
        """Address of the CLAIM key that signs this issuer's claims."""
        return to_checksum_address(Account.from_key(self.signing_key).address)

    def sign(self, identity: str, topic: int, data: bytes = b"", uri: str = "") -> SignedClaim:
        """Sign a claim about ``identity`` off-chain, as the issuer's signing service would."""
        return make_claim(self.address, self.signing_key, identity, topic, data, uri)

    def issue(self, identity: Contract, holder: str, topic: int, data: bytes = b"", uri: str = "") -> TxReceipt:
        """Sign a claim and have ``holder`` (a MANAGEMENT key of ``identity``) add it to the identity."""
        claim = self.sign(identity.address, topic, data, uri)
        return self.evm.send(identity.functions.addClaim(*claim.as_args()), holder)

    def has_valid_claim(self, identity: Contract, topic: int) -> bool:
        """Whether ``identity`` holds this issuer's ``topic`` claim and the issuer deems it valid (not revoked)."""
        found_topic, _, issuer, signature, data, _ = identity.functions.getClaim(claim_id(self.address, topic)).call()
        if found_topic != topic or to_checksum_address(issuer) != self.address:
            return False
        return bool(self.contract.functions.isClaimValid(identity.address, topic, signature, data).call())

    def revoke(self, identity: str, topic: int) -> TxReceipt:
        """Revoke this issuer's claim of ``topic`` on ``identity`` (``ClaimIssuer.revokeClaim``)."""
        return self.evm.send(self.contract.functions.revokeClaim(claim_id(self.address, topic), identity), self.manager)


def deploy_claim_issuer(evm: Chain, manager: str, signing_key: str) -> ClaimIssuerPeer:
    """Deploy a ClaimIssuer managed by ``manager`` and add ``signing_key``'s address as its CLAIM key."""
    contract = evm.deploy(onchainid_artifact("ClaimIssuer"), manager, sender=manager)
    peer = ClaimIssuerPeer(evm, contract, manager, signing_key)
    evm.send(contract.functions.addKey(key_hash(peer.signer), KeyPurpose.CLAIM, ECDSA_KEY_TYPE), manager)
    return peer
