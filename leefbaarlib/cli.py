"""The `leefbaar` command line: data, report (and later batch, mail, effect)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from . import config, gemeenten
from .leefbaarometer import DIMENSIES, NIVEAUS, DataError, NoDataError, load_scores, met_klassen

app = typer.Typer(
    help="leefbaar: Leefbaarometer-analyses en rapporten voor een leefbaarheidsstrategie.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Show and check data.", no_args_is_help=True)
app.add_typer(data_app, name="data")

SHOW_COLUMNS = [
    "code", "naam", "gemeente", "jaar", "lbm", "afw", *DIMENSIES,
    "klasse", "klasse_afw", *[f"klasse_{d}" for d in DIMENSIES], "release",
]  # fmt: skip

#: Errors that end a command with a one-line message instead of a traceback.
USER_ERRORS = (DataError, NoDataError, gemeenten.GemeenteNotFound, FileNotFoundError)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"leefbaar: error: {message}", err=True)
    raise typer.Exit(code)


DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder with official Leefbaarometer downloads (CSV) and boundaries; "
        "default: the embedded data.",
    ),
]


@data_app.command("show")
def data_show(
    gemeente: Annotated[str | None, typer.Argument(help="Code (GM0014, 14) or name.")] = None,
    alle: Annotated[bool, typer.Option("--all", help="Every area in the data.")] = False,
    level: Annotated[str, typer.Option("--level", help="gemeente, wijk or buurt.")] = "wijk",
    jaar: Annotated[int | None, typer.Option("--jaar", help="Year; default the latest.")] = None,
    data_dir: DataDirOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
) -> None:
    """One row per area with scores, classes and release."""
    if level not in NIVEAUS:
        fail(f"--level must be one of {', '.join(NIVEAUS)}, not {level!r}")
    if fmt not in ("table", "csv"):
        fail(f"--format must be table or csv, not {fmt!r}")
    if (gemeente is None) == (not alle):
        fail("give a GEMEENTE or --all (not both)")
    try:
        gm = None if alle else gemeenten.zoek(gemeente).code
        df = load_scores(level, gm, data_dir=data_dir)
        jaren = sorted(df["jaar"].unique())
        j = jaar if jaar is not None else jaren[-1]
        if j not in jaren:
            fail(f"no {level} scores for jaar {j}; years in the data: {', '.join(map(str, jaren))}")
        out = met_klassen(df[df["jaar"] == j])[SHOW_COLUMNS]
    except USER_ERRORS as e:
        fail(str(e))
        return
    if fmt == "csv":
        out.to_csv(sys.stdout, index=False, float_format="%.9g")
    else:
        with pd.option_context("display.max_rows", None, "display.width", 250):
            typer.echo(out.to_string(index=False, float_format=lambda v: f"{v:.4f}", na_rep=""))


@data_app.command("check")
def data_check(
    map_: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder with the corporation's files.")
    ],
    gemeente: Annotated[
        str, typer.Option("--gemeente", help="Gemeente whose buurt codes are valid.")
    ] = config.DEFAULT_GEMEENTE,
) -> None:
    """Validate the corporation's own files against the templates; list every problem."""
    from . import eigen_data, geo
    from .leefbaarometer import NoDataError

    try:
        gm = gemeenten.zoek(gemeente)
    except USER_ERRORS as e:
        fail(str(e))
        return
    buurten = eigen_data.buurtcodes_gemeente(gm.code) or None
    c = eigen_data.controleer(map_, buurten)
    for p in c.problemen:
        typer.echo(f"  {p}", err=True)
    if c.ok:
        try:
            eigen_data.plaats(c, geo.load_geometry("buurt", gm.code))
        except NoDataError:
            typer.echo(f"  (no buurt boundaries for {gm}: records by coordinates cannot be placed)")
    for naam, df in c.tabellen.items():
        extra = (
            f", {c.niet_geplaatst[naam]} not placed in a buurt" if naam in c.niet_geplaatst else ""
        )
        typer.echo(f"  {naam}.csv: {len(df)} rows{extra}")
    if c.ontbrekend:
        typer.echo(f"  absent (optional): {', '.join(f + '.csv' for f in c.ontbrekend)}")
    if not c.ok:
        typer.echo(f"leefbaar: {len(c.problemen)} problems in {map_}", err=True)
        raise typer.Exit(1)
    typer.echo(f"leefbaar: {map_} is valid")


