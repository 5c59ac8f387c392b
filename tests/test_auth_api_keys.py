"""API keys: the key file, validated whole at start-up, and kiosks and partners recognised by their key's hash."""

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from gateway.auth.api_keys import ApiKeyEntry, ApiKeys, hash_key, load_api_keys, new_key
from gateway.auth.principals import AuthenticationError, Principal, Role

KIOSK_KEY = "ogk_kiosk_till-one-of-store-s01"
PARTNER_KEY = "ogk_partner_acme-price-feed"
SPARE_KEY = "ogk_kiosk_spare-till-of-store-s02"

KIOSK = {"name": "kiosk-s01-1", "sha256": hash_key(KIOSK_KEY), "kind": "kiosk", "store": "S01"}
PARTNER = {"name": "acme-feed", "sha256": hash_key(PARTNER_KEY), "kind": "partner", "scopes": ["catalog", "prices"],
           "safelist_only": True}
SPARE = {"name": "kiosk-s02-1", "sha256": hash_key(SPARE_KEY), "kind": "kiosk", "store": "S02"}
ROUTER = {"name": "apollo-router", "sha256": hash_key("ogk_router_composes-the-supergraph"), "kind": "router"}

KEYS_TOML = f"""
# kiosks: one key per till
[[keys]]
name = "kiosk-s01-1"
sha256 = "{hash_key(KIOSK_KEY)}"
kind = "kiosk"
store = "S01"

[[keys]]
name = "acme-feed"
sha256 = "{hash_key(PARTNER_KEY)}"
kind = "partner"
scopes = ["catalog", "prices"]
safelist_only = true
"""

ENTRIES = [
    ApiKeyEntry("kiosk-s01-1", hash_key(KIOSK_KEY), Role.KIOSK, "S01", frozenset()),
    ApiKeyEntry("acme-feed", hash_key(PARTNER_KEY), Role.PARTNER, None, frozenset({"catalog", "prices"}),
                safelist_only=True),
]
SPARE_ENTRY = ApiKeyEntry("kiosk-s02-1", hash_key(SPARE_KEY), Role.KIOSK, "S02", frozenset())


class CountingApiKeys(ApiKeys):
    """Counts comparisons, to show that every entry is compared whichever matches."""

    comparisons = 0

    def _matches(self, entry: ApiKeyEntry, digest: bytes) -> bool:
        self.comparisons += 1
        return super()._matches(entry, digest)


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def json_file(tmp_path: Path, *entries: object) -> Path:
    return write(tmp_path, "keys.json", json.dumps({"keys": list(entries)}))


def without(entry: dict[str, Any], field: str) -> dict[str, Any]:
    return {name: value for name, value in entry.items() if name != field}


# --- the key file -------------------------------------------------------------------------------------------------


def test_a_toml_key_file_loads(tmp_path: Path) -> None:
    assert load_api_keys(write(tmp_path, "keys.toml", KEYS_TOML)) == ENTRIES


def test_a_json_key_file_loads(tmp_path: Path) -> None:
    assert load_api_keys(json_file(tmp_path, KIOSK, PARTNER)) == ENTRIES


def test_a_router_key_has_neither_store_nor_scopes(tmp_path: Path) -> None:
    assert load_api_keys(json_file(tmp_path, ROUTER)) == [
        ApiKeyEntry("apollo-router", ROUTER["sha256"], Role.ROUTER, None, frozenset())]


@pytest.mark.parametrize(("name", "content"), [("keys.toml", ""), ("keys.json", "{}"), ("keys.json", '{"keys": []}')])
def test_a_file_without_keys_is_no_keys(tmp_path: Path, name: str, content: str) -> None:
    assert load_api_keys(write(tmp_path, name, content)) == []


