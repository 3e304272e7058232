"""Reports per gemeente: papermill runs the step notebooks, nbconvert writes self-contained HTML."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import __version__, config, gemeenten
from .bestanden import schrijf_atomair
from .uitvoering import STAP_MODULES, WarmeKernel
from .weergave import esc

#: The four steps: (number, notebook file, page title).
STAPPEN = {
    1: ("1_onderzoek.ipynb", "Stap 1 · Onderzoek"),
    2: ("2_inzoomen.ipynb", "Stap 2 · Inzoomen"),
    3: ("3_actie.ipynb", "Stap 3 · Actie"),
    4: ("4_resultaat.ipynb", "Stap 4 · Resultaat"),
}
KAART_MIME = "application/vnd.leefbaar.kaart+html"
STATUS_BESTAND = "status.json"


def beschikbare_stappen() -> list[int]:
    """Steps whose notebook exists (steps arrive one by one)."""
    return [n for n, (f, _) in STAPPEN.items() if (config.NOTEBOOKS_DIR / f).exists()]


@dataclass
class StapResultaat:
    stap: int
    titel: str
    status: str  # "ok", "fout", "overgeslagen"
    html: str | None = None
    notebook: str | None = None
    seconden: float = 0.0
    fout: str | None = None


@dataclass
class GemeenteResultaat:
    gemeente: str
    naam: str
    map: str
    stappen: list[StapResultaat] = field(default_factory=list)
    gestart: str = ""
    klaar: str = ""
    vingerafdruk: str = ""

    @property
    def ok(self) -> bool:
        return all(s.status == "ok" for s in self.stappen)


@functools.cache
def _css() -> str:
    return (config.TEMPLATES_DIR / "leefbaar" / "rapport.css").read_text(encoding="utf-8")


_EXPORTER_SLOT = threading.Lock()  # one conversion at a time per process (Dask runs threads)


@functools.cache
def _exporter():
    """One HTML exporter per process: building one and compiling its template costs far more
    than a conversion. Use it while holding ``_EXPORTER_SLOT``."""
    return _nieuwe_exporter()


def _opwarmen() -> None:
    """Import papermill and nbconvert and compile the page template, in a background thread
    while the kernel starts and runs the first notebook (both mostly wait on each other)."""
    import nbformat.v4
    import papermill  # noqa: F401

    with _EXPORTER_SLOT:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("opwarmen")])
        _converteer(nb, "", 1, [1])


def start_opwarmen() -> threading.Thread:
    t = threading.Thread(target=_opwarmen, name="leefbaar-opwarmen", daemon=True)
    t.start()
    return t


def _nieuwe_exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    class Exporter(HTMLExporter):
        def _validate_preprocessor(self, nb, preprocessor):
            """No validation: papermill validated the notebook when it wrote it, and nbformat
            compiles the schema anew on every call (~0.1 s, more than the conversion)."""

    c = Config()
    # the report shows no code and runs nothing: merging stream outputs is the only preprocessing
    c.HTMLExporter.default_preprocessors = ["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]
    c.NbConvertBase.display_data_priority = [
        KAART_MIME,
        "text/html",
        "image/svg+xml",
        "image/png",
        "text/markdown",
        "text/plain",
    ]
    return Exporter(
        config=c,
        template_name="leefbaar",
        extra_template_basedirs=[str(config.TEMPLATES_DIR)],
    )


def notebook_naar_html(nb, gemeente_naam: str, stap: int, stappen: list[int]) -> str:
    """Convert an executed step notebook to one self-contained Dutch HTML page."""
    with _EXPORTER_SLOT:
        return _converteer(nb, gemeente_naam, stap, stappen)


def _converteer(nb, gemeente_naam: str, stap: int, stappen: list[int]) -> str:
    from .kaarten import leaflet_assets

    js, css = leaflet_assets()
    titel = STAPPEN[stap][1]
    resources = {
        "leefbaar": {
            "titel": f"{titel} — {gemeente_naam}",
            "gemeente_naam": gemeente_naam,
            "versie": __version__,
            "leaflet_js": js.replace("</script", "<\\/script"),
            "leaflet_css": css,
            "css": _css(),
            "stappen": [
                {
                    "bestand": Path(STAPPEN[n][0]).with_suffix(".html").name,
                    "titel": STAPPEN[n][1],
                    "actief": n == stap,
                }
                for n in stappen
            ],  # fmt: skip
            "voettekst": (
                f"Gemaakt met leefbaar {__version__} op {dt.date.today():%d-%m-%Y}. "
                "Bronnen: Leefbaarometer 3.0 (Ministerie van BZK), CBS wijk- en buurtkaart "
                "(CC BY 4.0)."
            ),
        }
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def _parameters(notebook: Path, wensen: dict) -> dict:
    """Only the parameters a notebook declares (papermill warns about unknown ones)."""
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook))
    return {k: v for k, v in wensen.items() if k in declared}


def _fout_tekst(e: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(e, PapermillExecutionError):
        return f"{e.ename}: {e.evalue} (cel {e.exec_count})"
    return f"{type(e).__name__}: {e}"


def run_stap(
    stap: int,
    out_dir: Path,
    parameters: dict,
    gemeente_naam: str,
    stappen: list[int],
    kernel: WarmeKernel,
) -> StapResultaat:
    """Execute one step notebook in ``kernel`` into ``out_dir`` and convert it to HTML,
    atomically."""
    nb_file, titel = STAPPEN[stap]
    bron = config.NOTEBOOKS_DIR / nb_file
    doel_nb = out_dir / nb_file
    doel_html = out_dir / Path(nb_file).with_suffix(".html").name
    t0 = time.perf_counter()
    fd, tmp_nb = tempfile.mkstemp(dir=out_dir, prefix=f".{nb_file}.", suffix=".ipynb")
    os.close(fd)
    try:
        kernel.voer_uit(bron, tmp_nb, _parameters(bron, parameters))
        nb = nbformat.read(tmp_nb, as_version=4)
        html = notebook_naar_html(nb, gemeente_naam, stap, stappen)
        schrijf_atomair(doel_html, html)
        os.chmod(tmp_nb, 0o644)
        os.replace(tmp_nb, doel_nb)
    except Exception as e:  # one failing step is recorded; the caller decides what follows
        Path(tmp_nb).unlink(missing_ok=True)
        return StapResultaat(
            stap, titel, "fout", seconden=time.perf_counter() - t0, fout=_fout_tekst(e)
        )
    return StapResultaat(
        stap,
        titel,
        "ok",
        html=doel_html.name,
        notebook=doel_nb.name,
        seconden=time.perf_counter() - t0,
    )


def maak_rapport(
    gemeente: str,
    out: str | Path = config.REPORTS_DIR,
    stappen: list[int] | None = None,
    data_dir: str | Path | None = None,
    extra: dict | None = None,
    vingerafdruk: str = "",
    kernel: WarmeKernel | None = None,
) -> GemeenteResultaat:
    """Run the step notebooks for one gemeente into ``out/<GMxxxx>/`` and write its index page.

    A failing step stops the steps after it (they build on it); the error is recorded in
    ``status.json`` and shown on the index page; no half-written page is left behind. The steps
    run in ``kernel`` (a batch worker passes its own), or in one kernel started for this call.
    """
    if kernel is None:
        gemeenten.zoek(gemeente)  # an unknown name fails before anything starts
        with WarmeKernel(voorladen=STAP_MODULES) as k:
            k.start()
            opwarmen = start_opwarmen()
            res = maak_rapport(gemeente, out, stappen, data_dir, extra, vingerafdruk, k)
        opwarmen.join()
        return res
    gm = gemeenten.zoek(gemeente)
    stappen = sorted(stappen or beschikbare_stappen())
    onbekend = [s for s in stappen if s not in beschikbare_stappen()]
    if onbekend:
        raise ValueError(
            f"step(s) {', '.join(map(str, onbekend))} not available; available: "
            f"{', '.join(map(str, beschikbare_stappen()))}"
        )
    out_dir = Path(out) / gm.code
    out_dir.mkdir(parents=True, exist_ok=True)
    params = {
        "gemeente": gm.code,
        "data_dir": str(Path(data_dir).resolve()) if data_dir else "",
        "output_dir": str(out_dir.resolve()),
        **(extra or {}),
    }
    res = GemeenteResultaat(
        gm.code, gm.naam, str(out_dir), gestart=_nu(), vingerafdruk=vingerafdruk
    )
    gefaald = None
    nav = sorted(
        set(stappen)
        | {
            n
            for n, (f, _) in STAPPEN.items()
            if (out_dir / Path(f).with_suffix(".html").name).exists()
        }
    )
    for n in stappen:
        if gefaald is not None:
            res.stappen.append(
                StapResultaat(n, STAPPEN[n][1], "overgeslagen", fout=f"stap {gefaald} faalde")
            )
            continue
        r = run_stap(n, out_dir, params, gm.naam, nav, kernel)
        res.stappen.append(r)
        if r.status != "ok":
            gefaald = n
    res.klaar = _nu()
    # steps that ran earlier and were not run now stay on the index page
    vorig = out_dir / STATUS_BESTAND
    if vorig.exists():
        # an unreadable earlier status only loses the earlier steps' links
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            oud = json.loads(vorig.read_text(encoding="utf-8"))
            nu = {s.stap for s in res.stappen}
            for s in oud.get("stappen", []):
                if s["stap"] not in nu and s["status"] == "ok" and (out_dir / s["html"]).exists():
                    res.stappen.append(StapResultaat(**s))
            res.stappen.sort(key=lambda s: s.stap)
    schrijf_atomair(
        out_dir / STATUS_BESTAND,
        json.dumps(asdict(res), ensure_ascii=False, indent=2) + "\n",
    )
    schrijf_atomair(out_dir / "index.html", index_html(res))
    return res


def _nu() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def index_html(res: GemeenteResultaat) -> str:
    """The gemeente's overview page: a short summary and a link per step, with status."""
    from .onderzoek import lees_resultaat

    samenvatting = ""
    o = lees_resultaat(res.map)
    if o is not None:
        samenvatting = (
            f"<p>{esc(o.samenvatting)}</p>"
            f'<p class="toelichting">Leefbaarometer 3.0, {esc(o.release)}; peiljaar {o.jaar}. '
            f"{esc(o.regel)}</p>"
        )
    items = []
    for s in res.stappen:
        if s.status == "ok":
            items.append(
                f'<li><a href="{esc(s.html)}">{esc(s.titel)}</a> '
                f'<span class="status-ok">gereed</span></li>'
            )
        elif s.status == "fout":
            items.append(
                f'<li>{esc(s.titel)} <span class="status-fout">mislukt</span>'
                f'<div class="fout">{esc(s.fout)}</div></li>'
            )
        else:
            items.append(
                f'<li>{esc(s.titel)} <span class="status-niet">niet uitgevoerd ({esc(s.fout)})'
                "</span></li>"
            )
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leefbaarheidsstrategie — {esc(res.naam)}</title><style>{_css()}</style></head>
<body><header class="balk"><div class="balk-binnen"><span class="merk">leefbaar</span>
<span class="gemeente">{esc(res.naam)}</span></div></header>
<main><h1>Leefbaarheidsstrategie {esc(res.naam)}</h1>
<p class="ondertitel">Rapporten per stap, gemaakt op {esc(res.klaar[:10])}.</p>
{samenvatting}
<h2>De stappen</h2><ul class="stappen">{"".join(items)}</ul>
<aside class="kader info"><strong>Over deze rapporten.</strong> De Leefbaarometer is een
modelvoorspelling voor signalering, geen meting en geen causaal model; de gegevens lopen ongeveer
twee jaar achter. De rapporten tonen profielen en redenen, geen ranglijst van buurten.</aside>
</main><footer class="voet"><p>Gemaakt met leefbaar {__version__}.</p></footer></body></html>
"""
