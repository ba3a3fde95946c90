"""Gas of dualtrack's EquityToken in the benchmark configuration.

One claim topic (KYC), one trusted dualtrack ClaimIssuer, CountryRestrictModule and
MaxBalanceModule bound; every suite contract behind its SuiteProxy, deployed by the SuiteFactory.
Transfers move part of a balance to a holder who already holds tokens, both verified, so the figures
are the steady-state cost a holder pays. Verification is live: the registry asks the receiver's
identity for its claim and the issuer whether it is still valid on every transfer.
"""

from __future__ import annotations

from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import KeyPurpose, key_hash
from dualtrack.suite import DE, UNIT, US, deploy_protocol, deploy_suite, onboard_holder, salt_of, standard_suite_params

BATCH_SIZE = 20


def token_benchmarks(evm: Chain) -> dict[str, int]:
    """Deploy a suite with holders and return exact gas for each token operation."""
    issuer, agent, alice, bob, keeper = evm.accounts[:5]
    protocol = deploy_protocol(evm, issuer)
    claim_issuer = evm.deploy("ClaimIssuer", issuer, sender=issuer)
    evm.send(claim_issuer.functions.addKey(key_hash(keeper), int(KeyPurpose.CLAIM), 1), issuer)
    signer_key = dev_private_keys(5)[4]
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=claim_issuer.address, agents=[agent]
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-bench"), sender=issuer)
    for wallet, country in ((alice, US), (bob, DE)):
        onboard_holder(evm, suite, wallet, country, claim_issuer=claim_issuer, signer_key=signer_key, registrar=agent)
    token = suite.token
    evm.send(token.functions.batchMint([alice, bob], [1_000 * UNIT, 1_000 * UNIT]), agent)
    evm.send(token.functions.approve(bob, 100 * UNIT), alice)

    def gas(call: object, sender: str) -> int:
        return int(evm.send(call, sender)["gasUsed"])  # type: ignore[arg-type]

    results = {
        "token.transfer": gas(token.functions.transfer(bob, UNIT), alice),
        "token.transferFrom": gas(token.functions.transferFrom(alice, bob, UNIT), bob),
        "token.mint": gas(token.functions.mint(bob, UNIT), agent),
        "token.burn": gas(token.functions.burn(bob, UNIT), agent),
        "token.forcedTransfer": gas(token.functions.forcedTransfer(alice, bob, UNIT), agent),
        "token.batchTransfer20": gas(token.functions.batchTransfer([bob] * BATCH_SIZE, [UNIT] * BATCH_SIZE), alice),
    }
    # Deploying a whole suite in one transaction, for scale.
    second = standard_suite_params(
        protocol, name="NVIDIA", symbol="NVDA", owner=issuer, claim_issuer=claim_issuer.address, agents=[agent]
    )
    receipt = evm.send(protocol.factory.functions.deploySuite(salt_of("NVDA-bench"), second.as_tuple()), issuer)
    results["factory.deploySuite"] = int(receipt["gasUsed"])
    return results
