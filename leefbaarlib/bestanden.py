"""Atomic file writing: a temporary name in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def schrijf_atomair(path: str | Path, data: str | bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` so that readers never see a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def lees_tekst(path: str | Path) -> str:
    """A text file as Dutch users save it: UTF-8 (with or without BOM), else cp1252."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def lees_csv(path: str | Path):
    """A CSV with ``;`` or ``,`` (whichever the header uses most) as text columns.

    Column names are stripped and lower-cased; empty cells stay empty strings.
    """
    import io

    import pandas as pd

    text = lees_tekst(path)
    kop = text.split("\n", 1)[0]
    sep = ";" if kop.count(";") > kop.count(",") else ","
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    df.columns = [str(c).strip().strip('"').lower() for c in df.columns]
    return df
