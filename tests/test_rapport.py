"""The report pipeline end to end: papermill + nbconvert, for Groningen and a reference gemeente."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from leefbaarlib import leefbaarometer as lbm
from leefbaarlib import rapport
from leefbaarlib.rapport import GemeenteResultaat, StapResultaat

from .reportfixtures import reference_folder, write_official

pytestmark = pytest.mark.slow

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_groningen_report_files(groningen):
    assert groningen.ok, [s.fout for s in groningen.stappen]
    d = groningen.map
    from pathlib import Path

    d = Path(d)
    for name in ["index.html", "1_onderzoek.html", "1_onderzoek.ipynb", "onderzoek.json",
                 "status.json"]:  # fmt: skip
        assert (d / name).is_file(), name
    assert not [p.name for p in d.iterdir() if p.name.startswith(".")], "temporary files left"
    html = (d / "1_onderzoek.html").read_text(encoding="utf-8")
    assert "Groningen" in html
    for naam in lbm.load_scores("wijk", "GM0014")["naam"].unique():
        assert naam in html, naam
    assert (d / "1_onderzoek.html").stat().st_size < 3_000_000


def test_report_has_no_external_loads_and_no_code(groningen):
    from pathlib import Path

    for page in Path(groningen.map).glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html.replace('href="https://leafletjs.com"', "")), page.name
        assert "require.js" not in html and "MathJax" not in html
        assert "<link" not in html
        assert "onderzoek.start(" not in html and "import " not in html.split("<script>")[0]


def test_step1_result_for_step2(groningen):
    from pathlib import Path

    r = json.loads((Path(groningen.map) / "onderzoek.json").read_text(encoding="utf-8"))
    assert r["gemeente"] == "GM0014" and r["jaar"] == 2024 and r["vergelijk_jaar"] == 2014
    codes = [f["code"] for f in r["focus_wijken"]]
    # Nieuw-West, Noordoost, Noordwest are in class 5 in 2024: rule A must select them.
    assert {"WK001409", "WK001410", "WK001411"} <= set(codes)
    for f in r["focus_wijken"]:
        assert f["redenen"] and f["criteria"]
    assert set(r["focus_dimensies"]) <= set(lbm.DIMENSIES) and r["focus_dimensies"]


def test_index_page_links_and_summary(groningen):
    from pathlib import Path

    html = (Path(groningen.map) / "index.html").read_text(encoding="utf-8")
    assert 'href="1_onderzoek.html"' in html
    assert "wijken krijgen prioriteit" in html


@pytest.mark.reference
def test_report_for_a_reference_gemeente(reference_dir, tmp_path):
    data = reference_folder(reference_dir, "GM0193", "23", tmp_path / "download")
    res = rapport.maak_rapport("Zwolle", out=tmp_path / "out", data_dir=data, stappen=[1, 2])
    assert res.ok, [s.fout for s in res.stappen]
    html = (tmp_path / "out" / "GM0193" / "1_onderzoek.html").read_text(encoding="utf-8")
    assert "Zwolle" in html
    for naam in lbm.load_scores("wijk", "GM0193")["naam"].unique():
        assert naam in html, naam
    assert "de officiële gemeentescore" in html  # gemeente scores came from the download
    assert "per buurt" in html  # buurt maps from the downloaded buurt boundaries


EVIL_WIJK = "Nieuw-<West> & 'Oost' <script>alert(\"x\")</script>"


@pytest.fixture(scope="session")
def evil_report(tmp_path_factory):
    """A report whose wijk name tries to inject markup."""
    d = tmp_path_factory.mktemp("evil")
    w = lbm.load_scores("wijk", "GM0014")
    w.loc[w["code"] == "WK001409", "naam"] = EVIL_WIJK
    write_official(w, "wijk", d / "wijken.csv")
    write_official(lbm.load_scores("buurt", "GM0014"), "buurt", d / "buurten.csv")
    return rapport.maak_rapport("Groningen", out=d / "out", data_dir=d, stappen=[1])


def test_names_from_data_are_escaped(evil_report):
    from pathlib import Path

    assert evil_report.ok, [s.fout for s in evil_report.stappen]
    html = (Path(evil_report.map) / "1_onderzoek.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<West>" not in html
    # shown as text in the profile, the tables and the map tooltips
    assert html.count("Nieuw-&lt;West&gt; &amp;") >= 3
    assert "&lt;script&gt;alert(" in html


def test_index_escapes_names():
    res = GemeenteResultaat("GM0014", "<b>G&'</b>", "/nonexistent", klaar="2026-01-01")
    res.stappen = [StapResultaat(1, "Stap 1", "fout", fout="<img src=x onerror=alert(1)>")]
    html = rapport.index_html(res)
    assert "<b>G&" not in html and "&lt;b&gt;G&amp;&#x27;&lt;/b&gt;" in html
    assert "<img src=x" not in html


def test_failing_step_leaves_no_page_and_a_clear_error(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "wijken.csv").write_text(
        '"wk_code","wk_naam","jaar","lbm","afw","fys","onv","soc","vrz","won"\n'
        '"WK001400","Centrum",2024,4.2,0.5,0,0,0,0,0\n'
    )
    res = rapport.maak_rapport("Groningen", out=tmp_path / "out", data_dir=bad, stappen=[1, 2])
    assert not res.ok
    s = res.stappen[0]
    assert s.status == "fout" and "afw" in s.fout and "wijken.csv" in s.fout
    out = tmp_path / "out" / "GM0014"
    assert not (out / "1_onderzoek.html").exists()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    status = json.loads((out / "status.json").read_text())
    assert status["stappen"][0]["status"] == "fout"
    assert res.stappen[1].status == "overgeslagen" and "stap 1 faalde" in res.stappen[1].fout
    assert not (out / "2_inzoomen.html").exists()
    assert "mislukt" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "gemeente, code, n_wijken, stappen",
    [("Schiermonnikoog", "GM0088", 1, None), ("Den Haag", "GM0518", 44, [1])],
)
def test_wijk_level_report_for_other_covered_gemeenten(tmp_path, gemeente, code, n_wijken, stappen):
    res = rapport.maak_rapport(gemeente, out=tmp_path, stappen=stappen)
    assert res.ok, [s.fout for s in res.stappen]
    html = (tmp_path / code / "1_onderzoek.html").read_text(encoding="utf-8")
    assert "Alleen wijkcijfers." in html and "per wijk" in html
    assert html.count('class="folium-map') == 6
    w = lbm.load_scores("wijk", code)
    assert w["code"].nunique() == n_wijken
    for naam in w["naam"].unique():
        assert naam.replace("'", "&#x27;") in html or naam in html, naam


def test_step2_page_with_the_fictional_example(groningen):
    from pathlib import Path

    d = Path(groningen.map)
    html = (d / "2_inzoomen.html").read_text(encoding="utf-8")
    assert "Fictieve voorbeeldgegevens" in html
    assert "Meest vergelijkbare wijken elders" in html and "Leidraad" in html
    r = json.loads((d / "inzoomen.json").read_text(encoding="utf-8"))
    assert r["eigen_data"] == "voorbeeld" and r["peers_wijk"]
    for peers in r["peers_wijk"].values():
        assert not any(p.startswith("WK0014") for p in peers)  # peers lie elsewhere


def test_no_identifier_reaches_any_report_file(groningen):
    """Privacy: no person-level identifier (or home number) of the example appears in the output."""
    from pathlib import Path

    import pandas as pd

    from leefbaarlib import eigen_data

    ids = set()
    for f in eigen_data.VOORBEELD_DIR.glob("*.csv"):
        df = pd.read_csv(f, sep=";", dtype=str)
        for c in df.columns:
            if c.endswith("_id") or c == "vhe_nummer":
                ids |= set(df[c].dropna())
    assert len(ids) > 10_000
    base64 = re.compile(r"base64,[A-Za-z0-9+/=]+")
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    for f in Path(groningen.map).iterdir():
        text = base64.sub("", f.read_text(encoding="utf-8", errors="replace"))
        hit = pattern.search(text)
        assert hit is None, f"{f.name} contains {hit.group(0)}"


def test_step3_page_and_plan(groningen):
    from pathlib import Path

    d = Path(groningen.map)
    html = (d / "3_actie.html").read_text(encoding="utf-8")
    assert (
        "Zelf doen" in html and "Samen met partners" in html and "Wie als eerste aan tafel" in html
    )
    plan = pd.read_csv(d / "actieplan.csv", sep=";", encoding="utf-8-sig")
    assert set(plan["wijk_code"]) == {
        f["code"]
        for f in json.loads((d / "onderzoek.json").read_text(encoding="utf-8"))["focus_wijken"]
    }
    assert (d / "actieplan.xlsx").stat().st_size > 5000


def test_step4_page_shows_the_whole_method(groningen):
    from pathlib import Path

    html = (Path(groningen.map) / "4_resultaat.html").read_text(encoding="utf-8")
    assert "Fictief voorbeeld." in html and "Eventstudie" in html and "Placebotoets" in html
    assert "95%-interval" in html and "Overlastmeldingen per maand" in html
