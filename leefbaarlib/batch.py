"""Batch reports for many gemeenten: local worker processes or a Dask cluster, resumable."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__, config, gemeenten, rapport
from .bestanden import schrijf_atomair
from .uitvoering import kernel_van_proces
from .weergave import esc

SAMENVATTING_BESTAND = "batch.json"


@dataclass
class Uitkomst:
    """One gemeente in a batch run."""

    gemeente: str
    naam: str
    status: str  # "ok", "fout", "ongewijzigd"
    seconden: float = 0.0
    fout: str | None = None
    samenvatting: str = ""


@functools.cache
def _code_hash() -> str:
    """Hash of everything that shapes a report: library, templates, notebooks, embedded data."""
    h = hashlib.sha256(__version__.encode())
    roots = [config.PACKAGE_DIR, config.NOTEBOOKS_DIR, config.DATA_DIR]
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("."):
                h.update(str(p.relative_to(config.REPO_DIR)).encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def vingerafdruk(
    gemeente: str, stappen: list[int], data_dir: str | Path | None, extra: dict | None = None
) -> str:
    """Fingerprint of a report's inputs and code: equal fingerprints give the same report."""
    h = hashlib.sha256(_code_hash().encode())
    h.update(json.dumps([gemeente, stappen, extra or {}], sort_keys=True).encode())
    if data_dir:
        for p in sorted(Path(data_dir).rglob("*")):
            if p.is_file():
                st = p.stat()
                h.update(f"{p.relative_to(data_dir)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _status(out: Path, code: str) -> dict | None:
    p = out / code / rapport.STATUS_BESTAND
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _samenvatting(map_: Path) -> str:
    from .onderzoek import lees_resultaat

    try:
        r = lees_resultaat(map_)
    except (OSError, json.JSONDecodeError, TypeError):
        return ""
    return r.samenvatting if r else ""


def _uitkomst(res: rapport.GemeenteResultaat, seconden: float) -> Uitkomst:
    fouten = [f"stap {s.stap}: {s.fout}" for s in res.stappen if s.status == "fout"]
    return Uitkomst(
        res.gemeente,
        res.naam,
        "ok" if res.ok else "fout",
        seconden,
        "; ".join(fouten) or None,
        _samenvatting(Path(res.map)) if res.ok else "",
    )


def _werk_lokaal(code: str, out: str, stappen: list[int], data_dir: str | None, fp: str) -> dict:
    """Worker: one gemeente into ``out`` (runs in a separate process)."""
    t0 = time.perf_counter()
    try:
        from .leefbaarometer import wijk_scores

        wijk_scores(code, Path(data_dir) if data_dir else None)
        res = rapport.maak_rapport(code, out=out, stappen=stappen, data_dir=data_dir,
                                   vingerafdruk=fp, kernel=kernel_van_proces())  # fmt: skip
        return asdict(_uitkomst(res, time.perf_counter() - t0))
    except Exception as e:  # recorded per gemeente; never stops the batch
        return asdict(
            Uitkomst(
                code,
                gemeenten.naam(code),
                "fout",
                time.perf_counter() - t0,
                f"{type(e).__name__}: {e}",
            )  # fmt: skip
        )


def _werk_dask(code: str, stappen: list[int], data_dir: str | None, fp: str) -> dict:
    """Dask task: run in a worker-local folder and send the files back to the client."""
    with tempfile.TemporaryDirectory(prefix="leefbaar-") as tmp:
        u = _werk_lokaal(code, tmp, stappen, data_dir, fp)
        files = {}
        d = Path(tmp) / code
        if d.is_dir():
            files = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
        return {"uitkomst": u, "bestanden": files}


def _ontvang(out: Path, code: str, files: dict[str, bytes]) -> None:
    d = out / code
    d.mkdir(parents=True, exist_ok=True)
    # status.json last: a gemeente only counts as done once all its files are in place
    for name in sorted(files, key=lambda n: n == rapport.STATUS_BESTAND):
        schrijf_atomair(d / name, files[name])


def kies_gemeenten(namen: list[str], alle: bool, data_dir: str | Path | None) -> list[str]:
    """Gemeente codes for a batch: the given names/codes, or every gemeente in the data."""
    if alle:
        from .leefbaarometer import available

        av = available(data_dir)
        return sorted(av["gemeente"].unique())
    return [gemeenten.zoek(n).code for n in namen]


def run_batch(
    codes: list[str],
    out: str | Path = config.REPORTS_DIR,
    workers: int | None = None,
    stappen: list[int] | None = None,
    data_dir: str | Path | None = None,
    opnieuw: bool = False,
    scheduler: str | None = None,
    voortgang: bool = True,
) -> list[Uitkomst]:
    """Reports for many gemeenten; failures are recorded, never stop the others.

    Gemeenten whose fingerprint (inputs and code) matches a finished report are skipped unless
    ``opnieuw``; an interrupted run therefore resumes where it stopped. Writes ``out/index.html``
    and ``out/batch.json``.
    """
    from tqdm import tqdm

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    stappen = sorted(stappen or rapport.beschikbare_stappen())
    dd = str(Path(data_dir).resolve()) if data_dir else None
    gestart = dt.datetime.now().isoformat(timespec="seconds")
    uitkomsten: dict[str, Uitkomst] = {}
    todo: dict[str, str] = {}
    for code in dict.fromkeys(codes):
        fp = vingerafdruk(code, stappen, dd)
        st = _status(out, code)
        ok = st and all(s["status"] == "ok" for s in st["stappen"])
        if not opnieuw and ok and st.get("vingerafdruk") == fp:
            uitkomsten[code] = Uitkomst(code, st["naam"], "ongewijzigd",
                                        samenvatting=_samenvatting(out / code))  # fmt: skip
        else:
            todo[code] = fp

    balk = tqdm(total=len(todo), desc="gemeenten", unit="gem", file=sys.stderr,
                disable=not voortgang or not todo, dynamic_ncols=True)  # fmt: skip
    tel = {"ok": 0, "fout": 0}

    def klaar(u: Uitkomst) -> None:
        uitkomsten[u.gemeente] = u
        tel["ok" if u.status == "ok" else "fout"] += 1
        balk.set_postfix(klaar=tel["ok"], mislukt=tel["fout"], refresh=False)
        balk.update(1)

    if todo and scheduler:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            futs = {
                client.submit(_werk_dask, code, stappen, dd, fp, key=f"leefbaar-{code}-{fp[:12]}",
                              pure=False): code
                for code, fp in todo.items()
            }  # fmt: skip
            for fut in dask_completed(futs):
                code = futs[fut]
                try:
                    r = fut.result()
                    _ontvang(out, code, r["bestanden"])
                    klaar(Uitkomst(**r["uitkomst"]))
                except Exception as e:  # a lost worker or a transfer error: record, continue
                    klaar(
                        Uitkomst(
                            code, gemeenten.naam(code), "fout", fout=f"{type(e).__name__}: {e}"
                        )
                    )
    elif todo:
        n = workers or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=min(n, len(todo))) as pool:
            futs = {
                pool.submit(_werk_lokaal, code, str(out), stappen, dd, fp): code
                for code, fp in todo.items()
            }
            for fut in as_completed(futs):
                code = futs[fut]
                try:
                    klaar(Uitkomst(**fut.result()))
                except Exception as e:  # the worker process died
                    klaar(
                        Uitkomst(
                            code, gemeenten.naam(code), "fout", fout=f"{type(e).__name__}: {e}"
                        )
                    )
    balk.close()

    lijst = [uitkomsten[c] for c in dict.fromkeys(codes)]
    samenvatting = {
        "gestart": gestart,
        "klaar": dt.datetime.now().isoformat(timespec="seconds"),
        "stappen": stappen,
        "data_dir": dd,
        "scheduler": scheduler,
        "aantal": {s: sum(u.status == s for u in lijst) for s in ("ok", "ongewijzigd", "fout")},
        "gemeenten": [asdict(u) for u in lijst],
    }
    schrijf_atomair(out / SAMENVATTING_BESTAND,
                    json.dumps(samenvatting, ensure_ascii=False, indent=2) + "\n")  # fmt: skip
    schrijf_atomair(out / "index.html", batch_index_html(_alle_in_map(out, lijst)))
    return lijst


