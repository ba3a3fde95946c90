"""The testnet path, as a deployer runs it: `dualtrack deploy` against a Base Sepolia-like node.

An anvil with chain id 84532 in OP-stack mode stands in for Base Sepolia. The documented command runs
with a key the node has never unlocked, no terminal and the RPC URL from the environment; it is run
again (nothing redeployed), then a third run against a fresh node is killed part-way and resumed.
Finally an integrator reads a holder's balance, `balanceOfUI`, `isVerified` and the TSLA price with
plain web3.py from the manifest and the exported ABIs alone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from dualtrack.chain import Chain
from dualtrack.devnode import running_node
from dualtrack.keepers.reporter import Reporter
from dualtrack.market import MarketStatus
from dualtrack.oracle import reporter_accounts
from dualtrack.paths import ABI_DIR
from tests.deployment.conftest import sepolia_data, toml_text
from tests.support import ETHER, funded_key

BASE_SEPOLIA = 84532
DUALTRACK = str(Path(sys.executable).parent / "dualtrack")
RUN_TIMEOUT_SECONDS = 300
WETH_PREDEPLOY = "0x4200000000000000000000000000000000000006"
POOL = "0x0000000000000000000000000000000000000B0b"  # the liquidity pool (counterparty)
INSURANCE = "0x0000000000000000000000000000000000001f0d"


def _config(tmp_path: Path, stablecoin: str, admin: str, wallets: tuple[str, str]) -> Path:
    """The shipped Base Sepolia template with the fields a deployer fills in."""
    data = sepolia_data()
    data["roles"]["admin"] = admin
    data["stablecoin"]["address"] = stablecoin
    data["oracle"]["reporters"] = [account.address for account in reporter_accounts(5)]
    data["margin"].update(counterparty=POOL, insurance=INSURANCE)
    data["investors"] = [
        {"label": "alice", "wallet": wallets[0], "country": 840, "holdings": {"TSLA": 100}},
        {"label": "bob", "wallet": wallets[1], "country": 276, "holdings": {"TSLA": 250}},
    ]
    path = tmp_path / "my-base-sepolia.toml"
    path.write_text(toml_text(data))
    return path


def _command(config: Path, manifest: Path) -> list[str]:
    return [DUALTRACK, "deploy", "--config", str(config), "--manifest", str(manifest)]


def _environment(rpc_url: str, deployer: LocalAccount) -> dict[str, str]:
    return dict(os.environ, DUALTRACK_RPC_URL=rpc_url, DUALTRACK_PRIVATE_KEY=deployer.key.hex())


def _run(config: Path, manifest: Path, rpc_url: str, deployer: LocalAccount) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(config, manifest),
        env=_environment(rpc_url, deployer),
        stdin=subprocess.DEVNULL,  # no terminal: a prompt would fail the run
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )


def _weth_predeploy(w3: Web3) -> None:
    """Base Sepolia has WETH9 at the OP-stack predeploy the template lists; anvil has nothing there, so the
    node gets an 18-decimal ERC-20's code at that address (all the vault reads when it lists it)."""
    evm = Chain(w3)
    deployer = evm.use_key(funded_key(Chain(w3), 10 * ETHER))
    token = evm.deploy("MockCollateralToken", "Wrapped Ether", "WETH", 18, deployer, sender=deployer)
    code = "0x" + bytes(w3.eth.get_code(token.address)).hex()
    w3.provider.make_request("anvil_setCode", [WETH_PREDEPLOY, code])  # type: ignore[arg-type]


def _stablecoin(w3: Web3) -> str:
    """Stands in for Circle's USDC, deployed by someone else before."""
    evm = Chain(w3)
    issuer = evm.use_key(funded_key(Chain(w3), 10 * ETHER))
    return str(evm.deploy("MockStablecoin", "USD Coin", "USDC", issuer, sender=issuer).address)


def _bound(w3: Web3, manifest: dict[str, Any], key: str) -> Any:
    """The contract at ``contracts.<key>`` with the ABI file the manifest names: no dualtrack code."""
    record = manifest["contracts"]
    for part in key.split("."):
        record = record[part]
    abi = json.loads((ABI_DIR / f"{record['abi']}.json").read_text())
    return w3.eth.contract(address=record["address"], abi=abi)


def test_deploy_command__base_sepolia_like_node__deploys_confirms_resumes_and_reads_back(tmp_path: Path) -> None:
    wallets = (Account.create().address, Account.create().address)
    admin = Account.create().address
    with running_node(chain_id=BASE_SEPOLIA) as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        deployer = funded_key(Chain(w3), 10 * ETHER)
        assert deployer.address not in w3.eth.accounts
        config = _config(tmp_path, _stablecoin(w3), admin, wallets)
        _weth_predeploy(w3)
        manifest_path = tmp_path / "base-sepolia.json"

        first = _run(config, manifest_path, node.url, deployer)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Sign:" not in first.stdout + first.stderr
        manifest = json.loads(manifest_path.read_text())
        assert manifest["complete"] and manifest["network"] == {
            "name": "base-sepolia",
            "chainId": BASE_SEPOLIA,
            "rpcUrl": None,
        }
        assert manifest["contracts"]["tsla"]["token"]["abi"] == "EquityToken"
        assert manifest["oracle"]["feeds"]["TSLA"].startswith("0x000a")
        sent = w3.eth.get_transaction_count(deployer.address)
        assert sent == len([s for s in manifest["steps"].values() if s["txHash"]])

        second = _run(config, manifest_path, node.url, deployer)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "Nothing to deploy" in second.stdout
        assert w3.eth.get_transaction_count(deployer.address) == sent

        _read_back_as_an_integrator(w3, json.loads(manifest_path.read_text()), wallets)
        _margin_read_back_as_an_integrator(w3, json.loads(manifest_path.read_text()))
        _roles_read_back_as_an_integrator(w3, json.loads(manifest_path.read_text()), admin, deployer.address)


