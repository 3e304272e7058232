"""The `leefbaar data` commands: output columns, and one-line errors without traceback."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from leefbaarlib.cli import SHOW_COLUMNS, app

from .conftest import official_row


def run(*args: str):
    """Run the CLI in-process (fast); result has returncode, stdout, stderr like a subprocess."""
    r = CliRunner().invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return subprocess.CompletedProcess(args, r.exit_code, r.stdout, r.stderr)


def test_console_script_prints_one_line_error_without_traceback():
    r = subprocess.run(
        [sys.executable, "-m", "leefbaarlib.cli", "data", "show", "Groningn"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "leefbaar: error: unknown gemeente 'Groningn'; did you mean Groningen, "
        "Midden-Groningen, Wageningen?"
    )


def test_data_show_wijken_2024_csv():
    r = run("data", "show", "Groningen", "--level", "wijk", "--jaar", "2024", "--format", "csv")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(io.StringIO(r.stdout))
    assert list(df.columns) == SHOW_COLUMNS
    assert len(df) == 20
    centrum = df[df["code"] == "WK001400"].iloc[0]
    assert centrum["naam"] == "Centrum" and centrum["gemeente"] == "GM0014"
    assert centrum["klasse"] == 8 and centrum["klasse_vrz"] == 9
    assert centrum["release"] == "meting 2024"


def test_data_show_old_year_has_empty_dimension_classes():
    r = run("data", "show", "14", "--level", "buurt", "--jaar", "2002", "--format", "csv")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(io.StringIO(r.stdout))
    assert df["klasse_won"].isna().all() and df["klasse"].notna().any()


def test_data_show_all_and_table():
    r = run("data", "show", "--all", "--level", "wijk", "--jaar", "2024", "--format", "csv")
    df = pd.read_csv(io.StringIO(r.stdout))
    assert len(df) == 2653 and df["gemeente"].nunique() == 290
    r = run("data", "show", "Groningen")
    assert "Centrum" in r.stdout and "meting 2024" in r.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["data", "show", "Groningn"], "unknown gemeente 'Groningn'; did you mean Groningen"),
        (["data", "show", "Groningen", "--level", "gemeente"], "no Leefbaarometer gemeente"),
        (["data", "show", "Groningen", "--jaar", "2003"], "no wijk scores for jaar 2003"),
        (["data", "show", "Groningen", "--level", "pc4"], "--level must be one of"),
        (["data", "show", "Groningen", "--data-dir", "/nonexistent"], "does not exist"),
    ],
)
def test_errors_are_one_line_without_traceback(args, message):
    r = run(*args)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr


def test_bad_file_in_data_dir(tmp_path):
    header = '"bu_code","bu_naam","jaar","lbm","afw","fys","onv","soc","vrz","won"'
    good = official_row("BU00140000", "A", 2024, 0.1)
    bad = '"BU00140001","B",2024,4.1,0.0,x,0,0,0,0'
    (tmp_path / "b.csv").write_text("\n".join([header, good, bad]) + "\n")
    r = run("data", "show", "Groningen", "--level", "buurt", "--data-dir", str(tmp_path))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "row 3, column 'fys': value 'x' is not a number" in r.stderr


def test_data_gemeenten_lists_coverage():
    r = run("data", "gemeenten", "--format", "csv")
    df = pd.read_csv(io.StringIO(r.stdout))
    assert len(df) == 290
    gr = df[df["gemeente"] == "GM0014"].iloc[0]
    assert gr["n_buurt"] == 133 and gr["n_wijk"] == 20


def test_report_for_an_uncovered_gemeente_names_the_download():
    r = run("report", "Westland", "--out", "/tmp/leefbaar-unused")
    assert r.returncode == 2
    assert "no Leefbaarometer wijk scores for GM1783 in the embedded data" in r.stderr
    assert "--data-dir" in r.stderr


def test_report_rejects_bad_steps():
    r = run("report", "Groningen", "--steps", "1,x")
    assert r.returncode == 2 and "--steps must be numbers" in r.stderr
    r = run("report", "Groningen", "--steps", "7")
    assert r.returncode == 2 and "steps 1 to 4" in r.stderr
