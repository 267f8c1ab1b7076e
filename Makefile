# The two commands a new user needs: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install demo test lint bench clean

install: $(STAMP)

# Reinstall only when the project's metadata or the pins change. The demo needs the package
# alone; the tests add the dev extras (pytest, ruff, Ray, ONNX, Keras, TensorBoard, …).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(DEV_STAMP)

# The quick comparison study: RNN vs LSTM vs GRU on the adding problem, report in rnnlab-quick/.
demo: $(STAMP)
	$(BIN)/python -m rnnlab.study

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

# Doctests run on their own: collected together with tests/, --doctest-modules would import every
# tests/*/conftest.py under the one module name "conftest".
# PYTEST_ARGS: extra pytest options for the test run (CI adds --junitxml).
test: $(DEV_STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m pytest --doctest-modules src/rnnlab -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
