"""Convert ../shared/data/embed into the compact embedded data under data/ (the provenance script).

Run with `make data`. What it does to each source file is written in data/README.md; this script is
the exact record. It validates every Leefbaarometer row with the same rules the loader applies.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from leefbaarlib import config, geo
from leefbaarlib.leefbaarometer import read_official_csv

PRECISION_M = 1.0  # coordinates rounded to whole metres in RD New (sources are generalised anyway)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    src = config.embed_dir()
    lbm_src = src / "leefbaarometer"
    geo_src = src / "geometry"
    if not src.is_dir():
        print(f"source folder {src} not found (set LEEFBAAR_EMBED_DIR)", file=sys.stderr)
        return 1
    config.LBM_DIR.mkdir(parents=True, exist_ok=True)
    config.GEOMETRY_DIR.mkdir(parents=True, exist_ok=True)
    manifest = {"release": config.DEFAULT_RELEASE, "bronnen": {}, "bestanden": {}}

    # --- Leefbaarometer scores -------------------------------------------------------------------
    buurt_csv = lbm_src / "Leefbaarometer-scores_buurten_GM0014.csv"
    wijk_gm0014_csv = lbm_src / "Leefbaarometer-scores_wijken_GM0014.csv"
    wijk_nl_csv = lbm_src / "Leefbaarometer-scores_wijken_nationaal_deel.csv"
    buurt = read_official_csv(buurt_csv)
    wijk = read_official_csv(wijk_nl_csv)
    wijk_gm0014 = read_official_csv(wijk_gm0014_csv)
    # The national file and the separately obtained Groningen file must agree exactly.
    a = wijk[wijk["gemeente"] == "GM0014"].reset_index(drop=True)
    b = wijk_gm0014.reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    listed = (lbm_src / "gemeenten_in_wijken_nationaal_deel.txt").read_text().split()
    listed = [x for x in listed if x.startswith("GM")]
    covered = sorted(wijk["gemeente"].unique())
    if listed and sorted(listed) != covered:
        print(f"gemeenten in the wijk file differ from the list: {set(listed) ^ set(covered)}")
        return 1
    for niveau, df, sources in (
        ("buurt", buurt, [buurt_csv]),
        ("wijk", wijk, [wijk_nl_csv, wijk_gm0014_csv]),
    ):
        out = config.LBM_DIR / f"scores_{niveau}.parquet"
        df.to_parquet(out, index=False, compression="zstd")
        manifest["bestanden"][str(out.relative_to(config.DATA_DIR))] = {
            "rijen": len(df),
            "gebieden": int(df["code"].nunique()),
            "gemeenten": int(df["gemeente"].nunique()),
            "jaren": sorted(int(j) for j in df["jaar"].unique()),
        }
        for s in sources:
            manifest["bronnen"][s.name] = sha256(s)

    # --- Geometry ---------------------------------------------------------------------------------
    gem = geo.read_file(geo_src / "gemeente_2024.topojson")
    gemeenten = gem[["code", "naam"]].sort_values("code").reset_index(drop=True)
    gemeenten.to_csv(config.DATA_DIR / "gemeenten.csv", index=False)
    wijk_nl = geo.read_file(geo_src / "wijk_2024.topojson")
    wijk_gm = geo.read_file(geo_src / "wijk_2024_GM0014.geojson")
    # Groningen: the dedicated RD file (drawn to match the buurt file); elsewhere the national layer.
    wijk_geo = pd.concat(
        [wijk_nl[wijk_nl["gemeente"] != "GM0014"], wijk_gm], ignore_index=True
    ).sort_values("code")
    buurt_geo = geo.read_file(geo_src / "buurt_2022_GM0014.geojson")
    for name, gdf, source in (
        ("gemeente_2024.parquet", gem, ["gemeente_2024.topojson"]),
        ("wijk_2024.parquet", wijk_geo, ["wijk_2024.topojson", "wijk_2024_GM0014.geojson"]),
        ("buurt_2022.parquet", buurt_geo, ["buurt_2022_GM0014.geojson"]),
    ):
        gdf = gpd.GeoDataFrame(gdf, crs=config.CRS_RD).reset_index(drop=True)
        gdf["geometry"] = gdf.geometry.set_precision(PRECISION_M).make_valid()
        gdf["geometry"] = gdf.geometry.apply(geo._polygonal)
        invalid = int((~gdf.is_valid).sum())
        if invalid:
            print(f"{name}: {invalid} invalid geometries after conversion")
            return 1
        out = config.GEOMETRY_DIR / name
        gdf.to_parquet(out, index=False, compression="zstd")
        manifest["bestanden"][str(out.relative_to(config.DATA_DIR))] = {
            "gebieden": len(gdf),
            "crs": config.CRS_RD,
        }
        for s in source:
            manifest["bronnen"][s] = sha256(geo_src / s)
    manifest["bestanden"]["gemeenten.csv"] = {"gemeenten": len(gemeenten)}

    with open(config.DATA_DIR / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    total = sum(p.stat().st_size for p in config.DATA_DIR.rglob("*") if p.is_file())
    print(json.dumps(manifest["bestanden"], indent=1))
    print(f"data/ holds {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
