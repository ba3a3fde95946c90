"""Shared pieces of the deployment tests: configurations built from the shipped files, TOML out."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from dualtrack.deployment import DeploymentConfig, parse_config
from dualtrack.paths import PROJECT_ROOT

LOCAL_TOML = PROJECT_ROOT / "deploy" / "local.toml"
SEPOLIA_TOML = PROJECT_ROOT / "deploy" / "base-sepolia.toml"
INLINE_TABLES = {"holdings"}  # written `holdings = { TSLA = 100 }`


def local_data() -> dict[str, Any]:
    """deploy/local.toml as data (a fresh copy to edit)."""
    return copy.deepcopy(tomllib.loads(LOCAL_TOML.read_text()))


def sepolia_data() -> dict[str, Any]:
    """deploy/base-sepolia.toml, the template a deployer copies, as data."""
    return copy.deepcopy(tomllib.loads(SEPOLIA_TOML.read_text()))


def toml_text(data: dict[str, Any]) -> str:
    """A TOML document for ``data`` (tables, arrays of tables, strings, numbers, booleans, lists)."""
    lines: list[str] = []

    def scalar(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return repr(value)
        if isinstance(value, str):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(value, list):
            return "[" + ", ".join(scalar(item) for item in value) + "]"
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{key} = {scalar(item)}" for key, item in value.items()) + " }"
        raise TypeError(f"no TOML for {value!r}")

    def table(prefix: str, node: dict[str, Any], header: str | None) -> None:
        if header is not None:
            lines.append(header)
        nested = []
        for key, value in node.items():
            if (isinstance(value, dict) and key not in INLINE_TABLES) or (
                isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
            ):
                nested.append((key, value))
            else:
                lines.append(f"{key} = {scalar(value)}")
        for key, value in nested:
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, list):
                for item in value:
                    table(name, item, f"[[{name}]]")
            else:
                table(name, value, f"[{name}]")

    table("", data, None)
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_config() -> Callable[..., DeploymentConfig]:
    """deploy/local.toml with ``edit(data)`` applied, validated."""

    def make(edit: Callable[[dict[str, Any]], None] | None = None) -> DeploymentConfig:
        data = local_data()
        if edit is not None:
            edit(data)
        return parse_config(data)

    return make
