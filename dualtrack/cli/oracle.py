"""``dualtrack oracle``: sign and submit reports from a price-path CSV to a dev node.

Example (a node with the demo deployment, then a generated week with a Monday gap):

    KEEP_NODE=1 make demo &        # the node stays up; the manifest is deployments/base-local.json
    dualtrack prices generate --start 2026-11-06 --days 4 --gap 2026-11-09:-0.15 --out week.csv
    dualtrack oracle replay week.csv --rpc-url http://127.0.0.1:<port> --feed TSLA --demo-signers 3

Reporter keys come from a file (one hex private key per line, ``--reporter-keys``) or, on a local node,
from the deterministic demo reporter keys the local deployment authorises (``--demo-signers N``). The
replay moves the node's clock to each row's time, so it needs a dev node (anvil).

What the outcomes mean: ``accepted`` reports became the feed's price; a ``held`` report moved the price
per token beyond the feed's band in an open session (or changed the multiplier without continuity), so
the feed keeps its last price and nothing is usable until a report signed by the confirmation quorum
confirms the move, or a report comes back within the band. Rejections are counted by their error name.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from eth_account import Account
from eth_account.signers.local import LocalAccount
from rich.console import Console
from rich.table import Table

from dualtrack.cli.common import DEFAULT_MANIFEST, choose_sender, connect, rpc_option, sender_options
from dualtrack.deployment import Manifest, ManifestError
from dualtrack.keepers.reporter import Reporter, replay
from dualtrack.oracle import feed_id, latest_price, reporter_accounts
from dualtrack.pricepaths import PricePathError, read_csv
from dualtrack.transport import KEY_ENV

OUTCOME_MEANING = {
    "accepted": "became the feed's price",
    "held": "beyond the band in session: the feed holds its last price until the quorum confirms",
}


def _reporter_keys(key_file: Path | None, demo_signers: int | None) -> list[LocalAccount]:
    if (key_file is None) == (demo_signers is None):
        raise click.UsageError("give exactly one of --reporter-keys and --demo-signers")
    if key_file is not None:
        keys = [line.strip() for line in key_file.read_text().splitlines() if line.strip()]
        if not keys:
            raise click.BadParameter("no keys in the file", param_hint="--reporter-keys")
        try:
            return [Account.from_key(key) for key in keys]
        except (ValueError, TypeError) as error:
            raise click.BadParameter(f"not a private key: {error}", param_hint="--reporter-keys") from error
    assert demo_signers is not None
    return reporter_accounts(demo_signers)


def _oracle_address(oracle: str | None, manifest_path: Path) -> str:
    if oracle:
        return oracle
    try:
        return Manifest.load(manifest_path).address("oracle.price_oracle")
    except ManifestError as error:
        raise click.UsageError(f"{error}: pass --oracle or --manifest") from None


@click.group()
def oracle() -> None:
    """Sign, submit and read equity price oracle reports."""


@oracle.command("replay", epilog="Example: dualtrack oracle replay week.csv --feed TSLA --demo-signers 3")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rpc_option
@click.option("--oracle", "oracle_address", default=None, help="EquityPriceOracle address (default: the manifest's).")
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_MANIFEST,
    show_default=True,
    help="The deployment manifest the oracle address is read from.",
)
@click.option("--feed", "symbol", default="TSLA", show_default=True, help="Feed symbol (feed id = feed_id(symbol)).")
@click.option(
    "--reporter-keys",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A file of reporter private keys, one per line.",
)
@click.option("--demo-signers", type=click.IntRange(1, 31), default=None, help="Use the first N demo reporter keys.")
@sender_options
def replay_command(
    csv_path: Path,
    rpc_url: str,
    oracle_address: str | None,
    manifest_path: Path,
    symbol: str,
    reporter_keys: Path | None,
    demo_signers: int | None,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Replay CSV_PATH into the oracle: one signed report per row, the node's clock following the rows.

    The reports are submitted from --key-file / --account / $DUALTRACK_PRIVATE_KEY, or --node-account
    (default: the dev node's first account).
    """
    signers = _reporter_keys(reporter_keys, demo_signers)
    try:
        points = read_csv(csv_path)
    except PricePathError as error:
        raise click.BadParameter(str(error), param_hint="CSV_PATH") from error
    evm = connect(rpc_url)
    if key_file is None and ape_alias is None and node_account is None and not os.environ.get(KEY_ENV):
        node_account = "0"  # no key given: the dev node's first account submits
    sender, _ = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    contract = evm.at("EquityPriceOracle", _oracle_address(oracle_address, manifest_path))
    reporter = Reporter(signers, int(evm.w3.eth.chain_id), str(contract.address), feed_id(symbol))
    summary = replay(evm, contract, reporter, points, sender, progress=True, total=len(points))
    view = latest_price(contract, feed_id(symbol))
    table = Table(title=f"{symbol}: {csv_path.name} replayed")
    table.add_column("figure", style="bold cyan")
    table.add_column("value", justify="right")
    table.add_column("meaning")
    table.add_row("rows", f"{len(points):,}", "")
    for label, count in sorted(summary.outcomes.items()):
        table.add_row(label, f"{count:,}", OUTCOME_MEANING.get(label, ""))
    for label, count in sorted(summary.rejections.items()):
        table.add_row(f"rejected: {label}", f"{count:,}", "refused by the oracle (nothing recorded)")
    table.add_row("time shift (s)", f"{summary.offset:,}", "the rows replayed as if they happened now")
    table.add_row("reports per second", f"{summary.reports_per_second:,.1f}", "")
    table.add_row("last price per token (USD)", f"{view.price_per_token / 10**18:,.4f}", "")
    table.add_row("market status", view.market_status.name, "")
    table.add_row("feed holds a report", view.hold.name, "NONE: nothing pending")
    Console(width=140).print(table)
