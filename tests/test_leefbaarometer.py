"""Reading, validating and classing Leefbaarometer scores."""

from __future__ import annotations

import pandas as pd
import pytest

from leefbaarlib import leefbaarometer as lbm
from leefbaarlib.leefbaarometer import DataError

from .conftest import official_row


def test_reads_official_layout_and_detects_level(official_csv):
    p = official_csv(
        [
            official_row("BU00140000", "Binnenstad-Noord", 2024, 0.1),
            official_row("BU00140001", "Binnenstad-Oost", 2024, -0.2),
            '"BU00140000","Binnenstad-Noord",2002,4.2,0.097735148856,NA,NA,NA,NA,NA',
            '"BU00140001","Binnenstad-Oost",2002,4.2,0.097735148856,,,,,',
        ],
        name="Leefbaarometer-scores buurten 2002-2024.csv",
    )
    df = lbm.read_official_csv(p)
    assert list(df.columns) == lbm.COLUMNS
    assert set(df["niveau"]) == {"buurt"}
    assert set(df["gemeente"]) == {"GM0014"}
    assert df["release"].unique().tolist() == ["meting 2024"]
    old = df[df["jaar"] == 2002]
    assert old[list(lbm.DIMENSIES)].isna().all().all()  # NA and empty are both missing


def test_level_comes_from_the_code_column_not_the_file_name(official_csv):
    header = '"wk_code","wk_naam","jaar","lbm","afw","fys","onv","soc","vrz","won"'
    p = official_csv(
        [official_row("WK001400", "Centrum", 2024, 0.1)], header=header, name="buurten.csv"
    )
    df = lbm.read_official_csv(p)
    assert df["niveau"].iloc[0] == "wijk"
    assert df["naam"].iloc[0] == "Centrum"


def test_dutch_csv_habits(tmp_path):
    header = "gm_code;gm_naam;jaar;lbm;afw;fys;onv;soc;vrz;won"
    afw = -0.05
    row = ";".join(
        ["GM0014", "Groningen", "2024", str(afw + 4.102264851144), str(afw), "-0,01", "-0,01",
         "-0,01", "-0,01", "-0,01"]
    ).replace(".", ",")  # fmt: skip
    p = tmp_path / "gemeenten.csv"
    p.write_bytes(("\ufeff" + header + "\n" + row + "\n").encode("utf-8"))
    df = lbm.read_official_csv(p)
    assert df["afw"].iloc[0] == pytest.approx(afw)
    assert df["niveau"].iloc[0] == "gemeente"
    p2 = tmp_path / "cp1252.csv"
    p2.write_bytes((header + "\n" + row.replace("Groningen", "Súdwest-Fryslân")).encode("cp1252"))
    assert lbm.read_official_csv(p2)["naam"].iloc[0] == "Súdwest-Fryslân"


@pytest.mark.parametrize(
    "row, expected",
    [
        (
            official_row("BU0014000", "Kort", 2024, 0.1),
            "row 2, column 'bu_code': value 'BU0014000' is not a buurt code",
        ),
        (
            official_row("BU00140000", "Jaar", 2023, 0.1),
            "row 2, column 'jaar': value '2023' is not a year of the meting 2024 release",
        ),
        (
            '"BU00140000","Tekst",2024,hoog,0.1,0,0,0,0,0.1',
            "row 2, column 'lbm': value 'hoog' is not a number",
        ),
        (
            '"BU00140000","Afw",2024,4.3,0.1,0.02,0.02,0.02,0.02,0.02',
            "row 2, column 'afw': value 0.1 does not equal lbm - 4.102264851144",
        ),
        (
            official_row("BU00140000", "Som", 2024, 0.1, dims=(0.1, 0.1, 0.0, 0.0, 0.0)),
            "row 2, columns won+fys+vrz+soc+onv: sum 0.200000000 does not equal afw 0.100000000",
        ),
        (
            '"BU00140000","Half",2024,4.2,0.097735148856,0.1,NA,NA,NA,NA',
            "row 2, column 'won': value is missing while other dimensions are present",
        ),
    ],
)
def test_bad_rows_are_named_precisely(official_csv, row, expected):
    p = official_csv([row])
    with pytest.raises(DataError) as e:
        lbm.read_official_csv(p)
    assert str(e.value).startswith(f"{p}: {expected}")


