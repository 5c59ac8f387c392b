"""An operation's context over WebSocket: the connection's principal, a context as a new request would get it,
renewed before each event of a subscription, and the push of each event counted."""

from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from ..appkeys import BACKENDS_KEY, CLOCK_KEY, LIVE_KEY, METRICS_KEY, REFERENCE_KEY, SETTINGS_KEY
from ..auth.principals import Principal
from ..context import Context


@dataclass(frozen=True)
class OperationStreaming:
    app: web.Application
    request_id: str

    def fresh(self, principal: Principal) -> Context:
        app = self.app
        context = Context.create(app[SETTINGS_KEY], app[BACKENDS_KEY], app[REFERENCE_KEY], app[LIVE_KEY], principal,
                                 self.request_id, app[CLOCK_KEY]())
        context.streaming = self
        return context

    def following(self, delta: int) -> None:
        self.app[METRICS_KEY].subscriptions_open.inc(delta)

    def pushed(self, field_name: str, occurred_at: datetime) -> None:
        """The delay is measured on the wall clock: an event's time is when its system saw the change."""
        delay = (datetime.now(UTC) - occurred_at).total_seconds()
        self.app[METRICS_KEY].observe_push(field_name, max(0.0, delay))
