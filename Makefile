# Sales Cockpit. On a fresh machine: `make run` (install, demo data if none, serve on :8501)
# and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(or $(COCKPIT_DATA_DIR),data)
PORT ?= 8501

.PHONY: install demo run test report

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Demo data only when the data dir holds no snapshot yet.
demo: install
	@if ls $(DATA_DIR)/snapshots/*/manifest.json >/dev/null 2>&1; then \
		echo "snapshots found in $(DATA_DIR)/snapshots"; \
	else \
		$(BIN)/python -m data.demo --data-dir $(DATA_DIR); \
	fi

run: demo
	COCKPIT_DATA_DIR=$(DATA_DIR) $(BIN)/streamlit run app.py --server.port $(PORT)

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

# Example: make report SECTION=dashboard PERIOD=FY26Q3
report: install
	$(BIN)/python -m metrics.report --data-dir $(DATA_DIR) --section $(SECTION) \
		$(if $(PERIOD),--period $(PERIOD)) --format $(or $(FORMAT),json)
