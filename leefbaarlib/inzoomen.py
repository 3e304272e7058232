"""Step 2, inzoomen: own data next to the Leefbaarometer, peer areas, and qualitative research."""

from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm
import yaml

from . import config, eigen_data, gemeenten, geo
from . import leefbaarometer as lbm
from .bestanden import lees_csv, schrijf_atomair
from .onderzoek import (
    KLASSESTAP,
    Onderzoek,
    focus_dimensies,
    lees_resultaat,
)
from .weergave import BRON_LBM, Html, alinea, esc, figuur, getal, kader, tabel

RESULTAAT_BESTAND = "inzoomen.json"
CONFIG_FILE = config.DATA_DIR / "inzoomen.yaml"
VOORBEELD = "voorbeeld"
WAARNEMINGEN_KOLOMMEN = ["datum", "locatie", "dimensie", "thema", "waarneming"]


@functools.cache
def instellingen() -> dict:
    with open(CONFIG_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


# --------------------------------------------------------------------------------------------------
# Own indicators per area


def indicatoren(
    tabellen: dict[str, pd.DataFrame], jaar: int, min_aantal: int = eigen_data.MIN_AANTAL
) -> pd.DataFrame:
    """Own indicators per buurt for one calendar year, small counts suppressed.

    Input: the placed tables of :func:`eigen_data.plaats` (each with ``buurt_code``).
    Output: one row per buurt (index ``buurt_code``) with ``vhe`` and the indicators of
    ``data/inzoomen.yaml``. A rate is missing when its numerator or the number of homes is below
    ``min_aantal``; a mean grade when fewer than ``min_aantal`` tenants answered. No identifier and
    no person-level value leaves this function.
    """
    cx = tabellen.get("complexen")
    if cx is None:
        return pd.DataFrame()
    vhe = cx.dropna(subset=["buurt_code"]).groupby("buurt_code")["vhe_nummer"].nunique()
    out = pd.DataFrame({"vhe": vhe.astype(float)})
    genoeg = out["vhe"] >= min_aantal

    def per_100(teller: pd.Series) -> pd.Series:
        t = teller.reindex(out.index).fillna(0)
        rate = 100 * t / out["vhe"]
        return rate.where((t >= min_aantal) & genoeg)

    def in_jaar(df, kolom):
        d = pd.to_datetime(df[kolom])
        return df[d.dt.year == jaar]

    if "overlastmeldingen" in tabellen:
        m = in_jaar(tabellen["overlastmeldingen"], "datum")
        out["overlast_per_100"] = per_100(m.groupby("buurt_code").size())
    if "huurachterstand" in tabellen:
        a = in_jaar(tabellen["huurachterstand"], "maand")
        out["huurachterstand_per_100"] = per_100(a.groupby("buurt_code")["vhe_nummer"].nunique())
    if "mutaties" in tabellen:
        m = in_jaar(tabellen["mutaties"], "datum_einde")
        out["mutaties_per_100"] = per_100(m.groupby("buurt_code").size())
    if "leegstand" in tabellen:
        lg = in_jaar(tabellen["leegstand"], "begin").dropna(subset=["einde"])
        dagen = (pd.to_datetime(lg["einde"]) - pd.to_datetime(lg["begin"])).dt.days
        g = dagen.groupby(lg["buurt_code"])
        gem = g.mean().reindex(out.index)
        out["leegstand_dagen"] = gem.where(g.size().reindex(out.index).fillna(0) >= min_aantal)
    if "huurderstevredenheid" in tabellen:
        t = in_jaar(tabellen["huurderstevredenheid"], "datum")
        for kol in ("cijfer_buurt", "cijfer_woning"):
            g = t.groupby("buurt_code")[kol]
            out[kol] = (
                g.mean()
                .reindex(out.index)
                .where(g.size().reindex(out.index).fillna(0) >= min_aantal)
            )
    out.loc[~genoeg, "vhe"] = np.nan  # a handful of homes in a buurt is not shown either
    return out


def laatste_volle_jaar(tabellen: dict[str, pd.DataFrame]) -> int | None:
    """The most recent calendar year with overlast reports in all twelve months (or any data)."""
    if "overlastmeldingen" in tabellen and len(tabellen["overlastmeldingen"]):
        d = pd.to_datetime(tabellen["overlastmeldingen"]["datum"])
        maanden = d.dt.to_period("M").groupby(d.dt.year).nunique()
        vol = maanden[maanden == 12]
        return int(vol.index.max()) if len(vol) else int(d.dt.year.max())
    return None


# --------------------------------------------------------------------------------------------------
# Relation between an own indicator and a dimension across the gemeente's buurten


@dataclass
class Verband:
    dimensie: str
    indicator: str
    n: int
    helling: float
    ci_laag: float
    ci_hoog: float
    p_waarde: float
    r2: float
    afwijkers: list[str] = field(default_factory=list)


def verband(df: pd.DataFrame, dimensie: str, indicator: str) -> Verband | None:
    """OLS of the own indicator on the dimension score, with 95% interval and outlying areas.

    Outlying: externally studentized residual beyond ±2. Returns None with fewer than 8 areas.
    """
    d = df[[dimensie, indicator, "naam"]].dropna()
    if len(d) < 8:
        return None
    X = sm.add_constant(d[dimensie].astype(float))
    fit = sm.OLS(d[indicator].astype(float), X).fit()
    lo, hi = fit.conf_int(0.05).loc[dimensie]
    infl = fit.get_influence().resid_studentized_external
    afw = d.index[np.abs(infl) > 2].tolist()
    return Verband(dimensie, indicator, len(d), float(fit.params[dimensie]), float(lo), float(hi),
                   float(fit.pvalues[dimensie]), float(fit.rsquared), afw)  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Peer areas


def profiel(scores: pd.DataFrame, jaar: int, vanaf: int) -> pd.DataFrame:
    """Per area: the five dimensions in ``jaar`` and the change of ``afw`` since ``vanaf``."""
    nu = scores[scores["jaar"] == jaar].set_index("code")
    toen = scores[scores["jaar"] == vanaf].set_index("code")
    p = nu[[*lbm.DIMENSIES, "afw", "naam", "gemeente"]].copy()
    p["trend"] = nu["afw"] - toen["afw"].reindex(nu.index)
    return p.dropna(subset=[*lbm.DIMENSIES, "trend"])


def peers(
    prof: pd.DataFrame, focus: str, k: int = 5, uitsluiten: set[str] | None = None
) -> pd.DataFrame:
    """The ``k`` areas most similar to ``focus``: Euclidean distance on standardised profile.

    The profile is the five dimensions and the trend, each scaled by its spread over all areas
    (so every element weighs the same). ``uitsluiten``: codes that may not be peers (the focus
    area itself is always excluded).
    """
    kols = [*lbm.DIMENSIES, "trend"]
    z = (prof[kols] - prof[kols].mean()) / prof[kols].std(ddof=0).replace(0, 1)
    if focus not in z.index:
        return prof.iloc[0:0].assign(afstand=[])
    afstand = np.sqrt(((z - z.loc[focus]) ** 2).sum(axis=1))
    weg = {focus, *(uitsluiten or set())}
    kandidaten = afstand.drop(index=[c for c in weg if c in afstand.index])
    beste = kandidaten.nsmallest(k)
    return prof.loc[beste.index].assign(afstand=beste.values)


# --------------------------------------------------------------------------------------------------
# Qualitative research


def lees_waarnemingen(path: str | Path) -> pd.DataFrame:
    """Coded observations (datum, locatie, dimensie, thema, waarneming), validated."""
    path = Path(path)
    if not path.is_file():
        raise lbm.DataError("file not found", path)
    df = lees_csv(path)
    missend = [c for c in WAARNEMINGEN_KOLOMMEN if c not in df.columns]
    if missend:
        raise lbm.DataError(
            [
                f"column {c!r} is missing (expected {', '.join(WAARNEMINGEN_KOLOMMEN)})"
                for c in missend
            ],
            path,
        )
    problemen = []
    for i, r in df.iterrows():
        if r["dimensie"].strip() not in (*lbm.DIMENSIES, "algemeen"):
            problemen.append(f"row {i + 2}, column 'dimensie': value {r['dimensie']!r}; expected "
                             f"one of {', '.join(lbm.DIMENSIES)}, algemeen")  # fmt: skip
        if pd.isna(pd.to_datetime(r["datum"], errors="coerce", format="%Y-%m-%d")):
            problemen.append(
                f"row {i + 2}, column 'datum': value {r['datum']!r}; expected JJJJ-MM-DD"
            )
    if problemen:
        raise lbm.DataError(problemen, path)
    return df


# --------------------------------------------------------------------------------------------------


@dataclass
class Resultaat:
    """What step 2 hands on (inzoomen.json): focus areas, dimensions, peers, own-data status."""

    gemeente: str
    jaar: int
    focus_wijken: list[str]
    focus_buurten: list[str]
    dimensies: list[str]
    peers_wijk: dict[str, list[str]] = field(default_factory=dict)
    peers_buurt: dict[str, list[str]] = field(default_factory=dict)
    eigen_data: str = ""
    eigen_jaar: int | None = None

    def schrijf(self, output_dir: str | Path) -> Path:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2)
        return schrijf_atomair(Path(output_dir) / RESULTAAT_BESTAND, text + "\n")


