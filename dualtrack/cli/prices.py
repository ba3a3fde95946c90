"""``dualtrack prices``: generate a price-path CSV for local oracle runs, and summarize one.

    dualtrack prices generate --start 2026-11-06 --days 5 --price 250 --vol 0.5 --seed 7 \\
        --gap 2026-11-09:-0.15 --halt 2026-11-10T15:00:00Z:900 --step 60 --out path.csv
    dualtrack prices show path.csv
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dualtrack.market import MarketStatus
from dualtrack.pricepaths import (
    MAX_ANNUAL_RATE,
    MAX_BASIS_VOL,
    MAX_DECIMALS,
    MAX_STEP_SECONDS,
    Gap,
    Halt,
    Jump,
    MarketCalendar,
    PathSpec,
    PathSummary,
    PricePathError,
    PricePoint,
    iter_path,
    path_length,
    read_csv,
    summarize,
    to_unix,
    write_csv,
)

# Paths with at least this many points get a progress bar (a 60 s path of a few days is instant).
LONG_PATH_POINTS = 50_000
MAX_DAYS = 3_660
HALTS_SHOWN = 10


# ---- Argument parsing ----


def _fail(param: click.Parameter | None, message: str) -> click.BadParameter:
    return click.BadParameter(message, param=param)


def _parse_decimal(text: str, what: str, param: click.Parameter | None) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise _fail(param, f"{what} {text!r} is not a number") from None
    if not value.is_finite():
        raise _fail(param, f"{what} {text!r} is not a finite number")
    return value


def _parse_moment(text: str, what: str, param: click.Parameter | None) -> int:
    """ISO date or datetime; a trailing Z or an offset is honoured, a naive time is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _fail(param, f"{what} {text!r} is not an ISO date/time such as 2026-11-10T15:00:00Z") from None
    return to_unix(moment)


def _split(text: str, example: str, param: click.Parameter | None) -> tuple[str, str]:
    head, separator, tail = text.rpartition(":")
    if not separator or not head or not tail:
        raise _fail(param, f"{text!r} must look like {example}")
    return head, tail


