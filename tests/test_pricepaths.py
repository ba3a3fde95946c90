"""Price-path generator, market calendar, CSV replay and the `dualtrack prices` CLI (pure Python, no chain)."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.cli import main
from dualtrack.market import MarketStatus
from dualtrack.pricepaths import (
    CSV_HEADER,
    DECIMAL_CONTEXT,
    Gap,
    Halt,
    Jump,
    MarketCalendar,
    PathSpec,
    PricePathError,
    PricePoint,
    generate_path,
    iter_path,
    path_length,
    read_csv,
    replay_csv,
    summarize,
    tick_of,
    to_unix,
    weekend_gap_path,
    write_csv,
)

OPEN, CLOSED, HALTED = MarketStatus.OPEN, MarketStatus.CLOSED, MarketStatus.HALTED
FRIDAY = date(2026, 11, 6)
MONDAY = date(2026, 11, 9)
TUESDAY = date(2026, 11, 10)
CALENDAR = MarketCalendar()


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Overrides the conftest's chain snapshot: nothing here touches the node, so none is needed."""
    yield


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> int:
    return to_unix(day) + hh * 3600 + mm * 60 + ss


def rounded(value: Decimal, decimals: int = 8) -> Decimal:
    """The generator's rounding: half-even to the tick, never below one tick."""
    tick = tick_of(decimals)
    return max(value.quantize(tick, rounding=ROUND_HALF_EVEN, context=DECIMAL_CONTEXT), tick)


def reopen_price(last_close: Decimal, tokenized_at_close: Decimal, tokenized_before: Decimal, gap: Decimal) -> Decimal:
    """The documented reopening rule, written out independently of the generator."""
    ctx = DECIMAL_CONTEXT
    overnight = ctx.divide(ctx.multiply(last_close, tokenized_before), tokenized_at_close)
    return rounded(ctx.multiply(overnight, ctx.add(Decimal(1), gap)))


def by_ts(points: list[PricePoint]) -> dict[int, int]:
    return {p.timestamp: i for i, p in enumerate(points)}


def last_open_before(points: list[PricePoint], index: int) -> int:
    return max(i for i in range(index) if points[i].status is OPEN)


def expected_status(ts: int, calendar: MarketCalendar, halts: tuple[Halt, ...]) -> MarketStatus:
    if not calendar.is_open(ts):
        return CLOSED
    return HALTED if any(h.start_ts <= ts < h.start_ts + h.duration_s for h in halts) else OPEN


# ---- Calendar ----


def test_is_open__session_bounds__open_inclusive_close_exclusive() -> None:
    assert not CALENDAR.is_open(at(FRIDAY, 14, 29, 59))
    assert CALENDAR.is_open(at(FRIDAY, 14, 30))
    assert CALENDAR.is_open(at(FRIDAY, 20, 59, 59))
    assert not CALENDAR.is_open(at(FRIDAY, 21))
    assert CALENDAR.session_start(at(FRIDAY, 16)) == at(FRIDAY, 14, 30)
    assert CALENDAR.session_start(at(FRIDAY, 22)) is None


def test_is_open__weekend_and_holiday__closed() -> None:
    calendar = MarketCalendar(holidays=frozenset({TUESDAY}))
    for day in (date(2026, 11, 7), date(2026, 11, 8), TUESDAY):
        assert not any(calendar.is_open(at(day, hour)) for hour in range(24))
    assert calendar.is_open(at(MONDAY, 15))
    assert CALENDAR.is_open(at(TUESDAY, 15))


def test_next_open__friday_evening_and_holiday_monday__next_session_open() -> None:
    assert CALENDAR.next_open(at(FRIDAY, 21)) == at(MONDAY, 14, 30)
    assert CALENDAR.next_open(at(MONDAY, 14, 30)) == at(MONDAY, 14, 30)
    assert CALENDAR.next_open(at(MONDAY, 14, 30, 1)) == at(TUESDAY, 14, 30)
    assert MarketCalendar(holidays=frozenset({MONDAY})).next_open(at(FRIDAY, 22)) == at(TUESDAY, 14, 30)