def test_duplicate_area_year(official_csv):
    p = official_csv([official_row("BU00140000", "A", 2024, 0.1)] * 2)
    with pytest.raises(
        DataError, match="row 3, column 'bu_code': value 'BU00140000' appears twice"
    ):
        lbm.read_official_csv(p)


def test_missing_column_and_missing_code_column(official_csv):
    header = '"bu_code","bu_naam","jaar","lbm","afw","fys","onv","soc","vrz"'
    p = official_csv(['"BU00140000","A",2024,4.1,0,0,0,0,0'], header=header)
    with pytest.raises(DataError, match="column 'won' is missing"):
        lbm.read_official_csv(p)
    p = official_csv(["x,y"], header="naam,jaar")
    with pytest.raises(DataError, match="expected exactly one code column"):
        lbm.read_official_csv(p)


def test_unreadable_files(tmp_path):
    empty = tmp_path / "leeg.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        lbm.read_official_csv(empty)
    with pytest.raises(DataError, match="file not found"):
        lbm.read_official_csv(tmp_path / "absent.csv")


def test_every_problem_is_collected(official_csv):
    rows = [official_row("XX00140000", "A", 2024, 0.1), official_row("BU00140001", "B", 1999, 0.1)]
    with pytest.raises(DataError) as e:
        lbm.read_official_csv(official_csv(rows))
    assert len(e.value.problems) == 2
    assert "(and 1 more problem)" in str(e.value)


def test_gemeente_of_code():
    assert lbm.gemeente_van(["BU03630AF9", "WK001400", "GM0518"]).tolist() == [
        "GM0363",
        "GM0014",
        "GM0518",
    ]


@pytest.mark.parametrize(
    "afw, score_klasse, afw_klasse",
    [
        (-0.5, 1, 1),
        (-0.428, 2, 1),
        (-0.354, 3, 1),
        (-0.3, 3, 1),
        (-0.2, 4, 2),
        (-0.12, 5, 3),
        (-0.05, 6, 4),
        (0.01015, 7, 5),
        (0.0, 6, 5),
        (0.05, 7, 6),
        (0.1, 8, 7),
        (0.2, 9, 8),
        (0.3, 9, 9),
    ],
)
def test_classes(afw, score_klasse, afw_klasse):
    assert lbm.klasse([afw], "score").iloc[0] == score_klasse
    assert lbm.klasse([afw], "afwijking").iloc[0] == afw_klasse


def test_class_labels_and_colours_cover_1_to_9():
    assert lbm.klasse_labels()[5] == "voldoende"
    assert lbm.klasse_labels()[9] == "uitstekend"
    assert sorted(lbm.klasse_kleuren()) == list(range(1, 10))
    assert len(set(lbm.klasse_kleuren().values())) == 9


def test_met_klassen_leaves_missing_empty():
    df = pd.DataFrame(
        {"afw": [0.0, None], "won": [0.05, None], "fys": [0.0, None], "vrz": [0.0, None],
         "soc": [0.0, None], "onv": [-0.05, None], "release": ["meting 2024"] * 2}
    )  # fmt: skip
    k = lbm.met_klassen(df)
    assert k["klasse"].tolist()[0] == 6 and k["klasse_won"].iloc[0] == 6
    assert k["klasse_onv"].iloc[0] == 4
    assert k.loc[1, ["klasse", "klasse_afw", "klasse_won"]].isna().all()


def test_unknown_release():
    with pytest.raises(lbm.NoDataError, match="known releases: meting 2022, meting 2024"):
        lbm.release("meting 2010")


def test_load_scores_from_a_download_folder(tmp_path, official_csv):
    official_csv(
        [official_row("BU00140000", "A", 2024, 0.1), official_row("BU03630000", "B", 2024, -0.1)],
        name="Leefbaarometer-scores buurten 2002-2024.csv",
    )
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")  # other CSVs are ignored
    df = lbm.load_scores("buurt", "GM0363", data_dir=tmp_path)
    assert df["code"].tolist() == ["BU03630000"]
    with pytest.raises(lbm.NoDataError, match="no Leefbaarometer wijk scores"):
        lbm.load_scores("wijk", data_dir=tmp_path)
    with pytest.raises(lbm.NoDataError, match="no Leefbaarometer buurt scores for GM0599"):
        lbm.load_scores("buurt", "GM0599", data_dir=tmp_path)
