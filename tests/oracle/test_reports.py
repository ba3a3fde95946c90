"""Report verification: every rejection (with nothing recorded), the layout, signatures and the digest."""

from __future__ import annotations

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st

from dualtrack.chain import Chain, Reverted
from dualtrack.keepers.reporter import Multipliers, Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import (
    CURVE_ORDER,
    HALF_CURVE_ORDER,
    ONE,
    Outcome,
    compact_signature,
    outcome_of,
    report_digest,
    reporter_accounts,
    sign_report,
    signed_report,
)
from tests.oracle.conftest import MAX_FUTURE_DRIFT, MAX_REPORT_AGE, TSLA, Desk, usd

OPEN = MarketStatus.OPEN
ANNOUNCED = Multipliers(current=ONE, announced=10 * ONE, activation_time=2_000_000_000)


def _state(desk: Desk) -> tuple[object, ...]:
    """Everything a rejected submission must leave as it was."""
    view = desk.read()
    return (view, desk.oracle.functions.lastObservedAt(TSLA).call())


# ---- accepted reports and the encoding ----


def test_submit__three_valid_signatures__accepted_and_readable(evm: Chain, desk: Desk) -> None:
    at = evm.timestamp() + 100
    receipt = desk.post(at, OPEN, usd(250), tokenized=usd(251))
    assert outcome_of(evm, desk.oracle, receipt) is Outcome.ACCEPTED
    (event,) = evm.events(receipt, desk.oracle, "ReportAccepted")
    assert (event["observedAt"], event["price"], event["tokenizedPrice"], event["currentMultiplier"]) == (
        at,
        usd(250),
        usd(251),
        ONE,
    )
    view = desk.read()
    assert (view.price_per_token, view.tokenized_price_per_token, view.observed_at) == (usd(250), usd(251), at)
    assert view.is_exchange_price and view.usable_to_open_risk and view.usable_to_value and view.usable_to_liquidate
    assert desk.oracle.functions.lastObservedAt(TSLA).call() == at


def test_report_digest__python_and_contract__agree(evm: Chain, desk: Desk) -> None:
    report = desk.tsla.report(evm.timestamp(), OPEN, usd(250), multipliers=ANNOUNCED)
    on_chain = desk.oracle.functions.reportDigest(report.as_tuple()).call()
    assert on_chain == report_digest(report, evm.w3.eth.chain_id, desk.oracle.address)
    payload = desk.tsla.sign(report, 3)
    assert tuple(desk.oracle.functions.decodeReport(payload).call()) == report.as_tuple()
    assert payload[:97] == report.encode() and len(payload) == 97 + 3 * 64


def test_submit__anyone_may_submit__accepted(evm: Chain, desk: Desk) -> None:
    stranger = evm.new_account()
    at = evm.timestamp() + 5
    payload = desk.tsla.sign(desk.tsla.report(at, OPEN, usd(100)))
    evm.mine(at)
    evm.send(desk.oracle.functions.submit(payload), stranger)
    assert desk.read().observed_at == at


# ---- malformed input ----


@pytest.mark.parametrize("length", [0, 96, 97, 97 + 63, 97 + 65, 97 + 32 * 64])
def test_submit__bad_length__reverts_malformed(evm: Chain, desk: Desk, length: int) -> None:
    report = desk.tsla.report(evm.timestamp(), OPEN, usd(250))
    payload = (report.encode() + b"\x01" * (32 * 64))[:length]
    before = _state(desk)
    with evm.reverts("OracleReportMalformed", length):
        evm.send(desk.oracle.functions.submit(payload), desk.submitter)
    assert _state(desk) == before


def test_submit__unknown_feed__reverts(evm: Chain, desk: Desk) -> None:
    report = desk.tsla.report(evm.timestamp(), OPEN, usd(250)).with_(feed_id=b"\x00\x0a" + b"\x07" * 30)
    with evm.reverts("OracleUnknownFeed", report.feed_id):
        desk.post_report(report)


def test_submit__unknown_market_status__reverts(evm: Chain, desk: Desk) -> None:
    payload = bytearray(desk.tsla.sign(desk.tsla.report(evm.timestamp() + 1, OPEN, usd(250))))
    payload[40] = 4
    with evm.reverts("OracleReportInvalidStatus", 4):
        desk.submit_at(bytes(payload), evm.timestamp() + 2)


