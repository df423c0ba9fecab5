"""The README documents every setting of the configuration model and keeps the two set-up
commands."""

from pathlib import Path

from data import config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_settings_table_is_generated_from_the_model():
    table = config.settings_table()
    assert table in README, "README settings table differs: python -m data.config --table"
    for name in config.KEYS:
        assert f"| `{name}` |" in table


def test_every_key_has_help_text():
    assert all(key.help.strip() for key in config.KEYS.values())
    assert all(text.strip() for _, text in config.PRODUCT_LINE_FIELDS.values())


def test_readme_keeps_the_two_setup_commands():
    assert "make run" in README and "make test" in README
