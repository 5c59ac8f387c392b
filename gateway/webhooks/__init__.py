"""Events pushed by the back offices: verified and kept by the receivers, processed in the background, made
known through the live hub, their cache entries dropped on every replica."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from connectors.domain import System
from connectors.webhook_ports import Registration, WebhookRegistrations

from ..appkeys import BACKENDS_KEY, CLOCK_KEY, LIVE_KEY, METRICS_KEY, REFERENCE_KEY, SHARED_KEY
from ..response_cache import ResponseCache
from .apply import Applier
from .invalidation import Invalidation
from .processor import Processor
from .receivers import Receiver

PATHS = {System.POS: "/webhooks/pos", System.WEBSHOP: "/webhooks/webshop"}


@dataclass(frozen=True)
class Webhooks:
    receivers: dict[System, Receiver]
    processor: Processor


WEBHOOKS_KEY = web.AppKey("webhooks", Webhooks)


def add_webhooks(app: web.Application, responses: ResponseCache) -> None:
    """The receivers' routes, and a cleanup context (after the backends') that registers the invalidation
    handler and runs the processor while the application does."""
    for system, path in PATHS.items():
        app.router.add_post(path, _handler(system))

    async def context(app: web.Application) -> AsyncIterator[None]:
        backends, reference, live = app[BACKENDS_KEY], app[REFERENCE_KEY], app[LIVE_KEY]
        shared = app.get(SHARED_KEY)
        invalidation = Invalidation(reference, responses, shared.bus if shared is not None else None)
        live.on_change(invalidation.on_change)
        metrics, clock = app[METRICS_KEY].webhooks, app[CLOCK_KEY]
        formats = {form.system: form for form in backends.webhook_formats}
        processor = Processor(backends.inbox, formats, Applier(live, invalidation, backends.customers).apply,
                              metrics, clock)
        receivers = {system: Receiver(form, _registration(backends.registrations, system), backends.inbox.record,
                                      processor.wake, metrics, clock) for system, form in formats.items()}
        app[WEBHOOKS_KEY] = Webhooks(receivers, processor)
        running = asyncio.create_task(processor.run())
        yield
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    app.cleanup_ctx.append(context)


def _registration(registrations: WebhookRegistrations, system: System) -> Callable[[], Awaitable[Registration | None]]:
    return lambda: registrations.get(system)


def _handler(system: System) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        receiver = request.app[WEBHOOKS_KEY].receivers.get(system)
        if receiver is None:
            raise web.HTTPNotFound()
        return await receiver.handle(request)
    return handle