def test_session_close_before__weekend_and_holiday__last_close() -> None:
    assert CALENDAR.session_close_before(at(MONDAY, 10)) == at(FRIDAY, 21)
    assert CALENDAR.session_close_before(at(FRIDAY, 21)) == at(FRIDAY, 21)
    assert CALENDAR.session_close_before(at(FRIDAY, 20, 59)) == at(date(2026, 11, 5), 21)
    assert MarketCalendar(holidays=frozenset({FRIDAY})).session_close_before(at(MONDAY, 1)) == at(date(2026, 11, 5), 21)


def test_calendar__custom_hours__used_for_status_and_trading_year() -> None:
    calendar = MarketCalendar(open_s=13 * 3600 + 1800, close_s=20 * 3600, weekdays=frozenset({0, 1, 2, 3, 4, 5}))
    assert calendar.is_open(at(MONDAY, 13, 30)) and not calendar.is_open(at(MONDAY, 20))
    assert calendar.is_open(at(date(2026, 11, 7), 15))  # Saturday is a trading weekday here
    assert calendar.trading_seconds_per_year == 252 * 6.5 * 3600


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"open_s": 21 * 3600, "close_s": 14 * 3600}, "open < close"),
        ({"close_s": 86_401}, "open < close"),
        ({"weekdays": frozenset()}, "weekdays"),
        ({"weekdays": frozenset({7})}, "weekdays"),
        ({"holidays": frozenset({"2026-11-09"})}, "holidays must be dates"),
    ],
)
def test_calendar__invalid_arguments__raises(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PricePathError, match=message):
        MarketCalendar(**kwargs)  # type: ignore[arg-type]


# ---- Generation: market hours ----


def test_generate_path__week_with_holiday__never_open_outside_sessions() -> None:
    calendar = MarketCalendar(holidays=frozenset({date(2026, 11, 11)}))
    spec = PathSpec(start_price=Decimal(250), seed=3, step_s=300)
    points = generate_path(spec, to_unix(FRIDAY), to_unix(FRIDAY + timedelta(days=7)), calendar)
    assert len(points) == path_length(spec, to_unix(FRIDAY), to_unix(FRIDAY + timedelta(days=7))) == 7 * 288
    assert [p.timestamp for p in points] == list(range(to_unix(FRIDAY), to_unix(FRIDAY) + 7 * 86_400, 300))
    for point in points:
        assert point.status is expected_status(point.timestamp, calendar, ())
    open_days = {datetime.fromtimestamp(p.timestamp, tz=UTC).date() for p in points if p.status is OPEN}
    assert date(2026, 11, 7) not in open_days and date(2026, 11, 8) not in open_days
    assert date(2026, 11, 11) not in open_days
    assert sum(p.status is OPEN for p in points) == 4 * 78  # Fri, Mon, Tue, Thu: 6.5 h of 5-minute steps


def test_generate_path__while_closed__price_is_last_close_exactly_and_tokenized_moves() -> None:
    spec = PathSpec(start_price=Decimal(250), vol=0.5, closed_vol=0.4, seed=11)
    points = generate_path(spec, to_unix(FRIDAY), to_unix(TUESDAY))
    friday_close = max(i for i, p in enumerate(points) if p.status is OPEN and p.timestamp < at(FRIDAY, 21))
    weekend = [p for p in points if at(FRIDAY, 21) <= p.timestamp < at(MONDAY, 14, 30)]
    assert weekend and all(p.status is CLOSED for p in weekend)
    assert all(p.price == points[friday_close].price for p in weekend)
    assert all(str(p.price) == str(points[friday_close].price) for p in weekend)  # same digits, same exponent
    assert len({p.tokenized_price for p in weekend}) > len(weekend) // 2
    # Before Friday's session the path starts closed at the start price, exactly.
    assert all(p.price == Decimal("250.00000000") for p in points if p.timestamp < at(FRIDAY, 14, 30))


def test_generate_path__monday_gap__appears_in_one_step_as_specified() -> None:
    gap = Decimal("-0.15")
    spec = PathSpec(start_price=Decimal(250), vol=0.5, closed_vol=0.3, seed=7, gaps=(Gap(MONDAY, gap),))
    points = generate_path(spec, to_unix(FRIDAY), to_unix(TUESDAY))
    index = by_ts(points)[at(MONDAY, 14, 30)]
    close = last_open_before(points, index)
    assert points[close].timestamp == at(FRIDAY, 20, 59)
    assert points[index].status is OPEN and points[index - 1].status is CLOSED
    assert points[index - 1].price == points[close].price
    expected = reopen_price(points[close].price, points[close].tokenized_price, points[index - 1].tokenized_price, gap)
    assert points[index].price == expected
    # The weekend tokenized move is part of the open, the gap is on top of it.
    overnight = points[index - 1].tokenized_price / points[close].tokenized_price
    assert overnight != 1
    assert abs(points[index].price / points[close].price - overnight * (1 + gap)) < Decimal("1e-9")
    # No crawl: the next step is an ordinary GBM step from the gapped open.
    assert abs(math.log(points[index + 1].price / points[index].price)) < 0.01


