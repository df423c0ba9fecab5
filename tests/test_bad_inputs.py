"""A named battery of bad input (issue "Nothing a file, a link or a command can send breaks a
page"): hostile links, broken snapshots and bad configuration files. Each case asserts the
message a person sees and that nothing on disk changed. (Command-line abuse of the report and
the demo: tests/test_bad_inputs_report.py; of the importer: tests/test_importer.py.)"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import store
from data.store import validate
from tests.builders import make_snapshot, opportunity, order, target
from tests.test_app import plain, run


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "cache" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-inputs")
    make_snapshot(root, "2026-11-15", orders=[order("2026-10-02", 900, 800)])
    make_snapshot(root, "2026-11-22", orders=[order("2026-10-02", 1_000, 880)],
                  targets=[target("2026-10", 2_000, 200)],
                  opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15")])
    return root


# --- links ---------------------------------------------------------------------------------------
# (name, query parameters, what the notice names, or None when the value is valid)
LINKS = [
    ("far-future week", {"period": "9999-W52"}, "period=9999-W52"),
    ("first week of year 1", {"period": "0001-W01"}, "period=0001-W01"),
    ("far-future month", {"period": "9999-12"}, "period=9999-12"),
    ("no such quarter", {"period": "FY26Q5"}, "period=FY26Q5"),
    ("no week 53 in 2025", {"period": "2025-W53"}, "period=2025-W53"),
    ("markdown link region", {"region": "[sign in](http://evil.example)"},
     "region=[sign in](http://evil.example)"),
    ("html region", {"region": "<script>alert(1)</script>"}, "region=<script>alert(1)</script>"),
    ("sql in industry", {"industry": "GOV' OR '1'='1"}, "industry=GOV' OR '1'='1"),
    ("path in snapshot", {"snapshot": "../../etc/passwd"}, "snapshot=../../etc/passwd"),
    ("unknown snapshot", {"snapshot": "2030-W01"}, "snapshot=2030-W01"),
    ("unknown product line", {"product_line": "GTX"}, "product_line=GTX"),
    ("unknown channel", {"channel": "carrier pigeon"}, "channel=carrier pigeon"),
    ("unknown language", {"lang": "fr"}, "lang=fr"),
    ("unknown parameter", {"utm_source": "chat"}, "utm_source=chat"),
    ("latex amount", {"region": "$x^2$"}, "region=$x^2$"),
    ("emoji directive", {"region": ":red[alarm]"}, "region=:red[alarm]"),
    ("deal with control characters", {"deal": "OP1\x00;--"}, None),
    ("compare with itself", {"compare": "2026-W47"}, "compare=2026-W47"),
]


@pytest.mark.parametrize("params, named", [(p, n) for _, p, n in LINKS],
                         ids=[name for name, _, _ in LINKS])
def test_a_hostile_link_gives_a_notice_and_a_working_page(data_dir, monkeypatch, params, named):
    before = tree_hash(data_dir)
    at = run(data_dir, monkeypatch, **params)
    assert not at.exception
    assert len(at.metric) >= 6  # the dashboard is drawn
    notices = [plain(w.value) for w in at.warning]
    if named is not None:
        assert any(named in n for n in notices), notices
    for element in [*at.warning, *at.caption, *at.subheader]:  # shown as text, never Markdown
        assert "](" not in element.value.replace("\\](", "")
    assert tree_hash(data_dir) == before


# --- snapshots -----------------------------------------------------------------------------------

def _table(path: Path, name: str, change) -> None:
    file = path / f"{name}.parquet"
    pq.write_table(change(pq.read_table(file)), file)


def _column(name: str, values):
    def change(table: pa.Table) -> pa.Table:
        i = table.column_names.index(name)
        return table.set_column(i, name, pa.array(values, type=table.schema.field(name).type))
    return change


def _manifest(change):
    def apply(path: Path) -> None:
        manifest = json.loads((path / "manifest.json").read_text())
        (path / "manifest.json").write_text(change(manifest))
    return apply


SNAPSHOTS = [
    ("manifest missing", lambda p: (p / "manifest.json").unlink(), "manifest.json missing"),
    ("manifest not json", lambda p: (p / "manifest.json").write_text("{no"),
     "manifest.json unreadable"),
    ("manifest a list", lambda p: (p / "manifest.json").write_text("[]"),
     "manifest.json is not an object"),
    ("as_of not a date", _manifest(lambda m: json.dumps({**m, "as_of": "soon"})),
     "as_of 'soon' is not a date"),
    ("as_of a Friday", _manifest(lambda m: json.dumps({**m, "as_of": "2026-11-20"})),
     "is not the Sunday of its week"),
    ("as_of another week", _manifest(lambda m: json.dumps({**m, "as_of": "2026-11-29"})),
     "is not in week 2026-W47"),
    ("row count mismatch", _manifest(lambda m: json.dumps({**m, "tables": {"orders": 7}})),
     "orders: 2 rows, manifest says 7"),
    ("not parquet", lambda p: (p / "orders.parquet").write_bytes(b"PAR1 garbage"),
     "orders: unreadable Parquet"),
    ("no fact table", lambda p: [(p / f"{t}.parquet").unlink() for t in
                                 ("orders", "opportunities")], "a snapshot needs"),
    ("null primary key", lambda p: _table(p, "orders", _column("order_id", [None, "O2"])),
     "orders: 1 rows without a primary key"),
    ("duplicate primary key", lambda p: _table(p, "orders", _column("order_id", ["O1", "O1"])),
     "orders: 1 duplicate primary keys"),
    ("nan discount", lambda p: _table(p, "orders", _column("discount_pct", [float("nan"), 0.1])),
     "discount_pct outside [0, 1]"),
    ("discount above 1", lambda p: _table(p, "orders", _column("discount_pct", [1.5, 0.1])),
     "discount_pct outside [0, 1]"),
    ("negative revenue not a return",
     lambda p: _table(p, "orders", _column("revenue", [-5, 100])), "negative revenue"),
    ("order after as_of",
     lambda p: _table(p, "orders", _column("order_date", [store.dt.date(2026, 11, 25)] * 2)),
     "dated after as_of"),
    ("orphan customer", lambda p: _table(p, "orders", _column("customer_id", ["NOPE", "C1"])),
     "orders.customer_id: 1 values not found"),
    ("stage zero", lambda p: _table(p, "opportunities", _column("stage", [0])),
     "with stage outside 1–5"),
    ("won at stage two", lambda p: _table(p, "opportunities", _column("status", ["won"])),
     "whose status disagrees"),
    ("nan expected margin",
     lambda p: _table(p, "opportunities", _column("expected_margin_pct", [float("nan")])),
     "expected_margin_pct that is not a number"),
    ("uncastable amount", lambda p: _table(p, "opportunities", lambda t: t.set_column(
        t.column_names.index("amount"), "amount", pa.array(["lots"]))),
     "values not castable: amount"),
    ("missing column", lambda p: _table(p, "orders", lambda t: t.drop_columns(["revenue"])),
     "orders: columns missing: revenue"),
]


@pytest.mark.parametrize("damage, message", [(d, m) for _, d, m in SNAPSHOTS],
                         ids=[name for name, _, _ in SNAPSHOTS])
def test_a_broken_snapshot_is_listed_with_its_error_and_never_served(tmp_path, damage, message):
    good = make_snapshot(tmp_path, "2026-11-15", orders=[order("2026-10-02", 900, 800)])
    bad = make_snapshot(tmp_path, "2026-11-22",
                        orders=[order("2026-10-02", 100, 80), order("2026-10-03", 100, 80)],
                        opportunities=[opportunity("OP1", 2_000, 2, "2026-12-15")])
    assert bad.valid
    damage(bad.path)
    store._validation_cache.clear()
    before = tree_hash(tmp_path)
    infos = store.discover(tmp_path)
    broken = next(i for i in infos if i.snapshot_id == "2026-W47")
    assert not broken.valid and any(message in e for e in broken.errors), broken.errors
    assert store.newest_valid(infos).snapshot_id == good.snapshot_id
    assert tree_hash(tmp_path) == before  # validation writes only its record under cache/


# --- configuration files -------------------------------------------------------------------------
CONFIGS = [
    ("weights not a table", "[scorecard]\nweights = 5\n", "unknown key scorecard.weights"),
    ("section a number", "alerts = 5\n", "unknown key alerts"),
    ("misspelled section", "[alert]\ndeep_discount = 0.3\n", "unknown key alert.deep_discount"),
    ("huge weight", "[scorecard.weights]\nmargin_attainment = 1e308\n", "must be at most"),
    ("not utf-8", b"[business]\ncurrency = \"\xff\"\n", "is not UTF-8 text"),
    ("not toml", "[business\n", "is not valid TOML"),
    ("markdown in a key", "[business]\n\"[x](http://evil)\" = 1\n",
     "unknown key business.[x](http://evil)"),
    ("currency word", "[business]\ncurrency = \"dollars\"\n", "must be an ISO 4217 code"),
]


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in CONFIGS],
                         ids=[name for name, _, _ in CONFIGS])
def test_a_bad_configuration_stops_every_page_with_its_file_and_key(data_dir, monkeypatch,
                                                                     tmp_path, text, message):
    path = tmp_path / "cockpit.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    monkeypatch.setenv("COCKPIT_CONFIG", str(path))
    before = tree_hash(data_dir)
    for page in ("pages/views/dashboard.py", "pages/views/alerts.py", "pages/views/data.py"):
        at = run(data_dir, monkeypatch)
        at = at.switch_page(page).run()
        assert not at.exception
        shown = [plain(e.value) for e in at.error]
        assert any(message in s and "cockpit.toml" in s for s in shown), shown
        assert not at.metric
    assert tree_hash(data_dir) == before


def test_names_from_data_are_shown_as_text(tmp_path, monkeypatch):
    """A region and a deal named with Markdown show as typed in headers, notices and captions:
    no link, no image, no math, no colour."""
    from tests.builders import REGIONS

    hostile = "[sign in](http://evil.example) $x$ :red[**alarm**]"
    regions = [{**REGIONS[0], "name_en": hostile, "name_zh": hostile}, *REGIONS[1:]]
    make_snapshot(tmp_path, "2026-11-22", regions=regions,
                  orders=[order("2026-10-02", 1_000, 880)],
                  targets=[target("2026-10", 2_000, 200)],
                  opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15",
                                             name="![x](http://evil.example/i.png)")])
    at = run(tmp_path, monkeypatch, region="R1", period="2026-10")
    at = at.switch_page("pages/views/scorecard.py").run()
    assert not at.exception
    markdown = [e.value for e in (*at.header, *at.subheader, *at.caption, *at.warning, *at.info)]
    shown = [plain(v) for v in markdown]
    assert any(hostile in s for s in shown), shown  # the name reads as typed…
    for value in markdown:  # …because every bracket, dollar and colon in it is escaped
        if "sign in" in value:
            assert r"\[sign in\]" in value and r"\$x\$" in value and r"\:red\[" in value
    pipeline = run(tmp_path, monkeypatch, deal="OP1").switch_page("pages/views/pipeline.py").run()
    assert not pipeline.exception
    title = next(s.value for s in pipeline.subheader if "evil" in s.value)
    assert r"!\[x\](http\://evil.example/i.png)" in title
