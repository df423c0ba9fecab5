"""The importer (SPEC §9): CRM and ERP exports → validated snapshots; one-line errors, nothing
written on error; backfill; determinism. Fixtures are generated here under tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data import importer
from data.importer import (ImportProblem, build_tables, import_files, main, preview,
                           read_sources)
from data.mapping import (ColumnRule, MappingProblem, guess_mapping, load_mapping,
                          mapping_to_toml)
from data.store import validate

ROOT = Path(__file__).resolve().parent.parent
D = dt.date.fromisoformat

# ------------------------------------------------------------------ a CRM export (sample-like)

SALES_TEAMS = """sales_agent,manager,regional_office
Anna Lee,Mia Manager,East
Bob Chen,Mia Manager,East
Cara Diaz,Max Manager,West
"""
ACCOUNTS = """account,sector,office_location
Acme,technology,United States
Betatech,medical,Kenya
Cyber,retail,Germany
"""
PRODUCTS = """product,series,sales_price
GTX Basic,GTX,550
MG Special,MG,55
GTK 500,GTK,26768
"""
PIPELINE = (
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
    """O1,Anna Lee,GTX Basic,Acme,Won,2026-10-20,2026-11-03,1054
O2,Bob Chen,MG Special,Betatech,Lost,2026-10-25,2026-11-10,0
O3,Cara Diaz,GTK 500,Cyber,Engaging,2026-11-02,,
O4,Anna Lee,GTX Basic,Cyber,Prospecting,,,
O5,Cara Diaz,MG Special,Acme,Won,2026-11-05,2026-11-22,60
O6,Bob Chen,GTK 500,Acme,Engaging,2026-11-16,,
""")
HISTORY = """opportunity_id,deal_stage,changed_on
O1,Prospecting,2026-10-20
O1,Engaging,2026-10-27
O1,Won,2026-11-03
O2,Prospecting,2026-10-25
O2,Lost,2026-11-10
O5,Prospecting,2026-11-05
O5,Engaging,2026-11-12
O5,Won,2026-11-22
"""
CRM_MAPPING = """
[opportunities]
file = "sales_pipeline.csv"

[opportunities.columns]
opportunity_id = "opportunity_id"
rep_id = "sales_agent"
product_id = "product"
customer_id = "account"
stage = { column = "deal_stage", map = "stages" }
created_date = "engage_date"
closed_date = "close_date"
amount = "close_value"

[opportunity_history]
file = "stage_history.csv"
optional = true

[opportunity_history.columns]
opportunity_id = "opportunity_id"
stage = { column = "deal_stage", map = "stages" }
entered_date = "changed_on"

[reps]
file = "sales_teams.csv"

[reps.columns]
rep_id = "sales_agent"
region_id = "regional_office"

[customers]
file = "accounts.csv"

[customers.columns]
customer_id = "account"
industry_id = "sector"

[products]
file = "products.csv"

[products.columns]
product_id = "product"
product_line = "series"
series = "series"
list_price = "sales_price"

