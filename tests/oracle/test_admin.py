"""Oracle administration: reporters, quorums, timing, feeds, handler and sentinel, each for its role."""

from __future__ import annotations

import pytest
from eth_account import Account

from dualtrack.chain import Chain
from dualtrack.keepers.reporter import Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import FeedConfig, deploy_oracle, feed_id, reporter_accounts
from tests.oracle.conftest import CONFIRM_QUORUM, REPORTERS, THRESHOLD, TSLA, Desk, usd
from tests.support import ZERO


def test_deploy__initial_settings__readable(desk: Desk) -> None:
    oracle = desk.oracle.functions
    assert (oracle.reporterCount().call(), oracle.threshold().call(), oracle.confirmQuorum().call()) == (
        REPORTERS,
        THRESHOLD,
        CONFIRM_QUORUM,
    )
    assert all(oracle.isReporter(s.address).call() for s in desk.tsla.signers)
    assert oracle.corporateActions().call() == desk.handler.address
    assert oracle.sequencerSentinel().call() == ZERO
    assert next(iter(oracle.feedConfig(TSLA).call())) == desk.token.address


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.addReporter(Account.create().address),
        lambda o: o.removeReporter(Account.create().address),
        lambda o: o.setQuorums(3, 4),
        lambda o: o.setReportTiming(300, 10),
        lambda o: o.configureFeed(TSLA, (ZERO, 1, 1, 1, 1, 1)),
        lambda o: o.setCorporateActions(ZERO),
        lambda o: o.setSequencerSentinel(ZERO),
    ],
    ids=["add", "remove", "quorums", "timing", "feed", "handler", "sentinel"],
)
def test_admin__caller_without_the_role__reverts_access_managed_unauthorized(
    evm: Chain, desk: Desk, alice: str, call
) -> None:  # type: ignore[no-untyped-def]
    before = (desk.oracle.functions.reporterCount().call(), desk.oracle.functions.threshold().call())
    with evm.reverts("AccessManagedUnauthorized", alice):
        evm.send(call(desk.oracle.functions), alice)
    assert (desk.oracle.functions.reporterCount().call(), desk.oracle.functions.threshold().call()) == before


def test_add_reporter__new__counts_and_can_sign(evm: Chain, desk: Desk) -> None:
    newcomer = Account.from_key(b"\x11" * 32)
    receipt = evm.send(desk.oracle.functions.addReporter(newcomer.address), desk.admin)
    assert evm.events(receipt, desk.oracle, "ReporterAdded")[0]["reporter"] == newcomer.address
    assert desk.oracle.functions.reporterCount().call() == REPORTERS + 1
    mixed = Reporter([newcomer, *desk.tsla.signers[:2]], evm.w3.eth.chain_id, desk.oracle.address, TSLA)
    desk.post(evm.timestamp() + 5, MarketStatus.OPEN, usd(250), reporter=mixed)
    assert desk.read().price_per_token == usd(250)


@pytest.mark.parametrize("which", ["zero", "existing"])
def test_add_reporter__zero_or_existing__reverts(evm: Chain, desk: Desk, which: str) -> None:
    reporter = ZERO if which == "zero" else desk.tsla.signers[0].address
    with evm.reverts("OracleReporterInvalid", reporter):
        evm.send(desk.oracle.functions.addReporter(reporter), desk.admin)


def test_add_reporter__set_full__reverts(evm: Chain, issuer: str) -> None:
    signers = reporter_accounts(31, "full")
    oracle = deploy_oracle(evm, issuer, [s.address for s in signers], 1, 1)
    with evm.reverts("OracleReporterSetFull", 31):
        evm.send(oracle.functions.addReporter(Account.create().address), issuer)


def test_remove_reporter__bit_reused__new_reporter_counts_once(evm: Chain, desk: Desk) -> None:
    removed = desk.tsla.signers[1]
    receipt = evm.send(desk.oracle.functions.removeReporter(removed.address), desk.admin)
    assert evm.events(receipt, desk.oracle, "ReporterRemoved")[0]["reporter"] == removed.address
    newcomer = Account.from_key(b"\x12" * 32)
    evm.send(desk.oracle.functions.addReporter(newcomer.address), desk.admin)
    signers = [desk.tsla.signers[0], newcomer, desk.tsla.signers[2], desk.tsla.signers[3]]
    reporter = Reporter(signers, evm.w3.eth.chain_id, desk.oracle.address, TSLA)
    desk.post(evm.timestamp() + 5, MarketStatus.OPEN, usd(250), reporter=reporter, signatures=4)
    assert desk.read().observed_at != 0