def test_deploy_command__killed_part_way__resumed_without_paying_twice(tmp_path: Path) -> None:
    wallets = (Account.create().address, Account.create().address)
    with running_node(chain_id=BASE_SEPOLIA) as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        deployer = funded_key(Chain(w3), 10 * ETHER)
        config = _config(tmp_path, _stablecoin(w3), Account.create().address, wallets)
        _weth_predeploy(w3)
        manifest_path = tmp_path / "base-sepolia.json"
        run = subprocess.Popen(
            _command(config, manifest_path),
            env=_environment(node.url, deployer),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        mined = 0
        while mined < 25 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.02)
            try:
                steps = json.loads(manifest_path.read_text())["steps"]
            except (OSError, ValueError):
                continue
            mined = sum(1 for record in steps.values() if record["status"] == "mined")
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        assert mined >= 25, "the run ended before it could be interrupted"
        interrupted = json.loads(manifest_path.read_text())
        assert not interrupted["complete"]

        resumed = _run(config, manifest_path, node.url, deployer)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        manifest = json.loads(manifest_path.read_text())
        assert manifest["complete"]
        paid = [record for record in manifest["steps"].values() if record["txHash"]]
        assert w3.eth.get_transaction_count(deployer.address) == len(paid)
        for record in paid:
            assert record["status"] == "mined"


def _read_back_as_an_integrator(w3: Web3, manifest: dict[str, Any], wallets: tuple[str, str]) -> None:
    token = _bound(w3, manifest, "tsla.token")
    registry = _bound(w3, manifest, "tsla.identity_registry")
    oracle = _bound(w3, manifest, "oracle.price_oracle")
    alice = wallets[0]
    assert token.functions.balanceOf(alice).call() == 100 * ETHER
    assert token.functions.balanceOfUI(alice).call() == 100 * ETHER
    assert registry.functions.isVerified(alice).call()
    assert not registry.functions.isVerified(Account.create().address).call()

    # Reporters publish a TSLA price (anyone submits a signed report), then the integrator reads it.
    feed = bytes.fromhex(manifest["oracle"]["feeds"]["TSLA"][2:])
    reporter = Reporter(reporter_accounts(5)[:3], BASE_SEPOLIA, oracle.address, feed)
    now = int(w3.eth.get_block("latest")["timestamp"])
    evm = Chain(w3)
    submitter = evm.use_key(funded_key(Chain(w3), 10 * ETHER))
    report = reporter.report(now, MarketStatus.OPEN, 251 * ETHER)
    evm.send(evm.at("EquityPriceOracle", oracle.address).functions.submit(reporter.sign(report)), submitter)
    price_per_token, _tokenized, price_per_share, multiplier, observed_at, status, *_ = oracle.functions.latestPrice(
        feed
    ).call()
    assert (price_per_token, price_per_share, multiplier) == (251 * ETHER, 251 * ETHER, ETHER)
    assert (observed_at, status) == (now, int(MarketStatus.OPEN))


def _margin_read_back_as_an_integrator(w3: Web3, manifest: dict[str, Any]) -> None:
    """The vault from the manifest's ``margin`` entry and the exported ABIs: its parties and collateral."""
    vault = _bound(w3, manifest, "margin.vault")
    _oracle, _settlement, counterparty, insurance, *_ = vault.functions.wiring().call()
    assert (counterparty, insurance) == (POOL, INSURANCE)
    assert set(manifest["margin"]["assets"]) == {"USDC", "TSLA", "WETH"}
    config, decimals, listed, *_ = vault.functions.assetState(WETH_PREDEPLOY).call()
    assert (decimals, listed, config[6]) == (18, True, 20_000 * ETHER)  # cap: 20,000 WETH
    registry = _bound(w3, manifest, "tsla.identity_registry")
    assert registry.functions.isVerified(vault.address).call()


def _roles_read_back_as_an_integrator(w3: Web3, manifest: dict[str, Any], admin: str, deployer: str) -> None:
    """Who governs the deployment, from the manifest and the exported ABIs alone: the template's delays."""
    manager = _bound(w3, manifest, "governance.access_manager")
    day = 86_400

    def has_role(role: int, account: str) -> tuple[bool, int]:
        member, delay = manager.functions.hasRole(role, account).call()
        return bool(member), int(delay)

    assert has_role(0, admin) == (True, 2 * day)  # ADMIN, with admin_delay
    assert has_role(0, deployer) == (False, 0)
    assert has_role(manager.functions.RISK_ADMIN_ROLE().call(), admin) == (True, day)
    assert has_role(manager.functions.UPGRADER_ROLE().call(), admin) == (True, 2 * day)
    for key in ("oracle.price_oracle", "oracle.sentinel", "corporate.actions", "corporate.dividends", "margin.vault"):
        if key == "oracle.sentinel" and "sentinel" not in manifest["contracts"]["oracle"]:
            continue
        assert _bound(w3, manifest, key).functions.authority().call() == manager.address
