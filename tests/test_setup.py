"""The pip setup (pyproject + lock) and environment.yml describe the same environment."""

from __future__ import annotations

import re
import tomllib

import yaml

from leefbaarlib import config

ROOT = config.REPO_DIR


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def test_every_direct_dependency_is_pinned_and_locked():
    proj = _pyproject()["project"]
    lock = _lock()
    deps = proj["dependencies"] + proj["optional-dependencies"]["dev"]
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", dep)
        assert m, f"{dep!r} in pyproject.toml is not pinned with =="
        name = m.group(1).lower().replace("_", "-")
        assert lock.get(name) == m.group(2), (
            f"{dep} differs from requirements.lock ({lock.get(name)})"
        )


def test_environment_yml_matches_the_pip_setup():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python="))
    requires = _pyproject()["project"]["requires-python"]
    minor = python.split("=")[1]
    assert f">={minor}" in requires, f"environment.yml {python} vs requires-python {requires}"
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-r requirements.lock" in pip and "-e ." in pip
    makefile = (ROOT / "Makefile").read_text()
    assert "-r requirements.lock" in makefile, "make setup must install the same lock file"


def test_ci_script_calls_make_test():
    run = (ROOT / ".ci" / "run").read_text()
    assert "make test" in run and "set -e" in run