def test_weekend_gap_path__acceptance_case__monday_opens_15_percent_below_friday_close() -> None:
    points = weekend_gap_path()
    assert points[0].timestamp == to_unix(FRIDAY) and points[-1].timestamp == to_unix(TUESDAY) - 60
    index = by_ts(points)[at(MONDAY, 14, 30)]
    close = last_open_before(points, index)
    assert points[close].timestamp == at(FRIDAY, 20, 59)
    assert points[index].price == rounded(points[close].price * Decimal("0.85"))
    summary = summarize(points)
    assert summary.largest_gap is not None and summary.largest_gap.open_ts == at(MONDAY, 14, 30)
    assert abs(summary.largest_gap.fraction + Decimal("0.15")) < Decimal("1e-9")
    assert summary.status_counts[OPEN] == 2 * 390 and summary.status_counts[HALTED] == 0


def test_weekend_gap_path__not_a_friday_or_holiday__raises() -> None:
    with pytest.raises(PricePathError, match="not a Friday"):
        weekend_gap_path(MONDAY)
    with pytest.raises(PricePathError, match="no session"):
        weekend_gap_path(calendar=MarketCalendar(holidays=frozenset({MONDAY})))


def test_generate_path__gap_on_holiday_shifted_session__applies_at_first_open_of_its_date() -> None:
    calendar = MarketCalendar(holidays=frozenset({MONDAY}))
    spec = PathSpec(start_price=Decimal(100), seed=5, gaps=(Gap(at(TUESDAY, 3), Decimal("0.2")),))
    points = generate_path(spec, to_unix(FRIDAY), to_unix(TUESDAY + timedelta(days=1)), calendar)
    index = by_ts(points)[at(TUESDAY, 14, 30)]
    close = last_open_before(points, index)
    assert points[close].timestamp == at(FRIDAY, 20, 59)
    assert points[index].price == reopen_price(
        points[close].price, points[close].tokenized_price, points[index - 1].tokenized_price, Decimal("0.2")
    )


# ---- Generation: halts and jumps ----


def test_generate_path__halt__freezes_price_sets_halted_and_resumes_without_gap() -> None:
    halt = Halt(at(TUESDAY, 15), 900)
    spec = PathSpec(
        start_price=Decimal(250), vol=0.5, closed_vol=0.5, seed=7, halts=(halt,), gaps=(Gap(TUESDAY, Decimal("0.1")),)
    )
    points = generate_path(spec, to_unix(MONDAY), to_unix(TUESDAY + timedelta(days=1)))
    index = by_ts(points)
    halted = [p for p in points if p.status is HALTED]
    assert [p.timestamp for p in halted] == list(range(halt.start_ts, halt.end_ts, 60))
    before = points[index[halt.start_ts] - 1]
    assert before.status is OPEN
    assert all(p.price == before.price for p in halted)
    assert len({p.tokenized_price for p in halted}) > 1
    resumed = index[halt.end_ts]
    assert points[resumed].status is OPEN
    expected = reopen_price(before.price, before.tokenized_price, points[resumed - 1].tokenized_price, Decimal(0))
    assert points[resumed].price == expected  # the session's gap was used at its open, not at the resumption
    assert summarize(points).halts[0].points == 15


