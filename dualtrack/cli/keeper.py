"""``dualtrack keeper``: the trading track's keepers.

    dualtrack keeper run --node-account 4 --local-reports --steps 1     # one pass on the demo node
    dualtrack keeper run --node-account 4 --local-reports --interval 2  # until interrupted

``run`` settles due perp orders, fills triggered limit, stop-loss and take-profit orders, cancels expired ones
and liquidates accounts below maintenance (repaying from the keeper's stablecoin), logging each action. The
market and vault come from the deployment manifest. ``--local-reports`` has the demo reporter keys sign the
fill-time reports at the oracle's last price: a dev node's stand-in for the reporting network. A Data Streams
report source for testnets is not built yet, so ``run`` refuses to start without it.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from dualtrack.chain import Chain
from dualtrack.cli.common import choose_sender, connect, manifest_option, rpc_option, sender_options
from dualtrack.cli.deploy import console
from dualtrack.cli.perp import open_perps
from dualtrack.keepers.perp_keeper import Action, LocalReportSource, PerpKeeper
from dualtrack.keepers.reporter import Reporter
from dualtrack.oracle import reporter_accounts


def local_keeper(evm: Chain, manifest_path: Path, keeper: str) -> PerpKeeper:
    """A keeper for the deployment in ``manifest_path`` whose reports the demo reporter keys sign."""
    desk = open_perps(evm, manifest_path)
    chain_id = int(evm.w3.eth.chain_id)
    signers = reporter_accounts(5)[:3]
    source = LocalReportSource(desk.oracle, lambda feed: Reporter(signers, chain_id, str(desk.oracle.address), feed))
    stablecoin = evm.at("IStablecoin", desk.vault.functions.wiring().call()[1])
    out = console()

    def log(action: Action) -> None:
        market = desk.labels.get(action.market_id, "") if action.market_id else ""
        style = "red" if action.kind == "refused" else "green"
        out.print(f"[{style}]{action.kind}[/{style}] account #{action.account_id} {market} {action.detail}")

    return PerpKeeper(evm, desk.market, desk.vault, stablecoin, source, keeper, log=log)


@click.group()
def keeper() -> None:
    """The trading track's keepers."""


@keeper.command("run", epilog="Example: dualtrack keeper run --node-account 4 --local-reports --steps 1")
@click.option("--interval", type=float, default=2.0, show_default=True, help="Seconds between passes.")
@click.option("--steps", type=int, default=0, show_default=True, help="Passes to run (0: until interrupted).")
@click.option("--local-reports", is_flag=True, help="Sign fill reports with the demo reporter keys (dev node).")
@rpc_option
@manifest_option
@sender_options
def run_command(
    interval: float,
    steps: int,
    local_reports: bool,
    rpc_url: str,
    manifest_path: Path,
    key_file: Path | None,
    ape_alias: str | None,
    node_account: str | None,
) -> None:
    """Settle due perp orders, fill triggered ones, liquidate accounts below maintenance; log each action."""
    if not local_reports:
        raise click.UsageError("give --local-reports (a dev node): a Data Streams report source is not built yet")
    evm = connect(rpc_url)
    sender, _ = choose_sender(evm, key_file=key_file, ape_alias=ape_alias, node_account=node_account)
    bot = local_keeper(evm, manifest_path, sender)
    done = 0
    while steps == 0 or done < steps:
        actions = bot.step()
        done += 1
        if not actions:
            console().print(f"pass {done}: nothing to do ({len(bot.pending)} order(s) pending)")
        if steps == 0 or done < steps:
            time.sleep(interval)
