"""Step 4, resultaat: effects per dimension against matched comparison areas, and on own data.

Methods
-------
* Difference-in-differences on a Leefbaarometer panel with matched comparison areas (chosen by
  pre-period level and trend of the outcome; treated areas and their direct neighbours excluded),
  two-way fixed effects (area and year) and cluster-robust standard errors by area with a
  t distribution on G-1 degrees of freedom.
* An event study (effect per year relative to the start; pre-period coefficients check parallel
  trends) and placebo tests (a fake start year in the pre-period; every comparison area in turn
  as a fake treated area, giving a permutation p-value).
* Interrupted time series on monthly own data: the difference between treated and comparison
  series, with month-of-year effects, a level and a slope change at the start, and AR(1)
  errors (feasible GLS).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm

from . import config, eigen_data, gemeenten, geo
from . import leefbaarometer as lbm
from .bestanden import lees_csv
from .weergave import BRON_LBM, Html, alinea, esc, figuur, getal, kader, tabel

ALPHA = 0.05


class EffectFout(ValueError):
    """Bad input for an effect estimate; the message says what to change."""


@dataclass
class DiD:
    uitkomst: str
    start: int
    schatting: float
    se: float
    ci_laag: float
    ci_hoog: float
    p_waarde: float
    n_behandeld: int
    n_controle: int
    behandeld: list[str]
    controles: list[str]
    jaren_voor: list[int]
    jaren_na: list[int]
    buren_uitgesloten: list[str] = field(default_factory=list)
    placebo_p: float | None = None
    placebo_start: dict | None = None
    eventstudie: list[dict] = field(default_factory=list)

    def als_json(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------------------------
# Panel input


def lees_panel(path: str | Path) -> pd.DataFrame:
    """A panel in the official open-data layout: a code column, ``jaar`` and outcome columns.

    Returns columns ``code``, ``jaar`` and every numeric outcome; missing values stay missing.
    """
    path = Path(path)
    if not path.is_file():
        raise EffectFout(f"{path}: file not found")
    try:
        df = lees_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise EffectFout(f"{path}: not a readable CSV ({e})") from None
    code = next((c for c in ("bu_code", "wk_code", "gm_code", "code") if c in df.columns), None)
    if code is None or "jaar" not in df.columns:
        raise EffectFout(
            f"{path}: expected a code column (bu_code, wk_code, gm_code or code) and 'jaar'"
        )
    out = pd.DataFrame(
        {"code": df[code].str.strip(), "jaar": pd.to_numeric(df["jaar"], errors="coerce")}
    )
    bad = out["jaar"].isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise EffectFout(
            f"{path}: row {i + 2}, column 'jaar': value {df['jaar'].iloc[i]!r} is not a year"
        )
    for c in df.columns:
        if c in (code, "jaar") or c.endswith("_naam"):
            continue
        v = df[c].str.strip().replace({"NA": "", "NaN": ""}).str.replace(",", ".", regex=False)
        num = pd.to_numeric(v.where(v != ""), errors="coerce")
        if (num.notna() | (v == "")).all():
            out[c] = num
    out["jaar"] = out["jaar"].astype(int)
    return out


# --------------------------------------------------------------------------------------------------
# Matching


def buren(codes: list[str], grenzen) -> set[str]:
    """Areas that share a boundary with (or lie within 1 m of) any of ``codes``."""
    if grenzen is None or grenzen.empty:
        return set()
    g = grenzen.set_index("code")
    doel = g.loc[g.index.intersection(codes)]
    if doel.empty:
        return set()
    vlak = doel.geometry.union_all().buffer(1.0)
    raak = g.index[g.intersects(vlak)]
    return set(raak) - set(codes)


def pre_kenmerken(panel: pd.DataFrame, uitkomst: str, start: int) -> pd.DataFrame:
    """Per area: mean level and least-squares slope (per year) of the outcome before ``start``.

    Vectorised over all areas (a national panel has thousands): slope = Sxy / Sxx per area,
    missing where an area has fewer than two pre-period years.
    """
    pre = panel[(panel["jaar"] < start)].dropna(subset=[uitkomst])
    g = pre.groupby("code")
    n = g.size()
    dx = pre["jaar"] - g["jaar"].transform("mean")
    dy = pre[uitkomst] - g[uitkomst].transform("mean")
    sxy = (dx * dy).groupby(pre["code"]).sum()
    sxx = (dx**2).groupby(pre["code"]).sum()
    trend = (sxy / sxx.replace(0, np.nan)).where(n >= 2)
    return pd.DataFrame({"niveau": g[uitkomst].mean(), "trend": trend, "n": n.astype(float)})


def kies_controles(
    panel: pd.DataFrame,
    behandeld: list[str],
    uitkomst: str,
    start: int,
    k: int = 5,
    uitsluiten: set[str] | None = None,
    voorkeur: set[str] | None = None,
) -> list[str]:
    """Comparison areas: for each treated area the ``k`` nearest untreated areas on the
    standardised pre-period level and trend of the outcome.

    Treated areas and ``uitsluiten`` (e.g. direct neighbours) are never chosen; ``voorkeur``
    (e.g. step 2's peers) are added when they qualify.
    """
    kenm = pre_kenmerken(panel, uitkomst, start).dropna()
    if kenm.empty:
        raise EffectFout(f"no area has at least two years of {uitkomst!r} before {start}")
    z = (kenm[["niveau", "trend"]] - kenm[["niveau", "trend"]].mean()) / kenm[
        ["niveau", "trend"]
    ].std(ddof=0).replace(0, 1)
    verboden = set(behandeld) | set(uitsluiten or set())
    pool = z.drop(index=[c for c in verboden if c in z.index])
    gekozen: list[str] = []
    for b in behandeld:
        if b not in z.index:
            continue
        afstand = np.sqrt(((pool - z.loc[b]) ** 2).sum(axis=1)).sort_values()
        nieuw = [c for c in afstand.index if c not in gekozen][:k]
        gekozen += nieuw
    for c in sorted(voorkeur or set()):
        if c in pool.index and c not in gekozen:
            gekozen.append(c)
    return gekozen


# --------------------------------------------------------------------------------------------------
# Estimation


def _ols_fe(d: pd.DataFrame, uitkomst: str, regressoren: list[str]):
    """OLS of the outcome on the regressors with area and year fixed effects (dummies),
    cluster-robust by area, t distribution on G-1 degrees of freedom."""
    fe = pd.get_dummies(d[["code", "jaar"]].astype(str), drop_first=True, dtype=float)
    X = pd.concat([d[regressoren].astype(float), fe], axis=1)
    X.insert(0, "const", 1.0)
    return sm.OLS(d[uitkomst].astype(float), X).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["code"])[0]}, use_t=True
    )


def _twfe(data: pd.DataFrame, uitkomst: str, behandeld: set[str], start: int):
    d = data.dropna(subset=[uitkomst]).copy()
    d["D"] = (d["code"].isin(behandeld) & (d["jaar"] >= start)).astype(float)
    return _ols_fe(d, uitkomst, ["D"]), d


def did(
    panel: pd.DataFrame,
    behandeld: list[str],
    start: int,
    uitkomst: str,
    controles: list[str] | None = None,
    k: int = 5,
    uitsluiten: set[str] | None = None,
    voorkeur: set[str] | None = None,
    placebo: bool = True,
) -> DiD:
    """Difference-in-differences with matched comparison areas, event study and placebo tests."""
    if uitkomst not in panel.columns:
        raise EffectFout(f"outcome {uitkomst!r} is not a column of the panel; columns: "
                         f"{', '.join(c for c in panel.columns if c not in ('code', 'jaar'))}")  # fmt: skip
    onbekend = [b for b in behandeld if b not in set(panel["code"])]
    if onbekend:
        raise EffectFout(f"treated area(s) {', '.join(onbekend)} not in the panel")
    jaren = sorted(panel.dropna(subset=[uitkomst])["jaar"].unique())
    voor = [j for j in jaren if j < start]
    na = [j for j in jaren if j >= start]
    if len(voor) < 2:
        raise EffectFout(f"need at least two years of {uitkomst!r} before {start}; years with data: "
                         f"{', '.join(map(str, jaren))}")  # fmt: skip
    if not na:
        raise EffectFout(f"no year of {uitkomst!r} at or after {start}; last year is {jaren[-1]}")
    if controles is None:
        controles = kies_controles(panel, behandeld, uitkomst, start, k, uitsluiten, voorkeur)
    if not controles:
        raise EffectFout("no comparison areas qualify")
    data = panel[panel["code"].isin([*behandeld, *controles])]
    fit, _ = _twfe(data, uitkomst, set(behandeld), start)
    lo, hi = fit.conf_int(ALPHA).loc["D"]
    res = DiD(uitkomst, start, float(fit.params["D"]), float(fit.bse["D"]), float(lo), float(hi),
              float(fit.pvalues["D"]), len(behandeld), len(controles), list(behandeld),
              list(controles), [int(j) for j in voor], [int(j) for j in na],
              sorted(uitsluiten or set()))  # fmt: skip
    res.eventstudie = eventstudie(data, uitkomst, set(behandeld), start)
    if placebo:
        res.placebo_p = placebo_gebieden(data, uitkomst, behandeld, controles, start, res.schatting)
        res.placebo_start = placebo_start(data, uitkomst, set(behandeld), voor)
    return res


def eventstudie(data: pd.DataFrame, uitkomst: str, behandeld: set[str], start: int) -> list[dict]:
    """Effect per year relative to the last pre-period year (the reference, effect 0)."""
    d = data.dropna(subset=[uitkomst]).copy()
    jaren = sorted(d["jaar"].unique())
    ref = max(j for j in jaren if j < start)
    termen = []
    for j in jaren:
        if j == ref:
            continue
        naam = f"e{j}"
        d[naam] = (d["code"].isin(behandeld) & (d["jaar"] == j)).astype(float)
        termen.append((j, naam))
    fit = _ols_fe(d, uitkomst, [n for _, n in termen])
    ci = fit.conf_int(ALPHA)
    out = [{"jaar": int(ref), "relatief": int(ref - start), "schatting": 0.0, "ci_laag": 0.0, "ci_hoog": 0.0,
            "referentie": True}]  # fmt: skip
    for j, n in termen:
        out.append({"jaar": int(j), "relatief": int(j - start), "schatting": float(fit.params[n]),
                    "ci_laag": float(ci.loc[n, 0]), "ci_hoog": float(ci.loc[n, 1]), "referentie": False})  # fmt: skip
    return sorted(out, key=lambda r: r["jaar"])


def placebo_gebieden(data, uitkomst, behandeld, controles, start, echt) -> float | None:
    """Permutation p-value: each comparison area in turn as a fake treated area (real treated
    areas left out); share of placebo estimates at least as large in absolute value as the real."""
    if len(controles) < 4:
        return None
    zonder = data[~data["code"].isin(behandeld)]
    schattingen = []
    for c in controles:
        fit, _ = _twfe(zonder, uitkomst, {c}, start)
        schattingen.append(fit.params["D"])
    s = np.abs(np.asarray(schattingen))
    return float((1 + (s >= abs(echt)).sum()) / (1 + len(s)))


def placebo_start(data, uitkomst, behandeld, voor: list[int]) -> dict | None:
    """A fake start halfway through the pre-period, estimated on pre-period data only."""
    if len(voor) < 3:
        return None
    nep = voor[len(voor) // 2]
    pre = data[data["jaar"].isin(voor)]
    fit, _ = _twfe(pre, uitkomst, behandeld, nep)
    lo, hi = fit.conf_int(ALPHA).loc["D"]
    return {"start": int(nep), "schatting": float(fit.params["D"]), "ci_laag": float(lo), "ci_hoog": float(hi),
            "p_waarde": float(fit.pvalues["D"])}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Interrupted time series on monthly own data


@dataclass
class ITS:
    reeks: str
    start: str
    niveau: float
    ci_laag: float
    ci_hoog: float
    p_waarde: float
    helling: float
    helling_ci_laag: float
    helling_ci_hoog: float
    basis: float  # mean of the treated series in the 12 months before the start
    n_maanden_voor: int
    n_maanden_na: int


def its(maandreeks: pd.DataFrame, start: str, reeks: str = "overlast per 100 vhe") -> ITS:
    """Segmented regression on ``behandeld - vergelijking`` per month.

    ``maandreeks``: index = month (Timestamp), columns ``behandeld`` and ``vergelijking``.
    Level and slope change at ``start`` with month-of-year effects; AR(1) errors estimated by
    feasible GLS (statsmodels GLSAR) for the autocorrelation of monthly series.
    """
    d = maandreeks.dropna().copy()
    t0 = pd.Timestamp(start)
    d["verschil"] = d["behandeld"] - d["vergelijking"]
    d["t"] = np.arange(len(d))
    d["na"] = (d.index >= t0).astype(float)
    i0 = int(np.argmax(d.index >= t0)) if d["na"].any() else len(d)
    d["t_na"] = np.maximum(0, d["t"] - i0) * d["na"]
    d["maand"] = d.index.month
    if d["na"].sum() < 6 or (1 - d["na"]).sum() < 12:
        raise EffectFout("need at least 12 months before and 6 months after the start")
    maanddummies = pd.get_dummies(d["maand"].astype(str), prefix="m", drop_first=True, dtype=float)
    X = sm.add_constant(pd.concat([d[["t", "na", "t_na"]], maanddummies], axis=1))
    # AR(1) errors estimated iteratively (feasible GLS): monthly series are autocorrelated
    fit = sm.GLSAR(d["verschil"], X, rho=1).iterative_fit(maxiter=10)
    ci = fit.conf_int(ALPHA)
    basis = float(d.loc[d.index < t0, "behandeld"].tail(12).mean())
    return ITS(reeks, t0.date().isoformat(), float(fit.params["na"]), float(ci.loc["na", 0]),
               float(ci.loc["na", 1]), float(fit.pvalues["na"]), float(fit.params["t_na"]),
               float(ci.loc["t_na", 0]), float(ci.loc["t_na", 1]), basis,
               int((1 - d["na"]).sum()), int(d["na"].sum()))  # fmt: skip


def maandreeks_overlast(
    tabellen: dict, behandeld_buurten: set[str], vergelijk_buurten: set[str]
) -> pd.DataFrame:
    """Monthly overlast reports per 100 homes for the treated and the comparison buurten."""
    cx = tabellen["complexen"].dropna(subset=["buurt_code"])
    m = tabellen["overlastmeldingen"].dropna(subset=["buurt_code"]).copy()
    m["maand"] = pd.to_datetime(m["datum"]).dt.to_period("M").dt.to_timestamp()
    maanden = pd.date_range(m["maand"].min(), m["maand"].max(), freq="MS")
    out = {}
    for naam, groep in (("behandeld", behandeld_buurten), ("vergelijking", vergelijk_buurten)):
        vhe = cx[cx["buurt_code"].isin(groep)]["vhe_nummer"].nunique()
        n = m[m["buurt_code"].isin(groep)].groupby("maand").size().reindex(maanden, fill_value=0)
        out[naam] = 100 * n / vhe if vhe else np.nan
        out[f"vhe_{naam}"] = vhe
    df = pd.DataFrame({k: v for k, v in out.items() if not k.startswith("vhe_")}, index=maanden)
    df.attrs["vhe"] = {k[4:]: v for k, v in out.items() if k.startswith("vhe_")}
    return df


# --------------------------------------------------------------------------------------------------
# Text: every result in plain Dutch


def zin_did(r: DiD, gebied: str) -> str:
    dim = lbm.dimensie_namen().get(r.uitkomst, r.uitkomst)
    interval = f"95%-interval {getal(r.ci_laag)} tot {getal(r.ci_hoog)}"
    if r.ci_laag <= 0 <= r.ci_hoog:
        kern = (f"Op {esc(dim)} is in {esc(gebied)} geen effect aan te tonen: het verschil met de "
                f"{r.n_controle} vergelijkbare gebieden is {getal(r.schatting)} ({interval}), en dat "
                "interval bevat nul.")  # fmt: skip
    else:
        richting = "beter" if r.schatting > 0 else "slechter"
        kern = (f"Op {esc(dim)} ontwikkelde {esc(gebied)} zich {getal(abs(r.schatting), 3, teken=False)} "
                f"{richting} dan {r.n_controle} vergelijkbare gebieden ({interval}).")  # fmt: skip
    return kern


def interventies_lezen(path: str | Path) -> pd.DataFrame:
    """Interventions for step 4: interventie, gebied (wijk/buurt code), start, dimensie."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        df = pd.read_excel(path, dtype=str)
    else:
        df = lees_csv(path)
    if {"wijk_code", "actie", "start", "dimensie"} <= set(df.columns):  # a step-3 plan
        df = df.rename(columns={"wijk_code": "gebied", "actie": "interventie"})
    missend = [c for c in ("interventie", "gebied", "start", "dimensie") if c not in df.columns]
    if missend:
        raise lbm.DataError([f"column {c!r} is missing" for c in missend], path)
    df["start"] = pd.to_datetime(df["start"], errors="coerce")
    if df["start"].isna().any():
        i = int(np.flatnonzero(df["start"].isna().to_numpy())[0])
        raise lbm.DataError(f"row {i + 2}, column 'start': not a date JJJJ-MM-DD", path)
    return df


class Resultaat:
    """Everything step 4 shows for one gemeente."""

    def __init__(
        self,
        gemeente: str = config.DEFAULT_GEMEENTE,
        data_dir: str | Path | None = None,
        output_dir: str | Path | None = None,
        interventies: str | Path | None = None,
        eigen_data_dir: str | Path | None = "voorbeeld",
    ):
        self.gm = gemeenten.zoek(gemeente)
        self.data_dir = Path(data_dir) if data_dir else None
        self.output_dir = Path(output_dir) if output_dir else config.REPORTS_DIR / self.gm.code
        self.voorbeeld = False
        self.wijken, _ = lbm.wijk_scores(self.gm.code, self.data_dir)
        self.interventies, self.bron = self._interventies(interventies, eigen_data_dir)
        self.eigen = None
        if eigen_data_dir == "voorbeeld" and self.gm.code == config.DEFAULT_GEMEENTE:
            self.voorbeeld = True
            c = eigen_data.controleer(eigen_data.VOORBEELD_DIR)
            self.eigen = eigen_data.plaats(c, geo.load_geometry("buurt", self.gm.code))
        elif eigen_data_dir and eigen_data_dir != "voorbeeld":
            c = eigen_data.controleer(
                eigen_data_dir, eigen_data.buurtcodes_gemeente(self.gm.code) or None
            )
            if not c.ok:
                raise lbm.DataError(c.problemen, eigen_data_dir)
            self.eigen = eigen_data.plaats(
                c, geo.load_geometry("buurt", self.gm.code, self.data_dir)
            )

    def _interventies(self, pad, eigen_data_dir) -> tuple[pd.DataFrame, str]:
        if pad:
            return interventies_lezen(pad), "parameter"
        if eigen_data_dir == "voorbeeld" and self.gm.code == config.DEFAULT_GEMEENTE:
            return interventies_lezen(eigen_data.VOORBEELD_DIR / "interventies.csv"), "voorbeeld"
        plan = self.output_dir / "actieplan.csv"
        if plan.exists():
            df = interventies_lezen(plan)
            df = df[df["start"] <= pd.Timestamp.today()]
            return df.drop_duplicates(["gebied", "dimensie"]), "actieplan (gestarte acties)"
        return pd.DataFrame(columns=["interventie", "gebied", "start", "dimensie"]), "geen"

    @functools.cached_property
    def panel(self) -> pd.DataFrame:
        """All embedded wijken nationally (comparison pool) plus this gemeente's wijken."""
        alle = lbm.load_scores("wijk", None, None)
        eigen = self.wijken
        return pd.concat([alle[alle["gemeente"] != self.gm.code], eigen], ignore_index=True)

    def kop(self) -> Html:
        ondertitel = {
            "parameter": "Interventies uit het opgegeven bestand.",
            "voorbeeld": "Interventies uit het fictieve voorbeeld.",
            "geen": "Er zijn nog geen gestarte interventies om te evalueren.",
        }.get(self.bron, f"Interventies uit het {self.bron}.")
        html = (f"<h1>Stap 4 — Resultaat: {esc(self.gm.naam)}</h1>"
                f'<p class="ondertitel">{esc(ondertitel)}</p>')  # fmt: skip
        if self.voorbeeld:
            html += str(kader("Fictief voorbeeld.", "De interventie en de corporatiecijfers op deze "
                              "pagina zijn verzonnen (Woonstichting Voorbeeld bestaat niet) om de "
                              "methode te laten zien; de Leefbaarometer-cijfers zijn echt. In de "
                              "fictieve overlastcijfers is bewust een daling van 25% ingebouwd."))  # fmt: skip
        return Html(html)

    def interventies_tabel(self) -> Html:
        if self.interventies.empty:
            return alinea("Er zijn nog geen gestarte interventies om te evalueren. Geef ze mee met de "
                          "parameter <code>interventies</code> (CSV: interventie, gebied, start, "
                          "dimensie) of vul startdata in het actieplan van stap 3 in.")  # fmt: skip
        t = self.interventies.assign(start=self.interventies["start"].dt.date.astype(str))
        t = t[["interventie", "gebied", "start", "dimensie"]].rename(columns=str.capitalize)
        return tabel(t, "Te evalueren interventies", "")

    def _grenzen(self):
        try:
            return geo.load_geometry("wijk", None, self.data_dir)
        except lbm.NoDataError:
            return None

    def effecten(self) -> list[Html]:
        out: list[Html] = []
        grenzen = self._grenzen()
        namen = self.wijken.drop_duplicates("code").set_index("code")["naam"]
        peers = self._peers()
        for _, iv in self.interventies.iterrows():
            code, dim = iv["gebied"], iv["dimensie"]
            if not str(code).startswith("WK") or code not in set(self.panel["code"]):
                out.append(alinea(f"{esc(iv['interventie'])}: gebied {esc(code)} is geen wijk in de data; "
                                  "alleen wijken kunnen hier met de Leefbaarometer worden geëvalueerd."))  # fmt: skip
                continue
            start = int(iv["start"].year)
            bu = buren([code], grenzen)
            try:
                r = did(
                    self.panel, [code], start, dim, uitsluiten=bu, voorkeur=set(peers.get(code, []))
                )
            except EffectFout as e:
                out.append(alinea(f"{esc(iv['interventie'])}: {esc(str(e))}."))
                continue
            gebied = namen.get(code, code)
            out.append(Html(f"<h3>{esc(iv['interventie'])}: {esc(lbm.dimensie_namen().get(dim, dim))} in "
                            f"{esc(gebied)}</h3>"))  # fmt: skip
            out.append(self._voor_na(code, dim, r))
            out.append(alinea(zin_did(r, gebied)))
            out.append(self._event_figuur(r, gebied))
            out.append(alinea(self._placebo_tekst(r)))
            out.append(
                kader(
                    "Wat dit aanneemt en wat het nog kan verklaren.",
                    self._aannames(r, start),
                    soort="info",
                )
            )
        return out

    def _peers(self) -> dict:
        from .inzoomen import lees_resultaat_inzoomen

        z = lees_resultaat_inzoomen(self.output_dir)
        return z.peers_wijk if z and z.gemeente == self.gm.code else {}

    def _voor_na(self, code: str, dim: str, r: DiD) -> Html:
        p = self.panel
        voor, na = r.jaren_voor[-2:], r.jaren_na

        def gem(codes, jaren):
            return p[p["code"].isin(codes) & p["jaar"].isin(jaren)][dim].mean()

        eigen = [c for c in set(self.wijken["code"])]
        rijen = [
            {"Groep": "interventiegebied", "Voor": gem([code], voor), "Na": gem([code], na)},
            {
                "Groep": "vergelijkingsgebieden",
                "Voor": gem(r.controles, voor),
                "Na": gem(r.controles, na),
            },
            {
                "Groep": f"alle wijken {self.gm.naam} (ongewogen)",
                "Voor": gem(eigen, voor),
                "Na": gem(eigen, na),
            },
        ]
        t = pd.DataFrame(rijen)
        t["Verschil"] = t["Na"] - t["Voor"]
        for c in ("Voor", "Na", "Verschil"):
            t[c] = t[c].map(getal)
        return tabel(t, f"Voor ({', '.join(map(str, voor))}) en na ({', '.join(map(str, na))})", BRON_LBM,
                     rechts=["Voor", "Na", "Verschil"])  # fmt: skip

    def _event_figuur(self, r: DiD, gebied: str) -> Html:
        e = pd.DataFrame(r.eventstudie)
        fig, ax = plt.subplots(figsize=(7, 3.4))
        ax.axhline(0, color="#777", linewidth=0.8)
        ax.axvline(
            r.start - 0.5, color="#d55e00", linestyle="--", linewidth=1, label="start interventie"
        )
        ax.errorbar(e["jaar"], e["schatting"], yerr=[e["schatting"] - e["ci_laag"], e["ci_hoog"] - e["schatting"]],
                    fmt="o", color="#2c5d8a", capsize=3, label="verschil met vergelijkingsgebieden (95%)")  # fmt: skip
        ax.set_xlabel("jaar van de Leefbaarometer")
        ax.set_ylabel("verschil t.o.v. referentiejaar")
        # under the plot: inside it the legend hid the start line or the last points
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22),
                  ncol=2)  # fmt: skip
        return figuur(fig, f"Eventstudie {lbm.dimensie_namen().get(r.uitkomst, r.uitkomst)}, {gebied}",
                      f"{BRON_LBM}. Referentie: laatste jaar vóór de start ({max(r.jaren_voor)}). Punten vóór de "
                      "start horen rond nul te liggen (parallelle trends).", alt="Eventstudie")  # fmt: skip

    def _placebo_tekst(self, r: DiD) -> str:
        delen = []
        if r.placebo_p is not None:
            oordeel = "wel" if r.placebo_p <= 0.1 else "niet"
            delen.append(f"Placebotoets: als we elk vergelijkingsgebied om de beurt behandelen alsof het de "
                         f"interventie kreeg, vinden we in {r.placebo_p * 100:.0f}% van de gevallen een even groot "
                         f"of groter verschil (permutatie-p = {getal(r.placebo_p, 2, teken=False)}); het echte "
                         f"verschil is dus {oordeel} uitzonderlijk.")  # fmt: skip
        if r.placebo_start:
            ps = r.placebo_start
            delen.append(f"Een nep-start in {ps['start']} (alleen jaren vóór de echte start) geeft "
                         f"{getal(ps['schatting'])} (95%-interval {getal(ps['ci_laag'])} tot {getal(ps['ci_hoog'])})"
                         + ("; dat past bij parallelle trends." if ps["ci_laag"] <= 0 <= ps["ci_hoog"]
                            else "; dat wijst op verschillende trends vóór de start, lees het effect dus voorzichtig."))  # fmt: skip
        return " ".join(delen) or "Te weinig jaren of vergelijkingsgebieden voor placebotoetsen."

    def _aannames(self, r: DiD, start: int) -> str:
        return (f"De vergelijking neemt aan dat het interventiegebied zich zonder interventie net zo had "
                f"ontwikkeld als de {r.n_controle} vergelijkingsgebieden (gekozen op niveau en trend vóór {start}; "
                "directe buurgebieden zijn uitgesloten omdat een effect daar kan overslaan). De "
                "Leefbaarometer is een model en zijn gegevens lopen ongeveer twee jaar achter: een interventie "
                f"van {start} is in de meting van {start} nog nauwelijks te zien. Ander beleid in dezelfde "
                "jaren (van de gemeente, andere corporaties, landelijke ontwikkelingen) kan het verschil ook "
                "verklaren. Met één interventiegebied is de onzekerheid groot; we claimen geen effect als "
                "het interval nul bevat.")  # fmt: skip

    def tijdreeks(self) -> list[Html]:
        if self.eigen is None or self.interventies.empty:
            return [alinea("Geen eigen maandcijfers beschikbaar voor een tijdreeksanalyse.")]
        out = []
        for _, iv in self.interventies.iterrows():
            code = iv["gebied"]
            alle = set(self.eigen["complexen"]["buurt_code"].dropna())
            beh = {b for b in alle if b[2:8] == code[2:8]}
            verg = alle - beh
            if not beh or not verg:
                continue
            reeks = maandreeks_overlast(self.eigen, beh, verg)
            if min(reeks.attrs["vhe"].values()) < eigen_data.MIN_AANTAL:
                out.append(
                    alinea(f"Te weinig woningen in de buurten van {esc(code)} voor een tijdreeks.")
                )
                continue
            try:
                r = its(reeks, iv["start"].date().isoformat())
            except EffectFout as e:
                out.append(alinea(esc(str(e))))
                continue
            out.append(self._its_figuur(reeks, r, iv))
            rel = r.niveau / r.basis if r.basis else float("nan")
            if r.ci_laag <= 0 <= r.ci_hoog:
                zin = (f"Na de start is het aantal overlastmeldingen in de buurten van {esc(code)} niet "
                       f"aantoonbaar veranderd ten opzichte van de andere buurten: sprong {getal(r.niveau, 2)} "
                       f"per 100 woningen per maand (95%-interval {getal(r.ci_laag, 2)} tot {getal(r.ci_hoog, 2)}).")  # fmt: skip
            else:
                zin = (f"Na de start ligt het aantal overlastmeldingen in de buurten van {esc(code)} "
                       f"{getal(abs(r.niveau), 2, teken=False)} per 100 woningen per maand "
                       f"{'lager' if r.niveau < 0 else 'hoger'} dan de vergelijking verwacht (95%-interval "
                       f"{getal(r.ci_laag, 2)} tot {getal(r.ci_hoog, 2)}), ongeveer {abs(rel) * 100:.0f}% van "
                       "het niveau vóór de start.")  # fmt: skip
            zin += (" Het model vergelijkt met de andere buurten van de corporatie (zelfde seizoen en "
                    "meldgedrag), houdt rekening met seizoenen en met samenhang tussen opeenvolgende maanden. "
                    "Het neemt aan dat zonder interventie het verschil tussen beide groepen op dezelfde lijn "
                    "was doorgegaan; een gelijktijdige verandering in alleen deze buurten (bijvoorbeeld een "
                    "nieuw meldpunt) zou ook een sprong geven.")  # fmt: skip
            out.append(alinea(zin))
        return out

    def _its_figuur(self, reeks: pd.DataFrame, r: ITS, iv) -> Html:
        fig, ax = plt.subplots(figsize=(8, 3.4))
        ax.plot(
            reeks.index,
            reeks["behandeld"],
            color="#d55e00",
            linewidth=1.2,
            label=f"buurten {iv['gebied']}",
        )
        ax.plot(
            reeks.index,
            reeks["vergelijking"],
            color="#9aa3ab",
            linewidth=1.2,
            label="overige buurten corporatie",
        )
        ax.axvline(pd.Timestamp(r.start), color="black", linestyle="--", linewidth=1, label="start")
        ax.set_ylabel("meldingen per 100 woningen per maand")
        ax.legend(frameon=False, fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
        return figuur(fig, f"Overlastmeldingen per maand: {iv['interventie']}",
                      "Eigen gegevens corporatie" + (" (fictief)" if self.voorbeeld else ""),
                      alt="Tijdreeks overlastmeldingen")  # fmt: skip


def start(
    gemeente: str,
    data_dir: str = "",
    output_dir: str = "",
    interventies: str = "",
    eigen_data_dir: str = "voorbeeld",
) -> Resultaat:
    """Build step 4 from notebook parameters (empty string = default)."""
    return Resultaat(
        gemeente, data_dir or None, output_dir or None, interventies or None, eigen_data_dir or None
    )
