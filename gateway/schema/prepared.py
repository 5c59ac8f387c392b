"""Hands strawberry the document the operation cache prepared, so graphql-core neither parses nor validates it
again (`gateway/operation_cache.py`).

Listed before `FederationAccess`: a cached outcome of validation is in place before it would validate, and on a
miss this extension's exit runs after every validation, so it records the outcome all of them reached.
"""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from ..auth.principals import ANONYMOUS, Principal
from ..operation_cache import PREPARED, VALIDATION_LABEL, PreparedDocument, observe
from .federation_access import SdlPolicy


class PreparedDocuments(SchemaExtension):
    def __init__(self, policy: SdlPolicy) -> None:
        self.policy = policy

    def _prepared(self) -> PreparedDocument | None:
        prepared = PREPARED.get()
        return prepared if prepared is not None and prepared.text is self.execution_context.query else None

    def on_parse(self) -> Iterator[None]:
        prepared = self._prepared()
        if prepared is not None and prepared.document is not None:
            self.execution_context.graphql_document = prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        prepared = self._prepared()
        context = self.execution_context
        if prepared is None or prepared.document is None or context.graphql_document is not prepared.document:
            yield
            return
        principal: Principal = getattr(context.context, "principal", ANONYMOUS)
        view = self.policy.view(principal)
        if view in prepared.validations:
            observe(VALIDATION_LABEL, hit=True)
            context.pre_execution_errors = list(prepared.validations[view])
            yield
            return
        observe(VALIDATION_LABEL, hit=False)
        yield
        prepared.validations[view] = list(context.pre_execution_errors or [])
