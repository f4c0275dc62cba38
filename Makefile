# The README names two commands: `make demo` and `make test`. Each sets itself up from a fresh clone.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup tesseract demo test lint typecheck bench faults samples screenshot clean

setup: tesseract $(STAMP)

tesseract:
	@scripts/install-tesseract.sh

# The editable install links every module into build/__editable__.*/milia_scan (strict mode, so
# that mypy sees the installed names): reinstall when pyproject.toml changes or a module is
# added, moved or removed (a folder's mtime changes then).
PACKAGE_DIRS := $(shell find scanner lexicon -type d -not -name __pycache__ 2>/dev/null)

$(STAMP): pyproject.toml $(PACKAGE_DIRS)
	@test -n "$(PYTHON)" || { echo "milia-scan needs Python >= 3.11 (python3.11 or newer on PATH)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' --config-settings editable_mode=strict
	@touch $(STAMP)

## Scan the sample phone photos and print their reports (one failure does not stop the rest).
demo: setup
	@status=0; for f in samples/phone/*.jpg; do \
		$(BIN)/milia-scan scan "$$f" || status=$$?; \
	done; exit $$status

## Lint, type-check, validate the lexicon and run the whole test suite (real tesseract included).
test: setup lint typecheck
	$(BIN)/milia-scan lexicon validate
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff check .

typecheck:
	$(BIN)/mypy

## Accuracy and speed on samples/ per tier and engine, and on ../shared/real-photos when it is
## there, against a plain tesseract pass; matching; batch throughput and watch latency.
bench: setup
	$(BIN)/python -m bench.run

## Run milia-scan on a hostile corpus and under fault injections (kill -9, SIGTERM, a removed
## folder, a damaged database, a full disk); one line: cases tried, crashes, hangs, processes
## left behind, files lost.
faults: setup
	$(BIN)/python -m bench.faults

## Re-make the README's screenshot of a real report (needs Chromium).
screenshot: setup
	@mkdir -p build docs
	$(BIN)/milia-scan scan samples/phone/02-night-balm.jpg --format html -o build/report.html
	chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars --user-data-dir=build/chromium \
		--window-size=1000,1500 --screenshot=docs/report-screenshot.png "file://$(CURDIR)/build/report.html"

## Regenerate the sample images from samples/products/*.toml and the wild tiers from the text
## corpus (deterministic; the wild tiers need the Debian font packages make_wild.py names).
samples: setup
	$(BIN)/python samples/make_samples.py
	$(BIN)/python samples/make_wild.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
