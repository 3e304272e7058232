"""Small building blocks for charts drawn as inline SVG.

Inline SVG renders crisply at any zoom, uses the page's own font, needs no script and costs
microseconds to write, where a matplotlib PNG costs a tenth of a second or more (most of it text
layout). Text widths are estimated from character classes: layouts keep a margin for that.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .weergave import esc, getal

# approximate advance widths (in em) of the report's sans-serif fonts; DejaVu Sans, the widest
# common one, sets the values so that labels never run out of their space
_SMAL = set("iljtfrI.,:;'|!()[] -")
_BREED = set("mwMW@%")


def tekstbreedte(tekst: str, grootte: float) -> float:
    """Estimated width in px of ``tekst`` at font size ``grootte`` px (errs on the wide side)."""
    em = 0.0
    for ch in tekst:
        if ch in _SMAL:
            em += 0.36
        elif ch in _BREED:
            em += 0.95
        elif ch.isupper():
            em += 0.74
        elif ch.isdigit():
            em += 0.64
        else:
            em += 0.62
    return em * grootte


def kort(tekst: str, grootte: float, max_px: float) -> str:
    """``tekst`` shortened with an ellipsis so that it fits in ``max_px``."""
    if tekstbreedte(tekst, grootte) <= max_px:
        return tekst
    while tekst and tekstbreedte(tekst + "…", grootte) > max_px:
        tekst = tekst[:-1]
    return tekst.rstrip() + "…"


def bereik(
    lo: float, hi: float, n: int = 5, marge: float = 0.04
) -> tuple[float, float, np.ndarray]:
    """An axis for data in ``[lo, hi]``: the range with a small margin and the round ticks in it."""
    pad = (hi - lo) * marge or 0.01
    a, b = lo - pad, hi + pad
    t = mooie_ticks(a, b, n)
    return a, b, t[(t >= a - 1e-12) & (t <= b + 1e-12)]


def mooie_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    """Round tick values covering ``[lo, hi]`` in about ``n`` intervals (1-2-2.5-5 steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"tick range must be finite, got {lo}..{hi}")
    if hi <= lo:
        hi = lo + 1e-3
    macht = 10 ** math.floor(math.log10((hi - lo) / max(n, 1)))
    stappen = [m * macht for m in (0.5, 1, 2, 2.5, 5, 10)]
    stap = min(stappen, key=lambda st: abs((hi - lo) / st - n))
    start = math.floor(lo / stap + 1e-9) * stap
    eind = math.ceil(hi / stap - 1e-9) * stap
    return np.round(np.arange(start, eind + stap / 2, stap), 10)


