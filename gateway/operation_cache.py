"""The operation cache: a document is parsed and validated once per (schema, document), not once per request.

Profiled on a repeated document with warm shared caches, graphql-core spent about half the gateway's CPU
validating the same document again and parsing it again. An entry holds what depends on the document text
alone, under the sha256 of the text (and the text itself, compared on every hit, so two documents never
share an entry): the parsed `DocumentNode` or the parse error, the operations it defines, and the outcome of
validation per validation view (the federation rules depend on the principal's class, see
`gateway/schema/federation_access.py`), errors included, so a bad document is refused cheaply and
with the same bytes every time.

What depends on the request is never cached: which operation `operationName` picks, and the measures
(`gateway/limits.py`): the cost rests on the variables and on the estate as last loaded, so the operation
is measured on every run and every limit is enforced on a cached document as on a new one. One cache per
schema (the endpoint holds it beside its schema), so the schema's identity is part of the key by
construction. Size 0 turns the cache off: every request is parsed for its limits, then parsed again and
validated by strawberry, as before the cache (the benchmark's baseline).
"""

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode

from .limits import OperationLimits, parse_operation
from .observability.record import current
from .persisted import sha256_hex

CACHE_LABEL = "operation"  # the `cache` label of `omnigate_cache_lookups`
VALIDATION_LABEL = "validation"  # a validation outcome found in (hit) or added to (miss) an entry


@dataclass
class PreparedDocument:
    """One document, parsed (or refused) once; `validations` fill in as each validation view first runs it."""

    text: str
    document: DocumentNode | None
    parse_error: GraphQLError | None
    operations: tuple[OperationDefinitionNode, ...]
    validations: dict[Hashable, list[GraphQLError]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, limits: OperationLimits) -> "PreparedDocument":
        try:
            document = parse_operation(text, limits)
        except GraphQLError as error:
            return cls(text, None, error, ())
        operations = tuple(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        return cls(text, document, None, operations)

    def parsed(self) -> DocumentNode:
        """The document; raises its parse error (the same error object, so the same bytes) when it has none."""
        if self.document is None:
            assert self.parse_error is not None
            raise self.parse_error
        return self.document


# The document the running operation executes: the schema's `PreparedDocuments` extension hands it to strawberry,
# which recognises it by identity (the endpoint executes `prepared.text` itself).
PREPARED: ContextVar[PreparedDocument | None] = ContextVar("prepared_document", default=None)


class OperationCache:
    """A bounded LRU of prepared documents for one schema; hits and misses go to `omnigate_cache_lookups`."""

    def __init__(self, size: int, limits: OperationLimits) -> None:
        self._entries: LRUCache[str, PreparedDocument] | None = LRUCache(maxsize=size) if size > 0 else None
        self._limits = limits

    @property
    def enabled(self) -> bool:
        return self._entries is not None

    def __len__(self) -> int:
        return len(self._entries) if self._entries is not None else 0

    def prepare(self, text: str) -> PreparedDocument:
        if self._entries is None:
            return PreparedDocument.parse(text, self._limits)
        key = sha256_hex(text)
        entry = self._entries.get(key)
        hit = entry is not None and entry.text == text
        if entry is None or not hit:
            entry = PreparedDocument.parse(text, self._limits)
            self._entries[key] = entry
        observe(CACHE_LABEL, hit)
        return entry


def observe(cache: str, hit: bool) -> None:
    record = current()
    if record is not None:
        record.metrics.observe_cache(cache, int(hit), int(not hit))


@contextmanager
def executing(prepared: PreparedDocument) -> Iterator[None]:
    token = PREPARED.set(prepared)
    try:
        yield
    finally:
        PREPARED.reset(token)
