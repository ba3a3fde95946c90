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

from dualtrack.paths import BUILD_DIR, NODE_MODULES


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


def local_artifact(name: str) -> Artifact:
    """Return a dualtrack contract compiled by Ape."""
    contract_types = _local_manifest().get("contractTypes", {})
    if name not in contract_types:
        raise ArtifactNotFoundError(f"contract {name!r} is not in the Ape build")
    contract_type = contract_types[name]
    bytecode = (contract_type.get("deploymentBytecode") or {}).get("bytecode") or "0x"
    return Artifact(name=name, abi=contract_type["abi"], bytecode=bytecode)


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
