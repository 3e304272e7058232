"""Step 1, onderzoek: where in the gemeente is livability under pressure, and on which dimension."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import config, gemeenten, geo, grafieken, kaarten
from . import leefbaarometer as lbm
from .bestanden import schrijf_atomair
from .leefbaarometer import wijk_scores
from .weergave import Html, alinea, esc, getal, kader, tabel

RESULTAAT_BESTAND = "onderzoek.json"
#: One class step of the deviation classes: the smallest change we call a change.
KLASSESTAP = 0.0392


@dataclass
class Prioriteitsregel:
    """The transparent rule that makes a wijk a priority wijk.

    A wijk is a priority when its total class is at or below ``max_klasse`` (A), or when it lies
    below the gemeente (B) *and* fell by more than ``min_daling`` since the comparison year (C).
    """

    max_klasse: int = 5
    min_daling: float = KLASSESTAP

    def beschrijving(self, vergelijk_jaar: int, jaar: int) -> str:
        labels = lbm.klasse_labels()
        return (
            f"Een wijk krijgt prioriteit als (A) de totaalscore in {jaar} in klasse "
            f"{self.max_klasse} ({labels[self.max_klasse]}) of lager valt, of als de wijk (B) onder "
            f"het gemiddelde van de gemeente ligt én (C) sinds {vergelijk_jaar} meer dan "
            f"{getal(self.min_daling, 3, teken=False)} is gedaald (één klassestap)."
        )


@dataclass
class Focus:
    code: str
    naam: str
    afw: float
    klasse: int
    criteria: list[str]
    redenen: list[str]
    dimensies: list[str]


@dataclass
class Resultaat:
    """What step 1 hands to step 2 (written as onderzoek.json in the gemeente's output folder)."""

    gemeente: str
    gemeente_naam: str
    release: str
    jaar: int
    vergelijk_jaar: int
    kaartniveau: str
    regel: str
    focus_wijken: list[Focus] = field(default_factory=list)
    focus_dimensies: list[str] = field(default_factory=list)
    focus_buurten: list[str] = field(default_factory=list)
    klein_gemarkeerd: list[str] = field(default_factory=list)
    samenvatting: str = ""

    def schrijf(self, output_dir: str | Path) -> Path:
        """Write atomically (temporary name, then rename) to ``output_dir/onderzoek.json``."""
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2, default=_json_default)
        return schrijf_atomair(Path(output_dir) / RESULTAAT_BESTAND, text + "\n")


def _json_default(o):
    """numpy scalars as plain Python numbers."""
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def lees_resultaat(output_dir: str | Path) -> Resultaat | None:
    """Step 1's result from a gemeente's output folder, or None when step 1 has not run there."""
    p = Path(output_dir) / RESULTAAT_BESTAND
    if not p.exists():
        return None
    d = json.loads(p.read_text(encoding="utf-8"))
    d["focus_wijken"] = [Focus(**f) for f in d.get("focus_wijken", [])]
    return Resultaat(**d)


def output_map(output_dir: str, gemeente_code: str) -> Path:
    """The gemeente's output folder: the parameter, or ``reports/<GMxxxx>`` when empty."""
    return Path(output_dir) if output_dir else config.REPORTS_DIR / gemeente_code


def _reden_dimensie(dim: str, waarde: float) -> str:
    naam = lbm.dimensie_namen()[dim]
    return f"{dim} {getal(waarde)}: {naam} drukt de score"


def focus_dimensies(rij: pd.Series) -> list[str]:
    """Dimensions that pull an area down by at least one class step, most negative first.

    When none does, the single weakest dimension (if negative) is returned.
    """
    vals = rij[list(lbm.DIMENSIES)].astype(float).dropna()
    if vals.empty:
        return []
    zwak = vals[vals <= -KLASSESTAP].sort_values()
    if len(zwak):
        return list(zwak.index)
    laagste = vals.idxmin()
    return [laagste] if vals[laagste] < 0 else []


