"""Leefbaarometer 3.0 scores: reading official files, validation, releases and classes."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import config

DIMENSIES = ("won", "fys", "vrz", "soc", "onv")
SCORE_COLUMNS = ("lbm", "afw", *DIMENSIES)
#: Columns of every scores frame this module returns.
COLUMNS = ["code", "naam", "gemeente", "niveau", "jaar", *SCORE_COLUMNS, "release"]
NIVEAUS = ("gemeente", "wijk", "buurt")
MEERVOUD = {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"}
#: The code column of an official open-data file tells its level.
CODE_COLUMNS = {"gm_code": "gemeente", "wk_code": "wijk", "bu_code": "buurt"}
NAME_COLUMNS = {"gemeente": "gm_naam", "wijk": "wk_naam", "buurt": "bu_naam"}
CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    # Amsterdam uses letters in its wijk and buurt codes (WK0363AA, BU0363AF09).
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
CODE_FORMAT_TEXT = {
    "gemeente": "GM followed by 4 digits (GM0014)",
    "wijk": "WK followed by 6 digits or letters (WK001400)",
    "buurt": "BU followed by 8 digits or letters (BU00140000)",
}
MISSING = {"", "NA", "N/A", "NaN", "nan", "null", "NULL"}
TOLERANCE = 1e-6


class DataError(ValueError):
    """A problem in an input file, with where it is and what was expected.

    ``problems`` holds every problem found (as one-line texts); ``str()`` gives the first and a count.
    """

    def __init__(self, problems: list[str] | str, path: str | Path | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.path = str(path) if path is not None else None
        first = self.problems[0] if self.problems else "unknown problem"
        more = len(self.problems) - 1
        text = f"{self.path}: {first}" if self.path else first
        if more:
            text += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(text)


class NoDataError(LookupError):
    """The requested data is not in the embedded data or the given data folder."""


# --------------------------------------------------------------------------------------------------
# Releases and classes


@dataclass(frozen=True)
class Release:
    """Per-release configuration from ``data/klassen.yaml``."""

    naam: str
    referentie: float
    jaren: tuple[int, ...]
    jaren_dimensies: tuple[int, ...]
    grenzen_score: tuple[float, ...]
    grenzen_afwijking: tuple[float, ...]


@functools.cache
def _klassen_config() -> dict:
    with open(config.KLASSEN_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def release(naam: str = config.DEFAULT_RELEASE) -> Release:
    """Return the configuration of a Leefbaarometer release (e.g. ``"meting 2024"``)."""
    releases = _klassen_config()["releases"]
    if naam not in releases:
        known = ", ".join(sorted(releases))
        raise NoDataError(f"unknown Leefbaarometer release {naam!r}; known releases: {known}")
    r = releases[naam]
    return Release(
        naam=naam,
        referentie=float(r["referentie"]),
        jaren=tuple(r["jaren"]),
        jaren_dimensies=tuple(r["jaren_dimensies"]),
        grenzen_score=tuple(r["grenzen"]["score"]),
        grenzen_afwijking=tuple(r["grenzen"]["afwijking"]),
    )


def klasse_labels(soort: str = "score") -> dict[int, str]:
    """Dutch labels of classes 1-9: ``soort="score"`` (total) or ``"afwijking"`` (deviation/dims)."""
    key = "labels" if soort == "score" else "labels_afwijking"
    return {int(k): v for k, v in _klassen_config()[key].items()}


def klasse_kleuren() -> dict[int, str]:
    """The one colour per class 1-9 used by every map and chart."""
    return {int(k): v for k, v in _klassen_config()["kleuren"].items()}


def geen_data_kleur() -> str:
    return _klassen_config()["geen_data"]


def dimensie_namen() -> dict[str, str]:
    """Dutch names of the five dimensions, keyed by column name."""
    return dict(_klassen_config()["dimensies"])


def dimensie_kleuren() -> dict[str, str]:
    """Categorical colours of the five dimensions (charts that show dimensions side by side)."""
    return dict(_klassen_config()["dimensie_kleuren"])


def klasse(values, soort: str = "score", release_naam: str = config.DEFAULT_RELEASE) -> pd.Series:
    """Classes 1-9 of ``afw`` values (``soort="score"``) or of deviations/dimensions (``"afwijking"``).

    Missing values give ``<NA>``.

    Examples
    --------
    >>> klasse([0.0, 0.2, -0.5]).tolist()
    [6, 9, 1]
    >>> klasse([0.0, 0.0392, -0.0392], soort="afwijking").tolist()
    [5, 6, 4]
    """
    r = release(release_naam)
    s = pd.Series(values, dtype="float64")
    v = s.to_numpy()
    if soort == "score":
        k = np.searchsorted(np.asarray(r.grenzen_score), v, side="right") + 1  # NaN sorts last
    elif soort == "afwijking":
        stap = np.searchsorted(np.asarray(r.grenzen_afwijking), np.abs(v), side="right")
        k = 5 + np.sign(np.nan_to_num(v)).astype(int) * stap
    else:
        raise ValueError(f"soort must be 'score' or 'afwijking', not {soort!r}")
    out = pd.Series(k, index=s.index, dtype="Int64")
    out[s.isna()] = pd.NA
    return out


def met_klassen(scores: pd.DataFrame) -> pd.DataFrame:
    """Add ``klasse`` (total), ``klasse_afw`` and ``klasse_<dim>`` to a scores frame.

    Each row is classed by the boundaries of its own release.
    """
    out = scores.copy()
    parts = []
    for rel, grp in out.groupby("release", sort=False):
        k = pd.DataFrame(index=grp.index)
        k["klasse"] = klasse(grp["afw"], "score", rel)
        k["klasse_afw"] = klasse(grp["afw"], "afwijking", rel)
        for d in DIMENSIES:
            k[f"klasse_{d}"] = klasse(grp[d], "afwijking", rel)
        parts.append(k)
    cols = ["klasse", "klasse_afw", *[f"klasse_{d}" for d in DIMENSIES]]
    if parts:
        allk = pd.concat(parts).reindex(out.index)
    else:
        allk = pd.DataFrame({c: pd.Series(dtype="Int64") for c in cols}, index=out.index)
    for c in cols:
        out[c] = allk[c].astype("Int64")
    return out


# --------------------------------------------------------------------------------------------------
# Codes


def gemeente_van(codes) -> pd.Series:
    """The gemeente code (``GM0014``) of wijk/buurt/gemeente codes: digits 3-6 of the code."""
    s = pd.Series(codes, dtype="string")
    return "GM" + s.str.slice(2, 6)


def niveau_van_code(code: str) -> str:
    """Level of a CBS area code: ``gemeente``, ``wijk`` or ``buurt``."""
    for niveau, pat in CODE_PATTERNS.items():
        if pat.match(str(code)):
            return niveau
    raise ValueError(f"{code!r} is not a CBS gemeente, wijk or buurt code")


# --------------------------------------------------------------------------------------------------
# Reading official open-data CSV files


def _read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV as strings, accepting Dutch habits: ``;`` or ``,``, UTF-8 (BOM) or cp1252."""
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise DataError("cannot decode the file as UTF-8 or cp1252", path)
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False
        )
    except pd.errors.ParserError as e:
        raise DataError(f"not a readable CSV table ({e})", path) from e
    except pd.errors.EmptyDataError as e:
        raise DataError("the file is empty", path) from e
    df.columns = [c.strip().lower() for c in df.columns]
    df.attrs["decimal_comma"] = sep == ";"
    return df


