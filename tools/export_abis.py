"""Export JSON ABIs to interfaces/abi/: every interface (I<Name>.json) and every deployed contract.

Integrators import the I*.sol files or read these ABIs. The interfaces are compiled with the
project's own solc (native or the npm solc-js shim) through standard JSON. Each contract a deployment
deploys (dualtrack.deployment.plan.DEPLOYED_CONTRACTS) gets one COMPLETE ABI, <Name>.json, from the
Ape build (`make compile`): everything its address answers, including what a token serves through its
extension (ERC-8056 multiplier, record-time snapshots). The deployment manifest names, for each
address, which of these files describes it.

Usage: python tools/export_abis.py [--check]
  --check  exit 1 if interfaces/abi is not up to date (used by the test suite)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERFACES = ROOT / "interfaces"
ABI_DIR = INTERFACES / "abi"


def _solc() -> Path:
    version = json.loads((ROOT / "package.json").read_text())["dependencies"]["solc"]
    return ROOT / ".solcx" / f"solc-v{version}"


def compile_interfaces() -> dict[str, list[dict[str, object]]]:
    """Compile every interfaces/**/*.sol and return {interface name: abi}."""
    sources = {
        f"interfaces/{path.relative_to(INTERFACES)}": {"content": path.read_text()}
        for path in sorted(INTERFACES.rglob("*.sol"))
        if "abi" not in path.parts
    }
    request = {
        "language": "Solidity",
        "sources": sources,
        "settings": {
            "remappings": ["@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/"],
            "outputSelection": {"*": {"*": ["abi"]}},
        },
    }
    result = subprocess.run(
        [str(_solc()), "--standard-json", "--base-path", str(ROOT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    output = json.loads(result.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise SystemExit("\n".join(errors))
    abis: dict[str, list[dict[str, object]]] = {}
    for source, contracts in output["contracts"].items():
        if not source.startswith("interfaces/"):
            continue
        for name, artifact in contracts.items():
            if name.startswith("I") and artifact["abi"]:
                abis[name] = artifact["abi"]
    return abis


def render(abi: list[dict[str, object]]) -> str:
    return json.dumps(abi, indent=2, sort_keys=True) + "\n"


def deployed_contract_abis() -> dict[str, list[dict[str, object]]]:
    """{contract name: complete ABI} of every contract a deployment deploys, from the Ape build."""
    sys.path.insert(0, str(ROOT))
    from dualtrack.artifacts import local_artifact
    from dualtrack.deployment.plan import DEPLOYED_CONTRACTS

    return {name: local_artifact(name).abi for name in DEPLOYED_CONTRACTS}


def main(check: bool) -> int:
    abis = compile_interfaces()
    contracts = deployed_contract_abis()
    clash = set(abis) & set(contracts)
    if clash:
        raise SystemExit(f"an interface and a contract share a name: {sorted(clash)}")
    abis.update(contracts)
    expected = {f"{name}.json": render(abi) for name, abi in abis.items()}
    current = {p.name: p.read_text() for p in ABI_DIR.glob("*.json")} if ABI_DIR.exists() else {}
    if check:
        stale = sorted(set(expected.items()) ^ set(current.items()))
        if stale:
            print("interfaces/abi is out of date; run `make abi`:", ", ".join(sorted({n for n, _ in stale})))
            return 1
        return 0
    ABI_DIR.mkdir(exist_ok=True)
    for stale_file in set(current) - set(expected):
        (ABI_DIR / stale_file).unlink()
    for filename, text in expected.items():
        (ABI_DIR / filename).write_text(text)
    print(f"exported {len(expected)} ABIs to {ABI_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
