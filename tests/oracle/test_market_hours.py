"""Market-hours policy: closed and halted markets, the reopening gap, in-session jump holds, staleness."""

from __future__ import annotations

import pytest

from dualtrack.chain import Chain
from dualtrack.keepers.reporter import Multipliers
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE, HoldReason, Outcome, Use, outcome_of
from tests.oracle.conftest import BTC, CONFIRM_QUORUM, TSLA, TSLA_CONFIG_AGES, Desk, usd
from tests.support import HOUR, MINUTE

OPEN, CLOSED, HALTED, UNKNOWN = MarketStatus.OPEN, MarketStatus.CLOSED, MarketStatus.HALTED, MarketStatus.UNKNOWN


def test_read__market_closed__last_close_and_tokenized_price_flagged_not_exchange(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    desk.post(t + MINUTE, CLOSED, usd(250), tokenized=usd(247.5))
    view = desk.read()
    assert (view.price_per_token, view.tokenized_price_per_token) == (usd(250), usd(247.5))
    assert view.market_status is CLOSED and not view.is_exchange_price
    assert not view.usable_to_open_risk
    assert view.usable_to_value and view.usable_to_liquidate


def test_submit__monday_reopen_15pct_below_friday_close__accepted_in_one_report(evm: Chain, desk: Desk) -> None:
    friday_close = evm.timestamp() + 10
    desk.post(friday_close, OPEN, usd(200))
    # The weekend: the venue is closed, reporters keep publishing the last close and the 24/7 price.
    for hour in range(1, 64, 7):
        desk.post(friday_close + hour * HOUR, CLOSED, usd(200), tokenized=usd(200 - hour * 0.45))
    monday_open = friday_close + 65 * HOUR + 30 * MINUTE
    receipt = desk.post(monday_open, OPEN, usd(170))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    view = desk.read()
    assert view.price_per_token == usd(170) and view.observed_at == monday_open
    assert view.hold is HoldReason.NONE and view.usable_to_open_risk and view.usable_to_liquidate


def test_submit__first_report_after_halt__gap_accepted(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(100))
    desk.post(t + MINUTE, HALTED, usd(100), tokenized=usd(80))
    view = desk.read()
    assert view.usable_to_value and not view.usable_to_liquidate and not view.usable_to_open_risk
    receipt = desk.post(t + 2 * MINUTE, OPEN, usd(70))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    assert desk.read().price_per_token == usd(70)


def test_submit__open_jump_after_in_band_unknown_mid_session__held(evm: Chain, desk: Desk) -> None:
    """Review finding 6: an unknown-status report is not a closure and must not grant the reopening gap."""
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    assert outcome_of(evm, desk.oracle, desk.post(t + MINUTE, UNKNOWN, usd(251))) is Outcome.ACCEPTED
    receipt = desk.post(t + 2 * MINUTE, OPEN, usd(300))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.HELD
    view = desk.read()
    assert view.hold is HoldReason.JUMP and view.price_per_token == usd(251)
    assert not (view.usable_to_open_risk or view.usable_to_value or view.usable_to_liquidate)


def test_submit__reopen_after_closure_then_unknown__gap_accepted(evm: Chain, desk: Desk) -> None:
    """Review finding 6: an unknown report after a real closure keeps the reopening gap."""
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(200))
    desk.post(t + MINUTE, CLOSED, usd(200))
    desk.post(t + 2 * MINUTE, UNKNOWN, usd(200))
    receipt = desk.post(t + 3 * MINUTE, OPEN, usd(170))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    assert desk.read().price_per_token == usd(170)
    # The gap is spent: the next open report beyond the band is held again.
    assert outcome_of(evm, desk.oracle, desk.post(t + 4 * MINUTE, OPEN, usd(200))) is Outcome.HELD


