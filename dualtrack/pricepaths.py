"""Price paths for local oracle runs: a seeded generator with market hours, gaps and halts, and CSV replay.

A path is a list of :class:`PricePoint`, one per step (also while the venue is closed: reporters keep
publishing the last close and the 24/7 tokenized price). Status never comes from the prices: it is the
:class:`MarketCalendar` (weekday sessions, holidays) plus the :class:`Halt` windows of the spec.

The model (:func:`generate_path`):

- **open**: the venue price follows a geometric Brownian motion in trading time
  (``log step = (drift - vol**2 / 2) * dt + vol * sqrt(dt) * Z`` with ``dt = step / trading seconds per
  year``); the tokenized price is the venue price times ``exp(basis_vol * Z')`` (a small basis noise);
- **closed**: the venue price is the last close, i.e. exactly the last OPEN price; the tokenized price
  diffuses as a driftless GBM with ``closed_vol`` per calendar year;
- **halted**: the venue price is frozen at the halt price and the tokenized price diffuses as when closed;
- **reopening** (the first OPEN point after a closure or a halt): the venue price opens at
  ``last_close * (tokenized_before_open / tokenized_at_close) * (1 + gap)``, i.e. the last close moved by
  the tokenized market's log-return since the close, times the earnings gap of that session (only at the
  first OPEN point of the gap's session; a halt resumption has no gap). A gap therefore shows in ONE step;
- **jumps**: a :class:`Jump` multiplies the GBM step of one mid-session point by ``1 + fraction``.

Every price is computed with :data:`DECIMAL_CONTEXT` (34 significant digits, half-even, one rounding per
operation) and then rounded half-even to ``spec.decimals`` places, never below one tick, so prices are
always positive and a reopening can be checked exactly from the points themselves.

CSV (:func:`write_csv`, :func:`read_csv`, :func:`replay_csv`): header
``timestamp,price,tokenized_price,market_status``, prices as plain decimal strings (exact round trip),
status as the :class:`~dualtrack.market.MarketStatus` name (the integer code is accepted when reading).
Malformed input raises :class:`PricePathError` carrying the line number.
"""

from __future__ import annotations

import calendar as _calendar
import csv
import math
import os
import random
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from pathlib import Path

from dualtrack.market import MarketStatus

__all__ = [
    "CSV_HEADER",
    "DECIMAL_CONTEXT",
    "MAX_EVENTS",
    "MAX_POINTS",
    "MAX_STEP_SECONDS",
    "WAD",
    "Gap",
    "Halt",
    "HaltObservation",
    "Jump",
    "MarketCalendar",
    "PathSpec",
    "PathSummary",
    "PricePathError",
    "PricePoint",
    "ReopenObservation",
    "generate_path",
    "iter_path",
    "path_length",
    "read_csv",
    "replay_csv",
    "summarize",
    "tick_of",
    "to_unix",
    "weekend_gap_path",
    "weekend_gap_spec",
    "write_csv",
]

WAD = 10**18
DAY = 86_400
TRADING_DAYS_PER_YEAR = 252
SECONDS_PER_CALENDAR_YEAR = 365 * DAY
# Decimal arithmetic of the generator: IEEE decimal128 precision, one half-even rounding per operation.
DECIMAL_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)
# Caps (documented, so nothing grows without bound): events per list in a spec, points per path, step size.
MAX_EVENTS = 1_000
MAX_POINTS = 10_000_000
MAX_STEP_SECONDS = 3_600
MAX_DECIMALS = 18
MAX_ANNUAL_RATE = 5.0  # |drift|, vol and closed_vol are annual rates; 500% is already absurd for a stock
MAX_BASIS_VOL = 0.5
CSV_HEADER = ("timestamp", "price", "tokenized_price", "market_status")

_ONE = Decimal(1)
_DEFAULT_OPEN_S = 14 * 3600 + 30 * 60  # 09:30 New York (EST) in UTC
_DEFAULT_CLOSE_S = 21 * 3600  # 16:00 New York (EST) in UTC


class PricePathError(ValueError):
    """A price path, a spec or a CSV row is invalid; ``line`` is the CSV line number when reading a file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


# ---- Time helpers ----


def to_unix(moment: date | datetime) -> int:
    """Unix seconds of ``moment``: a date means its midnight UTC, a naive datetime is taken as UTC."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return math.floor(aware.timestamp())
    return _calendar.timegm(moment.timetuple())


