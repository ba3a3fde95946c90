"""``dividend.*``: the DividendDistributor on a TSLA suite in the benchmark configuration.

``dividend.fund`` funds a distribution (one pull of the stablecoin, after the record time);
``dividend.claim@<n>`` is a US holder's claim (30% withheld) when the token has ``n`` holders. Holders
are added cheaply (one shared identity per batch, ``batchRegisterIdentity`` and ``batchMint`` in
chunks); the claim reads the record-time balance from the token's checkpoints, so its gas must not
depend on ``n``: the group fails if the figures differ by more than ``MAX_CLAIM_SPREAD``.
"""

from __future__ import annotations

from functools import partial

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract

from dualtrack.bench.registry import BenchmarkError, benchmark, measure
from dualtrack.chain import Chain, dev_private_keys
from dualtrack.claims import ClaimTopic
from dualtrack.deployment import deploy_protocol
from dualtrack.dividends import TREATY_RATES_BPS, deploy_dividend_distributor, enable_distributor, required_funding
from dualtrack.identity import add_claim, deploy_claim_issuer, deploy_identity
from dualtrack.suite import (
    UNIT,
    US,
    Suite,
    deploy_suite,
    onboard_holder,
    salt_of,
    standard_suite_params,
)

HOLDER_COUNTS = (1, 100, 1_000)
CHUNK = 100
AMOUNT_PER_SHARE = 250_000  # $0.25 a share in a 6-decimal stablecoin
CLAIM_PERIOD = 30 * 86_400
MAX_CLAIM_SPREAD = 200  # gas: calldata bytes and checkpoint-search depth may differ a little


def _holder_addresses(start: int, stop: int) -> list[str]:
    """Deterministic wallets that only need to hold tokens (they never send a transaction)."""
    return [to_checksum_address(keccak(text=f"dividend.holder/{i}")[12:]) for i in range(start, stop)]


def _add_holders(evm: Chain, suite: Suite, identity: Contract, agent: str, start: int, stop: int) -> None:
    """Register and mint 1 TSLA to holders ``start..stop-1``, ``CHUNK`` at a time, all on one identity."""
    for first in range(start, stop, CHUNK):
        wallets = _holder_addresses(first, min(first + CHUNK, stop))
        count = len(wallets)
        register = suite.identity_registry.functions.batchRegisterIdentity(
            wallets, [identity.address] * count, [US] * count
        )
        evm.send(register, agent)
        evm.send(suite.token.functions.batchMint(wallets, [UNIT] * count), agent)


def _announce_and_fund(
    evm: Chain, distributor: Contract, suite: Suite, usdc: Contract, issuer: str, *, fund: bool = True
) -> int:
    record_time = evm.timestamp() + 100
    call = distributor.functions.announce(
        suite.token.address, usdc.address, record_time, AMOUNT_PER_SHARE, CLAIM_PERIOD
    )
    receipt = evm.send(call, issuer)
    (event,) = evm.events(receipt, distributor, "DividendAnnounced")
    distribution_id = int(event["distributionId"])
    evm.mine(record_time)
    amount = required_funding(evm, distributor, suite.token, distribution_id)
    evm.send(usdc.functions.approve(distributor.address, amount), issuer)
    if fund:
        evm.send(distributor.functions.fund(distribution_id), issuer)
    return distribution_id


@benchmark("dividend", title="DividendDistributor: fund, and a claim with 1 / 100 / 1,000 holders")
def dividend_group(evm: Chain) -> dict[str, int]:
    issuer, agent, alice, _bob, keeper, lp = evm.accounts[:6]
    protocol = deploy_protocol(evm, issuer)
    claim_issuer = deploy_claim_issuer(evm, issuer, keeper)
    signer_key = dev_private_keys(5)[4]
    params = standard_suite_params(
        protocol, name="Tesla", symbol="TSLA", owner=issuer, claim_issuer=claim_issuer.address, agents=[agent]
    )
    suite = deploy_suite(evm, protocol, params, salt=salt_of("TSLA-dividend-bench"), sender=issuer)
    onboard_holder(evm, suite, alice, US, claim_issuer=claim_issuer, signer_key=signer_key, registrar=agent)
    evm.send(suite.token.functions.mint(alice, 1_000 * UNIT), agent)
    shared = deploy_identity(evm, issuer)
    add_claim(evm, shared, claim_issuer, signer_key, int(ClaimTopic.KYC), issuer)

    usdc = evm.deploy("MockStablecoin", "USD Coin (mock)", "USDC", issuer, sender=issuer)
    evm.send(usdc.functions.mint(issuer, 10**15), issuer)
    distributor = deploy_dividend_distributor(
        evm, keeper, lp, factories=(protocol.factory.address,), rates=TREATY_RATES_BPS
    )
    enable_distributor(evm, suite.token, distributor, issuer)

    results: dict[str, int] = {}
    unfunded = _announce_and_fund(evm, distributor, suite, usdc, issuer, fund=False)
    results["dividend.fund"] = measure(evm, lambda: evm.send(distributor.functions.fund(unfunded), issuer))
    holders = 1  # alice
    for count in HOLDER_COUNTS:
        _add_holders(evm, suite, shared, agent, holders - 1, count - 1)
        holders = count
        distribution_id = _announce_and_fund(evm, distributor, suite, usdc, issuer)
        claim = distributor.functions.claim(distribution_id)
        results[f"dividend.claim@{count}"] = measure(evm, partial(evm.send, claim, alice))
    claims = [results[f"dividend.claim@{count}"] for count in HOLDER_COUNTS]
    if max(claims) - min(claims) > MAX_CLAIM_SPREAD:
        raise BenchmarkError(f"dividend.claim depends on the number of holders: {claims}")
    return results
