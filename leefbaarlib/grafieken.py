"""Charts of Leefbaarometer scores: dimension decomposition, trends, changes (matplotlib, PNG)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import leefbaarometer as lbm
from .weergave import BRON_LBM, Html, figuur

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlesize": 10,
    }
)


def _nl(x, _pos=None) -> str:
    return f"{x:+.2f}".replace("-", "\u2212").replace(".", ",") if x else "0"


def decompositie(df: pd.DataFrame, titel: str, referentie: float | None = None) -> Html:
    """Diverging stacked bar per area: the five dimensions add up to the deviation (black dot).

    ``df`` has ``naam``, ``afw`` and the five dimension columns, one row per area.
    """
    kleuren = lbm.dimensie_kleuren()
    namen = lbm.dimensie_namen()
    d = df.dropna(subset=list(lbm.DIMENSIES)).sort_values("afw").reset_index(drop=True)
    n = len(d)
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.28 * n + 1.2)))
    y = np.arange(n)
    pos = np.zeros(n)
    neg = np.zeros(n)
    for dim in lbm.DIMENSIES:
        v = d[dim].to_numpy()
        left = np.where(v >= 0, pos, neg + v)
        ax.barh(y, np.abs(v), left=left, color=kleuren[dim], label=namen[dim], height=0.72)
        pos = pos + np.where(v >= 0, v, 0)
        neg = neg + np.where(v < 0, v, 0)
    ax.scatter(d["afw"], y, color="black", s=16, zorder=3, label="totaal (afwijking)")
    ax.axvline(0, color="#333", linewidth=0.8)
    if referentie is not None and not pd.isna(referentie):
        ax.axvline(referentie, color="#333", linewidth=0.8, linestyle="--", label="gemeente")
    ax.set_yticks(y, d["naam"].astype(str).tolist())
    ax.xaxis.set_major_formatter(_nl)
    ax.set_xlabel("bijdrage aan de afwijking van het landelijk gemiddelde (0 = Nederland)")
    hoogte = 0.28 * n + 1.2
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45 / hoogte - 0.06), ncol=4,
              frameon=False, fontsize=8)  # fmt: skip
    ax.margins(y=0.01)
    return figuur(
        fig,
        titel,
        f"{BRON_LBM}. Balken rechts van 0 tillen de score op, links drukken ze de score.",
        alt=f"{titel}: per gebied de bijdrage van de vijf dimensies",
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
    """
    gebieden = reeks[["code", "naam"]].drop_duplicates("code")
    n = len(gebieden)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    hoogte = 1.55 * nrows + 0.6
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(2.0 * ncols + 0.5, hoogte), sharex=True, sharey=True
    )
    # fixed margins and ticks: tight_layout over many axes is the slow part of this figure
    fig.subplots_adjust(left=0.09, right=0.99, bottom=0.35 / hoogte, top=1 - 0.3 / hoogte,
                        wspace=0.12, hspace=0.38)  # fmt: skip
    from matplotlib.ticker import FixedLocator

    lo = min(reeks[kolom].min(), referentie.min(), 0)
    hi = max(reeks[kolom].max(), referentie.max(), 0)
    stap = 0.1 if hi - lo < 0.5 else 0.2
    yticks = np.arange(np.floor(lo / stap) * stap, hi + stap, stap)
    axes = np.atleast_1d(axes).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax, (_, g) in zip(axes, gebieden.iterrows(), strict=False):
        s = reeks[reeks["code"] == g["code"]].sort_values("jaar")
        ax.axhline(0, color="#999", linewidth=0.6)
        ax.plot(referentie.index, referentie.values, color="#888", linewidth=1, linestyle="--")
        ax.plot(s["jaar"], s[kolom], color="#2c5d8a", linewidth=1.6, marker="o", markersize=2.2)
        naam = str(g["naam"])
        ax.set_title(naam if len(naam) <= 24 else naam[:22] + "…", fontsize=8, loc="left")
        ax.yaxis.set_major_locator(FixedLocator(yticks))
        ax.xaxis.set_major_locator(FixedLocator([2005, 2010, 2015, 2020, 2025]))
        ax.yaxis.set_major_formatter(_nl)
        ax.tick_params(labelsize=7)
    fig.supylabel("afwijking (0 = Nederland)", fontsize=8, x=0.005)
    return figuur(
        fig,
        titel,
        f"{BRON_LBM}. Doorgetrokken lijn: het gebied; stippellijn: de gemeente; 0 = landelijk niveau.",
        alt=titel,
        dpi=90,
        strak=False,
    )


def dimensie_trends(
    reeks: pd.DataFrame, referentie: pd.DataFrame, titel: str, nadruk: list[str] | None = None
) -> Html:
    """One panel per dimension: every area as a thin line, the gemeente bold, focus areas coloured."""
    namen = lbm.dimensie_namen()
    kleuren = lbm.dimensie_kleuren()
    nadruk = set(nadruk or [])
    fig, axes = plt.subplots(1, 5, figsize=(12, 2.9), sharey=True)
    for ax, dim in zip(axes, lbm.DIMENSIES, strict=True):
        r = reeks.dropna(subset=[dim])
        for code, g in r.groupby("code"):
            hi = code in nadruk
            ax.plot(
                g["jaar"], g[dim],
                color=kleuren[dim] if hi else "#c8c8c8",
                linewidth=1.4 if hi else 0.6, zorder=2 if hi else 1,
            )  # fmt: skip
        ref = referentie[dim].dropna()
        ax.plot(ref.index, ref.values, color="black", linewidth=2, zorder=3)
        ax.axhline(0, color="#777", linewidth=0.6)
        ax.set_title(namen[dim], fontsize=9)
        ax.yaxis.set_major_formatter(_nl)
        ax.set_xticks([2014, 2018, 2022])
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("bijdrage aan de afwijking", fontsize=8)
    fig.tight_layout()
    return figuur(
        fig,
        titel,
        f"{BRON_LBM}. Zwart: de gemeente; gekleurd: prioriteitsgebieden; grijs: overige gebieden.",
        alt=titel,
        dpi=90,
    )


def gemeente_profiel(waarden: pd.Series, titel: str) -> Html:
    """Horizontal bars of the gemeente's five dimensions and total against the national level 0."""
    namen = lbm.dimensie_namen()
    kleuren = lbm.dimensie_kleuren()
    labels = ["totaal", *[namen[d] for d in lbm.DIMENSIES]]
    vals = [waarden["afw"], *[waarden[d] for d in lbm.DIMENSIES]]
    cols = ["#333333", *[kleuren[d] for d in lbm.DIMENSIES]]
    fig, ax = plt.subplots(figsize=(7, 2.6))
    y = np.arange(len(vals))[::-1]
    ax.barh(y, vals, color=cols, height=0.6)
    for yi, v in zip(y, vals, strict=True):
        if pd.notna(v):
            ax.text(v, yi, " " + _nl(v) + " ", va="center", ha="left" if v >= 0 else "right",
                    fontsize=8)  # fmt: skip
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(_nl)
    lim = max(0.05, np.nanmax(np.abs(vals)) * 1.35)
    ax.set_xlim(-lim, lim)
    ax.set_xlabel("afwijking van het landelijk gemiddelde (0 = Nederland)")
    return figuur(fig, titel, BRON_LBM, alt=titel)
