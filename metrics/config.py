"""Configuration read once from TOML: ``metrics/config.toml`` (the SPEC defaults), or the file
named by ``COCKPIT_CONFIG``. Each metrics module validates its own section and raises
``ConfigError`` with a message a person can act on."""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "config.toml"
CONFIG_ENV = "COCKPIT_CONFIG"


class ConfigError(ValueError):
    """The configuration is unusable; the message names the file, the key and the problem."""


def config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_PATH)


@functools.cache
def _load(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration {path} is not valid TOML: {exc}") from None


def section(*keys: str) -> dict:
    """A section of the configuration, e.g. ``section("scorecard", "weights")``; {} if absent."""
    value = _load(config_path())
    for key in keys:
        value = value.get(key, {}) if isinstance(value, dict) else {}
    return value
