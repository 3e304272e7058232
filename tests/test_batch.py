"""Batch reports: many gemeenten, failures recorded, resumable, locally and on a Dask cluster."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from leefbaarlib import batch
from leefbaarlib.cli import app

from .reportfixtures import national_reference_folder

pytestmark = pytest.mark.slow

SMALL = ["GM0088", "GM0047"]  # Schiermonnikoog (1 wijk), Veendam (3 wijken)
UNCOVERED = "GM1783"  # Westland: not in the embedded wijk data


@pytest.fixture(scope="module")
def local_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    res = batch.run_batch([*SMALL, UNCOVERED], out=out, workers=2, stappen=[1], voortgang=False)
    return out, res


def test_failure_does_not_stop_the_others(local_batch):
    out, res = local_batch
    status = {u.gemeente: u.status for u in res}
    assert status == {"GM0088": "ok", "GM0047": "ok", UNCOVERED: "fout"}
    westland = next(u for u in res if u.gemeente == UNCOVERED)
    assert "no Leefbaarometer wijk scores for GM1783" in westland.fout
    for code in SMALL:
        assert (out / code / "1_onderzoek.html").is_file()
        assert (out / code / "index.html").is_file()


def test_summary_and_searchable_index(local_batch):
    out, _ = local_batch
    s = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert s["aantal"] == {"ok": 2, "ongewijzigd": 0, "fout": 1}
    assert {g["gemeente"] for g in s["gemeenten"]} == {*SMALL, UNCOVERED}
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="GM0088/index.html"' in html and 'href="GM0047/index.html"' in html
    assert "Westland" in html and "mislukt" in html
    assert 'id="zoek"' in html and 'type="search"' in html


def test_rerun_skips_unchanged_and_resumes(local_batch):
    out, _ = local_batch
    # an interrupted run: one gemeente's report is gone (as if never finished)
    (out / "GM0047" / "status.json").unlink()
    res = batch.run_batch([*SMALL, UNCOVERED], out=out, workers=2, stappen=[1], voortgang=False)
    status = {u.gemeente: u.status for u in res}
    assert status == {"GM0088": "ongewijzigd", "GM0047": "ok", UNCOVERED: "fout"}


def test_fingerprint_follows_inputs(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    fp1 = batch.vingerafdruk("GM0014", [1], tmp_path)
    assert fp1 == batch.vingerafdruk("GM0014", [1], tmp_path)
    (tmp_path / "a.csv").write_text("xy")
    assert batch.vingerafdruk("GM0014", [1], tmp_path) != fp1
    assert batch.vingerafdruk("GM0014", [1, 2], tmp_path) != batch.vingerafdruk(
        "GM0014", [1], tmp_path
    )


def test_cli_exit_code_lists_failures(tmp_path):
    r = CliRunner().invoke(app, ["batch", "Westland", "--out", str(tmp_path), "--steps", "1"])
    assert r.exit_code == 1
    assert "mislukt: GM1783 Westland" in r.stderr
    r = CliRunner().invoke(app, ["batch", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "--all" in r.stderr


def test_dask_cluster_batch(tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:  # fmt: skip
        res = batch.run_batch(
            ["GM0088", UNCOVERED], out=tmp_path, scheduler=cluster.scheduler_address,
            stappen=[1], voortgang=False,
        )  # fmt: skip
    status = {u.gemeente: u.status for u in res}
    assert status == {"GM0088": "ok", UNCOVERED: "fout"}
    # the files came back from the worker into --out
    assert (tmp_path / "GM0088" / "1_onderzoek.html").stat().st_size > 100_000
    assert json.loads((tmp_path / "GM0088" / "status.json").read_text())["gemeente"] == "GM0088"


@pytest.mark.reference
def test_batch_on_an_official_layout_folder(reference_dir, tmp_path):
    data = national_reference_folder(reference_dir, tmp_path / "download")
    codes = batch.kies_gemeenten([], True, data)
    assert len(codes) == 342
    res = batch.run_batch(["GM0088", "GM0193", UNCOVERED], out=tmp_path / "out", data_dir=data,
                          workers=2, stappen=[1], voortgang=False)  # fmt: skip
    status = {u.gemeente: u.status for u in res}
    assert status == {"GM0088": "ok", "GM0193": "ok", UNCOVERED: "fout"}
    html = (tmp_path / "out" / "GM0193" / "1_onderzoek.html").read_text(encoding="utf-8")
    assert "de officiële gemeentescore" in html and "Wijkscores uit de ingebouwde data" in html
