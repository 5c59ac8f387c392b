"""The ERP simulator: SAP S/4HANA OData services (product, pricing, stock, relationships) over the demo world.

Two protocol versions live side by side, so every error, including an injected
fault, is shaped by the service root the request was aimed at.
"""

from contextvars import ContextVar

from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from simulators.base import Simulator
from simulators.control import Control, Handler
from simulators.openapi import erp as erp_openapi
from simulators.openapi.builder import ApiDescription
from simulators.world import World

from .odata_server.logon import Logon
from .odata_server.resource import ServiceResource
from .services import build_services
from .world import build_view

_TARGET: ContextVar[ServiceResource | None] = ContextVar("erp_target_service", default=None)


class ErpSimulator(Simulator):
    system = "erp"

    def __init__(self, world: World, credentials: Credentials = DEMO_CREDENTIALS,
                 control: Control | None = None) -> None:
        super().__init__(world, credentials, control)
        self.logon = Logon(credentials.erp_user, credentials.erp_password)
        self.resources = tuple(ServiceResource(s, self.logon) for s in build_services(build_view(world)))

    def app(self) -> web.Application:
        app = super().app()
        app.middlewares.insert(0, self._aim)
        return app

    def add_routes(self, app: web.Application) -> None:
        for resource in self.resources:
            resource.add_routes(app)

    def api_description(self) -> ApiDescription:
        return erp_openapi.describe(r.service for r in self.resources)

    def error_response(self, status: int, message: str) -> web.Response:
        return (_TARGET.get() or self.resources[0]).error(status, message)

    def refuse(self, request: web.Request) -> web.Response | None:
        return self.logon.refuse(request)

    @web.middleware
    async def _aim(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Notes which service the request is for, before faults or logon can answer it."""
        target = next((r for r in self.resources if r.service.root in request.path), None)
        token = _TARGET.set(target)
        try:
            return await handler(request)
        finally:
            _TARGET.reset(token)
