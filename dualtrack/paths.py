"""Where the project's tools live, resolved from the repository root."""

from __future__ import annotations

import os
import platform
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = PROJECT_ROOT / "node_modules"
BUILD_DIR = PROJECT_ROOT / ".build"
REPORTS_DIR = PROJECT_ROOT / "reports"
ABI_DIR = PROJECT_ROOT / "interfaces" / "abi"
DEPLOYMENTS_DIR = PROJECT_ROOT / "deployments"

_NPM_PLATFORM = {
    ("Linux", "x86_64"): "linux-amd64",
    ("Linux", "aarch64"): "linux-arm64",
    ("Darwin", "x86_64"): "darwin-amd64",
    ("Darwin", "arm64"): "darwin-arm64",
}


def foundry_binary(tool: str) -> Path:
    """Return the native Foundry binary shipped by ``@foundry-rs/<tool>-<platform>``.

    The npm ``bin`` entry is a Node wrapper; killing it can orphan the native
    child, so the node manager always runs the native binary directly.
    """
    override = os.environ.get(f"DUALTRACK_{tool.upper()}")
    if override:
        return Path(override)
    suffix = _NPM_PLATFORM.get((platform.system(), platform.machine()))
    if suffix is None:
        raise RuntimeError(f"no @foundry-rs/{tool} build for {platform.system()} {platform.machine()}")
    binary = NODE_MODULES / "@foundry-rs" / f"{tool}-{suffix}" / "bin" / tool
    if not binary.exists():
        raise FileNotFoundError(f"{binary} is missing: run `make install` (npm ci) first")
    return binary
