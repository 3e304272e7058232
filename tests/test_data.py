"""The embedded data: counts, identities on every row, joins with the boundaries, provenance."""

from __future__ import annotations

import json

import numpy as np
import pytest

from leefbaarlib import config, geo
from leefbaarlib import leefbaarometer as lbm

YEARS = [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024]


def test_groningen_counts():
    b = lbm.load_scores("buurt", "GM0014")
    w = lbm.load_scores("wijk", "GM0014")
    assert b["code"].nunique() == 133
    assert w["code"].nunique() == 20
    assert sorted(b["jaar"].unique()) == YEARS == sorted(w["jaar"].unique())
    assert len(b) == 1161 and len(w) == 180


def test_national_wijk_counts():
    w = lbm.load_scores("wijk")
    assert w["gemeente"].nunique() == 290
    assert w["code"].nunique() == 2656
    assert len(w) == 23788
    per_year = w.groupby("jaar")["code"].nunique()
    assert per_year[2024] == 2653


@pytest.mark.parametrize("niveau", ["buurt", "wijk"])
def test_validation_rules_hold_on_every_embedded_row(niveau):
    df = lbm.load_scores(niveau)
    ref = lbm.release("meting 2024").referentie
    ok = df["afw"].notna() & df["lbm"].notna()
    assert np.allclose(df.loc[ok, "afw"], df.loc[ok, "lbm"] - ref, atol=1e-6, rtol=0)
    dims = df[list(lbm.DIMENSIES)]
    full = dims.notna().all(axis=1)
    assert np.allclose(dims[full].sum(axis=1), df.loc[full, "afw"], atol=1e-6, rtol=0)
    assert set(df.loc[full, "jaar"]) == {2014, 2018, 2020, 2022, 2024}
    assert df["code"].str.match(lbm.CODE_PATTERNS[niveau].pattern).all()
    assert not df.duplicated(["code", "jaar"]).any()
    assert (df["release"] == "meting 2024").all()


def test_every_embedded_wijk_joins_its_geometry():
    codes = set(lbm.load_scores("wijk")["code"])
    g = geo.load_geometry("wijk")
    assert codes <= set(g["code"])
    assert g.crs.to_epsg() == 28992
    assert g.is_valid.all()


def test_groningen_buurten_join_except_the_renumbered_one():
    codes = set(lbm.load_scores("buurt", "GM0014")["code"])
    g = set(geo.load_geometry("buurt", "GM0014")["code"])
    assert codes - g == {"BU00140110"}


def test_national_gemeente_boundaries():
    g = geo.load_geometry("gemeente")
    assert len(g) == 342 and g.is_valid.all()


def test_manifest_records_release_and_sources():
    m = json.loads((config.DATA_DIR / "manifest.json").read_text())
    assert m["release"] == "meting 2024"
    assert "Leefbaarometer-scores_buurten_GM0014.csv" in m["bronnen"]
    assert (config.DATA_DIR / "README.md").exists()


def test_data_folder_stays_lean():
    total = sum(p.stat().st_size for p in config.DATA_DIR.rglob("*") if p.is_file())
    assert total < 15e6
