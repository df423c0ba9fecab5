"""Executive pack (SPEC §12): the PDF's text (pdftotext) and the deck's text (python-pptx) hold
the JSON report's numbers for the same view, in English and Chinese, formatted as the pages
format them; the PDF embeds its CJK font; a filtered pack says so on every page; files are
written atomically; the pack arrives by e-mail at a local SMTP server; bad arguments are one
line and exit code 2.

Needs poppler-utils (pdftotext, pdffonts) and fonts-noto-cjk: ``make test`` installs both."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import shutil
from decimal import Decimal
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from data import config
from metrics import mail, pack, report
from metrics.report import main
from pages.ui import fmt, vocab
from pages.ui.i18n import LANGS, STRINGS, t
from tests.builders import CUSTOMERS, make_snapshot, order, target
from tests.test_pipeline_metrics import S0_OPPS, S1_HISTORY, S1_OPPS

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "FY26Q3"
# Text from the data that Markdown or HTML would read as markup: it must show as itself.
MARKUP = "**Harbin** <b>Power</b> [x](http://y) _z_"
CUSTOMERS_WITH_MARKUP = [dict(c, name=MARKUP) if c["customer_id"] == "C1" else c
                         for c in CUSTOMERS]
ORDERS = [
    order("2026-10-02", Decimal("1234567.25"), 1_100_000),
    order("2026-11-03", 400_000, 300_000, region_id="R2", industry_id="EDU", product_line="NB"),
    # 2% and 3% gross margin against PC's 8% and NB's 10% floors: margin_floor alerts
    # (the first about C1's order line).
    order("2026-11-18", 250_000, 245_000),
    order("2026-11-19", 100_000, 97_000, region_id="R2", industry_id="EDU", product_line="NB"),
    order("2025-10-06", 900_000, 800_000),  # last year: a YoY growth
]
TARGETS = [target("2026-10", 2_000_000, 200_000),
           target("2026-11", 600_000, 90_000, region_id="R2", industry_id="EDU",
                  product_line="NB")]


def _need(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: make test installs poppler-utils"
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    for as_of, opportunities, extra in (("2026-11-15", S0_OPPS, {}),
                                        ("2026-11-22", S1_OPPS,
                                         {"opportunity_history": S1_HISTORY})):
        orders = [o for o in ORDERS if o["order_date"].isoformat() <= as_of]
        info = make_snapshot(root, as_of, orders=orders, targets=TARGETS,
                             opportunities=opportunities, customers=CUSTOMERS_WITH_MARKUP,
                             **extra)
        assert info.valid, info.errors
    return root


def _report(data_dir, section: str, *extra: str):
    """The JSON report's section for the view (``extra``: its filters)."""
    result, _ = report.run(["--data-dir", str(data_dir), "--section", section,
                            "--period", PERIOD, *extra])
    return result