def _gaps(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[Gap, ...]:
    gaps = []
    for text in values:
        day_text, fraction_text = _split(text, "2026-11-09:-0.15 (DATE:FRACTION)", param)
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            raise _fail(param, f"gap date {day_text!r} is not an ISO date such as 2026-11-09") from None
        try:
            gaps.append(Gap(day, _parse_decimal(fraction_text, "gap fraction", param)))
        except PricePathError as exc:
            raise _fail(param, str(exc)) from None
    return tuple(gaps)


def _halts(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[Halt, ...]:
    halts = []
    for text in values:
        start_text, seconds_text = _split(text, "2026-11-10T15:00:00Z:900 (START:SECONDS)", param)
        if not seconds_text.strip().isdigit():
            raise _fail(param, f"halt duration {seconds_text!r} must be a whole number of seconds")
        try:
            halts.append(Halt(_parse_moment(start_text, "halt start", param), int(seconds_text)))
        except PricePathError as exc:
            raise _fail(param, str(exc)) from None
    return tuple(halts)


def _jumps(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[Jump, ...]:
    jumps = []
    for text in values:
        at_text, fraction_text = _split(text, "2026-11-10T16:00:00Z:0.2 (TIME:FRACTION)", param)
        try:
            jumps.append(
                Jump(_parse_moment(at_text, "jump time", param), _parse_decimal(fraction_text, "jump fraction", param))
            )
        except PricePathError as exc:
            raise _fail(param, str(exc)) from None
    return tuple(jumps)


def _time_of_day(ctx: click.Context, param: click.Parameter, value: str) -> int:
    hours, separator, minutes = value.partition(":")
    if not (separator and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise _fail(param, f"{value!r} must be a UTC time of day HH:MM")
    seconds = int(hours) * 3600 + int(minutes) * 60
    if int(minutes) >= 60 or seconds > 86_400:
        raise _fail(param, f"{value!r} is not a time of day between 00:00 and 24:00")
    return seconds


def _price(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    price = _parse_decimal(value, "price", param)
    if price <= 0:
        raise _fail(param, f"price must be positive, got {value}")
    return price


# ---- Rendering ----


def _iso(ts: int | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def summary_table(summary: PathSummary, title: str) -> Table:
    """A rich table of :func:`~dualtrack.pricepaths.summarize`'s result."""
    table = Table(title=title)
    table.add_column("", style="cyan")
    table.add_column("value", justify="right")
    table.add_row("points", f"{summary.points:,}")
    table.add_row("first", _iso(summary.first_ts))
    table.add_row("last", _iso(summary.last_ts))
    for status in MarketStatus:
        table.add_row(status.name, f"{summary.status_counts[status]:,}")
    table.add_row("closures", str(summary.closures))
    table.add_row("reopenings", str(len(summary.reopens)))
    gap = summary.largest_gap
    if gap is None:
        table.add_row("largest close-to-open gap", "-")
    else:
        table.add_row(
            "largest close-to-open gap",
            f"{gap.fraction * 100:+.2f}% at {_iso(gap.open_ts)} ({gap.close_price} -> {gap.open_price})",
        )
    table.add_row("halts", str(len(summary.halts)))
    for halt in summary.halts[:HALTS_SHOWN]:
        table.add_row(
            f"  halt at {_iso(halt.start_ts)}", f"{halt.points} points until {_iso(halt.end_ts)} at {halt.price}"
        )
    if len(summary.halts) > HALTS_SHOWN:
        table.add_row("  ...", f"{len(summary.halts) - HALTS_SHOWN} more")
    if summary.min_price is not None:
        table.add_row("price range", f"{summary.min_price} .. {summary.max_price}")
    return table


# ---- Commands ----


@click.group()
def prices() -> None:
    """Price paths for local oracle runs: GBM with market hours, earnings gaps, halts; CSV replay."""


# Shown by `dualtrack prices generate --help`; tests run it as written.
GENERATE_EXAMPLE_ARGS = (
    "--start 2026-11-06 --days 5 --gap 2026-11-09:-0.15 --halt 2026-11-10T15:00:00Z:600 --seed 7 --out week.csv"
)
GENERATE_EXAMPLE = (
    "\b\nExample: a TSLA week from a Friday, a Monday earnings gap of -15%, a 10-minute halt on Tuesday:\n"
    f"  dualtrack prices generate {GENERATE_EXAMPLE_ARGS}\n"
    "  dualtrack prices show week.csv\n"
    "  dualtrack oracle replay week.csv --demo-signers 3   # into a demo node's oracle"
)


@prices.command(epilog=GENERATE_EXAMPLE)
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="First day (UTC), YYYY-MM-DD.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=4, show_default=True, help="Days to cover.")
@click.option("--price", "start_price", default="250", show_default=True, callback=_price, help="Start price.")
@click.option("--drift", type=click.FloatRange(-MAX_ANNUAL_RATE, MAX_ANNUAL_RATE), default=0.0, show_default=True)
@click.option(
    "--vol", type=click.FloatRange(0, MAX_ANNUAL_RATE), default=0.3, show_default=True, help="Open-hours vol."
)
@click.option(
    "--closed-vol",
    type=click.FloatRange(0, MAX_ANNUAL_RATE),
    default=0.2,
    show_default=True,
    help="Annual vol of the tokenized price while closed or halted (calendar time).",
)
@click.option(
    "--basis-vol",
    type=click.FloatRange(0, MAX_BASIS_VOL),
    default=0.0005,
    show_default=True,
    help="Std of log(tokenized/price) while open.",
)
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True)
@click.option("--step", type=click.IntRange(1, MAX_STEP_SECONDS), default=60, show_default=True, help="Seconds/point.")
@click.option("--decimals", type=click.IntRange(0, MAX_DECIMALS), default=8, show_default=True)
@click.option("--gap", "gaps", multiple=True, callback=_gaps, help="Earnings gap DATE:FRACTION (repeatable).")
@click.option("--halt", "halts", multiple=True, callback=_halts, help="Halt START:SECONDS (repeatable).")
@click.option("--jump", "jumps", multiple=True, callback=_jumps, help="Mid-session jump TIME:FRACTION (repeatable).")
@click.option("--holiday", "holidays", type=click.DateTime(formats=["%Y-%m-%d"]), multiple=True, help="No session.")
@click.option("--open", "open_s", default="14:30", show_default=True, callback=_time_of_day, help="Session open, UTC.")
@click.option("--close", "close_s", default="21:00", show_default=True, callback=_time_of_day, help="Session close.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def generate(
    start: datetime,
    days: int,
    start_price: Decimal,
    drift: float,
    vol: float,
    closed_vol: float,
    basis_vol: float,
    seed: int,
    step: int,
    decimals: int,
    gaps: tuple[Gap, ...],
    halts: tuple[Halt, ...],
    jumps: tuple[Jump, ...],
    holidays: tuple[datetime, ...],
    open_s: int,
    close_s: int,
    out: Path,
) -> None:
    """Generate a seeded price path and write it to a CSV (timestamp,price,tokenized_price,market_status)."""
    try:
        calendar = MarketCalendar(open_s=open_s, close_s=close_s, holidays=frozenset(d.date() for d in holidays))
    except PricePathError as exc:
        raise click.BadParameter(str(exc), param_hint="'--open' / '--close'") from None
    try:
        spec = PathSpec(
            start_price=start_price,
            drift=drift,
            vol=vol,
            closed_vol=closed_vol,
            basis_vol=basis_vol,
            step_s=step,
            seed=seed,
            gaps=gaps,
            halts=halts,
            jumps=jumps,
            decimals=decimals,
        )
        start_ts = to_unix(start.date())
        end_ts = to_unix(start.date() + timedelta(days=days))
        points = iter_path(spec, start_ts, end_ts, calendar)
    except PricePathError as exc:
        span = f"the path covers {days} day(s) from {start.date().isoformat()} 00:00 UTC"
        raise click.BadParameter(f"{exc} ({span})") from None
    total = path_length(spec, start_ts, end_ts)
    console = Console(width=120)
    with Progress(
        TextColumn("generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=total < LONG_PATH_POINTS,
    ) as progress:
        task = progress.add_task("generate", total=total)

        generated: list[PricePoint] = []

        def advancing() -> Iterator[PricePoint]:
            for point in points:
                generated.append(point)
                progress.advance(task)
                yield point

        written = write_csv(advancing(), out)
    console.print(summary_table(summarize(generated), title=f"{out} ({written:,} points written)"))


@prices.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def show(path: Path) -> None:
    """Summarize a price-path CSV: counts per status, closures, the largest close-to-open gap, halts."""
    try:
        points = read_csv(path)
    except PricePathError as exc:
        raise click.BadParameter(str(exc), param_hint="'PATH'") from None
    Console(width=120).print(summary_table(summarize(points), title=str(path)))
