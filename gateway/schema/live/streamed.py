"""Over WebSocket each result leaves on its own, before the operation ends: the audit of what it read is written
then, as the HTTP endpoint writes it once its operation has run."""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

from ...context import Context


class StreamedAudit(SchemaExtension):
    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.audit.flush(context.principal, context.request_id)
        yield
