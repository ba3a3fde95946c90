"""Make solc <version> available to py-solc-x (ape-solidity), forge and slither.

A native build from py-solc-x is preferred. Where its download host cannot be
reached (these machines have only PyPI, npm and Debian), the npm solc-js shim
(tools/solc-shim.js) is registered under the name py-solc-x looks for, after
checking that its ``--version`` answer matches the pinned version.

Usage: python tools/ensure_solc.py <version> <solcx-binary-dir>
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHIM = Path(__file__).resolve().parent / "solc-shim.js"


def reported_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "--version"], check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1].removeprefix("Version: ").split("+")[0]


def main(version: str, install_dir: Path) -> int:
    install_dir.mkdir(parents=True, exist_ok=True)
    target = install_dir / f"solc-v{version}"
    if target.exists() and reported_version(target) == version:
        return 0

    import solcx  # imported late: only needed when nothing is installed yet

    try:
        solcx.install_solc(version, solcx_binary_path=install_dir)
        print(f"solc {version}: native build installed by py-solc-x")
        return 0
    except Exception as error:
        print(f"solc {version}: no native build ({type(error).__name__}); using npm solc-js shim")

    if target.is_symlink() or target.exists():
        target.unlink()
    target.symlink_to(SHIM)
    got = reported_version(target)
    if got != version:
        print(f"solc shim reports {got}, expected {version}: check package.json", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
