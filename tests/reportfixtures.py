"""Building official-layout data folders for pipeline tests (from embedded or reference data)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from leefbaarlib import leefbaarometer as lbm

REF = 4.102264851144
OFFICIAL_ORDER = ["lbm", "afw", "fys", "onv", "soc", "vrz", "won"]


def write_official(df: pd.DataFrame, niveau: str, path: Path) -> Path:
    """Write a scores frame (leefbaarlib columns) as an official open-data CSV."""
    prefix = {"buurt": "bu", "wijk": "wk", "gemeente": "gm"}[niveau]
    out = pd.DataFrame(
        {f"{prefix}_code": df["code"], f"{prefix}_naam": df["naam"], "jaar": df["jaar"]}
    )
    for c in OFFICIAL_ORDER:
        out[c] = df[c]
    out.to_csv(path, index=False, na_rep="NA", float_format="%.15g")
    return path


def from_wfs(features: list[dict], niveau: str) -> pd.DataFrame:
    """Scores in leefbaarlib columns from WFS features (2024 only).

    The WFS rounds to 6 decimals, so ``afw`` is taken as the sum of the dimensions (the official
    identity) and ``lbm = afw + reference``; the class checks use the WFS values as they are.
    """
    rows = []
    for f in features:
        p = f["properties"]
        raw = p["raw"]
        dims = {d: float(raw[d]) for d in lbm.DIMENSIES}
        afw = sum(dims.values())
        rows.append({"code": p["code"], "naam": p["naam"], "jaar": 2024, "lbm": afw + REF,
                     "afw": afw, **dims})  # fmt: skip
    return pd.DataFrame(rows)


def reference_folder(reference_dir: Path, gemeente: str, provincie: str, target: Path) -> Path:
    """An official-download-like folder for one gemeente from the reference data.

    Gemeente and buurt scores 2024 and buurt boundaries come from the reference WFS extract; the
    wijk series comes from the embedded national wijk file (the same meting 2024 release).
    """
    target.mkdir(parents=True, exist_ok=True)
    base = reference_dir / "leefbaarometer-2024-wfs"
    gem = json.loads((base / "gemeenten.geojson").read_text(encoding="utf-8"))["features"]
    gem = [f for f in gem if f["properties"]["code"] == gemeente]
    write_official(from_wfs(gem, "gemeente"), "gemeente",
                   target / "Leefbaarometer-scores gemeenten 2002-2024.csv")  # fmt: skip
    bu = json.loads((base / "buurten" / f"{provincie}.geojson").read_text(encoding="utf-8"))
    feats = [f for f in bu["features"] if f["properties"]["code"][2:6] == gemeente[2:]]
    write_official(from_wfs(feats, "buurt"), "buurt",
                   target / "Leefbaarometer-scores buurten 2002-2024.csv")  # fmt: skip
    g = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")[["code", "naam", "geometry"]]
    g.rename(columns={"code": "bu_code", "naam": "bu_naam"}).to_file(
        target / "buurt_2024.geojson", driver="GeoJSON"
    )
    wijken = lbm.load_scores("wijk", gemeente)
    write_official(wijken, "wijk", target / "Leefbaarometer-scores wijken 2002-2024.csv")
    return target


def national_reference_folder(reference_dir: Path, target: Path) -> Path:
    """Official-layout folder with all 342 gemeenten and all 12,147 buurten (2024) from reference.

    Only gemeente and buurt levels, as in the reference extract: wijk scores then come from the
    embedded data where it has them.
    """
    target.mkdir(parents=True, exist_ok=True)
    base = reference_dir / "leefbaarometer-2024-wfs"
    gem = json.loads((base / "gemeenten.geojson").read_text(encoding="utf-8"))["features"]
    write_official(from_wfs(gem, "gemeente"), "gemeente",
                   target / "Leefbaarometer-scores gemeenten 2002-2024.csv")  # fmt: skip
    index = json.loads((base / "buurten" / "index.json").read_text())
    frames = []
    for prov in index.values():
        feats = json.loads((base / prov["file"]).read_text(encoding="utf-8"))["features"]
        frames.append(from_wfs(feats, "buurt"))
    write_official(pd.concat(frames, ignore_index=True), "buurt",
                   target / "Leefbaarometer-scores buurten 2002-2024.csv")  # fmt: skip
    return target
