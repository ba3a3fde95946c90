"""``token.*``, ``token_separate.*`` and ``factory.*``: dualtrack's EquityToken in the benchmark configuration.

One claim topic (KYC), one trusted dualtrack ClaimIssuer, CountryRestrictModule and
MaxBalanceModule bound; every suite contract behind its SuiteProxy, deployed by the SuiteFactory.
``token.*`` measures the factory's default suite, where one TransferPolicy is both the identity
registry and the compliance (one call per movement); ``token_separate.*`` the same operations with
a stand-alone IdentityRegistry and ModularCompliance (``SuiteParams(separate=True)``).
Transfers move part of a balance to a holder who already holds tokens, both verified: the
steady-state cost a holder pays. Verification is live on every transfer: with dualtrack's Identity and
ClaimIssuer the registry asks the issuer for its held-claim record of the receiver's claim (cleared in
the same transaction as a revocation, a removal or a key change); ``token_paths.*`` measures the
other verification paths: the live claim check once records are stale (after an issuer key change),
and holders whose identities and claim issuer are ONCHAINID 2.2.1's (interop, always live).
"""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract

from dualtrack.bench.registry import benchmark, measure
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ECDSA_KEY_TYPE, ClaimTopic, KeyPurpose, key_hash
from dualtrack.deployment import deploy_protocol
from dualtrack.identity import deploy_claim_issuer
from dualtrack.peers.onchainid import deploy_claim_issuer as deploy_onchainid_issuer
from dualtrack.peers.onchainid import onchainid_artifact
from dualtrack.suite import (
    DE,
    UNIT,
    US,
    Protocol,
    Suite,
    deploy_suite,
    onboard_holder,
    salt_of,
    standard_suite_params,
)

BATCH_SIZE = 20


@dataclass(frozen=True)
class TokenBench:
    protocol: Protocol
    suite: Suite
    claim_issuer: Contract
    issuer: str
    agent: str
    alice: str
    bob: str


def setup_token_bench(evm: Chain, *, separate: bool = False) -> TokenBench:
    """Protocol, a KYC claim issuer, a TSLA suite and two verified holders with 1,000 TSLA each."""
    issuer, agent, alice, bob, keeper = evm.accounts[:5]
    protocol = deploy_protocol(evm, issuer)
    claim_issuer = deploy_claim_issuer(evm, issuer, keeper)
    signer_key = dev_private_keys(5)[4]
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=claim_issuer.address, agents=[agent]
    )
    params.separate = separate
    suite = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-bench"), sender=issuer)
    for wallet, country in ((alice, US), (bob, DE)):
        onboard_holder(evm, suite, wallet, country, claim_issuer=claim_issuer, signer_key=signer_key, registrar=agent)
    evm.send(suite.token.functions.batchMint([alice, bob], [1_000 * UNIT, 1_000 * UNIT]), agent)
    evm.send(suite.token.functions.approve(bob, 100 * UNIT), alice)
    return TokenBench(protocol, suite, claim_issuer, issuer, agent, alice, bob)


def _token_operations(evm: Chain, b: TokenBench, prefix: str) -> dict[str, int]:
    token, alice, bob, agent = b.suite.token, b.alice, b.bob, b.agent
    return {
        f"{prefix}.transfer": measure(evm, lambda: evm.send(token.functions.transfer(bob, UNIT), alice)),
        f"{prefix}.transferFrom": measure(evm, lambda: evm.send(token.functions.transferFrom(alice, bob, UNIT), bob)),
        f"{prefix}.mint": measure(evm, lambda: evm.send(token.functions.mint(bob, UNIT), agent)),
        f"{prefix}.burn": measure(evm, lambda: evm.send(token.functions.burn(bob, UNIT), agent)),
        f"{prefix}.forcedTransfer": measure(
            evm, lambda: evm.send(token.functions.forcedTransfer(alice, bob, UNIT), agent)
        ),
        f"{prefix}.batchTransfer20": measure(
            evm, lambda: evm.send(token.functions.batchTransfer([bob] * BATCH_SIZE, [UNIT] * BATCH_SIZE), alice)
        ),
    }


@benchmark("token", title="dualtrack EquityToken (SuiteProxy, 1 topic, 1 issuer, 2 modules, TransferPolicy)")
def token_group(evm: Chain) -> dict[str, int]:
    return _token_operations(evm, setup_token_bench(evm), "token")


@benchmark("token_separate", title="dualtrack EquityToken with a separate IdentityRegistry and ModularCompliance")
def token_separate_group(evm: Chain) -> dict[str, int]:
    return _token_operations(evm, setup_token_bench(evm, separate=True), "token_separate")


@benchmark("token_paths", title="dualtrack token.transfer on the other verification paths")
def token_paths_group(evm: Chain) -> dict[str, int]:
    b = setup_token_bench(evm)
    token, alice, bob = b.suite.token, b.alice, b.bob
    results: dict[str, int] = {}
    # An unrelated CLAIM key comes and goes: every held-claim record is stale until re-synced.
    spare = key_hash("0x000000000000000000000000000000000000dEaD")
    evm.send(b.claim_issuer.functions.addKey(spare, int(KeyPurpose.CLAIM), ECDSA_KEY_TYPE), b.issuer)
    evm.send(b.claim_issuer.functions.removeKey(spare, int(KeyPurpose.CLAIM)), b.issuer)
    results["token_paths.transfer_stale_record"] = measure(
        evm, lambda: evm.send(token.functions.transfer(bob, UNIT), alice)
    )

    # ONCHAINID 2.2.1 identities and claim issuer (npm artifacts) in a second suite.
    signing_key = dev_private_keys(7)[6]
    oid_issuer = deploy_onchainid_issuer(evm, b.issuer, signing_key)
    params = standard_suite_params(
        b.protocol, name="Apple", symbol="AAPL", owner=b.issuer, claim_issuer=oid_issuer.address, agents=[b.agent]
    )
    suite = deploy_suite(evm, b.protocol, params, salt=salt_of("AAPL-bench"), sender=b.issuer)
    for wallet, country in ((alice, US), (bob, DE)):
        identity = evm.deploy(onchainid_artifact("Identity"), wallet, False, sender=wallet)
        oid_issuer.issue(identity, wallet, int(ClaimTopic.KYC))
        evm.send(suite.identity_registry.functions.registerIdentity(wallet, identity.address, country), b.agent)
    evm.send(suite.token.functions.batchMint([alice, bob], [1_000 * UNIT, 1_000 * UNIT]), b.agent)
    results["token_paths.transfer_onchainid"] = measure(
        evm, lambda: evm.send(suite.token.functions.transfer(bob, UNIT), alice)
    )
    return results


@benchmark("factory", title="SuiteFactory: a complete suite in one transaction")
def factory_group(evm: Chain) -> dict[str, int]:
    b = setup_token_bench(evm)
    params = standard_suite_params(
        b.protocol, name="NVIDIA", symbol="NVDA", owner=b.issuer, claim_issuer=b.claim_issuer.address, agents=[b.agent]
    )
    deploy = b.protocol.factory.functions.deploySuite(salt_of("NVDA-bench"), params.as_tuple())
    return {"factory.deploySuite": measure(evm, lambda: evm.send(deploy, b.issuer))}