def _alle_in_map(out: Path, lijst: list[Uitkomst]) -> list[Uitkomst]:
    """This run's gemeenten plus those of earlier runs in the same folder (for the index page)."""
    seen = {u.gemeente for u in lijst}
    extra = []
    for d in sorted(out.glob("GM*")):
        st = _status(out, d.name)
        if d.name in seen or st is None:
            continue
        ok = all(s["status"] == "ok" for s in st["stappen"])
        fout = "; ".join(f"stap {s['stap']}: {s['fout']}" for s in st["stappen"] if s.get("fout"))
        extra.append(Uitkomst(d.name, st["naam"], "ok" if ok else "fout", fout=fout or None,
                              samenvatting=_samenvatting(d) if ok else ""))  # fmt: skip
    return sorted([*lijst, *extra], key=lambda u: u.naam.lower())


def batch_index_html(lijst: list[Uitkomst]) -> str:
    """``reports/index.html``: every gemeente with status and link, searchable by name or code."""
    labels = {"ok": ("gereed", "status-ok"), "ongewijzigd": ("gereed (ongewijzigd)", "status-ok"),
              "fout": ("mislukt", "status-fout")}  # fmt: skip
    rijen = []
    for u in lijst:
        tekst, cls = labels[u.status]
        naam = (
            f'<a href="{esc(u.gemeente)}/index.html">{esc(u.naam)}</a>'
            if u.status != "fout"
            else esc(u.naam)
        )
        detail = (
            esc(u.samenvatting)
            if u.status != "fout"
            else f'<span class="fout-kort">Technische melding: {esc(u.fout)}</span>'
        )
        rijen.append(
            f'<tr data-zoek="{esc((u.naam + " " + u.gemeente).lower())}"><td>{naam}</td>'
            f'<td>{esc(u.gemeente)}</td><td class="{cls}">{tekst}</td><td class="wrap">{detail}</td></tr>'
        )
    n_ok = sum(u.status != "fout" for u in lijst)
    n_fout = len(lijst) - n_ok
    css = rapport._css()
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leefbaarheidsrapporten per gemeente</title><style>{css}
#zoek{{font:inherit;padding:6px 10px;width:100%;max-width:420px;border:1px solid #aab;border-radius:4px}}
.fout-kort{{color:#c0392b;font-size:13px}}
</style></head>
<body><header class="balk"><div class="balk-binnen"><span class="merk">leefbaar</span>
<span class="gemeente">Alle gemeenten</span></div></header>
<main><h1>Leefbaarheidsrapporten per gemeente</h1>
<p class="ondertitel">{n_ok} gereed, {n_fout} mislukt. Kies een gemeente voor haar rapporten.</p>
<p><label for="zoek">Zoek een gemeente: </label><input id="zoek" type="search"
 placeholder="naam of code, bijvoorbeeld Groningen of GM0014" autocomplete="off"></p>
<div class="tabel-wrap"><table class="tabel" id="gemeenten">
<thead><tr><th>Gemeente</th><th>Code</th><th>Status</th><th>Samenvatting</th></tr></thead>
<tbody>{"".join(rijen)}</tbody></table></div>
<p id="geen" hidden>Geen gemeente gevonden.</p>
</main><footer class="voet"><p>Gemaakt met leefbaar {__version__}.</p></footer>
<script>
(function(){{
  var veld=document.getElementById('zoek'), rijen=document.querySelectorAll('#gemeenten tbody tr');
  veld.addEventListener('input', function(){{
    var q=veld.value.trim().toLowerCase(), n=0;
    rijen.forEach(function(r){{var t=!q||r.getAttribute('data-zoek').indexOf(q)>=0;
      r.hidden=!t; if(t) n++;}});
    document.getElementById('geen').hidden = n>0;
  }});
}})();
</script></body></html>
"""
