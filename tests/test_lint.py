"""ruff lint and format hold for the whole code base (the same check as `make lint`)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leefbaarlib import config

PATHS = ["leefbaarlib", "tests", "scripts", "bench"]


def _ruff() -> str:
    exe = Path(sys.executable).parent / "ruff"
    if exe.exists():
        return str(exe)
    found = shutil.which("ruff")
    if not found:
        pytest.skip("ruff not installed (pip install -e .[dev])")
    return found


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    paths = [p for p in PATHS if (config.REPO_DIR / p).exists()]
    r = subprocess.run(
        [_ruff(), *args, *paths], cwd=config.REPO_DIR, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
