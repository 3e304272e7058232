"""Benchmark: batch reports for the first K gemeenten of the reference data, at 1 and N workers,
against executing the same four notebooks reduced to their imports; projects the whole country.

The reference data (../shared/data/reference) is read into a temporary official-layout folder
for the measurement only. Two imports-only floors are printed: papermill's default (a fresh
kernel per notebook, ~what every notebook costs before it computes anything) and the batch's own
way (one warm kernel per worker, where imports are paid once per worker).

Usage: python bench/bench_batch.py [-k 10] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_report import run_baseline, run_baseline_papermill  # noqa: E402
from leefbaarlib import batch, config, rapport  # noqa: E402
from leefbaarlib.uitvoering import STAP_MODULES, WarmeKernel  # noqa: E402
from tests.reportfixtures import national_reference_folder  # noqa: E402

N_GEMEENTEN = 342
DOEL_MINUTEN = 20


def _run(codes, out, workers, data):
    t0 = time.perf_counter()
    r = batch.run_batch(codes, out=out, workers=workers, data_dir=data, voortgang=False)
    return time.perf_counter() - t0, r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    ref = config.reference_dir()
    if not (ref / "leefbaarometer-2024-wfs").is_dir():
        raise SystemExit(f"reference data not found at {ref}")
    steps = rapport.beschikbare_stappen()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = national_reference_folder(ref, tmp / "download")
        codes = batch.kies_gemeenten([], True, data)[: args.k]
        # floors: two gemeenten' worth of imports-only runs each way
        (tmp / "pm").mkdir()
        pm_floor = run_baseline_papermill(tmp / "pm", steps)
        with WarmeKernel(voorladen=STAP_MODULES) as k:
            (tmp / "w0").mkdir()
            run_baseline(tmp / "w0", steps, kernel=k)  # first: kernel start and imports
            warm = []
            for i in range(3):
                (tmp / f"w{i + 1}").mkdir()
                warm.append(run_baseline(tmp / f"w{i + 1}", steps, kernel=k))
        warm_floor = statistics.median(warm)
        t1, r1 = _run(codes, tmp / "b1", 1, data)
        tn, rn = _run(codes, tmp / "bn", args.workers, data)
    fails = [u.gemeente for u in r1 + rn if u.status != "ok"]
    per1, pern = t1 / len(codes), tn / len(codes)
    print(f"gemeenten: {', '.join(codes)}   steps: {steps}   failures: {fails or 'none'}")
    print(
        f"imports only, papermill default (fresh kernel per notebook): {pm_floor:6.1f} s per gemeente"
    )
    print(
        f"imports only, warm kernel (after the worker's first):        {warm_floor:6.2f} s per gemeente"
    )
    print(f"batch, 1 worker:  {t1:6.1f} s wall, {per1:5.1f} s per gemeente   "
          f"ratio to papermill floor {per1 / pm_floor:4.2f}")  # fmt: skip
    print(f"batch, {args.workers} workers: {tn:6.1f} s wall, {pern:5.1f} s per gemeente   "
          f"speed-up {t1 / tn:4.2f}")  # fmt: skip
    # per gemeente in one worker, without the worker's first (kernel start and imports)
    eerste = max(u.seconden for u in r1)
    rest = [u.seconden for u in r1 if u.seconden != eerste]
    steady = statistics.mean(rest)
    print(f"per gemeente in a warm worker (1 worker, first excluded): mean {steady:4.1f} s, "
          f"median {statistics.median(rest):4.1f} s, max {max(rest):4.1f} s; first {eerste:4.1f} s")  # fmt: skip
    proj_wall = N_GEMEENTEN * pern / 60
    # the worker's start once, then every gemeente at the warm rate, sped up as measured
    proj_steady = (eerste + N_GEMEENTEN * steady / (t1 / tn)) / 60
    print(f"projection, {N_GEMEENTEN} gemeenten, four steps, {args.workers} workers: "
          f"{proj_wall:5.1f} min from this batch's wall time; "
          f"{proj_steady:5.1f} min from the warm per-gemeente time and the measured speed-up "
          f"(goal: under {DOEL_MINUTEN} min)")  # fmt: skip


if __name__ == "__main__":
    main()
