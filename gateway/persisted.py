"""Automatic persisted queries (Apollo's protocol) and a safelist of documents known in advance.

A client may send `extensions.persistedQuery = {"version": 1, "sha256Hash": h}` instead of the
document text. The first time, it gets PERSISTED_QUERY_NOT_FOUND and sends the text with the hash;
once that document has parsed and validated, the endpoint registers it (`remember`) in a bounded
in-process store, so a broken document is never replayed under a hash. With replicas, a `DocumentStore`
(Redis) holds them too: `recall` fetches a hash registered on another replica before `resolve` looks it up.
Safelisted documents need no registration. For principals limited to the safelist (kiosks, some partners),
nothing else runs, whether sent as text or as a hash.

With APQ off, an unknown hash gets PERSISTED_QUERY_NOT_SUPPORTED rather than NOT_FOUND: Apollo's
clients then stop sending hashes, where NOT_FOUND would have them send every document twice.
"""

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

from cachetools import LRUCache

from .errors import ErrorCode

PersistedQueryCode = Literal[ErrorCode.PERSISTED_QUERY_NOT_FOUND, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
                             ErrorCode.PERSISTED_QUERY_NOT_ALLOWED, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED]

_MESSAGES: dict[PersistedQueryCode, str] = {  # Apollo's texts where it has one: its clients match on them
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: "PersistedQueryNotFound",
    ErrorCode.PERSISTED_QUERY_HASH_MISMATCH: "provided sha does not match query",
    ErrorCode.PERSISTED_QUERY_NOT_ALLOWED: "only safelisted operations may run with these credentials",
    ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED: "PersistedQueryNotSupported",
}


class PersistedQueryError(Exception):
    """The document cannot be resolved; the message is safe to show the client."""

    def __init__(self, code: PersistedQueryCode) -> None:
        super().__init__(_MESSAGES[code])
        self.code = code


def sha256_hex(document: str) -> str:
    """The hash Apollo's clients send: sha256 of the document's UTF-8 text, lowercase hex."""
    return hashlib.sha256(document.encode()).hexdigest()


def load_safelist(path: Path) -> dict[str, str]:
    """Reads a JSON object of hash -> document; raises ValueError naming the first bad entry."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, dict):
        raise ValueError("expected a JSON object of sha256 hash -> document")
    for sha, document in entries.items():
        if not isinstance(document, str):
            raise ValueError(f"safelist entry {sha}: the document must be a string")
    return _verified(entries)


def _verified(safelist: Mapping[str, str]) -> dict[str, str]:
    """A hash that is not its document's would run one document under another's name."""
    for sha, document in safelist.items():
        if sha256_hex(document) != sha:
            raise ValueError(f"safelist entry {sha}: not the sha256 of its document")
    return dict(safelist)


class DocumentStore(Protocol):
    """Registered documents shared by every replica."""

    async def get(self, sha: str) -> str | None: ...

    def put(self, sha: str, document: str) -> None: ...


class PersistedQueries:
    """Turns a request's query and extensions into the document to run.

    Registered documents are held in an LRU of `max_entries`; a document longer than
    `max_document_chars` still runs but is not kept, so the store's memory stays bounded.
    """

    def __init__(self, max_entries: int = 1000, safelist: Mapping[str, str] | None = None,
                 apq_enabled: bool = True, max_document_chars: int = 20_000,
                 shared: DocumentStore | None = None) -> None:
        self._safelist = _verified(safelist or {})
        self._shared = shared
        self._store: LRUCache[str, str] = LRUCache(maxsize=max_entries)
        self._apq_enabled = apq_enabled
        self._max_document_chars = max_document_chars

    @property
    def safelisted(self) -> tuple[str, ...]:
        """The safelist's documents (their operations' names are labelled in the metrics)."""
        return tuple(self._safelist.values())

    def resolve(self, query: str | None, extensions: Mapping[str, Any] | None,
                safelist_only: bool = False) -> str | None:
        """The document to run; None when the request has neither a query nor a hash.

        Raises PersistedQueryError when the hash is unknown, does not match, is refused to this
        principal, or the extension is malformed.
        """
        sha = _requested_hash(extensions)
        if sha is None:
            if query is not None and safelist_only and sha256_hex(query) not in self._safelist:
                raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED)
            return query
        if query is not None:
            return self._check(sha, query, safelist_only)
        return self._lookup(sha, safelist_only)

    async def recall(self, query: str | None, extensions: Mapping[str, Any] | None) -> None:
        """Before `resolve`: a hash sent without its document, unknown here but registered on another replica, is
        fetched into this one's store."""
        if self._shared is None or not self._apq_enabled or query is not None:
            return
        try:
            sha = _requested_hash(extensions)
        except PersistedQueryError:
            return  # `resolve` says so
        if sha is None or sha in self._safelist or sha in self._store:
            return
        document = await self._shared.get(sha)
        if document is not None and sha256_hex(document) == sha:
            self._store[sha] = document

    def remember(self, query: str | None, extensions: Mapping[str, Any] | None) -> None:
        """Registers a document sent with its hash, once it is known to parse and validate.

        The hash is checked again (it is cheap), so no call order can store a document under another's hash.
        """
        sha = _requested_hash(extensions)
        if sha is None or query is None or sha in self._safelist or sha256_hex(query) != sha:
            return
        if self._apq_enabled and len(query) <= self._max_document_chars:
            self._store[sha] = query
            if self._shared is not None:
                self._shared.put(sha, query)

    def _check(self, sha: str, query: str, safelist_only: bool) -> str:
        if sha256_hex(query) != sha:
            raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_HASH_MISMATCH)
        if safelist_only and sha not in self._safelist:
            raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED)
        return query

    def _lookup(self, sha: str, safelist_only: bool) -> str:
        if sha in self._safelist:
            return self._safelist[sha]
        if safelist_only:
            raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED)
        if not self._apq_enabled:
            raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED)
        document = self._store.get(sha)
        if document is None:
            raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_FOUND)
        return document


def _requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """The hash asked for; NOT_SUPPORTED for a version other than 1 or a malformed extension."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping):
        raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED)
    version, sha = persisted.get("version"), persisted.get("sha256Hash")
    if type(version) is not int or version != 1 or not isinstance(sha, str):
        raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED)
    return sha