@pytest.mark.parametrize(
    ("price", "multiplier"), [(0, ONE), (usd(1), 10**6 - 1), (usd(1), 10**30 + 1)], ids=["zero", "tiny", "huge"]
)
def test_submit__out_of_range_value__reverts(evm: Chain, desk: Desk, price: int, multiplier: int) -> None:
    report = desk.tsla.report(evm.timestamp() + 1, OPEN, price).with_(current_multiplier=multiplier)
    with evm.reverts("OracleReportInvalidValue", TSLA, price, multiplier):
        desk.post_report(report)


# ---- timing ----


def test_submit__observed_beyond_future_drift__reverts_from_future(evm: Chain, desk: Desk) -> None:
    now = evm.timestamp() + 10
    snapshot = evm.snapshot()
    with evm.reverts("OracleReportFromFuture", now + MAX_FUTURE_DRIFT + 1, now):
        desk.post_report(desk.tsla.report(now + MAX_FUTURE_DRIFT + 1, OPEN, usd(250)), at=now)
    evm.revert_to(snapshot)
    desk.post_report(desk.tsla.report(now + MAX_FUTURE_DRIFT, OPEN, usd(250)), at=now)
    assert desk.read().observed_at == now + MAX_FUTURE_DRIFT


def test_submit__older_than_max_report_age__reverts_stale(evm: Chain, desk: Desk) -> None:
    observed = evm.timestamp() + 10
    now = observed + MAX_REPORT_AGE + 1
    snapshot = evm.snapshot()
    with evm.reverts("OracleReportStale", observed, now, MAX_REPORT_AGE):
        desk.post_report(desk.tsla.report(observed, OPEN, usd(250)), at=now)
    evm.revert_to(snapshot)
    desk.post_report(desk.tsla.report(observed, OPEN, usd(250)), at=now - 1)
    assert desk.read().observed_at == observed


def test_submit__after_expiry__reverts_expired(evm: Chain, desk: Desk) -> None:
    observed = evm.timestamp() + 10
    report = desk.tsla.report(observed, OPEN, usd(250)).with_(expires_at=observed + 5)
    snapshot = evm.snapshot()
    with evm.reverts("OracleReportExpired", observed + 5, observed + 6):
        desk.post_report(report, at=observed + 6)
    evm.revert_to(snapshot)
    desk.post_report(report, at=observed + 5)
    assert desk.read().observed_at == observed


def test_submit__same_report_twice__reverts_replayed(evm: Chain, desk: Desk) -> None:
    at = evm.timestamp() + 10
    payload = desk.tsla.sign(desk.tsla.report(at, OPEN, usd(250)))
    desk.submit_at(payload, at + 1)
    before = _state(desk)
    with evm.reverts("OracleReportReplayed", TSLA, at):
        desk.submit_at(payload, at + 2)
    conflicting = desk.tsla.sign(desk.tsla.report(at, OPEN, usd(251)))
    with evm.reverts("OracleReportReplayed", TSLA, at):
        desk.submit_at(conflicting, at + 3)
    assert _state(desk) == before


def test_submit__older_than_last__reverts_out_of_order(evm: Chain, desk: Desk) -> None:
    at = evm.timestamp() + 10
    older = desk.tsla.sign(desk.tsla.report(at, OPEN, usd(249)))
    desk.post(at + 1, OPEN, usd(250))
    before = _state(desk)
    with evm.reverts("OracleReportOutOfOrder", TSLA, at, at + 1):
        desk.submit_at(older, at + 3)
    assert _state(desk) == before


# ---- signatures ----


@pytest.mark.parametrize("count", [1, 2])
def test_submit__fewer_signatures_than_threshold__reverts_under_signed(evm: Chain, desk: Desk, count: int) -> None:
    with evm.reverts("OracleReportUnderSigned", count, 3):
        desk.post(evm.timestamp() + 5, OPEN, usd(250), signatures=count)


def test_submit__outsider_signature__reverts_wrong_signer(evm: Chain, desk: Desk) -> None:
    outsider = Account.from_key(b"\x42" * 32)
    report = desk.tsla.report(evm.timestamp() + 5, OPEN, usd(250))
    signatures = desk.tsla.sign(report, 2)[97:]
    (foreign,) = sign_report(report, [outsider], evm.w3.eth.chain_id, desk.oracle.address)
    with evm.reverts("OracleReportWrongSigner", 2, outsider.address):
        desk.submit_at(report.encode() + signatures + foreign, report.observed_at + 1)


