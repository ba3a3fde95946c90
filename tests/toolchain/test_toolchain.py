"""The offline toolchain: solc shim, version pins, the dev node and forge."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from web3 import Web3

from dualtrack.devnode import running_node
from dualtrack.paths import PROJECT_ROOT, foundry_binary

OP_STACK_HARDFORKS = {"bedrock", "regolith", "canyon", "ecotone", "fjord", "granite", "holocene", "isthmus", "jovian"}


def _pinned_solc() -> str:
    return str(json.loads((PROJECT_ROOT / "package.json").read_text())["dependencies"]["solc"])


def _solc_binary() -> Path:
    return PROJECT_ROOT / ".solcx" / f"solc-v{_pinned_solc()}"


def test_solc_pin__package_json_and_ape_config__agree() -> None:
    ape_config = (PROJECT_ROOT / "ape-config.yaml").read_text()
    match = re.search(r"^\s+version:\s*([0-9.]+)\s*$", ape_config.split("solidity:")[1], re.MULTILINE)
    assert match is not None
    assert match.group(1) == _pinned_solc()
    assert f"solc-v{_pinned_solc()}" in (PROJECT_ROOT / "foundry.toml").read_text()


def test_solc_version__asked__answers_exactly_like_native() -> None:
    result = subprocess.run([str(_solc_binary()), "--version"], capture_output=True, text=True, check=True)
    assert result.stderr == ""
    lines = result.stdout.split("\n")
    assert lines[0] == "solc, the solidity compiler commandline interface"
    assert re.fullmatch(rf"Version: {re.escape(_pinned_solc())}\+commit\.[0-9a-f]{{8}}\.\w+(\.[\w+]+)?", lines[1])
    assert lines[2:] == [""]


def test_solc_standard_json__output_over_64kib__is_complete_json_without_stray_lines() -> None:
    oz = PROJECT_ROOT / "node_modules" / "@openzeppelin" / "contracts"
    sources = {
        f"@openzeppelin/contracts/{rel}": {"content": (oz / rel).read_text()}
        for rel in ("token/ERC20/ERC20.sol", "token/ERC20/extensions/ERC20Permit.sol", "access/Ownable.sol")
    }
    request = {
        "language": "Solidity",
        "sources": sources,
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"], "": ["ast"]}}},
    }
    result = subprocess.run(
        [str(_solc_binary()), "--standard-json", "--base-path", str(PROJECT_ROOT / "node_modules")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(result.stdout) > 64 * 1024
    output = json.loads(result.stdout)  # the whole stdout is one JSON document
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]
    permit = output["contracts"]["@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol"]["ERC20Permit"]
    assert any(item.get("name") == "permit" for item in permit["abi"])


def test_dev_node__started__runs_op_stack_and_stops_cleanly() -> None:
    with running_node() as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        info = w3.provider.make_request("anvil_nodeInfo", [])["result"]  # type: ignore[arg-type]
        assert info["hardFork"].lower() in OP_STACK_HARDFORKS
        pid = node.process.pid
    assert node.process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_suite_node__ape_network__is_op_stack(w3: Web3) -> None:
    info = w3.provider.make_request("anvil_nodeInfo", [])["result"]  # type: ignore[arg-type]
    assert info["hardFork"].lower() in OP_STACK_HARDFORKS


def test_forge__built_through_foundry_toml__uses_the_same_compiler(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(foundry_binary("forge")),
            "build",
            "contracts/mocks/MockStablecoin.sol",
            "--out",
            str(tmp_path / "out"),
            "--cache-path",
            str(tmp_path / "cache"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    artifact = json.loads((tmp_path / "out" / "MockStablecoin.sol" / "MockStablecoin.json").read_text())
    major, minor, patch = (int(x) for x in _pinned_solc().split("."))
    cbor_solc_version = "64736f6c6343" + f"{major:02x}{minor:02x}{patch:02x}"  # "solc" + version in metadata
    assert cbor_solc_version in artifact["deployedBytecode"]["object"]


def test_exported_abis__compared_with_interfaces__up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "tools/export_abis.py", "--check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_with_node__terminated__stops_the_node_too() -> None:
    script = "import time; time.sleep(60)"
    devnode = subprocess.Popen(
        [sys.executable, "-m", "dualtrack.devnode", sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    node_pids: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not node_pids:
        listing = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
        node_pids = [
            int(line.split()[0])
            for line in listing.splitlines()
            if "anvil" in line and line.split()[1] == str(devnode.pid)
        ]
        time.sleep(0.1)
    assert node_pids, "the node did not start"
    time.sleep(1)  # let the command start
    devnode.terminate()
    assert devnode.wait(timeout=30) == 128 + 15
    for pid in node_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_ape_project__after_make_compile__resolves_every_compiled_contract() -> None:
    # `ape run deploy` looks contracts up by walking contracts/ with a 500-file cap; an unpacked
    # dependency cache left there hid project sources from it (`make compile` removes the cache).
    from ape import project

    assert not (PROJECT_ROOT / "contracts" / ".cache").exists()
    compiled = json.loads((PROJECT_ROOT / ".build" / "__local__.json").read_text())["contractTypes"]
    for name in ("MockStablecoin", "EquityPriceOracle", "SequencerSentinel", "SuiteFactory"):
        assert name in compiled
        assert project.contracts.get(name, compile_missing=False) is not None, name