def detect_niveau(columns) -> str:
    """Level of an official file from its code column (``bu_code``, ``wk_code``, ``gm_code``)."""
    found = [CODE_COLUMNS[c] for c in columns if c in CODE_COLUMNS]
    if len(found) != 1:
        raise DataError(
            "expected exactly one code column (bu_code, wk_code or gm_code) in the header, "
            f"found {sorted(c for c in columns if c in CODE_COLUMNS) or 'none'}"
        )
    return found[0]


def _fmt_row(i: int) -> str:
    # i is the 0-based data row; line 1 is the header.
    return f"row {i + 2}"


def read_official_csv(
    path: str | Path, release_naam: str = config.DEFAULT_RELEASE, max_problems: int = 20
) -> pd.DataFrame:
    """Read and validate one official Leefbaarometer open-data CSV file.

    The level is detected from the code column. ``NA`` or an empty cell is missing. Checks, each
    reported with file, row, column and value: code format, year of the release, numeric scores,
    ``afw == lbm - referentie`` and ``won+fys+vrz+soc+onv == afw`` (tolerance 1e-6), no duplicate
    code and year.

    Returns
    -------
    DataFrame with the columns of :data:`COLUMNS`.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path)
    rel = release(release_naam)
    df = _read_text_table(path)
    try:
        niveau = detect_niveau(df.columns)
    except DataError as e:
        raise DataError(e.problems, path) from None
    code_col = next(c for c in df.columns if CODE_COLUMNS.get(c) == niveau)
    naam_col = NAME_COLUMNS[niveau]
    required = [code_col, "jaar", "lbm", "afw", *DIMENSIES]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            [f"column {c!r} is missing (expected columns: {', '.join(required)})" for c in missing],
            path,
        )
    problems: list[str] = []

    codes = df[code_col].str.strip()
    bad = ~codes.str.match(CODE_PATTERNS[niveau].pattern)
    for i in np.flatnonzero(bad.to_numpy())[:max_problems]:
        problems.append(
            f"{_fmt_row(i)}, column {code_col!r}: value {codes.iloc[i]!r} is not a {niveau} code; "
            f"expected {CODE_FORMAT_TEXT[niveau]}"
        )

    jaar = pd.to_numeric(df["jaar"].str.strip(), errors="coerce")
    bad = jaar.isna() | ~jaar.isin(rel.jaren)
    for i in np.flatnonzero(bad.to_numpy())[:max_problems]:
        problems.append(
            f"{_fmt_row(i)}, column 'jaar': value {df['jaar'].iloc[i]!r} is not a year of the "
            f"{rel.naam} release; expected one of {', '.join(map(str, rel.jaren))}"
        )

    num = {}
    for c in SCORE_COLUMNS:
        text = df[c].str.strip()
        is_missing = text.isin(MISSING)
        if df.attrs.get("decimal_comma"):
            text = text.str.replace(",", ".", regex=False)
        values = pd.to_numeric(text.where(~is_missing), errors="coerce")
        bad = values.isna() & ~is_missing
        for i in np.flatnonzero(bad.to_numpy())[:max_problems]:
            problems.append(
                f"{_fmt_row(i)}, column {c!r}: value {df[c].iloc[i]!r} is not a number; "
                "expected a decimal number or NA"
            )
        num[c] = values.astype("float64")
    if problems:
        raise DataError(problems[:max_problems], path)

    nums = pd.DataFrame(num)
    diff = (nums["afw"] - (nums["lbm"] - rel.referentie)).abs()
    bad = diff > TOLERANCE
    for i in np.flatnonzero(bad.to_numpy())[:max_problems]:
        problems.append(
            f"{_fmt_row(i)}, column 'afw': value {df['afw'].iloc[i]} does not equal lbm - "
            f"{rel.referentie} = {nums['lbm'].iloc[i] - rel.referentie:.9f} (tolerance 1e-6)"
        )
    dims = nums[list(DIMENSIES)]
    complete = dims.notna().all(axis=1)
    partial = dims.notna().any(axis=1) & ~complete
    for i in np.flatnonzero(partial.to_numpy())[:max_problems]:
        absent = [d for d in DIMENSIES if pd.isna(dims.iloc[i][d])]
        problems.append(
            f"{_fmt_row(i)}, column {absent[0]!r}: value is missing while other dimensions are "
            "present; expected all five dimensions or none"
        )
    gap = (dims.sum(axis=1) - nums["afw"]).abs()
    bad = complete & nums["afw"].notna() & (gap > TOLERANCE)
    for i in np.flatnonzero(bad.to_numpy())[:max_problems]:
        problems.append(
            f"{_fmt_row(i)}, columns won+fys+vrz+soc+onv: sum {dims.iloc[i].sum():.9f} does not "
            f"equal afw {nums['afw'].iloc[i]:.9f} (tolerance 1e-6)"
        )
    dup = pd.DataFrame({"c": codes, "j": jaar}).duplicated(keep="first")
    for i in np.flatnonzero(dup.to_numpy())[:max_problems]:
        problems.append(
            f"{_fmt_row(i)}, column {code_col!r}: value {codes.iloc[i]!r} appears twice for "
            f"jaar {int(jaar.iloc[i])}; expected one row per area and year"
        )
    if problems:
        raise DataError(problems[:max_problems], path)

    out = pd.DataFrame(
        {
            "code": codes.astype("string"),
            "naam": (df[naam_col].str.strip() if naam_col in df.columns else codes).astype(
                "string"
            ),
            "gemeente": (codes if niveau == "gemeente" else gemeente_van(codes)).astype("string"),
            "niveau": niveau,
            "jaar": jaar.astype("int64"),
        }
    )
    for c in SCORE_COLUMNS:
        out[c] = nums[c]
    out["release"] = rel.naam
    return out[COLUMNS]


# --------------------------------------------------------------------------------------------------
# Loading for a level and gemeente, from the embedded data or a folder of official downloads


def embedded_file(niveau: str) -> Path:
    return config.LBM_DIR / f"scores_{niveau}.parquet"


@functools.cache
def _embedded(niveau: str) -> pd.DataFrame | None:
    f = embedded_file(niveau)
    if not f.exists():
        return None
    df = pd.read_parquet(f)
    for c in ("code", "naam", "gemeente"):
        df[c] = df[c].astype("string")
    return df[COLUMNS]


@functools.cache
def _official_files(data_dir: str) -> dict[str, tuple[Path, ...]]:
    """Map level -> official CSV files in a folder (detected by their code column)."""
    found: dict[str, list[Path]] = {}
    for f in sorted(Path(data_dir).rglob("*.csv")):
        try:
            header = _read_text_table_header(f)
            niveau = detect_niveau(header)
        except (DataError, UnicodeDecodeError, OSError):
            continue
        if "lbm" in header and "afw" in header:
            found.setdefault(niveau, []).append(f)
    return {k: tuple(v) for k, v in found.items()}


def _read_text_table_header(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        line = fh.readline()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = line.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    sep = ";" if text.count(";") > text.count(",") else ","
    return [c.strip().strip('"').lower() for c in text.strip().split(sep)]


@functools.cache
def _from_dir(data_dir: str, niveau: str, release_naam: str) -> pd.DataFrame | None:
    files = _official_files(data_dir).get(niveau)
    if not files:
        return None
    return pd.concat([read_official_csv(f, release_naam) for f in files], ignore_index=True)


def load_scores(
    niveau: str,
    gemeente: str | None = None,
    data_dir: str | Path | None = None,
    release_naam: str = config.DEFAULT_RELEASE,
) -> pd.DataFrame:
    """Leefbaarometer scores of one level, for one gemeente (code ``GM0014``) or all.

    Parameters
    ----------
    niveau : ``"gemeente"``, ``"wijk"`` or ``"buurt"``.
    gemeente : gemeente code, or None for every area in the data.
    data_dir : folder with official open-data CSV files as downloaded; None = embedded data.

    Returns
    -------
    DataFrame with :data:`COLUMNS`, sorted by code and year.

    Raises
    ------
    NoDataError when the level (or the gemeente at that level) is not in the data.
    DataError when a file breaks a validation rule.
    """
    if niveau not in NIVEAUS:
        raise ValueError(f"niveau must be one of {', '.join(NIVEAUS)}, not {niveau!r}")
    if data_dir is None:
        df = _embedded(niveau)
        source = "the embedded data"
    else:
        d = Path(data_dir)
        if not d.is_dir():
            raise NoDataError(f"data folder {str(d)!r} does not exist")
        df = _from_dir(str(d.resolve()), niveau, release_naam)
        source = f"the data folder {str(d)!r}"
    if df is None:
        hint = (
            "; download the official open data (Leefbaarometer 3.0, 'Leefbaarometer-scores "
            f"{MEERVOUD[niveau]}') and pass its folder with --data-dir"
            if data_dir is None
            else "; expected a CSV with a gm_code, wk_code or bu_code column and lbm, afw"
        )
        raise NoDataError(f"no Leefbaarometer {niveau} scores in {source}{hint}")
    df = df[df["release"] == release_naam]
    if gemeente is not None:
        df = df[df["gemeente"] == gemeente]
        if df.empty:
            hint = (
                "; this gemeente is not in the embedded data: download the official open data "
                "(leefbaarometer.nl, 'Leefbaarometer-scores') and pass its folder with --data-dir"
                if data_dir is None
                else ""
            )
            raise NoDataError(f"no Leefbaarometer {niveau} scores for {gemeente} in {source}{hint}")
    return df.sort_values(["code", "jaar"]).reset_index(drop=True)


def wijk_scores(gemeente: str, data_dir: Path | None) -> tuple[pd.DataFrame, bool]:
    """The gemeente's wijk scores, and whether they came from the embedded data.

    A download folder without a wijk file (e.g. only buurt scores) falls back to the embedded wijk
    series of the same release; a gemeente in neither gets a NoDataError that names the download.
    """
    try:
        return load_scores("wijk", gemeente, data_dir), False
    except NoDataError:
        if data_dir is None:
            raise
    try:
        return load_scores("wijk", gemeente, None), True
    except NoDataError:
        raise NoDataError(
            f"no Leefbaarometer wijk scores for {gemeente} in the data folder {str(data_dir)!r} "
            "nor in the embedded data; add the official 'Leefbaarometer-scores wijken' file "
            "to the folder"
        ) from None


def available(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Which gemeenten have scores at which level: columns gemeente, niveau, n_gebieden, jaren."""
    rows = []
    for niveau in NIVEAUS:
        try:
            df = load_scores(niveau, data_dir=data_dir)
        except NoDataError:
            continue
        g = df.groupby("gemeente")
        for gm, grp in g:
            rows.append(
                {
                    "gemeente": gm,
                    "niveau": niveau,
                    "n_gebieden": grp["code"].nunique(),
                    "jaren": ",".join(map(str, sorted(grp["jaar"].unique()))),
                }
            )
    return pd.DataFrame(rows, columns=["gemeente", "niveau", "n_gebieden", "jaren"])


def clear_caches() -> None:
    """Forget cached files (after the data on disk changed)."""
    _embedded.cache_clear()
    _official_files.cache_clear()
    _from_dir.cache_clear()
    _klassen_config.cache_clear()
