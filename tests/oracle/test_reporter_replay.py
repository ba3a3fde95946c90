"""The Python reporter end to end: generated paths and CSV replays through the oracle on the node."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from dualtrack.chain import Chain
from dualtrack.cli import main
from dualtrack.keepers.reporter import replay
from dualtrack.market import MarketStatus
from dualtrack.oracle import HoldReason
from dualtrack.pricepaths import Jump, PathSpec, generate_path, to_unix, weekend_gap_path, write_csv
from tests.oracle.conftest import CONFIRM_QUORUM, THRESHOLD, Desk
from tests.support import HOUR


def test_replay__weekend_gap_path__every_report_accepted_and_gap_in_one_step(evm: Chain, desk: Desk) -> None:
    points = weekend_gap_path(step_s=HOUR)
    opens: list[int] = []

    def watch(point: object, label: str) -> None:
        assert label == "accepted", label
        view = desk.read()
        if view.market_status is MarketStatus.OPEN:
            opens.append(view.price_per_token)

    summary = replay(evm, desk.oracle, desk.tsla, points, desk.submitter, signatures=THRESHOLD, on_result=watch)
    assert summary.outcomes["accepted"] == len(points) and not summary.rejections
    monday = points[0].timestamp + 3 * 86_400
    monday_open = next(p for p in points if p.status is MarketStatus.OPEN and p.timestamp >= monday)
    friday_close = [p for p in points if p.status is MarketStatus.OPEN and p.timestamp < monday][-1]
    assert abs(monday_open.price / friday_close.price - Decimal("0.85")) < Decimal("0.000001")
    assert monday_open.price_wad in opens  # the gap landed in one accepted report
    view = desk.read()
    assert view.observed_at == points[-1].timestamp + summary.offset


def _jump_path() -> list:  # type: ignore[type-arg]
    friday = to_unix(date(2026, 11, 6))
    spec = PathSpec(
        start_price=Decimal(250), vol=0.2, seed=3, step_s=600, jumps=(Jump(friday + 17 * HOUR, Decimal("0.2")),)
    )
    return generate_path(spec, friday + 14 * HOUR + 1_800, friday + 20 * HOUR)


def test_replay__mid_session_jump__held_then_confirmed_by_quorum(evm: Chain, desk: Desk) -> None:
    points = _jump_path()
    summary = replay(
        evm, desk.oracle, desk.tsla, points, desk.submitter, signatures=THRESHOLD, confirm_signatures=CONFIRM_QUORUM
    )
    assert summary.outcomes["held"] == 1 and summary.outcomes["accepted"] == len(points) - 1
    view = desk.read()
    assert view.hold is HoldReason.NONE and view.price_per_share == points[-1].price_wad


def test_replay__mid_session_jump_without_quorum__feed_stays_held(evm: Chain, desk: Desk) -> None:
    points = _jump_path()
    summary = replay(evm, desk.oracle, desk.tsla, points, desk.submitter, signatures=THRESHOLD)
    assert summary.outcomes["held"] >= 2
    assert desk.read().hold is HoldReason.JUMP


def test_cli_oracle_replay__csv__reports_land_on_the_node(evm: Chain, desk: Desk, tmp_path: Path) -> None:
    csv_path = tmp_path / "week.csv"
    points = weekend_gap_path(step_s=HOUR)
    write_csv(points, csv_path)
    rpc = evm.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    result = CliRunner().invoke(
        main,
        [
            "oracle",
            "replay",
            str(csv_path),
            "--rpc-url",
            str(rpc),
            "--oracle",
            desk.oracle.address,
            "--demo-signers",
            "3",
            "--node-account",
            desk.submitter,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "accepted" in result.output and f"{len(points):,}" in result.output
    assert desk.read().price_per_share == points[-1].price_wad


def test_cli_oracle_replay__no_keys__usage_error(tmp_path: Path) -> None:
    csv_path = tmp_path / "one.csv"
    write_csv(weekend_gap_path(step_s=HOUR)[:2], csv_path)
    result = CliRunner().invoke(main, ["oracle", "replay", str(csv_path), "--rpc-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "exactly one of --reporter-keys and --demo-signers" in result.output