[maps.stages]
Prospecting = 1
Engaging = 2
Won = "won"
Lost = "lost"
"""


def crm_files(folder: Path, history: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"sales_teams.csv": SALES_TEAMS, "accounts.csv": ACCOUNTS, "products.csv": PRODUCTS,
             "sales_pipeline.csv": PIPELINE}
    if history:
        files["stage_history.csv"] = HISTORY
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "crm.toml").write_text(CRM_MAPPING, encoding="utf-8")
    return [folder / name for name in files]


def read_snapshot(path: Path) -> dict[str, list[dict]]:
    return {f.stem: pq.read_table(f).to_pylist() for f in sorted(path.glob("*.parquet"))}


def test_crm_export_becomes_a_valid_snapshot(tmp_path):
    files = crm_files(tmp_path / "in")
    data_dir = tmp_path / "data"
    assert main(["--data-dir", str(data_dir), "--mapping", str(tmp_path / "in" / "crm.toml"),
                 *map(str, files)]) == 0
    path = data_dir / "snapshots" / "2026-W47"  # newest date 2026-11-22 is a Sunday
    info = validate(path)
    assert info.valid, info.errors
    assert info.as_of == D("2026-11-22")
    tables = read_snapshot(path)
    deals = {d["opportunity_id"]: d for d in tables["opportunities"]}
    assert sorted(tables) == ["customers", "opportunities", "products", "reps"]
    assert [d for d in deals if deals[d]["status"] == "open"] == ["O3", "O4", "O6"]
    assert sum(d["amount"] for d in deals.values() if d["status"] == "won") == Decimal("1114.00")
    # stages: open 1..4, won = 5, a lost deal without history keeps lost_stage (default 1)
    assert {d: deals[d]["stage"] for d in deals} == {"O1": 5, "O2": 1, "O3": 2, "O4": 1,
                                                     "O5": 5, "O6": 2}
    # derived keys: region from the rep, industry from the account, product line from product
    assert (deals["O3"]["region_id"], deals["O3"]["industry_id"], deals["O3"]["product_line"]) \
        == ("West", "retail", "GTK")
    assert deals["O1"]["closed_date"] == D("2026-11-03")
    assert deals["O1"]["expected_close_date"] == D("2026-11-03")
    assert deals["O3"]["closed_date"] is None and deals["O3"]["amount"] is None
    assert deals["O4"]["created_date"] is None and deals["O4"]["name"] == "O4"
    assert deals["O1"]["source"] == "rep" and deals["O1"]["last_activity_date"] is None
    reps = {r["rep_id"]: r for r in tables["reps"]}
    assert reps["Cara Diaz"]["region_id"] == "West" and reps["Cara Diaz"]["active"] is True
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["tables"]["opportunities"] == 6
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".")]  # no temp folder left


def test_lost_deal_keeps_the_last_open_stage_of_its_history(tmp_path):
    files = crm_files(tmp_path / "in", history=True)
    text = PIPELINE.replace("O2,Bob Chen,MG Special,Betatech,Lost",
                            "O2,Bob Chen,MG Special,Betatech,Lost")
    (tmp_path / "in" / "sales_pipeline.csv").write_text(text)
    history = HISTORY.replace("O2,Lost,2026-11-10", "O2,Engaging,2026-11-01\nO2,Lost,2026-11-10")
    (tmp_path / "in" / "stage_history.csv").write_text(history)
    mapping = load_mapping(tmp_path / "in" / "crm.toml")
    with read_sources(files, mapping) as sources:
        tables = build_tables(mapping, sources)
    deals = {d["opportunity_id"]: d for d in tables["opportunities"].to_pylist()}
    assert deals["O2"]["stage"] == 2 and deals["O2"]["status"] == "lost"
    history_rows = tables["opportunity_history"].to_pylist()
    assert {(h["opportunity_id"], h["stage"]) for h in history_rows} >= {("O1", 5), ("O2", 2)}
    assert not [h for h in history_rows if h["opportunity_id"] == "O2" and h["stage"] == 1
                and h["entered_date"] == D("2026-11-10")]  # the "Lost" entry is no stage


def test_backfill_reconstructs_earlier_weeks(tmp_path):
    files = crm_files(tmp_path / "in", history=True)
    data_dir = tmp_path / "data"
    written = import_files(data_dir, tmp_path / "in" / "crm.toml", files, backfill_weeks=2)
    assert [p.name for p in written] == ["2026-W47", "2026-W46", "2026-W45"]
    for path in written:
        assert validate(path).valid, validate(path).errors
    w46 = {d["opportunity_id"]: d for d in read_snapshot(written[1])["opportunities"]}
    assert "O6" not in w46  # created 2026-11-16, after that Sunday (2026-11-15)
    # O5 was won on 2026-11-22: open on 2026-11-15 at its stage then (Engaging since 11-12)
    assert (w46["O5"]["status"], w46["O5"]["stage"], w46["O5"]["closed_date"]) == ("open", 2, None)
    assert (w46["O2"]["status"], w46["O1"]["status"]) == ("lost", "won")
    w45 = {d["opportunity_id"]: d for d in read_snapshot(written[2])["opportunities"]}
    assert sorted(w45) == ["O1", "O2", "O3", "O4", "O5"]
    assert (w45["O5"]["stage"], w45["O2"]["status"], w45["O2"]["stage"]) == (1, "open", 1)
    history_w45 = read_snapshot(written[2])["opportunity_history"]
    assert max(h["entered_date"] for h in history_w45) <= D("2026-11-08")
    manifest = json.loads((written[2] / "manifest.json").read_text())
    assert manifest["as_of"] == "2026-11-08" and "reconstructed" in manifest["source"]


def test_same_input_gives_identical_snapshots(tmp_path):
    files = crm_files(tmp_path / "in", history=True)
    first = import_files(tmp_path / "a", tmp_path / "in" / "crm.toml", files)
    second = import_files(tmp_path / "b", tmp_path / "in" / "crm.toml", list(reversed(files)))
    assert read_snapshot(first[0]) == read_snapshot(second[0])
    for a, b in zip(sorted(first[0].glob("*.parquet")), sorted(second[0].glob("*.parquet"))):
        assert pq.read_table(a).equals(pq.read_table(b))
    manifests = [json.loads((p[0] / "manifest.json").read_text()) for p in (first, second)]
    for m in manifests:
        m.pop("created_at")
    assert manifests[0] == manifests[1]


# ------------------------------------------------------- an ERP order-line export, three ways

REPS = "Rep,Name,Region\nR-ANN,Ann,N1\nR-BOB,Bob,S2\nR-CAT,Cat,N1\n"
CUSTOMERS = "Customer,Name,Industry\nC1,Harbin Power,GOV\nC2,Canton School,EDU\n"
MATERIALS = "Material,Description,Line\nP-PC,Desk 100,PC\nP-NB,Book 200,NB\nP-SV,Rack 300,Server\n"
# order, line, date, customer, rep, material, qty, revenue, cost, discount, channel, special
LINES = [
    ("SO-1001", 1, "2026-11-02", "C1", "R-ANN", "P-PC", 10, "12345.50", "10000.00", "0.05", "D",
     "N"),
    ("SO-1001", 2, "2026-11-02", "C1", "R-ANN", "P-SV", 1, "90000.00", "72000.00", "0", "D", "Y"),
    ("SO-1002", 1, "2026-11-10", "C2", "R-BOB", "P-NB", 5, "40000.00", "34500.00", "0.12", "P",
     "N"),
    ("SO-1003", 1, "2026-11-18", "C2", "R-BOB", "P-PC", -2, "-2469.10", "-2000.00", "0", "P", "N"),
    ("SO-1004", 1, "2026-11-22", "C1", "R-CAT", "P-NB", 3, "24000.00", "20700.00", "0.10", "D",
     "Y"),
]
DIMENSIONS = """
[reps]
file = "reps.csv"
[reps.columns]
rep_id = "Rep"
name = "Name"
region_id = "Region"

