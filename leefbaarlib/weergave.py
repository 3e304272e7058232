"""Display helpers shared by the step modules: Dutch numbers, escaped HTML, figures and tables."""

from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("agg")  # figures are rendered to PNG explicitly; no GUI backend is ever needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

# one look for every matplotlib figure of the reports (steps 2-4; step 1 draws SVG)
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

BRON_LBM = "Bron: Leefbaarometer 3.0 (BZK), meting 2024"
BRON_CBS = "grenzen: CBS wijk- en buurtkaart (CC BY 4.0)"
MINUS = "\u2212"


def esc(text) -> str:
    """Escape a value from data for use in HTML."""
    return html.escape("" if text is None else str(text), quote=True)


def getal(x, decimalen: int = 3, teken: bool = True) -> str:
    """Dutch number: decimal comma, real minus sign, explicit plus when ``teken``.

    Examples
    --------
    >>> getal(-0.0912)
    '−0,091'
    >>> getal(0.1, 2)
    '+0,10'
    """
    if x is None or pd.isna(x):
        return "–"
    s = f"{x:+.{decimalen}f}" if teken else f"{x:.{decimalen}f}"
    return s.replace("-", MINUS).replace(".", ",")


def procent(x, decimalen: int = 0) -> str:
    if x is None or pd.isna(x):
        return "–"
    return f"{100 * x:.{decimalen}f}%".replace(".", ",")


class Html:
    """An HTML fragment that displays itself in JupyterLab and in the report."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def alinea(*zinnen: str, klasse: str = "") -> Html:
    """A paragraph of already-escaped sentences."""
    cls = f' class="{klasse}"' if klasse else ""
    return Html(f"<p{cls}>{' '.join(zinnen)}</p>")


def kader(titel: str, inhoud: str, soort: str = "let-op") -> Html:
    """A boxed note (``soort``: let-op, info)."""
    return Html(f'<aside class="kader {soort}"><strong>{titel}</strong> {inhoud}</aside>')


class _NlFormatter(ScalarFormatter):
    """matplotlib's default number ticks with a decimal comma (the minus is already U+2212)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).replace(".", ",")

    def get_offset(self):
        return super().get_offset().replace(".", ",")


def _nederlandse_getallen(fig) -> None:
    """Give every plain numeric axis of ``fig`` Dutch tick labels (dates and custom labels stay)."""
    for ax in fig.axes:
        for as_ in (ax.xaxis, ax.yaxis):
            if type(as_.get_major_formatter()) is ScalarFormatter:
                as_.set_major_formatter(_NlFormatter())


def figuur(fig, titel: str, bron: str, alt: str, dpi: int = 110) -> Html:
    """Render a matplotlib figure to an embedded PNG with title and source; closes the figure."""
    _nederlandse_getallen(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return Html(
        f'<figure class="figuur"><figcaption class="titel">{esc(titel)}</figcaption>'
        f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
        f'<figcaption class="bron">{esc(bron)}</figcaption></figure>'
    )


def tabel(
    df: pd.DataFrame, titel: str = "", bron: str = "", rechts: list[str] | None = None
) -> Html:
    """An HTML table; every cell is escaped. Columns in ``rechts`` are right-aligned (numbers)."""
    rechts = set(rechts or [])
    head = "".join(f'<th class="{"num" if c in rechts else ""}">{esc(c)}</th>' for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cells = "".join(
            f'<td class="{"num" if c in rechts else ""}">{esc(v)}</td>' for c, v in r.items()
        )
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(titel)}</caption>" if titel else ""
    src = f'<p class="bron">{esc(bron)}</p>' if bron else ""
    return Html(
        f'<div class="tabel-wrap"><table class="tabel">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{src}</div>"
    )


def toon(*dingen) -> None:
    """Display fragments (lists are flattened) in the notebook / report."""
    from IPython.display import display

    for d in dingen:
        if isinstance(d, list | tuple):
            toon(*d)
        elif d is not None:
            display(d)
