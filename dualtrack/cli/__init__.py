"""The ``dualtrack`` command line: one module per domain (``prices``, ``oracle``, ``deploy``, ``margin``,
``pool``, ``perp``, ``keeper``, ``demo``).

Shared options (RPC URL, the sender's key) live in :mod:`dualtrack.cli.common`; the keepers' commands
of the trading track join here as their own modules.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from dualtrack import __version__
from dualtrack.artifacts import local_artifact, local_artifact_names
from dualtrack.cli.demo import demo_command
from dualtrack.cli.deploy import deploy_command
from dualtrack.cli.keeper import keeper
from dualtrack.cli.margin import margin
from dualtrack.cli.oracle import oracle
from dualtrack.cli.perp import perp
from dualtrack.cli.pool import pool
from dualtrack.cli.prices import prices
from dualtrack.devnode import run_with_node

# EIP-170: the largest runtime bytecode a contract may have.
MAX_RUNTIME_BYTES = 24_576


@click.group()
@click.version_option(__version__)
def main() -> None:
    """dualtrack: tokenized US stocks as live, usable margin."""


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--keep/--no-keep", default=False, envvar="KEEP_NODE", help="Keep the node after the command.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
def node(keep: bool, command: tuple[str, ...]) -> None:
    """Run COMMAND against a fresh local OP-stack (Base-like) anvil node."""
    sys.exit(run_with_node(command, keep=keep))


@main.command()
def contracts() -> None:
    """List compiled contracts with their creation size (needs `make compile`)."""
    table = Table(title="compiled contracts")
    table.add_column("contract", style="cyan")
    table.add_column("creation bytes", justify="right")
    table.add_column("abi entries", justify="right")
    for name in local_artifact_names():
        art = local_artifact(name)
        size = (len(art.bytecode) - 2) // 2
        table.add_row(name, f"{size:,}" if size else "interface", str(len(art.abi)))
    Console(width=120).print(table)


main.add_command(prices)
main.add_command(oracle)
main.add_command(deploy_command)
main.add_command(margin)
main.add_command(pool)
main.add_command(perp)
main.add_command(keeper)
main.add_command(demo_command)
