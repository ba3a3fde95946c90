"""Benchmark groups: every module here registers one or more groups with ``@benchmark``.

:func:`dualtrack.bench.registry.load_groups` imports them all; add a module to add a group.
"""