[customers]
file = "customers.csv"
[customers.columns]
customer_id = "Customer"
name = "Name"
industry_id = "Industry"

[products]
file = "materials.csv"
[products.columns]
product_id = "Material"
name = "Description"
product_line = "Line"
"""
ERP_CSV_MAPPING = """
[orders]
file = "orders.csv"
encoding = "utf-8"

[orders.columns]
order_id = "Order No"
line_no = "Line"
order_date = "Order Date"
customer_id = "Customer"
rep_id = "Sales Rep"
product_id = "Material"
quantity = "Qty"
revenue = "Net Amount"
cost = "Cost"
discount_pct = "Discount"
channel = { column = "Channel", map = "channels" }
special_price = "Special"

[maps.channels]
Direct = "direct"
Partner = "partner"
""" + DIMENSIONS
ERP_GBK_MAPPING = """
[defaults]
date_format = "%d/%m/%Y"
decimal = ","
thousands = "."

[orders]
file = "订单*.csv"
encoding = "gbk"
delimiter = ";"

[orders.columns]
order_id = "订单号"
order_date = "日期"
customer_id = "客户"
rep_id = "销售"
product_id = "产品"
quantity = "数量"
revenue = "金额"
cost = "成本"
discount_pct = "折扣"
channel = { column = "渠道", map = { "直销" = "direct", "分销" = "partner" } }
special_price = { column = "特价", map = { "是" = true, "否" = false } }
""" + DIMENSIONS
ERP_XLSX_MAPPING = """
[orders]
file = "export.xlsx"
sheet = "Lines"
header_row = 3

[orders.columns]
order_id = "sales order"
line_no = "Item"
order_date = "Posting Date"
customer_id = "Sold-to"
rep_id = "Employee"
product_id = "Material"
quantity = "Quantity"
revenue = "Net Value"
cost = "COGS"
discount_pct = "Disc %"
channel = { column = "Route", map = "route" }
special_price = "SP"

