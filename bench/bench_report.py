"""Benchmark: `leefbaar report` for the default gemeente against the same notebooks reduced to
their imports (kernel start + imports: the floor any report run pays). Prints both and the ratio.

Machines here are noisy: both are measured in the same run, alternating, best of N.
Usage: python bench/bench_report.py [--rounds N] [--gemeente G]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from leefbaarlib import config, gemeenten, rapport


def imports_only(src: Path, dst: Path) -> None:
    """Copy a notebook keeping only its import cell(s) and parameters cell."""
    nb = nbformat.read(src, as_version=4)
    keep = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        tree = ast.parse(c.source)
        is_import = all(isinstance(n, ast.Import | ast.ImportFrom) for n in tree.body)
        if is_import or "parameters" in c.metadata.get("tags", []):
            keep.append(c)
    nb.cells = keep
    nbformat.write(nb, dst)


def run_baseline(out: Path, steps: list[int]) -> float:
    t0 = time.perf_counter()
    for n in steps:
        name = rapport.STAPPEN[n][0]
        reduced = out / f"reduced_{name}"
        imports_only(config.NOTEBOOKS_DIR / name, reduced)
        pm.execute_notebook(str(reduced), str(out / f"done_{name}"), kernel_name="python3",
                            progress_bar=False, cwd=str(config.NOTEBOOKS_DIR))  # fmt: skip
    return time.perf_counter() - t0


def run_full(out: Path, gemeente: str) -> tuple[float, dict[str, int]]:
    t0 = time.perf_counter()
    res = rapport.maak_rapport(gemeente, out=out)
    dt = time.perf_counter() - t0
    if not res.ok:
        raise SystemExit(f"report failed: {[s.fout for s in res.stappen]}")
    sizes = {p.name: p.stat().st_size for p in Path(res.map).glob("*.html")}
    return dt, sizes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--gemeente", default=config.DEFAULT_GEMEENTE)
    args = ap.parse_args()
    gm = gemeenten.zoek(args.gemeente)
    steps = rapport.beschikbare_stappen()
    full, base = [], []
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            d = Path(tmp) / str(i)
            d.mkdir()
            base.append(run_baseline(d, steps))
            t, sizes = run_full(d / "reports", gm.code)
            full.append(t)
    print(f"gemeente: {gm}   steps: {steps}   rounds: {args.rounds}")
    print(
        f"leefbaar report (papermill + HTML):  best {min(full):6.1f} s   median {statistics.median(full):6.1f} s"
    )
    print(
        f"imports only (same notebooks):       best {min(base):6.1f} s   median {statistics.median(base):6.1f} s"
    )
    print(f"ratio (best / best):                 {min(full) / min(base):6.2f}   (target <= 1.5)")
    for name, size in sorted(sizes.items()):
        print(f"  {name:24s} {size / 1e6:6.2f} MB   (target <= 3 MB)")


if __name__ == "__main__":
    main()
