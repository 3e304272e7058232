"""Area geometry (CBS gemeente, wijk and buurt boundaries) in RD New, from embedded data or a folder."""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import config
from .leefbaarometer import CODE_PATTERNS, NoDataError, gemeente_van

#: Columns of every geometry frame this module returns.
COLUMNS = ["code", "naam", "gemeente", "niveau", "geometry"]
#: Names of the code column in CBS files and official downloads, in order of preference.
CODE_CANDIDATES = (
    "statcode",
    "bu_code",
    "wk_code",
    "gm_code",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "code",
)
NAME_CANDIDATES = (
    "statnaam",
    "bu_naam",
    "wk_naam",
    "gm_naam",
    "buurtnaam",
    "wijknaam",
    "gemeentenaam",
    "naam",
)
EMBEDDED = {
    "gemeente": "gemeente_2024.parquet",
    "wijk": "wijk_2024.parquet",
    "buurt": "buurt_2022.parquet",
}
GEO_SUFFIXES = (".gpkg", ".geojson", ".json", ".parquet", ".topojson", ".shp")


def normalise(gdf: gpd.GeoDataFrame, source: str = "") -> gpd.GeoDataFrame:
    """Bring a CBS boundary layer into the canonical form: COLUMNS, EPSG:28992, valid polygons.

    A layer without a CRS (or read as WGS84 while its coordinates are clearly metres, as GDAL does
    with GeoJSON that has no ``crs`` member) is taken to be RD New; CBS files often name no CRS.
    """
    cols = {c.lower(): c for c in gdf.columns}
    code_col = next((cols[c] for c in CODE_CANDIDATES if c in cols), None)
    if code_col is None:
        raise NoDataError(
            f"{source}: no column with CBS codes (expected one of {', '.join(CODE_CANDIDATES)})"
        )
    name_col = next((cols[c] for c in NAME_CANDIDATES if c in cols), code_col)
    codes = gdf[code_col].astype("string").str.strip()
    niveau = next(
        (n for n, pat in CODE_PATTERNS.items() if codes.dropna().str.match(pat.pattern).all()),
        None,
    )
    if niveau is None or codes.isna().all():
        raise NoDataError(f"{source}: column {code_col!r} does not hold CBS GM/WK/BU codes")
    minx, miny, maxx, maxy = gdf.total_bounds
    looks_metric = max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90
    if gdf.crs is None:
        gdf = gdf.set_crs(config.CRS_RD if looks_metric else config.CRS_WGS84)
    elif gdf.crs.is_geographic and looks_metric:
        # GeoJSON without a crs member is read as WGS84 by GDAL; CBS RD files are such files.
        gdf = gdf.set_crs(config.CRS_RD, allow_override=True)
    gdf = gdf.to_crs(config.CRS_RD)
    geom = gdf.geometry.make_valid()
    out = gpd.GeoDataFrame(
        {
            "code": codes,
            "naam": gdf[name_col].astype("string"),
            "gemeente": codes if niveau == "gemeente" else gemeente_van(codes).values,
            "niveau": niveau,
        },
        geometry=geom.values,
        crs=config.CRS_RD,
    )
    # make_valid can return GeometryCollections with stray lines: keep the polygonal part.
    out["geometry"] = out.geometry.apply(_polygonal)
    return out[COLUMNS]


def _polygonal(g):
    from shapely.geometry import GeometryCollection, MultiPolygon, Polygon

    if g is None or isinstance(g, Polygon | MultiPolygon):
        return g
    if isinstance(g, GeometryCollection):
        polys = []
        for part in g.geoms:
            if isinstance(part, Polygon):
                polys.append(part)
            elif isinstance(part, MultiPolygon):
                polys.extend(part.geoms)
        return MultiPolygon(polys) if polys else None
    return None


def read_file(path: str | Path) -> gpd.GeoDataFrame:
    """Read a boundary file (GeoPackage, GeoJSON, TopoJSON, GeoParquet, shapefile) and normalise."""
    path = Path(path)
    if path.suffix == ".parquet":
        gdf = gpd.read_parquet(path)
    else:
        gdf = gpd.read_file(path)
    return normalise(gdf, str(path))


@functools.cache
def _embedded(niveau: str) -> gpd.GeoDataFrame | None:
    f = config.GEOMETRY_DIR / EMBEDDED[niveau]
    if not f.exists():
        return None
    gdf = gpd.read_parquet(f)
    for c in ("code", "naam", "gemeente"):
        gdf[c] = gdf[c].astype("string")
    return gdf


@functools.cache
def _from_dir(data_dir: str) -> dict[str, gpd.GeoDataFrame]:
    layers: dict[str, list[gpd.GeoDataFrame]] = {}
    for f in sorted(Path(data_dir).rglob("*")):
        if f.suffix.lower() not in GEO_SUFFIXES or not f.is_file():
            continue
        try:
            gdf = read_file(f)
        except NoDataError:
            continue
        except Exception:  # not a geometry file we can read (e.g. a JSON of something else)
            if f.suffix.lower() in (".json",):
                continue
            raise
        layers.setdefault(str(gdf["niveau"].iloc[0]), []).append(gdf)
    return {
        k: gpd.GeoDataFrame(pd.concat(v, ignore_index=True), crs=config.CRS_RD).drop_duplicates(
            "code"
        )
        for k, v in layers.items()
    }


def load_geometry(
    niveau: str, gemeente: str | None = None, data_dir: str | Path | None = None
) -> gpd.GeoDataFrame:
    """Boundaries of one level for one gemeente (or all), EPSG:28992.

    With ``data_dir``, boundary files in that folder are used and the embedded boundaries fill in
    levels the folder does not have.
    """
    gdf = None
    if data_dir is not None:
        gdf = _from_dir(str(Path(data_dir).resolve())).get(niveau)
    if gdf is None:
        gdf = _embedded(niveau)
    if gdf is None:
        raise NoDataError(f"no {niveau} boundaries available")
    if gemeente is not None:
        gdf = gdf[gdf["gemeente"] == gemeente]
        if gdf.empty:
            raise NoDataError(f"no {niveau} boundaries for {gemeente}")
    return gdf.reset_index(drop=True)


def clear_caches() -> None:
    _embedded.cache_clear()
    _from_dir.cache_clear()
