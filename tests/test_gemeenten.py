"""Gemeente lookup by code or name."""

import pytest

from leefbaarlib import gemeenten
from leefbaarlib.gemeenten import GemeenteNotFound


@pytest.mark.parametrize(
    "text, code",
    [
        ("GM0014", "GM0014"),
        ("gm0014", "GM0014"),
        ("0014", "GM0014"),
        ("14", "GM0014"),
        ("Groningen", "GM0014"),
        ("GRONINGEN", "GM0014"),
        ("Den Haag", "GM0518"),
        ("'s-Gravenhage", "GM0518"),
        ("s-gravenhage", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("Súdwest-Fryslân", "GM1900"),
        ("sudwest fryslan", "GM1900"),
        ("gemeente Utrecht", "GM0344"),
    ],
)
def test_lookup(text, code):
    assert gemeenten.zoek(text).code == code


def test_unknown_name_suggests_close_names():
    with pytest.raises(
        GemeenteNotFound, match="unknown gemeente 'Groningn'; did you mean Groningen"
    ):
        gemeenten.zoek("Groningn")


def test_unknown_code():
    with pytest.raises(GemeenteNotFound, match=r"unknown gemeente code '9999' \(GM9999\)"):
        gemeenten.zoek("9999")


def test_all_342_gemeenten_of_2024():
    df = gemeenten.alle()
    assert len(df) == 342
    assert df["code"].is_unique