def test_generate_path__halt_across_close_and_session_opening_halted__status_and_gap() -> None:
    halts = (Halt(at(MONDAY, 20, 50), 600), Halt(at(TUESDAY, 14, 30), 120))
    spec = PathSpec(start_price=Decimal(80), seed=2, halts=halts, gaps=(Gap(TUESDAY, Decimal("-0.3")),))
    points = generate_path(spec, to_unix(MONDAY), to_unix(TUESDAY + timedelta(days=1)))
    for point in points:
        assert point.status is expected_status(point.timestamp, CALENDAR, halts)
    index = by_ts(points)
    assert points[index[at(MONDAY, 21)]].status is CLOSED
    # Tuesday opens halted at Monday's halt price; the gap comes with the first OPEN point.
    first_open = index[at(TUESDAY, 14, 32)]
    close = last_open_before(points, first_open)
    assert points[close].timestamp == at(MONDAY, 20, 49)
    assert points[first_open - 1].status is HALTED and points[first_open - 1].price == points[close].price
    assert points[first_open].price == reopen_price(
        points[close].price, points[close].tokenized_price, points[first_open - 1].tokenized_price, Decimal("-0.3")
    )


def test_generate_path__mid_session_jump__moves_one_step_by_fraction() -> None:
    base = PathSpec(start_price=Decimal(250), vol=0.4, seed=21)
    jumped = PathSpec(start_price=Decimal(250), vol=0.4, seed=21, jumps=(Jump(at(MONDAY, 16, 0, 30), Decimal("0.2")),))
    start, end = to_unix(MONDAY), to_unix(TUESDAY)
    plain, moved = generate_path(base, start, end), generate_path(jumped, start, end)
    k = by_ts(plain)[at(MONDAY, 16, 1)]  # the first point at or after the jump time
    assert plain[:k] == moved[:k]
    assert moved[k].status is OPEN and moved[k - 1].status is OPEN
    assert moved[k].price == rounded(plain[k].price * Decimal("1.2"))
    # Later steps are GBM steps from the jumped level: the same log returns as the path without the jump.
    later_plain = math.log(plain[k + 10].price / plain[k].price)
    later_moved = math.log(moved[k + 10].price / moved[k].price)
    assert later_moved == pytest.approx(later_plain, abs=1e-7)


def test_generate_path__same_spec__identical_path_and_other_seed_differs() -> None:
    spec = PathSpec(start_price=Decimal("123.45"), vol=0.6, seed=99, gaps=(Gap(MONDAY, Decimal("0.05")),))
    first = generate_path(spec, to_unix(FRIDAY), to_unix(TUESDAY))
    assert generate_path(spec, to_unix(FRIDAY), to_unix(TUESDAY)) == first
    assert list(iter_path(spec, to_unix(FRIDAY), to_unix(TUESDAY))) == first
    other = PathSpec(start_price=Decimal("123.45"), vol=0.6, seed=100, gaps=(Gap(MONDAY, Decimal("0.05")),))
    assert generate_path(other, to_unix(FRIDAY), to_unix(TUESDAY)) != first


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ({"halts": (Halt(at(MONDAY, 3), 600),)}, "starts outside a trading session"),
        ({"halts": (Halt(at(MONDAY, 15, 0, 10), 30),)}, "covers no trading point"),
        ({"halts": (Halt(at(MONDAY, 20, 59, 30), 3600),)}, "covers no trading point"),
        ({"halts": (Halt(at(date(2026, 11, 12), 15), 60),)}, "not inside the path"),
        ({"gaps": (Gap(date(2026, 11, 7), Decimal("-0.1")),)}, "no session that day"),
        ({"gaps": (Gap(FRIDAY, Decimal("-0.1")),)}, "that session is not inside the path"),
        ({"gaps": (Gap(MONDAY, Decimal("0.1")), Gap(at(MONDAY, 12), Decimal("0.2")))}, "two gaps"),
        ({"gaps": (Gap(MONDAY, Decimal("0.1")),), "halts": (Halt(at(MONDAY, 14, 30), 7 * 3600),)}, "no OPEN point"),
        ({"jumps": (Jump(at(MONDAY, 14, 30), Decimal("0.2")),)}, "does not land mid-session"),
        ({"jumps": (Jump(at(MONDAY, 21, 30), Decimal("0.2")),)}, "does not land mid-session"),
        ({"jumps": (Jump(at(MONDAY, 20, 59, 30), Decimal("0.2")),)}, "does not land mid-session"),
        (
            {"jumps": (Jump(at(MONDAY, 15, 1), Decimal("0.2")),), "halts": (Halt(at(MONDAY, 15), 600),)},
            "does not land mid-session",
        ),
        (
            {"jumps": (Jump(at(MONDAY, 15, 0, 10), Decimal("0.2")), Jump(at(MONDAY, 15, 0, 50), Decimal("0.1")))},
            "two jumps",
        ),
        ({"jumps": (Jump(to_unix(TUESDAY), Decimal("0.2")),)}, "not inside the path"),
    ],
)
def test_generate_path__invalid_event__raises_before_any_point(events: dict[str, object], message: str) -> None:
    spec = PathSpec(start_price=Decimal(250), **events)  # type: ignore[arg-type]
    with pytest.raises(PricePathError, match=message):
        iter_path(spec, to_unix(MONDAY), to_unix(TUESDAY))