[maps.route]
D = "direct"
P = "partner"
""" + DIMENSIONS


def erp_dimensions(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"reps.csv": REPS, "customers.csv": CUSTOMERS, "materials.csv": MATERIALS}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def erp_csv(folder: Path, lines=LINES, mapping: str = ERP_CSV_MAPPING) -> list[Path]:
    """UTF-8, comma-separated, ISO dates, "12,345.50" amounts, Direct/Partner, Y/N."""
    rows = ["Order No,Line,Order Date,Customer,Sales Rep,Material,Qty,Net Amount,Cost,Discount,"
            "Channel,Special"]
    for o, ln, d, c, r, m, q, rev, cost, disc, ch, sp in lines:
        rows.append(f'{o},{ln},{d},{c},{r},{m},{q},"{float(rev):,.2f}","{float(cost):,.2f}",'
                    f'{disc},{"Direct" if ch == "D" else "Partner"},{sp}')
    (folder / "orders.csv").parent.mkdir(parents=True, exist_ok=True)
    (folder / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "erp.toml").write_text(mapping, encoding="utf-8")
    return [folder / "orders.csv", *erp_dimensions(folder)]


def erp_gbk(folder: Path) -> list[Path]:
    """GBK, semicolons, Chinese headers, dd/mm/yyyy, "￥12.345,50", "5%", no line numbers."""
    rows = ["订单号;日期;客户;销售;产品;数量;金额;成本;折扣;渠道;特价"]
    for o, _, d, c, r, m, q, rev, cost, disc, ch, sp in LINES:
        day = dt.date.fromisoformat(d).strftime("%d/%m/%Y")
        money = [f"￥{float(v):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
                 for v in (rev, cost)]
        rows.append(f"{o};{day};{c};{r};{m};{q};{money[0]};{money[1]};"
                    f"{float(disc) * 100:g}%;{'直销' if ch == 'D' else '分销'};"
                    f"{'是' if sp == 'Y' else '否'}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "订单导出.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    (folder / "erp.toml").write_text(ERP_GBK_MAPPING, encoding="utf-8")
    return [folder / "订单导出.csv", *erp_dimensions(folder)]


def erp_xlsx(folder: Path) -> list[Path]:
    """Another sheet first, two title rows, real dates, numbers and booleans."""
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["exported by the ERP"])
    sheet = book.create_sheet("Lines")
    sheet.append(["Order lines, November"])
    sheet.append([])
    sheet.append(["Sales Order", "Item", "Posting Date", "Sold-to", "Employee", "Material",
                  "Quantity", "Net Value", "COGS", "Disc %", "Route", "SP"])
    for o, ln, d, c, r, m, q, rev, cost, disc, ch, sp in LINES:
        sheet.append([o, ln, dt.datetime.fromisoformat(d), c, r, m, q, float(rev), float(cost),
                      float(disc), ch, sp == "Y"])
    sheet.append([None] * 12)  # a formatted but empty row
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / "export.xlsx")
    (folder / "erp.toml").write_text(ERP_XLSX_MAPPING, encoding="utf-8")
    return [folder / "export.xlsx", *erp_dimensions(folder)]


def test_erp_csv_gbk_and_xlsx_give_identical_snapshots(tmp_path):
    snapshots = []
    for name, make in (("csv", erp_csv), ("gbk", erp_gbk), ("xlsx", erp_xlsx)):
        files = make(tmp_path / name)
        written = import_files(tmp_path / f"data-{name}", tmp_path / name / "erp.toml", files)
        assert [p.name for p in written] == ["2026-W47"]
        assert validate(written[0]).valid, validate(written[0]).errors
        snapshots.append(read_snapshot(written[0]))
    assert snapshots[0] == snapshots[1] == snapshots[2]
    orders = snapshots[0]["orders"]
    assert sum(o["revenue"] for o in orders) == Decimal("163876.40")
    by_key = {(o["order_id"], o["line_no"]): o for o in orders}
    assert by_key[("SO-1002", 1)]["region_id"] == "S2"  # the rep's region
    assert by_key[("SO-1004", 1)]["industry_id"] == "GOV"  # the customer's industry
    assert by_key[("SO-1001", 2)]["product_line"] == "Server"  # the product's line
    assert by_key[("SO-1001", 2)]["special_price"] is True
    assert by_key[("SO-1002", 1)]["channel"] == "partner"
    assert by_key[("SO-1002", 1)]["discount_pct"] == pytest.approx(0.12)
    assert by_key[("SO-1003", 1)]["quantity"] == -2
    assert by_key[("SO-1001", 1)]["opportunity_id"] is None


def test_gbk_is_detected_when_the_mapping_says_auto(tmp_path):
    files = erp_gbk(tmp_path / "in")
    mapping = ERP_GBK_MAPPING.replace('encoding = "gbk"\n', "").replace('delimiter = ";"\n', "")
    with read_sources(files, load_mapping(mapping)) as sources:
        tables = build_tables(load_mapping(mapping), sources)
    assert tables["orders"].num_rows == 5
    assert sorted(set(tables["orders"].column("channel").to_pylist())) == ["direct", "partner"]


def test_rows_after_as_of_are_left_out_with_a_note(tmp_path):
    files = erp_csv(tmp_path / "in")
    notes: list[str] = []
    written = import_files(tmp_path / "data", tmp_path / "in" / "erp.toml", files,
                           as_of=D("2026-11-15"), notes=notes)
    assert written[0].name == "2026-W46"
    orders = read_snapshot(written[0])["orders"]
    assert sorted({o["order_id"] for o in orders}) == ["SO-1001", "SO-1002"]
    assert any("2 orders rows" in note for note in notes)


def test_as_of_must_be_a_sunday_and_snapshots_are_never_overwritten(tmp_path, capsys):
    files = erp_csv(tmp_path / "in")
    args = ["--data-dir", str(tmp_path / "data"), "--mapping", str(tmp_path / "in" / "erp.toml"),
            *map(str, files)]
    assert main([*args, "--as-of", "2026-11-16"]) == 2
    assert "2026-11-16 is a Monday" in capsys.readouterr().err
    assert main(args) == 0
    capsys.readouterr()
    before = tree_hash(tmp_path / "data")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "2026-W47 already exists" in err and len(err.strip().splitlines()) == 1
    assert tree_hash(tmp_path / "data") == before


# ---------------------------------------------------------------------------- bad inputs

def tree_hash(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "dir" for p in sorted(root.rglob("*"))}


def _break_column(folder: Path):
    text = (folder / "erp.toml").read_text().replace('"Order Date"', '"Order Datum"')
    (folder / "erp.toml").write_text(text)


def _break_date(folder: Path):
    lines = list(LINES)
    lines[1] = (*lines[1][:2], "2026-11-31", *lines[1][3:])  # row 3 of the file
    erp_csv(folder, lines)


def _break_value(folder: Path):
    text = (folder / "orders.csv").read_text().splitlines()
    text[3] = text[3].replace("Partner", "Online")  # row 4: SO-1002
    (folder / "orders.csv").write_text("\n".join(text) + "\n")


def _break_encoding(folder: Path):
    text = (folder / "orders.csv").read_text().splitlines()
    text[4] = text[4].replace(",C2,", ",广州,")  # row 5, column Customer
    (folder / "orders.csv").write_bytes(("\n".join(text) + "\n").encode("gbk"))


def _break_empty(folder: Path):
    (folder / "orders.csv").write_bytes(b"")


def _break_mapping_key(folder: Path):
    text = (folder / "erp.toml").read_text().replace("[orders.columns]", "[orders.colums]")
    (folder / "erp.toml").write_text(text)


BAD_INPUTS = {
    "missing column": (_break_column, ["orders.csv", "row 1", '"Order Datum"', "no such column"]),
    "unparseable date": (_break_date, ["orders.csv", "row 3", '"Order Date"', "'2026-11-31'",
                                       "not a date"]),
    "value without map entry": (_break_value, ["orders.csv", "row 4", '"Channel"', "'Online'",
                                               "[maps.channels]"]),
    "wrong encoding": (_break_encoding, ["orders.csv", "row 5", '"Customer"', "not UTF-8"]),
    "empty file": (_break_empty, ["orders.csv", "row 1", "empty"]),
    "unknown mapping key": (_break_mapping_key, ["erp.toml", "orders.colums", "unknown key",
                                                 "did you mean 'columns'"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, case):
    break_it, expected = BAD_INPUTS[case]
    data_dir = tmp_path / "data"
    files = erp_csv(tmp_path / "in")
    assert main(["--data-dir", str(data_dir), "--mapping", str(tmp_path / "in" / "erp.toml"),
                 "--as-of", "2026-11-08", *map(str, files)]) == 0  # an earlier week is there
    capsys.readouterr()
    before = tree_hash(data_dir)
    break_it(tmp_path / "in")
    assert main(["--data-dir", str(data_dir), "--mapping", str(tmp_path / "in" / "erp.toml"),
                 "--backfill-weeks", "1", *map(str, files)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    for part in expected:
        assert part in err, (part, err)
    assert tree_hash(data_dir) == before


def test_bad_input_via_the_command_line_has_no_traceback(tmp_path):
    files = erp_csv(tmp_path / "in")
    _break_date(tmp_path / "in")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    out = subprocess.run(
        [sys.executable, "-m", "data.importer", "--data-dir", str(data_dir),
         "--mapping", str(tmp_path / "in" / "erp.toml"), *map(str, files)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and "orders.csv, row 3" in out.stderr
    assert list(data_dir.iterdir()) == []


@pytest.mark.parametrize("text, problem", [
    ("[orders]\nfile = 1\n[orders.columns]\norder_id='a'\norder_date='b'\nrevenue='c'\n",
     "key orders.file"),
    ("[orders]\nfile = 'o.csv'\n[orders.columns]\norder_id='a'\norder_date='b'\n",
     "revenue is required"),
    ("[orders]\nfile = 'o.csv'\ndecimal = ';'\n[orders.columns]\norder_id='a'\n"
     "order_date='b'\nrevenue='c'\n", "key orders.decimal"),
    ("[orders]\nfile = 'o.csv'\n[orders.columns]\norder_id='a'\norder_date='b'\nrevenue='c'\n"
     "channel = { column = 'x', map = 'nope' }\n", "no [maps.nope]"),
    ("[orders]\nfile = 'o.csv'\n[orders.columns]\norder_id='a'\norder_date='b'\nrevenue='c'\n"
     "chanel = 'x'\n", "did you mean 'channel'"),
    ("[customers]\nfile = 'c.csv'\n[customers.columns]\ncustomer_id='a'\n",
     "needs [orders] or [opportunities]"),
    ("[orders\n", "not valid TOML"),
])
def test_bad_mapping_files_name_the_key(text, problem):
    with pytest.raises(MappingProblem) as caught:
        load_mapping(text, name="m.toml")
    assert problem in str(caught.value) and str(caught.value).startswith("m.toml")
    assert "\n" not in str(caught.value)


def test_more_bad_cells_are_named_by_row_and_column(tmp_path):
    files = erp_csv(tmp_path / "in")
    mapping = load_mapping(tmp_path / "in" / "erp.toml")
    cases = {
        # a thousands separator set to "," refuses a decimal comma instead of reading 15
        "1,5": ('"Net Amount"', "not a number"),
        "": ('"Net Amount"', "required"),
    }
    for value, (column, message) in cases.items():
        lines = list(LINES)
        text = (tmp_path / "in" / "orders.csv").read_text().splitlines()
        text[2] = text[2].replace('"90,000.00"', f'"{value}"')
        (tmp_path / "in" / "orders.csv").write_text("\n".join(text) + "\n")
        with read_sources(files, mapping) as sources, pytest.raises(ImportProblem) as caught:
            build_tables(mapping, sources)
        assert f"orders.csv, row 3, column {column}" in str(caught.value)
        assert message in str(caught.value)
        erp_csv(tmp_path / "in", lines)


def test_unknown_rep_and_duplicate_keys_are_named(tmp_path):
    files = erp_csv(tmp_path / "in")
    mapping = load_mapping(tmp_path / "in" / "erp.toml")
    text = (tmp_path / "in" / "orders.csv").read_text().replace("SO-1004,1,", "SO-1003,1,")
    (tmp_path / "in" / "orders.csv").write_text(text)
    with read_sources(files, mapping) as sources, pytest.raises(ImportProblem) as caught:
        build_tables(mapping, sources)
    assert "orders.csv, row 6" in str(caught.value) and "as row 5" in str(caught.value)
    erp_csv(tmp_path / "in")
    text = (tmp_path / "in" / "orders.csv").read_text().replace("R-CAT", "R-DAN")
    (tmp_path / "in" / "orders.csv").write_text(text)
    with read_sources(files, mapping) as sources, pytest.raises(ImportProblem) as caught:
        build_tables(mapping, sources)
    assert 'orders.csv, row 6, column "Sales Rep"' in str(caught.value)
    assert "'R-DAN' is not a rep_id in reps (reps.csv)" in str(caught.value)


def test_ragged_csv_row_is_named(tmp_path):
    files = erp_csv(tmp_path / "in")
    text = (tmp_path / "in" / "orders.csv").read_text().splitlines()
    text[3] = text[3].rsplit(",", 2)[0]
    (tmp_path / "in" / "orders.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(ImportProblem) as caught:
        read_sources(files, load_mapping(tmp_path / "in" / "erp.toml"))
    assert str(caught.value).startswith("orders.csv, row 4: the row has 10 values")


# -------------------------------------------------------------------- formats, guess, toml

@pytest.mark.parametrize("text, decimal, thousands, expected", [
    ("1,234.50", ".", ",", Decimal("1234.50")),
    ("¥1,234.50", ".", ",", Decimal("1234.50")),
    ("USD 1 234,5", ",", " ", Decimal("1234.50")),
    ("1.234,50 €", ",", ".", Decimal("1234.50")),
    ("(1,234.50)", ".", ",", Decimal("-1234.50")),
    ("1234.50-", ".", ",", Decimal("-1234.50")),
    ("12%", ".", ",", Decimal("0.12")),
    ("1e3", ".", "", Decimal("1000.00")),
])
def test_number_formats(tmp_path, text, decimal, thousands, expected):
    (tmp_path / "o.csv").write_text(f'id,day,value\nA,2026-11-01,"{text}"\n')
    mapping = load_mapping(
        f'[orders]\nfile = "o.csv"\ndecimal = "{decimal}"\nthousands = "{thousands}"\n'
        f'[orders.columns]\norder_id = "id"\norder_date = "day"\nrevenue = "value"\n')
    with read_sources([tmp_path / "o.csv"], mapping) as sources:
        orders = build_tables(mapping, sources)["orders"].to_pylist()
    assert orders[0]["revenue"] == expected
    assert (orders[0]["line_no"], orders[0]["quantity"], orders[0]["channel"]) == \
        (1, -1 if expected < 0 else 1, "direct")


def test_guess_mapping_reads_crm_column_names(tmp_path):
    files = crm_files(tmp_path / "in")
    with read_sources(files) as sources:
        columns = sources.columns()
        values = {"sales_pipeline.csv": {"deal_stage": sources.values("sales_pipeline.csv",
                                                                       "deal_stage")}}
    guess = guess_mapping(columns, values)
    assert set(guess.tables) == {"opportunities", "reps", "customers", "products"}
    opps = guess.tables["opportunities"].columns
    assert opps["rep_id"] == ColumnRule(column="sales_agent")
    assert (opps["customer_id"].column, opps["closed_date"].column, opps["amount"].column,
            opps["created_date"].column) == ("account", "close_date", "close_value",
                                             "engage_date")
    assert guess.maps[opps["stage"].map] == {"Engaging": 2, "Lost": "lost", "Prospecting": 1,
                                             "Won": "won"}
    assert guess.tables["reps"].columns["region_id"].column == "regional_office"
    assert guess.tables["customers"].columns["industry_id"].column == "sector"
    # the guess is a working mapping: it round-trips through TOML and imports
    mapping = load_mapping(mapping_to_toml(guess))
    assert mapping.tables == guess.tables and mapping.maps == guess.maps
    result = preview(mapping, read_sources(files, mapping), limit=2)
    assert result.problem is None and result.validation_errors == ()
    assert result.row_counts["opportunities"] == 6 and result.tables["opportunities"].num_rows == 2


def test_mapping_round_trips_through_toml():
    for text in (CRM_MAPPING, ERP_CSV_MAPPING, ERP_GBK_MAPPING, ERP_XLSX_MAPPING):
        mapping = load_mapping(text)
        again = load_mapping(mapping_to_toml(mapping))
        assert (again.tables, again.maps, again.defaults) == \
            (mapping.tables, mapping.maps, mapping.defaults)


def test_progress_is_reported(tmp_path):
    files = crm_files(tmp_path / "in")
    seen: list[tuple[float, str]] = []
    import_files(tmp_path / "data", tmp_path / "in" / "crm.toml", files,
                 progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_open_stage_count_comes_from_the_data_dirs_configuration(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "config.toml").write_text(
        '[stages]\nnames_en = ["Lead", "Demo", "Deal"]\nnames_zh = ["线索", "演示", "成交"]\n'
        'probabilities = [0.1, 0.4, 0.8]\n')
    assert importer._open_stages(tmp_path / "data") == 3
    assert importer._open_stages(tmp_path / "elsewhere") == 4


# ---------------------------------------------------------------------- documentation

# The README's complete example (README.md "Use your own data"); kept equal to it below.
EXAMPLE_MAPPING = """\
# Sales Cockpit import mapping: a CRM opportunity report and its stage history, ERP order lines
# (a Chinese Excel CSV), the sales team, accounts, a price list, targets and an activity log.

