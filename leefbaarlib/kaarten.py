"""Maps: folium choropleths by class, rendered without any external load, plus static fallbacks."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import config
from . import leefbaarometer as lbm
from .weergave import BRON_CBS, BRON_LBM, Html, esc, getal

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
    ``KAART_MIME`` version (Leaflet is inlined once in the page head) and the static SVG, which
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
            # the interactive map is hidden until its script runs: a reader without scripts sees
            # the static map only, not an empty frame above it
            f'<div class="kaart-rij" id="rij_{map_id}" style="display:none">'
            f'<div class="kaart-vak">{header}{body}</div>{self.legenda}</div>'
            f'<div class="kaart-statisch" id="statisch_{map_id}">{self.statisch}</div>'
            f'<figcaption class="bron">{esc(self.bron)}</figcaption>'
            f'<script>document.getElementById("rij_{map_id}").style.display="";\n'
            f"{script}\n"
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
    """GeoJSON in WGS84 with the given properties; the projected geometry is cached, since the six
    maps of a page share it and projecting plus serialising is most of a map's cost."""
    geoms = _wgs84_geometrie(gdf.geometry)
    rijen = gdf[props].to_dict("records")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": r, "geometry": g}
            for r, g in zip(rijen, geoms, strict=True)
        ],
    }


def _wgs84_geometrie(geometrie: gpd.GeoSeries) -> list[dict]:
    def maak() -> list[dict]:
        g = geometrie.to_crs(config.CRS_WGS84).set_precision(1e-5)
        return [f["geometry"] for f in json.loads(g.to_json(drop_id=True))["features"]]

    return _uit_cache(_GEOJSON_CACHE, (str(geometrie.crs), tuple(g.wkb for g in geometrie)), maak)


_GEOJSON_CACHE: dict = {}


def _uit_cache(cache: dict, key, maak):
    """``cache[key]``, made by ``maak()`` when missing. A few layers of one gemeente are kept at a
    time (a page's maps share them; the next gemeente has its own)."""
    hit = cache.get(key)
    if hit is None:
        hit = maak()
        if len(cache) >= 8:
            cache.clear()
        cache[key] = hit
    return hit


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
    statisch = statische_kaart(g, titel, soort, context)
    return Kaart(m, titel, _legenda_html(soort, legenda_titel), statisch, bron)


def _svg_paden(geometrie: gpd.GeoSeries, kader: tuple[float, float, float, float],
               breedte: float) -> list[str]:  # fmt: skip
    """SVG path data of (multi)polygons in a ``breedte``-px frame over ``kader`` (RD bounds):
    clipped to the frame, simplified to half a pixel, holes kept (even-odd fill). Cached: the six
    maps of a page share their geometry."""

    def maak() -> list[str]:
        minx, miny, maxx, maxy = kader
        f = breedte / (maxx - minx)
        geo = shapely.clip_by_rect(np.asarray(geometrie.values), minx, miny, maxx, maxy)
        geo = shapely.simplify(geo, 0.5 / f)
        paden = []
        for geom in geo:
            delen = []
            for p in getattr(geom, "geoms", [geom]):
                if p.is_empty or p.geom_type != "Polygon":
                    continue
                for ring in [p.exterior, *p.interiors]:
                    xy = np.asarray(ring.coords)[:, :2]
                    px = np.round((xy[:, 0] - minx) * f, 1)
                    py = np.round((maxy - xy[:, 1]) * f, 1)
                    pts = " ".join(f"{a:g} {b:g}" for a, b in zip(px[:-1], py[:-1], strict=True))
                    delen.append(f"M{pts}Z")
            paden.append("".join(delen))
        return paden

    return _uit_cache(_PADEN_CACHE, (tuple(g.wkb for g in geometrie), kader, breedte), maak)


_PADEN_CACHE: dict = {}


def statische_kaart(
    g, titel, soort, context=None, breedte: int = 600, max_hoogte: int = 520
) -> Html:
    """The same class map as inline SVG with its legend, for readers whose mail client or browser
    runs no scripts.

    Every area has a tooltip with name, score and class; no script is needed to show it.
    """
    minx, miny, maxx, maxy = g.total_bounds
    padx, pady = (maxx - minx) * 0.04, (maxy - miny) * 0.04
    kader = (minx - padx, miny - pady, maxx + padx, maxy + pady)
    verhouding = (kader[3] - kader[1]) / (kader[2] - kader[0])
    breedte = int(min(breedte, max_hoogte / verhouding))  # a tall gemeente gets a narrower map
    hoogte = breedte * verhouding
    delen = []
    if context is not None and len(context):
        ctx = _svg_paden(context.geometry, kader, breedte)
        delen.append('<g fill="#ffffff" stroke="#b0b7bd" stroke-width="0.6">')
        delen += [f'<path d="{d}"/>' for d in ctx if d]
        delen.append("</g>")
    paden = _svg_paden(g.geometry, kader, breedte)
    delen.append('<g stroke="#444444" stroke-width="0.4" fill-rule="evenodd">')
    for d, kleur, naam, score, klasse in zip(paden, g["kleur"], g["Naam"], g["Score"],
                                             g["Klasse"], strict=True):  # fmt: skip
        if d:
            # Naam and Klasse are escaped already (they also feed the folium tooltips)
            delen.append(f'<path d="{d}" fill="{kleur}"><title>{naam}: {esc(score)}, '
                         f"klasse {klasse}</title></path>")  # fmt: skip
    delen.append("</g>")
    kaart = (
        f'<svg class="grafiek" viewBox="0 0 {breedte} {hoogte:.0f}" width="{breedte}" '
        f'height="{hoogte:.0f}" role="img" aria-label="{esc("Kaart: " + titel)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(delen)}</svg>'
    )
    legenda_titel = (
        "Klasse totaalscore" if soort == "score" else "Afwijking van het landelijk gemiddelde"
    )
    # title and source are the map figure's own (the fallback replaces only the map and legend)
    return Html(
        f'<div class="kaart-rij"><div class="kaart-svg">{kaart}</div>'
        f"{_legenda_html(soort, legenda_titel)}</div>"
    )
