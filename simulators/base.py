"""The shape every simulator shares: a small class around one aiohttp application."""

from abc import ABC, abstractmethod
from typing import ClassVar

from aiohttp import web

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from simulators.world import World

from .control import MAX_LINE_SIZE, Control, Handler
from .openapi.builder import OPENAPI_PATH, OPENAPI_ROUTE, ApiDescription, Json, build, served_routes
from .webhooks.control import ControlRoute


class Simulator(ABC):
    """Speaks one back office's API subset over the demo world.

    Mounted under `/<system>` on a shared host, or started alone on a port of
    its own with `start()` (tests of one system do that).
    """

    system: ClassVar[str]

    def __init__(self, world: World, credentials: Credentials = DEMO_CREDENTIALS,
                 control: Control | None = None) -> None:
        self.world = world
        self.credentials = credentials
        self.control = control or Control(seed=world.seed)
        self._runner: web.AppRunner | None = None
        self._openapi_document: Json | None = None

    @property
    def prefix(self) -> str:
        return f"/{self.system}"

    def app(self) -> web.Application:
        app = web.Application(middlewares=[
            self.control.middleware(self.system, self.prefix, self.error_response),
            self._auth_middleware,
        ])
        # first, so the catch-alls some APIs register after their routes do not shadow it
        app.router.add_get(OPENAPI_PATH, self._openapi, name=OPENAPI_ROUTE)
        self.add_routes(app)
        return app

    def control_routes(self) -> list[ControlRoute]:
        """Test and demo hooks of this system, served by the host under `/_sim/<system>` (none by default)."""
        return []

    @abstractmethod
    def api_description(self) -> ApiDescription:
        """The OpenAPI fragments of every route `add_routes` registers (served at `/<system>/openapi.json`)."""

    @abstractmethod
    def add_routes(self, app: web.Application) -> None:
        """Registers the API's routes on `app` (paths without the `/<system>` prefix)."""

    @abstractmethod
    def error_response(self, status: int, message: str) -> web.Response:
        """A failure in this API's own error shape (used for injected faults too)."""

    @abstractmethod
    def refuse(self, request: web.Request) -> web.Response | None:
        """The API's answer to a missing or wrong credential; None when the request may pass."""

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.route.name == OPENAPI_ROUTE:  # published, as the vendors publish theirs
            return await handler(request)
        return self.refuse(request) or await handler(request)

    async def _openapi(self, request: web.Request) -> web.Response:
        """The API description, built once from the routes this application really serves."""
        if self._openapi_document is None:
            self._openapi_document = build(self.api_description(), served_routes(request.app.router.routes(),
                                                                                 self.prefix), self.prefix)
        return web.json_response(self._openapi_document)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serves this simulator alone; returns its base URL (with the `/<system>` prefix)."""
        root = web.Application()
        root.add_subapp(self.prefix, self.app())
        self._runner = web.AppRunner(root, shutdown_timeout=1.0, max_line_size=MAX_LINE_SIZE)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        return f"http://{host}:{bound}{self.prefix}"

    async def stop(self) -> None:
        if self._runner is not None:
            self.control.release()
            await self._runner.cleanup()
            self._runner = None
