"""Step 3, actie: intervention catalogue, action plan per focus wijk and dimension, partner map."""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from . import config, gemeenten
from . import leefbaarometer as lbm
from .bestanden import lees_csv, schrijf_atomair
from .leefbaarometer import wijk_scores
from .onderzoek import KLASSESTAP, Onderzoek, focus_dimensies, lees_resultaat
from .weergave import Html, alinea, esc, figuur, getal, kader, tabel

CATALOGUS_FILE = config.DATA_DIR / "interventies.yaml"
EIGENAREN = ("corporatie", "samen", "partner")
PARTNERS = ("gemeente", "politie", "welzijn", "zorg", "bewoners", "ondernemers", "onderwijs")
BEWIJS = {"E": "effectonderzoek", "P": "proces- of monitoringcijfers", "M": "alleen samenhang",
          "N": "geen evaluatie gevonden"}  # fmt: skip
VELDEN = ("id", "naam", "dimensies", "eigenaar", "partners", "maanden", "indicator_lbm",
          "indicator_eigen", "bewijs", "effect")  # fmt: skip
PLAN_KOLOMMEN = [
    "wijk_code", "wijk", "dimensie", "spoor", "actie_id", "actie", "eigenaar", "partners",
    "indicator_lbm", "basis_lbm", "doel_lbm", "indicator_eigen", "start", "eerste_meting", "status",
]  # fmt: skip
SPOREN = {"corporatie": "zelf doen", "samen": "samen met partners", "partner": "samen met partners"}
PLAN_BESTAND = "actieplan"
#: The Leefbaarometer appears every two years and its inputs lag about two years.
LBM_JAREN_NA = 2


class CatalogusFout(ValueError):
    """A catalogue entry breaks the schema; the message names the entry and the field."""


def valideer_catalogus(items: list[dict]) -> list[str]:
    """All schema problems of a catalogue (empty when valid)."""
    problemen = []
    gezien = set()
    for i, it in enumerate(items, 1):
        naam = f"entry {i} ({it.get('id', '?')})"
        for v in VELDEN:
            if v not in it or it[v] in (None, "", []):
                problemen.append(f"{naam}: field {v!r} is missing or empty")
        if it.get("id") in gezien:
            problemen.append(f"{naam}: id {it['id']!r} appears twice")
        gezien.add(it.get("id"))
        for d in it.get("dimensies") or []:
            if d not in lbm.DIMENSIES:
                problemen.append(
                    f"{naam}: dimension {d!r} unknown; expected {', '.join(lbm.DIMENSIES)}"
                )
        if it.get("eigenaar") not in EIGENAREN:
            problemen.append(
                f"{naam}: eigenaar {it.get('eigenaar')!r}; expected one of {', '.join(EIGENAREN)}"
            )
        for p in it.get("partners") or []:
            if p not in PARTNERS:
                problemen.append(
                    f"{naam}: partner {p!r} unknown; expected one of {', '.join(PARTNERS)}"
                )
        if it.get("bewijs") not in BEWIJS:
            problemen.append(
                f"{naam}: bewijs {it.get('bewijs')!r}; expected one of {', '.join(BEWIJS)}"
            )
        if not isinstance(it.get("maanden"), int) or it.get("maanden", 0) <= 0:
            problemen.append(
                f"{naam}: maanden {it.get('maanden')!r}; expected a positive whole number"
            )
        if it.get("indicator_lbm") not in lbm.DIMENSIES:
            problemen.append(
                f"{naam}: indicator_lbm {it.get('indicator_lbm')!r}; expected a dimension"
            )
    for d in lbm.DIMENSIES:
        n = sum(d in (it.get("dimensies") or []) for it in items)
        if n < 3:
            problemen.append(f"dimension {d!r} has {n} interventions; expected at least 3")
    return problemen


@functools.cache
def catalogus(path: str | Path = CATALOGUS_FILE) -> pd.DataFrame:
    """The validated intervention catalogue, one row per intervention."""
    with open(path, encoding="utf-8") as f:
        items = yaml.safe_load(f)["interventies"]
    problemen = valideer_catalogus(items)
    if problemen:
        raise CatalogusFout(f"{path}: " + "; ".join(problemen))
    return pd.DataFrame(items).set_index("id", drop=False)


