"""Every way in goes through the one deployment path: `ape run deploy`, `dualtrack demo`, and clear
errors from `dualtrack deploy` before anything is sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from eth_account import Account
from web3 import Web3

from dualtrack.cli import main
from dualtrack.devnode import running_node
from dualtrack.paths import PROJECT_ROOT
from tests.deployment.conftest import LOCAL_TOML, local_data, toml_text

BIN = Path(sys.executable).parent


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run an entry point as a user would: from the project, no terminal."""
    return subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ape_run_deploy__local_network__same_deployment_through_apes_provider(tmp_path: Path) -> None:
    manifest_path = tmp_path / "ape.json"
    with running_node() as node:
        result = _run(
            [str(BIN / "ape"), "run", "deploy", "--network", "base:local:foundry", "--manifest", str(manifest_path)],
            env=dict(os.environ, APE_FOUNDRY_HOST=node.url),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        manifest = json.loads(manifest_path.read_text())
        assert manifest["complete"] and manifest["network"]["rpcUrl"] == node.url
        token = manifest["contracts"]["tsla"]["token"]["address"]
        assert Web3(Web3.HTTPProvider(node.url)).eth.get_code(token)
    assert "Wiring read back from the chain" in result.stdout


def test_demo__fresh_local_node__two_verified_investors_a_price_week_and_a_margin_account(tmp_path: Path) -> None:
    with running_node() as node:
        result = _run([str(BIN / "dualtrack"), "demo", "--rpc-url", node.url])
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "verified investors" in out and "United States" in out and "Germany" in out
    assert "100.00" in out and "250.00" in out
    assert "reports submitted" in out and "384" in out
    assert "contracts.margin.vault" in out
    assert "alice pledged 40 TSLA in margin account #" in out
    margin = out[out.index("alice pledged") :]
    assert "TSLA" in margin and "market closed: haircut" in margin  # the week ends after Monday's close
    assert "health factor" in margin and "nothing owed" in margin and "cash (USDC)" in margin
    # The TSLA investor shorts BTC with its TSLA as the only margin; BTC falls and the short gains.
    assert "alice shorted 0.05 BTC (BTC-PERP)" in out and "margined by its TSLA alone: filled at" in out
    perps = out[out.index("alice shorted") :]
    assert "perp positions of margin account #" in perps and "-0.0500" in perps
    assert "BTC falls to 57,000 USD" in perps and "149.99" in perps  # 0.05 x (59,999.85 - 57,000), rounded down


def test_deploy_command__invalid_configuration__lists_each_problem_and_exits_1(tmp_path: Path) -> None:
    data = local_data()
    data["oracle"]["reporters"] = data["oracle"]["reporters"][:2]
    data["investors"][0]["country"] = 408
    config = tmp_path / "bad.toml"
    config.write_text(toml_text(data))
    result = CliRunner().invoke(main, ["deploy", "--config", str(config), "--rpc-url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "is not a valid configuration" in result.output
    assert "got threshold 3, confirm_quorum 4 and 2 reporter(s)" in result.output


def test_deploy_command__no_node_at_the_url__usage_error() -> None:
    result = CliRunner().invoke(main, ["deploy", "--config", str(LOCAL_TOML), "--rpc-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "no node answers at http://127.0.0.1:9" in result.output


def test_deploy_command__no_key_anywhere__says_how_to_give_one(w3: Web3) -> None:
    rpc_url = str(w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    env = {"DUALTRACK_PRIVATE_KEY": ""}
    result = CliRunner(env=env).invoke(main, ["deploy", "--config", str(LOCAL_TOML), "--rpc-url", rpc_url])
    assert result.exit_code == 2 and "no signing key: set DUALTRACK_PRIVATE_KEY" in result.output


def test_deploy_command__unfunded_key__pre_flight_fails_and_nothing_is_sent(tmp_path: Path, w3: Web3) -> None:
    rpc_url = str(w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    account = Account.create()
    result = CliRunner(env={"DUALTRACK_PRIVATE_KEY": account.key.hex()}).invoke(
        main, ["deploy", "--config", str(LOCAL_TOML), "--rpc-url", rpc_url, "--manifest", str(tmp_path / "m.json")]
    )
    assert result.exit_code == 1 and "pre-flight failed, nothing was sent" in result.output
    assert f"the deployer {account.address} holds 0.000000 ETH" in result.output
    assert w3.eth.get_transaction_count(account.address) == 0
    assert not (tmp_path / "m.json").exists()
