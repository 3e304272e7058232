"""The corporation's own data: templates, validation, placement in buurten, suppressed aggregates."""

from __future__ import annotations

import contextlib
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml

from . import config
from .leefbaarometer import CODE_PATTERNS

VOORBEELD_DIR = config.DATA_DIR / "voorbeeld_corporatie"
SJABLONEN_FILE = VOORBEELD_DIR / "sjablonen.yaml"
#: Small counts below this are suppressed in every aggregate (configurable per call).
MIN_AANTAL = 10
MISSING = {"", "NA", "N/A", "nan", "NaN", "null"}


@functools.cache
def sjablonen() -> dict:
    """The templates of ``data/voorbeeld_corporatie/sjablonen.yaml``."""
    with open(SJABLONEN_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)["bestanden"]


@dataclass
class Controle:
    """Result of checking a folder of own data: problems (file, row, column, value, expected)."""

    problemen: list[str] = field(default_factory=list)
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    niet_geplaatst: dict[str, int] = field(default_factory=dict)
    ontbrekend: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problemen


def _lees_tekst(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    """Read a CSV as text (Dutch habits: ';' or ',', UTF-8 with/without BOM or cp1252)."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:200]:
        return None, (
            f"{path.name}: the file is not UTF-8 or cp1252 text (UTF-16?); "
            "expected a CSV saved as UTF-8 or 'CSV (puntkomma-gescheiden)'"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.split("\n", 1)[0]
    seps = {s: first.count(s) for s in (";", ",", "\t", "|")}
    sep = max(seps, key=seps.get)
    if sep not in (";", ","):
        return None, (
            f"{path.name}: the header is separated by {'tab' if sep == chr(9) else repr(sep)}; "
            "expected ';' or ','"
        )
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as e:
        return None, f"{path.name}: not a readable CSV ({e})"
    except pd.errors.EmptyDataError:
        return None, f"{path.name}: the file is empty"
    df.columns = [c.strip().lower() for c in df.columns]
    return df.apply(lambda s: s.str.strip()), None


def _parse_datum(s: pd.Series) -> pd.Series:
    iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    nl = pd.to_datetime(s, format="%d-%m-%Y", errors="coerce")
    return iso.fillna(nl)


def _controleer_kolom(naam, df, kol, spec, problemen, max_per_kolom=20) -> pd.Series:
    """Parse one column by its template; append one problem per bad cell."""
    s = df[kol]
    leeg = s.isin(MISSING)
    t = spec["type"]
    fout = pd.Series(False, index=s.index)
    verwacht = ""
    if t in ("getal", "geheel"):
        v = pd.to_numeric(s.str.replace(",", ".", regex=False).where(~leeg), errors="coerce")
        fout = v.isna() & ~leeg
        verwacht = "a whole number" if t == "geheel" else "a number"
        if t == "geheel":
            nietgeheel = v.notna() & (v != np.floor(v))
            fout |= nietgeheel
        out = v
    elif t == "datum":
        out = _parse_datum(s.where(~leeg))
        fout = out.isna() & ~leeg
        verwacht = "a date JJJJ-MM-DD or DD-MM-JJJJ"
    elif t == "maand":
        out = pd.to_datetime(s.where(~leeg), format="%Y-%m", errors="coerce")
        fout = out.isna() & ~leeg
        verwacht = "a month JJJJ-MM"
    elif t == "buurtcode":
        out = s.where(~leeg)
        fout = ~leeg & ~s.str.match(CODE_PATTERNS["buurt"].pattern)
        verwacht = "a CBS buurt code (BU + 8 digits, e.g. BU00140000)"
    elif t == "keuze":
        out = s.where(~leeg)
        fout = ~leeg & ~s.isin(spec["waarden"])
        verwacht = "one of " + ", ".join(spec["waarden"])
    else:
        out = s.where(~leeg)
    for i in np.flatnonzero(fout.to_numpy())[:max_per_kolom]:
        problemen.append(
            f"{naam}.csv: row {i + 2}, column {kol!r}: value {s.iloc[i]!r}; expected {verwacht}"
        )
    if spec.get("verplicht"):
        for i in np.flatnonzero(leeg.to_numpy())[:max_per_kolom]:
            problemen.append(f"{naam}.csv: row {i + 2}, column {kol!r}: empty; expected a value")
    if t in ("getal", "geheel"):
        for grens, te in (
            ("min", out < spec.get("min", -np.inf)),
            ("max", out > spec.get("max", np.inf)),
        ):
            for i in np.flatnonzero(te.fillna(False).to_numpy())[:max_per_kolom]:
                woord = "at least" if grens == "min" else "at most"
                extra = " (a negative count)" if grens == "min" and spec[grens] == 0 else ""
                problemen.append(
                    f"{naam}.csv: row {i + 2}, column {kol!r}: value {s.iloc[i]!r}{extra}; "
                    f"expected {woord} {spec[grens]:g}"
                )
    return out


def controleer(map_: str | Path, buurten: set[str] | None = None) -> Controle:
    """Check a folder of own data against the templates; collect every problem.

    ``buurten`` is the set of known buurt codes (an unknown code is a problem); ``None`` checks
    the format only. Files that are absent are listed in ``ontbrekend`` (all files are optional).
    """
    map_ = Path(map_)
    c = Controle()
    if not map_.is_dir():
        c.problemen.append(f"{map_}: folder not found")
        return c
    for naam, sj in sjablonen().items():
        path = map_ / f"{naam}.csv"
        if not path.exists():
            c.ontbrekend.append(naam)
            continue
        df, fout = _lees_tekst(path)
        if fout:
            c.problemen.append(fout)
            continue
        kolommen = sj["kolommen"]
        missend = [
            k for k, spec in kolommen.items() if spec.get("verplicht") and k not in df.columns
        ]
        for k in missend:
            c.problemen.append(
                f"{naam}.csv: column {k!r} is missing; expected columns "
                f"{', '.join(kolommen)} (see sjablonen.yaml)"
            )
        if (
            naam == "complexen"
            and "buurt_code" not in df.columns
            and not {"x", "y"} <= set(df.columns)
        ):
            c.problemen.append(
                "complexen.csv: no location columns; expected a column 'buurt_code' or the "
                "columns 'x' and 'y' (RD New)"
            )
            continue
        if missend:
            continue
        out = pd.DataFrame(index=df.index)
        for k, spec in kolommen.items():
            if k in df.columns:
                out[k] = _controleer_kolom(naam, df, k, spec, c.problemen)
        sleutel = sj["sleutel"] if isinstance(sj["sleutel"], list) else [sj["sleutel"]]
        if all(k in df.columns for k in sleutel):
            dup = df.duplicated(sleutel, keep="first")
            for i in np.flatnonzero(dup.to_numpy())[:20]:
                waarde = " / ".join(df.iloc[i][k] for k in sleutel)
                c.problemen.append(
                    f"{naam}.csv: row {i + 2}, column {'+'.join(sleutel)!r}: value {waarde!r} "
                    "appears twice; expected each only once"
                )
        if buurten is not None and "buurt_code" in out.columns:
            onbekend = (
                out["buurt_code"].notna()
                & ~out["buurt_code"].isin(buurten)
                & out["buurt_code"].astype(str).str.match(CODE_PATTERNS["buurt"].pattern)
            )
            for i in np.flatnonzero(onbekend.to_numpy())[:20]:
                c.problemen.append(
                    f"{naam}.csv: row {i + 2}, column 'buurt_code': value "
                    f"{out['buurt_code'].iloc[i]!r} is not a buurt of this gemeente"
                )
        c.tabellen[naam] = out
    return c


def plaats(c: Controle, buurtgrenzen: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """Give every record a ``buurt_code``: own column, else x/y by spatial join, else its vhe.

    Records that cannot be placed keep an empty code and are counted in ``c.niet_geplaatst``.
    """
    out = {}
    vhe_buurt = pd.Series(dtype="string")
    if "complexen" in c.tabellen:
        cx = c.tabellen["complexen"].copy()
        zonder = cx["buurt_code"].isna() if "buurt_code" in cx else pd.Series(True, index=cx.index)
        if {"x", "y"} <= set(cx.columns):
            xy = cx[zonder & cx["x"].notna() & cx["y"].notna()]
            if len(xy):
                pts = gpd.GeoDataFrame(xy, geometry=gpd.points_from_xy(xy["x"], xy["y"]),
                                       crs=config.CRS_RD)  # fmt: skip
                joined = gpd.sjoin(pts, buurtgrenzen[["code", "geometry"]], how="left",
                                   predicate="within")  # fmt: skip
                joined = joined[~joined.index.duplicated()]
                if "buurt_code" not in cx:
                    cx["buurt_code"] = pd.NA
                cx.loc[joined.index, "buurt_code"] = joined["code"]
        out["complexen"] = cx
        vhe_buurt = cx.set_index("vhe_nummer")["buurt_code"]
    for naam, df in c.tabellen.items():
        if naam == "complexen":
            continue
        d = df.copy()
        eigen = d["buurt_code"] if "buurt_code" in d else pd.Series(pd.NA, index=d.index)
        via_vhe = (
            d["vhe_nummer"].map(vhe_buurt) if "vhe_nummer" in d else pd.Series(pd.NA, index=d.index)
        )
        d["buurt_code"] = eigen.fillna(via_vhe)
        out[naam] = d
    for naam, d in out.items():
        n = int(d["buurt_code"].isna().sum()) if "buurt_code" in d else len(d)
        if n:
            c.niet_geplaatst[naam] = n
    return out


def onderdruk(aantallen: pd.Series, minimum: int = MIN_AANTAL) -> pd.Series:
    """Suppress small counts: values below ``minimum`` become missing (shown as '<min')."""
    s = aantallen.astype("Float64")
    return s.where(s >= minimum)


def buurtcodes_gemeente(gemeente: str) -> set[str]:
    """Known buurt codes of a gemeente (embedded scores and boundaries)."""
    from . import geo
    from .leefbaarometer import NoDataError, load_scores

    codes: set[str] = set()
    with contextlib.suppress(NoDataError):  # no buurt scores embedded for this gemeente
        codes |= set(load_scores("buurt", gemeente)["code"])
    with contextlib.suppress(NoDataError):  # no buurt boundaries embedded for this gemeente
        codes |= set(geo.load_geometry("buurt", gemeente)["code"])
    return codes


ID_KOLOM = re.compile(r"_id$")


def identificatiekolommen(df: pd.DataFrame) -> list[str]:
    """Columns that identify persons (ending in ``_id``): never part of any output."""
    return [c for c in df.columns if ID_KOLOM.search(c)]
