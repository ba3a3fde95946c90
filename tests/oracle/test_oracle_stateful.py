"""Hypothesis stateful suite: random report sequences against a Python model of the oracle's policy.

Each step submits a report with random market status, price move, multiplier change, signature set
and timing (fresh, from the future, stale, expired, replayed, older than the last), or lets time pass.
Every submission's outcome (accepted, held, or the exact custom error) must match the model, and after
every step:

- accepted observation times strictly increase, and ``lastObservedAt`` never goes back;
- the read shows the model's last accepted report, hold state and pending report;
- a price read as usable for a use is never older than that use's staleness bound, never from a
  holding feed, and its multiplier is the token's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import ClassVar

from eth_account import Account
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from dualtrack.chain import Chain, Reverted
from dualtrack.market import MarketStatus
from dualtrack.oracle import HoldReason, Outcome, Report, outcome_of, sign_report, signed_report
from dualtrack.units import per_token
from tests.oracle.conftest import (
    CONFIRM_QUORUM,
    JUMP_BAND_BPS,
    MAX_FUTURE_DRIFT,
    MAX_REPORT_AGE,
    THRESHOLD,
    TSLA,
    TSLA_CONFIG_AGES,
    Desk,
    usd,
)

OUTSIDER = Account.from_key(b"\x66" * 32)
STATUSES = st.sampled_from(
    [MarketStatus.OPEN] * 4 + [MarketStatus.CLOSED] * 2 + [MarketStatus.HALTED, MarketStatus.UNKNOWN]
)
# Price factors around the band (10%): inside, at the edge, beyond.
MOVES = st.sampled_from([1.0, 1.01, 0.97, 1.0999, 1.1, 0.9, 1.15, 0.8, 1.6, 0.4])
MULTIPLIER_MOVES = st.sampled_from(["same"] * 6 + ["double_continuous", "double_unadjusted", "halve_continuous"])
TIMINGS = st.sampled_from(["fresh"] * 12 + ["future", "stale", "expired", "replay", "older"])
LAGS = st.sampled_from([0, 0, 0, 0, 1, 5, 30, 120, MAX_REPORT_AGE])
OUTSIDERS = st.sampled_from([False] * 7 + [True])
SIGNATURES = st.sampled_from([1, 2] + [3] * 6 + [4, 4, 5])
ADVANCES = st.sampled_from([1, 30, 59, 61, 119, 121, 300, 599, 601, 3_600])


@dataclass
class Accepted:
    price: int
    multiplier: int
    status: MarketStatus
    observed_at: int


class OracleMachine(RuleBasedStateMachine):
    desk: ClassVar[Desk]
    evm: ClassVar[Chain]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.evm.snapshot()
        self.token_multiplier = int(self.desk.token.functions.uiMultiplier().call())
        self.now = self.evm.timestamp()
        self.accepted: Accepted | None = None
        self.hold = HoldReason.NONE
        self.reopening = False  # a closure or halt was accepted since the last open report
        self.pending: tuple[int, int] = (0, 0)  # (price per token, observed at)
        self.accepted_times: list[int] = []
        self.last_recorded = 0

    def teardown(self) -> None:
        self.evm.revert_to(self.snapshot)

    # ---- model ----

    def _expected(self, report: Report, block_time: int, signers: int, outsider: bool) -> str:
        """The outcome the oracle must produce: "accepted", "held" or an error name."""
        if report.observed_at > block_time + MAX_FUTURE_DRIFT:
            return "OracleReportFromFuture"
        if report.observed_at + MAX_REPORT_AGE < block_time:
            return "OracleReportStale"
        if report.expires_at < block_time:
            return "OracleReportExpired"
        if report.observed_at == self.last_recorded:
            return "OracleReportReplayed"
        if report.observed_at < self.last_recorded:
            return "OracleReportOutOfOrder"
        if signers < THRESHOLD:
            return "OracleReportUnderSigned"
        if outsider:
            return "OracleReportWrongSigner"
        last = self.accepted
        if last is None:
            return "accepted"
        by_quorum = signers >= CONFIRM_QUORUM
        candidate = per_token(report.price, report.current_multiplier)
        anchor = per_token(last.price, last.multiplier)
        continuous = abs(candidate - anchor) * 10_000 <= anchor * JUMP_BAND_BPS
        if report.current_multiplier != last.multiplier:
            ok = report.market_status is MarketStatus.OPEN and (continuous or by_quorum)
        elif self.hold is HoldReason.NONE and self.reopening and report.market_status is MarketStatus.OPEN:
            ok = True
        else:
            ok = continuous or by_quorum
        return "accepted" if ok else "held"

    def _hold_reason(self, report: Report) -> HoldReason:
        assert self.accepted is not None
        if report.current_multiplier != self.accepted.multiplier:
            return HoldReason.MULTIPLIER_CHANGE
        return HoldReason.JUMP

    # ---- rules ----

    @rule(seconds=ADVANCES)
    def advance(self, seconds: int) -> None:
        self.now += seconds
        self.evm.mine(self.now)

    @rule(
        status=STATUSES,
        move=MOVES,
        multiplier_move=MULTIPLIER_MOVES,
        timing=TIMINGS,
        signers=SIGNATURES,
        outsider=OUTSIDERS,
        lag=LAGS,
    )
    def submit(
        self,
        status: MarketStatus,
        move: float,
        multiplier_move: str,
        timing: str,
        signers: int,
        outsider: bool,
        lag: int,
    ) -> None:
        block_time = self.now + 1
        base = self.accepted or Accepted(usd(250), self.token_multiplier, MarketStatus.OPEN, 0)
        multiplier, price = base.multiplier, int(base.price * move)
        if multiplier_move == "double_continuous":
            multiplier, price = multiplier * 2, price // 2
        elif multiplier_move == "double_unadjusted":
            multiplier *= 2
        elif multiplier_move == "halve_continuous":
            multiplier, price = multiplier // 2, price * 2
        observed_at = {
            "fresh": max(block_time - lag, self.last_recorded + 1),
            "future": block_time + MAX_FUTURE_DRIFT + 1,
            "stale": block_time - MAX_REPORT_AGE - 1,
            "expired": block_time - lag,
            "replay": self.last_recorded,
            "older": self.last_recorded - 1,
        }[timing]
        if observed_at <= 0:
            return
        report = self.desk.tsla.report(observed_at, status, max(price, 1)).with_(current_multiplier=multiplier)
        if timing == "expired":
            report = report.with_(expires_at=block_time - 1)
        outsider = outsider and signers >= THRESHOLD and timing == "fresh"
        keys = list(self.desk.tsla.signers[:signers])
        if outsider:
            keys[-1] = OUTSIDER
        payload = signed_report(report, sign_report(report, keys, self.evm.w3.eth.chain_id, self.desk.oracle.address))
        expected = self._expected(report, block_time, signers, outsider)

        self.now = block_time
        try:
            receipt = self.desk.submit_at(payload, block_time)
        except Reverted as error:
            assert error.name == expected, (error, expected)
            event(f"rejected {error.name}")
            return
        outcome = outcome_of(self.evm, self.desk.oracle, receipt)
        assert outcome.name.lower() == expected, (outcome, expected, report)
        event(f"{expected} {report.market_status.name}")
        self.last_recorded = report.observed_at
        if outcome is Outcome.ACCEPTED:
            self.accepted = Accepted(report.price, report.current_multiplier, report.market_status, report.observed_at)
            self.accepted_times.append(report.observed_at)
            self.hold = HoldReason.NONE
            if report.market_status in (MarketStatus.CLOSED, MarketStatus.HALTED):
                self.reopening = True
            elif report.market_status is MarketStatus.OPEN:
                self.reopening = False
        else:
            self.hold = self._hold_reason(report)
            self.pending = (per_token(report.price, report.current_multiplier), report.observed_at)

    # ---- invariants ----

    @invariant()
    def accepted_times_strictly_increase(self) -> None:
        times = self.accepted_times
        assert all(a < b for a, b in itertools.pairwise(times)), times
        assert self.desk.oracle.functions.lastObservedAt(TSLA).call() == self.last_recorded

    @invariant()
    def read_matches_model(self) -> None:
        view = self.desk.read()
        assert view.hold is self.hold
        if self.accepted is None:
            assert view.observed_at == 0
            return
        assert (view.observed_at, view.price_per_share, view.multiplier) == (
            self.accepted.observed_at,
            self.accepted.price,
            self.accepted.multiplier,
        )
        assert view.price_per_token == per_token(self.accepted.price, self.accepted.multiplier)
        if self.hold is not HoldReason.NONE:
            assert (view.pending_price_per_token, view.pending_observed_at) == self.pending

    @invariant()
    def usable_prices_are_fresh_and_consistent(self) -> None:
        view = self.desk.read()
        age = max(0, self.now - view.observed_at)
        for usable, max_age in zip(
            (view.usable_to_open_risk, view.usable_to_value, view.usable_to_liquidate, view.usable_tokenized),
            TSLA_CONFIG_AGES,
            strict=True,
        ):
            if usable:
                assert age <= max_age, (age, max_age, view)
                assert view.hold is HoldReason.NONE and view.multiplier == view.token_multiplier
        if view.usable_to_open_risk:
            assert view.market_status is MarketStatus.OPEN


def test_oracle_state_machine__random_report_sequences__model_and_invariants_hold(evm: Chain, desk: Desk) -> None:
    OracleMachine.desk = desk
    OracleMachine.evm = evm
    run_state_machine_as_test(
        OracleMachine,
        settings=settings(
            settings.default, max_examples=max(15, settings.default.max_examples * 3 // 5), stateful_step_count=25
        ),
    )
