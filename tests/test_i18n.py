"""The translation layer: both languages for every string, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from pages.ui import fmt
from pages.ui.i18n import LANGS, STRINGS, t

ROOT = Path(__file__).resolve().parent.parent


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS)
    assert _fields(entry["en"]) == _fields(entry["zh"])


def test_every_key_used_in_the_ui_exists():
    used = set()
    for path in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text()))
    assert used, "no translated strings found: the pattern is wrong"
    assert sorted(used - set(STRINGS)) == []


def test_chinese_strings_are_chinese():
    assert t("page.dashboard", "zh") == "每周仪表盘"
    untranslated = [k for k, v in STRINGS.items() if v["zh"] == v["en"] and re.search("[a-z]{4}", v["en"])]
    assert untranslated == []


@pytest.mark.parametrize("value, lang, expected", [
    (1_234_567, "en", "¥1.23M"), (1_234_567, "zh", "¥123.5万"),
    (345_000_000, "zh", "¥3.45亿"), (2_500_000_000, "en", "¥2.50B"),
    (36_790_000, "zh", "¥3,679万"), (141_800_000, "en", "¥141.8M"),
    (999, "en", "¥999"), (-52_000, "en", "-¥52.00K"), (None, "zh", "无"),
])
def test_money_abbreviations(value, lang, expected):
    assert fmt.money_short(value, lang) == expected


def test_money_and_ratio_formats():
    assert fmt.money(1_234_567.4, "en") == "¥1,234,567"
    assert fmt.pct(1.0311, "en") == "103%" and fmt.pct(float("nan"), "en") == "n/a"
    assert fmt.signed_pct(-0.0423, "zh") == "-4.2%"
    assert fmt.ratio(2.345, "en") == "2.3×"


def test_values_for_markdown_elements_are_escaped_and_templates_are_not():
    from pages.ui.i18n import escape_markdown, md

    assert escape_markdown("[a](http://x) $1 and $2 *b* _c_ :red[d] `e` <f> #g ~h~ |i|") == (
        r"\[a\](http\://x) \$1 and \$2 \*b\* \_c\_ \:red\[d\] \`e\` \<f\> \#g \~h\~ \|i\|")
    assert escape_markdown("- item") == r"\- item" and escape_markdown("+1") == r"\+1"
    assert escape_markdown("2026-W47 · ¥1,234.5 (FY26Q3)") == "2026-W47 · ¥1,234.5 (FY26Q3)"
    assert escape_markdown("two\nlines") == "two lines"
    assert md("notice.bad_params", "en", params="a=[x](y)") == (
        r"Ignored link parameters that are not valid here: a=\[x\](y).")
