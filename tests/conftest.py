"""Shared fixtures: the reference data folder (skip when absent) and small official-layout files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from leefbaarlib import config, geo, leefbaarometer

HEADER = '"bu_code","bu_naam","jaar","lbm","afw","fys","onv","soc","vrz","won"'
REF = 4.102264851144


def official_row(code: str, naam: str, jaar: int, afw: float, dims=None) -> str:
    """One row in the official layout; dims (won, fys, vrz, soc, onv) default to a split of afw."""
    if dims is None:
        dims = (afw * 0.1, afw * 0.2, afw * 0.3, afw * 0.25, afw * 0.15)
    won, fys, vrz, soc, onv = dims
    lbm = afw + REF
    return f'"{code}","{naam}",{jaar},{lbm!r},{afw!r},{fys!r},{onv!r},{soc!r},{vrz!r},{won!r}'


@pytest.fixture
def official_csv(tmp_path):
    """Write an official-layout CSV from rows and return its path."""

    def write(rows: list[str], header: str = HEADER, name="scores.csv", encoding="utf-8") -> Path:
        p = tmp_path / name
        p.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
        return p

    return write


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    d = config.reference_dir()
    if not (d / "leefbaarometer-2024-wfs").is_dir():
        pytest.skip(f"reference data not found at {d} (set LEEFBAAR_REFERENCE_DIR); tests only")
    return d


@pytest.fixture(autouse=True)
def _fresh_caches():
    yield
    leefbaarometer.clear_caches()
    geo.clear_caches()


def chromium_path() -> str | None:
    for p in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if p and Path(p).exists():
            return p
    return None


@pytest.fixture(scope="session")
def groningen(tmp_path_factory):
    """The default report (all available steps for Groningen), built once per test session."""
    from leefbaarlib import rapport

    return rapport.maak_rapport("Groningen", out=tmp_path_factory.mktemp("reports"))
