"""Stock perps through market hours (issue 15): while the venue is closed, orders fill at the 24/7 tokenized price
held within the closed band of the last close, with the closed session's leverage and open-interest cap; every
position is valued at the exchange price, so a weekend print on a thin book liquidates nobody, and the first
open price is used at once; a Monday gap within the closed margin leaves no bad debt."""

from __future__ import annotations

from dataclasses import replace

from dualtrack.market import MarketStatus
from dualtrack.oracle import submit_at
from dualtrack.perp import MarketConfig, closed_mark, fill_price, settlement_of
from dualtrack.units import WAD
from tests.margin.conftest import TSLA_FEED, TSLA_PRICE, USDC_UNIT, usd
from tests.perp.conftest import TSLA_MARKET, TSLA_PERP, PerpDesk
from tests.suite_fixtures import Actors

# Weekend trading: 35% IMR floor while closed (under 3x, a maintenance floor of 17.5% that covers a 15% reopening
# gap), a 35% fill band around the last close, 5,000 TSLA a side.
WEEKEND = replace(TSLA_MARKET, closed_min_initial_margin_ratio=WAD * 35 // 100, closed_max_open_interest=5_000 * WAD)
CLOSED = MarketStatus.CLOSED


def _configure(perp: PerpDesk, config: MarketConfig = WEEKEND) -> None:
    perp.evm.send(perp.market.functions.configureMarket(TSLA_PERP, config.as_tuple()), perp.desk.admin)


def _friday_close(perp: PerpDesk, price: float = TSLA_PRICE) -> None:
    """The venue closes at ``price``: a closed report (the tokenized price at the close)."""
    perp.desk.prices(perp.evm.timestamp() + 5, tsla=price, status=CLOSED)


def _weekend(
    perp: PerpDesk, account: int, owner: str, size: int, tokenized: float, close: float = TSLA_PRICE
) -> tuple[int, int]:
    """A market order settled at a closed report (last close ``close``, 24/7 ``tokenized``); (fill, skew before)."""
    skew = _skew(perp)
    slot, committed_at = perp.commit(account, owner, size, market_id=TSLA_PERP)
    receipt = perp.settle_tx(
        account, slot, committed_at, close, market_id=TSLA_PERP, status=CLOSED, tokenized=tokenized
    )
    return settlement_of(perp.evm, perp.market, receipt).fill_price, skew


def _skew(perp: PerpDesk) -> int:
    longs, shorts = perp.market.functions.totalsOf(TSLA_PERP).call()[:2]
    return int(longs) - int(shorts)


def _liquidatable(perp: PerpDesk, account: int) -> bool:
    return bool(perp.desk.vault.functions.isLiquidatable(account).call()[0])


def test_weekend__market_orders__fill_at_the_tokenized_price_held_within_the_band(
    perp: PerpDesk, holders: Actors
) -> None:
    alice = holders.alice.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    _configure(perp)
    account = perp.account(alice, usdc=20_000)
    _friday_close(perp)

    filled, skew = _weekend(perp, account, alice, 10 * WAD, tokenized=255)
    mark = closed_mark(usd(TSLA_PRICE), usd(255), WEEKEND.closed_ratio())
    assert mark == usd(255)
    assert filled == fill_price(mark, skew, 10 * WAD, WEEKEND.skew_scale)

    # A thin-book print far from the close fills at the band's edge: 250 x 1.35.
    filled, skew = _weekend(perp, account, alice, 10 * WAD, tokenized=400)
    assert closed_mark(usd(TSLA_PRICE), usd(400), WEEKEND.closed_ratio()) == usd(337.5)
    assert filled == fill_price(usd(337.5), skew, 10 * WAD, WEEKEND.skew_scale)
    # The second fill realised the first 10 at the mark; valued at the close, the 20 now carry the premium
    # over the close as a loss (20 x $87.5 at least), which the margin check counted.
    profit, loss, _, _ = perp.market.functions.accountMargin(account).call()
    assert profit == 0 and loss >= usd(1_750)


def test_weekend__market_without_closed_session__adds_refused_reductions_fill(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    account = perp.account(alice, usdc=20_000)
    perp.trade(account, alice, 20 * WAD, TSLA_PRICE, market_id=TSLA_PERP)  # opened while the venue is open
    _friday_close(perp)

    slot, committed_at = perp.commit(account, alice, 5 * WAD, market_id=TSLA_PERP)
    with perp.evm.reverts("PerpMarketPriceUnusable", TSLA_FEED):
        perp.settle_tx(account, slot, committed_at, TSLA_PRICE, market_id=TSLA_PERP, status=CLOSED, tokenized=260)
    perp.evm.send(perp.market.functions.cancelOrder(account, TSLA_PERP, slot), alice)

    filled, skew = _weekend(perp, account, alice, -5 * WAD, tokenized=260)
    band = TSLA_MARKET.closed_ratio()  # no closed floor configured: the open one (10%)
    assert filled == fill_price(closed_mark(usd(TSLA_PRICE), usd(260), band), skew, -5 * WAD, TSLA_MARKET.skew_scale)
    assert perp.position(account, TSLA_PERP).size == 15 * WAD


def test_weekend__closed_open_interest_cap_and_leverage__refused_beyond_them(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    _configure(perp, replace(WEEKEND, closed_max_open_interest=100 * WAD))
    account = perp.account(alice, usdc=50_000)
    _friday_close(perp)
    _weekend(perp, account, alice, 100 * WAD, tokenized=TSLA_PRICE)

    slot, committed_at = perp.commit(account, alice, WAD, market_id=TSLA_PERP)
    with perp.evm.reverts("PerpMarketOpenInterestExceeded", TSLA_PERP, 101 * WAD, 100 * WAD):
        perp.settle_tx(account, slot, committed_at, TSLA_PRICE, market_id=TSLA_PERP, status=CLOSED)
    perp.evm.send(perp.market.functions.cancelOrder(account, TSLA_PERP, slot), alice)

    # 20 TSLA ($5,000) on $1,000 is 5x: within the open session's 10x, beyond the closed session's 1 / 0.35.
    thin = perp.account(bob, usdc=1_000)
    slot, committed_at = perp.commit(thin, bob, -20 * WAD, market_id=TSLA_PERP)
    with perp.evm.reverts("MarginVaultInsufficientMargin"):
        perp.settle_tx(thin, slot, committed_at, TSLA_PRICE, market_id=TSLA_PERP, status=CLOSED)


def test_weekend__thin_book_print_and_whale_short__nobody_healthy_at_friday_close_liquidated(
    perp: PerpDesk, holders: Actors
) -> None:
    """XYZ100: a $10M weekend short moved the price 3.5% and liquidated $13M of longs in 30 minutes. Here the
    weekend price moves fills only; positions are valued at Friday's close until the venue reopens."""
    alice, bob = holders.alice.wallet, holders.bob.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    _configure(perp)
    longs = []
    for cash in (2_600, 3_000, 4_000):  # 40 TSLA ($10,000) each, from 3.8x to 2.5x
        account = perp.account(alice, usdc=cash)
        perp.trade(account, alice, 40 * WAD, TSLA_PRICE, market_id=TSLA_PERP)
        longs.append(account)
    _friday_close(perp)
    assert not any(_liquidatable(perp, account) for account in longs)  # healthy at Friday's close

    whale = perp.account(bob, usdc=400_000)
    print_price = TSLA_PRICE * (1 - 0.035)
    filled, _ = _weekend(perp, whale, bob, -4_000 * WAD, tokenized=print_price)
    assert filled < usd(print_price)
    for tokenized in (print_price, TSLA_PRICE * 0.9):  # and the print keeps falling
        # Weekend reports carry the tokenized print; the close stays the price positions are valued at.
        at = perp.evm.timestamp() + 60
        payload = perp.report(TSLA_PERP, at, TSLA_PRICE, status=CLOSED, tokenized=tokenized)
        submit_at(perp.evm, perp.desk.oracle, payload, perp.desk.submitter, at + 1)
        assert not any(_liquidatable(perp, account) for account in longs)
    assert perp.desk.oracle.functions.consumerPrice(TSLA_FEED).call()[0] == usd(TSLA_PRICE)


def test_monday_gap__15_percent__liquidated_at_the_open_price_without_bad_debt(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    _configure(perp)
    account = perp.account(alice, usdc=2_400)  # 50 TSLA ($12,500): 5.2x while open
    perp.trade(account, alice, 50 * WAD, TSLA_PRICE, market_id=TSLA_PERP)
    _friday_close(perp)
    assert not _liquidatable(perp, account)  # within the closed session's step-up (17.5% maintenance)

    # Monday: the first open price, 15% down, is used at once.
    gap = TSLA_PRICE * 0.85
    perp.desk.prices(perp.evm.timestamp() + 2 * 86_400, tsla=gap)
    assert perp.desk.oracle.functions.consumerPrice(TSLA_FEED).call()[0] == usd(gap)
    assert _liquidatable(perp, account)
    insurance_before = perp.desk.vault.functions.creditOf(perp.desk.insurance).call()
    perp.evm.send(perp.desk.usdc.functions.approve(perp.desk.vault.address, 2**256 - 1), bob)

    receipt = perp.evm.send(perp.desk.vault.functions.liquidate(account, perp.desk.usdc.address, 2**255, 0), bob)

    (closed,) = perp.evm.events(receipt, perp.market, "PositionLiquidated")
    assert closed["size"] == 50 * WAD and closed["pnl"] < -usd(1_875)  # 50 x $37.5, and the close's impact
    assert perp.position(account, TSLA_PERP).size == 0
    assert perp.debt(account) == 0  # the loss and the penalty came out of the account's own cash: no bad debt
    assert perp.desk.vault.functions.creditOf(perp.desk.insurance).call() >= insurance_before
    assert perp.cash(account) < 2_400 * USDC_UNIT
