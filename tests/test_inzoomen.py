"""Step 2: own indicators with suppression, the relation, peers, focus choice, observations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leefbaarlib import inzoomen
from leefbaarlib import leefbaarometer as lbm
from leefbaarlib.leefbaarometer import DataError, NoDataError


def test_indicators_suppress_small_counts():
    vhe = [f"V{i}" for i in range(105)]
    bu = ["BU00140000"] * 50 + ["BU00140001"] * 50 + ["BU00140002"] * 5
    tabellen = {
        "complexen": pd.DataFrame({"vhe_nummer": vhe, "buurt_code": bu}),
        "overlastmeldingen": pd.DataFrame({
            "datum": ["2024-05-01"] * 12 + ["2024-06-01"] * 3 + ["2024-06-01"] * 11 + ["2023-01-01"] * 20,
            "buurt_code": ["BU00140000"] * 12 + ["BU00140001"] * 3 + ["BU00140002"] * 11 + ["BU00140001"] * 20,
        }),
    }  # fmt: skip
    ind = inzoomen.indicatoren(tabellen, 2024, min_aantal=10)
    assert ind.loc["BU00140000", "overlast_per_100"] == pytest.approx(24.0)
    assert pd.isna(ind.loc["BU00140001", "overlast_per_100"])  # 3 reports in 2024: suppressed
    assert pd.isna(ind.loc["BU00140002", "overlast_per_100"])  # 5 homes: suppressed
    assert pd.isna(ind.loc["BU00140002", "vhe"])


def test_relation_recovers_a_planted_slope():
    rng = np.random.default_rng(1)
    x = rng.uniform(-0.2, 0.1, 60)
    y = 10 - 40 * x + rng.normal(0, 1.0, 60)
    y[7] += 8  # one planted outlier
    df = pd.DataFrame({"onv": x, "overlast_per_100": y, "naam": [f"b{i}" for i in range(60)]},
                      index=[f"BU0014{i:04d}" for i in range(60)])  # fmt: skip
    v = inzoomen.verband(df, "onv", "overlast_per_100")
    assert v.ci_laag < -40 < v.ci_hoog and v.p_waarde < 0.001
    assert "BU00140007" in v.afwijkers
    assert inzoomen.verband(df.head(5), "onv", "overlast_per_100") is None


def test_peers_find_a_planted_near_duplicate():
    alle = lbm.load_scores("wijk")
    focus = "WK001410"  # Noordwest, Groningen
    kopie = alle[alle["code"] == focus].copy()
    kopie["code"] = "WK099999"
    kopie["gemeente"] = "GM0999"
    kopie["naam"] = "Tweeling"
    rng = np.random.default_rng(3)
    for d in lbm.DIMENSIES:
        kopie[d] = kopie[d] + rng.normal(0, 0.0005, len(kopie))
    kopie["afw"] = kopie[list(lbm.DIMENSIES)].sum(axis=1)
    prof = inzoomen.profiel(pd.concat([alle, kopie]), 2024, 2014)
    eigen = set(prof.index[prof["gemeente"] == "GM0014"]) - {focus}
    p = inzoomen.peers(prof, focus, 5, eigen)
    assert p.index[0] == "WK099999"
    assert not (set(p.index) & eigen) and focus not in p.index
    assert p["afstand"].is_monotonic_increasing


def test_focus_from_step1_result_or_parameters(tmp_path):
    from leefbaarlib.onderzoek import Onderzoek

    Onderzoek("GM0014").prioriteit().schrijf(tmp_path)
    z = inzoomen.Inzoomen("GM0014", output_dir=tmp_path, eigen_data_dir=None)
    assert z.focus_bron == "stap 1" and "WK001410" in z.focus_wijken
    assert set(z.dimensies) <= set(lbm.DIMENSIES) and z.dimensies
    z2 = inzoomen.Inzoomen("GM0014", output_dir=tmp_path, focus_wijken=["Centrum"],
                           dimensies=["vrz"], eigen_data_dir=None)  # fmt: skip
    assert z2.focus_wijken == ["WK001400"] and z2.dimensies == ["vrz"]
    assert all(b.startswith("BU001400") for b in z2.focus_buurten)
    with pytest.raises(NoDataError, match="focus wijk 'Atlantis' is not a wijk of Groningen"):
        inzoomen.Inzoomen(
            "GM0014", output_dir=tmp_path, focus_wijken=["Atlantis"], eigen_data_dir=None
        )


def test_without_own_data_says_so(tmp_path):
    z = inzoomen.Inzoomen("GM0088", output_dir=tmp_path)  # the example belongs to Groningen
    html = "".join(str(x) for x in z.eigen_data_status())
    assert "Zonder eigen gegevens" in html and "horen bij Groningen" in html


def test_bad_own_data_stops_with_the_problems(tmp_path):
    d = tmp_path / "eigen"
    d.mkdir()
    (d / "complexen.csv").write_text(
        "vhe_nummer;complex;buurt_code;type;huur\nV1;C1;BU00140000;villa;1\n"
    )
    with pytest.raises(DataError, match="value 'villa'; expected one of"):
        inzoomen.Inzoomen("GM0014", output_dir=tmp_path, eigen_data_dir=d)


def test_observations_are_validated(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("datum;locatie;dimensie;thema;waarneming\n2025-01-01;x;geluk;t;w\n")
    with pytest.raises(DataError, match="row 2, column 'dimensie': value 'geluk'"):
        inzoomen.lees_waarnemingen(p)
    w = inzoomen.lees_waarnemingen(inzoomen.eigen_data.VOORBEELD_DIR / "waarnemingen.csv")
    assert set(w["dimensie"]) <= {*lbm.DIMENSIES, "algemeen"} and len(w) >= 10
