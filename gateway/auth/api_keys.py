"""Kiosks, partners and federation routers prove themselves with API keys, stored only as SHA-256 hashes.

A presented key is hashed and compared with every entry in constant time, so
the response time tells neither whether a key is known nor which one it is.
The key file is checked whole at start-up: a mistake names the entry and the
field, instead of surfacing later as a refused kiosk.
"""

import hashlib
import hmac
import json
import re
import secrets
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .principals import PARTNER_SCOPES, AuthenticationError, Principal, Role

_KINDS = {"kiosk": Role.KIOSK, "partner": Role.PARTNER, "router": Role.ROUTER}
_FIELDS = frozenset({"name", "sha256", "kind", "store", "scopes", "safelist_only"})
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ApiKeyEntry:
    """One issued key, by its hash; `kind` is checked so no key can ever stand for a customer or staff member."""

    name: str
    sha256: str
    kind: Role
    store: str | None
    scopes: frozenset[str]
    safelist_only: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KINDS.values():
            raise ValueError(f"API key {self.name!r}: an API key is for a kiosk, a partner or a router, "
                             f"not {self.kind}")


def hash_key(key: str) -> str:
    """What the key file holds instead of the key: enough to recognise it, useless to present."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(prefix: str) -> str:
    """A fresh key such as `new_key("ogk_kiosk")`; the prefix tells a leaked key's kind at a glance."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


class ApiKeys:
    """The issued keys; `authenticate` does the same work whichever entry matches, or none."""

    def __init__(self, entries: Sequence[ApiKeyEntry]) -> None:
        self._entries = tuple(entries)

    def authenticate(self, presented: str) -> Principal:
        digest = hash_key(presented).encode()
        found: ApiKeyEntry | None = None
        for entry in self._entries:  # no early exit: every entry is compared
            if self._matches(entry, digest):
                found = entry
        if found is None:
            raise AuthenticationError("unknown API key")
        return Principal(found.kind, subject=found.name, store=found.store, scopes=found.scopes,
                         safelist_only=found.safelist_only)

    def _matches(self, entry: ApiKeyEntry, digest: bytes) -> bool:
        """One constant-time comparison (bytes, so a malformed stored hash cannot raise mid-loop)."""
        return hmac.compare_digest(entry.sha256.encode(), digest)


def load_api_keys(path: Path) -> list[ApiKeyEntry]:
    """The entries of a `.toml` (`[[keys]]` tables) or `.json` (`{"keys": [...]}`) key file."""
    raw_entries = _key_list(_read(path), path)
    entries = [_entry(raw, _label(raw, index, path)) for index, raw in enumerate(raw_entries, start=1)]
    _check_unique(entries, path)
    return entries


def _read(path: Path) -> object:
    """TOML for people editing by hand, JSON for tools that generate the file."""
    try:
        if path.suffix == ".toml":
            return tomllib.loads(path.read_text(encoding="utf-8"))
        if path.suffix == ".json":
            return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from error
    raise ValueError(f"{path}: an API key file is .toml or .json")


def _key_list(document: object, path: Path) -> list[Any]:
    """An empty file is no keys; anything but `keys` at the top is a typo worth stopping for."""
    if not isinstance(document, dict) or set(document) - {"keys"}:
        raise ValueError(f"{path}: expected only a 'keys' list at the top level")
    keys = document.get("keys", [])
    if not isinstance(keys, list):
        raise ValueError(f"{path}: 'keys' must be a list")
    return keys


def _label(raw: object, index: int, path: Path) -> str:
    """The entry by name when it has a usable one, else by position, for error messages."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"{path}: API key {name!r}" if isinstance(name, str) and name else f"{path}: API key #{index}"


def _entry(raw: object, label: str) -> ApiKeyEntry:
    if not isinstance(raw, dict):
        raise ValueError(f"{label}: expected a table with name, sha256 and kind")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise _invalid(label, unknown[0], "unknown field")
    name, sha256, kind = _text(raw, "name", label), _sha256(raw, label), _kind(raw, label)
    safelist_only = raw.get("safelist_only", False)
    if not isinstance(safelist_only, bool):
        raise _invalid(label, "safelist_only", "expected true or false")
    if kind is Role.KIOSK:
        _absent(raw, "scopes", label, "only partner keys have scopes")
        return ApiKeyEntry(name, sha256, kind, _text(raw, "store", label), frozenset(), safelist_only)
    _absent(raw, "store", label, "only kiosk keys are bound to a store")
    if kind is Role.ROUTER:
        _absent(raw, "scopes", label, "only partner keys have scopes")
        return ApiKeyEntry(name, sha256, kind, None, frozenset(), safelist_only)
    return ApiKeyEntry(name, sha256, kind, None, _scopes(raw, label), safelist_only)


def _invalid(label: str, field: str, problem: str) -> ValueError:
    return ValueError(f"{label}: {field}: {problem}")


def _text(raw: dict[str, Any], field: str, label: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value:
        raise _invalid(label, field, "required, a non-empty string")
    return value


def _sha256(raw: dict[str, Any], label: str) -> str:
    value = _text(raw, "sha256", label)
    if not _SHA256_HEX.fullmatch(value):
        raise _invalid(label, "sha256", "expected 64 lowercase hex digits (the SHA-256 of the key, never the key)")
    return value


def _kind(raw: dict[str, Any], label: str) -> Role:
    kind = _KINDS.get(_text(raw, "kind", label))
    if kind is None:
        raise _invalid(label, "kind", "expected 'kiosk', 'partner' or 'router'")
    return kind


def _scopes(raw: dict[str, Any], label: str) -> frozenset[str]:
    scopes = raw.get("scopes")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(scope, str) for scope in scopes):
        raise _invalid(label, "scopes", f"required for a partner, a non-empty list from {sorted(PARTNER_SCOPES)}")
    unknown = sorted(set(scopes) - PARTNER_SCOPES)
    if unknown:
        raise _invalid(label, "scopes", f"unknown scope {unknown[0]!r}, expected some of {sorted(PARTNER_SCOPES)}")
    return frozenset(scopes)


def _absent(raw: dict[str, Any], field: str, label: str, problem: str) -> None:
    if field in raw:
        raise _invalid(label, field, problem)


def _check_unique(entries: list[ApiKeyEntry], path: Path) -> None:
    """Names key rate limits and logs, hashes pick the principal: either repeated would mix two callers."""
    names: set[str] = set()
    hashes: set[str] = set()
    for entry in entries:
        if entry.name in names:
            raise _invalid(f"{path}: API key {entry.name!r}", "name", "used by an earlier key")
        if entry.sha256 in hashes:
            raise _invalid(f"{path}: API key {entry.name!r}", "sha256", "the same key as an earlier entry")
        names.add(entry.name)
        hashes.add(entry.sha256)
