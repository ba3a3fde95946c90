"""Deploy and drive dualtrack's ERC-3643 registries (and ONCHAINID peers) from Python.

:func:`deploy_registry_set` deploys an identity registry storage, a claim topics registry, a
trusted issuers registry and an identity registry, each behind a SuiteProxy, binds the identity
registry to the storage and (by default) subscribes it to both policy registries so verification
is served from its push-synced policy cache. :func:`resync_stale_subscribers` re-syncs the subscribers
a policy change could not reach within their gas budget.

Identities and claim issuers come from :mod:`dualtrack.identity` (dualtrack's own) or
:mod:`dualtrack.peers.onchainid` (ONCHAINID's published artifacts, tests and benchmarks only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from web3.contract import Contract

from dualtrack.chain import Chain, Reverted
from dualtrack.proxy import deploy_proxied


@dataclass(frozen=True)
class RegistrySet:
    """The registries of one token, each bound to its SuiteProxy address.

    ``identity_storage`` is the identity registry itself when it keeps the wallet records (no storage).
    """

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
    local_records: bool = False,
) -> RegistrySet:
    """Deploy a full registry set behind SuiteProxy, owned by ``owner``.

    ``owner`` must own ``authority`` the first time each role is deployed (see
    :func:`dualtrack.proxy.deploy_proxied`). Pass ``identity_storage`` to share an existing storage
    (``owner`` must own it, to bind the new identity registry). ``agents`` become identity registry
    agents, ``claim_topics`` become required topics. With ``cache_policy`` the identity registry is
    subscribed to both policy registries (cached verification); without it, it reads them live.
    With ``local_records`` no storage is deployed: the identity registry keeps the wallet records itself
    (and is the set's ``identity_storage``).
    """
    if local_records and identity_storage is not None:
        raise ValueError("local_records and identity_storage are exclusive")
    storage: Contract | None = None
    if not local_records:
        storage = identity_storage or deploy_proxied(evm, authority, "IdentityRegistryStorage", (owner,), sender=owner)
    topics = deploy_proxied(evm, authority, "ClaimTopicsRegistry", (owner,), sender=owner)
    issuers = deploy_proxied(evm, authority, "TrustedIssuersRegistry", (owner,), sender=owner)
    registry = deploy_proxied(
        evm,
        authority,
        "IdentityRegistry",
        (owner, issuers.address, topics.address, "0x" + "00" * 20 if storage is None else storage.address),
        sender=owner,
    )
    if storage is None:
        storage = registry
    else:
        evm.send(storage.functions.bindIdentityRegistry(registry.address), owner)
    for agent in agents:
        evm.send(registry.functions.addAgent(agent), owner)
    for topic in claim_topics:
        evm.send(topics.functions.addClaimTopic(topic), owner)
    if cache_policy:
        evm.send(topics.functions.addPolicySubscriber(registry.address), owner)
        evm.send(issuers.functions.addPolicySubscriber(registry.address), owner)
    return RegistrySet(storage, topics, issuers, registry)


def trust_issuer(evm: Chain, registries: RegistrySet, owner: str, issuer: str, topics: Iterable[int]) -> None:
    """Trust ``issuer`` for ``topics`` in the set's trusted issuers registry (``owner`` only)."""
    evm.send(registries.trusted_issuers.functions.addTrustedIssuer(issuer, list(topics)), owner)


def resync_stale_subscribers(evm: Chain, publisher: Contract, sender: str) -> list[str]:
    """Re-sync every subscriber that ``publisher`` (a claim topics or trusted issuers registry) records
    as stale, each on its own transaction with the gas it needs (a keeper's job after a policy change
    whose push exceeded a subscriber's budget). Anyone may send them.

    Returns the subscribers re-synced; one whose sync still fails stays stale (its owner must fix or
    remove it), and a dualtrack registry meanwhile verifies from live reads.
    """
    resynced: list[str] = []
    for subscriber in publisher.functions.policySubscribers().call():
        if not publisher.functions.isPolicySubscriberStale(subscriber).call():
            continue
        try:
            evm.send(publisher.functions.resyncPolicySubscriber(subscriber), sender)
        except Reverted:
            continue
        resynced.append(subscriber)
    return resynced
