"""Charts of Leefbaarometer scores: dimension decomposition, trends, profile (inline SVG)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import leefbaarometer as lbm
from . import svg
from .weergave import BRON_LBM, Html, esc, getal


def _figuur_svg(inhoud: str, titel: str, bron: str) -> Html:
    return Html(
        f'<figure class="figuur"><figcaption class="titel">{esc(titel)}</figcaption>'
        f'{inhoud}<figcaption class="bron">{esc(bron)}</figcaption></figure>'
    )


def decompositie(df: pd.DataFrame, titel: str, referentie: float | None = None) -> Html:
    """Diverging stacked bar per area: the five dimensions add up to the deviation (black dot).

    ``df`` has ``naam``, ``afw`` and the five dimension columns, one row per area. Drawn as inline
    SVG; every bar segment and dot has a tooltip with its value.
    """
    kleuren = lbm.dimensie_kleuren()
    namen = lbm.dimensie_namen()
    d = df.dropna(subset=list(lbm.DIMENSIES)).sort_values("afw", ascending=False)
    d = d.reset_index(drop=True)
    n = len(d)
    dims = d[list(lbm.DIMENSIES)].to_numpy(dtype=float)
    pos = np.where(dims > 0, dims, 0).cumsum(axis=1)
    neg = np.where(dims < 0, dims, 0).cumsum(axis=1)
    afw = d["afw"].to_numpy(dtype=float)
    ref = None if referentie is None or pd.isna(referentie) else float(referentie)
    lo = min(neg[:, -1].min(initial=0), afw.min(initial=0), ref if ref is not None else 0)
    hi = max(pos[:, -1].max(initial=0), afw.max(initial=0), ref if ref is not None else 0)
    x0, x1, ticks = svg.bereik(lo, hi, 6)

    B, fs = 760, 12
    labels = [svg.kort(str(x), fs, 210) for x in d["naam"]]
    links = 10 + max(svg.tekstbreedte(x, fs) for x in labels)
    rechts = 16
    items = [(namen[k], kleuren[k]) for k in lbm.DIMENSIES] + [("totaal (afwijking)", "punt")]
    if ref is not None:
        items.append(("gemeente", "streep"))
    leg, leg_h = svg.legenda(items, links, 4, B - links - rechts, fs)
    rij, balk = 20, 14
    top = 4 + leg_h + 6
    h_plot = n * rij
    x = svg.Schaal(x0, x1, links, B - rechts)
    onder = top + h_plot
    delen = [leg]
    for t in ticks:
        delen.append(svg.lijn(x(t), top, x(t), onder, "#e6e9ec", 1))
        delen.append(svg.tekst(x(t), onder + 16, svg.as_getal(t), 11, "middle", "#5b6670"))
    delen.append(
        svg.tekst(
            (links + B - rechts) / 2,
            onder + 34,
            "bijdrage aan de afwijking van het landelijk gemiddelde (0 = Nederland)",
            11.5,
            "middle",
            "#5b6670",
        )  # fmt: skip
    )
    for i in range(n):
        y = top + i * rij + (rij - balk) / 2
        naam = str(d.at[i, "naam"])
        delen.append(svg.tekst(links - 8, y + balk / 2, labels[i], fs, "end", basis="central"))
        vorige_pos = vorige_neg = 0.0
        for j, k in enumerate(lbm.DIMENSIES):
            v = dims[i, j]
            if v > 0:
                a, b = vorige_pos, pos[i, j]
                vorige_pos = b
            elif v < 0:
                a, b = neg[i, j], vorige_neg
                vorige_neg = a
            else:
                continue
            delen.append(svg.rechthoek(x(a), y, x(b) - x(a), balk, kleuren[k],
                                       f"{naam}: {namen[k]} {getal(v, 3)}"))  # fmt: skip
        delen.append(
            f'<circle cx="{svg.f(x(afw[i]))}" cy="{svg.f(y + balk / 2)}" r="3.6" fill="#000" '
            f'stroke="#fff" stroke-width="1"><title>{esc(naam)}: afwijking '
            f"{esc(getal(afw[i], 3))}</title></circle>"
        )
    delen.append(svg.lijn(x(0), top - 2, x(0), onder, "#333", 1))
    if ref is not None:
        delen.append(svg.lijn(x(ref), top - 2, x(ref), onder, "#333", 1, "4 3"))
    hoogte = onder + 44
    return _figuur_svg(
        svg.svg(
            B, hoogte, "".join(delen), f"{titel}: per gebied de bijdrage van de vijf dimensies"
        ),
        titel,
        f"{BRON_LBM}. Balken rechts van 0 tillen de score op, links drukken ze de score.",
    )


def trends(
    reeks: pd.DataFrame,
    referentie: pd.Series,
    titel: str,
    kolom: str = "afw",
    ncols: int = 5,
) -> Html:
    """Small multiples: one panel per area with its series and the gemeente as reference.

    ``reeks`` has ``code``, ``naam``, ``jaar`` and ``kolom``; ``referentie`` is indexed by jaar.
    All panels share both axes.
    """
    gebieden = reeks[["code", "naam"]].drop_duplicates("code").reset_index(drop=True)
    n = len(gebieden)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    lo = min(reeks[kolom].min(), referentie.min(), 0)
    hi = max(reeks[kolom].max(), referentie.max(), 0)
    y0, y1, yticks = svg.bereik(lo, hi, 4, 0.06)
    jaren = np.concatenate([reeks["jaar"].to_numpy(), referentie.index.to_numpy()])
    j0, j1 = float(jaren.min()), float(jaren.max())
    xticks = svg.jaar_ticks(j0, j1)

    B, links, rechts, tussen = 760, 58, 8, 14
    pb = (B - links - rechts - tussen * (ncols - 1)) / ncols  # panel width
    ph, kop, voet = 86, 20, 26  # plot height, title above, x labels below
    hoogte_rij = kop + ph + 12
    per_groep = {c: g.sort_values("jaar") for c, g in reeks.groupby("code")}
    ref = referentie.dropna().sort_index()
    delen = []
    for i, g in gebieden.iterrows():
        r, c = divmod(i, ncols)
        px, py = links + c * (pb + tussen), r * hoogte_rij + kop
        x = svg.Schaal(j0, j1, px, px + pb)
        y = svg.Schaal(y0, y1, py + ph, py)
        naam = str(g["naam"])
        delen.append(svg.tekst(px, py - 7, svg.kort(naam, 11.5, pb), 11.5, gewicht="700"))
        for t in yticks:
            delen.append(svg.lijn(px, y(t), px + pb, y(t), "#eceff1", 1))
        delen.append(svg.lijn(px, y(0), px + pb, y(0), "#9aa3ab", 0.8))
        if c == 0:
            for t in yticks:
                delen.append(svg.tekst(px - 5, y(t), svg.as_getal(t, 1 if abs(t * 10 - round(t * 10)) < 1e-9 else 2),
                                       10.5, "end", "#5b6670", basis="central"))  # fmt: skip
        if r == nrows - 1 or i + ncols >= n:
            for j, anker in xticks:
                delen.append(svg.lijn(x(j), py + ph, x(j), py + ph + 3, "#9aa3ab", 0.8))
                delen.append(svg.tekst(x(j), py + ph + 14, str(j), 10.5, anker, "#5b6670"))
        delen.append(svg.polylijn(x(ref.index.to_numpy(float)), y(ref.to_numpy(float)), "#888",
                                  1.2, "4 3", "gemeente"))  # fmt: skip
        s = per_groep[g["code"]].dropna(subset=[kolom])
        xs, ys = x(s["jaar"].to_numpy(float)), y(s[kolom].to_numpy(float))
        delen.append(svg.polylijn(xs, ys, "#2c5d8a", 1.8))
        for xx, yy, jr, v in zip(xs, ys, s["jaar"], s[kolom], strict=True):
            delen.append(
                f'<circle cx="{svg.f(xx)}" cy="{svg.f(yy)}" r="2.2" fill="#2c5d8a">'
                f"<title>{esc(naam)} {jr}: {esc(getal(v, 3))}</title></circle>"
            )
    hoogte = nrows * hoogte_rij + voet - 12
    delen.append(svg.as_titel(11, hoogte / 2, "afwijking (0 = Nederland)"))
    return _figuur_svg(
        svg.svg(B, hoogte, "".join(delen), titel),
        titel,
        f"{BRON_LBM}. Doorgetrokken lijn: het gebied; stippellijn: de gemeente; 0 = landelijk niveau.",
    )


def dimensie_trends(
    reeks: pd.DataFrame, referentie: pd.DataFrame, titel: str, nadruk: list[str] | None = None
) -> Html:
    """One panel per dimension: every area as a thin line, the gemeente bold, focus areas coloured."""
    namen = lbm.dimensie_namen()
    kleuren = lbm.dimensie_kleuren()
    nadruk = set(nadruk or [])
    dims = list(lbm.DIMENSIES)
    r = reeks.dropna(subset=dims, how="all")
    lo = min(np.nanmin(r[dims].to_numpy(float)), np.nanmin(referentie[dims].to_numpy(float)), 0)
    hi = max(np.nanmax(r[dims].to_numpy(float)), np.nanmax(referentie[dims].to_numpy(float)), 0)
    y0, y1, yticks = svg.bereik(lo, hi, 5, 0.05)
    jaren = r["jaar"].to_numpy(float)
    j0, j1 = float(jaren.min()), float(jaren.max())
    xticks = svg.jaar_ticks(j0, j1)

    B, links, tussen = 760, 60, 12
    pb = (B - links - 6 - tussen * 4) / 5
    koppen = [svg.regels(namen[d], 11.5, pb) for d in dims]
    kop, ph = 8 + 14 * max(len(k) for k in koppen), 170
    groepen = [(code, g.sort_values("jaar"), code in nadruk) for code, g in r.groupby("code")]
    groepen.sort(key=lambda t: t[2])  # focus areas on top
    delen = []
    for k, dim in enumerate(dims):
        px = links + k * (pb + tussen)
        x = svg.Schaal(j0, j1, px, px + pb)
        y = svg.Schaal(y0, y1, kop + ph, kop)
        for i, regel in enumerate(koppen[k]):
            delen.append(svg.tekst(px + pb / 2, 12 + 14 * i, regel, 11.5, "middle", gewicht="700"))
        for t in yticks:
            delen.append(svg.lijn(px, y(t), px + pb, y(t), "#eceff1", 1))
        if k == 0:
            for t in yticks:
                delen.append(svg.tekst(px - 5, y(t), svg.as_getal(t), 10.5, "end", "#5b6670",
                                       basis="central"))  # fmt: skip
        for j, anker in xticks:
            delen.append(svg.tekst(x(j), kop + ph + 14, str(j), 10.5, anker, "#5b6670"))
        delen.append(svg.lijn(px, y(0), px + pb, y(0), "#9aa3ab", 0.8))
        for code, g, hi_ in groepen:
            g = g.dropna(subset=[dim])
            if len(g) < 1:
                continue
            naam = str(g["naam"].iloc[0]) if "naam" in g else code
            delen.append(svg.polylijn(x(g["jaar"].to_numpy(float)), y(g[dim].to_numpy(float)),
                                      kleuren[dim] if hi_ else "#cfd4d8", 1.6 if hi_ else 0.7,
                                      titel=naam))  # fmt: skip
        ref = referentie[dim].dropna().sort_index()
        delen.append(svg.polylijn(x(ref.index.to_numpy(float)), y(ref.to_numpy(float)), "#000",
                                  2.2, titel="gemeente"))  # fmt: skip
    hoogte = kop + ph + 24
    delen.append(svg.as_titel(11, kop + ph / 2, "bijdrage aan de afwijking"))
    return _figuur_svg(
        svg.svg(B, hoogte, "".join(delen), titel),
        titel,
        f"{BRON_LBM}. Zwart: de gemeente; gekleurd: prioriteitsgebieden; grijs: overige gebieden.",
    )


def gemeente_profiel(waarden: pd.Series, titel: str) -> Html:
    """Horizontal bars of the gemeente's five dimensions and total against the national level 0."""
    namen = lbm.dimensie_namen()
    kleuren = lbm.dimensie_kleuren()
    labels = ["totaal", *[namen[d] for d in lbm.DIMENSIES]]
    vals = np.array([waarden["afw"], *[waarden[d] for d in lbm.DIMENSIES]], dtype=float)
    cols = ["#333333", *[kleuren[d] for d in lbm.DIMENSIES]]
    lim = max(0.05, float(np.nanmax(np.abs(vals))) * 1.3)
    ticks = svg.mooie_ticks(-lim, lim, 6)
    ticks = ticks[np.abs(ticks) <= lim + 1e-12]
    B, fs, rij, balk = 640, 12, 28, 18
    links = 12 + max(svg.tekstbreedte(x, fs) for x in labels)
    rechts = 16
    x = svg.Schaal(-lim, lim, links, B - rechts)
    top = 6
    onder = top + rij * len(vals)
    delen = []
    for t in ticks:
        delen.append(svg.lijn(x(t), top, x(t), onder, "#eceff1", 1))
        delen.append(svg.tekst(x(t), onder + 16, svg.as_getal(t), 11, "middle", "#5b6670"))
    for i, (lab, v, c) in enumerate(zip(labels, vals, cols, strict=True)):
        y = top + i * rij + (rij - balk) / 2
        delen.append(svg.tekst(links - 8, y + balk / 2, lab, fs, "end", basis="central",
                               gewicht="700" if i == 0 else None))  # fmt: skip
        if np.isnan(v):
            delen.append(svg.tekst(x(0) + 6, y + balk / 2, "geen gegevens", 11, kleur="#5b6670",
                                   basis="central"))  # fmt: skip
            continue
        a, b = sorted((0.0, v))
        delen.append(svg.rechthoek(x(a), y, x(b) - x(a), balk, c, f"{lab}: {getal(v, 3)}"))
        delen.append(svg.tekst(x(v) + (5 if v >= 0 else -5), y + balk / 2, getal(v, 3), 11.5,
                               "start" if v >= 0 else "end", basis="central"))  # fmt: skip
    delen.append(svg.lijn(x(0), top - 2, x(0), onder, "#333", 1))
    delen.append(svg.tekst((links + B - rechts) / 2, onder + 34,
                           "afwijking van het landelijk gemiddelde (0 = Nederland)", 11.5,
                           "middle", "#5b6670"))  # fmt: skip
    return _figuur_svg(svg.svg(B, onder + 44, "".join(delen), titel), titel, BRON_LBM)
