"""Registry fixtures: a SuiteAuthority, a cached registry set, ONCHAINID issuers and identities.

Everything is deployed once per session (before the per-test snapshot) and behind SuiteProxy.
Accounts 6..9 of the dev node sign claims: 6 and 7 for the trusted issuers, 8 for an attacker's
issuer.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from eth_account import Account
from web3.contract import Contract

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic
from dualtrack.proxy import deploy_authority
from dualtrack.registry import RegistrySet, add_claim, deploy_claim_issuer, deploy_identity, deploy_registry_set

KYC = int(ClaimTopic.KYC)


@pytest.fixture(scope="session")
def keys() -> Sequence[str]:
    return dev_private_keys(10)


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
def kyc_issuer(evm: Chain, issuer: str, kyc_signer: str) -> Contract:
    """An ONCHAINID claim issuer (managed by `issuer`, signing with account 6), not trusted yet."""
    return deploy_claim_issuer(evm, issuer, kyc_signer)


@pytest.fixture(scope="session")
def second_issuer(evm: Chain, issuer: str, second_signer: str) -> Contract:
    return deploy_claim_issuer(evm, issuer, second_signer)


@pytest.fixture(scope="session")
def attacker_issuer(evm: Chain, attacker: str, attacker_signer: str) -> Contract:
    return deploy_claim_issuer(evm, attacker, attacker_signer)


@pytest.fixture(scope="session")
def alice_identity(evm: Chain, alice: str, kyc_issuer: Contract, kyc_signer: str) -> Contract:
    """Alice's ONCHAINID identity holding a KYC claim of `kyc_issuer`."""
    identity = deploy_identity(evm, alice)
    add_claim(evm, identity, alice, kyc_issuer.address, kyc_signer, KYC)
    return identity


@pytest.fixture(scope="session")
def bob_identity(evm: Chain, bob: str) -> Contract:
    """Bob's ONCHAINID identity, without claims."""
    return deploy_identity(evm, bob)