def _utc_date(ts: int) -> date:
    return datetime.fromtimestamp(ts, tz=UTC).date()


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- Points ----


def _check_price(value: object, name: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise PricePathError(f"{name} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise PricePathError(f"{name} must be a finite number, got {value}")
    if value <= 0:
        raise PricePathError(f"{name} must be positive, got {value}")
    return value


def _floor_wad(value: Decimal) -> int:
    return int(value.scaleb(18, context=DECIMAL_CONTEXT).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class PricePoint:
    """One observation: what a reporter publishes at ``timestamp``.

    ``price`` is the listing venue's price (last trade while OPEN, the last close while CLOSED, the halt
    price while HALTED); ``tokenized_price`` is the 24/7 tokenized/CEX price, which keeps moving while the
    venue is closed or halted.
    """

    timestamp: int
    price: Decimal
    tokenized_price: Decimal
    status: MarketStatus

    def __post_init__(self) -> None:
        if isinstance(self.timestamp, bool) or not isinstance(self.timestamp, int) or self.timestamp < 0:
            raise PricePathError(f"timestamp must be a non-negative int, got {self.timestamp!r}")
        _check_price(self.price, "price")
        _check_price(self.tokenized_price, "tokenized_price")
        if not isinstance(self.status, MarketStatus):
            raise PricePathError(f"status must be a MarketStatus, got {self.status!r}")

    @property
    def price_wad(self) -> int:
        """The venue price with 18 decimals, rounded down."""
        return _floor_wad(self.price)

    @property
    def tokenized_wad(self) -> int:
        """The tokenized price with 18 decimals, rounded down."""
        return _floor_wad(self.tokenized_price)


# ---- Calendar ----


@dataclass(frozen=True)
class MarketCalendar:
    """Regular sessions of the listing venue, in UTC: ``[open_s, close_s)`` seconds of day on trading weekdays.

    The default is 14:30-21:00 UTC, Monday to Friday (New York hours in winter; daylight saving time is not
    modelled: pass other seconds of day for summer dates). ``holidays`` are dates without a session.
    """

    open_s: int = _DEFAULT_OPEN_S
    close_s: int = _DEFAULT_CLOSE_S
    holidays: frozenset[date] = field(default_factory=frozenset)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0

    def __post_init__(self) -> None:
        if not (0 <= self.open_s < self.close_s <= DAY):
            raise PricePathError(
                f"session must satisfy 0 <= open < close <= {DAY}, got [{self.open_s}, {self.close_s})"
            )
        holidays = frozenset(self.holidays)
        if any(isinstance(d, datetime) or not isinstance(d, date) for d in holidays):
            raise PricePathError("holidays must be dates")
        weekdays = frozenset(self.weekdays)
        if not weekdays or not weekdays <= frozenset(range(7)):
            raise PricePathError(f"weekdays must be a non-empty subset of 0..6, got {sorted(weekdays)}")
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "weekdays", weekdays)

    @property
    def session_seconds(self) -> int:
        """Length of one regular session."""
        return self.close_s - self.open_s

    @property
    def trading_seconds_per_year(self) -> int:
        """Seconds of open market in a trading year (252 sessions): the time unit of the open-hours GBM."""
        return TRADING_DAYS_PER_YEAR * self.session_seconds

    def _search_days(self) -> int:
        # Each holiday removes at most one session, and sessions recur at least weekly.
        return 7 * (len(self.holidays) + 2)

    def is_session_day(self, day: date) -> bool:
        """Whether ``day`` has a regular session (a trading weekday that is not a holiday)."""
        return day.weekday() in self.weekdays and day not in self.holidays

    def session_open(self, day: date) -> int:
        """Opening time of ``day``'s session (whether or not ``day`` is a session day)."""
        return to_unix(day) + self.open_s

    def session_start(self, ts: int) -> int | None:
        """Opening time of the session in progress at ``ts``, or None when the market is closed."""
        day = _utc_date(ts)
        if not self.is_session_day(day):
            return None
        start = to_unix(day)
        return start + self.open_s if self.open_s <= ts - start < self.close_s else None

    def is_open(self, ts: int) -> bool:
        """Whether a regular session is in progress at ``ts`` (halts are not a calendar matter)."""
        return self.session_start(ts) is not None

    def next_open(self, ts: int) -> int:
        """Opening time of the first session that opens at or after ``ts``."""
        day = _utc_date(ts)
        for offset in range(self._search_days()):
            candidate = day + timedelta(days=offset)
            if self.is_session_day(candidate) and self.session_open(candidate) >= ts:
                return self.session_open(candidate)
        raise PricePathError(f"no session opens within {self._search_days()} days after {_iso(ts)}")

    def session_close_before(self, ts: int) -> int:
        """Closing time of the last session that closed at or before ``ts``."""
        day = _utc_date(ts)
        for offset in range(self._search_days()):
            candidate = day - timedelta(days=offset)
            close = to_unix(candidate) + self.close_s
            if self.is_session_day(candidate) and close <= ts:
                return close
        raise PricePathError(f"no session closed within {self._search_days()} days before {_iso(ts)}")


# ---- Spec ----


def _to_decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool):
        raise PricePathError(f"{name} must be a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as exc:
            raise PricePathError(f"{name} is not a number: {value!r}") from exc
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise PricePathError(f"{name} must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise PricePathError(f"{name} must be finite, got {value!r}")
    return result


def _check_fraction(value: object, name: str) -> Decimal:
    fraction = _to_decimal(value, name)
    if fraction <= -1:
        raise PricePathError(f"{name} must be greater than -1 (a price cannot fall 100% or more), got {fraction}")
    return fraction


def _check_int(value: object, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PricePathError(f"{name} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise PricePathError(f"{name} must be {bound}, got {value}")
    return value


def _check_rate(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PricePathError(f"{name} must be a number, got {value!r}")
    rate = float(value)
    if not (math.isfinite(rate) and low <= rate <= high):
        raise PricePathError(f"{name} must be in [{low}, {high}], got {value}")
    return rate


@dataclass(frozen=True)
class Gap:
    """An earnings gap: the first OPEN point of ``at``'s session opens ``fraction`` away from the close.

    ``at`` is the session's date (or any unix time on that UTC date); ``fraction`` = -0.15 reopens 15% below
    the previous close (on top of the tokenized market's overnight move).
    """

    at: date | int
    fraction: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.at, bool) or not isinstance(self.at, date | int):
            raise PricePathError(f"gap time must be a date or a unix time, got {self.at!r}")
        if isinstance(self.at, int) and self.at < 0:
            raise PricePathError(f"gap time must be a non-negative unix time, got {self.at}")
        object.__setattr__(self, "fraction", _check_fraction(self.fraction, "gap fraction"))

    @property
    def session_date(self) -> date:
        """The UTC date whose session opens with the gap."""
        if isinstance(self.at, datetime):
            return _utc_date(to_unix(self.at))
        if isinstance(self.at, date):
            return self.at
        return _utc_date(self.at)


@dataclass(frozen=True)
class Halt:
    """A trading halt: while the calendar is open in ``[start_ts, start_ts + duration_s)`` status is HALTED."""

    start_ts: int
    duration_s: int

    def __post_init__(self) -> None:
        _check_int(self.start_ts, "halt start", 0)
        _check_int(self.duration_s, "halt duration", 1)

    @property
    def end_ts(self) -> int:
        """First second after the halt."""
        return self.start_ts + self.duration_s

    def covers(self, ts: int) -> bool:
        """Whether ``ts`` lies inside the halt window."""
        return self.start_ts <= ts < self.end_ts


@dataclass(frozen=True)
class Jump:
    """An instant mid-session move: the first point at or after ``at_ts`` moves by ``1 + fraction`` extra."""

    at_ts: int
    fraction: Decimal

    def __post_init__(self) -> None:
        _check_int(self.at_ts, "jump time", 0)
        object.__setattr__(self, "fraction", _check_fraction(self.fraction, "jump fraction"))


@dataclass(frozen=True)
class PathSpec:
    """Parameters of a generated path; the same spec (seed included) always gives the same path.

    - ``start_price``: the first point's venue price, rounded to the tick (and the reference close when the
      path starts closed);
    - ``drift``, ``vol``: annual drift and volatility of the venue price in trading time (open hours);
    - ``closed_vol``: annual volatility (calendar time) of the tokenized price while closed or halted;
    - ``basis_vol``: standard deviation of ``log(tokenized / price)`` at each open point (not annualized);
    - ``step_s``: seconds between points (1 ..  ``MAX_STEP_SECONDS``); ``seed``: the random seed;
    - ``gaps``, ``halts``, ``jumps``: scheduled events (at most ``MAX_EVENTS`` each);
    - ``decimals``: prices are rounded half-even to this many places (0 .. 18), never below one tick.
    """

    start_price: Decimal
    drift: float = 0.0
    vol: float = 0.3
    closed_vol: float = 0.2
    basis_vol: float = 0.0005
    step_s: int = 60
    seed: int = 0
    gaps: tuple[Gap, ...] = ()
    halts: tuple[Halt, ...] = ()
    jumps: tuple[Jump, ...] = ()
    decimals: int = 8

    def __post_init__(self) -> None:
        start = _to_decimal(self.start_price, "start price")
        if start <= 0:
            raise PricePathError(f"start price must be positive, got {start}")
        object.__setattr__(self, "start_price", start)
        _check_rate(self.drift, "drift", -MAX_ANNUAL_RATE, MAX_ANNUAL_RATE)
        _check_rate(self.vol, "vol", 0.0, MAX_ANNUAL_RATE)
        _check_rate(self.closed_vol, "closed vol", 0.0, MAX_ANNUAL_RATE)
        _check_rate(self.basis_vol, "basis vol", 0.0, MAX_BASIS_VOL)
        _check_int(self.step_s, "step", 1, MAX_STEP_SECONDS)
        _check_int(self.seed, "seed", 0)
        _check_int(self.decimals, "decimals", 0, MAX_DECIMALS)
        for name, kind in (("gaps", Gap), ("halts", Halt), ("jumps", Jump)):
            items = tuple(getattr(self, name))
            if len(items) > MAX_EVENTS:
                raise PricePathError(f"at most {MAX_EVENTS} {name} per path, got {len(items)}")
            if not all(isinstance(item, kind) for item in items):
                raise PricePathError(f"{name} must all be {kind.__name__} instances")
            object.__setattr__(self, name, items)
        if tick_of(self.decimals) > start:
            raise PricePathError(f"start price {start} is below one tick at {self.decimals} decimals")

    @property
    def tick(self) -> Decimal:
        """The smallest price step, ``10**-decimals``."""
        return tick_of(self.decimals)


def tick_of(decimals: int) -> Decimal:
    """``10**-decimals`` as a Decimal."""
    return Decimal(1).scaleb(-decimals)


# ---- Generation ----


@dataclass(frozen=True)
class _Schedule:
    """The spec's events resolved against the grid: what happens at which point, all validated upfront."""

    halts: tuple[Halt, ...]
    gap_by_session: Mapping[int, Decimal]
    jump_by_point: Mapping[int, Decimal]

    def halted(self, ts: int) -> bool:
        return any(halt.covers(ts) for halt in self.halts)


def path_length(spec: PathSpec, start_ts: int, end_ts: int) -> int:
    """Number of points of a path over ``[start_ts, end_ts)``: one every ``spec.step_s`` from ``start_ts``."""
    return -(-(end_ts - start_ts) // spec.step_s)


def _status(ts: int, calendar: MarketCalendar, schedule: _Schedule) -> MarketStatus:
    if not calendar.is_open(ts):
        return MarketStatus.CLOSED
    return MarketStatus.HALTED if schedule.halted(ts) else MarketStatus.OPEN


def _first_point_at_or_after(ts: int, start_ts: int, step_s: int) -> int:
    return start_ts + max(0, -(-(ts - start_ts) // step_s)) * step_s


def _resolve(spec: PathSpec, start_ts: int, end_ts: int, calendar: MarketCalendar) -> _Schedule:
    """Check every event against the calendar and the grid, so generation never fails half-way."""
    step = spec.step_s
    in_range = f"inside the path [{_iso(start_ts)}, {_iso(end_ts)})"
    plain = _Schedule(halts=spec.halts, gap_by_session={}, jump_by_point={})

    for halt in spec.halts:
        if not start_ts <= halt.start_ts < end_ts:
            raise PricePathError(f"halt at {_iso(halt.start_ts)} is not {in_range}")
        if not calendar.is_open(halt.start_ts):
            raise PricePathError(f"halt at {_iso(halt.start_ts)} starts outside a trading session")
        point = _first_point_at_or_after(halt.start_ts, start_ts, step)
        if not (point < min(halt.end_ts, end_ts) and calendar.is_open(point)):
            raise PricePathError(
                f"halt at {_iso(halt.start_ts)} for {halt.duration_s}s covers no trading point of the {step}s grid"
            )

    gap_by_session: dict[int, Decimal] = {}
    for gap in spec.gaps:
        day = gap.session_date
        if not calendar.is_session_day(day):
            raise PricePathError(f"gap on {day.isoformat()}: no session that day (weekend or holiday)")
        session = calendar.session_open(day)
        if session in gap_by_session:
            raise PricePathError(f"two gaps on {day.isoformat()}")
        close = session + calendar.session_seconds
        if close <= start_ts or session >= end_ts:
            raise PricePathError(f"gap on {day.isoformat()}: that session is not {in_range}")
        point = _first_point_at_or_after(session, start_ts, step)
        while point < min(close, end_ts) and plain.halted(point):
            point += step
        if not point < min(close, end_ts):
            raise PricePathError(f"gap on {day.isoformat()}: the path has no OPEN point in that session")
        # Earlier points of the session are halted, so this point reopens unless the path starts on it.
        if point == start_ts:
            raise PricePathError(f"gap on {day.isoformat()}: the path starts inside that session, nothing reopens")
        gap_by_session[session] = gap.fraction

    jump_by_point: dict[int, Decimal] = {}
    for jump in spec.jumps:
        if not start_ts <= jump.at_ts < end_ts:
            raise PricePathError(f"jump at {_iso(jump.at_ts)} is not {in_range}")
        point = _first_point_at_or_after(jump.at_ts, start_ts, step)
        previous = point - step
        mid_session = (
            point < end_ts
            and previous >= start_ts
            and _status(point, calendar, plain) is MarketStatus.OPEN
            and _status(previous, calendar, plain) is MarketStatus.OPEN
            and calendar.session_start(previous) == calendar.session_start(point)
        )
        if not mid_session:
            raise PricePathError(
                f"jump at {_iso(jump.at_ts)} does not land mid-session: the point at {_iso(point)} and the one "
                "before must both be OPEN in the same session (use a Gap for a move at the open)"
            )
        if point in jump_by_point:
            raise PricePathError(f"two jumps land on the point at {_iso(point)}")
        jump_by_point[point] = jump.fraction

    return _Schedule(halts=spec.halts, gap_by_session=gap_by_session, jump_by_point=jump_by_point)


def iter_path(
    spec: PathSpec, start_ts: int, end_ts: int, calendar: MarketCalendar | None = None
) -> Iterator[PricePoint]:
    """Validate the spec against ``[start_ts, end_ts)`` now, then yield the path's points one by one.

    Raises :class:`PricePathError` before the first point when the range or an event is invalid (a halt
    outside a session or covering no point, a gap on a day without session or that nothing reopens into,
    a jump that is not mid-session, ...). See the module docstring for the model.
    """
    cal = calendar if calendar is not None else MarketCalendar()
    _check_int(start_ts, "start time", 0)
    _check_int(end_ts, "end time", 0)
    if end_ts <= start_ts:
        raise PricePathError(f"end {_iso(end_ts)} must be after start {_iso(start_ts)}")
    if path_length(spec, start_ts, end_ts) > MAX_POINTS:
        raise PricePathError(f"at most {MAX_POINTS} points per path, got {path_length(spec, start_ts, end_ts)}")
    schedule = _resolve(spec, start_ts, end_ts, cal)
    return _generate(spec, start_ts, end_ts, cal, schedule)


def generate_path(
    spec: PathSpec, start_ts: int, end_ts: int, calendar: MarketCalendar | None = None
) -> list[PricePoint]:
    """The path of ``spec`` over ``[start_ts, end_ts)``: one point every ``spec.step_s`` seconds."""
    return list(iter_path(spec, start_ts, end_ts, calendar))


def _generate(
    spec: PathSpec, start_ts: int, end_ts: int, calendar: MarketCalendar, schedule: _Schedule
) -> Iterator[PricePoint]:
    ctx = DECIMAL_CONTEXT
    tick = spec.tick
    rng = random.Random(spec.seed)
    open_dt = spec.step_s / calendar.trading_seconds_per_year
    open_drift = (spec.drift - spec.vol**2 / 2) * open_dt
    open_scale = spec.vol * math.sqrt(open_dt)
    closed_dt = spec.step_s / SECONDS_PER_CALENDAR_YEAR
    closed_drift = -(spec.closed_vol**2) / 2 * closed_dt  # driftless (martingale) tokenized price
    closed_scale = spec.closed_vol * math.sqrt(closed_dt)

    def rounded(value: Decimal) -> Decimal:
        return max(value.quantize(tick, rounding=ROUND_HALF_EVEN, context=ctx), tick)

    def moved(value: Decimal, log_return: float) -> Decimal:
        return rounded(ctx.multiply(value, Decimal(math.exp(log_return))))

    start_price = rounded(spec.start_price)
    previous: PricePoint | None = None
    ref_price = start_price  # the last OPEN price: the close while closed, the halt price while halted
    ref_tokenized = start_price  # the tokenized price at that last OPEN point
    last_open_session: int | None = None
    for ts in range(start_ts, end_ts, spec.step_s):
        # Two draws per point whatever the status, so every point consumes the stream the same way.
        z_price = rng.gauss(0.0, 1.0)
        z_tokenized = rng.gauss(0.0, 1.0)
        session = calendar.session_start(ts)
        if session is not None and not schedule.halted(ts):
            status = MarketStatus.OPEN
            if previous is None:
                price = start_price
            elif previous.status is MarketStatus.OPEN and last_open_session == session:
                price = moved(previous.price, open_drift + open_scale * z_price)
                jump = schedule.jump_by_point.get(ts)
                if jump is not None:
                    price = rounded(ctx.multiply(price, ctx.add(_ONE, jump)))
            else:
                # Reopening: the last close moved by the tokenized market since, times the session's gap.
                gap = schedule.gap_by_session.get(session, Decimal(0)) if last_open_session != session else Decimal(0)
                overnight = ctx.divide(ctx.multiply(ref_price, previous.tokenized_price), ref_tokenized)
                price = rounded(ctx.multiply(overnight, ctx.add(_ONE, gap)))
            tokenized = moved(price, spec.basis_vol * z_tokenized)
            ref_price, ref_tokenized, last_open_session = price, tokenized, session
        else:
            status = MarketStatus.CLOSED if session is None else MarketStatus.HALTED
            price = ref_price
            if previous is None:
                tokenized = start_price
            else:
                tokenized = moved(previous.tokenized_price, closed_drift + closed_scale * z_tokenized)
        previous = PricePoint(ts, price, tokenized, status)
        yield previous


# ---- Ready-made paths ----


def weekend_gap_spec(
    monday: date = date(2026, 11, 9),
    *,
    start_price: Decimal = Decimal(250),
    gap: Decimal = Decimal("-0.15"),
    vol: float = 0.5,
    closed_vol: float = 0.0,
    seed: int = 7,
    step_s: int = 60,
) -> PathSpec:
    """The spec of the issue's acceptance case: Monday's session opens ``gap`` away from Friday's close.

    With the default ``closed_vol = 0`` the tokenized price does not move over the weekend, so Monday's
    first OPEN point is exactly Friday's close times ``1 + gap`` (rounded to the tick); a positive
    ``closed_vol`` adds the tokenized market's weekend move on top.
    """
    if monday.weekday() != 0:
        raise PricePathError(f"{monday.isoformat()} is not a Monday")
    return PathSpec(
        start_price=start_price, vol=vol, closed_vol=closed_vol, seed=seed, step_s=step_s, gaps=(Gap(monday, gap),)
    )


def weekend_gap_path(
    friday: date = date(2026, 11, 6),
    *,
    start_price: Decimal = Decimal(250),
    gap: Decimal = Decimal("-0.15"),
    vol: float = 0.5,
    closed_vol: float = 0.0,
    seed: int = 7,
    step_s: int = 60,
    calendar: MarketCalendar | None = None,
) -> list[PricePoint]:
    """Friday 00:00 to Tuesday 00:00 UTC: Friday's session, the weekend, and Monday opening ``gap`` below.

    Both days must be session days of ``calendar`` (default :class:`MarketCalendar`).
    """
    if friday.weekday() != 4:
        raise PricePathError(f"{friday.isoformat()} is not a Friday")
    cal = calendar if calendar is not None else MarketCalendar()
    monday = friday + timedelta(days=3)
    for day in (friday, monday):
        if not cal.is_session_day(day):
            raise PricePathError(f"{day.isoformat()} has no session in the calendar")
    spec = weekend_gap_spec(
        monday, start_price=start_price, gap=gap, vol=vol, closed_vol=closed_vol, seed=seed, step_s=step_s
    )
    return generate_path(spec, to_unix(friday), to_unix(friday + timedelta(days=4)), cal)


# ---- CSV ----

_TIMESTAMP_RE = re.compile(r"[0-9]+")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _format_decimal(value: Decimal) -> str:
    return format(value, "f")


def write_csv(points: Iterable[PricePoint], path: str | os.PathLike[str]) -> int:
    """Write ``points`` (strictly increasing timestamps) to ``path`` atomically; returns the number written.

    Prices are written as plain decimal strings, so :func:`read_csv` gives back equal points. Nothing is
    written when a point is out of order (the file is replaced only once every point is written).
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    count = 0
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(CSV_HEADER)
            last_ts: int | None = None
            for point in points:
                if not isinstance(point, PricePoint):
                    raise PricePathError(f"point {count} is not a PricePoint: {point!r}")
                if last_ts is not None and point.timestamp <= last_ts:
                    raise PricePathError(
                        f"point {count}: timestamp {point.timestamp} does not increase (previous {last_ts})"
                    )
                writer.writerow(
                    (
                        point.timestamp,
                        _format_decimal(point.price),
                        _format_decimal(point.tokenized_price),
                        point.status.name,
                    )
                )
                last_ts = point.timestamp
                count += 1
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; a price path is not a secret
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _parse_timestamp(text: str, line: int) -> int:
    if not _TIMESTAMP_RE.fullmatch(text):
        raise PricePathError(f"bad timestamp {text!r}: expected unix seconds (digits only)", line)
    return int(text)


def _parse_price(text: str, column: str, line: int) -> Decimal:
    if not _NUMBER_RE.fullmatch(text):
        raise PricePathError(f"bad number in {column}: {text!r}", line)
    value = Decimal(text)
    if value <= 0:
        raise PricePathError(f"{column} must be positive, got {text}", line)
    return value


def _parse_status(text: str, line: int) -> MarketStatus:
    if text.isdigit():
        try:
            return MarketStatus(int(text))
        except ValueError:
            pass
    elif text.upper() in MarketStatus.__members__:
        return MarketStatus[text.upper()]
    names = ", ".join(f"{status.name} ({status.value})" for status in MarketStatus)
    raise PricePathError(f"unknown market_status {text!r}: expected one of {names}", line)


def replay_csv(path: str | os.PathLike[str]) -> Iterator[PricePoint]:
    """Yield the points of a CSV file in order, checking each row as it is read.

    The header must name the four columns ``timestamp,price,tokenized_price,market_status`` (in any order;
    extra columns are ignored); blank lines are skipped. A malformed row raises :class:`PricePathError`
    with its line number when the iteration reaches it.
    """
    with open(path, newline="", encoding="utf-8-sig") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None:
            raise PricePathError("empty file: expected the header " + ",".join(CSV_HEADER), 1)
        names = [name.strip() for name in header]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise PricePathError(f"duplicate column(s) {', '.join(duplicates)}", reader.line_num)
        missing = [name for name in CSV_HEADER if name not in names]
        if missing:
            raise PricePathError(
                f"missing column(s) {', '.join(missing)}: the header must contain {','.join(CSV_HEADER)}",
                reader.line_num,
            )
        index = {name: names.index(name) for name in CSV_HEADER}
        last_ts: int | None = None
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                raise PricePathError(f"expected {len(names)} fields, got {len(row)}", line)
            cells = {name: row[position].strip() for name, position in index.items()}
            timestamp = _parse_timestamp(cells["timestamp"], line)
            if last_ts is not None and timestamp <= last_ts:
                raise PricePathError(f"timestamp {timestamp} does not increase (previous {last_ts})", line)
            point = PricePoint(
                timestamp=timestamp,
                price=_parse_price(cells["price"], "price", line),
                tokenized_price=_parse_price(cells["tokenized_price"], "tokenized_price", line),
                status=_parse_status(cells["market_status"], line),
            )
            last_ts = timestamp
            yield point


def read_csv(path: str | os.PathLike[str]) -> list[PricePoint]:
    """All the points of a CSV file (see :func:`replay_csv` for the format and the checks)."""
    return list(replay_csv(path))


# ---- Summary ----


@dataclass(frozen=True)
class ReopenObservation:
    """A closure seen in a path: the last OPEN point before it and the first OPEN point after it."""

    close_ts: int
    close_price: Decimal
    open_ts: int
    open_price: Decimal

    @property
    def fraction(self) -> Decimal:
        """``open / close - 1``."""
        return DECIMAL_CONTEXT.subtract(DECIMAL_CONTEXT.divide(self.open_price, self.close_price), _ONE)


@dataclass(frozen=True)
class HaltObservation:
    """A run of HALTED points: its first point, the first point after it (or its last point) and the price."""

    start_ts: int
    end_ts: int
    points: int
    price: Decimal


@dataclass(frozen=True)
class PathSummary:
    """What :func:`summarize` found in a path."""

    points: int
    first_ts: int | None
    last_ts: int | None
    status_counts: Mapping[MarketStatus, int]
    closures: int
    reopens: tuple[ReopenObservation, ...]
    halts: tuple[HaltObservation, ...]
    min_price: Decimal | None
    max_price: Decimal | None

    @property
    def largest_gap(self) -> ReopenObservation | None:
        """The reopening with the largest ``|open / close - 1|`` (the earliest among equals)."""
        return max(self.reopens, key=lambda reopen: abs(reopen.fraction), default=None)


def summarize(points: Iterable[PricePoint]) -> PathSummary:
    """Counts per status, closures (entries into CLOSED), close-to-open reopenings and halts of a path."""
    counts = dict.fromkeys(MarketStatus, 0)
    closures = 0
    reopens: list[ReopenObservation] = []
    halts: list[HaltObservation] = []
    total = 0
    first: PricePoint | None = None
    previous: PricePoint | None = None
    last_open: PricePoint | None = None
    closed_since_open = False
    halt_start: PricePoint | None = None
    halt_points = 0
    low: Decimal | None = None
    high: Decimal | None = None
    for point in points:
        total += 1
        if first is None:
            first = point
        counts[point.status] += 1
        low = point.price if low is None else min(low, point.price)
        high = point.price if high is None else max(high, point.price)
        if point.status is MarketStatus.CLOSED:
            if previous is not None and previous.status is not MarketStatus.CLOSED:
                closures += 1
            closed_since_open = True
        if point.status is MarketStatus.HALTED:
            if halt_start is None:
                halt_start, halt_points = point, 0
            halt_points += 1
        elif halt_start is not None:
            halts.append(HaltObservation(halt_start.timestamp, point.timestamp, halt_points, halt_start.price))
            halt_start = None
        if point.status is MarketStatus.OPEN:
            if last_open is not None and closed_since_open:
                reopens.append(ReopenObservation(last_open.timestamp, last_open.price, point.timestamp, point.price))
            last_open, closed_since_open = point, False
        previous = point
    if halt_start is not None and previous is not None:
        halts.append(HaltObservation(halt_start.timestamp, previous.timestamp, halt_points, halt_start.price))
    return PathSummary(
        points=total,
        first_ts=first.timestamp if first else None,
        last_ts=previous.timestamp if previous else None,
        status_counts=counts,
        closures=closures,
        reopens=tuple(reopens),
        halts=tuple(halts),
        min_price=low,
        max_price=high,
    )