[defaults]
date_format = ["%Y-%m-%d", "%d/%m/%Y"]
decimal = "."
thousands = ","

[opportunities]
file = "sales_pipeline*.csv"
lost_stage = 1

[opportunities.columns]
opportunity_id = "Opportunity ID"
name = "Opportunity Name"
customer_id = "Account"
rep_id = "Sales Agent"
product_id = "Product"
stage = { column = "Deal Stage", map = "stages" }
amount = { column = "Close Value", default = 0 }
expected_margin_pct = { column = "Margin", scale = 0.01 }
created_date = "Engage Date"
closed_date = "Close Date"
source = { column = "Lead Source", map = "sources" }

[opportunity_history]
file = "stage_history.csv"
optional = true

[opportunity_history.columns]
opportunity_id = "Opportunity ID"
stage = { column = "To Stage", map = "stages" }
entered_date = "Changed On"

[orders]
file = "订单导出*.csv"
encoding = "gbk"
delimiter = ";"
header_row = 2
date_format = "%Y/%m/%d"
decimal = ","
thousands = "."

[orders.columns]
order_id = "订单号"
line_no = "行号"
order_date = "日期"
customer_id = "客户"
rep_id = "销售"
product_id = "物料"
channel = { column = "渠道", map = { "直销" = "direct", "*" = "partner" } }
quantity = "数量"
revenue = "金额"
cost = "成本"
discount_pct = "折扣"
special_price = { column = "特价", map = { "是" = true, "否" = false } }
opportunity_id = "商机编号"

