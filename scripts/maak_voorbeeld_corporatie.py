"""Generate the FICTIONAL example corporation in data/voorbeeld_corporatie/ (seeded, reproducible).

Woonstichting Voorbeeld does not exist. Its homes are placed in real Groningen buurten (embedded
CBS boundaries) so the example runs on the real Leefbaarometer; every number in its files is made
up by this script: sizes and seasonality are plausible, not observed. One planted effect, for step 4
to recover: from 2022-07 the overlast rate in the buurten of wijk Noordwest (WK001410) drops by 25%
(a fictional huismeester project); elsewhere rates follow the same seasonal pattern.

Run: python scripts/maak_voorbeeld_corporatie.py  (writes the CSVs and README.md)
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import yaml
from shapely.geometry import Point

from leefbaarlib import geo
from leefbaarlib import leefbaarometer as lbm
from leefbaarlib.eigen_data import SJABLONEN_FILE, VOORBEELD_DIR

SEED = 20261128
GEMEENTE = "GM0014"
N_VHE = 4200
START, EIND = "2019-01-01", "2025-12-31"
INTERVENTIE_WIJK, INTERVENTIE_START, INTERVENTIE_EFFECT = "WK001410", "2022-07-01", 0.75


def _punt_in(poly, rng):
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(1000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if poly.contains(Point(x, y)):
            return round(x, 1), round(y, 1)
    c = poly.representative_point()
    return round(c.x, 1), round(c.y, 1)


def main() -> int:
    rng = np.random.default_rng(SEED)
    scores = lbm.load_scores("buurt", GEMEENTE)
    s24 = scores[scores["jaar"] == 2024].set_index("code")
    grenzen = geo.load_geometry("buurt", GEMEENTE).set_index("code")
    # a corporation owns more in buurten with a weaker score (as is typical): weight by -afw
    kandidaat = s24.index.intersection(grenzen.index)
    w = np.clip(0.15 - s24.loc[kandidaat, "afw"].to_numpy(), 0.02, None)
    w = w / w.sum()
    gekozen = rng.choice(kandidaat, size=40, replace=False, p=w)

    # --- complexen / woningen --------------------------------------------------------------------
    rows = []
    vhe = 0
    groottes = rng.multinomial(N_VHE, np.full(len(gekozen), 1 / len(gekozen)))
    for ci, (bu, n) in enumerate(zip(gekozen, groottes, strict=True)):
        soort = rng.choice(["eengezins", "meergezins", "seniorenwoning", "studenteneenheid"],
                           p=[0.35, 0.5, 0.1, 0.05])  # fmt: skip
        for _ in range(int(n)):
            vhe += 1
            huur = round(float(rng.normal(640 if soort == "eengezins" else 560, 70)), 2)
            r = {"vhe_nummer": f"V{vhe:05d}", "complex": f"C{ci + 101:03d}",
                 "postcode": "", "huisnummer": str(rng.integers(1, 200)),
                 "buurt_code": bu, "x": "", "y": "", "type": soort,
                 "huur": f"{max(huur, 250):.2f}".replace(".", ",")}  # fmt: skip
            if vhe % 2 == 0:  # half placed by coordinates only (spatial join in the loader)
                x, y = _punt_in(grenzen.loc[bu, "geometry"], rng)
                r.update(
                    {"buurt_code": "", "x": str(x).replace(".", ","), "y": str(y).replace(".", ",")}
                )
            rows.append(r)
    complexen = pd.DataFrame(rows)
    vhe_buurt = dict(zip(complexen["vhe_nummer"], [None] * len(complexen), strict=True))
    for r in rows:
        vhe_buurt[r["vhe_nummer"]] = r["buurt_code"] or None
    bu_van_vhe = {}
    per_complex_bu = dict(
        zip([f"C{ci + 101:03d}" for ci in range(len(gekozen))], gekozen, strict=True)
    )
    for r in rows:
        bu_van_vhe[r["vhe_nummer"]] = per_complex_bu[r["complex"]]

    # --- overlastmeldingen: monthly Poisson, summer peak, rate by the buurt's onv score ---------
    maanden = pd.date_range(START, EIND, freq="MS")
    seizoen = 1 + 0.35 * np.sin(2 * np.pi * (maanden.month.to_numpy() - 4) / 12)
    mrows = []
    mid = 0
    vhe_per_bu = (
        complexen.assign(bu=complexen["vhe_nummer"].map(bu_van_vhe))
        .groupby("bu")["vhe_nummer"]
        .apply(list)
    )
    for bu, vhes in vhe_per_bu.items():
        onv = s24.loc[bu, "onv"] if bu in s24.index else 0.0
        basis = len(vhes) * (0.07 + max(0.0, -onv) * 0.9) / 12  # meldingen per maand
        for m, fac in zip(maanden, seizoen, strict=True):
            eff = (
                INTERVENTIE_EFFECT
                if (bu[2:8] == INTERVENTIE_WIJK[2:8] and m >= pd.Timestamp(INTERVENTIE_START))
                else 1.0
            )
            for _ in range(rng.poisson(basis * fac * eff)):
                mid += 1
                dag = m + pd.Timedelta(days=int(rng.integers(0, m.days_in_month)))
                cat = rng.choice(["geluid", "vervuiling", "agressie", "drugs", "woonfraude", "burenruzie", "overig"],
                                 p=[0.32, 0.22, 0.08, 0.08, 0.05, 0.17, 0.08])  # fmt: skip
                mrows.append({"melding_id": f"M{mid:06d}", "datum": dag.strftime("%Y-%m-%d"),
                              "vhe_nummer": rng.choice(vhes), "buurt_code": "", "categorie": cat})  # fmt: skip
    meldingen = pd.DataFrame(mrows)
    # a few reports about the street rather than a home: buurt code only
    straat = meldingen.sample(frac=0.08, random_state=SEED).index
    meldingen.loc[straat, "buurt_code"] = meldingen.loc[straat, "vhe_nummer"].map(bu_van_vhe)
    meldingen.loc[straat, "vhe_nummer"] = ""

    # --- huurachterstand per contract and month (2023-2025) --------------------------------------
    arows = []
    contracten = {v: f"H{i + 1:06d}" for i, v in enumerate(complexen["vhe_nummer"])}
    achter = rng.choice(complexen["vhe_nummer"], size=int(0.05 * N_VHE), replace=False)
    for v in achter:
        start = rng.integers(0, 30)
        duur = int(rng.integers(1, 8))
        for k in range(duur):
            m = pd.Timestamp("2023-01-01") + pd.DateOffset(months=int(start + k))
            if m > pd.Timestamp(EIND):
                break
            arows.append({"contract_id": contracten[v], "maand": m.strftime("%Y-%m"), "vhe_nummer": v,
                          "achterstand_euro": f"{(k + 1) * rng.uniform(300, 650):.2f}".replace(".", ","),
                          "maanden_achterstand": str(k + 1)})  # fmt: skip
    achterstand = pd.DataFrame(arows)

    # --- mutaties and leegstand -----------------------------------------------------------------
    murows, lrows = [], []
    n_mut = 0
    for jaar in range(2019, 2026):
        weg = rng.choice(complexen["vhe_nummer"], size=int(0.075 * N_VHE), replace=False)
        for v in weg:
            n_mut += 1
            einde = pd.Timestamp(f"{jaar}-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))
            reden = rng.choice(["verhuizing_binnen_bezit", "verhuizing_elders", "overlijden", "zorg", "overlast",
                                "huurschuld", "ontruiming", "overig"],
                               p=[0.22, 0.45, 0.1, 0.08, 0.04, 0.03, 0.01, 0.07])  # fmt: skip
            murows.append({"contract_id": f"K{n_mut:06d}", "vhe_nummer": v,
                           "datum_einde": einde.strftime("%d-%m-%Y"), "reden": reden})  # fmt: skip
            dagen = int(rng.gamma(2.0, 12.0)) + 3
            eind = einde + pd.Timedelta(days=dagen)
            lrows.append({"vhe_nummer": v, "begin": einde.strftime("%Y-%m-%d"),
                          "einde": eind.strftime("%Y-%m-%d") if eind <= pd.Timestamp(EIND) else "",
                          "reden": "mutatie"})  # fmt: skip
    mutaties = pd.DataFrame(murows)
    leegstand = pd.DataFrame(lrows).drop_duplicates(["vhe_nummer", "begin"])

    # --- huurderstevredenheid (survey 2023-2025) ----------------------------------------------
    trows = []
    for jaar in (2023, 2024, 2025):
        resp = rng.choice(complexen["vhe_nummer"], size=650, replace=False)
        for i, v in enumerate(resp):
            bu = bu_van_vhe[v]
            afw = s24.loc[bu, "afw"] if bu in s24.index else 0.0
            buurt = int(np.clip(round(rng.normal(7.2 + 6 * afw, 1.2)), 1, 10))
            woning = int(np.clip(round(rng.normal(7.0, 1.3)), 1, 10))
            dienst = int(np.clip(round(rng.normal(7.1, 1.4)), 1, 10))
            dag = pd.Timestamp(f"{jaar}-03-01") + pd.Timedelta(days=int(rng.integers(0, 90)))
            trows.append({"respondent_id": f"R{jaar}{i + 1:04d}", "datum": dag.strftime("%Y-%m-%d"),
                          "vhe_nummer": v, "cijfer_woning": woning, "cijfer_buurt": buurt,
                          "cijfer_dienstverlening": dienst})  # fmt: skip
    tevredenheid = pd.DataFrame(trows)

    VOORBEELD_DIR.mkdir(parents=True, exist_ok=True)
    for naam, df in [("complexen", complexen), ("overlastmeldingen", meldingen),
                     ("huurachterstand", achterstand), ("mutaties", mutaties),
                     ("leegstand", leegstand), ("huurderstevredenheid", tevredenheid)]:  # fmt: skip
        df.to_csv(VOORBEELD_DIR / f"{naam}.csv", sep=";", index=False, encoding="utf-8")
        print(f"{naam}.csv: {len(df)} rows")
    schrijf_readme()
    return 0


def schrijf_readme() -> None:
    """data/voorbeeld_corporatie/README.md, the templates documented from sjablonen.yaml."""
    sj = yaml.safe_load(SJABLONEN_FILE.read_text(encoding="utf-8"))["bestanden"]
    lines = [
        "# Voorbeeldcorporatie — FICTIEF",
        "",
        "**Woonstichting Voorbeeld bestaat niet.** Alle gegevens in deze map zijn verzonnen door",
        "`scripts/maak_voorbeeld_corporatie.py` (vaste seed, reproduceerbaar). De woningen liggen in echte",
        "Groningse buurten zodat het voorbeeld op de echte Leefbaarometer draait; aantallen en seizoens-",
        "patronen zijn aannemelijk, niet waargenomen. Eén effect is bewust ingebouwd voor stap 4: vanaf",
        f"{INTERVENTIE_START} daalt het aantal overlastmeldingen in de buurten van wijk Noordwest",
        f"({INTERVENTIE_WIJK}) met {round((1 - INTERVENTIE_EFFECT) * 100)}% (een verzonnen huismeesterproject).",
        "",
        "These are also the **templates** for a corporation's own files: CSV with `;` or `,`, UTF-8 (with",
        "or without BOM) or cp1252, decimal comma or point. Check a folder with",
        "`leefbaar data check MAP`. Columns ending in `_id` identify persons or contracts: they are used",
        "to check for duplicates and never reach a report.",
        "",
    ]
    for naam, spec in sj.items():
        lines += [f"## `{naam}.csv`", "", spec["beschrijving"] + (" (persoonsniveau)" if spec["persoonsniveau"] else ""), "",
                  "| kolom | type | verplicht | toegestane waarden / toelichting |", "|---|---|---|---|"]  # fmt: skip
        for kol, k in spec["kolommen"].items():
            toel = ", ".join(k["waarden"]) if "waarden" in k else k.get("uitleg", "")
            grenzen = " ".join(f"{g} {k[g]}" for g in ("min", "max") if g in k)
            lines.append(
                f"| `{kol}` | {k['type']} | {'ja' if k.get('verplicht') else 'nee'} | {toel} {grenzen}".rstrip()
                + " |"
            )
        lines.append("")
    (VOORBEELD_DIR / "README.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
