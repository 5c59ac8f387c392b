"""Invalidations published to every replica on one Redis channel.

A write outdates what every replica holds in its own process (a store's stock, the kept responses that hold
stock): the replica that wrote publishes the topic and the keys, every other replica drops them. Delivery is
at most once (Redis pub/sub): while Redis is down nothing is published, and each replica's entries age out
with their TTL as they did before Redis, which is the bound a sale at the till has always had.
"""

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from .link import FAILURES, RECHECK_S, RedisLink, connect

Handler = Callable[[Any], None]
log = logging.getLogger("omnigate.redis")


class Bus:
    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self.channel = f"{link.prefix}invalidations"
        self._handlers: dict[str, Handler] = {}

    def on(self, topic: str, handler: Handler) -> None:
        """`handler(data)` runs for each `publish(topic, data)` of another replica."""
        self._handlers[topic] = handler

    def publish(self, topic: str, data: Any) -> None:
        message = self.message(topic, data)
        self._link.spawn(lambda redis: redis.publish(self.channel, message))

    def message(self, topic: str, data: Any) -> str:
        """The text published for `topic`, for a caller that publishes it in a pipeline of its own."""
        return json.dumps({"from": self._link.replica, "topic": topic, "data": data}, separators=(",", ":"))

    async def listen(self) -> None:
        """While the application runs: subscribed, and subscribed again after Redis comes back."""
        while True:
            try:
                await self._subscribed()
            except FAILURES as error:
                self._link.fell(error)
            await asyncio.sleep(RECHECK_S)

    async def _subscribed(self) -> None:
        client = connect(self._link.url, self._link.timeout_s, reads_wait=False)
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as subscription:
                await subscription.subscribe(self.channel)
                async for message in subscription.listen():
                    self._dispatch(message)
        finally:
            await client.aclose()

    def _dispatch(self, message: dict[str, Any]) -> None:
        try:
            event = json.loads(message["data"])
            handler = self._handlers.get(event["topic"])
            if handler is not None and event["from"] != self._link.replica:
                handler(event["data"])
        except (ValueError, KeyError, TypeError) as error:  # another version's message: never fatal to the loop
            log.warning("ignored a message on %s: %s", self.channel, error)
