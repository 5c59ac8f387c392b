"""Persisted queries: Apollo's APQ round trip, the safelist, and the errors clients key on."""

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.persisted import PersistedQueries, PersistedQueryError, load_safelist, sha256_hex

ME = "{ me { id } }"
PRODUCT = '{ product(sku: "1") { name } }'
SAFE = "query Kiosk { store(id: \"1\") { name } }"
SAFELIST = {sha256_hex(SAFE): SAFE}


def persisted(sha: str, version: Any = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha}}


def error_code(store: PersistedQueries, query: str | None, extensions: dict[str, Any] | None,
               safelist_only: bool = False) -> str:
    with pytest.raises(PersistedQueryError) as caught:
        store.resolve(query, extensions, safelist_only)
    return caught.value.code


def test_a_plain_query_runs_as_sent() -> None:
    assert PersistedQueries().resolve(ME, None) == ME
    assert PersistedQueries().resolve(ME, {"other": True}) == ME


def test_nothing_to_run_is_left_to_the_caller() -> None:
    assert PersistedQueries().resolve(None, None) is None


def test_the_apq_round_trip() -> None:
    # given a hash the server has not seen
    store = PersistedQueries()
    with pytest.raises(PersistedQueryError) as caught:
        store.resolve(None, persisted(sha256_hex(ME)))
    assert (caught.value.code, str(caught.value)) == ("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")

    # when the client sends the text with its hash, it validates, then the client sends the hash alone
    registered = store.resolve(ME, persisted(sha256_hex(ME)))
    store.remember(ME, persisted(sha256_hex(ME)))
    replayed = store.resolve(None, persisted(sha256_hex(ME)))

    # then both run the document
    assert registered == replayed == ME


def test_a_hash_that_is_not_the_query_s_is_refused_and_not_stored() -> None:
    store = PersistedQueries()

    with pytest.raises(PersistedQueryError) as caught:
        store.resolve(PRODUCT, persisted(sha256_hex(ME)))
    store.remember(PRODUCT, persisted(sha256_hex(ME)))

    assert (caught.value.code, str(caught.value)) == ("PERSISTED_QUERY_HASH_MISMATCH",
                                                      "provided sha does not match query")
    assert error_code(store, None, persisted(sha256_hex(ME))) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("extension", [
    persisted(sha256_hex(ME), version=2),
    persisted(sha256_hex(ME), version=True),
    persisted(sha256_hex(ME), version="1"),
    {"persistedQuery": {"version": 1}},
    {"persistedQuery": "abc"},
])
def test_other_versions_and_malformed_extensions_are_not_supported(extension: dict[str, Any]) -> None:
    assert error_code(PersistedQueries(), ME, extension) == "PERSISTED_QUERY_NOT_SUPPORTED"


def test_a_document_is_kept_only_once_remembered() -> None:
    store = PersistedQueries()

    store.resolve(PRODUCT, persisted(sha256_hex(PRODUCT)))  # sent, but it did not validate: never remembered

    assert error_code(store, None, persisted(sha256_hex(PRODUCT))) == "PERSISTED_QUERY_NOT_FOUND"


def test_the_store_forgets_the_least_recently_used() -> None:
    store = PersistedQueries(max_entries=2)
    for document in (ME, PRODUCT):
        store.remember(document, persisted(sha256_hex(document)))
    store.resolve(None, persisted(sha256_hex(ME)))  # ME is now the most recently used

    store.remember(SAFE + " ", persisted(sha256_hex(SAFE + " ")))

    assert store.resolve(None, persisted(sha256_hex(ME))) == ME
    assert error_code(store, None, persisted(sha256_hex(PRODUCT))) == "PERSISTED_QUERY_NOT_FOUND"


def test_an_oversized_document_runs_but_is_not_kept() -> None:
    store = PersistedQueries(max_document_chars=len(ME) - 1)

    assert store.resolve(ME, persisted(sha256_hex(ME))) == ME
    store.remember(ME, persisted(sha256_hex(ME)))
    assert error_code(store, None, persisted(sha256_hex(ME))) == "PERSISTED_QUERY_NOT_FOUND"


def test_safelisted_hashes_run_without_registration() -> None:
    store = PersistedQueries(safelist=SAFELIST)

    assert store.resolve(None, persisted(sha256_hex(SAFE))) == SAFE
    assert store.resolve(None, persisted(sha256_hex(SAFE)), safelist_only=True) == SAFE


def test_safelist_only_principals_run_safelisted_documents_only() -> None:
    store = PersistedQueries(safelist=SAFELIST)
    store.remember(ME, persisted(sha256_hex(ME)))  # registered by someone else

    assert store.resolve(SAFE, None, safelist_only=True) == SAFE
    assert store.resolve(SAFE, persisted(sha256_hex(SAFE)), safelist_only=True) == SAFE
    assert error_code(store, ME, None, safelist_only=True) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert error_code(store, None, persisted(sha256_hex(ME)), safelist_only=True) == "PERSISTED_QUERY_NOT_ALLOWED"


def test_safelist_only_principals_cannot_register() -> None:
    store = PersistedQueries(safelist=SAFELIST)

    assert error_code(store, PRODUCT, persisted(sha256_hex(PRODUCT)), True) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert error_code(store, None, persisted(sha256_hex(PRODUCT))) == "PERSISTED_QUERY_NOT_FOUND"


def test_without_apq_only_the_safelist_answers_hashes() -> None:
    store = PersistedQueries(safelist=SAFELIST, apq_enabled=False)

    assert store.resolve(ME, persisted(sha256_hex(ME))) == ME  # runs, verified, not stored
    store.remember(ME, persisted(sha256_hex(ME)))
    assert error_code(store, None, persisted(sha256_hex(ME))) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert store.resolve(None, persisted(sha256_hex(SAFE))) == SAFE


def test_a_safelist_file_is_checked_hash_by_hash(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(SAFELIST), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SAFELIST, "0" * 64: ME}), encoding="utf-8")

    assert load_safelist(good) == SAFELIST
    with pytest.raises(ValueError, match="0" * 64):
        load_safelist(bad)


@pytest.mark.parametrize("content", ["[]", '{"abc": 1}', "not json"])
def test_a_malformed_safelist_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "safelist.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ValueError):
        load_safelist(path)


def test_a_safelist_given_directly_is_checked_too() -> None:
    with pytest.raises(ValueError, match="abc"):
        PersistedQueries(safelist={"abc": ME})
