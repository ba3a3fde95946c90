"""The benchmark registry: named groups of gas measurements, each run in isolation.

A *group* is a function decorated with :func:`benchmark`. It receives a
:class:`~dualtrack.chain.Chain` on the node, deploys what it needs once, and
returns exact gas figures (``gasUsed`` of transaction receipts) keyed by
operation name; every key starts with the group name and a dot
(``trex.transfer``). Inside a group, :func:`measure` runs one operation between
``evm_snapshot`` and ``evm_revert`` so that the operations of a group all start
from the same state; :func:`run_group` wraps the whole group the same way so
groups never see each other's contracts.

Groups live in the modules of :mod:`dualtrack.bench.groups`, which
:func:`load_groups` imports; adding a benchmark is adding a module there.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from web3.types import TxReceipt

from dualtrack.chain import Chain

GroupFunction = Callable[[Chain], Mapping[str, int]]

GROUP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# An optional "@<n>" suffix names a scale, e.g. ``dividend.claim@1000`` (a claim with 1,000 holders).
OPERATION_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+(@[0-9]+)?$")
GROUPS_PACKAGE = "dualtrack.bench.groups"


class BenchmarkError(Exception):
    """A benchmark is misdeclared or returned something that is not an exact gas figure."""


@dataclass(frozen=True)
class BenchmarkGroup:
    """A registered group: its name (the prefix of its operations), a title and the function."""

    name: str
    title: str
    function: GroupFunction

    def owns(self, operation: str) -> bool:
        """Whether ``operation`` belongs to this group (``<name>.<...>``)."""
        return operation.startswith(f"{self.name}.")


_REGISTRY: dict[str, BenchmarkGroup] = {}


def benchmark(name: str, *, title: str = "") -> Callable[[GroupFunction], GroupFunction]:
    """Register the decorated function as benchmark group ``name``.

    The function takes a :class:`Chain` and returns ``{"<name>.<operation>": gas_used, ...}``.
    """
    if not GROUP_NAME.match(name):
        raise BenchmarkError(f"invalid group name {name!r}: lowercase letters, digits and '_' only")

    def register(function: GroupFunction) -> GroupFunction:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise BenchmarkError(f"benchmark group {name!r} is already registered by {existing.function!r}")
        _REGISTRY[name] = BenchmarkGroup(name, title or name, function)
        return function

    return register


def registered_groups() -> list[BenchmarkGroup]:
    """Every registered group, sorted by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def load_groups(package: str = GROUPS_PACKAGE) -> list[BenchmarkGroup]:
    """Import every module of ``package`` (registering their groups) and return all registered groups."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)
    return registered_groups()


# ---- Selection ----


def group_selected(group: BenchmarkGroup, prefixes: Sequence[str]) -> bool:
    """Whether ``group`` must run for ``--only`` ``prefixes`` (all groups when there are none).

    A prefix selects a group when the group name starts with it (``tr`` -> ``trex``) or when it names
    operations inside the group (``trex.transfer`` -> ``trex``).
    """
    if not prefixes:
        return True
    return any(group.name.startswith(prefix) or group.owns(prefix) for prefix in prefixes)


def group_fully_selected(group: BenchmarkGroup, prefixes: Sequence[str]) -> bool:
    """Whether every operation of ``group`` is kept for ``prefixes`` (then its stale keys may be dropped)."""
    return not prefixes or any(group.name.startswith(prefix) for prefix in prefixes)


def filter_operations(results: Mapping[str, int], prefixes: Sequence[str]) -> dict[str, int]:
    """The results whose operation name starts with one of ``prefixes`` (all of them when there are none)."""
    if not prefixes:
        return dict(results)
    return {name: gas for name, gas in results.items() if any(name.startswith(p) for p in prefixes)}


# ---- Running ----


def measure(evm: Chain, action: Callable[[], TxReceipt]) -> int:
    """Run ``action`` (which sends one transaction) between snapshot and revert; return its ``gasUsed``."""
    snapshot = evm.snapshot()
    try:
        receipt = action()
    finally:
        evm.revert_to(snapshot)
    return int(receipt["gasUsed"])


def validate_results(group: BenchmarkGroup, results: Mapping[str, int]) -> dict[str, int]:
    """Check that ``results`` are positive ints keyed by well-formed operation names of ``group``."""
    if not results:
        raise BenchmarkError(f"benchmark group {group.name!r} returned no results")
    checked: dict[str, int] = {}
    for name, gas in results.items():
        if not OPERATION_NAME.match(name) or not group.owns(name):
            raise BenchmarkError(f"group {group.name!r} returned {name!r}: names must look like '{group.name}.<op>'")
        if isinstance(gas, bool) or not isinstance(gas, int) or gas <= 0:
            raise BenchmarkError(f"{name}: gas must be a positive int, got {gas!r}")
        checked[name] = gas
    return checked


def run_group(evm: Chain, group: BenchmarkGroup) -> dict[str, int]:
    """Run ``group`` between snapshot and revert (the node is left as it was) and validate its results."""
    snapshot = evm.snapshot()
    try:
        results = group.function(evm)
    finally:
        evm.revert_to(snapshot)
    return validate_results(group, results)


def select_groups(groups: Iterable[BenchmarkGroup], prefixes: Sequence[str]) -> list[BenchmarkGroup]:
    """The groups to run for ``--only`` ``prefixes``; raises if a prefix matches nothing."""
    groups = list(groups)
    for prefix in prefixes:
        if not any(group_selected(group, [prefix]) for group in groups):
            known = ", ".join(group.name for group in groups) or "none"
            raise BenchmarkError(f"--only {prefix!r} matches no benchmark group (known: {known})")
    return [group for group in groups if group_selected(group, prefixes)]