@pytest.fixture(scope="module")
def packs(data_dir, tmp_path_factory):
    """Every pack the tests read, built once: (lang, kind, filtered) → path."""
    out = tmp_path_factory.mktemp("packs")
    built = {}
    for lang in LANGS:
        for kind in pack.FORMATS:
            for filtered in (False, True):
                path = out / f"pack-{lang}-{'r2' if filtered else 'all'}.{kind}"
                args = ["--data-dir", str(data_dir), "--section", "pack", "--period", PERIOD,
                        "--format", kind, "--lang", lang, "--out", str(path)]
                if filtered:
                    args += ["--region", "R2"]
                assert main(args) == 0
                built[lang, kind, filtered] = path
    return built


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run([_need("pdftotext"), "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def pptx_slides(path: Path) -> list[str]:
    slides = []
    for slide in Presentation(str(path)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        slides.append("\n".join(parts))
    return slides


def pages_of(path: Path) -> list[str]:
    return pdf_pages(path) if path.suffix == ".pdf" else pptx_slides(path)


def expected_numbers(data_dir, lang: str, *filters: str) -> set[str]:
    """Every number of the view's JSON report sections that the pack shows, formatted as the
    pages format it (pages.ui.fmt: the data's currency, n/a when missing)."""
    config.use_data_dir(data_dir)
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    pct1 = lambda v: fmt.pct(v, lang, 1)  # noqa: E731
    out = set()
    d = _report(data_dir, "dashboard", *filters)
    out |= {money(d[k]) for k in ("revenue", "revenue_target", "gross_margin", "margin_target",
                                  "cost", "weighted_pipeline", "forecast")}
    out |= {fmt.pct(d["revenue_attainment"], lang), pct1(d["gm_pct"]),
            fmt.signed_pct(d["yoy_growth"], lang), fmt.pct(d["pace"], lang),
            fmt.pct(d["margin_attainment"], lang)}
    for row in _report(data_dir, "product_lines", *filters):
        out |= {money(row[k]) for k in ("revenue_target", "revenue", "margin_target",
                                        "gross_margin")}
        out |= {pct1(row[k]) for k in ("revenue_attainment", "margin_attainment", "gm_pct")}
        out.add(t("pl.total", lang) if row["product_line"] == "total"
                else vocab.product_line(row["product_line"], lang))
    for row in _report(data_dir, "regional_report", *filters):
        out |= {money(row[k]) for k in ("week_revenue", "revenue", "revenue_target",
                                        "gross_margin", "margin_target", "weighted_pipeline")}
        out |= {pct1(row[k]) for k in ("revenue_attainment", "margin_attainment", "gm_pct")}
        out.add(fmt.signed_pct(row["yoy_growth"], lang))
        if row["coverage"] is not None:
            out.add(fmt.ratio(row["coverage"], lang))
    moved = _report(data_dir, "pipeline_movement", *filters)
    out |= {money(moved[k]) for k in ("start", "new", "pulled_in", "won", "lost", "slipped",
                                      "removed", "amount_change", "end")}
    for row in _report(data_dir, "scorecard"):
        out |= {t("na", lang) if row[k] is None else f"{row[k]:.1f}"
                for k in ("total", "industry_attainment", "industry_balance",
                          "margin_attainment", "customer_coverage", "pipeline_hygiene",
                          "resource_productivity")}
    alerts = _report(data_dir, "alerts", *filters)[:pack.ALERT_ROWS]
    assert alerts, "the fixture should raise alerts"
    for row in alerts:
        out |= {money(row["at_stake"]), pct1(row["value"]), pct1(row["threshold"])}
    return out


@pytest.mark.parametrize("kind", pack.FORMATS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "region"])
def test_the_pack_shows_the_json_reports_numbers(data_dir, packs, kind, lang, filtered):
    filters = ("--region", "R2") if filtered else ()
    text = "\n".join(pages_of(packs[lang, kind, filtered]))
    missing = sorted(n for n in expected_numbers(data_dir, lang, *filters) if n not in text)
    assert missing == []
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", text)  # missing values say n/a


def test_the_packs_numbers_are_the_report_functions_own(data_dir):
    """The pack collects each section with the report's function, rounded as it prints."""
    from data.store import SnapshotDatabase, discover
    from metrics.periods import parse_period
    from metrics.view import View

    config.use_data_dir(data_dir)
    infos = {i.snapshot_id: i for i in discover(data_dir)}
    db = SnapshotDatabase()
    try:
        con = db.cursor(infos["2026-W47"], also=(infos["2026-W46"],))
        view = View("2026-W47", infos["2026-W47"].as_of, parse_period(PERIOD), ("R2",),
                    compare="2026-W46")
        numbers = pack.collect(con, view)
    finally:
        db.close()
    filters = ("--region", "R2")
    assert numbers["dashboard"] == _report(data_dir, "dashboard", *filters)
    assert numbers["product_lines"] == _report(data_dir, "product_lines", *filters)
    assert numbers["regional_report"] == _report(data_dir, "regional_report", *filters)
    assert numbers["pipeline_movement"] == _report(data_dir, "pipeline_movement", *filters)
    assert numbers["scorecard"] == _report(data_dir, "scorecard")  # every region, ranked
    assert numbers["alerts"] == _report(data_dir, "alerts", *filters)[:pack.ALERT_ROWS]


@pytest.mark.parametrize("kind", pack.FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_stamped_and_numbered(packs, kind, lang):
    pages = pages_of(packs[lang, kind, False])
    assert len(pages) == 8  # cover, tiles, lines, attainment, report, movement, scores, alerts
    stamp = t("pack.stamp", lang, period=PERIOD, snapshot="2026-W47", as_of="2026-11-22")
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert " ".join(stamp.split()) in flat
        assert t("pack.filters.none", lang) in flat
        assert t("pack.page", lang, page=number, pages=len(pages)) in flat
        assert t("pack.generated", lang, time="").strip() in flat
    cover = pages[0]
    assert t("pack.title", lang) in cover and "2026-W46" in cover  # movement's start


@pytest.mark.parametrize("kind", pack.FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_filtered_pack_says_so_on_every_page(packs, kind, lang):
    name = {"en": "South Two", "zh": "南二"}[lang]
    said = t("pack.filters.some", lang, filters=t("pack.filter.region", lang, names=name))
    pages = pages_of(packs[lang, kind, True])
    assert len(pages) == 8
    for text in pages:
        assert said in " ".join(text.split())


def test_the_file_name_says_what_it_holds():
    import datetime as dt

    from metrics.periods import parse_period
    from metrics.view import View

    view = View("2026-W47", dt.date(2026, 11, 22), parse_period(PERIOD))
    assert pack.file_name(view, "pdf") == "sales-pack-FY26Q3-2026-W47.pdf"
    assert pack.file_name(View(**{**view.__dict__, "channel": "partner"}), "pptx") == (
        "sales-pack-FY26Q3-2026-W47-filtered.pptx")


def test_text_from_the_data_is_never_markup(packs):
    for kind in pack.FORMATS:
        text = "\n".join(pages_of(packs["en", kind, False]))
        assert MARKUP in " ".join(text.split())


def test_the_pdf_embeds_its_cjk_font(packs):
    for lang in LANGS:
        listing = subprocess.run([_need("pdffonts"), str(packs[lang, "pdf", False])],
                                 capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in listing.splitlines()[2:]]
        cjk = [r for r in rows if "NotoSansCJK" in r[0]]
        assert cjk, listing
        # Columns from the right: object ID (2), uni, sub, emb.
        assert all(r[-5] == "yes" and r[-4] == "yes" for r in rows), listing


def test_the_charts_are_the_pages_charts_drawn_to_png(packs):
    slides = Presentation(str(packs["zh", "pptx", False])).slides
    pictures = [shape for slide in slides for shape in slide.shapes
                if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 2  # attainment by region, the waterfall
    for picture in pictures:
        assert picture.image.content_type == "image/png"
        width, height = picture.image.size
        assert width == pack.CHART_WIDTH * pack.CHART_SCALE and height > 300


def test_without_an_earlier_snapshot_the_movement_page_says_so(tmp_path, capsys):
    make_snapshot(tmp_path, "2026-11-22", orders=ORDERS, targets=TARGETS)
    out = tmp_path / "one.pdf"
    assert main(["--data-dir", str(tmp_path), "--section", "pack", "--format", "pdf",
                 "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["pages"] == 8
    text = " ".join("\n".join(pdf_pages(out)).split())
    assert t("movement.no_compare", "en", snapshot="2026-W47") in text


def test_the_report_prints_what_it_wrote(data_dir, tmp_path, capsys):
    out = tmp_path / "weekly.pptx"
    out.write_bytes(b"last week's pack")
    assert main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pptx",
                 "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"section": "pack", "format": "pptx", "pages": 8,
                       "bytes": out.stat().st_size, "out": str(out), "mailed_to": []}
    assert Presentation(str(out)).slides  # replaced whole
    assert [p.name for p in tmp_path.iterdir()] == ["weekly.pptx"]  # no temporary file left


def test_save_is_atomic(tmp_path, monkeypatch):
    target_file = tmp_path / "pack.pdf"
    target_file.write_bytes(b"old")
    pack.save(b"new", target_file)
    assert target_file.read_bytes() == b"new"

    def broken(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pack.os, "replace", broken)
    with pytest.raises(OSError):
        pack.save(b"half", target_file)
    assert target_file.read_bytes() == b"new"  # the old file stays whole
    assert [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]


@pytest.mark.parametrize("args, message", [
    (["--format", "json"], "--format: the pack is written as pdf or pptx"),
    (["--format", "pdf"], "--out: the pack needs a file to write"),
    (["--format", "pdf", "--out", "/no/such/folder/pack.pdf"], "--out: no such folder"),
    (["--format", "pdf", "--out", "{tmp}"], "is a folder"),
    (["--format", "pdf", "--out", "{tmp}/pack.pptx"], "does not end in .pdf"),
    (["--format", "pptx", "--out", "{tmp}/x\0.pptx"], "--out: not a usable path"),
    (["--format", "pdf", "--out", "{tmp}/p.pdf", "--mail-to", "boss"],
     "--mail-to: not an e-mail address: 'boss'"),
    (["--format", "pdf", "--lang", "fr", "--out", "{tmp}/p.pdf"], "--lang"),
])
def test_bad_pack_arguments_are_one_line_exit_2(data_dir, tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code = main(["--data-dir", str(data_dir), "--section", "pack", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert [p for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize("args, message", [
    (["--section", "dashboard", "--format", "pdf"], "--format pdf: only the pack"),
    (["--section", "alerts", "--out", "x.pdf"], "--out: only the pack"),
])
def test_pack_arguments_belong_to_the_pack(data_dir, capsys, args, message):
    code = main(["--data-dir", str(data_dir), *args])
    _, err = capsys.readouterr()
    assert code == 2 and message in err


def test_missing_fonts_are_a_clear_error(data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(pack.FONT_DIR_ENV, str(tmp_path))
    pack._vl_convert.cache_clear()
    try:
        code = main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pdf",
                     "--out", str(tmp_path / "p.pdf")])
    finally:
        pack._vl_convert.cache_clear()
    _, err = capsys.readouterr()
    assert code == 2 and "Noto Sans CJK" in err and "fonts-noto-cjk" in err


# ------------------------------------------------------------------------------------ e-mail

class _Inbox:
    """An aiosmtpd handler keeping what it receives; ``refuse`` answers every RCPT with it."""

    def __init__(self, refuse: str | None = None):
        self.messages, self.refuse = [], refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    from tests.browser_support import free_port

    started = []

    def start(refuse: str | None = None):
        inbox = _Inbox(refuse)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        return inbox, controller.port

    yield start
    for controller in started:
        controller.stop()


def _smtp_env(monkeypatch, port: int) -> None:
    monkeypatch.setenv("COCKPIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("COCKPIT_SMTP_PORT", str(port))
    monkeypatch.setenv("COCKPIT_SMTP_FROM", "cockpit@example.com")
    monkeypatch.setenv("COCKPIT_SMTP_TIMEOUT", "10")


def test_the_pack_arrives_by_mail(data_dir, tmp_path, monkeypatch, capsys, smtp_server):
    inbox, port = smtp_server()
    _smtp_env(monkeypatch, port)
    out = tmp_path / "weekly.pdf"
    code = main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pdf",
                 "--lang", "zh", "--region", "R2", "--out", str(out),
                 "--mail-to", "ceo@example.com, vp@example.com"])
    assert code == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["mailed_to"] == ["ceo@example.com",
                                                                "vp@example.com"]
    [(sender, to, content)] = inbox.messages
    assert sender == "cockpit@example.com" and to == ["ceo@example.com", "vp@example.com"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == t("pack.mail.subject", "zh", period=PERIOD, snapshot="2026-W47")
    assert "南二" in message.get_body(("plain",)).get_content()  # says it is filtered
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "weekly.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == out.read_bytes()


def test_mail_without_a_file(data_dir, monkeypatch, capsys, smtp_server):
    inbox, port = smtp_server()
    _smtp_env(monkeypatch, port)
    assert main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pptx",
                 "--mail-to", "ceo@example.com"]) == 0
    assert json.loads(capsys.readouterr().out)["out"] is None
    message = email.message_from_bytes(inbox.messages[0][2], policy=email.policy.default)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"sales-pack-{PERIOD}-2026-W47.pptx"
    assert Presentation(io.BytesIO(attachment.get_content())).slides


def test_a_refused_recipient_is_one_line_and_the_file_stays(data_dir, tmp_path, monkeypatch,
                                                            capsys, smtp_server):
    inbox, port = smtp_server(refuse="550 5.1.1 no such mailbox")
    _smtp_env(monkeypatch, port)
    out = tmp_path / "weekly.pdf"
    code = main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pdf",
                 "--out", str(out), "--mail-to", "nobody@example.com"])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "refused every recipient: nobody@example.com (550 5.1.1 no such mailbox)" in err
    assert f"the pack was written to {out}" in err and out.stat().st_size > 0
    assert inbox.messages == []


@pytest.mark.parametrize("env, message", [
    ({}, "COCKPIT_SMTP_HOST is not set"),
    ({"COCKPIT_SMTP_HOST": "127.0.0.1"}, "COCKPIT_SMTP_FROM is not set"),
    ({"COCKPIT_SMTP_HOST": "127.0.0.1", "COCKPIT_SMTP_FROM": "c@example.com",
      "COCKPIT_SMTP_PORT": "smtp"}, "COCKPIT_SMTP_PORT: 'smtp' is not a port number"),
    ({"COCKPIT_SMTP_HOST": "127.0.0.1", "COCKPIT_SMTP_FROM": "c@example.com",
      "COCKPIT_SMTP_STARTTLS": "maybe"}, "COCKPIT_SMTP_STARTTLS: 'maybe' is not 1 or 0"),
    ({"COCKPIT_SMTP_HOST": "127.0.0.1", "COCKPIT_SMTP_FROM": "c@example.com",
      "COCKPIT_SMTP_USER": "cockpit"}, "COCKPIT_SMTP_PASSWORD is not set"),
])
def test_smtp_misconfiguration_stops_before_any_work(data_dir, tmp_path, monkeypatch, capsys,
                                                     env, message):
    for name, _, _ in mail.SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "p.pdf"
    code = main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pdf",
                 "--out", str(out), "--mail-to", "ceo@example.com"])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("error: --mail-to: ") and message in err
    assert not out.exists()


def test_an_unreachable_server_is_one_line(data_dir, monkeypatch, capsys):
    from tests.browser_support import free_port

    _smtp_env(monkeypatch, free_port())  # nothing listens there
    code = main(["--data-dir", str(data_dir), "--section", "pack", "--format", "pdf",
                 "--mail-to", "ceo@example.com"])
    _, err = capsys.readouterr()
    assert code == 2 and "cannot reach the SMTP server 127.0.0.1:" in err
    assert len(err.strip().splitlines()) == 1


def test_a_password_never_shows(monkeypatch):
    smtp = mail.settings({"COCKPIT_SMTP_HOST": "127.0.0.1", "COCKPIT_SMTP_FROM": "c@example.com",
                          "COCKPIT_SMTP_USER": "cockpit", "COCKPIT_SMTP_PASSWORD": "s3cret!"})
    assert smtp.starttls and smtp.port == 587  # logging in: STARTTLS by default
    assert "s3cret!" not in repr(smtp).replace("password='s3cret!'", "")
    with pytest.raises(mail.MailError) as refused:
        mail.recipients("ceo@example.com\r\nBcc: everyone@example.com")
    assert "not an e-mail address" in str(refused.value)


# ---------------------------------------------------------------------------------- the rest

def test_the_dashboard_offers_both_files(data_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(config.DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["period"] = PERIOD
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [t("pack.download.pdf", "en"),
                                                t("pack.download.pptx", "en")]
    assert not any(b.proto.disabled for b in buttons)


def test_without_fonts_the_dashboard_says_why_there_is_no_pack(data_dir, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(config.DATA_DIR_ENV, str(data_dir))
    monkeypatch.setenv(pack.FONT_DIR_ENV, str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 2 and all(b.proto.disabled for b in buttons)
    assert "fonts-noto-cjk" in buttons[0].proto.help


def test_every_pack_string_key_exists_and_the_languages_match():
    used = set()
    for path in (ROOT / "metrics").glob("pack*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text()))
    assert used and sorted(used - set(STRINGS)) == []
    assert report.LANGS == LANGS


def test_the_readme_documents_the_smtp_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, _, meaning in mail.SETTINGS:
        assert f"| `{name}` |" in readme and meaning in readme


@pytest.mark.parametrize("kind", pack.FORMATS)
def test_a_leads_pack_is_their_scope_and_says_so_on_every_page(data_dir, tmp_path, kind):
    """Built --as a regional lead (SPEC §11): the numbers are the lead's region's, and every
    page names the scope."""
    (data_dir / "access.toml").write_text('[people."lead.r2@example.com"]\nrole = "lead"\n'
                                          'regions = ["R2"]\n', encoding="utf-8")
    try:
        path = tmp_path / f"lead.{kind}"
        assert main(["--data-dir", str(data_dir), "--section", "pack", "--period", PERIOD,
                     "--format", kind, "--lang", "en", "--out", str(path),
                     "--as", "lead.r2@example.com"]) == 0
        mine = _report(data_dir, "dashboard", "--as", "lead.r2@example.com")
        assert mine == _report(data_dir, "dashboard", "--region", "R2")
        pages = pages_of(path)
        said = t("pack.filters.some", "en", filters="Regional lead · South Two")
        assert len(pages) == 8 and all(said in " ".join(text.split()) for text in pages)
        assert fmt.money(mine["revenue"], "en") in " ".join(pages[1].split())
        whole = _report(data_dir, "dashboard")
        assert fmt.money(whole["revenue"], "en") not in " ".join(" ".join(pages).split())
    finally:
        (data_dir / "access.toml").unlink()
