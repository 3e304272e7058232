"""Step 3: the intervention catalogue, the action plan and its round trip through Excel/CSV."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from leefbaarlib import actie
from leefbaarlib import leefbaarometer as lbm
from leefbaarlib.leefbaarometer import DataError


def test_catalogue_is_valid_and_broad():
    cat = actie.catalogus()
    assert len(cat) >= 30
    for d in lbm.DIMENSIES:
        assert cat["dimensies"].map(lambda ds, d=d: d in ds).sum() >= 3, d
    assert set(cat["eigenaar"]) == set(actie.EIGENAREN)


def test_bad_catalogue_entries_are_named(tmp_path):
    items = yaml.safe_load(actie.CATALOGUS_FILE.read_text(encoding="utf-8"))["interventies"]
    items[0]["dimensies"] = ["geluk"]
    items[1]["eigenaar"] = "iedereen"
    items[2]["partners"] = ["brandweer"]
    del items[3]["effect"]
    items[4]["id"] = items[5]["id"]
    items[6]["maanden"] = "snel"
    problems = actie.valideer_catalogus(items)
    text = "\n".join(problems)
    assert "entry 1 (huismeester): dimension 'geluk' unknown" in text
    assert "entry 2 (schoon-heel-veilig): eigenaar 'iedereen'" in text
    assert "entry 3 (zwerfafval): partner 'brandweer' unknown" in text
    assert "entry 4 (groen-woonomgeving): field 'effect' is missing or empty" in text
    assert f"entry 6 ({items[5]['id']}): id {items[5]['id']!r} appears twice" in text
    assert "entry 7 (vroeg-eropaf): maanden 'snel'; expected a positive whole number" in text
    p = tmp_path / "cat.yaml"
    p.write_text(yaml.safe_dump({"interventies": items}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(actie.CatalogusFout, match="dimension 'geluk' unknown"):
        actie.catalogus(p)


def test_plan_covers_every_focus_dimension():
    a = actie.Actie("GM0014", output_dir="/nonexistent-leefbaar", start="")
    assert a.focus, "Groningen has focus wijken"
    for code, _, dims in a.focus:
        g = a.plan[a.plan["wijk_code"] == code]
        assert set(dims) <= set(g["dimensie"]), (code, dims)
        for d in dims:
            sporen = set(g.loc[g["dimensie"] == d, "spoor"])
            assert "samen met partners" in sporen
    # target: one class step better than the baseline
    assert ((a.plan["doel_lbm"] - a.plan["basis_lbm"]).round(4) == 0.0392).all()


def test_first_measurement_respects_the_lag():
    # start 2027-01, effect after 12 months -> 2028, plus two years of input lag -> 2030
    assert actie.eerste_meting(dt.date(2027, 1, 1), 12) == 2030
    assert actie.eerste_meting(dt.date(2027, 7, 1), 1) == 2030  # rounded up to a publication year


def test_edited_plan_round_trips(tmp_path):
    a = actie.Actie("GM0014", output_dir=tmp_path, start="2027-04-01")
    csv, xlsx = a.schrijf()
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Dutch Excel opens it correctly
    edited = pd.read_excel(xlsx, dtype=str)
    edited.loc[0, "actie"] = "Eigen actie: extra huismeester in Paddepoel"
    edited.loc[0, "start"] = "2027-09-01"
    edited = edited.iloc[:5]
    p = tmp_path / "aangepast.xlsx"
    edited.to_excel(p, index=False)
    b = actie.Actie("GM0014", output_dir=tmp_path, actieplan=p)
    assert b.plan_bron == "aangepast plan" and len(b.plan) == 5
    assert b.plan.loc[0, "actie"] == "Eigen actie: extra huismeester in Paddepoel"
    html = "".join(str(x) for x in b.plan_tonen())
    assert "Eigen actie: extra huismeester in Paddepoel" in html
    back = actie.lees_plan(csv)
    assert list(back.columns) == actie.PLAN_KOLOMMEN and len(back) == len(a.plan)
    assert back["basis_lbm"].iloc[0] == pytest.approx(a.plan["basis_lbm"].iloc[0])


def test_bad_edited_plan(tmp_path):
    a = actie.Actie("GM0014", output_dir=tmp_path)
    csv, _ = a.schrijf()
    text = csv.read_text(encoding="utf-8-sig").replace(";2027-", ";27-", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="row 2, column 'start'"):
        actie.lees_plan(bad)


def test_partner_matrix_counts():
    plan = pd.DataFrame(
        {"wijk": ["A", "A", "B"], "partners": ["gemeente, politie", "gemeente", "zorg"]}
    )
    m = actie.partner_matrix(plan)
    assert m.loc["gemeente", "A"] == 2 and m.loc["politie", "A"] == 1 and m.loc["zorg", "B"] == 1
    assert m.index[0] == "gemeente"
