# Sales Cockpit. On a fresh machine: `make run` (install, demo data if none, serve on :8501)
# and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(or $(COCKPIT_DATA_DIR),data)
PORT ?= 8501
# apt-get needs root: CI runs as root; elsewhere use sudo when there is one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: install browser-deps demo run test report bench mutation

$(VENV)/.installed: requirements.txt tests/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r tests/requirements.txt
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium and need a CJK font to render Chinese; the executive
# pack draws with that font too, and its tests read the PDFs with poppler-utils (pdftotext,
# pdffonts).
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
		&& command -v pdftotext >/dev/null && command -v pdffonts >/dev/null; then \
		echo "chromium, fonts-noto-cjk and poppler-utils present"; \
	else \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
			poppler-utils; \
	fi

# Demo data only when the data dir holds no snapshot yet.
demo: install
	@if ls $(DATA_DIR)/snapshots/*/manifest.json >/dev/null 2>&1; then \
		echo "snapshots found in $(DATA_DIR)/snapshots"; \
	else \
		$(BIN)/python -m data.demo --data-dir $(DATA_DIR); \
	fi

run: demo
	COCKPIT_DATA_DIR=$(DATA_DIR) $(BIN)/python -m pages.ui.serve --server.port $(PORT)

test: install browser-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

# Example: make report SECTION=dashboard PERIOD=FY26Q3
report: install
	$(BIN)/python -m metrics.report --data-dir $(DATA_DIR) --section $(SECTION) \
		$(if $(PERIOD),--period $(PERIOD)) --format $(or $(FORMAT),json)

# Performance benchmark (issue 8): 1M and 10M order lines under bench/data/ (generated once),
# every page's metrics cold and warm, peak RSS, vs a naive pandas path; writes bench/results.json;
# then every page in Chromium at 10M lines (issue 16: cold, fresh tab, page switch, drill-downs,
# 20 sessions, and 20 sessions of the server alone without browsers; bench/browser_results.json);
# then importing a 1M-line order CSV (bench/import_results.json); then the executive pack at 10M
# lines, PDF and PPTX in English and Chinese, each in a fresh process (issue 19: ≤ 20 s;
# bench/data/pack_results.json).
bench: install browser-deps
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.browser
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.pack_bench

# Mutation testing of the metric boundaries: flips comparisons and nudges compared constants in
# metrics/ (on a temporary copy) and prints the survivors and the score (README "Tests").
mutation: install
	$(BIN)/python tests/mutation.py
