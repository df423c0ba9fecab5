"""Who may see what (SPEC §11): the access file and the scope it gives a signed-in person.

The access file (``access.file`` in the configuration, default ``<data dir>/access.toml``) maps
identities to a role and a scope::

    [people."ceo@example.com"]
    role = "executive"

    [people."lead.gd@example.com"]
    role = "lead"
    regions = ["GD"]

    [people."wang.wei@example.com"]
    role = "rep"
    rep = "GD-AE01"

    [groups."sales-ops"]          # a value of the group claim (access.group_claim)
    role = "admin"

An e-mail entry wins over groups; among groups the first listed that the person belongs to.
E-mail addresses compare without regard to case. Nobody listed sees no data.

A ``Scope`` is what the numbers are computed over: ``data.store`` serves a limited scope's
snapshot through views that hold only its rows, so every metric honours it.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("executive", "lead", "rep", "admin")
# Roles that see every region; admin may also import data.
FULL_ROLES = ("executive", "admin")


class AccessError(ValueError):
    """The access file is unusable; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Scope:
    """The rows a person may see: every region (executive, admin), the listed regions (lead) or
    one rep's own deals, customers and order lines (rep)."""

    role: str
    regions: tuple[str, ...] = ()
    rep_id: str | None = None

    @property
    def limited(self) -> bool:
        return self.role not in FULL_ROLES

    @property
    def key(self) -> str:
        """A short stable id of the scope (part of schema names and cache keys)."""
        text = repr((self.role, tuple(sorted(self.regions)), self.rep_id))
        return hashlib.sha1(text.encode()).hexdigest()[:10]


FULL = Scope("executive")


def limited(scope: Scope | None) -> bool:
    """True when ``scope`` narrows the data (None is the open app / the report's full scope)."""
    return scope is not None and scope.limited


@dataclass(frozen=True)
class Person:
    """A signed-in identity the access file knows."""

    email: str
    name: str
    scope: Scope


@dataclass(frozen=True)
class Access:
    """The parsed access file."""

    people: dict[str, Scope]
    groups: dict[str, Scope]
    path: Path | None = None

    def scope_of(self, email: str | None, groups=()) -> Scope | None:
        """The scope of an identity, or None when the file does not list it."""
        if email and email.strip().lower() in self.people:
            return self.people[email.strip().lower()]
        names = {str(g) for g in (groups or ()) if isinstance(g, (str, int))}
        for group, scope in self.groups.items():
            if group in names:
                return scope
        return None

    def person(self, claims: dict, group_claim: str = "groups") -> Person | None:
        """The person behind OpenID Connect ``claims`` (``st.user``), or None when unknown."""
        email = claims.get("email")
        email = email if isinstance(email, str) else None
        groups = claims.get(group_claim) or ()
        if isinstance(groups, str):
            groups = [groups]
        scope = self.scope_of(email, groups)
        if scope is None:
            return None
        name = claims.get("name")
        return Person(email or "", name if isinstance(name, str) and name.strip() else
                      (email or ""), scope)


def _scope(entry, where: str) -> Scope:
    if not isinstance(entry, dict):
        raise AccessError(f"{where}: must be a table with a role")
    unknown = sorted(set(entry) - {"role", "regions", "rep"})
    if unknown:
        raise AccessError(f"{where}: unknown key {unknown[0]!r} (role, regions, rep)")
    role = entry.get("role")
    if role not in ROLES:
        raise AccessError(f"{where}: role must be one of {', '.join(ROLES)} (got {role!r})")
    regions = entry.get("regions", [])
    rep = entry.get("rep")
    if role == "lead":
        if not isinstance(regions, list) or not regions or \
                not all(isinstance(r, str) and r.strip() for r in regions):
            raise AccessError(f"{where}: a lead needs regions = [\"…\", …] (region ids)")
        return Scope("lead", tuple(sorted({r.strip() for r in regions})))
    if "regions" in entry:
        raise AccessError(f"{where}: regions belong to a lead, not a {role}")
    if role == "rep":
        if not isinstance(rep, str) or not rep.strip():
            raise AccessError(f"{where}: a rep needs rep = \"…\" (their rep id)")
        return Scope("rep", rep_id=rep.strip())
    if "rep" in entry:
        raise AccessError(f"{where}: rep belongs to a rep, not a {role}")
    return Scope(role)


def parse(table: dict, path: Path | None = None) -> Access:
    """An ``Access`` from the access file's TOML table."""
    where = str(path) if path else "access file"
    unknown = sorted(set(table) - {"people", "groups"})
    if unknown:
        raise AccessError(f"{where}: unknown section [{unknown[0]}] (people, groups)")
    sections = {}
    for section in ("people", "groups"):
        entries = table.get(section, {})
        if not isinstance(entries, dict):
            raise AccessError(f"{where}: [{section}] must be a table")
        sections[section] = {
            (key.strip().lower() if section == "people" else key):
                _scope(entry, f"{where}: [{section}.\"{key}\"]")
            for key, entry in entries.items()}
    return Access(sections["people"], sections["groups"], path)


def load(path: Path) -> Access:
    """Read the access file; AccessError (one line, naming the file) when it is missing or bad."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessError(f"{path}: the access file does not exist (see README, Sign-in)") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessError(f"{path}: cannot be read ({exc})") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessError(f"{path}: not valid TOML ({exc})") from None
    return parse(table, Path(path))


def access_path(data_dir: Path) -> Path:
    """Where the access file of a data folder is (``access.file``, relative to the folder)."""
    from data import config
    name = Path(str(config.current(data_dir)["access.file"]))
    return name if name.is_absolute() else Path(data_dir) / name