def test_remove_reporter__below_confirm_quorum__reverts(evm: Chain, desk: Desk) -> None:
    evm.send(desk.oracle.functions.removeReporter(desk.tsla.signers[0].address), desk.admin)
    with evm.reverts("OracleQuorumsInvalid", THRESHOLD, CONFIRM_QUORUM, CONFIRM_QUORUM - 1):
        evm.send(desk.oracle.functions.removeReporter(desk.tsla.signers[1].address), desk.admin)


def test_remove_reporter__unknown__reverts(evm: Chain, desk: Desk) -> None:
    stranger = Account.create().address
    with evm.reverts("OracleReporterUnknown", stranger):
        evm.send(desk.oracle.functions.removeReporter(stranger), desk.admin)


@pytest.mark.parametrize(("threshold", "confirm"), [(0, 1), (3, 2), (3, 6)])
def test_set_quorums__out_of_range__reverts(evm: Chain, desk: Desk, threshold: int, confirm: int) -> None:
    with evm.reverts("OracleQuorumsInvalid", threshold, confirm, REPORTERS):
        evm.send(desk.oracle.functions.setQuorums(threshold, confirm), desk.admin)


def test_set_quorums__valid__event_and_enforced(evm: Chain, desk: Desk) -> None:
    receipt = evm.send(desk.oracle.functions.setQuorums(5, 5), desk.admin)
    assert evm.events(receipt, desk.oracle, "QuorumsSet")[0] == {"threshold": 5, "confirmQuorum": 5}
    with evm.reverts("OracleReportUnderSigned", 4, 5):
        desk.post(evm.timestamp() + 5, MarketStatus.OPEN, usd(250), signatures=4)


@pytest.mark.parametrize(("age", "drift"), [(0, 10), (3_601, 10), (300, 61)])
def test_set_report_timing__out_of_range__reverts(evm: Chain, desk: Desk, age: int, drift: int) -> None:
    with evm.reverts("OracleReportTimingInvalid", age, drift):
        evm.send(desk.oracle.functions.setReportTiming(age, drift), desk.admin)


def test_set_report_timing__valid__event(evm: Chain, desk: Desk) -> None:
    receipt = evm.send(desk.oracle.functions.setReportTiming(3_600, 60), desk.admin)
    assert evm.events(receipt, desk.oracle, "ReportTimingSet")[0] == {"maxReportAge": 3_600, "maxFutureDrift": 60}
    assert desk.oracle.functions.maxReportAge().call() == 3_600


@pytest.mark.parametrize(
    "config",
    [
        (ZERO, 0, 1, 1, 1, 1),
        (ZERO, 1, 0, 1, 1, 1),
        (ZERO, 1, 1, 0, 1, 1),
        (ZERO, 1, 1, 1, 0, 1),
        (ZERO, 1, 1, 1, 1, 0),
        (ZERO, 1, 1, 1, 1, 5_001),
    ],
    ids=["open_age", "value_age", "liquidate_age", "tokenized_age", "zero_band", "wide_band"],
)
def test_configure_feed__out_of_range__reverts(evm: Chain, desk: Desk, config: tuple[object, ...]) -> None:
    feed = feed_id("NVDA")
    with evm.reverts("OracleFeedConfigInvalid", feed):
        evm.send(desk.oracle.functions.configureFeed(feed, config), desk.admin)


def test_configure_feed__valid__event_and_readable(evm: Chain, desk: Desk) -> None:
    feed = feed_id("NVDA")
    config = FeedConfig(ZERO, 30, 900, 90, 500)
    receipt = evm.send(desk.oracle.functions.configureFeed(feed, config.as_tuple()), desk.admin)
    (event,) = evm.events(receipt, desk.oracle, "FeedConfigured")
    assert event["feedId"] == feed and tuple(event["config"].values()) == config.as_tuple()
    assert tuple(desk.oracle.functions.feedConfig(feed).call()) == config.as_tuple()


def test_set_handler_and_sentinel__events(evm: Chain, desk: Desk) -> None:
    other = Account.create().address
    receipt = evm.send(desk.oracle.functions.setCorporateActions(other), desk.admin)
    assert evm.events(receipt, desk.oracle, "CorporateActionsSet")[0] == {
        "previousHandler": desk.handler.address,
        "newHandler": other,
    }
    receipt = evm.send(desk.oracle.functions.setSequencerSentinel(other), desk.admin)
    assert evm.events(receipt, desk.oracle, "SequencerSentinelSet")[0] == {
        "previousSentinel": ZERO,
        "newSentinel": other,
    }