@data_app.command("gemeenten")
def data_gemeenten(
    data_dir: DataDirOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
) -> None:
    """Which gemeenten the data covers, at which level, with how many areas and years."""
    from .leefbaarometer import available

    try:
        av = available(data_dir)
    except USER_ERRORS as e:
        fail(str(e))
        return
    if av.empty:
        fail("no Leefbaarometer scores found")
    wide = av.pivot(index="gemeente", columns="niveau", values="n_gebieden")
    wide = wide.reindex(columns=[n for n in NIVEAUS if n in wide.columns]).fillna(0).astype(int)
    jaren = av.groupby("gemeente")["jaren"].first()
    wide.insert(0, "naam", [gemeenten.naam(c) for c in wide.index])
    wide["jaren"] = jaren
    wide = wide.rename(columns={n: f"n_{n}" for n in NIVEAUS}).reset_index()
    if fmt == "csv":
        wide.to_csv(sys.stdout, index=False)
    else:
        with pd.option_context("display.max_rows", None, "display.width", 250):
            typer.echo(wide.to_string(index=False))
        typer.echo(f"{len(wide)} gemeenten")


EigenDataOption = Annotated[
    str | None,
    typer.Option(
        "--eigen-data",
        help="Folder with the corporation's own files; 'voorbeeld' = the fictional example "
        "(default for Groningen), 'geen' = none.",
    ),
]


def _eigen_extra(eigen_data: str | None) -> dict:
    if eigen_data is None:
        return {}
    if eigen_data == "geen":
        return {"eigen_data_dir": ""}
    if eigen_data == "voorbeeld":
        return {"eigen_data_dir": "voorbeeld"}
    p = Path(eigen_data)
    if not p.is_dir():
        fail(f"--eigen-data: folder {eigen_data!r} does not exist")
    return {"eigen_data_dir": str(p.resolve())}


def _parse_steps(text: str) -> list[int]:
    try:
        steps = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        fail(f"--steps must be numbers separated by commas (e.g. 1,2), not {text!r}")
    if not steps or any(s not in (1, 2, 3, 4) for s in steps):
        fail(f"--steps must name steps 1 to 4, not {text!r}")
    return steps


