# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint typecheck pytest bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/carebot demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/sentiment_accuracy.py
	$(BIN)/python bench/sentiment_speed.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/report_scale.py --engine sqlite
	$(BIN)/python bench/fault_recovery.py
	$(BIN)/python bench/staff_burst.py
	$(BIN)/python bench/staff_burst.py --groups 3
	$(BIN)/python bench/staff_day.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/alert_accuracy.py
	$(BIN)/python bench/find_scale.py --engine sqlite
	$(BIN)/python bench/find_scale.py --engine sqlite --write-cost
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
