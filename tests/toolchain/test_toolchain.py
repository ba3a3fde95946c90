"""The offline toolchain: solc shim, version pins, the dev node and forge."""

from __future__ import annotations

import json
import os
import re
import shutil
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


def _project_copy(destination: Path) -> Path:
    """A copy of the working tree (tracked and untracked files, mtimes kept) sharing the installs.

    `.venv`, `node_modules` and `.solcx` are symlinks to this checkout's; `make` is told never to
    remake their stamps, so the copy can only compile (it must not re-point the editable install).
    """
    listing = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = PROJECT_ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    for shared in (".venv", "node_modules", ".solcx"):
        (destination / shared).symlink_to(PROJECT_ROOT / shared)
    return destination


def _make_compile(project: Path) -> subprocess.CompletedProcess[str]:
    solc = f".solcx/.installed-v{_pinned_solc()}"
    keep = ["-o", ".venv/.installed", "-o", "node_modules/.installed", "-o", solc]
    return subprocess.run(
        ["make", *keep, "compile"], cwd=project, capture_output=True, text=True, timeout=900, check=False
    )


def test_compile__failed_then_edited__rebuilds_every_source_fresh(tmp_path: Path) -> None:
    # A failed compile used to leave Ape's unpacked dependencies in contracts/.cache; the next
    # compile then walked into them, found only part of the project's sources, exited 0 and left the
    # other artifacts stale (a function added to DividendDistributor was missing from its ABI).
    project = _project_copy(tmp_path / "project")
    distributor = project / "contracts" / "corporate" / "DividendDistributor.sol"
    original = distributor.read_text()

    distributor.write_text(original + "\nthis is not solidity\n")
    failed = _make_compile(project)
    assert failed.returncode != 0, failed.stdout + failed.stderr

    body = original.rstrip()
    assert body.endswith("}")
    probe = "    function freshnessProbe() external pure returns (uint256) { return 7; }\n"
    distributor.write_text(body[:-1] + probe + "}\n")
    rebuilt = _make_compile(project)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr

    manifest = json.loads((project / ".build" / "__local__.json").read_text())
    expected = json.loads((PROJECT_ROOT / ".build" / "__local__.json").read_text())
    assert set(manifest["contractTypes"]) == set(expected["contractTypes"])
    abi_names = {item.get("name") for item in manifest["contractTypes"]["DividendDistributor"]["abi"]}
    assert "freshnessProbe" in abi_names
    assert not (project / "contracts" / ".cache").exists()


def test_build_check__manifest_missing_or_stale_sources__names_each(tmp_path: Path) -> None:
    sys.path.insert(0, str(PROJECT_ROOT / "tools"))
    try:
        import compile as compile_tool  # tools/compile.py
    finally:
        sys.path.pop(0)
    contracts = tmp_path / "contracts"
    (contracts / "a").mkdir(parents=True)
    (contracts / ".cache" / "dep").mkdir(parents=True)
    (contracts / "a" / "One.sol").write_text("contract One {}")
    (contracts / "a" / "Two.sol").write_text("contract Two {}")
    (contracts / ".cache" / "dep" / "Dep.sol").write_text("contract Dep {}")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "sources": {"contracts/a/One.sol": {"content": "contract One { }"}},
                "contractTypes": {"One": {"sourceId": "contracts/a/One.sol"}},
            }
        )
    )
    assert compile_tool.build_problems(manifest, contracts) == [
        "stale artifact (source changed since): contracts/a/One.sol",
        "not compiled: contracts/a/Two.sol",
    ]
    manifest.write_text(
        json.dumps(
            {
                "sources": {
                    "contracts/a/One.sol": {"content": "contract One {}"},
                    "contracts/a/Two.sol": {"content": "contract Two {}"},
                },
                "contractTypes": {"One": {"sourceId": "contracts/a/One.sol"}},
            }
        )
    )
    assert compile_tool.build_problems(manifest, contracts) == []