def test_generate_path__starts_inside_gap_session__raises_nothing_reopens() -> None:
    spec = PathSpec(start_price=Decimal(250), gaps=(Gap(MONDAY, Decimal("-0.15")),))
    with pytest.raises(PricePathError, match="starts inside that session"):
        generate_path(spec, at(MONDAY, 15), to_unix(TUESDAY))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_price": Decimal(0)}, "start price must be positive"),
        ({"start_price": Decimal("NaN")}, "finite"),
        ({"start_price": "abc"}, "not a number"),
        ({"start_price": Decimal("0.000000001")}, "below one tick"),
        ({"vol": -0.1}, "vol must be in"),
        ({"vol": 6.0}, "vol must be in"),
        ({"closed_vol": float("nan")}, "closed vol"),
        ({"basis_vol": 0.9}, "basis vol"),
        ({"drift": "0.1"}, "drift must be a number"),
        ({"step_s": 0}, "step must be"),
        ({"step_s": 7200}, "step must be"),
        ({"decimals": 19}, "decimals"),
        ({"seed": -1}, "seed"),
        ({"gaps": [Halt(0, 1)]}, "gaps must all be Gap"),
    ],
)
def test_path_spec__invalid_parameter__raises(kwargs: dict[str, object], message: str) -> None:
    params: dict[str, object] = {"start_price": Decimal(250), **kwargs}
    with pytest.raises(PricePathError, match=message):
        PathSpec(**params)  # type: ignore[arg-type]


def test_events__invalid_values__raise() -> None:
    with pytest.raises(PricePathError, match="greater than -1"):
        Gap(MONDAY, Decimal(-1))
    with pytest.raises(PricePathError, match="greater than -1"):
        Jump(0, Decimal("-1.5"))
    with pytest.raises(PricePathError, match="halt duration"):
        Halt(0, 0)
    with pytest.raises(PricePathError, match="date or a unix time"):
        Gap("2026-11-09", Decimal("0.1"))  # type: ignore[arg-type]
    with pytest.raises(PricePathError, match=r"end .* must be after start"):
        generate_path(PathSpec(start_price=Decimal(1)), to_unix(TUESDAY), to_unix(MONDAY))


def test_price_point__wad_helpers__round_down() -> None:
    point = PricePoint(0, Decimal("1.0000000000000000019"), Decimal("250.5"), OPEN)
    assert point.price_wad == 10**18 + 1
    assert point.tokenized_wad == 250_500_000_000_000_000_000
    with pytest.raises(PricePathError, match="price must be positive"):
        PricePoint(0, Decimal(0), Decimal(1), OPEN)
    with pytest.raises(PricePathError, match="status must be a MarketStatus"):
        PricePoint(0, Decimal(1), Decimal(1), 2)  # type: ignore[arg-type]


# ---- Properties ----


