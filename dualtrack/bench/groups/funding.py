"""``funding.*``: the FundingRateOracle's update, as a perp market calls it on every fill (issue 15).

A BTC market (skew scale 10,000 BTC, impact 10 BTC, Hyperliquid's crypto interest) already updated once, with a
skew of 2,500 BTC (a premium outside the dead band), so every measured update accrues premium-seconds:

- ``funding.update``: an update in the same hour as the last one (premium-seconds added, no hour settled);
- ``funding.update.settle``: the first update after the hour ended (the hour's exact average, its rate and the
  index step, a ``FundingSettled`` event);
- ``funding.update.idle_30d``: the first update after 30 idle days (720 hours settled in closed form: the same
  work as one hour plus a constant ~1,300 gas for the idle hours' rate, whatever the time or the number of
  positions).

Each is a transaction's ``gasUsed``, measured between snapshot and revert from the same state.
"""

from __future__ import annotations

from web3.types import TxReceipt

from dualtrack.bench.registry import BenchmarkError, benchmark, measure
from dualtrack.chain import Chain
from dualtrack.funding import CRYPTO_INTEREST_PER_8H, HOUR, FundingConfig, configure_market, deploy_funding_oracle
from dualtrack.oracle import feed_id
from dualtrack.units import WAD

BTC = feed_id("BTC-PERP")
PRICE = 90_000 * WAD
SKEW = 2_500 * WAD


@benchmark("funding", title="FundingRateOracle: a market's update within the hour, after it, after 30 idle days")
def funding_group(evm: Chain) -> dict[str, int]:
    admin, market = evm.accounts[0], evm.new_account()
    oracle = deploy_funding_oracle(evm, admin)
    configure_market(evm, oracle, BTC, FundingConfig(10_000 * WAD, 10 * WAD, CRYPTO_INTEREST_PER_8H, market), admin)
    start = (evm.timestamp() // HOUR + 2) * HOUR
    evm.set_next_timestamp(start + 60)
    evm.send(oracle.functions.update(BTC, SKEW, PRICE), market)

    def update_at(timestamp: int) -> int:
        def send() -> TxReceipt:
            evm.set_next_timestamp(timestamp)
            return evm.send(oracle.functions.update(BTC, SKEW, PRICE), market)

        return measure(evm, send)

    results = {
        "funding.update": update_at(start + 600),
        "funding.update.settle": update_at(start + HOUR + 600),
        "funding.update.idle_30d": update_at(start + 30 * 24 * HOUR + 600),
    }
    # 720 idle hours cost what one does plus the closed form's constant part (a second rate, one product).
    if abs(results["funding.update.idle_30d"] - results["funding.update.settle"]) > 2_000:
        raise BenchmarkError(f"idle hours are not settled in O(1): {results}")
    return results
