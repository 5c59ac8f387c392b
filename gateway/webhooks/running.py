"""The catch-up's place in the application: started once the backends and the processor run, stopped first."""

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from ..appkeys import BACKENDS_KEY, CLOCK_KEY, REFERENCE_KEY, SETTINGS_KEY
from . import WEBHOOKS_KEY
from .catchup import CatchUp

CATCH_UP_KEY = web.AppKey("catch_up", CatchUp)  # reads back what the POS and the web shop pushed while unheard


async def catching_up(app: web.Application) -> AsyncIterator[None]:
    """The caches fed by pushed events distrust what they hold before the first request is served; the first
    pass then runs in the background (start-up does not wait on the back offices)."""
    catch_up = CatchUp(app[BACKENDS_KEY], app[REFERENCE_KEY].caches, app[SETTINGS_KEY].webhook_catchup_s,
                       app[CLOCK_KEY], wake=app[WEBHOOKS_KEY].processor.wake)
    catch_up.distrust_all()
    app[CATCH_UP_KEY] = catch_up
    task = asyncio.create_task(catch_up.run())
    yield
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
