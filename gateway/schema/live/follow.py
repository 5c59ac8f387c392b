"""One subscription's loop: the hub's events it matches, each read again as a new request would read it.

The stream is opened on the first read of the generator, after the resolver checked who may subscribe; it is
bounded, so a subscriber that falls behind ends with `SLOW_CONSUMER` instead of holding events without bound.
An event whose object cannot be read now (a back office down, or the object not visible) is left out.
"""

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

from strawberry.types import Info

from connectors.errors import ConnectorError

from ...context import Context
from ...errors import ErrorCode, GatewayError
from ...live import LiveEvent, SlowConsumer

T = TypeVar("T")
E = TypeVar("E", bound=LiveEvent)
log = logging.getLogger("omnigate.live")


async def follow(info: Info[Context, None], field_name: str, kind: type[E], match: Callable[[E], bool],
                 build: Callable[[E], Awaitable[list[T]]]) -> AsyncGenerator[T, None]:
    ctx = info.context

    def accepts(event: LiveEvent) -> bool:
        return isinstance(event, kind) and match(event)

    try:
        async with ctx.live.stream(accepts, ctx.settings.ws_subscription_buffer) as events:
            _following(ctx, 1)
            try:
                async for event in events:
                    ctx.renew()
                    for built in await _built(build, event, field_name):  # type: ignore[arg-type]
                        if ctx.streaming is not None:
                            ctx.streaming.pushed(field_name, event.occurred_at)
                        yield built
            finally:
                _following(ctx, -1)
    except SlowConsumer:
        raise GatewayError("this subscriber fell too far behind the events and was let go: subscribe again",
                           ErrorCode.SLOW_CONSUMER) from None


def _following(ctx: Context, delta: int) -> None:
    if ctx.streaming is not None:
        ctx.streaming.following(delta)


async def _built(build: Callable[[E], Awaitable[list[T]]], event: E, field_name: str) -> list[T]:
    try:
        return await build(event)
    except (ConnectorError, GatewayError) as error:
        log.warning("%s: an event left out, its object could not be read: %s", field_name, error)
        return []
