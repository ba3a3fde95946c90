"""``python -m dualtrack.bench``: run the registered gas benchmarks against a node, merge into the report.

``make bench`` starts a fresh OP-stack anvil (``python -m dualtrack.devnode``), which exports its URL
as ``DUALTRACK_NODE_URL``; every group runs between ``evm_snapshot`` and ``evm_revert``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from web3 import Web3

from dualtrack.bench.registry import (
    BenchmarkError,
    BenchmarkGroup,
    filter_operations,
    group_fully_selected,
    load_groups,
    run_group,
    select_groups,
)
from dualtrack.bench.report import GAS_REPORT, ReportError, gas_table, load_report, merge_results, write_report
from dualtrack.chain import Chain

RPC_TIMEOUT_SECONDS = 120


def run_benchmarks(
    evm: Chain, groups: Sequence[BenchmarkGroup], prefixes: Sequence[str], console: Console
) -> tuple[dict[str, int], list[str]]:
    """Run ``groups`` with a progress bar; return the kept results and the groups that ran in full."""
    fresh: dict[str, int] = {}
    rerun: list[str] = []
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("benchmarks", total=len(groups))
        for group in groups:
            progress.update(task, description=f"[cyan]{group.name}[/]: {group.title}")
            started = time.monotonic()
            try:
                results = filter_operations(run_group(evm, group), prefixes)
            except Exception as error:
                raise click.ClickException(f"benchmark group {group.name!r} failed: {error!r}") from error
            fresh.update(results)
            if group_fully_selected(group, prefixes):
                rerun.append(group.name)
            progress.console.log(f"{group.name}: {len(results)} figure(s) in {time.monotonic() - started:.1f}s")
            progress.advance(task)
    return fresh, rerun


@click.command()
@click.option(
    "--only",
    "prefixes",
    multiple=True,
    metavar="PREFIX",
    help="Run only groups/operations starting with PREFIX (repeatable), e.g. --only trex --only oz.transfer.",
)
@click.option("--node-url", envvar="DUALTRACK_NODE_URL", help="JSON-RPC URL of the node (set by dualtrack.devnode).")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=GAS_REPORT,
    show_default=True,
    help="Gas report to merge the results into.",
)
@click.option("--list", "list_only", is_flag=True, help="List the registered benchmark groups and exit.")
def main(prefixes: tuple[str, ...], node_url: str | None, report_path: Path, list_only: bool) -> None:
    """Measure exact gas of the registered benchmarks and merge it into the gas report."""
    console = Console(width=120)
    try:
        groups = select_groups(load_groups(), prefixes)
    except BenchmarkError as error:
        raise click.UsageError(str(error)) from error
    if list_only:
        for group in groups:
            console.print(f"[cyan]{group.name}[/]  {group.title}")
        return
    if not node_url:
        raise click.UsageError("no node: pass --node-url or set DUALTRACK_NODE_URL (`make bench` does)")
    try:
        existing = load_report(report_path)
    except ReportError as error:
        raise click.ClickException(str(error)) from error
    w3 = Web3(Web3.HTTPProvider(node_url, request_kwargs={"timeout": RPC_TIMEOUT_SECONDS}))
    if not w3.is_connected():
        raise click.ClickException(f"cannot reach a node at {node_url}")
    fresh, rerun = run_benchmarks(Chain(w3), groups, prefixes, console)
    merged = merge_results(existing, fresh, rerun)
    write_report(merged, report_path)
    console.print(gas_table(merged, measured=fresh, title=f"gas used ({report_path.name})"))
    console.print(f"{len(fresh)} figure(s) measured, {len(merged)} in {report_path}")


if __name__ == "__main__":
    sys.exit(main())
