"""Step 4: the effect methods recover planted effects with honest intervals; matching; placebos."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leefbaarlib import geo, resultaat
from leefbaarlib.resultaat import EffectFout

JAREN = [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024]


def simuleer(
    rng, tau: float, n: int = 70, n_beh: int = 8, start: int = 2018
) -> tuple[pd.DataFrame, list[str]]:
    """Panel with area and year effects, area trends, AR(1) noise and a planted effect ``tau``."""
    codes = [f"WK09{i:04d}" for i in range(n)]
    alpha = rng.normal(0, 0.1, n)
    trend = rng.normal(0, 0.002, n)
    lam = rng.normal(0, 0.03, len(JAREN))
    beh = list(rng.choice(codes, n_beh, replace=False))
    rijen = []
    for i, c in enumerate(codes):
        e = 0.0
        for t, j in enumerate(JAREN):
            e = 0.3 * e + rng.normal(0, 0.02)
            d = tau if (c in beh and j >= start) else 0.0
            rijen.append(
                {"code": c, "jaar": j, "y": alpha[i] + lam[t] + trend[i] * (j - 2002) + d + e}
            )
    return pd.DataFrame(rijen), beh


@pytest.mark.parametrize("tau", [0.05, 0.0])
def test_did_intervals_cover_planted_effects(tau):
    rng = np.random.default_rng(20261128 + int(tau * 1000))
    est, cover, sig = [], 0, 0
    runs = 200
    for _ in range(runs):
        panel, beh = simuleer(rng, tau)
        r = resultaat.did(panel, beh, 2018, "y", k=5, placebo=False)
        est.append(r.schatting)
        cover += r.ci_laag <= tau <= r.ci_hoog
        sig += not (r.ci_laag <= 0 <= r.ci_hoog)
    est = np.asarray(est)
    dekking = cover / runs
    print(
        f"\ntau={tau}: coverage {dekking:.3f}, rejections {sig / runs:.3f}, "
        f"mean estimate {est.mean():+.4f} (sd {est.std():.4f})"
    )
    assert 0.90 <= dekking <= 0.99
    assert abs(est.mean() - tau) < 3 * est.std() / np.sqrt(runs)
    if tau == 0:
        assert 0.01 <= sig / runs <= 0.10  # false-positive rate near 5%
    else:
        assert sig / runs > 0.8  # the planted effect is found


def test_its_recovers_a_planted_level_change():
    rng = np.random.default_rng(7)
    maanden = pd.date_range("2019-01-01", "2025-12-01", freq="MS")
    cover, runs, ests = 0, 150, []
    for _ in range(runs):
        seizoen = 0.3 * np.sin(2 * np.pi * (maanden.month - 4) / 12)
        e = np.zeros(len(maanden))
        for t in range(1, len(maanden)):
            e[t] = 0.3 * e[t - 1] + rng.normal(0, 0.15)
        verg = 1.5 + seizoen + rng.normal(0, 0.15, len(maanden))
        beh = 2.0 + seizoen + e - 0.5 * (maanden >= "2022-07-01")
        r = resultaat.its(
            pd.DataFrame({"behandeld": beh, "vergelijking": verg}, index=maanden), "2022-07-01"
        )
        ests.append(r.niveau)
        cover += r.ci_laag <= -0.5 <= r.ci_hoog
    print(f"\nITS: coverage {cover / runs:.3f}, mean level change {np.mean(ests):+.3f} (true -0.5)")
    assert 0.88 <= cover / runs <= 0.99
    assert abs(np.mean(ests) + 0.5) < 0.05


def test_matching_never_picks_treated_or_neighbours():
    g = geo.load_geometry("wijk", "GM0014")
    buren = resultaat.buren(["WK001410"], g)
    assert "WK001409" in buren and "WK001410" not in buren  # Nieuw-West borders Noordwest
    rng = np.random.default_rng(1)
    panel, beh = simuleer(rng, 0.0)
    verboden = {c for c in panel["code"].unique()[:20] if c not in beh}
    ctrl = resultaat.kies_controles(panel, beh, "y", 2018, k=5, uitsluiten=verboden)
    assert not set(ctrl) & (set(beh) | verboden)
    assert len(ctrl) == 5 * len(beh)


def test_placebo_tests_run():
    rng = np.random.default_rng(3)
    panel, beh = simuleer(rng, 0.0)
    r = resultaat.did(panel, beh[:1], 2018, "y", k=8)
    assert r.placebo_p is not None and 0 < r.placebo_p <= 1
    assert r.placebo_start["start"] < 2018
    pre = [e for e in r.eventstudie if e["relatief"] < 0 and not e["referentie"]]
    assert pre and all("ci_laag" in e for e in pre)


def test_bad_input_messages(tmp_path):
    rng = np.random.default_rng(2)
    panel, beh = simuleer(rng, 0.0)
    with pytest.raises(EffectFout, match="outcome 'onv' is not a column"):
        resultaat.did(panel, beh, 2018, "onv")
    with pytest.raises(EffectFout, match="treated area.s. WK999999 not in the panel"):
        resultaat.did(panel, ["WK999999"], 2018, "y")
    with pytest.raises(EffectFout, match="need at least two years of 'y' before 2005"):
        resultaat.did(panel, beh, 2005, "y")
    with pytest.raises(EffectFout, match="no year of 'y' at or after 2030"):
        resultaat.did(panel, beh, 2030, "y")
    p = tmp_path / "p.csv"
    p.write_text("naam,jaar\nx,2020\n")
    with pytest.raises(EffectFout, match="expected a code column"):
        resultaat.lees_panel(p)


def test_effect_cli_on_real_groningen_buurten(tmp_path):
    import json

    from typer.testing import CliRunner

    from leefbaarlib import leefbaarometer as lbm
    from leefbaarlib.cli import app

    from .reportfixtures import write_official

    p = write_official(lbm.load_scores("buurt", "GM0014"), "buurt", tmp_path / "buurten.csv")
    r = CliRunner().invoke(app, ["effect", "--panel", str(p), "--behandeld", "BU00141000,BU00141001",
                                 "--start", "2020", "--uitkomst", "onv"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    for k in (
        "schatting",
        "ci_laag",
        "ci_hoog",
        "p_waarde",
        "n_behandeld",
        "n_controle",
        "controles",
    ):
        assert k in out
    assert out["n_behandeld"] == 2 and out["n_controle"] == len(out["controles"]) >= 5
    assert not set(out["controles"]) & {"BU00141000", "BU00141001", *out["buren_uitgesloten"]}
    bad = CliRunner().invoke(app, ["effect", "--panel", str(p), "--behandeld", "BU00141000",
                                   "--start", "2014", "--uitkomst", "onv"])  # fmt: skip
    assert bad.exit_code == 2 and "need at least two years of 'onv' before 2014" in bad.stderr
