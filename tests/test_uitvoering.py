"""The warm kernel: notebooks share one kernel but not their state."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from leefbaarlib import config
from leefbaarlib.uitvoering import WarmeKernel


def _notebook(path, *sources, parameters="x = 0"):
    nb = new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                             *[new_code_cell(s) for s in sources]])  # fmt: skip
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _stdout(path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    )


@pytest.fixture(scope="module")
def kernel():
    with WarmeKernel() as k:
        yield k


def test_state_does_not_leak_between_notebooks(kernel, tmp_path):
    a = _notebook(
        tmp_path / "a.ipynb",
        "geheim = 42\nimport os, matplotlib\nmatplotlib.use('agg')\n"
        "import matplotlib.pyplot as plt\nplt.figure()\nos.chdir('/')\nprint('a', x)",
    )
    b = _notebook(
        tmp_path / "b.ipynb",
        "import os, matplotlib.pyplot as plt\n"
        "print('geheim' in globals(), 'plt' in globals(), os.getcwd(), plt.get_fignums(), x)",
        "print(get_ipython().execution_count)",
    )
    kernel.voer_uit(a, tmp_path / "a_uit.ipynb", {"x": 1})
    starts = kernel.starts
    kernel.voer_uit(b, tmp_path / "b_uit.ipynb", {"x": 2})
    assert "a 1" in _stdout(tmp_path / "a_uit.ipynb")
    out = _stdout(tmp_path / "b_uit.ipynb").split("\n")
    # b's own imports only; a's variable, figure and working directory are gone
    assert out[0] == f"False True {config.NOTEBOOKS_DIR} [] 2"
    # counting starts again as in a fresh kernel (papermill on a new kernel gives the same)
    assert out[1] == "5"
    cellen = nbformat.read(tmp_path / "b_uit.ipynb", as_version=4).cells
    assert [c.execution_count for c in cellen] == [1, 2, 3, 4]
    assert kernel.starts == starts, "the same kernel ran both notebooks"


def test_cell_error_keeps_the_kernel_and_a_dead_kernel_is_replaced(kernel, tmp_path):
    fout = _notebook(tmp_path / "fout.ipynb", "raise ValueError('kapot')")
    goed = _notebook(tmp_path / "goed.ipynb", "print('goed', x)")
    kernel.voer_uit(goed, tmp_path / "g0.ipynb", {})
    starts = kernel.starts
    with pytest.raises(PapermillExecutionError, match="kapot"):
        kernel.voer_uit(fout, tmp_path / "f.ipynb", {})
    kernel.voer_uit(goed, tmp_path / "g1.ipynb", {"x": 3})
    assert kernel.starts == starts
    assert "goed 3" in _stdout(tmp_path / "g1.ipynb")

    dood = _notebook(tmp_path / "dood.ipynb", "import os\nos._exit(1)")
    with pytest.raises(Exception) as e:
        kernel.voer_uit(dood, tmp_path / "d.ipynb", {})
    assert "dead" in str(e.value).lower() or "died" in str(e.value).lower()
    kernel.voer_uit(goed, tmp_path / "g2.ipynb", {"x": 4})
    assert kernel.starts == starts + 1, "a new kernel after the dead one"
    assert "goed 4" in _stdout(tmp_path / "g2.ipynb")


def test_kernel_is_renewed_after_max_notebooks(tmp_path):
    nb = _notebook(tmp_path / "n.ipynb", "print(x)")
    with WarmeKernel(max_notebooks=2) as k:
        for i in range(5):
            k.voer_uit(nb, tmp_path / f"n{i}.ipynb", {"x": i})
        assert k.starts == 3  # notebooks 1-2, 3-4, 5
        assert "4" in _stdout(tmp_path / "n4.ipynb")
