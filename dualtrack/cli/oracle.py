"""``dualtrack oracle``: sign and submit reports from a price-path CSV to a running node.

    dualtrack prices generate --start 2026-11-06 --days 4 --gap 2026-11-09:-0.15 --out week.csv
    KEEP_NODE=1 make demo          # leaves a node with the oracle at deployments/base-local.json
    dualtrack oracle replay week.csv --feed TSLA --demo-signers 3

Keys come from a file (one hex private key per line) or, on a local node, from the deterministic demo
reporter keys the local deployment authorises.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from eth_account import Account
from eth_account.signers.local import LocalAccount
from rich.console import Console
from rich.table import Table
from web3 import Web3

from dualtrack.chain import Chain
from dualtrack.oracle import feed_id, latest_price, reporter_accounts
from dualtrack.paths import PROJECT_ROOT
from dualtrack.pricepaths import PricePathError, read_csv
from dualtrack.reporter import Reporter, replay

DEFAULT_RPC = "http://127.0.0.1:8545"
DEFAULT_DEPLOYMENT = PROJECT_ROOT / "deployments" / "base-local.json"


def _signers(key_file: Path | None, demo_signers: int | None) -> list[LocalAccount]:
    if (key_file is None) == (demo_signers is None):
        raise click.UsageError("give exactly one of --key-file and --demo-signers")
    if key_file is not None:
        keys = [line.strip() for line in key_file.read_text().splitlines() if line.strip()]
        if not keys:
            raise click.BadParameter("no keys in the file", param_hint="--key-file")
        try:
            return [Account.from_key(key) for key in keys]
        except (ValueError, TypeError) as error:
            raise click.BadParameter(f"not a private key: {error}", param_hint="--key-file") from error
    assert demo_signers is not None
    return reporter_accounts(demo_signers)


def _oracle_address(oracle: str | None, deployment: Path) -> str:
    if oracle:
        return oracle
    try:
        contracts = json.loads(deployment.read_text())["contracts"]
        return str(next(c["address"] for c in contracts if c["name"] == "EquityPriceOracle"))
    except (OSError, KeyError, StopIteration, json.JSONDecodeError) as error:
        raise click.UsageError(f"no EquityPriceOracle in {deployment}: pass --oracle") from error


@click.group()
def oracle() -> None:
    """Sign, submit and read equity price oracle reports."""


@oracle.command("replay")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rpc", default=DEFAULT_RPC, show_default=True, help="The node's JSON-RPC URL.")
@click.option("--oracle", "oracle_address", default=None, help="EquityPriceOracle address (default: the deployment).")
@click.option("--deployment", type=click.Path(path_type=Path), default=DEFAULT_DEPLOYMENT, show_default=True)
@click.option("--feed", "symbol", default="TSLA", show_default=True, help="Feed symbol (feed id = feed_id(symbol)).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--demo-signers", type=click.IntRange(1, 31), default=None, help="Use the first N demo reporter keys.")
@click.option("--sender", default=None, help="Unlocked node account that sends the reports (default: the first).")
def replay_command(
    csv_path: Path,
    rpc: str,
    oracle_address: str | None,
    deployment: Path,
    symbol: str,
    key_file: Path | None,
    demo_signers: int | None,
    sender: str | None,
) -> None:
    """Replay CSV_PATH into the oracle: one signed report per row, the node's clock following the rows."""
    signers = _signers(key_file, demo_signers)
    try:
        points = read_csv(csv_path)
    except PricePathError as error:
        raise click.BadParameter(str(error), param_hint="CSV_PATH") from error
    w3 = Web3(Web3.HTTPProvider(rpc))
    if not w3.is_connected():
        raise click.UsageError(f"no node at {rpc}")
    evm = Chain(w3)
    contract = evm.at("EquityPriceOracle", _oracle_address(oracle_address, deployment))
    reporter = Reporter(signers, int(w3.eth.chain_id), str(contract.address), feed_id(symbol))
    summary = replay(evm, contract, reporter, points, sender or evm.accounts[0], progress=True, total=len(points))
    view = latest_price(contract, feed_id(symbol))
    table = Table(title=f"{symbol}: {csv_path.name} replayed")
    table.add_column("figure", style="bold cyan")
    table.add_column("value", justify="right")
    table.add_row("rows", f"{len(points):,}")
    for label, count in sorted(summary.outcomes.items()):
        table.add_row(label, f"{count:,}")
    for label, count in sorted(summary.rejections.items()):
        table.add_row(f"rejected: {label}", f"{count:,}")
    table.add_row("time shift (s)", f"{summary.offset:,}")
    table.add_row("reports per second", f"{summary.reports_per_second:,.1f}")
    table.add_row("last price per token (USD)", f"{view.price_per_token / 10**18:,.4f}")
    table.add_row("market status", view.market_status.name)
    Console(width=120).print(table)