[reps]
file = "sales_teams.csv"

[reps.columns]
rep_id = "Sales Agent"
name = "Sales Agent"
role = { value = "AE" }
region_id = "Regional Office"
active = { column = "Active", default = true }

[customers]
file = "accounts.csv"

[customers.columns]
customer_id = "Account"
industry_id = "Sector"
owner_rep_id = "Account Owner"
created_date = { column = "Customer Since", date_format = "%Y" }

[products]
file = "products.xlsx"
sheet = "Price list"

[products.columns]
product_id = "Product"
name = "Description"
product_line = { column = "Series", map = "product_lines" }
series = "Series"
list_price = "Sales Price"
standard_cost = "Unit Cost"
high_margin = "High Margin"

[regions]
file = "regions.csv"
optional = true

[regions.columns]
region_id = "Office"
name_en = "Name"
name_zh = "中文名"
region_group = "Group"

[targets]
file = "targets.xlsx"

[targets.columns]
fiscal_month = "Month"
region_id = "Office"
product_line = { column = "Series", map = "product_lines" }
revenue_target = { column = "Revenue Target (k)", scale = 1000 }
margin_target = { column = "GP Target (k)", scale = 1000 }

[activities]
file = "activities.csv"
optional = true

[activities.columns]
activity_date = "Date"
rep_id = "Owner"
customer_id = "Account"
type = { column = "Type", map = "activity_types" }
opportunity_id = "Opportunity ID"