def test_submit__20pct_jump_mid_session__held_until_confirmation_quorum(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    receipt = desk.post(t + MINUTE, OPEN, usd(300))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.HELD
    (held,) = evm.events(receipt, desk.oracle, "ReportHeld")
    assert (held["reason"], held["pendingPricePerToken"], held["referencePricePerToken"]) == (
        HoldReason.JUMP,
        usd(300),
        usd(250),
    )
    view = desk.read()
    # Neither silently accepted nor clipped: the last price stays, flagged, and nothing is usable.
    assert (view.price_per_token, view.hold, view.pending_price_per_token) == (usd(250), HoldReason.JUMP, usd(300))
    assert not (view.usable_to_open_risk or view.usable_to_value or view.usable_to_liquidate)
    with evm.reverts("OraclePriceUnusable", TSLA, Use.VALUE_COLLATERAL):
        evm.call(desk.oracle.functions.priceFor(TSLA, Use.VALUE_COLLATERAL))
    # More reports at the new level with the ordinary threshold do not release it ...
    assert outcome_of(evm, desk.oracle, desk.post(t + 2 * MINUTE, OPEN, usd(301))) is Outcome.HELD
    assert desk.oracle.functions.lastObservedAt(TSLA).call() == t + 2 * MINUTE
    # ... nor does the market closing on the new level: the close is still 20% away.
    assert outcome_of(evm, desk.oracle, desk.post(t + 3 * MINUTE, CLOSED, usd(301))) is Outcome.HELD
    # The confirmation quorum does.
    receipt = desk.post(t + 4 * MINUTE, OPEN, usd(302), signatures=CONFIRM_QUORUM)
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    (released,) = evm.events(receipt, desk.oracle, "HoldReleased")
    assert released["byQuorum"] and released["observedAt"] == t + 4 * MINUTE
    view = desk.read()
    assert view.price_per_token == usd(302) and view.hold is HoldReason.NONE and view.usable_to_open_risk


def test_submit__jump_then_back_within_band__released_without_quorum(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    desk.post(t + MINUTE, OPEN, usd(400))
    receipt = desk.post(t + 2 * MINUTE, OPEN, usd(251))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    assert evm.events(receipt, desk.oracle, "HoldReleased")[0]["byQuorum"] is False
    assert desk.read().price_per_token == usd(251)


@pytest.mark.parametrize(("price", "outcome"), [(usd(275), Outcome.ACCEPTED), (usd(275) + 1, Outcome.HELD)])
def test_submit__move_at_band_edge__accepted_inside_held_beyond(
    evm: Chain, desk: Desk, price: int, outcome: Outcome
) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    assert outcome_of(evm, desk.oracle, desk.post(t + MINUTE, OPEN, price)) is outcome


def test_submit__jump_with_confirmation_quorum__accepted_at_once(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    receipt = desk.post(t + MINUTE, OPEN, usd(200), signatures=CONFIRM_QUORUM)
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED


def test_submit__tokenized_price_moves_while_closed__never_held(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, CLOSED, usd(250), tokenized=usd(250))
    receipt = desk.post(t + MINUTE, CLOSED, usd(250), tokenized=usd(150))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    assert desk.read().tokenized_price_per_token == usd(150)


def test_read__unknown_status__nothing_usable(evm: Chain, desk: Desk) -> None:
    desk.post(evm.timestamp() + 10, UNKNOWN, usd(250))
    view = desk.read()
    assert not (view.usable_to_open_risk or view.usable_to_value or view.usable_to_liquidate)


@pytest.mark.parametrize(("use", "max_age"), list(zip(Use, TSLA_CONFIG_AGES, strict=True)))
def test_read__past_staleness_bound__unusable_for_that_use(evm: Chain, desk: Desk, use: Use, max_age: int) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(250))
    evm.mine(t + max_age)
    assert desk.read().usable(use)
    price, observed_at = desk.oracle.functions.priceFor(TSLA, use).call()
    assert (price, observed_at) == (usd(250), t)
    evm.mine(t + max_age + 1)
    assert not desk.read().usable(use)
    with evm.reverts("OraclePriceUnusable", TSLA, use):
        evm.call(desk.oracle.functions.priceFor(TSLA, use))


def test_read__no_report_yet__unusable(desk: Desk) -> None:
    view = desk.read(BTC)
    assert view.observed_at == 0 and not view.usable_to_value


def test_read__unknown_feed__reverts(evm: Chain, desk: Desk) -> None:
    with evm.reverts("OracleUnknownFeed"):
        evm.call(desk.oracle.functions.latestPrice(b"\x01" * 32))


def test_read__token_less_feed__multiplier_must_be_one(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    desk.post(t, OPEN, usd(90_000), reporter=desk.btc)
    view = desk.read(BTC)
    assert view.token_multiplier == ONE and view.usable_to_open_risk and view.price_per_token == usd(90_000)
    double = Multipliers(current=2 * ONE)
    # A multiplier change needs an open market and continuity: 2 x 45,000 = 90,000 is continuous.
    desk.post(t + MINUTE, OPEN, usd(45_000), multipliers=double, reporter=desk.btc)
    view = desk.read(BTC)
    assert view.price_per_token == usd(90_000) and not view.usable_to_value