@settings(max_examples=15)
@given(
    start_price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10_000), places=2),
    vol=st.floats(min_value=0.0, max_value=3.0),
    closed_vol=st.floats(min_value=0.0, max_value=3.0),
    seed=st.integers(min_value=0, max_value=2**32),
    step=st.sampled_from([60, 300, 900, 3600]),
    start_offset=st.integers(min_value=0, max_value=14 * 86_400),
    days=st.integers(min_value=1, max_value=4),
    holiday_offsets=st.sets(st.integers(min_value=0, max_value=18), max_size=3),
    halt_choice=st.one_of(st.none(), st.tuples(st.floats(min_value=0, max_value=1), st.integers(1, 4 * 3600))),
)
def test_generate_path__random_specs__positive_increasing_and_calendar_consistent(
    start_price: Decimal,
    vol: float,
    closed_vol: float,
    seed: int,
    step: int,
    start_offset: int,
    days: int,
    holiday_offsets: set[int],
    halt_choice: tuple[float, int] | None,
) -> None:
    origin = date(2026, 11, 2)
    calendar = MarketCalendar(holidays=frozenset(origin + timedelta(days=d) for d in holiday_offsets))
    start_ts = to_unix(origin) + start_offset
    end_ts = start_ts + days * 86_400
    halts: tuple[Halt, ...] = ()
    grid = range(start_ts, end_ts, step)
    open_points = [ts for ts in grid if calendar.is_open(ts)]
    if halt_choice is not None and open_points:
        where, duration = halt_choice
        halts = (Halt(open_points[min(int(where * len(open_points)), len(open_points) - 1)], duration),)
    spec = PathSpec(start_price=start_price, vol=vol, closed_vol=closed_vol, seed=seed, step_s=step, halts=halts)
    points = generate_path(spec, start_ts, end_ts, calendar)
    assert [p.timestamp for p in points] == list(grid)
    last_open: PricePoint | None = None
    for point in points:
        assert point.price > 0 and point.tokenized_price > 0
        assert point.status is expected_status(point.timestamp, calendar, halts)
        if point.status is OPEN:
            last_open = point
        else:
            assert point.price == (last_open.price if last_open else rounded(start_price))


def test_generate_path__long_seeded_path__open_hours_log_returns_match_gbm() -> None:
    drift, vol = 0.2, 0.4
    spec = PathSpec(start_price=Decimal(100), drift=drift, vol=vol, seed=2024, decimals=12)
    start = to_unix(date(2026, 1, 5))
    points = generate_path(spec, start, start + 42 * 86_400)  # six weeks: 30 sessions of 390 minutes
    returns = [
        math.log(b.price / a.price)
        for a, b in itertools.pairwise(points)
        if a.status is OPEN and b.status is OPEN and b.timestamp - a.timestamp == 60
    ]
    assert len(returns) == 30 * 389
    dt = 60 / CALENDAR.trading_seconds_per_year
    sigma = vol * math.sqrt(dt)
    assert statistics.stdev(returns) == pytest.approx(sigma, rel=0.05)
    assert abs(statistics.fmean(returns) - (drift - vol**2 / 2) * dt) < 4 * sigma / math.sqrt(len(returns))


# ---- CSV ----


def test_csv__round_trip__exact(tmp_path: Path) -> None:
    spec = PathSpec(
        start_price=Decimal("250.5"),
        seed=4,
        gaps=(Gap(MONDAY, Decimal("-0.15")),),
        halts=(Halt(at(MONDAY, 16), 600),),
    )
    points = generate_path(spec, to_unix(FRIDAY), to_unix(TUESDAY))
    points.append(PricePoint(to_unix(TUESDAY), Decimal("0.00000001"), Decimal("1E-8"), MarketStatus.UNKNOWN))
    path = tmp_path / "path.csv"
    assert write_csv(points, path) == len(points)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert lines[1] == f"{to_unix(FRIDAY)},250.50000000,250.50000000,CLOSED"
    assert lines[-1] == f"{to_unix(TUESDAY)},0.00000001,0.00000001,UNKNOWN"
    back = read_csv(path)
    assert back == points
    assert [(str(p.price), str(p.tokenized_price)) for p in back[:-1]] == [
        (str(p.price), str(p.tokenized_price)) for p in points[:-1]
    ]
    assert list(replay_csv(path)) == points


def test_read_csv__integer_status_codes_extra_columns_and_blank_lines__accepted(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "market_status,timestamp,venue,price,tokenized_price\n2,100,NASDAQ,10.5,10.4\n\n1,160,NASDAQ,10.5,10.6\n"
        "halted,220,NASDAQ,10.5,10.7\n"
    )
    assert read_csv(path) == [
        PricePoint(100, Decimal("10.5"), Decimal("10.4"), OPEN),
        PricePoint(160, Decimal("10.5"), Decimal("10.6"), CLOSED),
        PricePoint(220, Decimal("10.5"), Decimal("10.7"), HALTED),
    ]


