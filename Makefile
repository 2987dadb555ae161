# Huren — the two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PADDLE_VENV := .venv-paddle
PADDLE_STAMP := $(PADDLE_VENV)/.installed

.PHONY: demo test lint typecheck unit test-onnxruntime test-paddle samples bench clean system-deps

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,postgres,ray]' -c constraints.txt
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

## demo: set up, then run the main job on the bundled samples
demo: $(STAMP) system-deps
	bash scripts/demo.sh

## test: set up, lint, type-check and run every test (PostgreSQL started when it can be),
## the optional PaddleOCR backend's too, in a venv of its own (its OpenCV build differs).
test: $(STAMP) system-deps lint typecheck unit test-onnxruntime test-paddle

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	if [ -z "$${HUREN_TEST_POSTGRES_URL:-}" ]; then \
	  eval "$$(bash .ci/postgres.sh 2>/dev/null)" || echo "PostgreSQL could not be started: its tests will say so"; \
	fi; \
	$(BIN)/pytest -q -m "not paddle"

## the sample goldens once more on onnxruntime: `unit` ran them on `auto` (OpenVINO on x86-64)
test-onnxruntime: $(STAMP)
	HUREN_OCR_RUNTIME=onnxruntime $(BIN)/pytest -q tests/ocr/test_samples.py

$(PADDLE_STAMP): pyproject.toml scripts/install-paddle.sh
	test -d $(PADDLE_VENV) || $(PYTHON) -m venv $(PADDLE_VENV)
	$(PADDLE_VENV)/bin/pip install -q --upgrade pip
	$(PADDLE_VENV)/bin/pip install -q -e '.[dev,paddle]'
	VENV=$(PADDLE_VENV) bash scripts/install-paddle.sh
	touch $(PADDLE_STAMP)

test-paddle: $(PADDLE_STAMP)
	$(PADDLE_VENV)/bin/pytest -q -m paddle tests/ocr/test_paddle_backend.py

## samples: regenerate the committed sample set (deterministic)
samples: $(STAMP) system-deps
	$(BIN)/python -m samples.generate --out samples/documents --seed 7

## bench: speed figures, run by hand
bench: $(STAMP)
	$(BIN)/python bench/bench_ocr.py

clean:
	rm -rf $(VENV) $(PADDLE_VENV) .pytest_cache .mypy_cache .ruff_cache tests/artifacts
