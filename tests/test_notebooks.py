"""Notebooks follow the house rules: committed without outputs, one parameters cell, thin cells."""

from __future__ import annotations

import ast

import nbformat
import pytest

from leefbaarlib import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
SHARED = {"gemeente", "data_dir", "output_dir"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_house_rules(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    names = {n.target.id for n in ast.parse(params[0].source).body if isinstance(n, ast.AnnAssign)}
    assert SHARED <= names
    for c in code:
        tree = ast.parse(c.source)
        assert not any(
            isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            for n in ast.walk(tree)
        ), "no function or class definitions in notebooks"
    imports = [
        c
        for c in code
        if any(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.parse(c.source).body)
    ]
    assert len(imports) == 1, "one import cell"


def test_papermill_documents_the_parameters():
    import papermill as pm

    for path in NOTEBOOKS:
        params = pm.inspect_notebook(str(path))
        for name, p in params.items():
            assert p["help"], f"{path.name}: parameter {name} has no comment"
            assert p["inferred_type_name"] != "None", f"{path.name}: {name} has no type hint"
