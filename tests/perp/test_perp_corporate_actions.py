"""Stock perps through corporate actions (issue 15): a cash dividend passes through the market's dividend index
(longs held at the record time receive it, shorts pay it, O(1) per position), so the ex-dividend drop moves
nobody's equity; a 10:1 split changes no position's size, value or margin. Fills checked to the wei against
``dualtrack.perp.MarketModel``."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from dualtrack.corporate import DAY, ActionKind, announce
from dualtrack.dividends import announce_dividend, deploy_dividend_distributor, enable_distributor
from dualtrack.keepers.reporter import Multipliers
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE, feed_id
from dualtrack.perp import (
    NO_DIVIDEND_SOURCE,
    DividendSource,
    MarketModel,
    Settlement,
    dividend_per_token,
    fill_price,
    funding_owed,
    position_pnl,
    schedule_dividend,
    set_dividend_source,
    settlement_of,
)
from dualtrack.suite import ZERO_ADDRESS, Protocol
from dualtrack.units import BPS, WAD
from tests.margin.conftest import TSLA_FEED, TSLA_PRICE, usd
from tests.perp.conftest import TSLA_MARKET, TSLA_PERP, PerpDesk
from tests.suite_fixtures import Actors
from tests.support import MINUTE

DIV_MARKET = feed_id("TSLA-PERP-DIVIDENDS")
AMOUNT_PER_SHARE = 250_000  # $0.25 a share, in the 6-decimal settlement stablecoin
CLAIM_PERIOD = 30 * DAY
USD_PER_UNIT = 10**12


@pytest.fixture(scope="session")
def distributor(perp: PerpDesk, protocol: Protocol, issuer: str) -> Contract:
    """A DividendDistributor for the desk's TSLA (the protocol's factory trusted)."""
    evm = perp.evm
    distributor = deploy_dividend_distributor(
        evm, perp.desk.admin, evm.new_account(), factories=(protocol.factory.address,)
    )
    enable_distributor(evm, perp.desk.tsla, distributor, issuer)
    return distributor


def _dividend_market(perp: PerpDesk, distributor: Contract, pass_through_bps: int = BPS) -> MarketModel:
    """A fresh TSLA perp passing ``pass_through_bps`` of TSLA's dividends through; its model."""
    model = perp.list_modelled(DIV_MARKET, TSLA_MARKET, 1_000 * WAD)
    source = DividendSource(distributor.address, perp.desk.tsla.address, pass_through_bps)
    set_dividend_source(perp.evm, perp.market, DIV_MARKET, source, perp.desk.admin)
    assert tuple(perp.market.functions.dividendSourceOf(DIV_MARKET).call()) == source.as_tuple()
    return model


def _fill(perp: PerpDesk, model: MarketModel, account: int, owner: str, size: int, price: float) -> Settlement:
    """A market order on the dividend market settled by the keeper at ``price``, checked against the model."""
    return perp.fill_modelled(model, DIV_MARKET, TSLA_FEED, account, owner, size, price)


def _net(perp: PerpDesk, account: int) -> int:
    """The account's perp PnL net of funding and dividends, as the vault reads it (USD, signed)."""
    profit, loss, _, _ = perp.market.functions.accountMargin(account).call()
    return int(profit) - int(loss)


def _funding_index(perp: PerpDesk, price: float) -> int:
    return int(perp.funding.functions.previewState(DIV_MARKET, usd(price)).call()[3])


def _announce(
    perp: PerpDesk, distributor: Contract, issuer: str, record_time: int, payment: Contract | None = None
) -> int:
    desk = perp.desk
    return announce_dividend(
        perp.evm,
        distributor,
        desk.tsla,
        payment or desk.usdc,
        record_time=record_time,
        amount_per_share=AMOUNT_PER_SHARE,
        claim_period=CLAIM_PERIOD,
        sender=issuer,
    )


# --------------------------------------------------------------------------- cash dividends


