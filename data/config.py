"""The one configuration model (SPEC §9): every setting the product reads, with its default (the
SPEC's), its type and range, and help text.

Layers, each overriding the one before key by key: the built-in defaults below, then
``<data dir>/config.toml`` (the vocabulary travels with the data), then the file named by
``COCKPIT_CONFIG``. A missing key means the default everywhere; an unknown key, a wrong type or
an out-of-range value stops with a ``ConfigError`` naming the file and the key.

Besides fixed keys the model holds two open-ended parts of a company's vocabulary:
``[product_lines.<id>]`` for any product-line id the data uses (``name_en``, ``name_zh``,
``margin_floor``; the first file that names any product line replaces the built-in four) and
``[stages]``, the ordered open pipeline stages (``names_en``,
``names_zh``, ``probabilities``); won is the stage after the last open one, lost is 0 %.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_ENV = "COCKPIT_CONFIG"
DATA_DIR_ENV = "COCKPIT_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent
CONFIG_FILE = "config.toml"


class ConfigError(ValueError):
    """The configuration is unusable; the message names the file, the key and the problem."""


def data_dir_from_env() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


# ------------------------------------------------------------------------------------ the model

def _number(low: float | None = None, high: float | None = None, *, integer: bool = False,
            low_open: bool = False) -> Callable[[object], str | None]:
    """A check for a finite number (an integer when ``integer``) within [low, high]."""
    def check(value) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if integer and not (isinstance(value, int) or float(value).is_integer()):
            return "must be a whole number"
        if not math.isfinite(value):
            return "must be a finite number"
        if low is not None and (value <= low if low_open else value < low):
            return f"must be {'more than' if low_open else 'at least'} {low:g}"
        if high is not None and value > high:
            return f"must be at most {high:g}"
        return None
    return check


def _fraction(value) -> str | None:
    problem = _number(0, 1)(value)
    return f"{problem} (a fraction: 0.25 means 25%)" if problem else None


def _choice(*options: str) -> Callable[[object], str | None]:
    def check(value) -> str | None:
        return None if value in options else f"must be one of {', '.join(map(repr, options))}"
    return check


def _text(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty text"
    return None


def _currency(value) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        return "must be an ISO 4217 code of three capital letters, like CNY, USD or EUR"
    return None


def _texts(value) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return "must be a list of non-empty texts"
    return None


def _probabilities(value) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of fractions"
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1 \
                or not math.isfinite(v):
            return "each must be a fraction from 0 up to (not including) 1; won is 100%"
    return None


@dataclass(frozen=True)
class Key:
    """One setting: its dotted name (``section.key``), default, check and help text."""

    name: str
    default: object
    check: Callable[[object], str | None]
    help: str

    @property
    def section(self) -> str:
        return self.name.rsplit(".", 1)[0]


_SCORECARD_WEIGHTS = (
    ("industry_attainment", 30, "industry revenue attainment (SPEC §5.4 dimension 1)"),
    ("industry_balance", 15, "industry balance (dimension 2)"),
    ("margin_attainment", 20, "margin attainment (dimension 3)"),
    ("customer_coverage", 15, "customer coverage (dimension 4)"),
    ("pipeline_hygiene", 10, "pipeline hygiene (dimension 5)"),
    ("resource_productivity", 10, "resource productivity (dimension 6)"),
)
SCORE_CRITERIA = (
    "financial_performance", "it_spend", "reputation_management", "location",
    "existing_relationship", "competitor_relationship", "attitude_to_us", "execution_capability",
)
_CRITERIA_WEIGHTS = {
    "attractiveness": {"financial_performance": 40, "it_spend": 30, "reputation_management": 20,
                       "location": 10},
    "feasibility": {"existing_relationship": 30, "competitor_relationship": 30,
                    "attitude_to_us": 30, "execution_capability": 10},
}

KEYS: dict[str, Key] = {k.name: k for k in (
    Key("business.currency", "CNY", _currency,
        "Currency of every amount in the data (ISO 4217); sets the symbol and formatting."),
    Key("business.fiscal_year_start_month", 4, _number(1, 12, integer=True),
        "Month the fiscal year starts in (1 = January, 4 = April)."),
    Key("business.fiscal_year_named_by", "start", _choice("start", "end"),
        "Whether FY26 is the fiscal year that starts in 2026 (start) or ends in 2026 (end)."),
    Key("business.key_opportunity_min", 1_000_000, _number(0),
        "Open opportunities with at least this amount are key opportunities (SPEC §5.1)."),
    Key("dashboard.order_flow_rows", 50, _number(1, 10_000, integer=True),
        "Most recent order lines shown in the order flow."),
    Key("dashboard.trend_weeks", 13, _number(1, 104, integer=True),
        "ISO weeks in the revenue and margin trend, ending at as_of."),
    Key("pipeline.stale_activity_days", 30, _number(1, 3650, integer=True),
        "An open opportunity with no activity for more than this many days is stale."),
    Key("pipeline.stale_stage_days", 60, _number(1, 3650, integer=True),
        "An open opportunity more than this many days in its current stage is stale."),
    Key("pipeline.coverage_reference", 3, _number(0, 100),
        "Pipeline coverage drawn as the reference line on the coverage-by-region chart."),
    *(Key(f"scorecard.weights.{name}", weight, _number(0, 1e6),
          f"Weight of {text} in a region's total score; 0 drops it.")
      for name, weight, text in _SCORECARD_WEIGHTS),
    Key("scorecard.industry_cap", 1.2, _number(1, 10),
        "Over-achievement in one industry counts at most this multiple of its target."),
    Key("alerts.deep_discount", 0.25, _fraction,
        "deep_discount fires on an order line with discount_pct above this."),
    Key("alerts.special_price_share", 0.15, _fraction,
        "special_price_share fires on a region whose special-price revenue share is above this."),
    Key("alerts.margin_erosion_points", 0.02, _fraction,
        "margin_erosion fires when gm_pct falls more than this below its trailing 13 weeks."),
    Key("alerts.high_margin_mix", 0.30, _fraction,
        "high_margin_mix fires on a region whose high-margin revenue share is below this."),
    Key("alerts.critical_points", 0.05, _fraction,
        "An alert is critical when its gap is at least this many points…"),
    Key("alerts.critical_at_stake", 500_000, _number(0),
        "…or when its money at stake is at least this amount."),
    Key("alerts.drill_down_rows", 1_000, _number(1, 100_000, integer=True),
        "Most order lines or deals listed when an alert is opened."),
    *(Key(f"customers.{axis}.{criterion}", _CRITERIA_WEIGHTS[axis].get(criterion, 0),
          _number(0, 1e6),
          f"Weight of {criterion} in a customer's {axis} (scores 1–10); 0 leaves it out.")
      for axis in _CRITERIA_WEIGHTS for criterion in SCORE_CRITERIA),
    Key("customers.tier_threshold", 6, _number(1, 10),
        "Attractiveness and feasibility at or above this are 'high' in the tier matrix."),
    Key("customers.new_customer_days", 90, _number(1, 3650, integer=True),
        "A customer whose first order is within this many days is newly activated (A)."),
    Key("customers.abc_a", 0.80, _fraction,
        "Customers within this cumulative share of 12-month revenue are class A…"),
    Key("customers.abc_b", 0.95, _fraction, "…and within this share class B; the rest C."),
    Key("customers.top_accounts", 20, _number(1, 1000, integer=True),
        "Accounts listed in the top-accounts table."),
    Key("reps.face_to_face_per_week", 12, _number(0, 1000),
        "Norm for a rep's face-to-face activities per week (SPEC §10.4; the seeds: twelve)."),
    Key("reps.face_to_face_types", ["visit", "meeting", "workshop"], _texts,
        "Activity types that count as face-to-face."),
    Key("reps.inside_roles", ["ISR"], _texts,
        "Inside-sales roles: they sell by phone, so the face-to-face norm does not apply."),
    Key("reps.accounts_ae", 20, _number(1, 100_000, integer=True),
        "Accounts an account executive (role AE) is expected to own."),
    Key("reps.accounts_isr", 200, _number(1, 100_000, integer=True),
        "Accounts an inside sales rep (role ISR) is expected to own."),
    Key("reps.contact_days_tier1", 30, _number(1, 3650, integer=True),
        "A tier 1 account with no activity within this many days is an overdue contact."),
    Key("reps.contact_days_tier2", 90, _number(1, 3650, integer=True),
        "The same for tier 2 accounts (quarterly)."),
    Key("reps.contact_days_tier3", 180, _number(1, 3650, integer=True),
        "The same for tier 3 accounts (half-yearly)."),
    Key("data.freshness_warning_days", 8, _number(1, 365, integer=True),
        "A snapshot older than this many days at the time of viewing is flagged as stale."),
    Key("access.file", "access.toml", _text,
        "With sign-in configured: the access file mapping people and groups to a role and scope "
        "(a path relative to the data folder, or absolute)."),
    Key("access.group_claim", "groups", _text,
        "The OpenID Connect claim that lists a person's groups (for [groups.…] in the access "
        "file)."),
    Key("stages.names_en", ["Identify", "Validate", "Propose", "Commit"], _texts,
        "The open pipeline stages in order (stage 1, 2, …); won is the stage after the last."),
    Key("stages.names_zh", ["识别商机", "确认商机", "制定方案", "达成意向"], _texts,
        "Chinese names of the open stages (optional; missing ones show the English name)."),
    Key("stages.probabilities", [0.10, 0.25, 0.50, 0.75], _probabilities,
        "Win probability of each open stage, as fractions; won is 100%, lost 0%."),
)}

# [product_lines.<id>]: any id the data uses. The defaults describe the demo's four lines.
PRODUCT_LINE_FIELDS: dict[str, tuple[Callable[[object], str | None], str]] = {
    "name_en": (_text, "English name of the product line."),
    "name_zh": (_text, "Chinese name (optional; falls back to the English name, then the id)."),
    "margin_floor": (_fraction, "Gross-margin floor of an order line (margin_floor alert); "
                                "a line without one is listed as not checked."),
}
DEFAULT_PRODUCT_LINES = {
    "PC": {"name_en": "Desktop (PC)", "name_zh": "台式机 (PC)", "margin_floor": 0.08},
    "NB": {"name_en": "Notebook (NB)", "name_zh": "笔记本 (NB)", "margin_floor": 0.10},
    "Server": {"name_en": "Server", "name_zh": "服务器", "margin_floor": 0.15},
    "Service": {"name_en": "Services", "name_zh": "服务", "margin_floor": 0.30},
}

_CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥",
                     "HKD": "HK$", "TWD": "NT$", "SGD": "S$", "AUD": "A$", "CAD": "C$",
                     "INR": "₹", "KRW": "₩", "CHF": "CHF ", "NZD": "NZ$", "BRL": "R$"}


@dataclass(frozen=True)
class ProductLine:
    id: str
    name_en: str | None = None
    name_zh: str | None = None
    margin_floor: float | None = None

    def name(self, lang: str) -> str:
        """The name in ``lang``, else the English name, else the id (SPEC §9)."""
        return (self.name_zh if lang == "zh" else None) or self.name_en or self.id


@dataclass(frozen=True)
class Stages:
    """The open stages 1…N with names and probabilities; won = N + 1 (100 %), lost 0 %."""

    names_en: tuple[str, ...]
    names_zh: tuple[str, ...]
    probabilities: tuple[float, ...]

    @property
    def open_count(self) -> int:
        return len(self.names_en)

    @property
    def won(self) -> int:
        return self.open_count + 1

    @property
    def numbers(self) -> tuple[int, ...]:
        """Every stage a deal can be in: the open ones and won."""
        return tuple(range(1, self.won + 1))

    def probability(self, stage: int) -> float:
        return 1.0 if stage == self.won else self.probabilities[stage - 1]

    @property
    def all_probabilities(self) -> list[float]:
        """Probabilities of stages 1…won, in order (index = stage − 1)."""
        return [*self.probabilities, 1.0]

    def name(self, stage: int, lang: str) -> str | None:
        """The open stage's name in ``lang`` (English when no Chinese one); None for won and for a
        stage outside the configuration (the caller shows its translated word or number)."""
        if not 1 <= stage <= self.open_count:
            return None
        if lang == "zh" and stage <= len(self.names_zh):
            return self.names_zh[stage - 1]
        return self.names_en[stage - 1]


@dataclass(frozen=True)
class Config:
    """The settings in force: ``config["alerts.deep_discount"]``, the vocabulary as typed
    objects, and the files they came from."""

    values: Mapping[str, object]
    product_lines: Mapping[str, ProductLine]
    stages: Stages
    sources: tuple[Path, ...] = ()
    # Keys each file set: where a value shown on a page came from.
    set_by: Mapping[str, Path] = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.values[name]

    def section(self, prefix: str) -> dict:
        """The keys under ``prefix`` without it: ``section("scorecard.weights")``."""
        start = prefix + "."
        return {name[len(start):]: value for name, value in self.values.items()
                if name.startswith(start)}

    @property
    def source_names(self) -> str:
        """The files in force, for a caption ("config.toml"), or "" for the built-in defaults."""
        return ", ".join(path.name for path in self.sources)

    @property
    def currency(self) -> str:
        return self.values["business.currency"]

    @property
    def currency_symbol(self) -> str:
        return _CURRENCY_SYMBOLS.get(self.currency, self.currency + " ")

    @property
    def margin_floors(self) -> dict[str, float]:
        """Product line → floor, for the lines that have one."""
        return {pl.id: pl.margin_floor for pl in self.product_lines.values()
                if pl.margin_floor is not None}

    def product_line(self, line_id: str) -> ProductLine:
        return self.product_lines.get(line_id) or ProductLine(line_id)


# ------------------------------------------------------------------------------------- loading

def _flatten(table: dict, path: Path, prefix: str = "") -> dict[str, object]:
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if name == "product_lines":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [product_lines] must hold tables "
                                  f"[product_lines.<id>], not {value!r}")
            for line, fields in value.items():
                if not isinstance(fields, dict):
                    raise ConfigError(f"{path}: product_lines.{line} must be a table "
                                      f"[product_lines.{line}] with name_en, name_zh, "
                                      f"margin_floor")
                for field_name, field_value in fields.items():
                    out[f"product_lines.{line}.{field_name}"] = field_value
        elif isinstance(value, dict):
            out.update(_flatten(value, path, name + "."))
        else:
            out[name] = value
    return out


def _suggest(name: str) -> str:
    import difflib
    close = difflib.get_close_matches(name, list(KEYS), n=1, cutoff=0.7)
    return f" (did you mean {close[0]}?)" if close else ""


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"configuration {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration {path} is not valid TOML: {exc}") from None


def _apply(values: dict, lines: dict, path: Path, set_by: dict) -> None:
    flat = _flatten(_read(path), path)
    if any(name.startswith("product_lines.") for name in flat) and \
            not any(name.startswith("product_lines.") for name in set_by):
        lines.clear()  # a company's own product lines replace the built-in (demo) ones
    for name, value in flat.items():
        if name.startswith("product_lines."):
            line, _, field_name = name[len("product_lines."):].rpartition(".")
            if field_name not in PRODUCT_LINE_FIELDS or not line:
                raise ConfigError(f"{path}: [product_lines.{line}] {field_name}: unknown key "
                                  f"(known: {', '.join(PRODUCT_LINE_FIELDS)})")
            problem = PRODUCT_LINE_FIELDS[field_name][0](value)
            if problem:
                raise ConfigError(f"{path}: [product_lines.{line}] {field_name} = {value!r} "
                                  f"{problem}")
            lines.setdefault(line, {})[field_name] = value
        elif name in KEYS:
            problem = KEYS[name].check(value)
            if problem:
                section, _, key = name.rpartition(".")
                raise ConfigError(f"{path}: [{section}] {key} = {value!r} {problem}")
            values[name] = value
        else:
            raise ConfigError(f"{path}: unknown key {name}{_suggest(name)}")
        set_by[name] = path


def _check_whole(values: dict, where: str) -> None:
    """Rules across keys, checked on the merged result."""
    names, probabilities = values["stages.names_en"], values["stages.probabilities"]
    if len(names) != len(probabilities):
        raise ConfigError(f"{where}: [stages] names_en has {len(names)} stages but probabilities "
                          f"has {len(probabilities)}; give one probability per open stage")
    if len(values["stages.names_zh"]) > len(names):
        raise ConfigError(f"{where}: [stages] names_zh has more names than names_en")
    if not sum(values[f"scorecard.weights.{n}"] for n, _, _ in _SCORECARD_WEIGHTS) > 0:
        raise ConfigError(f"{where}: [scorecard.weights] every weight is zero; at least one "
                          f"must be positive")
    for axis in _CRITERIA_WEIGHTS:
        if not any(values[f"customers.{axis}.{c}"] > 0 for c in SCORE_CRITERIA):
            raise ConfigError(f"{where}: [customers.{axis}] every weight is zero; at least one "
                              f"criterion needs a positive weight")
    if values["customers.abc_a"] > values["customers.abc_b"]:
        raise ConfigError(f"{where}: [customers] abc_a must not be above abc_b")


def load(data_dir: Path | None = None, config_file: Path | None = None) -> Config:
    """The configuration for a data folder: defaults, then ``<data dir>/config.toml`` if it
    exists, then ``config_file`` (default: the file named by ``COCKPIT_CONFIG``)."""
    values = {name: key.default for name, key in KEYS.items()}
    lines = {line: dict(fields) for line, fields in DEFAULT_PRODUCT_LINES.items()}
    set_by: dict[str, Path] = {}
    sources = []
    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    candidates = [Path(data_dir) / CONFIG_FILE if data_dir is not None else None, config_file]
    for path in candidates:
        if path is None:
            continue
        if path is config_file or path.exists():
            _apply(values, lines, path, set_by)
            sources.append(path)
    _check_whole(values, ", ".join(map(str, sources)) or "built-in defaults")
    stages = Stages(tuple(values["stages.names_en"]), tuple(values["stages.names_zh"]),
                    tuple(float(p) for p in values["stages.probabilities"]))
    product_lines = {line: ProductLine(line, **fields) for line, fields in lines.items()}
    return Config(values, product_lines, stages, tuple(sources), set_by)


# ------------------------------------------------------------------------- the one in force

_lock = threading.Lock()
_data_dir_override: Path | None = None
# identity (data dir, COCKPIT_CONFIG) → (file stamps, config, monotonic time last checked)
_cache: dict[tuple, tuple[tuple, Config, float]] = {}
# A changed file is picked up within this many seconds (two stat calls, not one per setting read).
_RECHECK_SECONDS = 1.0


def use_data_dir(data_dir: Path | None) -> None:
    """Read ``<data_dir>/config.toml`` from now on (the report's --data-dir); None: the
    environment's data folder."""
    global _data_dir_override
    with _lock:
        _data_dir_override = Path(data_dir) if data_dir is not None else None


def active_data_dir() -> Path:
    return _data_dir_override or data_dir_from_env()


def _stamp(path: Path | None) -> tuple:
    if path is None:
        return ()
    try:
        stat = path.stat()
        return (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return (str(path), None)


def current(data_dir: Path | None = None) -> Config:
    """The configuration in force for ``data_dir`` (default: the active data folder) and
    ``COCKPIT_CONFIG``; re-read when either file changes. ConfigError when it is unusable."""
    data_dir = Path(data_dir) if data_dir is not None else active_data_dir()
    env = os.environ.get(CONFIG_ENV) or None
    identity = (str(data_dir), env)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(identity)
    if cached is not None and now - cached[2] < _RECHECK_SECONDS:
        return cached[1]
    stamps = (_stamp(data_dir / CONFIG_FILE), _stamp(Path(env) if env else None))
    if cached is not None and cached[0] == stamps:
        config = cached[1]
    else:
        config = load(data_dir)
    with _lock:
        _cache[identity] = (stamps, config, now)
    return config


def reset() -> None:
    """Forget the configurations read (tests that rewrite a file within a second)."""
    with _lock:
        _cache.clear()


def setting(name: str):
    """One value of the configuration in force, by its dotted name."""
    return current()[name]


def _toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def defaults_toml() -> str:
    """The built-in defaults as a configuration file, each key with its help as a comment: a
    starting point to copy into ``<data dir>/config.toml``."""
    out, section = [], None
    for key in KEYS.values():
        if key.section != section:
            section = key.section
            out.append(f"\n[{section}]")
        out.append(f"# {key.help}")
        out.append(f"{key.name.rsplit('.', 1)[1]} = {_toml_value(key.default)}")
    for line, fields in DEFAULT_PRODUCT_LINES.items():
        out.append(f"\n[product_lines.{line}]")
        out += [f"{name} = {_toml_value(value)}" for name, value in fields.items()]
    return "\n".join(out).lstrip() + "\n"


def settings_table() -> str:
    """The README's settings table, generated from the model (a test keeps the README equal)."""
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    for key in KEYS.values():
        default = ", ".join(map(str, key.default)) if isinstance(key.default, list) \
            else key.default
        rows.append(f"| `{key.name}` | {default} | {key.help} |")
    for name, (_, text) in PRODUCT_LINE_FIELDS.items():
        rows.append(f"| `product_lines.<id>.{name}` | "
                    f"{'; '.join(f'{line} {fields[name]}' for line, fields in DEFAULT_PRODUCT_LINES.items())}"
                    f" | {text} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    import sys
    sys.stdout.write(settings_table() if sys.argv[1:] == ["--table"] else defaults_toml())