def jaar_ticks(j0: float, j1: float) -> list[tuple[int, str]]:
    """First, middle and last year with text anchors that keep the labels inside the panel."""
    j0, j1 = int(j0), int(j1)
    if j1 - j0 < 4:
        return [(j0, "start"), (j1, "end")] if j1 > j0 else [(j0, "middle")]
    return [(j0, "start"), ((j0 + j1) // 2, "middle"), (j1, "end")]


def regels(tekst: str, grootte: float, max_px: float) -> list[str]:
    """``tekst`` broken into lines of at most ``max_px`` (at word boundaries)."""
    uit: list[str] = []
    for woord in tekst.split():
        if uit and tekstbreedte(uit[-1] + " " + woord, grootte) <= max_px:
            uit[-1] += " " + woord
        else:
            uit.append(woord)
    return uit


def as_getal(x: float, decimalen: int = 2) -> str:
    """An axis label: a Dutch signed number, plain ``0`` at zero."""
    return "0" if abs(x) < 0.5 * 10**-decimalen else getal(x, decimalen)


class Schaal:
    """Linear map from data values to pixels."""

    def __init__(self, d0: float, d1: float, p0: float, p1: float):
        self.d0, self.d1, self.p0, self.p1 = d0, d1, p0, p1
        self.f = (p1 - p0) / (d1 - d0) if d1 != d0 else 0.0

    def __call__(self, v):
        return self.p0 + (np.asarray(v, dtype=float) - self.d0) * self.f


def f(v: float) -> str:
    """A coordinate with one decimal (enough for screen pixels, keeps the markup small)."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def tekst(x: float, y: float, inhoud: str, grootte: float = 12, anker: str = "start",
          kleur: str = "#1d2731", gewicht: str | None = None, basis: str | None = None) -> str:  # fmt: skip
    attrs = f'x="{f(x)}" y="{f(y)}" font-size="{f(grootte)}" fill="{kleur}"'
    if anker != "start":
        attrs += f' text-anchor="{anker}"'
    if gewicht:
        attrs += f' font-weight="{gewicht}"'
    if basis:
        attrs += f' dominant-baseline="{basis}"'
    return f"<text {attrs}>{esc(inhoud)}</text>"


def lijn(x1, y1, x2, y2, kleur="#333", dikte=1.0, streep: str | None = None) -> str:
    s = f' stroke-dasharray="{streep}"' if streep else ""
    return (f'<line x1="{f(x1)}" y1="{f(y1)}" x2="{f(x2)}" y2="{f(y2)}" stroke="{kleur}" '
            f'stroke-width="{f(dikte)}"{s}/>')  # fmt: skip


def polylijn(xs: Iterable[float], ys: Iterable[float], kleur: str, dikte: float = 1.5,
             streep: str | None = None, titel: str | None = None) -> str:  # fmt: skip
    punten = " ".join(f"{f(x)},{f(y)}" for x, y in zip(xs, ys, strict=True))
    s = f' stroke-dasharray="{streep}"' if streep else ""
    t = f"<title>{esc(titel)}</title>" if titel else ""
    return (f'<polyline points="{punten}" fill="none" stroke="{kleur}" stroke-width="{f(dikte)}" '
            f'stroke-linejoin="round" stroke-linecap="round"{s}>{t}</polyline>')  # fmt: skip


def rechthoek(x, y, b, h, kleur, titel: str | None = None) -> str:
    t = f"<title>{esc(titel)}</title>" if titel else ""
    return (f'<rect x="{f(x)}" y="{f(y)}" width="{f(max(b, 0))}" height="{f(max(h, 0))}" '
            f'fill="{kleur}">{t}</rect>')  # fmt: skip


def legenda(items: list[tuple[str, str]], x: float, y: float, max_breedte: float,
            grootte: float = 12) -> tuple[str, float]:  # fmt: skip
    """A wrapping legend of (label, swatch) pairs; a swatch is a colour, ``"punt"`` (a black dot)
    or ``"streep"`` (a dashed line). Returns the markup and the height used."""
    delen, cx, cy = [], x, y
    for label, soort in items:
        b = 18 + tekstbreedte(label, grootte) + 16
        if cx + b > x + max_breedte and cx > x:
            cx, cy = x, cy + grootte + 8
        midden = cy + grootte * 0.5
        if soort == "punt":
            delen.append(f'<circle cx="{f(cx + 6)}" cy="{f(midden)}" r="3.5" fill="#000"/>')
        elif soort == "streep":
            delen.append(lijn(cx, midden, cx + 13, midden, "#333", 1.2, "4 3"))
        else:
            delen.append(rechthoek(cx, midden - 5, 12, 10, soort))
        delen.append(tekst(cx + 18, midden, label, grootte, basis="central", kleur="#333"))
        cx += b
    return "".join(delen), cy + grootte + 8 - y


def as_titel(x: float, y: float, inhoud: str) -> str:
    """A vertical axis title, centred on (x, y), reading upwards."""
    return (f'<text transform="translate({f(x)} {f(y)}) rotate(-90)" font-size="11" '
            f'fill="#5b6670" text-anchor="middle">{esc(inhoud)}</text>')  # fmt: skip


def svg(breedte: float, hoogte: float, inhoud: str, label: str) -> str:
    """The ``<svg>`` element: scales down with the page, keeps its proportions."""
    return (
        f'<svg class="grafiek" viewBox="0 0 {f(breedte)} {f(hoogte)}" width="{f(breedte)}" '
        f'height="{f(hoogte)}" role="img" aria-label="{esc(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">{inhoud}</svg>'
    )
