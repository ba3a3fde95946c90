"""Fixtures of the registry tests: a SuiteAuthority, a cached registry set, ONCHAINID issuers and identities.

Star-imported by the registry test modules (tests/identity/conftest.py holds the identity tests'
fixtures). Everything is deployed once per session (before the per-test snapshot) and, for dualtrack's
contracts, behind SuiteProxy. Identities and claim issuers are ONCHAINID 2.2.1's published artifacts.
Dev accounts 6..8 sign claims: 6 and 7 for trusted issuers, 8 for an attacker's issuer.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from eth_account import Account
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic, SignedClaim, make_claim
from dualtrack.peers.onchainid import ClaimIssuerPeer, deploy_claim_issuer, onchainid_artifact
from dualtrack.proxy import deploy_authority
from dualtrack.registry import RegistrySet, deploy_registry_set

KYC = int(ClaimTopic.KYC)
AML = int(ClaimTopic.AML)
US, FR = 840, 250


def deploy_oid_identity(evm: Chain, holder: str) -> Contract:
    """An ONCHAINID Identity (``constructor(initialManagementKey, false)``) managed by ``holder``."""
    return evm.deploy(onchainid_artifact("Identity"), holder, False, sender=holder)


def add_claim(
    evm: Chain, identity: Contract, holder: str, issuer: str, signing_key: str, topic: int, data: bytes = b""
) -> SignedClaim:
    """Sign a claim of ``issuer`` about ``identity`` and add it from ``holder`` (a MANAGEMENT key)."""
    claim = make_claim(issuer, signing_key, identity.address, topic, data)
    evm.send(identity.functions.addClaim(*claim.as_args()), holder)
    return claim


@pytest.fixture(scope="session")
def keys() -> Sequence[str]:
    return dev_private_keys(9)


@pytest.fixture(scope="session")
def kyc_signer(keys: Sequence[str]) -> str:
    return keys[6]


@pytest.fixture(scope="session")
def second_signer(keys: Sequence[str]) -> str:
    return keys[7]


@pytest.fixture(scope="session")
def attacker_signer(keys: Sequence[str]) -> str:
    return keys[8]


@pytest.fixture(scope="session")
def attacker(attacker_signer: str) -> str:
    return str(Account.from_key(attacker_signer).address)


@pytest.fixture(scope="session")
def authority(evm: Chain, issuer: str) -> Contract:
    return deploy_authority(evm, issuer)


@pytest.fixture(scope="session")
def regs(evm: Chain, authority: Contract, issuer: str, agent: str) -> RegistrySet:
    """A cached registry set requiring KYC, with `agent` as identity registry agent."""
    return deploy_registry_set(evm, authority, issuer, agents=[agent], claim_topics=[KYC])


@pytest.fixture(scope="session")
def kyc_issuer(evm: Chain, issuer: str, kyc_signer: str) -> ClaimIssuerPeer:
    """An ONCHAINID ClaimIssuer (managed by `issuer`, signing with account 6), not trusted yet."""
    return deploy_claim_issuer(evm, issuer, kyc_signer)


@pytest.fixture(scope="session")
def second_issuer(evm: Chain, issuer: str, second_signer: str) -> ClaimIssuerPeer:
    return deploy_claim_issuer(evm, issuer, second_signer)


@pytest.fixture(scope="session")
def attacker_issuer(evm: Chain, attacker: str, attacker_signer: str) -> ClaimIssuerPeer:
    return deploy_claim_issuer(evm, attacker, attacker_signer)


@pytest.fixture(scope="session")
def alice_oid(evm: Chain, alice: str, kyc_issuer: ClaimIssuerPeer) -> Contract:
    """Alice's ONCHAINID identity holding a KYC claim of `kyc_issuer`."""
    identity = deploy_oid_identity(evm, alice)
    kyc_issuer.issue(identity, alice, KYC)
    return identity


@pytest.fixture(scope="session")
def bob_oid(evm: Chain, bob: str) -> Contract:
    """Bob's ONCHAINID identity, without claims."""
    return deploy_oid_identity(evm, bob)
