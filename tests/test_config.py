"""The one configuration model (SPEC §9): defaults, layering, errors naming file and key, and the
vocabulary it carries (currency, fiscal calendar, stages, product lines)."""

from __future__ import annotations

import pytest

from data import config
from data.config import ConfigError
from metrics.periods import parse_period, quarter_of, year_of
from tests.builders import D


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    config.reset()
    return path


def test_defaults_are_the_spec():
    c = config.load()
    assert c.currency == "CNY" and c.currency_symbol == "¥"
    assert c["business.fiscal_year_start_month"] == 4
    assert c["business.key_opportunity_min"] == 1_000_000
    assert c.stages.open_count == 4 and c.stages.won == 5
    assert c.stages.all_probabilities == [0.10, 0.25, 0.50, 0.75, 1.0]
    assert c.margin_floors == {"PC": 0.08, "NB": 0.10, "Server": 0.15, "Service": 0.30}
    assert c.sources == ()


def test_the_data_folder_then_cockpit_config_override_key_by_key(tmp_path, monkeypatch):
    write(tmp_path / "config.toml", '[business]\ncurrency = "USD"\nkey_opportunity_min = 50000\n')
    override = write(tmp_path / "override.toml", "[business]\nkey_opportunity_min = 75000\n")
    assert config.load(tmp_path).currency == "USD"
    monkeypatch.setenv(config.CONFIG_ENV, str(override))
    c = config.load(tmp_path)
    assert c.currency == "USD"  # from the data folder
    assert c["business.key_opportunity_min"] == 75000  # COCKPIT_CONFIG wins
    assert c["alerts.deep_discount"] == 0.25  # untouched: the default
    assert [p.name for p in c.sources] == ["config.toml", "override.toml"]


def test_current_follows_the_active_data_folder_and_file_changes(tmp_path):
    config.use_data_dir(tmp_path)
    assert config.current().currency == "CNY"
    write(tmp_path / "config.toml", '[business]\ncurrency = "EUR"\n')
    assert config.current().currency == "EUR" and config.current().currency_symbol == "€"


def test_own_product_lines_replace_the_built_in_ones(tmp_path):
    write(tmp_path / "config.toml", '[product_lines.GTX]\nname_en = "GTX series"\n'
                                    'margin_floor = 0.12\n[product_lines.MG]\nname_zh = "MG 系列"\n')
    c = config.load(tmp_path)
    assert set(c.product_lines) == {"GTX", "MG"}
    assert c.margin_floors == {"GTX": 0.12}
    assert c.product_line("GTX").name("zh") == "GTX series"  # no Chinese: the English name
    assert c.product_line("MG").name("en") == "MG"  # no English name: the id
    assert c.product_line("MG").name("zh") == "MG 系列"
    assert c.product_line("NEW").name("en") == "NEW"  # a line the file does not name


def test_stages_are_any_number_with_won_after_the_last(tmp_path):
    names = [f"S{i}" for i in range(1, 9)]
    write(tmp_path / "config.toml",
          f"[stages]\nnames_en = {names!r}\nnames_zh = [\"一\"]\n"
          "probabilities = [0.05, 0.1, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85]\n".replace("'", '"'))
    stages = config.load(tmp_path).stages
    assert stages.open_count == 8 and stages.won == 9
    assert stages.probability(9) == 1.0 and stages.probability(3) == 0.2
    assert stages.name(1, "zh") == "一" and stages.name(2, "zh") == "S2"
    assert stages.name(9, "en") is None


@pytest.mark.parametrize("text, message", [
    ("[business]\ncurrency = \"dollars\"\n", "[business] currency = 'dollars' must be an ISO 4217"),
    ("[business]\nfiscal_year_start_month = 13\n", "fiscal_year_start_month = 13 must be at most 12"),
    ("[business]\nfiscal_year_start_month = 1.5\n", "must be a whole number"),
    ("[business]\nfiscal_year_named_by = \"middle\"\n", "must be one of 'start', 'end'"),
    ("[busines]\ncurrency = \"USD\"\n", "unknown key busines.currency (did you mean business.currency?)"),
    ("[scorecard]\nweights = 5\n", "unknown key scorecard.weights"),
    ("alerts = 5\n", "unknown key alerts"),
    ("[scorecard.weights]\nmargin_attainment = 1e308\n", "must be at most"),
    ("[stages]\nnames_en = [\"A\", \"B\"]\n", "names_en has 2 stages but probabilities has 4"),
    ("[stages]\nprobabilities = [0.1, 0.2, 1.0, 0.5]\n", "up to (not including) 1"),
    ("[product_lines.GTX]\nfloor = 0.1\n", "[product_lines.GTX] floor: unknown key"),
    ("[product_lines.GTX]\nmargin_floor = 12\n", "margin_floor = 12 must be at most 1"),
    ("product_lines = 3\n", "[product_lines] must hold tables"),
    ("[customers]\nabc_a = 0.97\n", "abc_a must not be above abc_b"),
    ("[business\n", "is not valid TOML"),
])
def test_bad_files_stop_with_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as error:
        config.load(tmp_path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_non_utf8_and_unreadable_files_are_clear_errors(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_bytes(b"[business]\ncurrency = \"\xff\xfe\"\n")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        config.load(tmp_path)
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="cannot read configuration"):
        config.load(None)


def test_defaults_file_round_trips(tmp_path):
    write(tmp_path / "config.toml", config.defaults_toml())
    assert dict(config.load(tmp_path).values) == dict(config.load().values)


@pytest.mark.parametrize("start, named_by, day, quarter, year, q_start, y_end", [
    (4, "start", "2026-11-22", "FY26Q3", "FY26", "2026-10-01", "2027-03-31"),
    (1, "start", "2026-11-22", "FY26Q4", "FY26", "2026-10-01", "2026-12-31"),
    (1, "end", "2026-02-10", "FY26Q1", "FY26", "2026-01-01", "2026-12-31"),
    (7, "end", "2026-11-22", "FY27Q2", "FY27", "2026-10-01", "2027-06-30"),
    (7, "start", "2026-03-01", "FY25Q3", "FY25", "2026-01-01", "2026-06-30"),
])
def test_fiscal_calendar_follows_the_configuration(tmp_path, start, named_by, day, quarter, year,
                                                    q_start, y_end):
    write(tmp_path / "config.toml", f"[business]\nfiscal_year_start_month = {start}\n"
                                    f"fiscal_year_named_by = \"{named_by}\"\n")
    config.use_data_dir(tmp_path)
    q, y = quarter_of(D(day)), year_of(D(day))
    assert (q.code, y.code, q.start, y.end) == (quarter, year, D(q_start), D(y_end))
    assert parse_period(quarter) == q and parse_period(year) == y
    assert q.previous_year().start.year == q.start.year - 1
