"""The oracle behind Base's sequencer sentinel: outage, restart grace period, Aave's underwater rule."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.market import MarketStatus
from dualtrack.oracle import ConsumerPrice, Use, consumer_price
from dualtrack.sequencer import DEEPLY_UNDERWATER_HEALTH, deploy_sentinel, deploy_uptime_feed, set_sequencer
from tests.oracle.conftest import TSLA, TSLA_CONFIG_AGES, Desk, usd

GRACE = 3_600
OPEN = MarketStatus.OPEN


@dataclass(frozen=True)
class Guard:
    feed: Contract
    sentinel: Contract


@pytest.fixture
def guard(evm: Chain, desk: Desk) -> Guard:
    feed = deploy_uptime_feed(evm, desk.admin)
    set_sequencer(evm, feed, True, evm.timestamp() - 10 * GRACE, desk.admin)
    sentinel = deploy_sentinel(evm, desk.admin, feed, GRACE)
    evm.send(desk.oracle.functions.setSequencerSentinel(sentinel.address), desk.admin)
    return Guard(feed, sentinel)


def _liquidation_price(evm: Chain, desk: Desk, health_factor: int) -> tuple[int, int]:
    return tuple(evm.call(desk.oracle.functions.priceToLiquidate(TSLA, health_factor)))  # type: ignore[return-value]


def test_read__sequencer_up_past_grace__everything_usable(evm: Chain, desk: Desk, guard: Guard) -> None:
    desk.post(evm.timestamp() + 5, OPEN, usd(250))
    view = desk.read()
    assert view.usable_to_open_risk and view.usable_to_value and view.usable_to_liquidate


def test_read__sequencer_down__new_risk_and_liquidations_blocked(evm: Chain, desk: Desk, guard: Guard) -> None:
    t = evm.timestamp() + 5
    desk.post(t, OPEN, usd(250))
    set_sequencer(evm, guard.feed, False, t + 2, desk.admin)
    view = desk.read()
    assert not view.usable_to_open_risk and not view.usable_to_liquidate
    assert view.usable_to_value


def test_read__sequencer_restart__grace_period_then_normal(evm: Chain, desk: Desk, guard: Guard) -> None:
    t = evm.timestamp() + 5
    set_sequencer(evm, guard.feed, False, t, desk.admin)
    restart = t + 2 * GRACE
    evm.mine(restart)
    set_sequencer(evm, guard.feed, True, restart, desk.admin)
    desk.post(restart + 10, OPEN, usd(240))
    view = desk.read()
    assert not view.usable_to_open_risk and not view.usable_to_liquidate and view.usable_to_value
    with evm.reverts("OraclePriceUnusable", TSLA, Use.OPEN_RISK):
        evm.call(desk.oracle.functions.priceFor(TSLA, Use.OPEN_RISK))
    with evm.reverts("OraclePriceUnusable", TSLA, Use.LIQUIDATE):
        evm.call(desk.oracle.functions.priceFor(TSLA, Use.LIQUIDATE))
    # Aave's rule: a deeply underwater account (health < 0.95) may be liquidated during the grace period.
    assert _liquidation_price(evm, desk, DEEPLY_UNDERWATER_HEALTH - 1) == (usd(240), restart + 10)
    with evm.reverts("OraclePriceUnusable", TSLA, Use.LIQUIDATE):
        _liquidation_price(evm, desk, DEEPLY_UNDERWATER_HEALTH)
    # Exactly at the end of the grace period everything resumes (fresh prices still required).
    desk.post(restart + GRACE - 5, OPEN, usd(241))
    evm.mine(restart + GRACE)
    view = desk.read()
    assert view.usable_to_open_risk and view.usable_to_liquidate
    assert _liquidation_price(evm, desk, DEEPLY_UNDERWATER_HEALTH) == (usd(241), restart + GRACE - 5)


def test_price_to_liquidate__underwater_but_stale__reverts(evm: Chain, desk: Desk, guard: Guard) -> None:
    t = evm.timestamp() + 5
    desk.post(t, OPEN, usd(250))
    set_sequencer(evm, guard.feed, True, t + 2, desk.admin)
    liquidate_age = TSLA_CONFIG_AGES[2]
    evm.mine(t + liquidate_age)
    assert _liquidation_price(evm, desk, 0) == (usd(250), t)
    evm.mine(t + liquidate_age + 1)
    with evm.reverts("OraclePriceUnusable", TSLA, Use.LIQUIDATE):
        _liquidation_price(evm, desk, 0)


def test_price_to_liquidate__no_sentinel__ordinary_rules(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 5
    desk.post(t, OPEN, usd(250))
    assert _liquidation_price(evm, desk, 2 * 10**18) == (usd(250), t)


def test_consumer_liquidation_read__grace_period__liquidatable_ignoring_sequencer_then_sentinel_once(
    evm: Chain, desk: Desk, guard: Guard
) -> None:
    """The consumer reads prices first, computes health, then applies the sentinel once (0.95 rule)."""
    t = evm.timestamp() + 5
    set_sequencer(evm, guard.feed, False, t, desk.admin)
    restart = t + 2 * GRACE
    evm.mine(restart)
    set_sequencer(evm, guard.feed, True, restart, desk.admin)
    desk.post(restart + 10, OPEN, usd(240))
    read = consumer_price(desk.oracle, TSLA)
    assert read.liquidatable_ignoring_sequencer and not read.usable_to_liquidate and not read.usable_to_open_risk
    raw = desk.oracle.functions.consumerPriceIgnoringSequencer(TSLA).call()
    assert ConsumerPrice.from_tuple(raw).usable_to_liquidate  # the consumer applies the sequencer itself
    assert not desk.oracle.functions.sequencerAllows().call()
    sentinel = guard.sentinel.functions
    assert sentinel.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH - 1).call()
    assert not sentinel.isLiquidationAllowed(DEEPLY_UNDERWATER_HEALTH).call()
    evm.mine(restart + GRACE)
    assert desk.oracle.functions.sequencerAllows().call()
