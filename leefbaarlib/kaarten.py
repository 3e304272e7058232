"""Maps: folium choropleths by class, rendered without any external load, plus static fallbacks."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import folium
import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon

from . import config
from . import leefbaarometer as lbm
from .weergave import BRON_CBS, BRON_LBM, Html, esc, figuur, getal

#: MIME type of the report version of a map (a fragment that needs Leaflet from the page head).
KAART_MIME = "application/vnd.leefbaar.kaart+html"


@functools.cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS (the build folium uses), from the xstatic-leaflet package."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    return (base / "leaflet.js").read_text(encoding="utf-8"), (base / "leaflet.css").read_text(
        encoding="utf-8"
    )


def _legenda_html(soort: str, titel: str) -> str:
    labels = lbm.klasse_labels(soort)
    kleuren = lbm.klasse_kleuren()
    items = "".join(
        f'<li><span class="vak" style="background:{kleuren[k]}"></span>{k} {esc(labels[k])}</li>'
        for k in range(9, 0, -1)
    )
    items += (
        f'<li><span class="vak" style="background:{lbm.geen_data_kleur()}"></span>geen score</li>'
    )
    return (
        f'<div class="legenda"><div class="legenda-titel">{esc(titel)}</div><ul>{items}</ul></div>'
    )


class Kaart:
    """An interactive map with its static fallback.

    In JupyterLab it shows as a self-contained iframe; the report template takes the
    ``KAART_MIME`` version (Leaflet is inlined once in the page head) and the static PNG, which
    the page hides once the interactive map is drawn (mail clients without scripts keep it).
    """

    def __init__(self, m: folium.Map, titel: str, legenda: str, statisch: Html, bron: str):
        self.m = m
        self.titel = titel
        self.legenda = legenda
        self.statisch = statisch
        self.bron = bron

    def _fragment(self) -> str:
        m = self.m
        m.default_js = []
        m.default_css = []
        root = m.get_root()
        root.render()
        header = root.header.render()
        body = root.html.render()
        script = root.script.render()
        map_id = m.get_name()
        return (
            f'<figure class="kaart" data-kaart="{map_id}">'
            f'<figcaption class="titel">{esc(self.titel)}</figcaption>'
            f'<div class="kaart-rij"><div class="kaart-vak">{header}{body}</div>{self.legenda}</div>'
            f'<div class="kaart-statisch" id="statisch_{map_id}">{self.statisch}</div>'
            f'<figcaption class="bron">{esc(self.bron)}</figcaption>'
            f"<script>{script}\n"
            f'(function(){{var s=document.getElementById("statisch_{map_id}");'
            f'if (s && typeof {map_id} !== "undefined") s.style.display="none";}})();</script>'
            "</figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        frag = self._fragment()
        # JupyterLab gets folium's own iframe (Leaflet from folium's CDN, as folium always does);
        # the report takes the fragment above and inlines Leaflet once per page.
        self.m.default_js = type(self.m).default_js
        self.m.default_css = type(self.m).default_css
        lab = f'<div class="kaart-lab"><strong>{esc(self.titel)}</strong>{self.m._repr_html_()}{self.legenda}</div>'
        return {KAART_MIME: frag, "text/html": lab, "text/plain": f"Kaart: {self.titel}"}


def _to_geojson(gdf: gpd.GeoDataFrame, props: list[str]) -> dict:
    g = gdf.to_crs(config.CRS_WGS84)
    g = g.set_geometry(g.geometry.set_precision(1e-5))
    data = json.loads(g[[*props, "geometry"]].to_json(drop_id=True))
    return data


def choropleth(
    gebieden: gpd.GeoDataFrame,
    kolom: str,
    titel: str,
    soort: str = "score",
    context: gpd.GeoDataFrame | None = None,
    bron: str = f"{BRON_LBM}; {BRON_CBS}",
) -> Kaart:
    """A class map of one score column.

    Parameters
    ----------
    gebieden : GeoDataFrame (EPSG:28992) with ``naam`` and the score column ``kolom``
        (``afw`` or a dimension).
    soort : ``"score"`` classes ``afw`` as a total score; ``"afwijking"`` as a deviation/dimension.
    context : optional outlines drawn in grey underneath (e.g. neighbouring gemeenten).
    """
    kleuren = lbm.klasse_kleuren()
    labels = lbm.klasse_labels(soort)
    g = gebieden[["naam", kolom, "geometry"]].copy()
    g = g[g.geometry.notna() & ~g.geometry.is_empty]
    k = lbm.klasse(g[kolom], soort)
    g["kleur"] = [kleuren[int(x)] if pd.notna(x) else lbm.geen_data_kleur() for x in k]
    g["Naam"] = g["naam"].map(esc)
    g["Score"] = [getal(v) for v in g[kolom]]
    g["Klasse"] = [f"{int(x)} – {labels[int(x)]}" if pd.notna(x) else "geen score" for x in k]
    g["Klasse"] = g["Klasse"].map(esc)

    m = folium.Map(tiles=None, zoom_control=True, scrollWheelZoom=False, zoom_snap=0.25)
    if context is not None and len(context):
        ctx = context[["naam", "geometry"]].copy()
        ctx["Naam"] = ctx["naam"].map(esc)
        folium.GeoJson(
            _to_geojson(ctx, ["Naam"]),
            name="omgeving",
            style_function=lambda f: {
                "fillColor": "#ffffff",
                "color": "#9aa3ab",
                "weight": 0.8,
                "fillOpacity": 0.6,
            },
            tooltip=folium.GeoJsonTooltip(fields=["Naam"], aliases=["Gemeente"], labels=True),
        ).add_to(m)
    folium.GeoJson(
        _to_geojson(g, ["Naam", "Score", "Klasse", "kleur"]),
        name=titel,
        style_function=lambda f: {
            "fillColor": f["properties"]["kleur"],
            "color": "#444444",
            "weight": 0.6,
            "fillOpacity": 0.85,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["Naam", "Score", "Klasse"], aliases=["Gebied", "Score (afw)", "Klasse"]
        ),
    ).add_to(m)
    minx, miny, maxx, maxy = g.to_crs(config.CRS_WGS84).total_bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    legenda_titel = (
        "Klasse totaalscore" if soort == "score" else "Afwijking van het landelijk gemiddelde"
    )
    statisch = statische_kaart(g, k, titel, soort, context)
    return Kaart(m, titel, _legenda_html(soort, legenda_titel), statisch, bron)


def _paden(geometrie) -> list[MplPath]:
    """Matplotlib paths of (multi)polygons, holes included; cached per geometry set."""
    key = tuple(g.wkb for g in geometrie)
    hit = _PADEN_CACHE.get(key)
    if hit is None:
        hit = []
        for geom in geometrie:
            polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
            ringen = []
            for p in polys:
                ringen.append(MplPath(np.asarray(p.exterior.coords)[:, :2], closed=True))
                ringen += [MplPath(np.asarray(r.coords)[:, :2], closed=True) for r in p.interiors]
            hit.append(MplPath.make_compound_path(*ringen))
        if len(_PADEN_CACHE) >= 8:  # a few layers of one gemeente at a time
            _PADEN_CACHE.clear()
        _PADEN_CACHE[key] = hit
    return hit


_PADEN_CACHE: dict = {}


def statische_kaart(g, k, titel, soort, context=None) -> Html:
    """The same class map as a PNG (for mail clients that run no scripts)."""
    kleuren = lbm.klasse_kleuren()
    labels = lbm.klasse_labels(soort)
    fig, ax = plt.subplots(figsize=(7.5, 6))
    if context is not None and len(context):
        ax.add_collection(
            PathCollection(_paden(context.geometry), facecolors="#ffffff", edgecolors="#b0b7bd",
                           linewidths=0.5)
        )  # fmt: skip
    ax.add_collection(
        PathCollection(_paden(g.geometry), facecolors=list(g["kleur"]), edgecolors="#444444",
                       linewidths=0.3)
    )  # fmt: skip
    ax.set_aspect("equal")
    minx, miny, maxx, maxy = g.total_bounds
    padx, pady = (maxx - minx) * 0.05, (maxy - miny) * 0.05
    ax.set_xlim(minx - padx, maxx + padx)
    ax.set_ylim(miny - pady, maxy + pady)
    ax.set_axis_off()
    present = sorted({int(x) for x in k.dropna()}, reverse=True)
    handles = [
        Patch(facecolor=kleuren[c], edgecolor="#666", label=f"{c} {labels[c]}") for c in present
    ]
    if k.isna().any():
        handles.append(Patch(facecolor=lbm.geen_data_kleur(), edgecolor="#666", label="geen score"))
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9
    )
    return figuur(
        fig,
        f"{titel} (statische kaart)",
        f"{BRON_LBM}; {BRON_CBS}",
        alt=f"Kaart: {titel}",
        dpi=80,
    )
