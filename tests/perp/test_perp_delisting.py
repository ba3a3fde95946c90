"""Delisting a perp market (issue 15): RISK_ADMIN makes it reduce-only, then delists it at the oracle's last
accepted price; every position left settles there (anyone, one a call; a liquidation; the keeper), with PnL and
funding to the wei of ``dualtrack.perp.MarketModel``, and no order fills on it any more.

The market is a BTC perp of its own (DELIST-PERP), so that the model starts with it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dualtrack.oracle import feed_id
from dualtrack.perp import (
    Delisting,
    MarketModel,
    Settlement,
    delisting_of,
    funding_owed,
    position_pnl,
    settle_delisted,
)
from dualtrack.units import WAD
from tests.margin.conftest import BTC_FEED, USDC_UNIT, usd
from tests.perp.conftest import BTC_MARKET, BTC_PERP, FUNDING_IMPACT, PerpDesk
from tests.suite_fixtures import Actors

DELIST_PERP = feed_id("DELIST-PERP")
HOUR = 3_600


@pytest.fixture
def model(perp: PerpDesk) -> MarketModel:
    """DELIST-PERP listed on the BTC feed with BTC-PERP's parameters; its model."""
    return perp.list_modelled(DELIST_PERP, BTC_MARKET, FUNDING_IMPACT[BTC_PERP])


def _fill(perp: PerpDesk, model: MarketModel, account: int, owner: str, size: int, price: float) -> Settlement:
    """A market order on DELIST-PERP settled by the keeper at ``price``, checked against the model."""
    return perp.fill_modelled(model, DELIST_PERP, BTC_FEED, account, owner, size, price)


def _make_reduce_only(perp: PerpDesk) -> None:
    config = replace(BTC_MARKET, reduce_only=True)
    perp.evm.send(perp.market.functions.configureMarket(DELIST_PERP, config.as_tuple()), perp.desk.admin)


def _delist(perp: PerpDesk, model: MarketModel, price: float) -> Delisting:
    """Delist DELIST-PERP (the oracle's price is ``price``); checks the final figures against the model."""
    receipt = perp.evm.send(perp.market.functions.delistMarket(DELIST_PERP), perp.desk.admin)
    (event,) = perp.evm.events(receipt, perp.market, "MarketDelisted")
    at = int(perp.evm.w3.eth.get_block(receipt["blockNumber"])["timestamp"])
    expected = model.delist(usd(price), at)
    assert Delisting(int(event["price"]), int(event["index"])) == expected == delisting_of(perp.market, DELIST_PERP)
    return expected


def _net(perp: PerpDesk, account: int) -> tuple[int, int, int]:
    """The account's perp PnL net of funding (USD, signed) and its initial and maintenance margins."""
    profit, loss, initial, maintenance = perp.market.functions.accountMargin(account).call()
    return int(profit) - int(loss), int(initial), int(maintenance)


def _two_sided(perp: PerpDesk, model: MarketModel, holders: Actors) -> tuple[int, int]:
    """Alice long 2 BTC and bob short 1 BTC on DELIST-PERP at 60,000; an hour of funding; BTC at 61,000."""
    alice, bob = holders.alice.wallet, holders.bob.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    long_account = perp.account(alice, usdc=20_000)
    short_account = perp.account(bob, usdc=20_000)
    _fill(perp, model, long_account, alice, 2 * WAD, 60_000)
    _fill(perp, model, short_account, bob, -WAD, 60_000)
    perp.desk.prices(perp.evm.timestamp() + HOUR, btc=61_000)
    return long_account, short_account


# --------------------------------------------------------------------------- the final settlement


