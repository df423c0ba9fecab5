"""The README documents every setting and keeps the two set-up commands."""

from pathlib import Path

from metrics.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_with_its_default():
    for setting in SETTINGS.values():
        assert f"| `{setting.name}` | {setting.default} |" in README, setting.name


def test_readme_keeps_the_two_setup_commands():
    assert "make run" in README and "make test" in README
