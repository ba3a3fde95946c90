"""``oracle.*``: the EquityPriceOracle's submit and read on a TSLA feed in the deployed configuration.

The oracle has five reporters and a threshold of one, so that ``oracle.submit@<n>`` can verify and store
one report carrying ``n`` signatures (1, 3 or 5) through the same path: decode, timing and order checks,
EIP-712 digest, ``n`` ecrecovers with the duplicate-signer bitmap, the jump-band policy and the state
write. Steady state: the feed already holds an accepted open-market report, and each measured report
is the next one, a minute later and 0.4% away (no hold). ``oracle.submit_bytes@<n>`` is the calldata
size of that transaction, the part Base bills as L1 data.

``oracle.read`` is a transaction calling ``latestPrice`` on the feed bound to an EquityToken (observed by
the oracle), a CorporateActions handler and a sequencer sentinel. The consumer figures are what a
consumer contract pays inside its own transaction (no transaction base), measured by
``OracleConsumerProbe``: ``oracle.read_consumer.cold`` / ``.warm`` is the per-feed read
(``consumerPriceIgnoringSequencer``: three storage slots) the first time and again, and
``oracle.read_sequencer.cold`` the sentinel's check a consumer applies once per transaction;
``oracle.read_consumer_with_sequencer.cold`` / ``.warm`` is ``consumerPrice``, with the sentinel called
inside. ``oracle.sync_token`` is what re-reading the token's state costs (what a token's pause or
multiplier change adds through its observer call). The group fails if ``oracle.submit@3`` or the
per-feed read exceeds its target.
"""

from __future__ import annotations

from dualtrack.bench.groups.token import setup_token_bench
from dualtrack.bench.registry import BenchmarkError, benchmark, measure
from dualtrack.chain import Chain
from dualtrack.corporate import deploy_corporate_actions, enable_corporate_actions
from dualtrack.keepers.reporter import Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import FeedConfig, configure_feed, deploy_oracle, feed_id, observe_token, reporter_accounts
from dualtrack.sequencer import deploy_sentinel, deploy_uptime_feed, set_sequencer

SIGNATURE_COUNTS = (1, 3, 5)
SUBMIT3_TARGET = 80_000  # issue 5: oracle.submit@3 at most 80k gas
READ_CONSUMER_COLD_TARGET = 25_000  # issue 12: a consumer's first read of a feed in a transaction
READ_CONSUMER_WARM_TARGET = 15_000  # issue 12: a consumer's read of a feed it already read
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
    observe_token(evm, b.suite.token, oracle, b.issuer)
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
    results["oracle.sync_token"] = measure(evm, lambda: evm.send(oracle.functions.syncToken(tsla), keeper))
    probe = evm.deploy("OracleConsumerProbe", sender=admin)
    (read,) = evm.events(evm.send(probe.functions.measure(oracle.address, tsla), keeper), probe, "Measured")
    results["oracle.read_consumer.cold"] = int(read["readCold"])
    results["oracle.read_consumer.warm"] = int(read["readWarm"])
    results["oracle.read_sequencer.cold"] = int(read["sequencerCold"])
    call = probe.functions.measureWithSequencer(oracle.address, tsla)
    (whole,) = evm.events(evm.send(call, keeper), probe, "Measured")
    results["oracle.read_consumer_with_sequencer.cold"] = int(whole["withSequencerCold"])
    results["oracle.read_consumer_with_sequencer.warm"] = int(whole["withSequencerWarm"])
    for key, target in (
        ("oracle.submit@3", SUBMIT3_TARGET),
        ("oracle.read_consumer.cold", READ_CONSUMER_COLD_TARGET),
        ("oracle.read_consumer.warm", READ_CONSUMER_WARM_TARGET),
    ):
        if results[key] > target:
            raise BenchmarkError(f"{key} is {results[key]:,} gas, above {target:,}")
    return results
