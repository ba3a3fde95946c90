"""Compiled contract artifacts: dualtrack's own (from Ape's build) and npm peers.

Tests, the SDK and the benchmarks deploy through web3.py for speed, so they
read ABIs and bytecode straight from Ape's build manifest
(``.build/__local__.json``) instead of going through Ape's contract containers.
Peer contracts (ONCHAINID, T-REX) are loaded from the Hardhat artifacts their
npm packages publish; they are used in tests and benchmarks only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dualtrack.paths import ABI_DIR, BUILD_DIR, NODE_MODULES


class ArtifactNotFoundError(LookupError):
    """Raised when a contract name is not in the build or an npm package."""


@dataclass(frozen=True)
class Artifact:
    """The ABI and creation bytecode of one contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str

    @property
    def deployable(self) -> bool:
        return len(self.bytecode) > 2


@cache
def _local_manifest(build_dir: Path = BUILD_DIR) -> dict[str, Any]:
    manifest_path = build_dir / "__local__.json"
    if not manifest_path.exists():
        raise ArtifactNotFoundError(f"{manifest_path} not found: run `make compile`")
    return dict(json.loads(manifest_path.read_text()))


# Contracts whose fallback delegatecalls an extension: their address answers the extension's
# functions too, so their ABI is the union of both.
EXTENDED_BY = {
    "EquityToken": "EquityTokenCorporateActions",
    "EquityTokenV2": "EquityTokenCorporateActions",
}


def local_artifact(name: str) -> Artifact:
    """Return a dualtrack contract compiled by Ape (with its extension's functions, see EXTENDED_BY)."""
    contract_types = _local_manifest().get("contractTypes", {})
    if name not in contract_types:
        raise ArtifactNotFoundError(f"contract {name!r} is not in the Ape build")
    contract_type = contract_types[name]
    bytecode = (contract_type.get("deploymentBytecode") or {}).get("bytecode") or "0x"
    abi = list(contract_type["abi"])
    extension = EXTENDED_BY.get(name)
    if extension is not None:
        known = {_abi_key(entry) for entry in abi}
        abi += [
            entry
            for entry in contract_types[extension]["abi"]
            if entry.get("type") != "constructor" and _abi_key(entry) not in known
        ]
    return Artifact(name=name, abi=abi, bytecode=bytecode)


def _abi_key(entry: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    inputs = tuple(str(item.get("type")) for item in entry.get("inputs", []))
    return (str(entry.get("type")), str(entry.get("name", "")), inputs)


def abi_artifact(name: str) -> Artifact:
    """A contract compiled here (with its bytecode), else an exported ABI ``interfaces/abi/<name>.json``
    (an interface such as ``IStablecoin``, for a contract dualtrack did not deploy)."""
    try:
        return local_artifact(name)
    except ArtifactNotFoundError:
        path = ABI_DIR / f"{name}.json"
        if not path.exists():
            raise ArtifactNotFoundError(f"no contract or exported ABI named {name!r}") from None
        return Artifact(name=name, abi=json.loads(path.read_text()), bytecode="0x")


def local_artifact_names() -> list[str]:
    """Names of every contract in the Ape build."""
    return sorted(_local_manifest().get("contractTypes", {}))


def npm_artifact(package: str, relative_path: str) -> Artifact:
    """Return a Hardhat artifact shipped inside an npm package (test peers only)."""
    path = NODE_MODULES / package / relative_path
    if not path.exists():
        raise ArtifactNotFoundError(f"{path} not found: run `make install`")
    data = json.loads(path.read_text())
    return Artifact(name=data["contractName"], abi=data["abi"], bytecode=data["bytecode"])
