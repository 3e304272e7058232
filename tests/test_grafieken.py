"""The SVG charts draw what the data say: bar lengths, dots and lines checked against the values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from leefbaarlib import grafieken, svg
from leefbaarlib import leefbaarometer as lbm

NS = {"s": "http://www.w3.org/2000/svg"}


def _svg(html) -> ET.Element:
    m = re.search(r"<svg.*</svg>", str(html), re.S)
    assert m, "no inline svg"
    return ET.fromstring(m.group(0))  # well-formed XML: every name is escaped


def _gebieden() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    dims = rng.normal(0, 0.05, size=(6, 5))
    df = pd.DataFrame(dims, columns=list(lbm.DIMENSIES))
    df["afw"] = dims.sum(axis=1)
    df["naam"] = ["A & B", "<script>", "O'Brien", "Noord", "Zuid", "Een heel lange wijknaam e.o."]
    return df


@pytest.mark.parametrize(
    ("lo", "hi", "n"), [(-0.24, 0.35, 6), (0.0, 0.06, 5), (-0.4, 0.25, 4), (-3.0, 120.0, 5)]
)
def test_ticks_are_round_and_cover_the_range(lo, hi, n):
    t = svg.mooie_ticks(lo, hi, n)
    assert t[0] <= lo and t[-1] >= hi
    stap = np.diff(t)
    assert np.allclose(stap, stap[0])
    mantisse = stap[0] / 10 ** np.floor(np.log10(stap[0]))
    assert any(np.isclose(mantisse, m) for m in (1, 2, 2.5, 5))
    assert n - 2 <= len(t) - 1 <= n + 3


def test_decomposition_bars_add_up_to_the_deviation():
    df = _gebieden()
    root = _svg(grafieken.decompositie(df, "Test", referentie=0.01))
    # the scale follows from the tick labels: two ticks, their values and positions
    ticks = [
        (float(t.text.replace("\u2212", "-").replace(",", ".")), float(t.get("x")))
        for t in root.iterfind("s:text", NS)
        if t.get("text-anchor") == "middle" and re.fullmatch(r"[+\u2212]?\d+(,\d+)?", t.text or "")
    ]
    (v0, x0), (v1, x1) = ticks[0], ticks[-1]
    schaal = (x1 - x0) / (v1 - v0)
    nul = x0 - v0 * schaal
    for _, r in df.iterrows():
        naam = r["naam"]
        rects = [e for e in root.iterfind("s:rect", NS) if e.find("s:title", NS) is not None
                 and e.find("s:title", NS).text.startswith(f"{naam}:")]  # fmt: skip
        pos = sum(float(e.get("width")) for e in rects if float(e.get("x")) >= nul - 0.06)
        neg = sum(float(e.get("width")) for e in rects if float(e.get("x")) < nul - 0.06)
        assert (pos - neg) / schaal == pytest.approx(r["afw"], abs=0.002)
        dot = next(c for c in root.iterfind("s:circle", NS) if c.find("s:title", NS) is not None
                   and c.find("s:title", NS).text.startswith(f"{naam}:"))  # fmt: skip
        assert (float(dot.get("cx")) - nul) / schaal == pytest.approx(r["afw"], abs=0.002)
    # sorted high to low: the first label is the highest deviation
    labels = [t.text for t in root.iterfind("s:text", NS) if t.get("text-anchor") == "end"]
    hoogste = df.sort_values("afw", ascending=False)["naam"].iloc[0]
    assert svg.kort(hoogste, 12, 210) == labels[0]


def test_trend_panels_one_per_area_with_every_year():
    jaren = [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    rows = [{"code": f"WK{i}", "naam": f"Wijk <{i}>", "jaar": j, "afw": 0.01 * i + 0.001 * k}
            for i in range(7) for k, j in enumerate(jaren)]  # fmt: skip
    ref = pd.Series([0.0] * len(jaren), index=jaren)
    root = _svg(grafieken.trends(pd.DataFrame(rows), ref, "Trend"))
    titels = [t.text for t in root.iterfind("s:text", NS) if t.get("font-weight") == "700"]
    assert titels == [f"Wijk <{i}>" for i in range(7)]
    lijnen = [p for p in root.iterfind("s:polyline", NS) if p.get("stroke") == "#2c5d8a"]
    assert len(lijnen) == 7
    assert all(len(p.get("points").split()) == len(jaren) for p in lijnen)
    # within a panel, a higher value is drawn higher (smaller y)
    ys = [float(pt.split(",")[1]) for pt in lijnen[0].get("points").split()]
    assert ys == sorted(ys, reverse=True)


def test_profile_labels_show_the_values():
    w = pd.Series({"afw": 0.055, "won": 0.002, "fys": 0.021, "vrz": 0.019, "soc": 0.007,
                   "onv": -0.0071})  # fmt: skip
    root = _svg(grafieken.gemeente_profiel(w, "Profiel"))
    teksten = {t.text for t in root.iterfind("s:text", NS)}
    assert {"+0,055", "+0,002", "\u22120,007"} <= teksten


def test_text_estimate_keeps_long_names_in_their_column():
    assert svg.tekstbreedte("Glimmen-Onnen-Noordlaren", 12) > 150  # DejaVu Sans: ~165 px
    k = svg.kort("Buitengebied Ten Boer-Noord en verder", 12, 120)
    assert k.endswith("…") and svg.tekstbreedte(k, 12) <= 120


def test_static_map_draws_every_area_with_its_class_colour():
    import geopandas as gpd
    from shapely.geometry import Polygon

    from leefbaarlib import kaarten

    # a 3x2 grid of squares (RD metres), one with a hole, one without score, one with a '<' name
    vakken, namen = [], []
    for i in range(3):
        for j in range(2):
            buiten = [(i * 1000, j * 1000), (i * 1000 + 1000, j * 1000),
                      (i * 1000 + 1000, j * 1000 + 1000), (i * 1000, j * 1000 + 1000)]  # fmt: skip
            gat = [[(i * 1000 + 300, j * 1000 + 300), (i * 1000 + 600, j * 1000 + 300),
                    (i * 1000 + 600, j * 1000 + 600)]] if (i, j) == (0, 0) else []  # fmt: skip
            vakken.append(Polygon(buiten, gat))
            namen.append(f"Vak {i}{j}" if (i, j) != (2, 1) else "A<B & 'C'")
    g = gpd.GeoDataFrame({"naam": namen, "afw": [0.3, 0.1, -0.05, 0.0, None, -0.3]},
                         geometry=vakken, crs="EPSG:28992")  # fmt: skip
    kaart = kaarten.choropleth(g, "afw", "Proef")
    frag = kaart._repr_mimebundle_()[kaarten.KAART_MIME]
    # without scripts the interactive frame stays hidden and the SVG map is all there is
    assert re.search(r'class="kaart-rij" id="rij_[^"]+" style="display:none"', frag)
    root = _svg(kaart.statisch)
    paden = root.findall(".//s:path", NS)
    assert len(paden) == 6
    kleuren = lbm.klasse_kleuren()
    klassen = lbm.klasse(g["afw"], "score")
    verwacht = [kleuren[int(k)] if pd.notna(k) else lbm.geen_data_kleur() for k in klassen]
    assert [p.get("fill") for p in paden] == verwacht
    assert paden[0].get("d").count("M") == 2, "the hole is drawn as its own ring"
    assert root.findall(".//s:path/s:title", NS)[5].text.startswith("A<B & 'C':")
    assert float(root.get("height")) <= 520


def test_matplotlib_figures_get_dutch_tick_labels():
    import matplotlib.pyplot as plt

    from leefbaarlib import weergave

    fig, ax = plt.subplots()
    ax.plot([2014, 2024], [-0.04, 0.025])
    weergave._nederlandse_getallen(fig)
    fig.canvas.draw()
    y = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    x = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    plt.close(fig)
    assert any("," in t for t in y) and not any("." in t for t in y)
    assert any(t.startswith("\u2212") for t in y)
    assert "2014" in x or "2016" in x  # years stay plain numbers