GOOD_ROW = "100,10,10,OPEN"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty file"),
        ("timestamp,price,market_status\n100,10,OPEN\n", 1, "missing column.*tokenized_price"),
        ("timestamp,price,price,tokenized_price,market_status\n", 1, "duplicate column"),
        (f"{GOOD_ROW}\n100,10,10\n", 3, "expected 4 fields, got 3"),
        (f"{GOOD_ROW}\n100,10,10,OPEN\n", 3, "does not increase"),
        (f"{GOOD_ROW}\n99,10,10,OPEN\n", 3, "does not increase"),
        (f"{GOOD_ROW}\n\n160,0,10,OPEN\n", 4, "price must be positive"),
        (f"{GOOD_ROW}\n160,-3.5,10,OPEN\n", 3, "price must be positive"),
        (f"{GOOD_ROW}\n160,10,0.0,OPEN\n", 3, "tokenized_price must be positive"),
        (f"{GOOD_ROW}\n160,10,10,OPENED\n", 3, "unknown market_status 'OPENED'"),
        (f"{GOOD_ROW}\n160,10,10,7\n", 3, "unknown market_status '7'"),
        (f"{GOOD_ROW}\n160,10,10,\n", 3, "unknown market_status ''"),
        (f"{GOOD_ROW}\n160,abc,10,OPEN\n", 3, "bad number in price"),
        (f"{GOOD_ROW}\n160,10,NaN,OPEN\n", 3, "bad number in tokenized_price"),
        (f"{GOOD_ROW}\n160,Infinity,10,OPEN\n", 3, "bad number in price"),
        (f"{GOOD_ROW}\n160,1_0,10,OPEN\n", 3, "bad number in price"),
        (f"{GOOD_ROW}\n16.5,10,10,OPEN\n", 3, "bad timestamp"),
        (f"{GOOD_ROW}\n-160,10,10,OPEN\n", 3, "bad timestamp"),
        (f"{GOOD_ROW}\n,10,10,OPEN\n", 3, "bad timestamp"),
    ],
)
def test_read_csv__malformed__raises_with_line_number(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "bad.csv"
    header = ",".join(CSV_HEADER) + "\n"
    path.write_text(text if not text or text.startswith(("timestamp", "market")) else header + text)
    with pytest.raises(PricePathError, match=message) as info:
        read_csv(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")


def test_replay_csv__error_late_in_file__yields_earlier_points_first(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text(",".join(CSV_HEADER) + "\n100,10,10,OPEN\n160,10.1,10.1,OPEN\n220,x,10,OPEN\n")
    replay = replay_csv(path)
    assert next(replay) == PricePoint(100, Decimal(10), Decimal(10), OPEN)
    assert next(replay).timestamp == 160
    with pytest.raises(PricePathError, match="line 4: bad number"):
        next(replay)


def test_write_csv__non_increasing_points__raises_and_keeps_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.csv"
    path.write_text("previous content\n")
    points = [PricePoint(100, Decimal(1), Decimal(1), OPEN), PricePoint(100, Decimal(1), Decimal(1), OPEN)]
    with pytest.raises(PricePathError, match="point 1: timestamp 100 does not increase"):
        write_csv(points, path)
    assert path.read_text() == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


# ---- Summary ----


def test_summarize__hand_built_path__counts_closures_gaps_and_halts() -> None:
    d = Decimal
    points = [
        PricePoint(0, d(10), d(10), CLOSED),
        PricePoint(1, d(10), d(10), OPEN),
        PricePoint(2, d(11), d(11), OPEN),
        PricePoint(3, d(11), d(12), HALTED),
        PricePoint(4, d(11), d(12), HALTED),
        PricePoint(5, d(12), d(12), OPEN),
        PricePoint(6, d(12), d(13), CLOSED),
        PricePoint(7, d(12), d(9), CLOSED),
        PricePoint(8, d(9), d(9), OPEN),
        PricePoint(9, d(9), d(9), HALTED),
        PricePoint(10, d(9), d(9), CLOSED),
        PricePoint(11, d("9.9"), d(10), OPEN),
    ]
    summary = summarize(points)
    assert summary.points == 12 and (summary.first_ts, summary.last_ts) == (0, 11)
    assert dict(summary.status_counts) == {MarketStatus.UNKNOWN: 0, CLOSED: 4, OPEN: 5, HALTED: 3}
    assert summary.closures == 2
    assert [(r.close_ts, r.open_ts) for r in summary.reopens] == [(5, 8), (8, 11)]
    assert summary.largest_gap is not None and summary.largest_gap.open_ts == 8
    assert summary.largest_gap.fraction == d("-0.25")
    assert [(h.start_ts, h.end_ts, h.points, h.price) for h in summary.halts] == [(3, 5, 2, d(11)), (9, 10, 1, d(9))]
    assert (summary.min_price, summary.max_price) == (d(9), d(12))
    empty = summarize([])
    assert empty.points == 0 and empty.largest_gap is None and empty.first_ts is None


# ---- CLI ----


def test_cli_prices__generate_then_show__writes_csv_and_prints_summary(tmp_path: Path) -> None:
    out = tmp_path / "path.csv"
    args = [
        "prices", "generate", "--start", "2026-11-06", "--days", "5", "--price", "250", "--vol", "0.5",
        "--seed", "7", "--gap", "2026-11-09:-0.15", "--halt", "2026-11-10T15:00:00Z:900", "--step", "60",
        "--jump", "2026-11-10T17:00:00Z:0.2", "--out", str(out),
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    points = read_csv(out)
    spec = PathSpec(
        start_price=Decimal(250),
        vol=0.5,
        seed=7,
        gaps=(Gap(MONDAY, Decimal("-0.15")),),
        halts=(Halt(at(TUESDAY, 15), 900),),
        jumps=(Jump(at(TUESDAY, 17), Decimal("0.2")),),
    )
    assert points == generate_path(spec, to_unix(FRIDAY), to_unix(FRIDAY + timedelta(days=5)))
    assert "7,200" in result.output and "HALTED" in result.output
    shown = CliRunner().invoke(main, ["prices", "show", str(out)])
    assert shown.exit_code == 0, shown.output
    summary = summarize(points)
    assert summary.largest_gap is not None
    assert f"{summary.largest_gap.fraction * 100:+.2f}%" in shown.output
    assert "halt at 2026-11-10 15:00:00Z" in shown.output and "15 points" in shown.output
    assert f"{summary.status_counts[OPEN]:,}" in shown.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--gap", "2026-11-09"], "must look like 2026-11-09:-0.15"),
        (["--gap", "2026-13-09:-0.1"], "not an ISO date"),
        (["--gap", "2026-11-09:-1.5"], "greater than -1"),
        (["--gap", "2026-11-07:0.1"], "no session that day"),
        (["--halt", "2026-11-10T15:00:00Z:abc"], "whole number of seconds"),
        (["--halt", "yesterday:60"], "not an ISO date/time"),
        (["--halt", "2026-11-12T15:00:00Z:900"], "not inside the path"),
        (["--jump", "2026-11-09T14:30:00Z:0.2"], "does not land mid-session"),
        (["--jump", "2026-11-09T16:00:00Z:x"], "jump fraction 'x' is not a number"),
        (["--open", "25:00"], "between 00:00 and 24:00"),
        (["--open", "9"], "HH:MM"),
        (["--open", "21:00", "--close", "14:30"], "open < close"),
        (["--price", "-4"], "price must be positive"),
        (["--price", "inf"], "not a finite number"),
        (["--step", "0"], "--step"),
    ],
)
def test_cli_prices__bad_generate_argument__bad_parameter(tmp_path: Path, extra: list[str], message: str) -> None:
    out = tmp_path / "never.csv"
    args = ["prices", "generate", "--start", "2026-11-06", "--days", "5", "--out", str(out), *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_cli_prices__show_malformed_csv__bad_parameter_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(CSV_HEADER) + "\n100,10,10,OPEN\n160,10,10,SLEEPING\n")
    result = CliRunner().invoke(main, ["prices", "show", str(path)])
    assert result.exit_code == 2
    assert "line 3: unknown market_status 'SLEEPING'" in result.output


def test_cli_prices__generate_help_example__runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dualtrack.cli.prices import GENERATE_EXAMPLE, GENERATE_EXAMPLE_ARGS

    assert GENERATE_EXAMPLE_ARGS in GENERATE_EXAMPLE
    monkeypatch.chdir(tmp_path)
    generated = CliRunner().invoke(main, ["prices", "generate", *GENERATE_EXAMPLE_ARGS.split()])
    assert generated.exit_code == 0, generated.output
    shown = CliRunner().invoke(main, ["prices", "show", "week.csv"])
    assert shown.exit_code == 0 and "halt at 2026-11-10 15:00:00Z" in shown.output
