"""PerpMarket (issue 15): orders committed by traders and settled by keepers at a report nobody picks, fills and
fees against dualtrack.perp's model, margin through the vault, funding through the FundingRateOracle."""

from __future__ import annotations

from dataclasses import replace

from dualtrack.oracle import feed_id
from dualtrack.perp import (
    OrderKind,
    fill_price,
    funding_owed,
    order_fee,
    position_pnl,
    settlement_of,
)
from dualtrack.units import WAD
from tests.margin.conftest import BTC_FEED, ETH_FEED, TSLA_FEED, USDC_UNIT, usd
from tests.perp.conftest import BTC_MARKET, BTC_PERP, DELAY, KEEPER_FEE, PERP_FEEDS, TSLA_PERP, WINDOW, PerpDesk
from tests.suite_fixtures import Actors

SCALE = 10**12  # USD (18 decimals) per USDC unit


def _refresh(perp: PerpDesk, btc: float = 60_000) -> None:
    perp.desk.prices(perp.evm.timestamp() + 5, btc=btc)


def test_settle__tsla_collateral_shorts_btc__opened_and_closed_with_pnl_in_cash(
    perp: PerpDesk, holders: Actors
) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, tsla=20)  # $5,000 of TSLA, weighed at 60%: $3,000 of margin, no cash
    lp_before = perp.lp_credit()
    keeper_before = perp.desk.vault.functions.creditOf(perp.keeper).call()
    skew = perp.market.functions.totalsOf(BTC_PERP).call()

    opened = perp.trade(account, alice, -WAD, 60_000)

    assert skew[0] == skew[1] == 0
    expected_fill = fill_price(usd(60_000), 0, -WAD, BTC_MARKET.skew_scale)
    assert opened.fill_price == expected_fill
    assert opened.fee == order_fee(0, -WAD, expected_fill, 2, 6)
    assert (opened.new_size, opened.pnl, opened.funding) == (-WAD, 0, 0)
    assert opened.keeper == perp.keeper and opened.keeper_fee == KEEPER_FEE
    position = perp.position(account)
    assert (position.size, position.entry_price) == (-WAD, expected_fill)
    # No cash: the fee and the keeper fee became debt to the counterparty.
    fee_units = -(-opened.fee // SCALE)
    assert perp.debt(account) == fee_units + KEEPER_FEE
    # The counterparty advanced the keeper's fee and holds both as the account's debt.
    assert perp.lp_credit() == lp_before - KEEPER_FEE
    assert perp.desk.vault.functions.creditOf(perp.keeper).call() == keeper_before + KEEPER_FEE

    closed = perp.trade(account, alice, WAD, 57_000)

    close_fill = fill_price(usd(57_000), -WAD, WAD, BTC_MARKET.skew_scale)
    assert closed.fill_price == close_fill
    assert closed.new_size == 0
    assert closed.pnl == position_pnl(-WAD, expected_fill, close_fill)
    assert closed.funding == funding_owed(-WAD, position.entry_funding_index, closed_index(perp))
    net = closed.pnl - closed.funding - closed.fee
    assert net > 0
    assert perp.position(account).size == 0
    assert perp.market.functions.positionMarketsOf(account).call() == []
    assert perp.desk.vault.functions.marketsOf(account).call() == []
    # The profit repaid the debt first and the rest is cash; the TSLA never moved.
    debt_then = fee_units + KEEPER_FEE
    assert perp.cash(account) - perp.debt(account) == net // SCALE - debt_then - KEEPER_FEE


def closed_index(perp: PerpDesk) -> int:
    return int(perp.funding.functions.stateOf(BTC_PERP).call()[3])


# --------------------------------------------------------------------------- which report fills an order


def test_settle__report_observed_after_fill_time__refused_keeper_cannot_pick(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, WAD // 10)
    fill_time = committed_at + DELAY
    for observed in (fill_time + 1, fill_time + 5):
        with perp.evm.reverts("PerpMarketReportNotFirst", observed, fill_time):
            perp.settle_tx(account, slot, committed_at, 59_000, observed_at=observed, at=fill_time + 10)
    # Only the report observed at the fill time fills it.
    skew = skew_now(perp)
    settled = settlement_of(
        perp.evm, perp.market, perp.settle_tx(account, slot, committed_at, 60_000, at=fill_time + 11)
    )
    assert settled.fill_price == fill_price(usd(60_000), skew, WAD // 10, BTC_MARKET.skew_scale)


def test_settle__report_older_than_commitment__refused(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, WAD // 10)
    with perp.evm.reverts("PerpMarketReportNotFirst", committed_at - 1, committed_at + DELAY):
        perp.settle_tx(account, slot, committed_at, 60_000, observed_at=committed_at - 1, at=committed_at + DELAY + 1)
    assert perp.market.functions.orderOf(account, BTC_PERP, slot).call()[2] == committed_at  # still pending


def test_settle__fill_report_superseded_on_oracle__verified_and_used(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, -WAD // 10)
    fill_time = committed_at + DELAY
    # Someone posts a newer BTC report first: the fill-time report can no longer be stored, only verified.
    perp.desk.prices(fill_time + 3, feeds=(BTC_FEED,), btc=60_100)
    skew = skew_now(perp)
    receipt = perp.settle_tx(account, slot, committed_at, 60_050, at=perp.evm.timestamp() + 1)
    settled = settlement_of(perp.evm, perp.market, receipt)
    assert settled.fill_price == fill_price(usd(60_050), skew, -WAD // 10, BTC_MARKET.skew_scale)
    assert not perp.evm.events(receipt, perp.desk.oracle, "ReportAccepted")  # not stored: only verified


def test_settle__after_window__expired_then_anyone_cancels(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, WAD // 10)
    expires_at = committed_at + DELAY + WINDOW
    with perp.evm.reverts("PerpMarketOrderExpired", expires_at, expires_at + 1):
        perp.settle_tx(account, slot, committed_at, 60_000, at=expires_at + 1)
    receipt = perp.evm.send(perp.market.functions.cancelOrder(account, BTC_PERP, slot), bob)
    assert perp.evm.events(receipt, perp.market, "OrderCancelled")[0]["by"] == bob
    with perp.evm.reverts("PerpMarketNoOrder", account, BTC_PERP, slot):
        perp.settle_tx(account, slot, committed_at, 60_000, at=perp.evm.timestamp() + 1)


def test_cancel__pending_market_order_by_stranger__refused(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, _ = perp.commit(account, alice, WAD // 10)
    with perp.evm.reverts("PerpMarketCancelNotAllowed", account, bob):
        perp.evm.send(perp.market.functions.cancelOrder(account, BTC_PERP, slot), bob)
    perp.evm.send(perp.market.functions.cancelOrder(account, BTC_PERP, slot), alice)
    assert perp.market.functions.orderOf(account, BTC_PERP, slot).call()[2] == 0


def test_settle__before_fill_time__not_ready(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, WAD // 10)
    with perp.evm.reverts("PerpMarketOrderNotReady", committed_at + DELAY, committed_at + 1):
        perp.settle_tx(account, slot, committed_at, 60_000, observed_at=committed_at, at=committed_at + 1)


# --------------------------------------------------------------------------- order checks


def test_commit__bad_requests__each_refused_with_its_error(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    account = perp.account(alice, usdc=1_000)
    with perp.evm.reverts("PerpMarketNotAccountOwner", account, bob):
        perp.commit(account, bob, WAD)
    with perp.evm.reverts("PerpMarketSizeInvalid", 0):
        perp.commit(account, alice, 0)
    with perp.evm.reverts("PerpMarketSizeInvalid", 501 * WAD):
        perp.commit(account, alice, 501 * WAD)
    with perp.evm.reverts("PerpMarketKeeperFeeOutOfBounds", 6 * USDC_UNIT, USDC_UNIT, 5 * USDC_UNIT):
        perp.commit(account, alice, WAD, keeper_fee=6 * USDC_UNIT)
    with perp.evm.reverts("PerpMarketTriggerInvalid", int(OrderKind.LIMIT), 0):
        perp.commit(account, alice, WAD, kind=OrderKind.LIMIT)
    with perp.evm.reverts("PerpMarketTriggerInvalid", int(OrderKind.MARKET), 5):
        perp.commit(account, alice, WAD, trigger=5)
    with perp.evm.reverts("PerpMarketUnknownMarket", b"\x01" * 32):
        perp.commit(account, alice, WAD, market_id=b"\x01" * 32)
    for _ in range(4):
        perp.commit(account, alice, WAD)
    with perp.evm.reverts("PerpMarketTooManyOrders", account, BTC_PERP, 4):
        perp.commit(account, alice, WAD)


def test_settle__fill_worse_than_acceptable__refused_nothing_changed(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, WAD // 10, acceptable=usd(60_000))
    skew = skew_now(perp)
    fill = fill_price(usd(60_010), skew, WAD // 10, BTC_MARKET.skew_scale)
    with perp.evm.reverts("PerpMarketPriceNotAcceptable", fill, usd(60_000)):
        perp.settle_tx(account, slot, committed_at, 60_010)
    assert perp.position(account).size == 0 and perp.cash(account) == 5_000 * USDC_UNIT


def test_settle__account_without_collateral__refused_by_initial_margin(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice)
    slot, committed_at = perp.commit(account, alice, WAD // 10)
    with perp.evm.reverts("MarginVaultInsufficientMargin"):
        perp.settle_tx(account, slot, committed_at, 60_000)
    assert perp.position(account).size == 0 and perp.debt(account) == 0


def test_settle__trader_settles_own_order__no_keeper_fee(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    slot, committed_at = perp.commit(account, alice, WAD // 10)
    settled = settlement_of(perp.evm, perp.market, perp.settle_tx(account, slot, committed_at, 60_000, keeper=alice))
    assert settled.keeper_fee == 0
    assert perp.cash(account) == 5_000 * USDC_UNIT - -(-settled.fee // SCALE)


def test_settle__reduce_only_order_that_would_flip__refused(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    perp.trade(account, alice, WAD // 10, 60_000)
    slot, committed_at = perp.commit(account, alice, -WAD // 5, reduce_only=True)
    with perp.evm.reverts("PerpMarketReduceOnly", BTC_PERP, WAD // 10, -WAD // 5):
        perp.settle_tx(account, slot, committed_at, 60_000)
    halved = perp.trade(account, alice, -WAD // 20, 60_000, reduce_only=True)
    assert halved.new_size == WAD // 20


def test_settle__open_interest_cap__refused(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=50_000)
    longs = int(perp.market.functions.totalsOf(BTC_PERP).call()[0])
    cap = longs + 2 * WAD
    tight = replace(BTC_MARKET, max_open_interest=cap)
    perp.evm.send(perp.market.functions.configureMarket(BTC_PERP, tight.as_tuple()), perp.desk.admin)
    try:
        perp.trade(account, alice, 3 * WAD // 2, 60_000)
        slot, committed_at = perp.commit(account, alice, WAD)
        with perp.evm.reverts("PerpMarketOpenInterestExceeded", BTC_PERP, longs + 5 * WAD // 2, cap):
            perp.settle_tx(account, slot, committed_at, 60_000)
        assert perp.position(account).size == 3 * WAD // 2
    finally:
        perp.evm.send(perp.market.functions.configureMarket(BTC_PERP, BTC_MARKET.as_tuple()), perp.desk.admin)


# --------------------------------------------------------------------------- conditional orders


def test_settle__limit_buy__fills_only_at_or_below_its_trigger(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    trigger = usd(59_000)
    slot, committed_at = perp.commit(
        account, alice, WAD // 10, kind=OrderKind.LIMIT, trigger=trigger, acceptable=usd(59_100)
    )
    later = committed_at + DELAY + 30
    with perp.evm.reverts("PerpMarketNotTriggered", usd(59_500), trigger):
        perp.settle_tx(account, slot, committed_at, 59_500, observed_at=later)
    perp.desk.prices(later + 10, btc=58_900)  # the price comes down to the limit: anyone may fill it now
    skew = skew_now(perp)
    receipt = perp.evm.send(perp.market.functions.settleOrder(account, BTC_PERP, slot, b""), perp.keeper)
    settled = settlement_of(perp.evm, perp.market, receipt)
    assert settled.fill_price == fill_price(usd(58_900), skew, WAD // 10, BTC_MARKET.skew_scale)
    assert settled.new_size == WAD // 10


def test_settle__stop_loss__fills_when_the_price_falls_through_it(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    perp.trade(account, alice, WAD // 10, 60_000)
    stop = usd(58_000)
    slot, committed_at = perp.commit(
        account, alice, -WAD // 10, kind=OrderKind.STOP_LOSS, trigger=stop, reduce_only=True
    )
    with perp.evm.reverts("PerpMarketNotTriggered", usd(59_000), stop):
        perp.settle_tx(account, slot, committed_at, 59_000, observed_at=committed_at + DELAY + 5)
    receipt = perp.settle_tx(account, slot, committed_at, 57_900, observed_at=committed_at + DELAY + 20)
    settled = settlement_of(perp.evm, perp.market, receipt)
    assert settled.new_size == 0 and settled.pnl < 0


def test_settle__take_profit_with_stale_report__refused_not_latest(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    perp.trade(account, alice, WAD // 10, 60_000)
    slot, committed_at = perp.commit(
        account, alice, -WAD // 10, kind=OrderKind.TAKE_PROFIT, trigger=usd(61_000), reduce_only=True
    )
    old = committed_at + DELAY + 1
    perp.desk.prices(old + 10, btc=60_500)
    latest = int(perp.desk.oracle.functions.lastObservedAt(PERP_FEEDS[BTC_PERP]).call())
    with perp.evm.reverts("PerpMarketReportNotLatest", old, latest):
        perp.settle_tx(account, slot, committed_at, 61_500, observed_at=old, at=perp.evm.timestamp() + 1)


# --------------------------------------------------------------------------- liquidation through the vault


def test_liquidate__btc_rallies__vault_closes_the_short_and_sells_tsla(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    _refresh(perp)
    account = perp.account(alice, tsla=20)
    perp.trade(account, alice, -WAD, 60_000)
    assert not perp.desk.vault.functions.isLiquidatable(account).call()[0]
    _refresh(perp, btc=63_500)
    assert perp.desk.vault.functions.isLiquidatable(account).call()[0]
    perp.evm.send(perp.desk.usdc.functions.approve(perp.desk.vault.address, 2**256 - 1), bob)

    receipt = perp.evm.send(perp.desk.vault.functions.liquidate(account, perp.desk.tsla.address, 2**255, 0), bob)

    (closed,) = perp.evm.events(receipt, perp.market, "PositionLiquidated")
    assert closed["size"] == -WAD and closed["pnl"] < 0
    assert perp.position(account).size == 0
    assert perp.market.functions.positionMarketsOf(account).call() == []
    assert perp.desk.vault.functions.marketsOf(account).call() == []


CAPACITY = 10 * WAD  # BTC-PERP per 30-second window: 10,000 BTC skew scale x 10 bps (the floor; its fees are 8)
DEEP = 95 * WAD // 100  # below this maintenance health, no chunks (the vault's default full-close level)


def _big_short(perp: PerpDesk, holders: Actors) -> int:
    """A 200 BTC short on 550,000 USDC (20x the window's capacity); bob approved to liquidate."""
    alice, bob = holders.alice.wallet, holders.bob.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=550_000)
    perp.trade(account, alice, -200 * WAD, 60_000)
    perp.evm.send(perp.desk.usdc.functions.approve(perp.desk.vault.address, 2**256 - 1), bob)
    return account


def _health(perp: PerpDesk, account: int) -> int:
    return int(perp.desk.vault.functions.isLiquidatable(account).call()[1])


def _rally_to_health(perp: PerpDesk, account: int, low: int, high: int) -> None:
    """Report BTC at the price (bisected) that puts the account's maintenance health in [low, high)."""
    bottom, top = 60_000.0, 70_000.0
    for _ in range(40):
        price = round((bottom + top) / 2, 2)
        _refresh(perp, btc=price)
        health = _health(perp, account)
        if low <= health < high:
            return
        bottom, top = (price, top) if health >= high else (bottom, price)
    raise AssertionError(f"no BTC price puts the health in [{low}, {high})")


def _liquidate(perp: PerpDesk, account: int, keeper: str) -> list[int]:
    """One liquidation call; the sizes closed (PositionLiquidated)."""
    receipt = perp.evm.send(perp.desk.vault.functions.liquidate(account, perp.desk.usdc.address, 2**255, 0), keeper)
    return [int(event["size"]) for event in perp.evm.events(receipt, perp.market, "PositionLiquidated")]


def test_liquidate__position_beyond_the_windows_capacity__closed_a_chunk_per_window(
    perp: PerpDesk, holders: Actors
) -> None:
    bob = holders.bob.wallet
    account = _big_short(perp, holders)
    assert perp.market.functions.liquidationRoomOf(BTC_PERP).call() == [CAPACITY, 0]
    _rally_to_health(perp, account, DEEP + WAD // 500, DEEP + WAD // 100)  # below 1, above the bypass
    assert perp.desk.vault.functions.isLiquidatable(account).call()[0]

    assert _liquidate(perp, account, bob) == [-CAPACITY]
    assert perp.position(account).size == -190 * WAD
    room, ends = perp.market.functions.liquidationRoomOf(BTC_PERP).call()
    assert room == 0 and ends > perp.evm.timestamp()
    assert perp.desk.vault.functions.isLiquidatable(account).call()[0]  # still below maintenance
    assert _liquidate(perp, account, bob) == []  # the window's capacity is spent: nothing more closes now
    assert perp.position(account).size == -190 * WAD

    price = perp.desk.oracle.functions.consumerPrice(BTC_FEED).call()[0] / WAD
    perp.desk.prices(ends + 1, btc=price)  # the next window, the same price
    assert _liquidate(perp, account, bob) == [-CAPACITY]
    assert perp.position(account).size == -180 * WAD


def test_liquidate__deeply_underwater_account__closed_whole_bypassing_the_window(
    perp: PerpDesk, holders: Actors
) -> None:
    account = _big_short(perp, holders)
    _rally_to_health(perp, account, 70 * WAD // 100, 90 * WAD // 100)
    assert _health(perp, account) < DEEP

    assert _liquidate(perp, account, holders.bob.wallet) == [-200 * WAD]
    assert perp.position(account).size == 0
    assert perp.debt(account) == 0  # closed while its cash still covered the loss


def test_liquidate__healthy_account__refused_position_kept(perp: PerpDesk, holders: Actors) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    _refresh(perp)
    account = perp.account(alice, tsla=20)
    perp.trade(account, alice, -WAD // 2, 60_000)
    with perp.evm.reverts("MarginVaultNotLiquidatable"):
        perp.evm.send(perp.desk.vault.functions.liquidate(account, perp.desk.tsla.address, 2**255, 0), bob)
    assert perp.position(account).size == -WAD // 2


def test_close_for_liquidation__not_the_vault__refused(perp: PerpDesk, holders: Actors) -> None:
    with perp.evm.reverts("PerpMarketNotVault", holders.alice.wallet):
        perp.evm.send(perp.market.functions.closeForLiquidation(1), holders.alice.wallet)


# --------------------------------------------------------------------------- helpers


def skew_now(perp: PerpDesk) -> int:
    longs, shorts = perp.market.functions.totalsOf(BTC_PERP).call()[:2]
    return int(longs) - int(shorts)


def test_withdraw__btc_price_stale__fails_closed_position_kept(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=20_000)
    perp.trade(account, alice, -WAD // 10, 60_000)
    # An hour later only TSLA and ETH are re-reported: BTC's price is too old to value the position.
    perp.desk.prices(perp.evm.timestamp() + 3_700, feeds=(TSLA_FEED, ETH_FEED))
    _, _, initial, _ = perp.market.functions.accountMargin(account).call()
    assert initial == 2**128 - 1
    with perp.evm.reverts("MarginVaultInsufficientMargin"):
        perp.evm.send(perp.desk.vault.functions.withdraw(account, perp.desk.usdc.address, USDC_UNIT), alice)
    assert not perp.desk.vault.functions.isLiquidatable(account).call()[0]
    assert perp.position(account).size == -WAD // 10


def test_settle__take_profit__fills_once_the_price_reaches_it(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    _refresh(perp)
    account = perp.account(alice, usdc=5_000)
    perp.trade(account, alice, -WAD // 10, 60_000)
    target = usd(57_000)
    slot, committed_at = perp.commit(
        account, alice, WAD // 10, kind=OrderKind.TAKE_PROFIT, trigger=target, reduce_only=True
    )
    with perp.evm.reverts("PerpMarketNotTriggered", usd(58_000), target):
        perp.settle_tx(account, slot, committed_at, 58_000, observed_at=committed_at + DELAY + 5)
    receipt = perp.settle_tx(account, slot, committed_at, 56_900, observed_at=committed_at + DELAY + 20)
    settled = settlement_of(perp.evm, perp.market, receipt)
    assert settled.new_size == 0 and settled.pnl > 0


def test_trader_pnl__pool_view__equals_the_positions_valued_one_by_one(perp: PerpDesk, holders: Actors) -> None:
    """The pool's O(1) read (aggregate entry values) against every open position valued on its own."""
    alice, bob = holders.alice.wallet, holders.bob.wallet
    _refresh(perp)
    accounts = [perp.account(alice, usdc=20_000), perp.account(bob, usdc=20_000)]
    perp.trade(accounts[0], alice, WAD // 4, 60_000)
    perp.trade(accounts[1], bob, -WAD // 2, 60_200)
    _refresh(perp, btc=61_000)
    net, profit, interest = perp.market.functions.traderPnl().call()
    longs, shorts = perp.market.functions.totalsOf(BTC_PERP).call()[:2]
    totals_tsla = perp.market.functions.totalsOf(TSLA_PERP).call()
    assert totals_tsla[0] == totals_tsla[1] == 0  # only BTC has positions in this session
    assert interest == (longs + shorts) * usd(61_000) // WAD
    # Every open position of the session, valued alone, sums to the pool's figure within a wei per position.
    index = int(perp.funding.functions.previewState(BTC_PERP, usd(61_000)).call()[3])
    owners = _open_accounts(perp)
    values = []
    for account in owners:
        position = perp.position(account)
        values.append(
            position_pnl(position.size, position.entry_price, usd(61_000))
            - funding_owed(position.size, position.entry_funding_index, index)
        )
    assert abs(net - sum(values)) <= 2 * len(owners) + 2
    assert profit >= max(net, 0)


def _open_accounts(perp: PerpDesk) -> list[int]:
    """Every account holding a BTC-PERP position (from the market's fill events)."""
    events = perp.market.events.OrderSettled().get_logs(from_block=0)
    candidates = {int(event["args"]["accountId"]) for event in events}
    return sorted(account for account in candidates if perp.position(account).size != 0)


# --------------------------------------------------------------------------- settings (PerpMarketModule)


def test_list_market__bad_settings__each_refused_with_its_error(perp: PerpDesk, holders: Actors) -> None:
    admin = perp.desk.admin
    with perp.evm.reverts("PerpMarketAlreadyListed", BTC_PERP):
        perp.evm.send(perp.market.functions.listMarket(BTC_PERP, BTC_MARKET.as_tuple()), admin)
    unfunded = feed_id("ETH-PERP")  # no funding configuration naming the market
    with perp.evm.reverts("PerpMarketConfigInvalid", unfunded):
        perp.evm.send(perp.market.functions.listMarket(unfunded, BTC_MARKET.as_tuple()), admin)
    for bad in (
        replace(BTC_MARKET, taker_fee_bps=101),
        replace(BTC_MARKET, maintenance_scalar=WAD),
        replace(BTC_MARKET, min_initial_margin_ratio=0),
        replace(BTC_MARKET, min_keeper_fee=6 * USDC_UNIT),
        replace(BTC_MARKET, max_keeper_fee=101 * USDC_UNIT),
        replace(BTC_MARKET, settlement_window=0),
        replace(BTC_MARKET, feed_id=ETH_FEED),
        replace(BTC_MARKET, closed_min_initial_margin_ratio=WAD // 100),  # looser than the open 2%
        replace(BTC_MARKET, closed_min_initial_margin_ratio=WAD + 1),
        replace(BTC_MARKET, closed_max_open_interest=501 * WAD),  # above the open cap
    ):
        with perp.evm.reverts("PerpMarketConfigInvalid", BTC_PERP):
            perp.evm.send(perp.market.functions.configureMarket(BTC_PERP, bad.as_tuple()), admin)
    with perp.evm.reverts("PerpMarketUnknownMarket", unfunded):
        perp.evm.send(perp.market.functions.configureMarket(unfunded, BTC_MARKET.as_tuple()), admin)
    assert tuple(perp.market.functions.configOf(BTC_PERP).call()) == BTC_MARKET.as_tuple()


def test_settings__not_risk_admin_or_module_called_directly__refused(perp: PerpDesk, holders: Actors) -> None:
    alice = holders.alice.wallet
    with perp.evm.reverts("AccessManagedUnauthorized", alice):
        perp.evm.send(perp.market.functions.setPool(alice), alice)
    with perp.evm.reverts("AccessManagedUnauthorized", alice):
        perp.evm.send(perp.market.functions.configureMarket(BTC_PERP, BTC_MARKET.as_tuple()), alice)
    module = perp.evm.at("PerpMarketModule", perp.module)
    with perp.evm.reverts("PerpMarketModuleNotDelegated"):
        perp.evm.send(module.functions.setPool(alice), perp.desk.admin)
