"""``oracle.*``: the EquityPriceOracle's submit and read on a TSLA feed in the deployed configuration.

The oracle has five reporters and a threshold of one, so that ``oracle.submit@<n>`` can verify and store
one report carrying ``n`` signatures (1, 3 or 5) through the same path: decode, timing and order checks,
EIP-712 digest, ``n`` ecrecovers with the duplicate-signer bitmap, the jump-band policy and the state
write. Steady state: the feed already holds an accepted open-market report, and each measured report
is the next one, a minute later and 0.4% away (no hold). ``oracle.submit_bytes@<n>`` is the calldata
size of that transaction, the part Base bills as L1 data.

``oracle.read`` is a transaction calling ``latestPrice`` on the feed bound to an EquityToken (its
``uiMultiplier`` goes through the token's fallback), a CorporateActions handler and a sequencer
sentinel, the full read a vault pays. The group fails if ``oracle.submit@3`` exceeds ``SUBMIT3_TARGET``.
"""

from __future__ import annotations

from dualtrack.bench.groups.token import setup_token_bench
from dualtrack.bench.registry import BenchmarkError, benchmark, measure
from dualtrack.chain import Chain
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.keepers.reporter import Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import FeedConfig, configure_feed, deploy_oracle, feed_id, reporter_accounts
from dualtrack.sequencer import deploy_sentinel, deploy_uptime_feed, set_sequencer

SIGNATURE_COUNTS = (1, 3, 5)
SUBMIT3_TARGET = 80_000  # issue 5: oracle.submit@3 at most 80k gas
PRICE = 250 * 10**18


@benchmark("oracle", title="EquityPriceOracle: verify and store a signed report, and read it")
def oracle_group(evm: Chain) -> dict[str, int]:
    b = setup_token_bench(evm)
    admin = b.issuer
    signers = reporter_accounts(5, "bench")
    oracle = deploy_oracle(evm, admin, [s.address for s in signers], 1, 5)
    handler = deploy_corporate_actions(evm, admin, oracle.address)
    enable_corporate_actions(evm, b.suite.token, handler, b.issuer)
    evm.send(oracle.functions.setCorporateActions(handler.address), admin)
    uptime = deploy_uptime_feed(evm, admin)
    set_sequencer(evm, uptime, True, evm.timestamp() - 86_400, admin)
    sentinel = deploy_sentinel(evm, admin, uptime, 3_600)
    evm.send(oracle.functions.setSequencerSentinel(sentinel.address), admin)
    tsla = feed_id("TSLA")
    configure_feed(evm, oracle, tsla, FeedConfig(b.suite.token.address, 60, 600, 120, 1_000), admin)
    reporter = Reporter(signers, evm.w3.eth.chain_id, oracle.address, tsla)
    keeper = b.bob

    first = evm.timestamp() + 60
    evm.mine(first)
    evm.send(oracle.functions.submit(reporter.sign(reporter.report(first, MarketStatus.OPEN, PRICE))), keeper)

    results: dict[str, int] = {}
    evm.mine(first + 60)
    next_report = reporter.report(first + 60, MarketStatus.OPEN, PRICE * 1004 // 1000)
    for count in SIGNATURE_COUNTS:
        payload = reporter.sign(next_report, count)
        call = oracle.functions.submit(payload)
        results[f"oracle.submit@{count}"] = measure(evm, lambda call=call: evm.send(call, keeper))  # type: ignore[misc]
        results[f"oracle.submit_bytes@{count}"] = len(call._encode_transaction_data()) // 2 - 1
    evm.send(oracle.functions.submit(reporter.sign(next_report, 3)), keeper)
    results["oracle.read"] = measure(evm, lambda: evm.send(oracle.functions.latestPrice(tsla), keeper))
    if results["oracle.submit@3"] > SUBMIT3_TARGET:
        raise BenchmarkError(f"oracle.submit@3 is {results['oracle.submit@3']:,} gas, above {SUBMIT3_TARGET:,}")
    return results
