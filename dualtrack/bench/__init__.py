"""Gas benchmarks: ``make bench`` (``python -m dualtrack.bench``) writes ``reports/gas.json``.

Register a group of measurements with :func:`benchmark` in a module of
:mod:`dualtrack.bench.groups`; measure each operation with :func:`measure`.
"""

from dualtrack.bench.registry import (
    BenchmarkError,
    BenchmarkGroup,
    benchmark,
    load_groups,
    measure,
    registered_groups,
    run_group,
)

__all__ = [
    "BenchmarkError",
    "BenchmarkGroup",
    "benchmark",
    "load_groups",
    "measure",
    "registered_groups",
    "run_group",
]
