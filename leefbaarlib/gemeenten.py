"""Gemeente lookup by code or name, with suggestions for unknown names."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from . import config

GEMEENTEN_FILE = config.DATA_DIR / "gemeenten.csv"

#: Common names that differ from the official CBS name.
ALIASSEN = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "bosch": "'s-Hertogenbosch",
}


class GemeenteNotFound(LookupError):
    """An unknown gemeente; the message suggests the closest names."""


@dataclass(frozen=True)
class Gemeente:
    code: str
    naam: str

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


def _key(text: str) -> str:
    """Compare names case-, accent- and punctuation-insensitively ('s-Gravenhage == sgravenhage)."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"^gemeente\s+", "", t.strip())
    return re.sub(r"[^a-z0-9]", "", t)


@functools.cache
def alle() -> pd.DataFrame:
    """All 342 gemeenten of 2024 (CBS): columns ``code``, ``naam``."""
    return pd.read_csv(GEMEENTEN_FILE, dtype=str)


def naam(code: str) -> str:
    """Official name of a gemeente code."""
    df = alle()
    hit = df.loc[df["code"] == code, "naam"]
    return hit.iloc[0] if len(hit) else code


def zoek(text: str) -> Gemeente:
    """Find a gemeente by code (``GM0014``, ``0014``, ``14``) or name (``Groningen``, ``Den Haag``).

    Raises
    ------
    GemeenteNotFound with the closest names as suggestions.

    Examples
    --------
    >>> zoek("14").naam
    'Groningen'
    >>> zoek("den haag").code
    'GM0518'
    """
    df = alle()
    raw = str(text).strip()
    m = re.fullmatch(r"(?i)(?:gm)?\s*0*(\d{1,4})", raw)
    if m:
        code = f"GM{int(m.group(1)):04d}"
        hit = df[df["code"] == code]
        if len(hit):
            return Gemeente(code, hit["naam"].iloc[0])
        raise GemeenteNotFound(
            f"unknown gemeente code {raw!r} ({code}); "
            "`leefbaar data gemeenten` lists the gemeenten and their codes"
        )
    key = _key(raw)
    alias = ALIASSEN.get(raw.lower()) or ALIASSEN.get(key)
    if alias:
        key = _key(alias)
    keys = df["naam"].map(_key)
    hit = df[keys == key]
    if len(hit) == 1:
        return Gemeente(hit["code"].iloc[0], hit["naam"].iloc[0])
    names = df["naam"].tolist()
    by_key = dict(zip(keys, names, strict=True))
    close = difflib.get_close_matches(key, list(by_key), n=4, cutoff=0.6)
    close += [k for k in by_key if key and key in k and k not in close][: 4 - len(close)]
    suggestions = [by_key[k] for k in close]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise GemeenteNotFound(f"unknown gemeente {raw!r}{hint}")