def test_delist__long_and_short_open__each_settles_at_the_final_price_as_the_model_says(
    perp: PerpDesk, model: MarketModel, holders: Actors
) -> None:
    long_account, short_account = _two_sided(perp, model, holders)
    _make_reduce_only(perp)
    final = _delist(perp, model, 61_000)
    assert final.price == usd(61_000) and final.index != 0  # an hour of funding at a 1 BTC skew

    # Valued at the final figures whatever the oracle says now, with no margin: the value no longer moves.
    values = {account: _net(perp, account) for account in (long_account, short_account)}
    perp.desk.prices(perp.evm.timestamp() + HOUR, btc=50_000)
    for account, (net, initial, maintenance) in values.items():
        assert _net(perp, account) == (net, 0, 0) and initial == maintenance == 0
        position = perp.position(account, DELIST_PERP)
        assert net == position_pnl(position.size, position.entry_price, final.price) - funding_owed(
            position.size, position.entry_funding_index, final.index
        )

    cash = {account: perp.cash(account) for account in (long_account, short_account)}
    lp_credit = perp.lp_credit()
    for account in (long_account, short_account):
        settled = settle_delisted(perp.evm, perp.market, account, DELIST_PERP, perp.keeper)  # anyone
        expected = model.settle_delisted(account)
        assert (settled.price, settled.pnl, settled.funding) == (expected.fill_price, expected.pnl, expected.funding)
        assert perp.position(account, DELIST_PERP).size == 0
        assert perp.market.functions.positionMarketsOf(account).call() == []
        assert perp.desk.vault.functions.marketsOf(account).call() == []
        net = expected.pnl - expected.funding
        moved = perp.cash(account) - cash[account]
        assert moved == (net // 10**12 if net > 0 else -(-net // 10**12))  # a profit rounded down, a loss up
    assert perp.market.functions.totalsOf(DELIST_PERP).call() == (0,) * 6
    # Zero-sum: what the traders gained the counterparty paid, to the unit.
    assert sum(perp.cash(a) - cash[a] for a in cash) + perp.lp_credit() - lp_credit == 0


def test_delist__market_not_reduce_only_or_caller_not_risk_admin__refused_nothing_changed(
    perp: PerpDesk, model: MarketModel, holders: Actors
) -> None:
    alice = holders.alice.wallet
    _two_sided(perp, model, holders)
    with perp.evm.reverts("PerpMarketNotReduceOnly", DELIST_PERP):
        perp.evm.send(perp.market.functions.delistMarket(DELIST_PERP), perp.desk.admin)
    _make_reduce_only(perp)
    with perp.evm.reverts("AccessManagedUnauthorized", alice):
        perp.evm.send(perp.market.functions.delistMarket(DELIST_PERP), alice)
    with perp.evm.reverts("PerpMarketUnknownMarket", b"\x02" * 32):
        perp.evm.send(perp.market.functions.delistMarket(b"\x02" * 32), perp.desk.admin)
    assert delisting_of(perp.market, DELIST_PERP) == Delisting(0, 0)
    assert not perp.market.functions.configOf(DELIST_PERP).call()[17]


def test_delist__stale_price__refused(perp: PerpDesk, model: MarketModel, holders: Actors) -> None:
    _two_sided(perp, model, holders)
    _make_reduce_only(perp)
    perp.evm.mine(perp.evm.timestamp() + 7 * 24 * HOUR)  # no report for a week
    with perp.evm.reverts("PerpMarketPriceUnusable", BTC_FEED):
        perp.evm.send(perp.market.functions.delistMarket(DELIST_PERP), perp.desk.admin)


def test_delisted__trading_paths__refused_and_anyone_cancels_its_orders(
    perp: PerpDesk, model: MarketModel, holders: Actors
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    long_account, short_account = _two_sided(perp, model, holders)
    _make_reduce_only(perp)
    slot, committed_at = perp.commit(long_account, alice, -WAD, market_id=DELIST_PERP, reduce_only=True)
    _delist(perp, model, 61_000)

    with perp.evm.reverts("PerpMarketDelisted", DELIST_PERP):
        perp.settle_tx(long_account, slot, committed_at, 61_000, market_id=DELIST_PERP, feed=BTC_FEED, at=None)
    with perp.evm.reverts("PerpMarketDelisted", DELIST_PERP):
        perp.commit(long_account, alice, -WAD, market_id=DELIST_PERP, reduce_only=True)
    with perp.evm.reverts("PerpMarketDelisted", DELIST_PERP):
        perp.evm.send(perp.market.functions.autoDeleverage(long_account, DELIST_PERP, WAD), perp.keeper)
    with perp.evm.reverts("PerpMarketDelisted", DELIST_PERP):
        perp.evm.send(perp.market.functions.delistMarket(DELIST_PERP), perp.desk.admin)
    relisted = replace(BTC_MARKET, reduce_only=False)
    with perp.evm.reverts("PerpMarketDelisted", DELIST_PERP):
        perp.evm.send(perp.market.functions.configureMarket(DELIST_PERP, relisted.as_tuple()), perp.desk.admin)
    with perp.evm.reverts("PerpMarketConfigInvalid", BTC_PERP):  # only delistMarket delists
        delisted = replace(BTC_MARKET, delisted=True)
        perp.evm.send(perp.market.functions.configureMarket(BTC_PERP, delisted.as_tuple()), perp.desk.admin)
    with perp.evm.reverts("PerpMarketNotDelisted", BTC_PERP):
        perp.evm.send(perp.market.functions.settleDelisted(long_account, BTC_PERP), bob)
    with perp.evm.reverts("PerpMarketNoPosition", long_account + 1000, DELIST_PERP):
        perp.evm.send(perp.market.functions.settleDelisted(long_account + 1000, DELIST_PERP), bob)

    perp.evm.send(perp.market.functions.cancelOrder(long_account, DELIST_PERP, slot), bob)  # not the owner
    assert perp.market.functions.orderOf(long_account, DELIST_PERP, slot).call()[2] == 0
    assert perp.position(long_account, DELIST_PERP).size == 2 * WAD  # nothing filled
    assert perp.position(short_account, DELIST_PERP).size == -WAD


def test_liquidate__account_with_a_delisted_position__settled_at_the_final_price_with_the_rest(
    perp: PerpDesk, model: MarketModel, holders: Actors
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    perp.desk.prices(perp.evm.timestamp() + 5)
    account = perp.account(alice, usdc=1_000)
    _fill(perp, model, account, alice, WAD // 2, 60_000)
    perp.trade(account, alice, WAD // 10, 60_000)  # BTC-PERP: still listed
    perp.desk.prices(perp.evm.timestamp() + 5, btc=58_400)
    _make_reduce_only(perp)
    final = _delist(perp, model, 58_400)
    assert perp.desk.vault.functions.isLiquidatable(account).call()[0]
    perp.evm.send(perp.desk.usdc.functions.approve(perp.desk.vault.address, 2**256 - 1), bob)

    receipt = perp.evm.send(perp.desk.vault.functions.liquidate(account, perp.desk.usdc.address, 2**255, 0), bob)

    (settled,) = perp.evm.events(receipt, perp.market, "DelistedPositionSettled")
    expected = model.settle_delisted(account)
    assert (settled["size"], settled["price"]) == (WAD // 2, final.price)
    assert (settled["pnl"], settled["funding"]) == (expected.pnl, expected.funding)
    (closed,) = perp.evm.events(receipt, perp.market, "PositionLiquidated")
    assert closed["marketId"] == BTC_PERP
    assert perp.market.functions.positionMarketsOf(account).call() == []
    assert perp.desk.vault.functions.marketsOf(account).call() == []


def test_lens__delisted_position__valued_at_the_final_price_with_no_margin(
    perp: PerpDesk, model: MarketModel, holders: Actors
) -> None:
    long_account, _ = _two_sided(perp, model, holders)
    lens = perp.evm.deploy("PerpLens", sender=perp.desk.admin)
    _make_reduce_only(perp)
    final = _delist(perp, model, 61_000)
    perp.desk.prices(perp.evm.timestamp() + HOUR, btc=40_000)

    size, entry, price, pnl, owed, initial, maintenance = lens.functions.positionView(
        perp.market.address, long_account, DELIST_PERP
    ).call()

    position = perp.position(long_account, DELIST_PERP)
    assert (size, entry, price) == (2 * WAD, position.entry_price, final.price)
    assert pnl - owed == _net(perp, long_account)[0]
    assert initial == maintenance == 0


# --------------------------------------------------------------------------- the keeper


def test_keeper__delisted_market__settles_every_position_and_cancels_its_orders(
    perp: PerpDesk, model: MarketModel, holders: Actors
) -> None:
    alice = holders.alice.wallet
    long_account, short_account = _two_sided(perp, model, holders)
    _make_reduce_only(perp)
    slot, _ = perp.commit(short_account, holders.bob.wallet, WAD // 2, market_id=DELIST_PERP, reduce_only=True)
    _delist(perp, model, 61_000)
    bot = perp.keeper_bot()
    bystander = perp.account(alice, usdc=100)  # no position: nothing to settle

    actions = bot.step()

    by_kind = {(a.kind, a.account_id) for a in actions}
    assert ("cancelled", short_account) in by_kind
    assert ("delisted", long_account) in by_kind and ("delisted", short_account) in by_kind
    assert all(a.account_id != bystander and a.kind != "refused" for a in actions)
    assert perp.market.functions.orderOf(short_account, DELIST_PERP, slot).call()[2] == 0
    assert perp.market.functions.totalsOf(DELIST_PERP).call() == (0,) * 6
    assert not [a for a in bot.step() if a.kind in ("delisted", "cancelled")]  # nothing left
    assert perp.cash(long_account) > 20_000 * USDC_UNIT - 100 * USDC_UNIT  # in profit at 61,000, less fees
