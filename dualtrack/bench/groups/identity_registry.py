"""``registry.*``: the identity registry's transfer-path views, one topic (KYC) and one trusted issuer.

Every registry contract sits behind its SuiteProxy. Each figure is the ``gasUsed`` of a transaction
sent straight to the registry's view (21,000 base and calldata included; the registry proxy is the
transaction's target, so unlike a token's call it is not a cold account). Two wallets with
identities are registered; the receiver holds a valid KYC claim. The registries keep their wallet
records themselves (as a SuiteFactory suite without a shared storage), except in ``*_shared``.

- ``cached``: the registry is subscribed to both policy registries and verifies from its cache.
- ``live``: not subscribed; it calls the claim topics and trusted issuers registries every time.
- ``*_onchainid``: the same with ONCHAINID 2.2.1 identities and claim issuer (npm artifacts);
  the others use dualtrack's own Identity and ClaimIssuer.
- ``cached_shared``: ``cached`` with the wallet records in a (shareable) IdentityRegistryStorage.

``registry.publish_worst_case`` is the most expensive single policy change at the caps: 32
subscribers that burn every gas budget the publisher gives them (``syncPolicy`` and
``markPolicyStale``: the most any subscriber can cost), 15 required topics and 50 trusted issuers,
each trusted for 15 topics; the figure is the highest ``gasUsed`` of the changes in
:func:`worst_case_changes`, each sent with a gas limit of 10M (``PUBLISH_GAS_BOUND``), which it must
fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils.address import to_checksum_address
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic
from dualtrack.identity import add_claim, deploy_claim_issuer, deploy_identity, signer_address
from dualtrack.peers.onchainid import deploy_claim_issuer as deploy_onchainid_issuer
from dualtrack.peers.onchainid import onchainid_artifact
from dualtrack.proxy import deploy_authority, deploy_proxied
from dualtrack.registry import RegistrySet, deploy_registry_set, trust_issuer

KYC = int(ClaimTopic.KYC)
US, DE = 840, 276
# Anvil dev account whose key signs the KYC claims (it never sends a transaction).
CLAIM_SIGNER_INDEX = 6

# The documented caps of PolicyPublisher, ClaimTopicsRegistry and TrustedIssuersRegistry.
MAX_POLICY_SUBSCRIBERS = 32
MAX_TOPICS = 15
MAX_ISSUERS = 50
# No single policy change may cost more (review finding 10).
PUBLISH_GAS_BOUND = 10_000_000


@dataclass(frozen=True)
class PublishBench:
    """Policy registries at their caps with subscribers that burn every budget they are given."""

    topics_registry: Contract
    issuers_registry: Contract
    subscribers: tuple[Contract, ...]
    topics: tuple[int, ...]
    issuers: tuple[str, ...]
    owner: str


def filler_issuer(index: int) -> str:
    """A fixed address trusted as a claim issuer (publication never calls issuers)."""
    return to_checksum_address(f"0x{0x15500 + index:040x}")


def setup_publish_worst_case(evm: Chain, authority: Contract, owner: str) -> PublishBench:
    """Both policy registries at their caps, 32 subscribers to both that burn their whole budgets.

    The subscribers are added while the policy is empty and turned hostile at the end, so the setup
    itself stays cheap; ``owner`` must own ``authority`` if the registries' roles are new to it.
    """
    topics_registry = deploy_proxied(evm, authority, "ClaimTopicsRegistry", (owner,), sender=owner)
    issuers_registry = deploy_proxied(evm, authority, "TrustedIssuersRegistry", (owner,), sender=owner)
    subscribers = tuple(evm.deploy("MockPolicySubscriber", sender=owner) for _ in range(MAX_POLICY_SUBSCRIBERS))
    for subscriber in subscribers:
        evm.send(topics_registry.functions.addPolicySubscriber(subscriber.address), owner)
        evm.send(issuers_registry.functions.addPolicySubscriber(subscriber.address), owner)
    topics = tuple(range(1, MAX_TOPICS + 1))
    for topic in topics:
        evm.send(topics_registry.functions.addClaimTopic(topic), owner)
    issuers = tuple(filler_issuer(i) for i in range(MAX_ISSUERS))
    for issuer in issuers[:-1]:  # the last one is added by a measured change
        evm.send(issuers_registry.functions.addTrustedIssuer(issuer, list(topics)), owner)
    for subscriber in subscribers:
        evm.send(subscriber.functions.setGuzzling(True), owner)
        evm.send(subscriber.functions.setMarkFailure(False, True), owner)
    return PublishBench(topics_registry, issuers_registry, subscribers, topics, issuers, owner)


def worst_case_changes(b: PublishBench) -> dict[str, ContractFunction]:
    """The most expensive changes at the caps, by name: every one pushes to all 32 subscribers."""
    topics, issuers = list(b.topics), b.issuers
    other_topics = [topic + MAX_TOPICS for topic in topics]
    return {
        "addTrustedIssuer": b.issuers_registry.functions.addTrustedIssuer(issuers[-1], topics),
        "removeTrustedIssuer": b.issuers_registry.functions.removeTrustedIssuer(issuers[0]),
        "updateIssuerClaimTopics": b.issuers_registry.functions.updateIssuerClaimTopics(issuers[0], other_topics),
        "removeClaimTopic": b.topics_registry.functions.removeClaimTopic(topics[0]),
    }


def _measure_views(evm: Chain, regs: RegistrySet, sender: str, alice: str, bob: str, suffix: str) -> dict[str, int]:
    registry = regs.identity_registry.functions
    return {
        f"registry.transferParties.{suffix}": measure(
            evm, lambda: evm.send(registry.transferParties(alice, bob), sender)
        ),
        f"registry.transferParties_mint.{suffix}": measure(
            evm, lambda: evm.send(registry.transferParties("0x" + "00" * 20, bob), sender)
        ),
        f"registry.isVerified.{suffix}": measure(evm, lambda: evm.send(registry.isVerified(bob), sender)),
    }


@benchmark(
    "registry",
    title="IdentityRegistry transfer-path views (SuiteProxy, 1 topic, 1 issuer); policy publication at the caps",
)
def registry_group(evm: Chain) -> dict[str, int]:
    owner, agent, alice, bob, keeper = evm.accounts[:5]
    signing_key = dev_private_keys(CLAIM_SIGNER_INDEX + 1)[CLAIM_SIGNER_INDEX]
    authority = deploy_authority(evm, owner)
    results: dict[str, int] = {}

    # dualtrack's Identity and ClaimIssuer
    regs = deploy_registry_set(evm, authority, owner, agents=[agent], claim_topics=[KYC], local_records=True)
    issuer = deploy_claim_issuer(evm, owner, signer_address(signing_key))
    trust_issuer(evm, regs, owner, issuer.address, [KYC])
    alice_id, bob_id = deploy_identity(evm, alice), deploy_identity(evm, bob)
    add_claim(evm, bob_id, issuer, signing_key, KYC, bob)
    for wallet, identity, country in ((alice, alice_id, US), (bob, bob_id, DE)):
        evm.send(regs.identity_registry.functions.registerIdentity(wallet, identity.address, country), agent)
    results |= _measure_views(evm, regs, keeper, alice, bob, "cached")
    evm.send(regs.trusted_issuers.functions.removePolicySubscriber(regs.identity_registry.address), owner)
    results |= _measure_views(evm, regs, keeper, alice, bob, "live")

    # The same identities in a registry set whose records are in an IdentityRegistryStorage
    shared = deploy_registry_set(evm, authority, owner, agents=[agent], claim_topics=[KYC])
    trust_issuer(evm, shared, owner, issuer.address, [KYC])
    for wallet, identity, country in ((alice, alice_id, US), (bob, bob_id, DE)):
        evm.send(shared.identity_registry.functions.registerIdentity(wallet, identity.address, country), agent)
    results |= _measure_views(evm, shared, keeper, alice, bob, "cached_shared")

    # ONCHAINID 2.2.1 identities and claim issuer
    oid = deploy_registry_set(evm, authority, owner, agents=[agent], claim_topics=[KYC], local_records=True)
    oid_issuer = deploy_onchainid_issuer(evm, owner, signing_key)
    trust_issuer(evm, oid, owner, oid_issuer.address, [KYC])
    oid_alice = evm.deploy(onchainid_artifact("Identity"), alice, False, sender=alice)
    oid_bob = evm.deploy(onchainid_artifact("Identity"), bob, False, sender=bob)
    oid_issuer.issue(oid_bob, bob, KYC)
    for wallet, identity, country in ((alice, oid_alice, US), (bob, oid_bob, DE)):
        evm.send(oid.identity_registry.functions.registerIdentity(wallet, identity.address, country), agent)
    results |= _measure_views(evm, oid, keeper, alice, bob, "cached_onchainid")
    evm.send(oid.trusted_issuers.functions.removePolicySubscriber(oid.identity_registry.address), owner)
    results |= _measure_views(evm, oid, keeper, alice, bob, "live_onchainid")

    # The most expensive single policy change at the caps (review finding 10: at most 10M gas)
    worst = setup_publish_worst_case(evm, authority, owner)
    results["registry.publish_worst_case"] = max(
        _measure_bounded_change(evm, call, owner) for call in worst_case_changes(worst).values()
    )
    return results


def _measure_bounded_change(evm: Chain, call: ContractFunction, sender: str) -> int:
    """``gasUsed`` of a policy change sent with a gas limit of ``PUBLISH_GAS_BOUND`` (which it must fit)."""
    return measure(evm, lambda: evm.send(call, sender, gas=PUBLISH_GAS_BOUND))
