"""Mail the reports to stakeholders: one Dutch message per recipient, dry run by default."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import smtplib
import ssl
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import pandas as pd

from . import gemeenten
from .bestanden import lees_csv, schrijf_atomair
from .leefbaarometer import DataError

KOLOMMEN = ["naam", "email", "gemeente", "rol"]
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
LOG_BESTAND = "verzonden.json"
#: Environment variables (never files) for the SMTP account and the sender.
ENV_USER, ENV_PASSWORD, ENV_FROM = (
    "LEEFBAAR_SMTP_USER",
    "LEEFBAAR_SMTP_PASSWORD",
    "LEEFBAAR_MAIL_FROM",
)


@dataclass
class Ontvanger:
    naam: str
    email: str
    gemeenten: list[str]  # codes
    rol: str


@dataclass
class Bericht:
    ontvanger: Ontvanger
    message: EmailMessage
    sleutel: str  # identifies recipient + content, so a re-run does not send it twice
    grootte: int
    waarschuwingen: list[str] = field(default_factory=list)


def lees_ontvangers(path: str | Path) -> list[Ontvanger]:
    """Read and validate a recipients file (CSV or XLSX: naam,email,gemeente,rol).

    A row may name several gemeenten separated by ``;``, ``|`` or ``,``. Every problem is
    collected (file, row, column, value, expected) and raised together as a DataError.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = pd.read_excel(path, dtype=str).fillna("")
        eerste_rij = 2
    else:
        df = lees_csv(path)
        eerste_rij = 2
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in KOLOMMEN if c not in df.columns]
    if missing:
        raise DataError(
            [f"column {c!r} is missing (expected columns: {', '.join(KOLOMMEN)})" for c in missing],
            path,
        )
    problems, out = [], []
    for i, r in df.iterrows():
        rij = f"row {i + eerste_rij}"
        email = r["email"].strip()
        if not EMAIL.match(email):
            problems.append(f"{rij}, column 'email': value {email!r} is not an e-mail address")
        codes = []
        for deel in re.split(r"[;|,]", r["gemeente"]):
            if not deel.strip():
                continue
            try:
                codes.append(gemeenten.zoek(deel).code)
            except gemeenten.GemeenteNotFound as e:
                problems.append(f"{rij}, column 'gemeente': {e}")
        if not codes and r["gemeente"].strip() == "":
            problems.append(f"{rij}, column 'gemeente': empty; expected one or more gemeenten")
        out.append(
            Ontvanger(r["naam"].strip(), email, list(dict.fromkeys(codes)), r["rol"].strip())
        )
    if problems:
        raise DataError(problems, path)
    if not out:
        raise DataError("no recipients in the file", path)
    return out


def _samenvatting(map_: Path) -> tuple[str, str]:
    """(name, one-paragraph summary) of a gemeente's report folder."""
    status = json.loads((map_ / "status.json").read_text(encoding="utf-8"))
    tekst = ""
    p = map_ / "onderzoek.json"
    if p.exists():
        o = json.loads(p.read_text(encoding="utf-8"))
        tekst = f"{o.get('samenvatting', '')} (Leefbaarometer 3.0, {o.get('release')}, peiljaar {o.get('jaar')}.)"
    return status["naam"], tekst


def _bijlagen(map_: Path, code: str) -> list[tuple[str, bytes]]:
    """The report pages of one gemeente, named with the gemeente code (byte-identical)."""
    return [(f"{code}_{p.name}", p.read_bytes()) for p in sorted(map_.glob("*.html"))]


