"""The split playbook through the oracle: T-2 .. T+2 with the token's multiplier and maintenance window.

Data Streams v10's split playbook: T-2 the report announces the new multiplier and its activation; T0
the multiplier switches (the venue is closed and its last close is still pre-split); T+1 the venue
reopens at the post-split price; T+2 normal service once status is open and price x multiplier is
continuous. Whatever the reporters publish in between, no consumer may see a 10x move.
"""

from __future__ import annotations

import itertools

import pytest

from dualtrack.chain import Chain
from dualtrack.corporate import DAY, ActionKind, ActionStatus, announce
from dualtrack.keepers.reporter import Multipliers, token_multipliers
from dualtrack.market import MarketStatus
from dualtrack.oracle import ONE, HoldReason, Outcome, PriceView, outcome_of
from tests.oracle.conftest import BTC, CONFIRM_QUORUM, JUMP_BAND_BPS, TSLA, Desk, usd
from tests.support import MINUTE

OPEN, CLOSED = MarketStatus.OPEN, MarketStatus.CLOSED


def _announce(desk: Desk, numerator: int, denominator: int, activation: int) -> int:
    kind = ActionKind.SPLIT if numerator > denominator else ActionKind.REVERSE_SPLIT
    return announce(
        desk.evm, desk.handler, desk.token, kind, numerator, denominator, activation, sender=desk.token_owner
    )


@pytest.mark.parametrize(("numerator", "denominator"), [(10, 1), (1, 10)], ids=["split_10_1", "reverse_1_10"])
def test_split_playbook__t_minus_2_to_t_plus_2__price_per_token_continuous(
    evm: Chain, desk: Desk, numerator: int, denominator: int
) -> None:
    old = desk.token.functions.uiMultiplier().call()
    new = old * numerator // denominator
    _before, after = Multipliers(old), Multipliers(new)
    t_minus_2 = evm.timestamp() + 10
    t0 = t_minus_2 + 2 * DAY
    announced = Multipliers(old, new, t0)
    action_id = _announce(desk, numerator, denominator, t0)
    reads: list[PriceView] = []

    def share(price: float) -> int:
        """A pre-split share price in post-split units once the multiplier changed."""
        return usd(price) * denominator // numerator

    # T-2: announcement in the report; everything usable.
    desk.post(t_minus_2, OPEN, usd(250), multipliers=announced)
    reads.append(desk.read())
    assert tuple(desk.oracle.functions.announcedMultiplier(TSLA).call()) == (new, t0)
    assert reads[-1].usable_to_open_risk and not reads[-1].in_maintenance
    # T-1: prepare.
    desk.post(t0 - DAY, OPEN, usd(252), multipliers=announced)
    reads.append(desk.read())
    # The window opens an hour before activation: no new risk, the price stays consistent.
    desk.post(t0 - 30 * MINUTE, CLOSED, usd(252), multipliers=announced)
    reads.append(desk.read())
    assert reads[-1].in_maintenance and not reads[-1].usable_to_open_risk and reads[-1].usable_to_value

    # T0: the token's multiplier switches by the clock; the feed's does not yet: nothing is usable.
    evm.mine(t0 + 10 * MINUTE)
    assert desk.token.functions.uiMultiplier().call() == new
    reads.append(desk.read())
    assert reads[-1].token_multiplier == new and reads[-1].multiplier == old
    assert not (reads[-1].usable_to_value or reads[-1].usable_to_liquidate or reads[-1].usable_to_open_risk)
    # Reporters switch the multiplier while the venue is closed: the last close is pre-split (a 10x
    # value), and even an adjusted close is not an exchange price: both are held.
    for offset, price in ((20, usd(252)), (30, share(252))):
        receipt = desk.post(t0 + offset * MINUTE, CLOSED, price, multipliers=after)
        assert outcome_of(evm, desk.oracle, receipt) is Outcome.HELD
        reads.append(desk.read())
        assert reads[-1].hold is HoldReason.MULTIPLIER_CHANGE
    with evm.reverts("OracleNoPostActionPrice"):
        desk.evm.send(desk.oracle.functions.confirmCorporateAction(TSLA), desk.submitter)

    # T+1: the venue reopens at the post-split price: continuous in value, accepted.
    t_plus_1 = t0 + DAY
    receipt = desk.post(t_plus_1, OPEN, share(253), multipliers=after)
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    reads.append(desk.read())
    assert reads[-1].price_per_token == share(253) * new // ONE
    assert reads[-1].usable_to_value and reads[-1].usable_to_liquidate
    assert reads[-1].in_maintenance and not reads[-1].usable_to_open_risk
    # The oracle confirms the post-action price: the window closes.
    receipt = desk.evm.send(desk.oracle.functions.confirmCorporateAction(TSLA), desk.submitter)
    (confirmed,) = evm.events(receipt, desk.oracle, "CorporateActionPriceConfirmed")
    assert confirmed["actionId"] == action_id and confirmed["pricePerToken"] == reads[-1].price_per_token
    assert desk.handler.functions.actionStatus(action_id).call() == ActionStatus.PRICE_CONFIRMED
    reads.append(desk.read())
    assert reads[-1].usable_to_open_risk and not reads[-1].in_maintenance

    # T+2: normal service.
    desk.post(t_plus_1 + DAY, OPEN, share(254), multipliers=after)
    reads.append(desk.read())
    assert reads[-1].usable_to_open_risk

    prices = [r.price_per_token for r in reads]
    assert all(abs(b - a) * 10_000 <= a * JUMP_BAND_BPS for a, b in itertools.pairwise(prices)), prices
    assert max(prices) < min(prices) * 11 // 10


