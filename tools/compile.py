"""Compile every project source with Ape, or fail: never a partial build that exits 0.

Ape finds a project's sources by walking `contracts/` with a cap of 500 files. Its Solidity plugin
unpacks the npm dependencies (OpenZeppelin, about 600 files) into `contracts/.cache` during a
compile; a compile that fails leaves that copy behind, and the next compile then walks into it,
finds only part of the project's own sources, compiles those and exits 0, leaving every other
artifact stale. So this script:

1. removes `contracts/.cache` before compiling (a leftover can only hide sources) and the previous
   build manifest (Ape keeps the artifacts of deleted sources in it);
2. runs `ape compile --force` (every source; Ape would otherwise skip contracts whose own text did
   not change even when an imported base did);
3. removes `contracts/.cache` afterwards, whether the compile passed or failed (the artifacts are in
   `.build`; `ape run` looks sources up by the same capped walk);
4. checks the build: every `.sol` file under `contracts/` is in the build manifest with exactly
   the text on disk, and every artifact comes from such a source. Otherwise it exits 1 and names
   the missing or stale sources.

Usage: python tools/compile.py [--quiet]
  --quiet  show Ape's output only when the compile fails
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
DEPENDENCY_CACHE = CONTRACTS / ".cache"
MANIFEST = ROOT / ".build" / "__local__.json"


def project_sources(contracts: Path = CONTRACTS) -> dict[str, str]:
    """The sources Ape must compile: {source id: text} of every `.sol` under `contracts/`.

    Hidden folders (the dependency cache) and symlinked folders (`contracts/interfaces`, compiled
    as imports) are not project sources, exactly as in Ape's own walk.
    """
    sources: dict[str, str] = {}
    for folder, subfolders, files in os.walk(contracts, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            if name.endswith(".sol") and not name.startswith("."):
                path = Path(folder) / name
                sources[str(path.relative_to(contracts.parent))] = path.read_text()
    return sources


def build_problems(manifest_path: Path = MANIFEST, contracts: Path = CONTRACTS) -> list[str]:
    """Why the build in `manifest_path` does not match the sources on disk (empty: it does)."""
    if not manifest_path.is_file():
        return [f"no build manifest at {manifest_path}"]
    manifest = json.loads(manifest_path.read_text())
    built = {source_id: entry.get("content") for source_id, entry in (manifest.get("sources") or {}).items()}
    problems: list[str] = []
    for source_id, text in project_sources(contracts).items():
        if source_id not in built:
            problems.append(f"not compiled: {source_id}")
        elif built[source_id] != text:
            problems.append(f"stale artifact (source changed since): {source_id}")
    on_disk = set(project_sources(contracts))
    for source_id in sorted(set(built) - on_disk):
        problems.append(f"artifact of a source that no longer exists: {source_id}")
    for name, contract_type in (manifest.get("contractTypes") or {}).items():
        if contract_type.get("sourceId") not in on_disk:
            problems.append(f"contract {name} comes from {contract_type.get('sourceId')}, not a project source")
    return problems


def compile_all(quiet: bool = False) -> int:
    """Run the whole compile and the check; return the exit status."""
    shutil.rmtree(DEPENDENCY_CACHE, ignore_errors=True)
    MANIFEST.unlink(missing_ok=True)
    try:
        result = subprocess.run(
            ["ape", "compile", "--force"],
            cwd=ROOT,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            text=True,
        )
    finally:
        shutil.rmtree(DEPENDENCY_CACHE, ignore_errors=True)
    if result.returncode != 0:
        if quiet and result.stdout:
            sys.stdout.write(result.stdout)
        print(f"compile failed (ape exited {result.returncode})", file=sys.stderr)
        return result.returncode
    problems = build_problems()
    if problems:
        print(f"compile incomplete: {len(problems)} problem(s) with the build", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    count = len(project_sources())
    print(f"compiled {count} sources; every artifact matches its source")
    return 0


if __name__ == "__main__":
    sys.exit(compile_all(quiet="--quiet" in sys.argv[1:]))
