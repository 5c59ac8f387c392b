"""The `/_sim/<system>/webhooks/...` routes every pushing simulator has: what it delivered, and its settings."""

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from .courier import Courier, WebhookSettings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ControlRoute = tuple[str, str, Handler]  # (method, path under /_sim/<system>, handler)


def control_error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def json_object(request: web.Request) -> dict[str, object]:
    """The body of a control call; raises ValueError unless it is a JSON object."""
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise ValueError("body must be JSON") from None
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


def courier_routes(courier: Courier) -> list[ControlRoute]:
    async def deliveries(request: web.Request) -> web.Response:
        """Every delivery attempt kept, oldest first; `?target=` keeps one subscription's or webhook's."""
        target = request.query.get("target")
        found = [d for d in courier.deliveries() if target is None or d["target"] == target]
        return web.json_response({"deliveries": found, "pending": courier.pending})

    async def clear(_: web.Request) -> web.Response:
        courier.log.clear()
        return web.json_response({"deliveries": [], "pending": courier.pending})

    async def get_settings(_: web.Request) -> web.Response:
        return web.json_response(courier.settings.json())

    async def set_settings(request: web.Request) -> web.Response:
        try:
            courier.settings = WebhookSettings.parse(await json_object(request), courier.settings)
        except ValueError as exc:
            return control_error(str(exc))
        return web.json_response(courier.settings.json())

    return [("GET", "/webhooks/deliveries", deliveries), ("DELETE", "/webhooks/deliveries", clear),
            ("GET", "/webhooks/settings", get_settings), ("POST", "/webhooks/settings", set_settings)]