def lees_resultaat_inzoomen(output_dir: str | Path) -> Resultaat | None:
    p = Path(output_dir) / RESULTAAT_BESTAND
    return Resultaat(**json.loads(p.read_text(encoding="utf-8"))) if p.exists() else None


class Inzoomen:
    """Everything step 2 shows for one gemeente."""

    def __init__(
        self,
        gemeente: str = config.DEFAULT_GEMEENTE,
        data_dir: str | Path | None = None,
        output_dir: str | Path | None = None,
        focus_wijken: list[str] | None = None,
        dimensies: list[str] | None = None,
        eigen_data_dir: str | Path | None = VOORBEELD,
        min_aantal: int = eigen_data.MIN_AANTAL,
        waarnemingen: str | Path | None = None,
    ):
        self.gm = gemeenten.zoek(gemeente)
        self.data_dir = Path(data_dir) if data_dir else None
        self.output_dir = Path(output_dir) if output_dir else config.REPORTS_DIR / self.gm.code
        self.min_aantal = min_aantal
        wijken, _ = lbm.wijk_scores(self.gm.code, self.data_dir)
        self.wijken = wijken
        try:
            self.buurten = lbm.load_scores("buurt", self.gm.code, self.data_dir)
        except lbm.NoDataError:
            self.buurten = None
        self.jaar = int(self.wijken["jaar"].max())
        dimjaren = lbm.release(str(self.wijken["release"].iloc[0])).jaren_dimensies
        self.vanaf = int(min(j for j in dimjaren if j in set(self.wijken["jaar"])))
        self._kies_focus(focus_wijken, dimensies)
        self._eigen(eigen_data_dir)
        self.waarnemingen = None
        if waarnemingen:
            self.waarnemingen = lees_waarnemingen(waarnemingen)
        elif self.eigen_bron == VOORBEELD:
            self.waarnemingen = lees_waarnemingen(eigen_data.VOORBEELD_DIR / "waarnemingen.csv")

    # -- focus --------------------------------------------------------------------------------
    def _kies_focus(self, focus_wijken, dimensies) -> None:
        namen = self.wijken.drop_duplicates("code").set_index("code")["naam"]
        if focus_wijken:
            codes = []
            for f in focus_wijken:
                hit = [c for c, n in namen.items() if f in (c, n)]
                if not hit:
                    raise lbm.NoDataError(
                        f"focus wijk {f!r} is not a wijk of {self.gm.naam}; known: "
                        + ", ".join(sorted(namen)[:8])
                        + " …"
                    )
                codes.append(hit[0])
            self.focus_bron = "parameter"
        else:
            r = lees_resultaat(self.output_dir)
            if r is None or r.gemeente != self.gm.code:
                r = Onderzoek(self.gm.code, self.data_dir).prioriteit()
                self.focus_bron = "regel van stap 1 (stap 1 is hier niet eerder uitgevoerd)"
            else:
                self.focus_bron = "stap 1"
            codes = [f.code for f in r.focus_wijken]
        self.focus_wijken = codes
        nu = self.wijken[self.wijken["jaar"] == self.jaar].set_index("code")
        if dimensies:
            onbekend = [d for d in dimensies if d not in lbm.DIMENSIES]
            if onbekend:
                raise lbm.NoDataError(
                    f"unknown dimension(s) {onbekend}; expected {', '.join(lbm.DIMENSIES)}"
                )
            self.dimensies = list(dimensies)
        else:
            dims = {d for c in codes if c in nu.index for d in focus_dimensies(nu.loc[c])}
            self.dimensies = [d for d in lbm.DIMENSIES if d in dims]
        self.focus_buurten = []
        if self.buurten is not None:
            b = self.buurten[self.buurten["jaar"] == self.jaar]
            delen = {c[2:8] for c in codes}
            self.focus_buurten = sorted(b.loc[b["code"].str.slice(2, 8).isin(delen), "code"])

    # -- own data -----------------------------------------------------------------------------
    def _eigen(self, eigen_data_dir) -> None:
        self.eigen = None
        self.eigen_bron = ""
        self.eigen_controle = None
        self.eigen_jaar = None
        if not eigen_data_dir:
            return
        if str(eigen_data_dir) == VOORBEELD:
            if self.gm.code != config.DEFAULT_GEMEENTE:
                self.eigen_bron = "voorbeeld-niet-hier"
                return
            pad, self.eigen_bron = eigen_data.VOORBEELD_DIR, VOORBEELD
        else:
            pad, self.eigen_bron = Path(eigen_data_dir), "eigen"
        bekend = eigen_data.buurtcodes_gemeente(self.gm.code)
        c = eigen_data.controleer(pad, bekend or None)
        if not c.ok:
            raise lbm.DataError(c.problemen, pad)
        try:
            grenzen = geo.load_geometry("buurt", self.gm.code, self.data_dir)
        except lbm.NoDataError:
            grenzen = geo.load_geometry("wijk", self.gm.code, self.data_dir).iloc[0:0]
        tabellen = eigen_data.plaats(c, grenzen)
        self.eigen_controle = c
        self.eigen_jaar = laatste_volle_jaar(tabellen)
        self.eigen = indicatoren(tabellen, self.eigen_jaar or self.jaar, self.min_aantal)

    # -- displays -------------------------------------------------------------------------------
    def kop(self) -> Html:
        namen = self.wijken.drop_duplicates("code").set_index("code")["naam"]
        wijken = ", ".join(esc(namen.get(c, c)) for c in self.focus_wijken).rstrip(".") or "geen"
        dims = ", ".join(esc(lbm.dimensie_namen()[d]) for d in self.dimensies) or "geen"
        html = (
            f"<h1>Stap 2 — Inzoomen: {esc(self.gm.naam)}</h1>"
            f'<p class="ondertitel">Focuswijken: {wijken}. Dimensies: {dims}. '
            f"Bron van de keuze: {esc(self.focus_bron)}.</p>"
        )
        if self.eigen_bron == VOORBEELD:
            html += str(kader(
                "Fictieve voorbeeldgegevens.",
                "De corporatiegegevens in dit rapport zijn verzonnen (Woonstichting Voorbeeld "
                "bestaat niet) en dienen alleen om de werkwijze te laten zien. De "
                "Leefbaarometer-cijfers zijn echt.",
            ))  # fmt: skip
        return Html(html)

    def eigen_data_status(self) -> list[Html]:
        if self.eigen is None:
            reden = (
                "De fictieve voorbeeldgegevens horen bij Groningen en worden hier niet gebruikt. "
                if self.eigen_bron == "voorbeeld-niet-hier"
                else ""
            )
            return [kader(
                "Zonder eigen gegevens.",
                reden + "Er zijn geen corporatiegegevens meegegeven (parameter "
                "<code>eigen_data_dir</code>, of <code>--eigen-data</code> bij "
                "<code>leefbaar report</code>). Dit rapport toont daarom alleen de Leefbaarometer, "
                "de vergelijkbare gebieden en de leidraad voor het gesprek in de wijk.",
                soort="info",
            )]  # fmt: skip
        c = self.eigen_controle
        regels = [f"{n}: {len(t)} regels" for n, t in c.tabellen.items()]
        niet = [f"{n}: {k} niet in een buurt te plaatsen" for n, k in c.niet_geplaatst.items()]
        tekst = (
            f"Gegevens over {esc(self.eigen_jaar)}. Alle cijfers zijn opgeteld per buurt; "
            f"aantallen onder de {self.min_aantal} worden niet getoond (–), zodat niets over "
            "individuele huurders te herleiden is."
        )
        out = [
            alinea(tekst),
            alinea("Ingelezen: " + esc("; ".join(regels)) + ".", klasse="toelichting"),
        ]
        if niet:
            out.append(kader("Niet geplaatst.", esc("; ".join(niet)) + "."))
        return out

    def _tabel_data(self) -> pd.DataFrame:
        b = self.buurten[self.buurten["jaar"] == self.jaar].set_index("code")
        df = b[["naam", *lbm.DIMENSIES, "afw"]].copy()
        if self.eigen is not None:
            df = df.join(self.eigen, how="left")
        return df

    def indicator_tabel(self) -> list[Html]:
        if self.buurten is None:
            return [alinea("Geen buurtscores beschikbaar: de eigen indicatoren per buurt kunnen "
                           "niet naast de Leefbaarometer worden gezet.")]  # fmt: skip
        df = self._tabel_data().loc[lambda d: d.index.isin(self.focus_buurten)].sort_values("naam")
        bron_eigen = "eigen gegevens corporatie" + (
            " (fictief)" if self.eigen_bron == VOORBEELD else ""
        )
        t = pd.DataFrame({"Buurt": df["naam"], "Afwijking": df["afw"].map(getal)})
        for d in self.dimensies:
            t[lbm.dimensie_namen()[d]] = df[d].map(getal)
        out = [tabel(t, f"Buurten van de focuswijken: Leefbaarometer {self.jaar}", BRON_LBM,
                     rechts=[c for c in t.columns if c != "Buurt"])]  # fmt: skip
        if self.eigen is not None:
            ind = instellingen()["indicatoren"]
            e = pd.DataFrame({"Buurt": df["naam"]})
            for k in ind:
                if k in df.columns:
                    dec = 0 if k in ("vhe", "leegstand_dagen") else 1
                    e[ind[k]["naam"]] = df[k].map(
                        lambda v, dec=dec: "–" if pd.isna(v) else f"{v:.{dec}f}".replace(".", ",")
                    )
            out.append(tabel(e, f"Dezelfde buurten: eigen cijfers ({self.eigen_jaar})", bron_eigen,
                             rechts=[c for c in e.columns if c != "Buurt"]))  # fmt: skip
        return out

    def verbanden(self) -> list[Html]:
        if self.eigen is None or self.buurten is None:
            return []
        df = self._tabel_data()
        out: list[Html] = []
        ind = instellingen()["indicatoren"]
        for dim in self.dimensies or ["onv"]:
            indicator = instellingen()["koppeling"][dim]
            if indicator not in df.columns:
                continue
            v = verband(df, dim, indicator)
            if v is None:
                out.append(
                    alinea(f"Te weinig buurten met cijfers voor {esc(ind[indicator]['naam'])}.")
                )
                continue
            out.append(self._verband_figuur(df, v))
            dimnaam = lbm.dimensie_namen()[dim]
            richting = "hoger" if v.helling > 0 else "lager"
            if v.ci_laag <= 0 <= v.ci_hoog:
                zin = (f"Over de {v.n} buurten met cijfers is geen duidelijke samenhang te zien tussen "
                       f"{esc(dimnaam)} en {esc(ind[indicator]['naam'])}: het 95%-interval van de "
                       f"helling ({getal(v.ci_laag / 10, 2)} tot {getal(v.ci_hoog / 10, 2)} per 0,1) "
                       "bevat nul.")  # fmt: skip
            else:
                zin = (f"Over de {v.n} buurten met cijfers hangt een 0,1 hogere score op {esc(dimnaam)} "
                       f"samen met een {getal(abs(v.helling) / 10, 2, teken=False)} {richting} waarde van "
                       f"{esc(ind[indicator]['naam'])} (95%-interval {getal(v.ci_laag / 10, 2)} tot "
                       f"{getal(v.ci_hoog / 10, 2)}; R² = {getal(v.r2, 2, teken=False)}).")  # fmt: skip
            zin += (" Dit is samenhang tussen buurten op één moment, geen oorzaak en gevolg: beide "
                    "cijfers kunnen door iets anders komen (bijvoorbeeld de bevolkingssamenstelling), "
                    "en de Leefbaarometer is zelf een model.")  # fmt: skip
            out.append(alinea(zin))
            if v.afwijkers:
                namen = df.loc[v.afwijkers, "naam"].tolist()
                out.append(alinea(
                    "Buurten die duidelijk afwijken van dit verband (gestandaardiseerd residu groter "
                    "dan 2): " + esc(", ".join(namen)) + ". Daar is het eigen beeld anders dan de "
                    "Leefbaarometer doet verwachten; een goede plek om in de wijk navraag te doen.",
                ))  # fmt: skip
        return out

    def _verband_figuur(self, df: pd.DataFrame, v: Verband) -> Html:
        ind = instellingen()["indicatoren"][v.indicator]["naam"]
        dimnaam = lbm.dimensie_namen()[v.dimensie]
        d = df[[v.dimensie, v.indicator, "naam"]].dropna()
        fig, ax = plt.subplots(figsize=(7, 4.2))
        focus = d.index.isin(self.focus_buurten)
        ax.scatter(
            d.loc[~focus, v.dimensie],
            d.loc[~focus, v.indicator],
            s=22,
            color="#9aa3ab",
            label="overige buurten",
        )
        ax.scatter(
            d.loc[focus, v.dimensie],
            d.loc[focus, v.indicator],
            s=30,
            color="#d55e00",
            label="buurten in focuswijken",
        )
        X = sm.add_constant(d[v.dimensie].astype(float))
        fit = sm.OLS(d[v.indicator].astype(float), X).fit()
        xs = np.linspace(d[v.dimensie].min(), d[v.dimensie].max(), 50)
        pred = fit.get_prediction(sm.add_constant(xs)).summary_frame(alpha=0.05)
        ax.plot(xs, pred["mean"], color="#2c5d8a")
        ax.fill_between(xs, pred["mean_ci_lower"], pred["mean_ci_upper"], color="#2c5d8a", alpha=0.15,
                        label="verband met 95%-interval")  # fmt: skip
        for code in v.afwijkers:
            ax.annotate(str(d.loc[code, "naam"]), (d.loc[code, v.dimensie], d.loc[code, v.indicator]),
                        fontsize=7, xytext=(4, 4), textcoords="offset points")  # fmt: skip
        ax.axvline(0, color="#777", linewidth=0.6)
        ax.set_xlabel(f"Leefbaarometer: {dimnaam} (bijdrage aan de afwijking)")
        ax.set_ylabel(ind)
        ax.legend(frameon=False, fontsize=8)
        return figuur(fig, f"{dimnaam.capitalize()} en {ind}, per buurt",
                      f"{BRON_LBM}; eigen gegevens corporatie" + (" (fictief)" if self.eigen_bron == VOORBEELD else ""),
                      alt=f"Spreidingsdiagram {dimnaam} tegen {ind}")  # fmt: skip

    # -- peers ------------------------------------------------------------------------------------
    @functools.cached_property
    def peers_wijk(self) -> dict[str, pd.DataFrame]:
        """For each focus wijk: the most similar wijken in other gemeenten (embedded national file)."""
        alle = lbm.load_scores("wijk", None, None)
        prof = profiel(alle, self.jaar, self.vanaf)
        eigen = set(prof.index[prof["gemeente"] == self.gm.code])
        return {c: peers(prof, c, 5, eigen - {c}) for c in self.focus_wijken if c in prof.index}

    @functools.cached_property
    def peers_buurt(self) -> dict[str, pd.DataFrame]:
        """For each focus buurt: the most similar buurten outside its own wijk (buurt data at hand)."""
        if self.buurten is None:
            return {}
        bron = self.buurten
        if self.data_dir is not None:
            with contextlib.suppress(lbm.NoDataError):  # keep the gemeente's own buurten
                bron = lbm.load_scores("buurt", None, self.data_dir)
        prof = profiel(bron, self.jaar, self.vanaf) if self.vanaf in set(bron["jaar"]) else None
        if prof is None:
            return {}
        out = {}
        for c in self.focus_buurten:
            zelfde_wijk = {x for x in prof.index if x[2:8] == c[2:8]}
            if c in prof.index:
                out[c] = peers(prof, c, 5, zelfde_wijk)
        return out

    def peers_tonen(self) -> list[Html]:
        namen = lbm.dimensie_namen()
        out: list[Html] = [alinea(
            "Vergelijkbare gebieden hebben hetzelfde profiel op de vijf dimensies en een vergelijkbare "
            f"ontwikkeling sinds {self.vanaf} (Trend: verandering van de afwijking). De afstand meet "
            "hoe sterk het profiel verschilt: hoe kleiner, hoe meer gelijkend. Het verschil per dimensie laat zien waar de focuswijk "
            "achterblijft bij gebieden die verder op haar lijken. Deze gebieden zijn in stap 4 ook de "
            "vergelijkingsgroep."
        )]  # fmt: skip
        wijknamen = self.wijken.drop_duplicates("code").set_index("code")["naam"]
        for code, p in self.peers_wijk.items():
            eigen = profiel(self.wijken, self.jaar, self.vanaf).loc[code]
            toon_dims = self.dimensies or list(lbm.DIMENSIES)
            t = pd.DataFrame({
                "Wijk": p["naam"],
                "Gemeente": [gemeenten.naam(g) for g in p["gemeente"]],
                "Afstand": p["afstand"].map(lambda v: f"{v:.2f}".replace(".", ",")),
                **{namen[d]: p[d].map(getal) for d in toon_dims},
                "Trend": p["trend"].map(getal),
            })  # fmt: skip
            t.loc["eigen"] = [wijknamen.get(code, code) + " (focuswijk)", self.gm.naam, "–",
                              *[getal(eigen[d]) for d in toon_dims], getal(eigen["trend"])]  # fmt: skip
            verschil = {namen[d]: eigen[d] - p[d].mean() for d in lbm.DIMENSIES}
            zwak = [
                f"{k} ({getal(v)})"
                for k, v in sorted(verschil.items(), key=lambda kv: kv[1])
                if v < -KLASSESTAP / 2
            ]
            out.append(tabel(t, f"Meest vergelijkbare wijken elders voor {wijknamen.get(code, code)}",
                             BRON_LBM, rechts=[c for c in t.columns if c not in ("Wijk", "Gemeente")]))  # fmt: skip
            out.append(alinea(
                f"{esc(wijknamen.get(code, code))} tegenover deze wijken: "
                + (esc("lager op " + ", ".join(zwak)) if zwak else "geen dimensie blijft duidelijk achter")
                + "."
            ))  # fmt: skip
        if self.peers_buurt:
            b = self.buurten.drop_duplicates("code").set_index("code")["naam"]
            rijen = []
            for code, p in self.peers_buurt.items():
                rijen.append({"Buurt": b.get(code, code),
                              "Meest vergelijkbare buurten (andere wijken)": ", ".join(p["naam"].astype(str))})  # fmt: skip
            out.append(tabel(pd.DataFrame(rijen), "Vergelijkbare buurten per buurt in de focuswijken",
                             BRON_LBM + (" — buurten in de meegegeven data" if self.data_dir else
                                         " — alleen buurten van deze gemeente in de ingebouwde data")))  # fmt: skip
        return out

    # -- qualitative ------------------------------------------------------------------------------
    def leidraad(self) -> list[Html]:
        """A wijkschouw and interview guide per focus wijk, questions chosen by its weak dimensions."""
        cfg = instellingen()["leidraad"]
        namen = lbm.dimensie_namen()
        nu = self.wijken[self.wijken["jaar"] == self.jaar].set_index("code")
        out = []
        for code in self.focus_wijken:
            dims = [d for d in focus_dimensies(nu.loc[code]) if d in cfg] or self.dimensies
            delen = [f"<h3>Leidraad {esc(nu.loc[code, 'naam'])}</h3>",
                     f"<p>Dimensies om op te letten: {esc(', '.join(namen[d] for d in dims))}.</p>"]  # fmt: skip
            for soort, titel in (
                ("schouw", "Wijkschouw: kijk naar"),
                ("interview", "Gesprekken: vraag"),
            ):
                vragen = cfg["algemeen"][soort] + [q for d in dims for q in cfg[d][soort]]
                delen.append(
                    f"<p><strong>{titel}</strong></p><ul>"
                    + "".join(f"<li>{esc(q)}</li>" for q in vragen)
                    + "</ul>"
                )
            out.append(Html('<div class="profiel">' + "".join(delen) + "</div>"))
        return out

    def waarnemingen_tonen(self) -> list[Html]:
        if self.waarnemingen is None:
            return [alinea("Nog geen waarnemingen ingelezen. Leg ze vast in een CSV met de kolommen "
                           "datum, locatie, dimensie, thema en waarneming (zonder namen of "
                           "huisnummers) en geef die mee met de parameter <code>waarnemingen</code>.")]  # fmt: skip
        w = self.waarnemingen
        namen = lbm.dimensie_namen()
        telling = w.groupby(["dimensie", "thema"]).size().rename("aantal").reset_index()
        telling["dimensie"] = telling["dimensie"].map(lambda d: namen.get(d, d))
        out = [tabel(telling.rename(columns={"dimensie": "Dimensie", "thema": "Thema", "aantal": "Aantal"}),
                     "Waarnemingen en gesprekken, per dimensie en thema",
                     "Wijkschouw en gesprekken" + (" (fictief voorbeeld)" if self.eigen_bron == VOORBEELD else ""),
                     rechts=["Aantal"])]  # fmt: skip
        citaten = []
        for d, g in w.groupby("dimensie"):
            for _, r in g.head(2).iterrows():
                citaten.append(f"<li><em>{esc(namen.get(d, d))}</em> — {esc(r['waarneming'])}</li>")
        out.append(
            Html(
                "<p><strong>Een greep uit de waarnemingen</strong></p><ul>"
                + "".join(citaten)
                + "</ul>"
            )
        )
        dims_w = set(w["dimensie"])
        bevestigd = [namen[d] for d in self.dimensies if d in dims_w]
        if bevestigd:
            out.append(alinea("De waarnemingen gaan vooral over " + esc(", ".join(bevestigd)) +
                              ": dezelfde dimensies die in de cijfers de score drukken."))  # fmt: skip
        return out

    def resultaat(self) -> Resultaat:
        return Resultaat(
            gemeente=self.gm.code,
            jaar=self.jaar,
            focus_wijken=self.focus_wijken,
            focus_buurten=self.focus_buurten,
            dimensies=self.dimensies,
            peers_wijk={k: list(v.index) for k, v in self.peers_wijk.items()},
            peers_buurt={k: list(v.index) for k, v in self.peers_buurt.items()},
            eigen_data=self.eigen_bron,
            eigen_jaar=self.eigen_jaar,
        )


def start(
    gemeente: str,
    data_dir: str = "",
    output_dir: str = "",
    focus_wijken: str = "",
    dimensies: str = "",
    eigen_data_dir: str = VOORBEELD,
    min_aantal: int = eigen_data.MIN_AANTAL,
    waarnemingen: str = "",
) -> Inzoomen:
    """Build step 2 from notebook parameters (comma-separated lists; empty = from step 1)."""

    def lijst(s: str) -> list[str] | None:
        items = [x.strip() for x in s.split(",") if x.strip()]
        return items or None

    return Inzoomen(gemeente, data_dir or None, output_dir or None, lijst(focus_wijken),
                    lijst(dimensies), eigen_data_dir or None, min_aantal, waarnemingen or None)  # fmt: skip
