"""Start a local Base-like (OP-stack) Anvil node, run a command against it, stop it.

Ape-foundry can start anvil itself, but its start-up check races on a loaded
2-core machine and it leaves the node running when the parent is killed. Here
the node is started on a free port, polled until it answers JSON-RPC, handed
to Ape through ``APE_FOUNDRY_HOST``, and always stopped (process group kill)
when the command ends, fails or is interrupted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import click

from dualtrack.paths import foundry_binary

STARTUP_TIMEOUT_SECONDS = 60.0
# Enough for long fuzz campaigns; anvil's default of 30M would cap block size.
BLOCK_GAS_LIMIT = 60_000_000


@dataclass(frozen=True)
class DevNode:
    """A running anvil process and where to reach it."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """Ask the kernel for a free TCP port on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rpc_ready(url: str) -> bool:
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    request = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return "result" in json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def running_node(*, optimism: bool = True, chain_id: int | None = None, attempts: int = 3) -> Iterator[DevNode]:
    """Start anvil on a free port (OP-stack mode by default; ``chain_id`` e.g. 84532 to look like Base
    Sepolia) and stop it on exit."""
    anvil = foundry_binary("anvil")
    last_error = ""
    for _ in range(attempts):
        port = free_port()
        command = [str(anvil), "--port", str(port), "--silent", "--gas-limit", str(BLOCK_GAS_LIMIT)]
        if optimism:
            command.append("--optimism")
        if chain_id is not None:
            command += ["--chain-id", str(chain_id)]
        # Anvil keeps the states it evicts from memory under $HOME/.foundry/anvil/tmp and leaves them behind
        # when stopped: a home of its own, removed with the node, keeps test runs from filling the disk.
        home = tempfile.mkdtemp(prefix="dualtrack-anvil-")
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # own process group: one killpg stops it all
            env={**os.environ, "HOME": home},
        )
        node = DevNode(process=process, port=port)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if _rpc_ready(node.url):
                break
            time.sleep(0.05)
        if process.poll() is None and _rpc_ready(node.url):
            try:
                yield node
            finally:
                _stop(process)
                shutil.rmtree(home, ignore_errors=True)
            return
        # The port may have been taken between probing and binding: retry.
        _stop(process)
        shutil.rmtree(home, ignore_errors=True)
        last_error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    raise RuntimeError(f"anvil did not start after {attempts} attempts: {last_error.strip()}")


class _Terminated(Exception):  # noqa: N818 - a signal, not an error condition
    """Raised from the SIGTERM/SIGHUP handler so the node is stopped on the way out."""


def _raise_terminated(signum: int, _frame: object) -> None:
    raise _Terminated(signum)


def run_with_node(command: Sequence[str], *, keep: bool = False) -> int:
    """Run ``command`` with ``APE_FOUNDRY_HOST`` pointing at a fresh node; return its exit code.

    SIGTERM and SIGHUP (e.g. from ``timeout`` or a CI runner) stop the command and the node too:
    the node runs in its own session, so nothing else would.
    """
    previous = {sig: signal.signal(sig, _raise_terminated) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return _run_with_node(command, keep=keep)
    except _Terminated as terminated:
        return 128 + int(terminated.args[0])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_with_node(command: Sequence[str], *, keep: bool) -> int:
    with running_node() as node:
        env = dict(os.environ, APE_FOUNDRY_HOST=node.url, DUALTRACK_NODE_URL=node.url)
        child = subprocess.Popen(list(command), env=env)
        try:
            code = child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            code = child.wait()
        except _Terminated:
            child.terminate()
            child.wait()
            raise
        if keep and code == 0:
            click.echo(f"Node kept running at {node.url} (Ctrl-C to stop it).")
            with suppress(KeyboardInterrupt):
                node.process.wait()
        return code


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--keep/--no-keep", default=False, envvar="KEEP_NODE", help="Keep the node after the command.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
def main(keep: bool, command: tuple[str, ...]) -> None:
    """Run COMMAND against a fresh local OP-stack anvil node, then stop the node."""
    sys.exit(run_with_node(command, keep=keep))


if __name__ == "__main__":
    main()