@pytest.mark.parametrize(("entry", "where", "problem"), [
    (without(KIOSK, "name"), "API key #1: name", "required"),
    (KIOSK | {"name": 5}, "API key #1: name", "required"),
    (without(KIOSK, "sha256"), "API key 'kiosk-s01-1': sha256", "required"),
    (KIOSK | {"sha256": hash_key(KIOSK_KEY).upper()}, "API key 'kiosk-s01-1': sha256", "64 lowercase hex"),
    (KIOSK | {"sha256": hash_key(KIOSK_KEY)[:63]}, "API key 'kiosk-s01-1': sha256", "64 lowercase hex"),
    (KIOSK | {"sha256": KIOSK_KEY}, "API key 'kiosk-s01-1': sha256", "never the key"),
    (without(KIOSK, "kind"), "API key 'kiosk-s01-1': kind", "required"),
    (KIOSK | {"kind": "staff"}, "API key 'kiosk-s01-1': kind", "expected 'kiosk', 'partner' or 'router'"),
    (without(KIOSK, "store"), "API key 'kiosk-s01-1': store", "required"),
    (KIOSK | {"store": ""}, "API key 'kiosk-s01-1': store", "required"),
    (KIOSK | {"scopes": ["catalog"]}, "API key 'kiosk-s01-1': scopes", "only partner keys have scopes"),
    (PARTNER | {"store": "S01"}, "API key 'acme-feed': store", "only kiosk keys are bound to a store"),
    (without(PARTNER, "scopes"), "API key 'acme-feed': scopes", "required for a partner"),
    (PARTNER | {"scopes": []}, "API key 'acme-feed': scopes", "required for a partner"),
    (PARTNER | {"scopes": "catalog"}, "API key 'acme-feed': scopes", "required for a partner"),
    (PARTNER | {"scopes": ["catalog", 3]}, "API key 'acme-feed': scopes", "required for a partner"),
    (PARTNER | {"scopes": ["catalog", "checkout"]}, "API key 'acme-feed': scopes", "unknown scope 'checkout'"),
    (ROUTER | {"scopes": ["catalog"]}, "API key 'apollo-router': scopes", "only partner keys have scopes"),
    (ROUTER | {"store": "S01"}, "API key 'apollo-router': store", "only kiosk keys are bound to a store"),
    (PARTNER | {"safelist_only": "yes"}, "API key 'acme-feed': safelist_only", "expected true or false"),
    (PARTNER | {"safelist-only": True}, "API key 'acme-feed': safelist-only", "unknown field"),
    ("kiosk-s01-1", "API key #1", "expected a table"),
])
def test_each_mistake_names_the_entry_and_the_field(tmp_path: Path, entry: object, where: str, problem: str) -> None:
    # given a key file whose only entry has one mistake
    path = json_file(tmp_path, entry)
    # then loading stops with one line naming the file, the entry and the field
    with pytest.raises(ValueError, match=rf"^{re.escape(f'{path}: {where}')}: .*{re.escape(problem)}") as caught:
        load_api_keys(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("second", "message"), [
    (SPARE | {"name": "kiosk-s01-1"}, "API key 'kiosk-s01-1': name: used by an earlier key"),
    (SPARE | {"sha256": hash_key(KIOSK_KEY)}, "API key 'kiosk-s02-1': sha256: the same key as an earlier entry"),
])
def test_names_and_keys_are_unique(tmp_path: Path, second: dict[str, Any], message: str) -> None:
    path = json_file(tmp_path, KIOSK, second)
    with pytest.raises(ValueError, match=re.escape(f"{path}: {message}")):
        load_api_keys(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("keys.yaml", "keys: []", "an API key file is .toml or .json"),
    ("keys.toml", "[[keys]\nname = 1", "keys.toml: "),
    ("keys.json", "{not json", "keys.json: "),
    ("keys.json", "[]", "expected only a 'keys' list at the top level"),
    ("keys.json", '{"keys": [], "key": []}', "expected only a 'keys' list at the top level"),
    ("keys.toml", "[[key]]\nname = 'typo'", "expected only a 'keys' list at the top level"),
    ("keys.json", '{"keys": {"name": "x"}}', "'keys' must be a list"),
])
def test_a_malformed_file_is_refused(tmp_path: Path, name: str, content: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_api_keys(write(tmp_path, name, content))


def test_a_missing_file_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"absent\.toml"):
        load_api_keys(tmp_path / "absent.toml")


# --- keys and hashes ----------------------------------------------------------------------------------------------


def test_the_file_holds_the_sha256_of_the_key() -> None:
    assert hash_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_new_keys_are_random_url_safe_and_carry_their_prefix() -> None:
    keys = {new_key("ogk_kiosk") for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert re.fullmatch(r"ogk_kiosk_[A-Za-z0-9_-]{43}", key)


def test_an_api_key_cannot_stand_for_a_person() -> None:
    with pytest.raises(ValueError, match="a kiosk, a partner or a router"):
        ApiKeyEntry("sneaky", hash_key("k"), Role.STAFF, None, frozenset())


# --- authentication -----------------------------------------------------------------------------------------------


def test_a_kiosk_key_is_its_kiosk_at_its_store() -> None:
    assert ApiKeys(ENTRIES).authenticate(KIOSK_KEY) == Principal(Role.KIOSK, subject="kiosk-s01-1", store="S01")


def test_a_partner_key_carries_its_scopes_and_safelist_flag() -> None:
    principal = ApiKeys(ENTRIES).authenticate(PARTNER_KEY)
    assert principal == Principal(Role.PARTNER, subject="acme-feed", scopes=frozenset({"catalog", "prices"}),
                                  safelist_only=True)


@pytest.mark.parametrize("presented", ["", "ogk_kiosk_guess", KIOSK_KEY.upper(), f"{KIOSK_KEY} ", hash_key(KIOSK_KEY)])
def test_an_unknown_key_is_refused(presented: str) -> None:
    # the stored hash itself is not a key: presenting it is refused too
    with pytest.raises(AuthenticationError, match=r"^unknown API key$"):
        ApiKeys(ENTRIES).authenticate(presented)


@pytest.mark.parametrize("presented", [KIOSK_KEY, PARTNER_KEY, SPARE_KEY, "ogk_kiosk_guess"])
def test_every_entry_is_compared_whichever_matches(presented: str) -> None:
    # given three keys, the presented one first, middle, last or absent
    keys = CountingApiKeys([*ENTRIES, SPARE_ENTRY])
    # when it is authenticated
    with contextlib.suppress(AuthenticationError):
        keys.authenticate(presented)
    # then all three were compared: no early exit tells which entry matched, or that none did
    assert keys.comparisons == 3
