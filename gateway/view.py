"""GraphQL over HTTP on aiohttp: Strawberry's view with our context and no IDE in production."""

from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView

from .context import Context
from .settings import Settings


class GatewayView(GraphQLView[Context, None]):
    def __init__(self, settings: Settings) -> None:
        from .schema import schema

        super().__init__(schema=schema, graphql_ide=None if settings.is_production else "graphiql",
                         allow_queries_via_get=True)

    async def get_context(self, request: web.Request, response: Any) -> Context:
        from .app import BACKENDS_KEY, REFERENCE_KEY, SETTINGS_KEY

        app = request.app
        return Context.create(app[SETTINGS_KEY], app[BACKENDS_KEY], app[REFERENCE_KEY])
