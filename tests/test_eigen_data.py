"""The corporation's own data: templates, the fictional example, every kind of bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from leefbaarlib import config, eigen_data, geo

VOORBEELD = eigen_data.VOORBEELD_DIR
BUURTEN = {"BU00140000", "BU00140001"}


def _map(tmp_path, naam, text, encoding="utf-8"):
    d = tmp_path / "eigen"
    d.mkdir(exist_ok=True)
    (d / f"{naam}.csv").write_bytes(text.encode(encoding))
    return d


GOED_COMPLEX = "vhe_nummer;complex;buurt_code;type;huur\nV1;C1;BU00140000;meergezins;550,10\n"


def test_example_data_is_valid_and_fully_placed():
    c = eigen_data.controleer(VOORBEELD, eigen_data.buurtcodes_gemeente("GM0014"))
    assert c.ok, c.problemen[:5]
    assert c.ontbrekend == []
    geplaatst = eigen_data.plaats(c, geo.load_geometry("buurt", "GM0014"))
    assert c.niet_geplaatst == {}
    assert geplaatst["complexen"]["buurt_code"].notna().all()
    # half of the homes carry only coordinates: the spatial join placed them
    raw = pd.read_csv(VOORBEELD / "complexen.csv", sep=";", dtype=str)
    assert raw["buurt_code"].isna().sum() > 1000


def test_example_data_says_it_is_fictional_and_is_reproducible(tmp_path):
    readme = (VOORBEELD / "README.md").read_text(encoding="utf-8")
    assert "FICTIEF" in readme and "bestaat niet" in readme
    before = {p.name: p.read_bytes() for p in VOORBEELD.glob("*.csv")}
    r = subprocess.run([sys.executable, str(config.REPO_DIR / "scripts" / "maak_voorbeeld_corporatie.py")],
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stderr
    after = {p.name: p.read_bytes() for p in VOORBEELD.glob("*.csv")}
    assert before == after, "the seeded generator must reproduce the committed files"


@pytest.mark.parametrize(
    "naam, text, expected",
    [
        ("complexen", "vhe_nummer;complex;type;huur\nV1;C1;meergezins;500\n",
         "complexen.csv: no location columns; expected a column 'buurt_code'"),
        ("complexen", "vhe_nummer;complex;buurt_code;type\nV1;C1;BU00140000;meergezins\n",
         "complexen.csv: column 'huur' is missing; expected columns vhe_nummer"),
        ("complexen", "vhe_nummer;complex;buurt_code;type;huur\nV1;C1;BU00140000;meergezins;duur\n",
         "complexen.csv: row 2, column 'huur': value 'duur'; expected a number"),
        ("complexen", "vhe_nummer;complex;buurt_code;type;huur\nV1;C1;BU00149999;meergezins;500\n",
         "complexen.csv: row 2, column 'buurt_code': value 'BU00149999' is not a buurt of this gemeente"),
        ("complexen", "vhe_nummer;complex;buurt_code;type;huur\nV1;C1;B0014;meergezins;500\n",
         "complexen.csv: row 2, column 'buurt_code': value 'B0014'; expected a CBS buurt code"),
        ("complexen", "vhe_nummer;complex;buurt_code;type;huur\nV1;C1;BU00140000;villa;500\n",
         "complexen.csv: row 2, column 'type': value 'villa'; expected one of eengezins"),
        ("overlastmeldingen", "melding_id;datum;vhe_nummer;categorie\nM1;31-02-2024;V1;geluid\n",
         "overlastmeldingen.csv: row 2, column 'datum': value '31-02-2024'; expected a date"),
        ("huurachterstand",
         "contract_id;maand;vhe_nummer;achterstand_euro;maanden_achterstand\nH1;2024-01;V1;100;-2\n",
         "huurachterstand.csv: row 2, column 'maanden_achterstand': value '-2' (a negative count); "
         "expected at least 0"),
        ("overlastmeldingen",
         "melding_id;datum;vhe_nummer;categorie\nM1;2024-01-01;V1;geluid\nM1;2024-01-02;V1;drugs\n",
         "overlastmeldingen.csv: row 3, column 'melding_id': value 'M1' appears twice"),
        ("huurderstevredenheid",
         "respondent_id;datum;vhe_nummer;cijfer_woning;cijfer_buurt\nR1;2024-01-01;V1;11;7\n",
         "huurderstevredenheid.csv: row 2, column 'cijfer_woning': value '11'; expected at most 10"),
        ("mutaties", "contract_id\tvhe_nummer\tdatum_einde\treden\nK1\tV1\t2024-01-01\tzorg\n",
         "mutaties.csv: the header is separated by tab; expected ';' or ','"),
    ],
)  # fmt: skip
def test_bad_input_gets_its_specific_message(tmp_path, naam, text, expected):
    d = _map(tmp_path, naam, text)
    c = eigen_data.controleer(d, BUURTEN)
    assert not c.ok
    assert any(p.startswith(expected) for p in c.problemen), c.problemen


def test_wrong_encoding(tmp_path):
    d = _map(tmp_path, "complexen", GOED_COMPLEX, encoding="utf-16")
    c = eigen_data.controleer(d, BUURTEN)
    assert c.problemen == [
        "complexen.csv: the file is not UTF-8 or cp1252 text (UTF-16?); expected a CSV saved as "
        "UTF-8 or 'CSV (puntkomma-gescheiden)'"
    ]


def test_dutch_habits_accepted(tmp_path):
    text = "\ufeff" + GOED_COMPLEX.replace("C1", "Cé")
    d = _map(tmp_path, "complexen", text, encoding="utf-8")
    assert eigen_data.controleer(d, BUURTEN).ok
    d2 = _map(tmp_path, "complexen", GOED_COMPLEX.replace("C1", "Cé"), encoding="cp1252")
    c = eigen_data.controleer(d2, BUURTEN)
    assert c.ok and c.tabellen["complexen"]["huur"].iloc[0] == pytest.approx(550.10)
    d3 = _map(tmp_path, "complexen", GOED_COMPLEX.replace(";", ",").replace("550,10", "550.10"))
    assert eigen_data.controleer(d3, BUURTEN).ok


def test_unplaceable_records_are_counted(tmp_path):
    d = _map(tmp_path, "complexen",
             "vhe_nummer;complex;buurt_code;x;y;type;huur\n"
             "V1;C1;BU00140000;;;meergezins;500\n"
             "V2;C1;;10;10;meergezins;500\n"  # far outside Groningen
             "V3;C1;;;;meergezins;500\n")  # fmt: skip
    (d / "overlastmeldingen.csv").write_text(
        "melding_id;datum;vhe_nummer;categorie\nM1;2024-01-01;V1;geluid\nM2;2024-01-01;V9;geluid\n"
    )
    c = eigen_data.controleer(d, BUURTEN)
    assert c.ok, c.problemen
    eigen_data.plaats(c, geo.load_geometry("buurt", "GM0014"))
    assert c.niet_geplaatst == {"complexen": 2, "overlastmeldingen": 1}


def test_small_counts_are_suppressed():
    s = eigen_data.onderdruk(pd.Series([0, 3, 9, 10, 25]))
    assert s.isna().tolist() == [True, True, True, False, False]
    assert eigen_data.onderdruk(pd.Series([4, 5]), minimum=5).isna().tolist() == [True, False]


def test_cli_check_lists_every_problem(tmp_path):
    from typer.testing import CliRunner

    from leefbaarlib.cli import app

    kapot = tmp_path / "kapot"
    shutil.copytree(VOORBEELD, kapot)
    m = (kapot / "overlastmeldingen.csv").read_text(encoding="utf-8").splitlines()
    m[5] = m[5].replace("2019-", "2019/")
    (kapot / "overlastmeldingen.csv").write_text("\n".join(m) + "\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["data", "check", str(kapot)])
    assert r.exit_code == 1
    assert "overlastmeldingen.csv: row 6, column 'datum'" in r.stderr
    assert "1 problems in" in r.stderr
    ok = CliRunner().invoke(app, ["data", "check", str(VOORBEELD)])
    assert ok.exit_code == 0 and "is valid" in ok.stdout
