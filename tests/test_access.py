"""The access file (SPEC §11) and the report's ``--as IDENTITY``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data import access
from data.access import AccessError, Scope
from metrics.report import main
from tests.builders import make_snapshot, opportunity, order, target

ACCESS = """
[people."CEO@example.com"]
role = "executive"

[people."lead.r1@example.com"]
role = "lead"
regions = ["R1"]

[people."ae2@example.com"]
role = "rep"
rep = "AE2"

[people."ops@example.com"]
role = "admin"

[groups."north-leads"]
role = "lead"
regions = ["R1", "R3"]

[groups."everyone"]
role = "executive"
"""


def test_people_and_groups_get_their_scope():
    known = access.parse(access.tomllib.loads(ACCESS))
    assert known.scope_of("ceo@EXAMPLE.com") == Scope("executive")
    assert known.scope_of(" lead.r1@example.com ") == Scope("lead", ("R1",))
    assert known.scope_of("ae2@example.com") == Scope("rep", rep_id="AE2")
    assert known.scope_of("ops@example.com").role == "admin"
    # Groups: the first listed the person belongs to; an e-mail entry wins over groups.
    assert known.scope_of("x@example.com", ["everyone", "north-leads"]) == \
        Scope("lead", ("R1", "R3"))
    assert known.scope_of("ae2@example.com", ["everyone"]) == Scope("rep", rep_id="AE2")
    assert known.scope_of("stranger@example.com") is None
    assert known.scope_of(None, ["nobody"]) is None


def test_a_person_from_claims():
    known = access.parse(access.tomllib.loads(ACCESS))
    person = known.person({"email": "lead.r1@example.com", "name": "Chen Jing"})
    assert person.name == "Chen Jing" and person.scope == Scope("lead", ("R1",))
    assert known.person({"email": "x@example.com", "roles": "north-leads"}, "roles").scope == \
        Scope("lead", ("R1", "R3"))
    assert known.person({"email": "ceo@example.com"}).name == "ceo@example.com"
    assert known.person({"sub": "123"}) is None


def test_scopes_limit_or_not():
    assert not Scope("executive").limited and not Scope("admin").limited
    assert Scope("lead", ("R1",)).limited and Scope("rep", rep_id="AE1").limited
    assert not access.limited(None)
    assert Scope("lead", ("R1", "R2")).key == Scope("lead", ("R1", "R2")).key
    assert Scope("lead", ("R1",)).key != Scope("lead", ("R2",)).key


@pytest.mark.parametrize("text, problem", [
    ('[people."a@b.c"]\nrole = "boss"', "role must be one of executive, lead, rep, admin"),
    ('[people."a@b.c"]\nrole = "lead"', "a lead needs regions"),
    ('[people."a@b.c"]\nrole = "lead"\nregions = []', "a lead needs regions"),
    ('[people."a@b.c"]\nrole = "rep"', "a rep needs rep"),
    ('[people."a@b.c"]\nrole = "executive"\nregions = ["R1"]', "regions belong to a lead"),
    ('[people."a@b.c"]\nrole = "lead"\nregions = ["R1"]\nregion = "R2"', "unknown key 'region'"),
    ('[staff."a@b.c"]\nrole = "lead"', "unknown section [staff]"),
    ('people = 3', "[people] must be a table"),
])
def test_a_bad_access_file_says_where(tmp_path, text, problem):
    path = tmp_path / "access.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccessError) as info:
        access.load(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_a_missing_or_broken_access_file(tmp_path):
    with pytest.raises(AccessError, match="does not exist"):
        access.load(tmp_path / "access.toml")
    (tmp_path / "access.toml").write_text("[people\n", encoding="utf-8")
    with pytest.raises(AccessError, match="not valid TOML"):
        access.load(tmp_path / "access.toml")


def test_the_access_file_path_comes_from_the_configuration(tmp_path):
    assert access.access_path(tmp_path) == tmp_path / "access.toml"
    (tmp_path / "config.toml").write_text('[access]\nfile = "/etc/cockpit/who.toml"\n',
                                          encoding="utf-8")
    from data import config
    config.reset()
    assert access.access_path(tmp_path) == Path("/etc/cockpit/who.toml")


# ----------------------------------------------------------------------------------- --as

@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("access")
    make_snapshot(root, "2026-11-22",
                  orders=[order("2026-10-02", 1_000, 880),
                          order("2026-11-03", 400, 300, region_id="R2", industry_id="EDU"),
                          order("2026-11-04", 250, 200, region_id="R3")],
                  targets=[target("2026-10", 2_000, 200),
                           target("2026-10", 900, 90, region_id="R2")],
                  opportunities=[opportunity("O1", 5_000, 2, "2026-12-15"),
                                 opportunity("O2", 7_000, 3, "2026-12-20", region_id="R2")])
    (root / "access.toml").write_text(ACCESS, encoding="utf-8")
    return root


def report(capsys, data_dir, *args):
    code = main(["--data-dir", str(data_dir), "--period", "FY26Q3", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_as_a_lead_the_report_is_their_regions(data_dir, capsys):
    _, whole, _ = report(capsys, data_dir, "--section", "dashboard")
    _, lead, err = report(capsys, data_dir, "--section", "dashboard", "--as", "lead.r1@example.com")
    assert whole["revenue"] == 1_650 and lead["revenue"] == 1_000
    assert lead["revenue_target"] == 2_000 and lead["weighted_pipeline"] == 5_000 * 0.25
    _, rows, _ = report(capsys, data_dir, "--section", "regional_report",
                        "--as", "lead.r1@example.com")
    assert [r["region_id"] for r in rows] == ["R1"]
    assert err == ""


def test_as_a_lead_a_region_outside_is_narrowed_with_a_note(data_dir, capsys):
    code, rows, err = report(capsys, data_dir, "--section", "regional_report", "--region", "R2",
                             "--as", "lead.r1@example.com")
    assert code == 0 and [r["region_id"] for r in rows] == ["R1"]
    assert "R2 is outside what lead.r1@example.com may see" in err


def test_as_a_rep_the_report_is_their_own(data_dir, capsys):
    _, mine, _ = report(capsys, data_dir, "--section", "dashboard", "--as", "ae2@example.com")
    assert mine["revenue"] == 400 and mine["weighted_pipeline"] == 7_000 * 0.50
    assert mine["revenue_target"] is None  # the regional targets are not a rep's


def test_as_a_lead_the_scorecard_ranks_every_region(data_dir, capsys):
    _, whole, _ = report(capsys, data_dir, "--section", "scorecard")
    _, lead, _ = report(capsys, data_dir, "--section", "scorecard", "--as", "lead.r1@example.com")
    assert [(r["region_id"], r["rank"]) for r in lead] == \
        [(r["region_id"], r["rank"]) for r in whole]
    assert [r for r in lead if r["region_id"] == "R1"] == \
        [r for r in whole if r["region_id"] == "R1"]
    assert all(r["margin_attainment"] is None for r in lead if r["region_id"] != "R1")


def test_as_an_unknown_identity_the_report_refuses(data_dir, capsys):
    code, _, err = report(capsys, data_dir, "--section", "dashboard", "--as", "nobody@example.com")
    assert code == 2
    assert err.startswith("error: --as: nobody@example.com is not in the access file")
    assert "Traceback" not in err


def test_as_without_an_access_file_the_report_refuses(tmp_path, capsys):
    make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-10-02", 1_000, 880)])
    code, _, err = report(capsys, tmp_path, "--section", "dashboard", "--as", "a@b.c")
    assert code == 2 and "the access file does not exist" in err
