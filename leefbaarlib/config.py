"""Paths and defaults of the project, all derived from this file's location."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = REPO_DIR / "data"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
REPORTS_DIR = REPO_DIR / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
SHARED_DIR = REPO_DIR.parent / "shared"

#: Embedded Leefbaarometer scores (converted by scripts/convert_embed.py).
LBM_DIR = DATA_DIR / "leefbaarometer"
GEOMETRY_DIR = DATA_DIR / "geometry"
#: Per-release configuration: class boundaries, labels, colours.
KLASSEN_FILE = DATA_DIR / "klassen.yaml"

DEFAULT_GEMEENTE = "GM0014"
DEFAULT_RELEASE = "meting 2024"

#: Canonical CRS for geometry work (RD New); EPSG:4326 only at the map edge.
CRS_RD = "EPSG:28992"
CRS_WGS84 = "EPSG:4326"


def reference_dir() -> Path:
    """Folder with the national reference data used by tests and benchmarks only.

    ``LEEFBAAR_REFERENCE_DIR`` overrides the default ``../shared/data/reference``.
    """
    return Path(os.environ.get("LEEFBAAR_REFERENCE_DIR", SHARED_DIR / "data" / "reference"))


def embed_dir() -> Path:
    """Folder with the source files that scripts/convert_embed.py converts into ``data/``."""
    return Path(os.environ.get("LEEFBAAR_EMBED_DIR", SHARED_DIR / "data" / "embed"))
