"""``reports/gas.json``: load, merge, write, and render as a rich table.

The report is one JSON object mapping operation names to exact gas used, keys
sorted, newline-terminated, so that diffs between runs are one line per
changed figure. A run merges its results into the existing report: keys of
groups that did not run are kept; keys of a group that ran in full but no
longer produced them are dropped as stale.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from rich.table import Table

from dualtrack.paths import REPORTS_DIR

GAS_REPORT = REPORTS_DIR / "gas.json"
# `token.<op>` (dualtrack's EquityToken) is compared against `trex.<op>` (the T-REX 4.1.6 peer).
OURS_PREFIX = "token."
PEER_PREFIX = "trex."


class ReportError(ValueError):
    """The gas report on disk is not an object of operation names to non-negative ints."""


def load_report(path: Path = GAS_REPORT) -> dict[str, int]:
    """Read the report at ``path`` (an empty report if the file does not exist)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ReportError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ReportError(f"{path} must hold a JSON object, got {type(data).__name__}")
    for name, gas in data.items():
        if isinstance(gas, bool) or not isinstance(gas, int) or gas < 0:
            raise ReportError(f"{path}: {name!r} must map to a non-negative int, got {gas!r}")
    return dict(data)


def merge_results(
    existing: Mapping[str, int], fresh: Mapping[str, int], rerun_groups: Collection[str] = ()
) -> dict[str, int]:
    """Merge ``fresh`` results over ``existing`` ones, keys sorted.

    Keys of the groups in ``rerun_groups`` (groups that ran in full) that ``fresh`` no longer has are
    dropped; every other existing key is kept.
    """
    stale_prefixes = tuple(f"{group}." for group in rerun_groups)
    kept = {name: gas for name, gas in existing.items() if not (stale_prefixes and name.startswith(stale_prefixes))}
    kept.update(fresh)
    return dict(sorted(kept.items()))


def render_report(results: Mapping[str, int]) -> str:
    """The report's file content: sorted keys, two-space indent, trailing newline."""
    return json.dumps(dict(sorted(results.items())), indent=2) + "\n"


def write_report(results: Mapping[str, int], path: Path = GAS_REPORT) -> None:
    """Write ``results`` to ``path`` atomically (a ``.tmp`` sibling renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp")
    tmp.write_text(render_report(results))
    os.replace(tmp, path)


def peer_ratio(results: Mapping[str, int], operation: str) -> float | None:
    """For ``token.<op>`` with a ``trex.<op>`` figure: dualtrack's gas as a percentage of T-REX's."""
    if not operation.startswith(OURS_PREFIX):
        return None
    peer = results.get(PEER_PREFIX + operation[len(OURS_PREFIX) :])
    if not peer:
        return None
    return 100.0 * results[operation] / peer


def gas_table(results: Mapping[str, int], measured: Iterable[str] = (), title: str = "gas used") -> Table:
    """A rich table of ``results``: operation, gas, and ``token.*`` vs ``trex.*`` in percent.

    Operations in ``measured`` (this run's) are shown in bold; the others come from the report on disk.
    """
    fresh = set(measured)
    table = Table(title=title)
    table.add_column("operation", style="cyan")
    table.add_column("gas", justify="right")
    table.add_column("vs T-REX", justify="right")
    for name in sorted(results):
        ratio = peer_ratio(results, name)
        style = "bold" if name in fresh else "dim"
        table.add_row(name, f"{results[name]:,}", "" if ratio is None else f"{ratio:.1f}%", style=style)
    return table
