"""Benchmark: batch reports for the first K gemeenten of the reference data, at 1 and N workers,
against executing the same notebooks reduced to their imports; projects the whole country.

The reference data (../shared/data/reference) is read into a temporary official-layout folder
for the measurement only. Usage: python bench/bench_batch.py [-k 6] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_report import run_baseline  # noqa: E402
from leefbaarlib import batch, config, rapport  # noqa: E402
from tests.reportfixtures import national_reference_folder  # noqa: E402

N_GEMEENTEN = 342


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", type=int, default=6)
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
        t0 = time.perf_counter()
        for i in range(len(codes)):
            (tmp / f"base{i}").mkdir()
            run_baseline(tmp / f"base{i}", steps)
        base = (time.perf_counter() - t0) / len(codes)
        t0 = time.perf_counter()
        r1 = batch.run_batch(codes, out=tmp / "w1", workers=1, data_dir=data, voortgang=False)
        t1 = (time.perf_counter() - t0) / len(codes)
        t0 = time.perf_counter()
        rn = batch.run_batch(codes, out=tmp / "wn", workers=args.workers, data_dir=data,
                             voortgang=False)  # fmt: skip
        tn = (time.perf_counter() - t0) / len(codes)
    fails = [u.gemeente for u in r1 + rn if u.status != "ok"]
    print(f"gemeenten: {', '.join(codes)}   steps: {steps}   failures: {fails or 'none'}")
    print(f"imports only (same notebooks), 1 at a time:  {base:6.1f} s per gemeente")
    print(
        f"batch, 1 worker:                             {t1:6.1f} s per gemeente   ratio {t1 / base:4.2f}"
    )
    print(f"batch, {args.workers} workers:                            {tn:6.1f} s per gemeente   "
          f"speed-up {t1 / tn:4.2f}")  # fmt: skip
    proj = N_GEMEENTEN * tn / 60
    print(
        f"projection, {N_GEMEENTEN} gemeenten with steps {steps}: {proj:5.1f} min at {args.workers} workers"
    )
    per_stap = proj / len(steps)
    print(f"projection, four steps (if each step costs what the present ones do): {per_stap * 4:5.1f} min "
          "(goal: under 20 min)")  # fmt: skip


if __name__ == "__main__":
    main()