@app.command("report")
def report(
    gemeente: Annotated[str, typer.Argument(help="Code (GM0014, 14) or name (Groningen).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = config.REPORTS_DIR,
    steps: Annotated[
        str | None, typer.Option("--steps", help="Steps to run, e.g. 1,2 (default: all).")
    ] = None,
    data_dir: DataDirOption = None,
    eigen_data: EigenDataOption = None,
) -> None:
    """Run the step notebooks for one gemeente and write HTML reports to OUT/<GMxxxx>/."""
    from .uitvoering import STAP_MODULES, WarmeKernel

    with WarmeKernel(voorladen=STAP_MODULES) as kernel:
        kernel.start()  # it boots while the input is checked
        _report(gemeente, out, steps, data_dir, eigen_data, kernel)


def _report(gemeente, out, steps, data_dir, eigen_data, kernel) -> None:
    from . import rapport
    from .leefbaarometer import wijk_scores

    try:
        gm = gemeenten.zoek(gemeente)
        wijk_scores(gm.code, data_dir)  # fail early, with a clear message
    except USER_ERRORS as e:
        fail(str(e))
        return
    chosen = _parse_steps(steps) if steps else None
    extra = _eigen_extra(eigen_data)
    if chosen:
        missing = [s for s in chosen if s not in rapport.beschikbare_stappen()]
        if missing:
            fail(
                f"step(s) {missing} have no notebook yet; available: {rapport.beschikbare_stappen()}"
            )
    typer.echo(f"leefbaar: reports for {gm} -> {Path(out) / gm.code}")
    opwarmen = rapport.start_opwarmen()  # the page template compiles while step 1 runs
    res = rapport.maak_rapport(gm.code, out=out, stappen=chosen, data_dir=data_dir,
                               extra=extra, kernel=kernel)  # fmt: skip
    opwarmen.join()
    for s in res.stappen:
        extra = f"  {s.fout}" if s.fout else ""
        typer.echo(f"  stap {s.stap}: {s.status:12s} {s.seconden:6.1f} s  {s.html or ''}{extra}")
    typer.echo(f"  index: {Path(res.map) / 'index.html'}")
    if not res.ok:
        raise typer.Exit(1)


@app.command("batch")
def batch(
    gemeenten_: Annotated[
        list[str] | None, typer.Argument(metavar="[GEMEENTE]...", help="Codes or names.")
    ] = None,
    alle: Annotated[bool, typer.Option("--all", help="Every gemeente in the data.")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Gemeenten at a time (default: cores).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = config.REPORTS_DIR,
    steps: Annotated[str | None, typer.Option("--steps", help="Steps, e.g. 1,2.")] = None,
    data_dir: DataDirOption = None,
    opnieuw: Annotated[
        bool, typer.Option("--opnieuw", help="Rebuild reports whose inputs did not change.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of a Dask distributed scheduler (tcp://...)."),
    ] = None,
) -> None:
    """Reports for many gemeenten; a failure never stops the others; resumes where it stopped."""
    from . import batch as batch_mod

    if bool(gemeenten_) == alle:
        fail("give one or more GEMEENTE or --all (not both)")
    if workers is not None and workers < 1:
        fail("--workers must be at least 1")
    try:
        codes = batch_mod.kies_gemeenten(gemeenten_ or [], alle, data_dir)
    except USER_ERRORS as e:
        fail(str(e))
        return
    chosen = _parse_steps(steps) if steps else None
    typer.echo(f"leefbaar batch: {len(codes)} gemeenten -> {Path(out)}", err=True)
    res = batch_mod.run_batch(codes, out=out, workers=workers, stappen=chosen,
                              data_dir=data_dir, opnieuw=opnieuw, scheduler=scheduler)  # fmt: skip
    n = {s: sum(u.status == s for u in res) for s in ("ok", "ongewijzigd", "fout")}
    typer.echo(
        f"klaar: {n['ok']} gemaakt, {n['ongewijzigd']} ongewijzigd overgeslagen, "
        f"{n['fout']} mislukt"
    )
    typer.echo(f"overzicht: {Path(out) / 'index.html'}   samenvatting: {Path(out) / 'batch.json'}")
    failed = [u for u in res if u.status == "fout"]
    for u in failed:
        typer.echo(f"  mislukt: {u.gemeente} {u.naam}: {u.fout}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command("mail")
def mail(
    ontvangers: Annotated[
        Path, typer.Option("--ontvangers", help="CSV/XLSX with naam,email,gemeente,rol.")
    ],
    reports: Annotated[Path, typer.Option("--reports", help="Folder with GMxxxx report folders.")],
    verstuur: Annotated[
        bool, typer.Option("--verstuur", help="Really send (default: dry run, .eml files).")
    ] = False,
    smtp_host: Annotated[str, typer.Option("--smtp-host")] = "localhost",
    smtp_port: Annotated[int, typer.Option("--smtp-port")] = 587,
    uitvoer: Annotated[
        Path | None, typer.Option("--uitvoer", help="Folder for .eml files (dry run).")
    ] = None,
    zip_boven: Annotated[
        float, typer.Option("--zip-boven", help="Zip a gemeente's reports above this many MB.")
    ] = 5.0,
    waarschuw_boven: Annotated[
        float, typer.Option("--waarschuw-boven", help="Warn about messages above this many MB.")
    ] = 15.0,
) -> None:
    """Mail the reports: one Dutch message per recipient. Dry run unless --verstuur.

    SMTP credentials come from LEEFBAAR_SMTP_USER / LEEFBAAR_SMTP_PASSWORD, the sender from
    LEEFBAAR_MAIL_FROM; never from files.
    """
    import os

    from . import mail as mail_mod

    try:
        lijst = mail_mod.lees_ontvangers(ontvangers)
        afzender = os.environ.get(mail_mod.ENV_FROM, "leefbaar@localhost")
        berichten = [
            mail_mod.stel_op(o, reports, afzender, zip_boven, waarschuw_boven) for o in lijst
        ]
    except USER_ERRORS as e:
        problems = getattr(e, "problems", None)
        if problems and len(problems) > 1:
            for p in problems:
                typer.echo(f"leefbaar: error: {getattr(e, 'path', '')}: {p}", err=True)
            raise typer.Exit(2) from None
        fail(str(e))
        return
    for b in berichten:
        for w in b.waarschuwingen:
            typer.echo(f"leefbaar: warning: {w}", err=True)
    if not verstuur:
        map_ = uitvoer or Path(reports) / "mail"
        files = mail_mod.schrijf_eml(berichten, map_)
        typer.echo(f"dry run: {len(files)} messages written to {map_} (nothing sent)")
        for f, b in zip(files, berichten, strict=True):
            n = sum(1 for _ in b.message.iter_attachments())
            typer.echo(
                f"  {f.name}  {b.grootte / 1e6:5.2f} MB  {n} bijlagen  {b.message['Subject']}"
            )
        return
    try:
        uitslag = mail_mod.verstuur(berichten, smtp_host, smtp_port, reports)
    except (OSError, mail_mod.smtplib.SMTPException) as e:
        fail(f"cannot send via {smtp_host}:{smtp_port}: {e}")
        return
    for email, s in uitslag.items():
        typer.echo(f"  {email}: {s}")
    if any(s.startswith("mislukt") for s in uitslag.values()):
        raise typer.Exit(1)


@app.command("effect")
def effect(
    panel: Annotated[Path, typer.Option("--panel", help="Panel CSV: code column, jaar, outcomes.")],
    behandeld: Annotated[
        str, typer.Option("--behandeld", help="Treated area code(s), comma-separated.")
    ],
    start: Annotated[int, typer.Option("--start", help="First year of the intervention.")],
    uitkomst: Annotated[str, typer.Option("--uitkomst", help="Outcome column, e.g. onv or afw.")],
    data_dir: DataDirOption = None,
    k: Annotated[int, typer.Option("--k", help="Comparison areas per treated area.")] = 5,
) -> None:
    """Difference-in-differences with matched comparison areas; prints one JSON object."""
    import json

    from . import geo, resultaat
    from .leefbaarometer import NoDataError

    try:
        df = resultaat.lees_panel(panel)
        codes = [c.strip() for c in behandeld.split(",") if c.strip()]
        if not codes:
            fail("--behandeld needs at least one area code")
        grenzen = None
        niveau = None
        for n, pat in (("buurt", "BU"), ("wijk", "WK"), ("gemeente", "GM")):
            if codes[0].startswith(pat):
                niveau = n
        if niveau:
            try:
                grenzen = geo.load_geometry(niveau, None, data_dir)
            except NoDataError:
                grenzen = None
        bu = resultaat.buren(codes, grenzen)
        r = resultaat.did(df, codes, start, uitkomst, k=k, uitsluiten=bu)
    except (resultaat.EffectFout, *USER_ERRORS) as e:
        fail(str(e))
        return
    out = r.als_json()
    out["buren_uitgesloten_bekend"] = grenzen is not None
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


def main() -> None:  # console script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
