"""Auto-deleveraging (issue 15): while the liquidity pool's ADL trigger is active, the keeper closes the most
profitable position first, at the oracle's price with no fee, until the trigger clears; the market re-checks
the trigger and the position's profit when each call executes."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from dualtrack.governance import manager_of, wire_target
from dualtrack.liquidity_pool import RiskConfig, advance_and_settle, deploy_liquidity_pool, request_deposit
from dualtrack.perp import position_pnl
from dualtrack.units import WAD
from tests.margin.conftest import USDC_UNIT, usd
from tests.perp.conftest import BTC_PERP, PerpDesk
from tests.suite_fixtures import Actors

POOL_CASH = 10_000  # USDC: a small pool, so that a 5% BTC move puts traders' profit above half of it
ADL_FACTOR_BPS = 5_000


@pytest.fixture
def adl_pool(perp: PerpDesk, keeper: str) -> Contract:
    """A LiquidityPool on the desk's vault holding POOL_CASH, with the perp market as its market (ADL at 50%)."""
    desk, evm = perp.desk, perp.evm
    manager = manager_of(evm, desk.vault)
    config = RiskConfig(epoch_duration=3_600, adl_pnl_factor_bps=ADL_FACTOR_BPS)
    pool = deploy_liquidity_pool(evm, desk.admin, desk.vault, authority=manager.address, config=config)
    wire_target(evm, manager, pool, "LiquidityPool", desk.admin)
    evm.send(pool.functions.addMarket(perp.market.address), desk.admin)
    lp = evm.new_account()
    desk.fund(lp, desk.usdc, POOL_CASH * USDC_UNIT)
    request_deposit(evm, pool, desk.usdc, POOL_CASH * USDC_UNIT, lp)
    advance_and_settle(evm, pool, keeper)
    return pool


def _traders(perp: PerpDesk, holders: Actors) -> tuple[int, int, int]:
    """Opened before the pool is the market's: a long from 60,000 (the most profitable after the move), a long
    from 61,000, and a short from 61,000 (a loser)."""
    alice, bob = holders.alice.wallet, holders.bob.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    early, late, short = (perp.account(owner, usdc=20_000) for owner in (alice, bob, alice))
    perp.trade(early, alice, 2 * WAD, 60_000)
    perp.desk.prices(perp.evm.timestamp() + 5, btc=61_000)
    perp.trade(late, bob, WAD, 61_000)
    perp.trade(short, alice, -WAD // 2, 61_000)
    return early, late, short


def test_adl__trigger_active__keeper_closes_the_most_profitable_first_until_it_clears(
    perp: PerpDesk, holders: Actors, adl_pool: Contract
) -> None:
    early, late, short = _traders(perp, holders)
    perp.evm.send(perp.market.functions.setPool(adl_pool.address), perp.desk.admin)
    perp.desk.prices(perp.evm.timestamp() + 5, btc=63_000)
    triggered, profit, value, _ = adl_pool.functions.adlState().call()
    assert triggered and profit * 2 > value
    entry = perp.position(early).entry_price
    cash_before = perp.cash(early)
    bot = perp.keeper_bot()
    bot.traders = {early, late, short}

    actions = [a for a in bot.step() if a.kind == "deleveraged"]

    assert [a.account_id for a in actions] == [early]  # the highest return; then the trigger cleared
    assert perp.position(early).size == 0
    assert perp.position(late).size == WAD and perp.position(short).size == -WAD // 2
    assert not adl_pool.functions.adlState().call()[0]
    (event,) = perp.market.events.PositionAutoDeleveraged().get_logs(from_block=perp.evm.w3.eth.block_number)
    assert event["args"]["price"] == usd(63_000)  # the oracle's price: no skew impact, no fee
    assert event["args"]["pnl"] == position_pnl(2 * WAD, entry, usd(63_000))
    assert perp.cash(early) > cash_before + 5_000 * USDC_UNIT  # the profit, realised in cash

    # Re-checked at execution: the trigger has cleared.
    with perp.evm.reverts("PerpMarketAdlNotTriggered", BTC_PERP):
        perp.evm.send(perp.market.functions.autoDeleverage(late, BTC_PERP, WAD), perp.keeper)


def test_adl__chosen_position_no_longer_qualifies__refused_nothing_changed(
    perp: PerpDesk, holders: Actors, adl_pool: Contract
) -> None:
    early, late, short = _traders(perp, holders)
    adl = perp.market.functions.autoDeleverage
    with perp.evm.reverts("PerpMarketAdlNotTriggered", BTC_PERP):  # no pool set yet
        perp.evm.send(adl(early, BTC_PERP, WAD), perp.keeper)
    perp.evm.send(perp.market.functions.setPool(adl_pool.address), perp.desk.admin)
    perp.desk.prices(perp.evm.timestamp() + 5, btc=63_000)
    assert adl_pool.functions.adlState().call()[0]

    with perp.evm.reverts("PerpMarketAdlNotProfitable"):  # the short is losing
        perp.evm.send(adl(short, BTC_PERP, WAD // 2), perp.keeper)
    for amount in (0, 2 * WAD + 1):
        with perp.evm.reverts("PerpMarketSizeInvalid", 2 * WAD):
            perp.evm.send(adl(early, BTC_PERP, amount), perp.keeper)
    # The keeper chose `late`, then the price fell back under its entry before the call executed.
    perp.desk.prices(perp.evm.timestamp() + 5, btc=60_500)
    with perp.evm.reverts("PerpMarketAdlNotTriggered", BTC_PERP):
        perp.evm.send(adl(late, BTC_PERP, WAD), perp.keeper)
    assert (perp.position(early).size, perp.position(late).size, perp.position(short).size) == (
        2 * WAD,
        WAD,
        -WAD // 2,
    )
