"""Attack scenarios on the perp market (issue 15).

JELLY (Hyperliquid, March 2025): the attacker opens a large position on one account and hedges it on another,
lets the first be liquidated into the pool, then moves the price so that the hedge profits from the pool. Here a
liquidation takes nothing from the pool that the pool did not already hold (it is always the skew's other side),
the keeper liquidates inside the oracle's steps while the account still covers its loss (no bad debt to
extract), and the liquidated account pays the penalty, the fee and the skew impact. So the attacker ends below a
plain long held from the liquidation price on, and below where they started if the price comes back.

GMX v1 AVAX (2022): the attacker opened at the oracle price, pushed the underlying up on thin venues and closed
into the pool. Here an open pays the whole skew impact and a close gets back only the market's positive-impact
share of it (GMX v2), so a round trip loses (1 - share) of the impact plus both fees: a move of the underlying
smaller than that, the kind a thin venue lets one push, does not pay."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dualtrack.perp import fill_price
from dualtrack.units import BPS, WAD
from tests.margin.conftest import USDC_UNIT, usd
from tests.perp.conftest import BTC_MARKET, BTC_PERP, PerpDesk
from tests.suite_fixtures import Actors

START = 60_000


def _attacker_total(perp: PerpDesk, accounts: tuple[int, ...]) -> int:
    """What the attacker's accounts hold: cash less debt (USDC units), positions closed."""
    return sum(perp.cash(account) - perp.debt(account) for account in accounts)


def test_jelly__hedged_self_liquidation_then_pump__worse_than_a_plain_long_no_bad_debt(
    perp: PerpDesk, holders: Actors
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    evm, desk = perp.evm, perp.desk
    desk.prices(evm.timestamp() + 5, btc=START)
    thin = perp.account(alice, usdc=3_000)  # 1 BTC short on $3,000: 20x
    hedge = perp.account(alice, usdc=30_000)  # 1 BTC long
    perp.trade(thin, alice, -WAD, START)
    perp.trade(hedge, alice, WAD, START)
    initial = 33_000 * USDC_UNIT
    evm.send(desk.usdc.functions.approve(desk.vault.address, 2**256 - 1), bob)

    # BTC climbs in 1% reports; the keeper liquidates the short at the first report that leaves it below
    # maintenance, while its cash still covers the loss.
    price = START
    while perp.position(thin).size != 0:
        price = round(price * 1.01)
        desk.prices(evm.timestamp() + 5, btc=price)
        if desk.vault.functions.isLiquidatable(thin).call()[0]:
            evm.send(desk.vault.functions.liquidate(thin, desk.usdc.address, 2**255, 0), bob)
        assert price < START * 1.2, "the thin short was never liquidated"
    liquidated_at = price
    assert perp.debt(thin) == 0  # no bad debt: nothing for the attacker to extract from the pool

    snapshot = evm.snapshot()
    for final in (liquidated_at * 1.1, START):  # the pump, or the price back where it started
        desk.prices(evm.timestamp() + 5, btc=final)
        perp.trade(hedge, alice, -WAD, final)
        total = _attacker_total(perp, (thin, hedge))
        plain_long_gain = round((final - liquidated_at) * USDC_UNIT)  # 1 BTC from the liquidation price
        assert total < initial + plain_long_gain, (final, total - initial, plain_long_gain)
        if final == START:
            assert total < initial  # the round trip lost: penalty, fees and impact
        evm.revert_to(snapshot)
        snapshot = evm.snapshot()
    assert perp.position(hedge, BTC_PERP).size == WAD


ROUND_TRIP_SIZE = 200 * WAD  # 2% of BTC-PERP's skew scale: a 1% impact to open from flat


@pytest.mark.parametrize(("positive_impact_bps", "profits"), [(5_000, False), (BPS, True)], ids=["gmx_v2", "symmetric"])
def test_gmx_avax__open_push_the_underlying_close__loses_to_fees_and_the_impact_kept(
    perp: PerpDesk, holders: Actors, positive_impact_bps: int, profits: bool
) -> None:
    alice = holders.alice.wallet
    evm, desk = perp.evm, perp.desk
    config = replace(BTC_MARKET, positive_impact_bps=positive_impact_bps)
    evm.send(perp.market.functions.configureMarket(BTC_PERP, config.as_tuple()), desk.admin)
    desk.prices(evm.timestamp() + 5, btc=START)
    account = perp.account(alice, usdc=1_000_000)
    initial = perp.cash(account)

    opened = perp.trade(account, alice, ROUND_TRIP_SIZE, START)
    pushed = START * 1.005  # the underlying pushed 0.5% on a thin venue: half the 1% opening impact
    desk.prices(evm.timestamp() + 5, btc=pushed)
    closed = perp.trade(account, alice, -ROUND_TRIP_SIZE, pushed)

    result = perp.cash(account) - perp.debt(account) - initial
    # From a flat market the open pays the whole 1% impact; the close gets back the configured share.
    assert opened.fill_price == fill_price(usd(START), 0, ROUND_TRIP_SIZE, config.skew_scale) == usd(START * 1.01)
    assert closed.fill_price == fill_price(
        usd(pushed), ROUND_TRIP_SIZE, -ROUND_TRIP_SIZE, config.skew_scale, positive_impact_bps
    )
    # With half the impact kept, the close refunds 0.5% against the 1% paid: the push only breaks even on
    # the impact, and the two fees make it a loss. A symmetric impact would refund the whole 1%.
    assert (result > 0) is profits, result / USDC_UNIT
    assert closed.new_size == 0
