"""The Import page (SPEC §9) under AppTest: reachable with and without data, its starting state
in both languages. (The upload → mapping → write flow is the importer's, tested in
tests/test_importer.py; the browser test uploads a file.)"""

from __future__ import annotations

from tests.test_app import run

PAGE = "pages/views/importer.py"


def open_page(data_dir, monkeypatch, **params):
    at = run(data_dir, monkeypatch, **params)
    return at.switch_page(PAGE).run()


def test_the_import_page_opens_on_an_empty_data_folder(tmp_path, monkeypatch):
    at = open_page(tmp_path, monkeypatch)
    assert not at.exception
    assert "Import" in [t.value for t in at.title]
    assert any("Upload one or more exports" in i.value for i in at.info)


def test_the_import_page_in_chinese(tmp_path, monkeypatch):
    at = open_page(tmp_path, monkeypatch, lang="zh")
    assert not at.exception
    assert "导入数据" in [t.value for t in at.title]
