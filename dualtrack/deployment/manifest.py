"""The deployment manifest: a JSON file for machines, written as each transaction goes out and is mined.

Layout (``schema`` ``dualtrack.deployment/1``)::

    {
      "schema": "dualtrack.deployment/1",
      "network": {"name": "base-sepolia", "chainId": 84532, "rpcUrl": null},   # rpcUrl: local nodes only
      "deployer": "0x...",
      "configDigest": "0x...", "config": {...},          # the configuration the run used
      "contracts": {"tsla": {"token": {"address": "0x...", "abi": "EquityToken", "txHash": "0x...",
                                       "block": 12, "codeHash": "0x..."}, ...}, ...},
      "oracle": {"address": "0x...", "feeds": {"TSLA": "0x000a..."}},
      "margin": {"address": "0x...", "lens": "0x...",                  # with a [margin] section
                 "assets": {"USDC": "0x...", "TSLA": "0x...", "WBTC": "0x..."}},  # the vault's, by symbol
      "pool": {"address": "0x...", "insurance": "0x...", "stock_capital": "0x...",  # with a [pool] section
               "stocks": {"NVDA": "0x..."}},                                  # the stock capital's tranches
      "steps": {"deploy.protocol.authority": {"status": "mined", "txHash": "0x...", "nonce": 3,
                                              "block": 9, "gasUsed": 912345}, ...},
      "complete": true
    }

Keys are stable: ``contracts.tsla.token`` is the TSLA token's proxy on every deployment (and
``contracts.margin.vault`` the margin vault's ProtocolProxy, described by ``MarginVault``), ``abi`` names
the file ``interfaces/abi/<abi>.json`` that describes the address. A step is ``sent`` (its hash is
known, recorded BEFORE broadcast when signing locally) then ``mined``; a resumed run looks a ``sent``
step's receipt up instead of paying for it twice. Writes are atomic (a temporary file renamed over the
old one), so a run killed at any point leaves a readable manifest.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = "dualtrack.deployment/1"


class ManifestError(Exception):
    """The manifest cannot be used as asked (one plain sentence)."""


@dataclass(frozen=True)
class ContractRecord:
    """Where one contract is and how it got there."""

    address: str
    abi: str
    tx_hash: str | None
    block: int | None
    code_hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "abi": self.abi,
            "txHash": self.tx_hash,
            "block": self.block,
            "codeHash": self.code_hash,
        }


class Manifest:
    """A deployment's record; ``path`` None keeps it in memory (tests, benchmarks)."""

    def __init__(self, data: dict[str, Any], path: Path | None = None) -> None:
        self.data = data
        self.path = path

    # ---------------------------------------------------------------- creation

    @classmethod
    def new(
        cls,
        *,
        network: str,
        chain_id: int,
        deployer: str,
        config: dict[str, Any],
        config_digest: str,
        rpc_url: str | None = None,
        path: Path | None = None,
    ) -> Manifest:
        data = {
            "schema": SCHEMA,
            "network": {"name": network, "chainId": chain_id, "rpcUrl": rpc_url},
            "deployer": deployer,
            "configDigest": config_digest,
            "config": config,
            "contracts": {},
            "oracle": {},
            "steps": {},
            "complete": False,
        }
        return cls(data, path)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise ManifestError(f"cannot read the manifest {path}: {error}") from None
        if data.get("schema") != SCHEMA:
            raise ManifestError(f"{path} is not a dualtrack deployment manifest (schema {data.get('schema')!r})")
        return cls(data, path)

    def save(self) -> None:
        """Write atomically (no-op in memory)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        with os.fdopen(descriptor, "w") as handle:
            json.dump(self.data, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    # ---------------------------------------------------------------- identity

    @property
    def chain_id(self) -> int:
        return int(self.data["network"]["chainId"])

    @property
    def network(self) -> str:
        return str(self.data["network"]["name"])

    @property
    def deployer(self) -> str:
        return str(self.data["deployer"])

    @property
    def config_digest(self) -> str:
        return str(self.data["configDigest"])

    @property
    def complete(self) -> bool:
        return bool(self.data.get("complete"))

    @complete.setter
    def complete(self, value: bool) -> None:
        self.data["complete"] = value

    # ------------------------------------------------------------------- steps

    def step(self, key: str) -> dict[str, Any] | None:
        return self.data["steps"].get(key)

    def mark_sent(self, key: str, tx_hash: str, nonce: int | None) -> None:
        self.data["steps"][key] = {"status": "sent", "txHash": tx_hash, "nonce": nonce}
        self.save()

    def mark_mined(self, key: str, *, tx_hash: str | None, block: int | None, gas_used: int) -> None:
        previous = self.data["steps"].get(key) or {}
        self.data["steps"][key] = {
            "status": "mined",
            "txHash": tx_hash,
            "nonce": previous.get("nonce"),
            "block": block,
            "gasUsed": gas_used,
        }
        self.save()

    def mined_steps(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for key, record in self.data["steps"].items():
            if record.get("status") == "mined":
                yield key, record

    # --------------------------------------------------------------- contracts

    def set_contract(self, key: str, record: ContractRecord) -> None:
        """Record the contract at dotted ``key`` (below ``contracts``, e.g. ``tsla.token``)."""
        node = self.data["contracts"]
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = record.as_json()

    def contract(self, key: str) -> dict[str, Any]:
        """The record at ``contracts.<key>``; :class:`ManifestError` if there is none."""
        value = self.get(f"contracts.{key}")
        if not isinstance(value, dict) or "address" not in value:
            raise ManifestError(f"the manifest has no contract contracts.{key}")
        return value

    def address(self, key: str) -> str:
        return str(self.contract(key)["address"])

    def has_contract(self, key: str) -> bool:
        value = self.get(f"contracts.{key}")
        return isinstance(value, dict) and "address" in value

    def contracts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every contract record, as (dotted key below ``contracts``, record)."""

        def walk(prefix: str, node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
            for name, value in node.items():
                key = f"{prefix}.{name}" if prefix else name
                if isinstance(value, dict) and "address" in value:
                    yield key, value
                elif isinstance(value, dict):
                    yield from walk(key, value)

        yield from walk("", self.data["contracts"])

    def set(self, key: str, value: Any) -> None:
        """Set any dotted ``key`` (e.g. ``oracle.feeds.TSLA``)."""
        node = self.data
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    def get(self, key: str) -> Any:
        """The value at dotted ``key``, or None."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node