def stel_op(
    ontvanger: Ontvanger,
    reports: str | Path,
    afzender: str,
    zip_boven_mb: float = 5.0,
    waarschuw_boven_mb: float = 15.0,
) -> Bericht:
    """Compose the Dutch message for one recipient with the reports of their gemeenten attached.

    When the attachments of a gemeente exceed ``zip_boven_mb`` they go in one zip; a message still
    larger than ``waarschuw_boven_mb`` carries a warning (many mail servers refuse 20-25 MB).
    """
    reports = Path(reports)
    blokken, bijlagen, waarschuwingen = [], [], []
    for code in ontvanger.gemeenten:
        map_ = reports / code
        if not (map_ / "status.json").exists():
            raise DataError(f"no report for {code} in {reports} (run `leefbaar report {code}`)")
        naam, tekst = _samenvatting(map_)
        files = _bijlagen(map_, code)
        if sum(len(b) for _, b in files) > zip_boven_mb * 1e6:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for name, data in files:
                    z.writestr(name, data)
            files = [(f"{code}_rapporten.zip", buf.getvalue())]
        bijlagen += files
        lijst = "\n".join(f"  - {n}" for n, _ in files)
        blokken.append(f"{naam} ({code})\n{tekst}\nBijlagen:\n{lijst}")
    namen = [gemeenten.naam(c) for c in ontvanger.gemeenten]
    msg = EmailMessage()
    msg["From"] = afzender
    msg["To"] = f"{ontvanger.naam} <{ontvanger.email}>" if ontvanger.naam else ontvanger.email
    msg["Subject"] = f"Leefbaarheidsrapportage {', '.join(namen)}"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="leefbaar.local")
    aanhef = f"Beste {ontvanger.naam}," if ontvanger.naam else "Beste lezer,"
    rol = f" als {ontvanger.rol}" if ontvanger.rol else ""
    body = (
        f"{aanhef}\n\n"
        f"U ontvangt{rol} de leefbaarheidsrapportage voor "
        f"{' en '.join(namen)}. Hieronder per gemeente een korte samenvatting; de volledige "
        "rapporten zitten als bijlage bij dit bericht.\n\n"
        + "\n\n".join(blokken)
        + "\n\nDe bijlagen zijn HTML-bestanden. Open ze in een webbrowser: ze werken zonder "
        "internetverbinding. Begin bij het bestand dat eindigt op index.html.\n\n"
        "Let op: de Leefbaarometer is een modelvoorspelling voor signalering, geen meting en "
        "geen causaal model; de gegevens lopen ongeveer twee jaar achter. De rapporten tonen "
        "profielen en redenen, geen ranglijst van buurten. Wilt u de cijfers delen, deel dan "
        "het hele rapport.\n\n"
        "Met vriendelijke groet,\n\nHet onderzoeksteam leefbaarheid\n"
    )
    msg.set_content(body)
    for name, data in bijlagen:
        if name.endswith(".zip"):
            msg.add_attachment(data, maintype="application", subtype="zip", filename=name)
        else:
            msg.add_attachment(data, maintype="text", subtype="html", filename=name)
    raw = msg.as_bytes()
    if len(raw) > waarschuw_boven_mb * 1e6:
        waarschuwingen.append(
            f"{ontvanger.email}: message is {len(raw) / 1e6:.1f} MB (above "
            f"{waarschuw_boven_mb:g} MB); many mail servers refuse messages over 20-25 MB"
        )
    h = hashlib.sha256(ontvanger.email.lower().encode())
    for name, data in bijlagen:
        h.update(name.encode())
        h.update(hashlib.sha256(data).digest())
    return Bericht(ontvanger, msg, h.hexdigest(), len(raw), waarschuwingen)


def _log(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def schrijf_eml(berichten: list[Bericht], map_: str | Path) -> list[Path]:
    """Dry run: every message as an .eml file to look at."""
    map_ = Path(map_)
    out = []
    for i, b in enumerate(berichten, 1):
        veilig = re.sub(r"[^A-Za-z0-9._-]", "_", b.ontvanger.email)
        out.append(schrijf_atomair(map_ / f"{i:03d}_{veilig}.eml", b.message.as_bytes()))
    return out


def verstuur(
    berichten: list[Bericht], host: str, port: int, log_map: str | Path, timeout: float = 30
) -> dict[str, str]:
    """Send over SMTP (STARTTLS when offered; login from environment variables only).

    Returns per recipient ``verzonden``, ``al verzonden`` or the error. A failing recipient does
    not stop the rest. Messages recorded in the log (same recipient, same attachments) are not
    sent again.
    """
    log_path = Path(log_map) / LOG_BESTAND
    log = _log(log_path)
    uitslag: dict[str, str] = {}
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    te_doen = []
    for b in berichten:
        if b.sleutel in log:
            uitslag[b.ontvanger.email] = "al verzonden"
        else:
            te_doen.append(b)
    if not te_doen:
        return uitslag
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if user:
            smtp.login(user, password or "")
        for b in te_doen:
            try:
                geweigerd = smtp.send_message(b.message)
                if geweigerd:
                    raise smtplib.SMTPRecipientsRefused(geweigerd)
                uitslag[b.ontvanger.email] = "verzonden"
                log[b.sleutel] = {"email": b.ontvanger.email, "gemeenten": b.ontvanger.gemeenten,
                                  "onderwerp": b.message["Subject"], "datum": b.message["Date"]}  # fmt: skip
                schrijf_atomair(log_path, json.dumps(log, ensure_ascii=False, indent=2) + "\n")
            except (smtplib.SMTPException, OSError) as e:
                uitslag[b.ontvanger.email] = f"mislukt: {type(e).__name__}: {e}"
                # reset the transaction; if the connection is gone the next send reports that
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    smtp.rset()
    return uitslag