class Onderzoek:
    """Everything step 1 shows for one gemeente; every method returns something displayable."""

    def __init__(
        self,
        gemeente: str = config.DEFAULT_GEMEENTE,
        data_dir: str | Path | None = None,
        jaar: int = 0,
        vergelijk_jaar: int = 0,
        regel: Prioriteitsregel | None = None,
        inwoners_bestand: str | Path | None = None,
        min_inwoners: int = 200,
    ):
        self.gm = gemeenten.zoek(gemeente)
        self.data_dir = Path(data_dir) if data_dir else None
        self.regel = regel or Prioriteitsregel()
        wijken, self.wijken_uit_ingebouwd = wijk_scores(self.gm.code, self.data_dir)
        self.wijken = lbm.met_klassen(wijken)
        try:
            self.buurten = lbm.met_klassen(lbm.load_scores("buurt", self.gm.code, self.data_dir))
        except lbm.NoDataError:
            self.buurten = None
        self.release = str(self.wijken["release"].iloc[0])
        jaren = sorted(self.wijken["jaar"].unique())
        jaren = [int(j) for j in jaren]
        self.jaar = int(jaar) if jaar else jaren[-1]
        if self.jaar not in jaren:
            raise lbm.NoDataError(f"no scores for {self.jaar}; years: {', '.join(map(str, jaren))}")
        dimjaren = [
            j for j in jaren if j <= self.jaar and j in lbm.release(self.release).jaren_dimensies
        ]
        self.vergelijk_jaar = (
            int(vergelijk_jaar) if vergelijk_jaar else (dimjaren[0] if dimjaren else jaren[0])
        )
        self.referentie, self.referentie_officieel = self._gemeente_referentie()
        self.kaartniveau = "wijk"
        self.buurtgrenzen_ontbreken = False
        if self.buurten is not None:
            try:
                geo.load_geometry("buurt", self.gm.code, self.data_dir)
                self.kaartniveau = "buurt"
            except lbm.NoDataError:
                self.buurtgrenzen_ontbreken = True
        self.inwoners = self._lees_inwoners(inwoners_bestand) if inwoners_bestand else None
        self.min_inwoners = min_inwoners

    # -- data --------------------------------------------------------------------------------
    def _gemeente_referentie(self) -> tuple[pd.DataFrame, bool]:
        """The gemeente's series: official gemeente scores when present, else the wijk mean."""
        cols = ["afw", *lbm.DIMENSIES]
        try:
            g = lbm.load_scores("gemeente", self.gm.code, self.data_dir)
            return g.set_index("jaar")[cols], True
        except lbm.NoDataError:
            return self.wijken.groupby("jaar")[cols].mean(), False

    def _lees_inwoners(self, path) -> pd.Series:
        df = pd.read_csv(path, dtype={"code": str})
        if not {"code", "inwoners"} <= set(df.columns):
            raise lbm.DataError("expected columns code and inwoners", path)
        return df.set_index("code")["inwoners"]

    def in_jaar(self, df: pd.DataFrame, jaar: int | None = None) -> pd.DataFrame:
        return df[df["jaar"] == (jaar or self.jaar)].reset_index(drop=True)

    def _ref(self, kolom: str = "afw", jaar: int | None = None) -> float:
        return float(self.referentie.loc[jaar or self.jaar, kolom])

    def _ref_tekst(self) -> str:
        return (
            "de officiële gemeentescore"
            if self.referentie_officieel
            else "het ongewogen gemiddelde van de wijken (de gemeentescore zelf zit niet in de "
            "ingebouwde data)"
        )

    # -- displays ------------------------------------------------------------------------------
    def kop(self) -> Html:
        html = (
            f"<h1>Stap 1 — Onderzoek: leefbaarheid in {esc(self.gm.naam)}</h1>"
            f'<p class="ondertitel">Leefbaarometer 3.0, {esc(self.release)}; peiljaar {self.jaar}, '
            f"vergeleken met {self.vergelijk_jaar}. Kaarten op {self.kaartniveau}niveau.</p>"
        )
        if self.wijken_uit_ingebouwd:
            html += str(
                kader(
                    "Wijkscores uit de ingebouwde data.",
                    "De opgegeven datamap bevat geen wijkscores; de wijkreeks komt uit de "
                    f"ingebouwde Leefbaarometer-data van dezelfde release ({esc(self.release)}).",
                    soort="info",
                )
            )
        if self.buurtgrenzen_ontbreken:
            html += str(
                kader(
                    "Kaarten op wijkniveau.",
                    "Er zijn buurtscores, maar geen buurtgrenzen voor deze gemeente. Voeg een CBS "
                    "wijk- en buurtkaart (GeoPackage of GeoJSON met buurtcodes) toe aan de datamap "
                    "voor kaarten op buurtniveau.",
                    soort="info",
                )
            )
        if self.buurten is None:
            html += str(
                kader(
                    "Alleen wijkcijfers.",
                    f"Voor {esc(self.gm.naam)} zijn in deze data geen buurtscores beschikbaar; dit "
                    "rapport werkt daarom op wijkniveau. Voor buurtniveau: download de officiële "
                    "Leefbaarometer-bestanden en geef de map mee met <code>--data-dir</code> "
                    "(parameter <code>data_dir</code>).",
                    soort="info",
                )
            )
        return Html(html)

    def gemeente_profiel(self) -> list[Html]:
        r = self.referentie.loc[self.jaar]
        k = int(lbm.klasse([r["afw"]])[0])
        label = lbm.klasse_labels()[k]
        namen = lbm.dimensie_namen()
        dims = [(d, r[d]) for d in lbm.DIMENSIES if pd.notna(r[d])]
        laag = sorted(dims, key=lambda x: x[1])[:2]
        hoog = sorted(dims, key=lambda x: -x[1])[:2]
        zin = (
            f"In {self.jaar} ligt {esc(self.gm.naam)} met een afwijking van {getal(r['afw'])} in "
            f"klasse {k} (<em>{esc(label)}</em>) ten opzichte van het landelijk gemiddelde (0). "
        )
        if dims:
            zin += (
                "De score wordt vooral opgetild door "
                + " en ".join(f"{namen[d]} ({getal(v)})" for d, v in hoog if v > 0)
                + "; de zwakste dimensies zijn "
                + " en ".join(f"{namen[d]} ({getal(v)})" for d, v in laag)
                + "."
            )
        bron = alinea(f"Als gemeentewaarde gebruiken we {self._ref_tekst()}.", klasse="toelichting")
        fig = grafieken.gemeente_profiel(
            r, f"{self.gm.naam} tegenover Nederland, {self.jaar}: totaal en vijf dimensies"
        )
        return [alinea(zin), fig, bron]

    def _gebieden_geo(self, niveau: str) -> gpd.GeoDataFrame:
        scores = self.buurten if niveau == "buurt" else self.wijken
        s = self.in_jaar(scores)
        g = geo.load_geometry(niveau, self.gm.code, self.data_dir)
        cols = ["code", "naam", "afw", *lbm.DIMENSIES]
        out = g.merge(s[cols], on="code", how="left", suffixes=("_grens", ""))
        # the Leefbaarometer's own name where it has one, else the name of the boundary file
        out["naam"] = out["naam"].fillna(out["naam_grens"]).astype(str)
        return gpd.GeoDataFrame(out, geometry="geometry", crs=g.crs)

    def _context(self) -> gpd.GeoDataFrame | None:
        """Neighbouring gemeenten for the map's national context."""
        try:
            alle = geo.load_geometry("gemeente")
        except lbm.NoDataError:
            return None
        eigen = alle[alle["code"] == self.gm.code]
        if eigen.empty:
            return None
        minx, miny, maxx, maxy = eigen.total_bounds
        marge = max(maxx - minx, maxy - miny) * 0.4
        return alle.cx[minx - marge : maxx + marge, miny - marge : maxy + marge]

    def kaart_totaal(self) -> kaarten.Kaart:
        g = self._gebieden_geo(self.kaartniveau)
        return kaarten.choropleth(
            g,
            "afw",
            f"Totaalscore per {self.kaartniveau}, {self.jaar} ({self.gm.naam} en omgeving)",
            soort="score",
            context=self._context(),
        )

    def kaart_dimensie(self, dim: str) -> kaarten.Kaart:
        g = self._gebieden_geo(self.kaartniveau)
        naam = lbm.dimensie_namen()[dim]
        return kaarten.choropleth(
            g,
            dim,
            f"Dimensie {naam} per {self.kaartniveau}, {self.jaar}",
            soort="afwijking",
            context=self._context(),
        )

    def decompositie_wijken(self) -> Html:
        df = self.in_jaar(self.wijken)
        return grafieken.decompositie(
            df,
            f"Waarom wijkt een wijk af? Bijdrage van de vijf dimensies per wijk, {self.jaar}",
            referentie=self._ref(),
        )

    def decompositie_buurten(self, wijk_codes: list[str]) -> list[Html]:
        """Per focus wijk, the same decomposition for its buurten (where buurt data exists)."""
        if self.buurten is None or not wijk_codes:
            return []
        out = []
        b = self.in_jaar(self.buurten)
        namen = self.in_jaar(self.wijken).set_index("code")["naam"]
        for wk in wijk_codes:
            # a buurt belongs to the wijk whose code digits it starts with (BU0014 00 01 -> WK0014 00)
            sub = b[b["code"].str.slice(2, 8) == wk[2:8]]
            if len(sub) < 2:
                continue
            out.append(
                grafieken.decompositie(
                    sub,
                    f"Buurten van {namen.get(wk, wk)}: bijdrage per dimensie, {self.jaar}",
                    referentie=self._ref(),
                )
            )
        return out

    #: Above this many wijken the small multiples show the priority wijken only.
    MAX_PANELEN = 30

    def trend_wijken(self) -> list[Html]:
        reeks = self.wijken[["code", "naam", "jaar", "afw"]]
        periode = f"{self.wijken['jaar'].min()}–{self.jaar}"
        out: list[Html] = []
        if reeks["code"].nunique() > self.MAX_PANELEN:
            focus = [f.code for f in self.prioriteit().focus_wijken]
            reeks = reeks[reeks["code"].isin(focus)]
            out.append(
                alinea(
                    f"{esc(self.gm.naam)} heeft {self.wijken['code'].nunique()} wijken; hieronder "
                    "de ontwikkeling van de prioriteitswijken. De tabel verderop geeft de "
                    "verandering voor alle wijken.",
                    klasse="toelichting",
                )
            )
            titel = f"Ontwikkeling van de totaalscore, prioriteitswijken, {periode}"
        else:
            titel = f"Ontwikkeling van de totaalscore per wijk, {periode}"
        if len(reeks):
            out.append(grafieken.trends(reeks, self.referentie["afw"], titel))
        return out

    def trend_dimensies(self) -> Html:
        focus = [f.code for f in self.prioriteit().focus_wijken]
        return grafieken.dimensie_trends(
            self.wijken,
            self.referentie,
            "Ontwikkeling per dimensie, alle wijken (2014–" + str(self.jaar) + ")",
            nadruk=focus,
        )

    def verandering(self) -> pd.DataFrame:
        """Change per wijk between the comparison year and the year: afw and each dimension."""
        a = self.in_jaar(self.wijken, self.vergelijk_jaar).set_index("code")
        b = self.in_jaar(self.wijken).set_index("code")
        d = pd.DataFrame({"naam": b["naam"], "afw_toen": a["afw"], "afw_nu": b["afw"]})
        d["verschil"] = d["afw_nu"] - d["afw_toen"]
        for dim in lbm.DIMENSIES:
            d[f"d_{dim}"] = b[dim] - a[dim]
        return d.dropna(subset=["afw_nu"])

    def verandering_tabel(self) -> list[Html]:
        d = self.verandering()
        stap = getal(KLASSESTAP, 3, teken=False)
        uitleg = alinea(
            f"<strong>Veranderingsmaat.</strong> Per wijk het verschil in afwijking tussen "
            f"{self.vergelijk_jaar} en {self.jaar}, in dezelfde eenheid als de score. Beide jaren "
            f"komen uit dezelfde release ({esc(self.release)}), dus het verschil is niet vertekend "
            f"door een modelwijziging. De Leefbaarometer publiceert geen foutmarge; wij noemen een "
            f"verschil pas een stijging of daling als het groter is dan één klassestap ({stap}). "
            "Kleinere verschillen lezen we als ‘gelijk gebleven’."
        )

        def oordeel(v):
            if pd.isna(v):
                return "–"
            return "gestegen" if v > KLASSESTAP else "gedaald" if v < -KLASSESTAP else "gelijk"

        namen = lbm.dimensie_namen()
        t = pd.DataFrame(
            {
                "Wijk": d["naam"],
                f"Afwijking {self.vergelijk_jaar}": d["afw_toen"].map(getal),
                f"Afwijking {self.jaar}": d["afw_nu"].map(getal),
                "Verschil": d["verschil"].map(getal),
                "Oordeel": d["verschil"].map(oordeel),
                **{f"Δ {namen[dim]}": d[f"d_{dim}"].map(getal) for dim in lbm.DIMENSIES},
            }
        ).sort_values("Wijk")
        num = [c for c in t.columns if c not in ("Wijk", "Oordeel")]
        return [
            uitleg,
            tabel(
                t,
                f"Verandering per wijk, {self.vergelijk_jaar}–{self.jaar} (alfabetisch)",
                "Bron: Leefbaarometer 3.0 (BZK), " + self.release,
                rechts=num,
            ),
        ]

    def prioriteit(self) -> Resultaat:
        """Apply the priority rule to the wijken; the result is what step 2 reads."""
        nu = self.in_jaar(self.wijken).set_index("code")
        toen = self.in_jaar(self.wijken, self.vergelijk_jaar).set_index("code")
        ref = self._ref()
        labels = lbm.klasse_labels()
        klein = set()
        if self.inwoners is not None:
            klein = {c for c in nu.index if self.inwoners.get(c, 0) < self.min_inwoners}
        focus: list[Focus] = []
        for code, r in nu.iterrows():
            if pd.isna(r["afw"]) or code in klein:
                continue
            k = int(r["klasse"])
            daling = r["afw"] - toen["afw"].get(code, float("nan"))
            a = k <= self.regel.max_klasse
            b = r["afw"] < ref
            c = pd.notna(daling) and daling < -self.regel.min_daling
            if not (a or (b and c)):
                continue
            criteria, redenen = [], []
            if a:
                criteria.append("A")
                redenen.append(f"klasse {k} ({labels[k]}), afwijking {getal(r['afw'])}")
            if b:
                criteria.append("B")
                redenen.append(
                    f"onder het gemeentelijk niveau ({getal(r['afw'])} tegen {getal(ref)})"
                )
            if c:
                criteria.append("C")
                redenen.append(f"gedaald sinds {self.vergelijk_jaar} ({getal(daling)})")
            dims = focus_dimensies(r)
            redenen += [_reden_dimensie(d, r[d]) for d in dims]
            focus.append(Focus(code, str(r["naam"]), float(r["afw"]), k, criteria, redenen, dims))
        focus.sort(key=lambda f: f.naam)
        alle_dims = [d for d in lbm.DIMENSIES if any(d in f.dimensies for f in focus)]
        buurten = []
        if self.buurten is not None:
            b = self.in_jaar(self.buurten)
            wijkdelen = {f.code[2:8] for f in focus}
            buurten = sorted(b.loc[b["code"].str.slice(2, 8).isin(wijkdelen), "code"].tolist())
        namen = lbm.dimensie_namen()
        if focus:
            werkwoord = "krijgt" if len(focus) == 1 else "krijgen"
            samenvatting = (
                f"{len(focus)} van de {len(nu)} wijken {werkwoord} prioriteit: "
                + ", ".join(f.naam for f in focus).rstrip(".")
                + ". Dimensies die daar de score drukken: "
                + (", ".join(namen[d] for d in alle_dims) or "geen uitgesproken dimensie")
                + "."
            )
        else:
            samenvatting = (
                "De enige wijk valt niet onder de prioriteitsregel."
                if len(nu) == 1
                else f"Geen van de {len(nu)} wijken valt onder de prioriteitsregel."
            )
        return Resultaat(
            gemeente=self.gm.code,
            gemeente_naam=self.gm.naam,
            release=self.release,
            jaar=self.jaar,
            vergelijk_jaar=self.vergelijk_jaar,
            kaartniveau=self.kaartniveau,
            regel=self.regel.beschrijving(self.vergelijk_jaar, self.jaar),
            focus_wijken=focus,
            focus_dimensies=alle_dims,
            focus_buurten=buurten,
            klein_gemarkeerd=sorted(klein),
            samenvatting=samenvatting,
        )

    def prioriteit_tonen(self, resultaat: Resultaat) -> list[Html]:
        out: list[Html] = [alinea(esc(resultaat.regel))]
        if not resultaat.focus_wijken:
            out.append(alinea("Geen enkele wijk voldoet aan deze regel."))
        else:
            items = []
            for f in resultaat.focus_wijken:
                redenen = "".join(f"<li>{esc(r)}</li>" for r in f.redenen)
                items.append(
                    f'<div class="profiel"><h3>{esc(f.naam)} '
                    f'<span class="code">{esc(f.code)}</span></h3>'
                    f'<p class="criteria">Voldoet aan: {esc(", ".join(f.criteria))}</p>'
                    f"<ul>{redenen}</ul></div>"
                )
            out.append(Html('<div class="profielen">' + "".join(items) + "</div>"))
            out.append(
                alinea(
                    "De wijken staan op alfabet, niet op volgorde van score: het gaat om het profiel "
                    "en de reden, niet om een ranglijst.",
                    klasse="toelichting",
                )
            )
        if self.inwoners is None:
            out.append(
                kader(
                    "Kleine gebieden.",
                    "Er zijn geen inwonertallen meegegeven (parameter <code>inwoners_bestand</code>). "
                    "Gebieden met weinig inwoners kunnen extreme scores hebben; controleer dat "
                    "bij de prioriteitswijken voordat u conclusies trekt.",
                )
            )
        elif resultaat.klein_gemarkeerd:
            out.append(
                kader(
                    "Kleine gebieden.",
                    f"Niet gerangschikt omdat ze minder dan {self.min_inwoners} inwoners hebben: "
                    + esc(", ".join(resultaat.klein_gemarkeerd))
                    + ".",
                )
            )
        return out

    def kanttekeningen(self) -> Html:
        return kader(
            "Lees de Leefbaarometer als signaal, niet als meting.",
            "De scores zijn een modelvoorspelling op basis van ongeveer honderd kenmerken van de "
            "woonomgeving, geen telling of enquête in de wijk. Het model is geen causaal model: "
            "de indicatoren zijn geen knoppen om aan te draaien. De gegevens lopen ongeveer twee "
            f"jaar achter op de werkelijkheid. Alle jaren komen uit één release ({esc(self.release)}); "
            "vergelijk nooit met cijfers uit een andere release, want elke release berekent de hele "
            "reeks opnieuw. Gebieden met weinig inwoners (bedrijventerreinen, buitengebied) kunnen "
            "extreme scores hebben, en buurtgrenzen veranderen tussen jaren. De klasse "
            "‘voldoende’ ligt onder het landelijk gemiddelde: kijk altijd naar de score naast het label.",
            soort="info",
        )


def start(
    gemeente: str,
    data_dir: str = "",
    jaar: int = 0,
    vergelijk_jaar: int = 0,
    max_klasse: int = 5,
    min_daling: float = KLASSESTAP,
    inwoners_bestand: str = "",
    min_inwoners: int = 200,
) -> Onderzoek:
    """Build the step-1 analysis from notebook parameters (empty string = default)."""
    return Onderzoek(
        gemeente,
        data_dir=data_dir or None,
        jaar=jaar,
        vergelijk_jaar=vergelijk_jaar,
        regel=Prioriteitsregel(max_klasse=max_klasse, min_daling=min_daling),
        inwoners_bestand=inwoners_bestand or None,
        min_inwoners=min_inwoners,
    )
