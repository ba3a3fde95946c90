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
"""

from __future__ import annotations

from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic
from dualtrack.identity import add_claim, deploy_claim_issuer, deploy_identity, signer_address
from dualtrack.peers.onchainid import deploy_claim_issuer as deploy_onchainid_issuer
from dualtrack.peers.onchainid import onchainid_artifact
from dualtrack.proxy import deploy_authority
from dualtrack.registry import RegistrySet, deploy_registry_set, trust_issuer

KYC = int(ClaimTopic.KYC)
US, DE = 840, 276
# Anvil dev account whose key signs the KYC claims (it never sends a transaction).
CLAIM_SIGNER_INDEX = 6


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


@benchmark("registry", title="IdentityRegistry transfer-path views (SuiteProxy, 1 topic, 1 issuer)")
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
    return results