def test_submit__tampered_report__reverts_wrong_signer(evm: Chain, desk: Desk) -> None:
    report = desk.tsla.report(evm.timestamp() + 5, OPEN, usd(250))
    payload = desk.tsla.sign(report)
    forged = report.with_(price=usd(2_500)).encode() + payload[97:]
    with evm.reverts("OracleReportWrongSigner") as error:
        desk.submit_at(forged, report.observed_at + 1)
    assert error.args_[0] == 0


def test_submit__signed_for_another_oracle__reverts_wrong_signer(evm: Chain, desk: Desk) -> None:
    report = desk.tsla.report(evm.timestamp() + 5, OPEN, usd(250))
    elsewhere = Reporter(desk.tsla.signers, evm.w3.eth.chain_id + 1, desk.oracle.address, TSLA)
    with evm.reverts("OracleReportWrongSigner"):
        desk.submit_at(elsewhere.sign(report), report.observed_at + 1)


def test_submit__same_signer_twice__reverts_duplicate(evm: Chain, desk: Desk) -> None:
    report = desk.tsla.report(evm.timestamp() + 5, OPEN, usd(250))
    first, second, _ = sign_report(report, desk.tsla.signers[:3], evm.w3.eth.chain_id, desk.oracle.address)
    with evm.reverts("OracleReportDuplicateSigner", 2, desk.tsla.signers[0].address):
        desk.submit_at(signed_report(report, [first, second, first]), report.observed_at + 1)


def test_submit__high_s_signature__reverts_non_canonical(evm: Chain, desk: Desk) -> None:
    # A signature's malleated twin (r, n - s) has a high s. EIP-2098 cannot even carry most of them (s
    # would need the parity bit); those it can carry, like any s above n / 2, are rejected.
    report = desk.tsla.report(evm.timestamp() + 5, OPEN, usd(250))
    digest = report_digest(report, evm.w3.eth.chain_id, desk.oracle.address)
    signed = desk.tsla.signers[2].unsafe_sign_hash(digest)
    assert signed.s <= HALF_CURVE_ORDER
    high_s = (CURVE_ORDER - signed.s) & ((1 << 255) - 1)
    high = signed.r.to_bytes(32, "big") + max(high_s, HALF_CURVE_ORDER + 1).to_bytes(32, "big")
    good = desk.tsla.sign(report, 2)[97:]
    with evm.reverts("OracleReportNonCanonicalSignature", 2):
        desk.submit_at(report.encode() + good + high, report.observed_at + 1)
    with pytest.raises(ValueError, match="low s"):
        compact_signature(signed.r, CURVE_ORDER - signed.s, signed.v)


def test_submit__signer_removed__reverts_wrong_signer(evm: Chain, desk: Desk) -> None:
    removed = desk.tsla.signers[0]
    evm.send(desk.oracle.functions.removeReporter(removed.address), desk.admin)
    with evm.reverts("OracleReportWrongSigner", 0, removed.address):
        desk.post(evm.timestamp() + 5, OPEN, usd(250))
    other = Reporter(desk.tsla.signers[1:], evm.w3.eth.chain_id, desk.oracle.address, TSLA)
    desk.post(evm.timestamp() + 5, OPEN, usd(250), reporter=other)
    assert desk.read().price_per_token == usd(250)


# ---- fuzz: any corruption is a clear revert and nothing is recorded ----


@given(position=st.integers(min_value=0, max_value=97 + 3 * 64 - 1), flip=st.integers(min_value=1, max_value=255))
def test_submit__any_malformed_byte__reverts_with_a_custom_error(
    evm: Chain, desk: Desk, position: int, flip: int
) -> None:
    snapshot = evm.snapshot()
    try:
        at = evm.timestamp() + 5
        payload = bytearray(desk.tsla.sign(desk.tsla.report(at, OPEN, usd(250))))
        payload[position] ^= flip
        before = desk.oracle.functions.lastObservedAt(TSLA).call()
        with pytest.raises(Reverted) as error:
            desk.submit_at(bytes(payload), at + 1)
        assert error.value.name.startswith("Oracle"), error.value
        assert desk.oracle.functions.lastObservedAt(TSLA).call() == before
    finally:
        evm.revert_to(snapshot)


def test_reporter_accounts__deterministic__distinct() -> None:
    first, again = reporter_accounts(5), reporter_accounts(5)
    assert [a.address for a in first] == [a.address for a in again]
    assert len({a.address for a in first}) == 5
