"""Benchmark: `leefbaar report` for the default gemeente against the same notebooks reduced to
their imports (kernel start + imports: the floor any report run pays). Prints both and the ratio.

The baseline runs the reduced notebooks the way the report runs the real ones: one warm kernel
for the four steps (``WarmeKernel``). For comparison it also runs them the papermill default way,
a fresh kernel per notebook, which is how reports were made before.

Machines here are noisy: all are measured in the same run, alternating, best of N.
Usage: python bench/bench_report.py [--rounds N] [--gemeente G]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from leefbaarlib import config, gemeenten, rapport
from leefbaarlib.uitvoering import STAP_MODULES, WarmeKernel


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


def run_baseline(out: Path, steps: list[int], kernel: WarmeKernel | None = None) -> float:
    """The reduced notebooks in one warm kernel (started here unless one is given)."""
    reduced = []
    for n in steps:
        name = rapport.STAPPEN[n][0]
        reduced.append((out / f"reduced_{name}", out / f"done_{name}"))
        imports_only(config.NOTEBOOKS_DIR / name, reduced[-1][0])
    t0 = time.perf_counter()
    if kernel is None:
        with WarmeKernel(voorladen=STAP_MODULES) as k:
            for src, dst in reduced:
                k.voer_uit(src, dst, {})
    else:
        for src, dst in reduced:
            kernel.voer_uit(src, dst, {})
    return time.perf_counter() - t0


def run_baseline_papermill(out: Path, steps: list[int]) -> float:
    """The reduced notebooks with papermill's defaults: a fresh kernel per notebook."""
    t0 = time.perf_counter()
    for n in steps:
        name = rapport.STAPPEN[n][0]
        reduced = out / f"reduced_{name}"
        imports_only(config.NOTEBOOKS_DIR / name, reduced)
        pm.execute_notebook(str(reduced), str(out / f"pm_{name}"), kernel_name="python3",
                            progress_bar=False, cwd=str(config.NOTEBOOKS_DIR))  # fmt: skip
    return time.perf_counter() - t0


def run_full(out: Path, gemeente: str) -> tuple[float, dict[str, int]]:
    """`leefbaar report` as a user runs it: a new process, start to exit."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "leefbaarlib.cli", "report", gemeente, "--out",
                        str(out)], capture_output=True, text=True)  # fmt: skip
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"report failed:\n{r.stdout}\n{r.stderr}")
    sizes = {p.name: p.stat().st_size for p in (out / gemeente).glob("*.html")}
    return dt, sizes


def run_baseline_proces(out: Path, steps: list[int]) -> float:
    """The warm-kernel baseline in a new process too, start to exit (python startup, runner
    imports, kernel start and the notebooks' imports)."""
    t0 = time.perf_counter()
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from bench.bench_report import run_baseline; "
            "run_baseline(Path(sys.argv[2]), [int(x) for x in sys.argv[3].split(',')])")  # fmt: skip
    subprocess.run([sys.executable, "-c", code, str(config.REPO_DIR), str(out),
                    ",".join(map(str, steps))], check=True)  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--gemeente", default=config.DEFAULT_GEMEENTE)
    ap.add_argument("--zonder-papermill", action="store_true",
                    help="skip the fresh-kernel-per-notebook comparison")  # fmt: skip
    args = ap.parse_args()
    gm = gemeenten.zoek(args.gemeente)
    steps = rapport.beschikbare_stappen()
    full, base, base_pm = [], [], []
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            d = Path(tmp) / str(i)
            d.mkdir()
            # alternate the order so that drift of the machine does not favour one side
            if i % 2 == 0:
                base.append(run_baseline_proces(d, steps))
                t, sizes = run_full(d / "reports", gm.code)
            else:
                t, sizes = run_full(d / "reports", gm.code)
                base.append(run_baseline_proces(d, steps))
            full.append(t)
            if not args.zonder_papermill:
                base_pm.append(run_baseline_papermill(d, steps))
    print(f"gemeente: {gm}   steps: {steps}   rounds: {args.rounds}")
    print(
        f"leefbaar report (new process, papermill + HTML):   best {min(full):6.1f} s   median {statistics.median(full):6.1f} s"
    )
    print(
        f"imports only (new process, same warm kernel):      best {min(base):6.1f} s   median {statistics.median(base):6.1f} s"
    )
    print(f"ratio (best / best):                 {min(full) / min(base):6.2f}   (target <= 1.5)")
    print(
        f"ratio (median / median):             {statistics.median(full) / statistics.median(base):6.2f}"
    )
    if base_pm:
        print(
            f"imports only, papermill default (fresh kernel per notebook): best {min(base_pm):6.1f} s"
            f"   -> report / that: {min(full) / min(base_pm):4.2f}"
        )
    for name, size in sorted(sizes.items()):
        print(f"  {name:24s} {size / 1e6:6.2f} MB   (target <= 3 MB)")


if __name__ == "__main__":
    main()
