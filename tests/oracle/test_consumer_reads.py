"""The consumer reads: the oracle's own packed state, the weekend (24/7) price, the issuer's pause and
the token state the token pushes (ITokenStateObserver) or anyone re-reads (`syncToken`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.contract import Contract

from dualtrack.chain import Chain
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE, ConsumerPrice, Use, consumer_price
from tests.oracle.conftest import BTC, TSLA, TSLA_CONFIG_AGES, Desk, usd
from tests.support import MINUTE

OPEN, CLOSED = MarketStatus.OPEN, MarketStatus.CLOSED
FOREVER = 2**40 - 1
TOKENIZED_AGE = TSLA_CONFIG_AGES[3]


def test_consumer_price__open_market__same_answer_as_latest_price(evm: Chain, desk: Desk) -> None:
    desk.post(evm.timestamp() + 10, OPEN, usd(250), tokenized=usd(249))
    price, view = consumer_price(desk.oracle, TSLA), desk.read()
    assert (price.price_per_token, price.tokenized_price_per_token, price.observed_at) == (
        view.price_per_token,
        view.tokenized_price_per_token,
        view.observed_at,
    )
    assert (price.usable_to_open_risk, price.usable_to_value, price.usable_to_liquidate, price.usable_tokenized) == (
        True,
        True,
        True,
        True,
    )
    assert price.market_status is OPEN and not price.token_paused and not price.in_maintenance


def test_consumer_prices__two_feeds__each_as_read_alone(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    desk.post(t + 1, OPEN, usd(65_000), reporter=desk.btc)
    both = [ConsumerPrice.from_tuple(raw) for raw in desk.oracle.functions.consumerPrices([TSLA, BTC]).call()]
    assert both == [consumer_price(desk.oracle, TSLA), consumer_price(desk.oracle, BTC)]
    assert both[1].price_per_token == usd(65_000)


def test_price_for__tokenized_while_closed__24_7_price_flagged_not_exchange(evm: Chain, desk: Desk) -> None:
    """The weekend read: stock perps trade while the venue is closed, priced from the 24/7 price."""
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    desk.post(t + MINUTE, CLOSED, usd(250), tokenized=usd(243.5))
    view = desk.read()
    assert not view.is_exchange_price and not view.usable_to_open_risk and view.usable_tokenized
    price, observed_at = desk.oracle.functions.priceFor(TSLA, Use.TOKENIZED).call()
    assert (price, observed_at) == (usd(243.5), t + MINUTE)
    with evm.reverts("OraclePriceUnusable", TSLA, Use.OPEN_RISK):
        evm.call(desk.oracle.functions.priceFor(TSLA, Use.OPEN_RISK))
    evm.mine(t + MINUTE + TOKENIZED_AGE + 1)
    assert not desk.read().usable_tokenized
    with evm.reverts("OraclePriceUnusable", TSLA, Use.TOKENIZED):
        evm.call(desk.oracle.functions.priceFor(TSLA, Use.TOKENIZED))


def test_pause__issuer_pauses_token__oracle_told_at_once_no_new_risk(evm: Chain, desk: Desk, agent: str) -> None:
    desk.post(evm.timestamp() + 10, OPEN, usd(250))
    receipt = evm.send(desk.token.functions.pause(), agent)
    (synced,) = evm.events(receipt, desk.oracle, "TokenStateSynced")
    assert synced["paused"] and synced["token"] == desk.token.address
    (notified,) = evm.events(receipt, desk.token, "StateObserverNotified")
    assert notified == {"observer": desk.oracle.address, "ok": True}
    paused = consumer_price(desk.oracle, TSLA)
    assert paused.token_paused and not paused.usable_to_open_risk and not paused.usable_tokenized
    assert paused.usable_to_value  # still a price; the consumer weighs the asset at zero
    evm.send(desk.token.functions.unpause(), agent)
    unpaused = consumer_price(desk.oracle, TSLA)
    assert not unpaused.token_paused and unpaused.usable_to_open_risk


def test_pause__observer_reverts__pause_goes_through_and_sync_token_heals(
    evm: Chain, desk: Desk, agent: str, issuer: str, alice: str
) -> None:
    desk.post(evm.timestamp() + 10, OPEN, usd(250))
    broken = desk.handler.address  # a contract without tokenStateChanged: every call to it reverts
    evm.send(desk.token.functions.setStateObserver(broken), issuer)
    receipt = evm.send(desk.token.functions.pause(), agent)
    assert desk.token.functions.paused().call()
    assert evm.events(receipt, desk.token, "StateObserverNotified") == [{"observer": broken, "ok": False}]
    assert not consumer_price(desk.oracle, TSLA).token_paused  # the oracle was not told
    evm.send(desk.oracle.functions.syncToken(TSLA), alice)  # anyone re-reads the token
    assert consumer_price(desk.oracle, TSLA).token_paused


def test_pause__caller_leaves_too_little_gas_for_the_observer__reverts_observer_gas(
    evm: Chain, desk: Desk, agent: str
) -> None:
    with evm.reverts("EquityTokenStateObserverGas"):
        evm.call(desk.token.functions.pause(), agent, gas=120_000)
    assert not desk.token.functions.paused().call()


def test_token_state_changed__caller_not_a_bound_token__reverts(evm: Chain, desk: Desk, alice: str) -> None:
    with evm.reverts("OracleNotBoundToken", alice):
        evm.send(desk.oracle.functions.tokenStateChanged(), alice)


def test_configure_feed__token_bound_to_another_feed__reverts(evm: Chain, desk: Desk) -> None:
    other = bytes.fromhex("000a" + "ab" * 30)
    config = (desk.token.address, 60, 600, 120, 300, 1_000)
    with evm.reverts("OracleTokenBoundElsewhere", desk.token.address, TSLA):
        evm.send(desk.oracle.functions.configureFeed(other, config), desk.admin)


def test_feed_of_token__bound_and_token_less__as_configured(desk: Desk) -> None:
    assert desk.oracle.functions.feedOfToken(desk.token.address).call() == TSLA
    assert consumer_price(desk.oracle, BTC).token_paused is False


def _match_window(report: int, current: int, following: int, effective_at: int) -> tuple[int, int]:
    """The times at which the report's multiplier equals the token's (Python model of FeedRules.matchWindow)."""
    before = report == current
    if effective_at == 0 or following == current:
        return (0, FOREVER) if before else (FOREVER, 0)
    if before:
        return (0, effective_at)
    return (effective_at, FOREVER) if report == following else (FOREVER, 0)


MULTIPLIERS = st.sampled_from([ONE, 10 * ONE, ONE // 10, 3 * ONE, 10**6, 10**30])


@given(
    report=MULTIPLIERS, current=MULTIPLIERS, following=MULTIPLIERS, effective_at=st.sampled_from([0, 1, 1_800_000_000])
)
def test_match_window__any_schedule__the_times_report_and_token_agree(
    library: Contract, report: int, current: int, following: int, effective_at: int
) -> None:
    expected = _match_window(report, current, following, effective_at)
    assert tuple(library.functions.matchWindow(report, current, following, effective_at).call()) == expected
    start, end = expected
    for t in (0, max(0, effective_at - 1), effective_at, effective_at + 1, 2**39):
        token_multiplier = following if effective_at and t >= effective_at else current
        assert (start <= t < end) is (report == token_multiplier)


@pytest.fixture(scope="session")
def library(evm: Chain, issuer: str) -> Contract:
    return evm.deploy("LibraryHarness", sender=issuer)
