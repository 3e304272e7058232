# The two commands of the README: `make report` and `make test`.
# Each sets up a virtual environment from scratch when there is none (or when the pins changed).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
GEMEENTE ?= Groningen
OUT ?= reports

.PHONY: setup report test lint format data clean bench

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	@touch $@

report: setup
	MPLBACKEND=agg $(BIN)/leefbaar report "$(GEMEENTE)" --out $(OUT)

test: setup
	MPLBACKEND=agg $(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check leefbaarlib tests scripts bench
	$(BIN)/ruff format --check leefbaarlib tests scripts bench

format: setup
	$(BIN)/ruff format leefbaarlib tests scripts bench
	$(BIN)/ruff check --fix leefbaarlib tests scripts bench

# Rebuild data/ from ../shared/data/embed (the converter is the provenance).
data: setup
	$(BIN)/python scripts/convert_embed.py

bench: setup
	MPLBACKEND=agg $(BIN)/python bench/bench_report.py

clean:
	rm -rf $(VENV) reports/GM* reports/index.html
