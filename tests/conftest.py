"""Hermetic tests: no test sees the caller's COCKPIT_CONFIG or COCKPIT_DATA_DIR, and each starts
with the configuration read afresh."""

import pytest

from data import config


@pytest.fixture(autouse=True)
def _isolated_configuration(monkeypatch, tmp_path_factory):
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    # Tests see an unexpected error as an exception element (app.py), not the visitor's message.
    monkeypatch.setenv("COCKPIT_SHOW_ERRORS", "1")
    # The built-in data folder may hold a developer's config.toml; tests use an empty one.
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path_factory.mktemp("no-data")))
    config.use_data_dir(None)
    config.reset()
    yield
    config.use_data_dir(None)
    config.reset()