def test_split_reopen__gap_beyond_band__held_until_quorum(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    t0 = t + 2 * DAY
    _announce(desk, 10, 1, t0)
    desk.post(t, OPEN, usd(250), multipliers=Multipliers(ONE, 10 * ONE, t0))
    reopen = t0 + DAY
    after = Multipliers(10 * ONE)
    assert outcome_of(evm, desk.oracle, desk.post(reopen, OPEN, usd(20), multipliers=after)) is Outcome.HELD
    receipt = desk.post(reopen + MINUTE, OPEN, usd(20), multipliers=after, signatures=CONFIRM_QUORUM)
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    assert desk.read().price_per_token == usd(200)
    desk.evm.send(desk.oracle.functions.confirmCorporateAction(TSLA), desk.submitter)
    assert not desk.read().in_maintenance


def test_confirm_corporate_action__before_activation__reverts(evm: Chain, desk: Desk) -> None:
    t0 = evm.timestamp() + 2 * DAY
    action_id = _announce(desk, 10, 1, t0)
    with evm.reverts("OracleCorporateActionNotActive", action_id, t0):
        evm.send(desk.oracle.functions.confirmCorporateAction(TSLA), desk.submitter)


@pytest.mark.parametrize("feed", [TSLA, BTC], ids=["no_action", "token_less"])
def test_confirm_corporate_action__nothing_to_confirm__reverts(evm: Chain, desk: Desk, feed: bytes) -> None:
    with evm.reverts("OracleNoCorporateAction", feed):
        evm.send(desk.oracle.functions.confirmCorporateAction(feed), desk.submitter)


def test_read__maintenance_window__blocks_new_risk_only(evm: Chain, desk: Desk) -> None:
    t = evm.timestamp() + 10
    t0 = t + 2 * DAY
    _announce(desk, 10, 1, t0)
    desk.post(t0 - 10 * MINUTE, OPEN, usd(250), multipliers=Multipliers(ONE, 10 * ONE, t0))
    view = desk.read()
    assert view.in_maintenance and not view.usable_to_open_risk
    assert view.usable_to_value and view.usable_to_liquidate


def test_token_multipliers__around_activation__report_fields_follow_the_token(evm: Chain, desk: Desk) -> None:
    old = desk.token.functions.uiMultiplier().call()
    assert token_multipliers(desk.token, evm.timestamp()) == Multipliers(old)
    t0 = evm.timestamp() + 2 * DAY
    _announce(desk, 10, 1, t0)
    assert token_multipliers(desk.token, evm.timestamp()) == Multipliers(old, 10 * old, t0)
    evm.mine(t0)
    assert token_multipliers(desk.token, t0) == Multipliers(10 * old)