def kies_acties(dimensie: str, per_spoor: int = 2) -> pd.DataFrame:
    """Proposed actions for one dimension: the best-evidenced ones per track.

    Order within a track: interventions aimed at this dimension as their main indicator first,
    then by strength of evidence (E, P, M, N), then by time to effect.
    """
    cat = catalogus()
    kand = cat[cat["dimensies"].map(lambda ds: dimensie in ds)].copy()
    kand["hoofd"] = (kand["indicator_lbm"] != dimensie).astype(int)
    kand["rang"] = kand["bewijs"].map({"E": 0, "P": 1, "M": 2, "N": 3})
    kand["spoor"] = kand["eigenaar"].map(SPOREN)
    kand = kand.sort_values(["hoofd", "rang", "maanden"])
    return pd.concat([g.head(per_spoor) for _, g in kand.groupby("spoor", sort=True)])


def _volgend_kwartaal(vandaag: dt.date) -> dt.date:
    maand = ((vandaag.month - 1) // 3 + 1) * 3 + 1
    jaar = vandaag.year + (maand > 12)
    return dt.date(jaar, (maand - 1) % 12 + 1, 1)


def eerste_meting(start: dt.date, maanden: int) -> int:
    """First Leefbaarometer year that can show an effect: effect date plus the input lag,
    rounded up to a publication year (even years)."""
    effect = start.year + (start.month - 1 + maanden) / 12
    jaar = int(np.ceil(effect)) + LBM_JAREN_NA
    return jaar + (jaar % 2)


def maak_plan(
    focus: list[tuple[str, str, list[str]]],
    scores_nu: pd.DataFrame,
    start: dt.date | None = None,
    per_spoor: int = 2,
) -> pd.DataFrame:
    """The action plan: for every focus wijk and dimension, actions per track with a target.

    ``focus``: (wijk_code, wijk_naam, dimensions). ``scores_nu``: wijk scores of the latest year,
    indexed by code. Target on the Leefbaarometer: one class step (0.039) better than the
    baseline on the dimension, the smallest change the reports call a change.
    """
    start = start or _volgend_kwartaal(dt.date.today())
    rijen = []
    for code, naam, dims in focus:
        for d in dims:
            basis = float(scores_nu.loc[code, d]) if code in scores_nu.index else float("nan")
            for _, a in kies_acties(d, per_spoor).iterrows():
                rijen.append({
                    "wijk_code": code, "wijk": naam, "dimensie": d, "spoor": a["spoor"],
                    "actie_id": a["id"], "actie": a["naam"], "eigenaar": a["eigenaar"],
                    "partners": ", ".join(a["partners"]), "indicator_lbm": d,
                    "basis_lbm": round(basis, 4), "doel_lbm": round(basis + KLASSESTAP, 4),
                    "indicator_eigen": a["indicator_eigen"], "start": start.isoformat(),
                    "eerste_meting": eerste_meting(start, int(a["maanden"])), "status": "voorstel",
                })  # fmt: skip
    return pd.DataFrame(rijen, columns=PLAN_KOLOMMEN)


def schrijf_plan(plan: pd.DataFrame, output_dir: str | Path) -> tuple[Path, Path]:
    """``actieplan.csv`` (``;``, UTF-8 with BOM: opens in Dutch Excel) and a formatted ``.xlsx``."""
    out = Path(output_dir)
    csv = plan.to_csv(sep=";", index=False, decimal=",")
    p_csv = schrijf_atomair(out / f"{PLAN_BESTAND}.csv", "\ufeff" + csv)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        plan.to_excel(xw, sheet_name="Actieplan", index=False)
        ws = xw.sheets["Actieplan"]
        from openpyxl.styles import Alignment, Font, PatternFill

        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="2C5D8A")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        breedte = {"wijk": 22, "actie": 48, "partners": 30, "indicator_eigen": 28, "spoor": 20}
        for i, kol in enumerate(plan.columns, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = breedte.get(kol, 14)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    p_xlsx = schrijf_atomair(out / f"{PLAN_BESTAND}.xlsx", buf.getvalue())
    return p_csv, p_xlsx


def lees_plan(path: str | Path) -> pd.DataFrame:
    """An edited plan (CSV or XLSX) back in; checked for columns, dimensions and start dates."""
    path = Path(path)
    if not path.is_file():
        raise lbm.DataError("file not found", path)
    if path.suffix.lower() == ".xlsx":
        df = pd.read_excel(path, dtype=str).fillna("")
    else:
        df = lees_csv(path)
    missend = [k for k in PLAN_KOLOMMEN if k not in df.columns]
    if missend:
        raise lbm.DataError([f"column {k!r} is missing" for k in missend], path)
    problemen = []
    for i, r in df.iterrows():
        if r["dimensie"] not in lbm.DIMENSIES:
            problemen.append(
                f"row {i + 2}, column 'dimensie': value {r['dimensie']!r}; expected one of {', '.join(lbm.DIMENSIES)}"
            )
        if pd.isna(pd.to_datetime(r["start"], errors="coerce", format="%Y-%m-%d")):
            problemen.append(
                f"row {i + 2}, column 'start': value {r['start']!r}; expected JJJJ-MM-DD"
            )
    if problemen:
        raise lbm.DataError(problemen, path)
    for k in ("basis_lbm", "doel_lbm"):
        df[k] = pd.to_numeric(df[k].astype(str).str.replace(",", "."), errors="coerce")
    df["eerste_meting"] = pd.to_numeric(df["eerste_meting"], errors="coerce").astype("Int64")
    return df[PLAN_KOLOMMEN]


def partner_matrix(plan: pd.DataFrame) -> pd.DataFrame:
    """Number of actions per partner (rows) and focus wijk (columns)."""
    rijen = []
    for _, r in plan.iterrows():
        for p in [x.strip() for x in str(r["partners"]).split(",") if x.strip()]:
            rijen.append({"partner": p, "wijk": r["wijk"]})
    if not rijen:
        return pd.DataFrame()
    m = pd.DataFrame(rijen).value_counts().unstack(fill_value=0)
    return m.loc[m.sum(axis=1).sort_values(ascending=False).index]


@functools.cache
def _indicator_namen() -> dict[str, str]:
    from .inzoomen import instellingen

    return {k: v["naam"] for k, v in instellingen()["indicatoren"].items()}


class Actie:
    """Everything step 3 shows for one gemeente."""

    def __init__(
        self,
        gemeente: str = config.DEFAULT_GEMEENTE,
        data_dir: str | Path | None = None,
        output_dir: str | Path | None = None,
        actieplan: str | Path | None = None,
        start: str = "",
    ):
        self.gm = gemeenten.zoek(gemeente)
        self.data_dir = Path(data_dir) if data_dir else None
        self.output_dir = Path(output_dir) if output_dir else config.REPORTS_DIR / self.gm.code
        wijken, _ = wijk_scores(self.gm.code, self.data_dir)
        self.jaar = int(wijken["jaar"].max())
        self.nu = wijken[wijken["jaar"] == self.jaar].set_index("code")
        self.focus, self.focus_bron = self._focus()
        if actieplan:
            self.plan = lees_plan(actieplan)
            self.plan_bron = "aangepast plan"
        else:
            startdatum = dt.date.fromisoformat(start) if start else None
            self.plan = maak_plan(self.focus, self.nu, startdatum)
            self.plan_bron = "voorstel uit de catalogus"

    def _focus(self) -> tuple[list[tuple[str, str, list[str]]], str]:
        from .inzoomen import lees_resultaat_inzoomen

        z = lees_resultaat_inzoomen(self.output_dir)
        o = lees_resultaat(self.output_dir)
        if o is None or o.gemeente != self.gm.code:
            o = Onderzoek(self.gm.code, self.data_dir).prioriteit()
            bron = "regel van stap 1 (stap 1 is hier niet eerder uitgevoerd)"
        else:
            bron = "stap 1 en 2"
        gekozen = set(z.dimensies) if z and z.gemeente == self.gm.code and z.dimensies else None
        wijken = (
            z.focus_wijken if z and z.gemeente == self.gm.code else [f.code for f in o.focus_wijken]
        )
        focus = []
        for code in wijken:
            if code not in self.nu.index:
                continue
            dims = focus_dimensies(self.nu.loc[code])
            if gekozen:
                dims = [d for d in dims if d in gekozen] or dims
            focus.append((code, str(self.nu.loc[code, "naam"]), dims))
        return focus, bron

    def kop(self) -> Html:
        return Html(
            f"<h1>Stap 3 — Actie: {esc(self.gm.naam)}</h1>"
            f'<p class="ondertitel">Actieplan per focuswijk en dimensie ({esc(self.plan_bron)}); '
            f"focus uit {esc(self.focus_bron)}.</p>"
        )

    def catalogus_overzicht(self) -> Html:
        cat = catalogus()
        namen = lbm.dimensie_namen()
        rijen = []
        for d in lbm.DIMENSIES:
            sub = cat[cat["dimensies"].map(lambda ds, d=d: d in ds)]
            rijen.append({"Dimensie": namen[d],
                          **{SPOREN[e].capitalize() if e != "partner" else "Partner leidt": int((sub["eigenaar"] == e).sum())
                             for e in EIGENAREN},
                          "Met effectonderzoek": int((sub["bewijs"] == "E").sum())})  # fmt: skip
        t = pd.DataFrame(rijen)
        return tabel(t, f"De catalogus: {len(cat)} interventies, aantal per dimensie", "Interventiecatalogus leefbaar "
                     "(data/interventies.yaml)", rechts=[c for c in t.columns if c != "Dimensie"])  # fmt: skip

    def plan_tonen(self) -> list[Html]:
        out: list[Html] = []
        if self.plan.empty:
            return [alinea("Er zijn geen focuswijken, dus ook geen acties.")]
        namen = lbm.dimensie_namen()
        cat = catalogus()
        for (code, wijk), g in self.plan.groupby(["wijk_code", "wijk"], sort=False):
            out.append(Html(f"<h3>{esc(wijk)} <span class='code'>{esc(code)}</span></h3>"))
            for d, gd in g.groupby("dimensie", sort=False):
                basis, doel = gd["basis_lbm"].iloc[0], gd["doel_lbm"].iloc[0]
                out.append(alinea(
                    f"<strong>{esc(namen.get(d, d))}</strong>: nu {getal(basis)}, doel {getal(doel)} "
                    f"(één klassestap beter), eerste meting in de Leefbaarometer van "
                    f"{esc(gd['eerste_meting'].min())} of later."
                ))  # fmt: skip
                for spoor in ("zelf doen", "samen met partners"):
                    s = gd[gd["spoor"] == spoor]
                    if s.empty:
                        continue
                    t = pd.DataFrame({
                        "Actie": s["actie"],
                        "Partners": s["partners"],
                        "Volgen met": s["indicator_eigen"].map(lambda k: _indicator_namen().get(k, k)),
                        "Start": s["start"],
                        "Wat bekend is": [BEWIJS.get(cat.loc[a, "bewijs"], "") if a in cat.index else "" for a in s["actie_id"]],
                    })  # fmt: skip
                    out.append(tabel(t, spoor.capitalize(), ""))
        return out

    def partnerkaart(self) -> list[Html]:
        m = partner_matrix(self.plan)
        if m.empty:
            return []
        fig, ax = plt.subplots(figsize=(1.6 + 1.1 * m.shape[1], 0.5 * m.shape[0] + 1.4))
        ax.imshow(m.values, cmap="Blues", aspect="auto", vmin=0)
        ax.set_xticks(range(m.shape[1]), [str(c) for c in m.columns], rotation=30, ha="right")
        ax.set_yticks(range(m.shape[0]), m.index)
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                v = m.values[i, j]
                if v:
                    ax.text(j, i, str(v), ha="center", va="center",
                            color="white" if v > m.values.max() / 2 else "black", fontsize=9)  # fmt: skip
        ax.set_xlabel("focuswijk")
        ax.spines[:].set_visible(False)
        fig_html = figuur(fig, "Welke partners zijn nodig, en waar? Aantal acties per partner en wijk",
                          "Actieplan leefbaar", alt="Matrix van partners tegen focuswijken")  # fmt: skip
        eerst = pd.DataFrame({
            "Partner": m.index,
            "Acties": m.sum(axis=1).values,
            "Wijken": [", ".join(c for c in m.columns if m.loc[p, c]) for p in m.index],
        })  # fmt: skip
        return [
            fig_html,
            tabel(eerst, "Wie als eerste aan tafel (meeste acties eerst)", "", rechts=["Acties"]),
        ]

    def doelen_uitleg(self) -> Html:
        return kader(
            "Over de doelen.",
            "Elk doel op de Leefbaarometer is één klassestap (0,039) beter dan nu: de kleinste "
            "verandering die wij als verandering tellen. De Leefbaarometer verschijnt om de twee jaar "
            "en loopt ongeveer twee jaar achter; een actie die nu start, is op zijn vroegst in de "
            "aangegeven meting te zien. Volg daarom ook de eigen indicator per maand. Of een "
            "verbetering door de actie komt, toetst stap 4 tegen vergelijkbare wijken zonder die actie.",
            soort="info",
        )

    def schrijf(self) -> tuple[Path, Path]:
        return schrijf_plan(self.plan, self.output_dir)


def start(
    gemeente: str,
    data_dir: str = "",
    output_dir: str = "",
    actieplan: str = "",
    startdatum: str = "",
) -> Actie:
    """Build step 3 from notebook parameters (empty string = default)."""
    return Actie(gemeente, data_dir or None, output_dir or None, actieplan or None, startdatum)
