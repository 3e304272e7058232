"""Mail: recipients validation, dry run, and real delivery to an SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from email import policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leefbaarlib import mail
from leefbaarlib.cli import app
from leefbaarlib.leefbaarometer import DataError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports(groningen):
    return Path(groningen.map).parent


def _ontvangers(tmp_path, rows, sep=";"):
    p = tmp_path / "ontvangers.csv"
    p.write_text(sep.join(mail.KOLOMMEN) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_recipients_are_validated_with_every_problem(tmp_path):
    p = _ontvangers(tmp_path, [
        "Anna;anna@gemeente.example;Groningen;gemeente",
        "Bram;bram(at)politie;Groningen|Groningn;politie",
        "Cees;cees@welzijn.example;;welzijn",
    ])  # fmt: skip
    with pytest.raises(DataError) as e:
        mail.lees_ontvangers(p)
    text = "\n".join(e.value.problems)
    assert "row 3, column 'email': value 'bram(at)politie' is not an e-mail address" in text
    assert "row 3, column 'gemeente': unknown gemeente 'Groningn'; did you mean Groningen" in text
    assert "row 4, column 'gemeente': empty" in text


def test_xlsx_and_several_gemeenten(tmp_path):
    import pandas as pd

    p = tmp_path / "o.xlsx"
    pd.DataFrame([{"naam": "Anna", "email": "anna@x.example", "gemeente": "14; Den Haag",
                   "rol": "gemeente"}]).to_excel(p, index=False)  # fmt: skip
    (o,) = mail.lees_ontvangers(p)
    assert o.gemeenten == ["GM0014", "GM0518"]


def test_dry_run_writes_eml_and_sends_nothing(tmp_path, reports):
    p = _ontvangers(tmp_path, ["Anna de Vries;anna@gemeente.example;Groningen;gemeente"])
    r = CliRunner().invoke(app, ["mail", "--ontvangers", str(p), "--reports", str(reports),
                                 "--uitvoer", str(tmp_path / "eml")])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "dry run: 1 messages written" in r.stdout and "nothing sent" in r.stdout
    (eml,) = (tmp_path / "eml").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Leefbaarheidsrapportage Groningen"
    assert "Beste Anna de Vries" in msg.get_body(("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("weiger"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = Handler()
    port = _free_port()
    c = Controller(handler, hostname="127.0.0.1", port=port)
    c.start()
    yield handler, port
    c.stop()


def test_real_delivery(tmp_path, reports, smtp_server, monkeypatch):
    handler, port = smtp_server
    monkeypatch.setenv("LEEFBAAR_MAIL_FROM", "onderzoek@corporatie.example")
    monkeypatch.delenv("LEEFBAAR_SMTP_USER", raising=False)
    p = _ontvangers(tmp_path, [
        "Anna de Vries;anna@gemeente.example;Groningen;gemeente",
        "Weigeraar;weiger@x.example;Groningen;welzijn",
        "Piet;piet@politie.example;GM0014;politie",
    ])  # fmt: skip
    args = ["mail", "--ontvangers", str(p), "--reports", str(reports), "--verstuur",
            "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1  # one recipient failed ...
    assert "weiger@x.example: mislukt" in r.stdout
    assert "anna@gemeente.example: verzonden" in r.stdout  # ... and the rest still went
    assert "piet@politie.example: verzonden" in r.stdout
    assert [rcpt for rcpt, _ in handler.received] == [["anna@gemeente.example"],
                                                      ["piet@politie.example"]]  # fmt: skip
    msg = email.message_from_bytes(handler.received[0][1], policy=policy.default)
    assert msg["Subject"] == "Leefbaarheidsrapportage Groningen"
    assert msg["From"] == "onderzoek@corporatie.example"
    body = msg.get_body(("plain",)).get_content()
    assert "Beste Anna de Vries" in body and "leefbaarheidsrapportage" in body
    assert "wijken krijgen prioriteit" in body
    attached = {a.get_filename(): a.get_payload(decode=True) for a in msg.iter_attachments()}
    gm = reports / "GM0014"
    expected = {f"GM0014_{f.name}": f.read_bytes() for f in gm.glob("*.html")}
    assert attached == expected  # byte-identical to the report files

    # a re-run sends nothing twice; only the failed recipient is tried again
    handler.received.clear()
    r = CliRunner().invoke(app, args)
    assert "anna@gemeente.example: al verzonden" in r.stdout
    assert handler.received == []


def test_large_reports_are_zipped_with_a_warning(tmp_path, reports):
    (o,) = mail.lees_ontvangers(_ontvangers(tmp_path, ["A;a@b.example;Groningen;gemeente"]))
    b = mail.stel_op(o, reports, "x@y.example", zip_boven_mb=0.5, waarschuw_boven_mb=0.5)
    names = [a.get_filename() for a in b.message.iter_attachments()]
    assert names == ["GM0014_rapporten.zip"]
    assert b.waarschuwingen and "above 0.5 MB" in b.waarschuwingen[0]