def test_dividend__long_and_short_held_at_record_time__long_receives_short_pays_equity_continuous(
    perp: PerpDesk, distributor: Contract, holders: Actors, issuer: str
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    desk, evm = perp.desk, perp.evm
    desk.prices(evm.timestamp() + 5)
    model = _dividend_market(perp, distributor)
    long_account = perp.account(alice, usdc=20_000)
    short_account = perp.account(bob, usdc=20_000)
    _fill(perp, model, long_account, alice, 100 * WAD, TSLA_PRICE)
    _fill(perp, model, short_account, bob, -60 * WAD, TSLA_PRICE)

    record_time = evm.timestamp() + 300
    distribution_id = _announce(perp, distributor, issuer, record_time)
    per_token = schedule_dividend(evm, perp.market, DIV_MARKET, distribution_id, perp.keeper)
    assert per_token == dividend_per_token(AMOUNT_PER_SHARE, USD_PER_UNIT, BPS) == WAD // 4
    model.dividends.append((record_time, per_token))
    state, index = perp.market.functions.dividendsOf(DIV_MARKET).call()
    assert tuple(state) == (0, per_token, record_time, distribution_id) and index == 0

    # Cum-dividend, just before the record time, at $250; ex-dividend just after it, at $249.75.
    desk.prices(record_time - 60)
    net_before = {a: _net(perp, a) for a in (long_account, short_account)}
    index_before = _funding_index(perp, TSLA_PRICE)
    ex_price = TSLA_PRICE - 0.25
    desk.prices(record_time, tsla=ex_price)
    assert perp.market.functions.dividendsOf(DIV_MARKET).call()[1] == per_token
    index_after = _funding_index(perp, ex_price)
    for account, size in ((long_account, 100 * WAD), (short_account, -60 * WAD)):
        entry = perp.position(account, DIV_MARKET).entry_funding_index
        funding_moved = funding_owed(size, entry, index_after) - funding_owed(size, entry, index_before)
        # The price drop (size x $0.25) and the dividend cancel: only the funding of those seconds moved equity.
        assert abs(_net(perp, account) - net_before[account] + funding_moved) <= 1
        assert not desk.vault.functions.isLiquidatable(account).call()[0]

    # A position opened after the record time is owed nothing of it.
    late_account = perp.account(alice, usdc=5_000)
    _fill(perp, model, late_account, alice, 10 * WAD, ex_price)
    late = _fill(perp, model, late_account, alice, -10 * WAD, ex_price)
    assert abs(late.funding) < usd(0.01)

    closed_long = _fill(perp, model, long_account, alice, -100 * WAD, ex_price)
    closed_short = _fill(perp, model, short_account, bob, 60 * WAD, ex_price)
    # Realised carry: the long received $25 of dividend, the short paid $15 (each +- the funding of the hour).
    assert abs(closed_long.funding + 25 * WAD) < usd(1)
    assert abs(closed_short.funding - 15 * WAD) < usd(1)
    assert closed_long.pnl < 0 < closed_short.pnl  # the ex-dividend drop, which the dividend made good


def test_dividend__net_pass_through__scaled_and_rounded_down(
    perp: PerpDesk, distributor: Contract, holders: Actors, issuer: str
) -> None:
    perp.desk.prices(perp.evm.timestamp() + 5)
    _dividend_market(perp, distributor, pass_through_bps=7_000)  # net of a 30% withholding
    distribution_id = _announce(perp, distributor, issuer, perp.evm.timestamp() + 300)
    per_token = schedule_dividend(perp.evm, perp.market, DIV_MARKET, distribution_id, holders.carol.wallet)
    assert per_token == AMOUNT_PER_SHARE * USD_PER_UNIT * 7_000 // BPS == 175 * WAD // 1_000


def test_schedule_dividend__bad_distributions__each_refused_with_its_error(
    perp: PerpDesk, distributor: Contract, holders: Actors, issuer: str
) -> None:
    evm, desk, anyone = perp.evm, perp.desk, holders.carol.wallet
    desk.prices(evm.timestamp() + 5)
    _dividend_market(perp, distributor)
    schedule = perp.market.functions.scheduleDividend
    with evm.reverts("PerpMarketNoDividendSource", TSLA_PERP):
        evm.send(schedule(TSLA_PERP, 1), anyone)
    unknown = feed_id("NOPE-PERP")
    with evm.reverts("PerpMarketUnknownMarket", unknown):
        evm.send(schedule(unknown, 1), anyone)

    in_btc = _announce(perp, distributor, issuer, evm.timestamp() + 200, payment=desk.wbtc)
    with evm.reverts("PerpMarketDividendWrongCurrency", in_btc, desk.wbtc.address, desk.usdc.address):
        evm.send(schedule(DIV_MARKET, in_btc), anyone)

    first_record = evm.timestamp() + 300
    first = _announce(perp, distributor, issuer, first_record)
    second_record = first_record + 300
    second = _announce(perp, distributor, issuer, second_record)
    schedule_dividend(evm, perp.market, DIV_MARKET, first, anyone)
    with evm.reverts("PerpMarketDividendAlreadyScheduled", first, first):
        evm.send(schedule(DIV_MARKET, first), anyone)
    with evm.reverts("PerpMarketDividendAlreadyScheduled", in_btc, first):
        evm.send(schedule(DIV_MARKET, in_btc), anyone)
    with evm.reverts("PerpMarketDividendPending", DIV_MARKET, first_record):
        evm.send(schedule(DIV_MARKET, second), anyone)

    evm.mine(second_record)
    with evm.reverts("PerpMarketDividendRecordTimePassed"):
        evm.send(schedule(DIV_MARKET, second), anyone)
    state, index = perp.market.functions.dividendsOf(DIV_MARKET).call()
    assert tuple(state) == (0, WAD // 4, first_record, first) and index == WAD // 4  # nothing else changed


def test_set_dividend_source__bad_sources__each_refused_and_all_zero_clears(
    perp: PerpDesk, distributor: Contract, holders: Actors
) -> None:
    evm, desk, admin = perp.evm, perp.desk, perp.desk.admin
    tsla, alice = desk.tsla.address, holders.alice.wallet
    set_source = perp.market.functions.setDividendSource
    for market_id, source in (
        (TSLA_PERP, DividendSource(distributor.address, desk.wbtc.address, BPS)),  # not the feed's token
        (TSLA_PERP, DividendSource(distributor.address, tsla, 0)),
        (TSLA_PERP, DividendSource(distributor.address, tsla, BPS + 1)),
        (TSLA_PERP, DividendSource(alice, tsla, BPS)),  # no contract
        (TSLA_PERP, DividendSource(ZERO_ADDRESS, tsla, 0)),  # half cleared
        (feed_id("BTC-PERP"), DividendSource(distributor.address, tsla, BPS)),  # BTC's feed has no token
    ):
        with evm.reverts("PerpMarketConfigInvalid", market_id):
            evm.send(set_source(market_id, source.as_tuple()), admin)
    unknown = feed_id("NOPE-PERP")
    with evm.reverts("PerpMarketUnknownMarket", unknown):
        evm.send(set_source(unknown, NO_DIVIDEND_SOURCE.as_tuple()), admin)
    with evm.reverts("AccessManagedUnauthorized", alice):
        evm.send(set_source(TSLA_PERP, DividendSource(distributor.address, tsla, BPS).as_tuple()), alice)

    receipt = set_dividend_source(evm, perp.market, TSLA_PERP, DividendSource(distributor.address, tsla, BPS), admin)
    assert evm.events(receipt, perp.market, "DividendSourceSet")[0]["marketId"] == TSLA_PERP
    set_dividend_source(evm, perp.market, TSLA_PERP, NO_DIVIDEND_SOURCE, admin)
    assert tuple(perp.market.functions.dividendSourceOf(TSLA_PERP).call()) == NO_DIVIDEND_SOURCE.as_tuple()


def test_keeper__dividends_announced__schedulable_one_scheduled_once_others_skipped(
    perp: PerpDesk, distributor: Contract, issuer: str
) -> None:
    evm, desk = perp.evm, perp.desk
    desk.prices(evm.timestamp() + 5)
    _dividend_market(perp, distributor)
    _announce(perp, distributor, issuer, evm.timestamp() + 200, payment=desk.wbtc)  # never schedulable here
    record_time = evm.timestamp() + 300
    payable = _announce(perp, distributor, issuer, record_time)
    later = _announce(perp, distributor, issuer, record_time + 600)
    bot = perp.keeper_bot()

    scheduled = [a for a in bot.step() if a.kind == "dividend"]

    assert [(a.market_id, a.detail.split(":")[0]) for a in scheduled] == [(DIV_MARKET, f"distribution {payable}")]
    assert [a for a in bot.step() if a.kind == "dividend"] == []  # the next one waits for this record time
    evm.mine(record_time)
    assert [a.detail.split(":")[0] for a in bot.step() if a.kind == "dividend"] == [f"distribution {later}"]
    state, index = perp.market.functions.dividendsOf(DIV_MARKET).call()
    assert (state[3], index) == (later, WAD // 4)


# --------------------------------------------------------------------------- splits


def test_split__open_long_and_short__sizes_values_and_margins_unchanged_nobody_liquidatable(
    perp: PerpDesk, holders: Actors, issuer: str
) -> None:
    alice, bob = holders.alice.wallet, holders.bob.wallet
    desk, evm = perp.desk, perp.evm
    desk.prices(evm.timestamp() + 5)
    long_account = perp.account(alice, usdc=6_000)  # 200 TSLA ($50,000) at 10x: $5,000 of initial margin
    short_account = perp.account(bob, tsla=40)  # a TSLA-margined TSLA short
    perp.trade(long_account, alice, 200 * WAD, TSLA_PRICE, market_id=TSLA_PERP)
    perp.trade(short_account, bob, -10 * WAD, TSLA_PRICE, market_id=TSLA_PERP)
    positions = {a: perp.position(a, TSLA_PERP) for a in (long_account, short_account)}
    margins = {a: perp.market.functions.accountMargin(a).call()[2:] for a in positions}

    t = evm.timestamp() + 10
    t0 = t + 2 * DAY
    announce(evm, desk.handler, desk.tsla, ActionKind.SPLIT, 10, 1, t0, sender=issuer)
    before, after = Multipliers(ONE, 10 * ONE, t0), Multipliers(10 * ONE)
    desk.prices(t, multipliers=before)
    desk.prices(t0 - 30 * MINUTE, status=MarketStatus.CLOSED, multipliers=before)
    evm.mine(t0 + 10 * MINUTE)  # the token's multiplier switched, the feed's not yet
    assert not any(desk.vault.functions.isLiquidatable(a).call()[0] for a in positions)
    share_price = TSLA_PRICE / 10  # the venue reopens at the post-split share price: the same per token
    desk.prices(t0 + DAY, tsla=share_price, multipliers=after)
    evm.send(desk.oracle.functions.confirmCorporateAction(TSLA_FEED), desk.submitter)
    desk.prices(t0 + DAY + 60, tsla=share_price, multipliers=after)

    assert desk.oracle.functions.consumerPrice(TSLA_FEED).call()[0] == usd(TSLA_PRICE)  # per token
    for account, position in positions.items():
        assert perp.position(account, TSLA_PERP) == position  # raw units: no size moved
        assert perp.market.functions.accountMargin(account).call()[2:] == margins[account]
        assert not desk.vault.functions.isLiquidatable(account).call()[0]

    slot, committed_at = perp.commit(long_account, alice, -200 * WAD, market_id=TSLA_PERP)
    receipt = perp.settle_tx(long_account, slot, committed_at, share_price, market_id=TSLA_PERP, multipliers=after)
    closed = settlement_of(evm, perp.market, receipt)
    skew = 200 * WAD - 10 * WAD
    assert closed.fill_price == fill_price(usd(TSLA_PRICE), skew, -200 * WAD, TSLA_MARKET.skew_scale)
    assert closed.pnl == position_pnl(200 * WAD, positions[long_account].entry_price, closed.fill_price)