[maps.stages]
Prospecting = 1
Engaging = 2
Proposal = 3
Negotiation = 4
Won = "won"
"Closed Won" = "won"
Lost = "lost"
"Closed Lost" = "lost"

[maps.sources]
Partner = "partner"
Web = "inbound"
"*" = "rep"

[maps.product_lines]
GTX = "PC"
MG = "NB"
GTK = "Server"
"*" = "Service"

[maps.activity_types]
"Site visit" = "visit"
Call = "call"
Email = "call"
Meeting = "meeting"
Workshop = "workshop"
"""


def test_every_mapping_key_is_documented():
    from data.mapping import FORMAT_KEYS, KEYS, RULE_KEYS, TABLE_KEYS, keys_table
    documented = {key.name for key in KEYS}
    assert documented == set(FORMAT_KEYS) | set(TABLE_KEYS) | set(RULE_KEYS)
    assert all(key.help for key in KEYS) and keys_table().count("\n") == len(KEYS) + 2


def test_the_readme_example_mapping_loads_and_round_trips():
    from data.mapping import KEYS
    mapping = load_mapping(EXAMPLE_MAPPING, name="example.toml")
    assert [key.name for key in KEYS if f"{key.name} =" not in EXAMPLE_MAPPING
            and f"[{key.name}" not in EXAMPLE_MAPPING and f".{key.name}]" not in EXAMPLE_MAPPING] \
        == []  # the example shows every key
    assert set(mapping.tables) == {"opportunities", "opportunity_history", "orders", "reps",
                                   "customers", "products", "regions", "targets", "activities"}
    again = load_mapping(mapping_to_toml(mapping))
    assert (again.tables, again.maps, again.defaults) == \
        (mapping.tables, mapping.maps, mapping.defaults)


def test_the_readme_shows_the_example_and_the_keys():
    from data.mapping import keys_table
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if "python -m data.importer" not in readme:
        pytest.skip("the importer's README section is not pasted in yet")
    assert EXAMPLE_MAPPING in readme
    assert keys_table() in readme


def test_a_bad_configuration_of_the_data_dir_is_one_line(tmp_path, capsys):
    files = crm_files(tmp_path / "in")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "config.toml").write_text("[stages]\nnames = 1\n")
    before = tree_hash(tmp_path / "data")
    assert main(["--data-dir", str(tmp_path / "data"), "--mapping",
                 str(tmp_path / "in" / "crm.toml"), *map(str, files)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "config.toml" in err and "stages.names" in err
    assert tree_hash(tmp_path / "data") == before


def test_guess_mapping_finds_the_table_under_title_rows_of_a_workbook(tmp_path):
    files = erp_xlsx(tmp_path / "in")
    with read_sources(files) as sources:  # no mapping: every sheet, header rows guessed
        assert sorted(sources.columns()) == ["customers.csv", "export.xlsx[Lines]",
                                            "materials.csv", "reps.csv"]  # "Notes" has no table
        guess = guess_mapping(sources.columns(), header_rows=sources.header_rows())
    orders = guess.tables["orders"]
    assert (orders.file, orders.sheet, orders.formats.header_row) == ("export.xlsx", "Lines", 3)
    assert {c: r.column for c, r in orders.columns.items()} == {
        "order_id": "Sales Order", "line_no": "Item", "order_date": "Posting Date",
        "customer_id": "Sold-to", "rep_id": "Employee", "product_id": "Material",
        "channel": "Route", "quantity": "Quantity", "revenue": "Net Value", "cost": "COGS",
        "discount_pct": "Disc %"}  # "SP" is too short to guess
    assert guess.tables["products"].columns["product_line"].column == "Line"


def test_stage_numbers_and_validation_follow_the_data_dirs_stages(tmp_path):
    files = crm_files(tmp_path / "in", history=True)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "config.toml").write_text(
        '[stages]\nnames_en = ["Prospecting", "Engaging"]\nnames_zh = ["线索", "接洽"]\n'
        'probabilities = [0.2, 0.5]\n')
    written = import_files(data_dir, tmp_path / "in" / "crm.toml", files, backfill_weeks=1)
    for path in written:
        assert validate(path).valid, validate(path).errors
    deals = {d["opportunity_id"]: d for d in read_snapshot(written[0])["opportunities"]}
    assert (deals["O1"]["stage"], deals["O3"]["stage"]) == (3, 2)  # won = N + 1 = 3
    mapping = load_mapping(tmp_path / "in" / "crm.toml")
    with read_sources(files, mapping) as sources:
        result = preview(mapping, sources, open_stages=2, data_dir=data_dir)
    assert result.problem is None and result.validation_errors == ()
