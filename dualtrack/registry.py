"""Deploy and drive dualtrack's ERC-3643 registries (and ONCHAINID peers) from Python.

:func:`deploy_registry_set` deploys an identity registry storage, a claim topics registry, a
trusted issuers registry and an identity registry, each behind a SuiteProxy, binds the identity
registry to the storage and (by default) subscribes it to both policy registries so verification
is served from its push-synced policy cache.

The ONCHAINID helpers (:func:`deploy_identity`, :func:`deploy_claim_issuer`, :func:`add_claim`)
deploy the published ``@onchain-id/solidity`` artifacts: they are GPL-3.0 peers used by tests and
benchmarks only, never part of dualtrack's contracts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eth_account import Account
from web3.contract import Contract

from dualtrack.artifacts import Artifact, npm_artifact
from dualtrack.chain import Chain
from dualtrack.claims import ECDSA_KEY_TYPE, KeyPurpose, SignedClaim, key_hash, make_claim
from dualtrack.proxy import deploy_proxied

ONCHAINID_PACKAGE = "@onchain-id/solidity"
IDENTITY_ARTIFACT = "artifacts/contracts/Identity.sol/Identity.json"
CLAIM_ISSUER_ARTIFACT = "artifacts/contracts/ClaimIssuer.sol/ClaimIssuer.json"


@dataclass(frozen=True)
class RegistrySet:
    """The four registries of one token, each bound to its SuiteProxy address."""

    identity_storage: Contract
    claim_topics: Contract
    trusted_issuers: Contract
    identity_registry: Contract


def deploy_registry_set(
    evm: Chain,
    authority: Contract,
    owner: str,
    *,
    agents: Iterable[str] = (),
    claim_topics: Iterable[int] = (),
    identity_storage: Contract | None = None,
    cache_policy: bool = True,
) -> RegistrySet:
    """Deploy a full registry set behind SuiteProxy, owned by ``owner``.

    ``owner`` must own ``authority`` the first time each role is deployed (see
    :func:`dualtrack.proxy.deploy_proxied`). Pass ``identity_storage`` to share an existing storage
    (``owner`` must own it, to bind the new identity registry). ``agents`` become identity registry
    agents, ``claim_topics`` become required topics. With ``cache_policy`` the identity registry is
    subscribed to both policy registries (cached verification); without it, it reads them live.
    """
    storage = identity_storage or deploy_proxied(evm, authority, "IdentityRegistryStorage", (owner,), sender=owner)
    topics = deploy_proxied(evm, authority, "ClaimTopicsRegistry", (owner,), sender=owner)
    issuers = deploy_proxied(evm, authority, "TrustedIssuersRegistry", (owner,), sender=owner)
    registry = deploy_proxied(
        evm,
        authority,
        "IdentityRegistry",
        (owner, issuers.address, topics.address, storage.address),
        sender=owner,
    )
    evm.send(storage.functions.bindIdentityRegistry(registry.address), owner)
    for agent in agents:
        evm.send(registry.functions.addAgent(agent), owner)
    for topic in claim_topics:
        evm.send(topics.functions.addClaimTopic(topic), owner)
    if cache_policy:
        evm.send(topics.functions.addPolicySubscriber(registry.address), owner)
        evm.send(issuers.functions.addPolicySubscriber(registry.address), owner)
    return RegistrySet(storage, topics, issuers, registry)


# ---- ONCHAINID peers (tests and benchmarks only) ----


def identity_artifact() -> Artifact:
    """ONCHAINID's Identity (constructor ``(initialManagementKey, isLibrary)``)."""
    return npm_artifact(ONCHAINID_PACKAGE, IDENTITY_ARTIFACT)


def claim_issuer_artifact() -> Artifact:
    """ONCHAINID's ClaimIssuer (constructor ``(initialManagementKey)``)."""
    return npm_artifact(ONCHAINID_PACKAGE, CLAIM_ISSUER_ARTIFACT)


def deploy_identity(evm: Chain, holder: str) -> Contract:
    """Deploy an ONCHAINID identity whose MANAGEMENT key is ``holder``."""
    return evm.deploy(identity_artifact(), holder, False, sender=holder)


def deploy_claim_issuer(evm: Chain, manager: str, signing_key: str | bytes | None = None) -> Contract:
    """Deploy an ONCHAINID claim issuer managed by ``manager``.

    When ``signing_key`` (a private key) is given, its address gets a CLAIM key (purpose 3), so the
    issuer accepts the claims it signs.
    """
    issuer = evm.deploy(claim_issuer_artifact(), manager, sender=manager)
    if signing_key is not None:
        signer = Account.from_key(signing_key).address
        evm.send(issuer.functions.addKey(key_hash(signer), KeyPurpose.CLAIM, ECDSA_KEY_TYPE), manager)
    return issuer


def add_claim(
    evm: Chain,
    identity: Contract,
    holder: str,
    issuer: str,
    signing_key: str | bytes,
    topic: int,
    data: bytes = b"",
) -> SignedClaim:
    """Sign a claim of ``issuer`` about ``identity`` and add it from ``holder`` (a MANAGEMENT key)."""
    claim = make_claim(issuer, signing_key, identity.address, topic, data)
    evm.send(identity.functions.addClaim(*claim.as_args()), holder)
    return claim


def trust_issuer(evm: Chain, registries: RegistrySet, owner: str, issuer: str, topics: Iterable[int]) -> None:
    """Trust ``issuer`` for ``topics`` in the set's trusted issuers registry (``owner`` only)."""
    evm.send(registries.trusted_issuers.functions.addTrustedIssuer(issuer, list(topics)), owner)
