"""The class boundaries of data/klassen.yaml reproduce the official 2024 classes (reference data)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from leefbaarlib import leefbaarometer as lbm

pytestmark = pytest.mark.reference

KLASSE_SOORTEN = {
    "kscore": ("afw", "score"),
    "kafw": ("afw", "afwijking"),
    **{f"k{d}": (d, "afwijking") for d in lbm.DIMENSIES},
}


def _official(features) -> pd.DataFrame:
    rows = []
    for f in features:
        raw = f["properties"]["raw"]
        rows.append({"code": f["properties"]["code"], **raw})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def wfs(reference_dir):
    base = reference_dir / "leefbaarometer-2024-wfs"
    with open(base / "gemeenten.geojson", encoding="utf-8") as f:
        gemeenten = _official(json.load(f)["features"])
    index = json.loads((base / "buurten" / "index.json").read_text())
    buurten = []
    for prov in index.values():
        with open(base / prov["file"], encoding="utf-8") as f:
            buurten.append(_official(json.load(f)["features"]))
    return {"gemeenten": gemeenten, "buurten": pd.concat(buurten, ignore_index=True)}


def agreement(df: pd.DataFrame) -> dict[str, float]:
    out = {}
    for k, (col, soort) in KLASSE_SOORTEN.items():
        computed = lbm.klasse(df[col], soort, "meting 2024")
        official = pd.to_numeric(df[k])
        ok = computed.astype("float") == official
        out[k] = ok.mean()
    return out


def test_reference_counts(wfs):
    assert len(wfs["buurten"]) == 12147
    assert len(wfs["gemeenten"]) == 342


def test_buurt_classes_match_official(wfs):
    a = agreement(wfs["buurten"])
    print("\nclass agreement, 12,147 buurten:")
    for k, v in a.items():
        print(f"  {k:7s} {v:.4%}")
    assert all(v >= 0.999 for v in a.values()), a


def test_gemeente_classes_match_official(wfs):
    a = agreement(wfs["gemeenten"])
    print("\nclass agreement, 342 gemeenten:")
    for k, v in a.items():
        print(f"  {k:7s} {v:.4%}")
    assert all(v == 1.0 for v in a.values()), a
