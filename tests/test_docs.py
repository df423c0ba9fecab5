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


def test_the_bench_times_every_metric_call_of_its_pages():
    """``bench.run.page_calls`` times what each benchmarked page calls: every metric a page
    passes to ``state.metric`` appears among that page's calls (the executive pack is built
    only on a click, not when the page is shown)."""
    import inspect
    import re
    from pathlib import Path

    from bench import run

    source = inspect.getsource(run.page_calls)
    sections = dict(re.findall(r'if page == "(\w+)":(.*?)(?=\n    if page ==|\n    raise)',
                               source, re.S))
    assert set(sections) == set(run.PAGES)
    root = Path(__file__).resolve().parent.parent
    for page in run.PAGES:
        called = set(re.findall(r"state\.metric\(ctx, (\w+\.\w+)",
                                (root / "pages" / "views" / f"{page}.py").read_text()))
        called.discard("pack.collect")
        timed = set(re.findall(r"\b([a-z_]+\.[a-z_]+)\b", sections[page]))
        assert called and called <= timed, (page, sorted(called - timed))
