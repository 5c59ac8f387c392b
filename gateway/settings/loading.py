"""`load_settings`: `OMNIGATE_*` environment variables over an optional TOML file, into `Settings`.

Every problem is collected before failing, so a newcomer fixes them in one round rather than one per run.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .declaration import PREFIX, Setting
from .model import SETTINGS, Settings


class SettingsError(ValueError):
    """Settings are missing or malformed: one line per problem, each naming its variable, all found in one run."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Environment variables win over the TOML file; production-required settings have no default there."""
    environ = os.environ if environ is None else environ
    raw = _from_toml(config_file) if config_file else {}
    raw.update({name.removeprefix(PREFIX): value for name, value in environ.items() if name.startswith(PREFIX)})
    production = raw.get("ENV") == "production"
    values: dict[str, Any] = {}
    problems = [problem for s in SETTINGS.values() if (problem := _parse_into(values, s, raw.get(s.name), production))]
    if production:
        problems += _production_problems(raw)
    if problems:
        raise SettingsError(*problems)
    return Settings(**values)


def _parse_into(values: dict[str, Any], s: Setting, text: str | None, production: bool) -> str | None:
    """Parses one setting into `values`; the problem, naming the variable, when it is missing or malformed."""
    if text is None and s.required:
        return f"{s.variable} is required but not set"
    if text is None and (s.default is None or (production and s.production_required)):
        # without a default in production: `_production_problems` reports the group if none of it is set
        values[s.attribute] = None
        return None
    try:
        values[s.attribute] = s.parse(text if text is not None else str(s.default))
    except ValueError as exc:
        return f"{s.variable}: {exc}"
    return None


def _production_problems(raw: Mapping[str, str]) -> list[str]:
    """A line per unset production group, then a line per published value in use."""
    groups: dict[str, list[Setting]] = {}
    for s in SETTINGS.values():
        if s.production_required:
            groups.setdefault(s.group, []).append(s)
    missing = [" or ".join(s.variable for s in group) + " is required in production"
               for group in groups.values() if all(raw.get(s.name) is None for s in group)]
    published = [f"{s.variable}: {s.published.what} is published in this project and refused in production; "
                 "set your own" for s in SETTINGS.values() if s.published and raw.get(s.name) == s.published.value]
    return missing + published


def _from_toml(path: Path) -> dict[str, str]:
    """Flat `name = value` pairs, names as in the environment without the prefix, any case."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"config file {path}: {exc}") from None
    unknown = [key for key in data if key.upper() not in SETTINGS]
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting {unknown[0]!r}")
    return {key.upper(): str(value).lower() if isinstance(value, bool) else str(value) for key, value in data.items()}
