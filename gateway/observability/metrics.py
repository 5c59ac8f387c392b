"""Prometheus metrics, one registry per application, served as text at `/metrics`.

Label sets are bounded: `system` and `cache` come from our own code; `operation` is an operation's name only
when the safelist holds it or it is among the first `OMNIGATE_METRICS_OPERATION_NAMES` distinct names this
process saw, else `other` (`anonymous` for an unnamed one). A client choosing fresh names for every request
thus adds at most that many series, and the operations operators care about (the safelisted ones the apps
send) are always labelled; `unknown` when no operation was chosen (refused before the document was read, or it
did not parse). `outcome` is one of OUTCOMES.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from graphql import GraphQLError, OperationDefinitionNode, parse
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .webhook_metrics import WebhookMetrics

if TYPE_CHECKING:
    from .systems import Systems

OUTCOMES = ("ok", "partial", "rejected", "refused", "overloaded", "error")
OTHER = "other"
ANONYMOUS = "anonymous"
UNKNOWN = "unknown"  # no operation was chosen: refused before its document was read, or it did not parse
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# GraphQL requests: most answer in tens of milliseconds, the deadline is seconds
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UPSTREAM_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
# an event's trip from its system's change (or Omnigate's own write) to its push to a subscriber
PUSH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
# a `_created` series per counter would double the scrape for what Prometheus 2 ignores (process-wide switch)
disable_created_metrics()  # type: ignore[no-untyped-call]


class OperationNames:
    """Which operation names get a label of their own (see the module's docstring)."""

    def __init__(self, safelisted: Iterable[str], capacity: int) -> None:
        self._known = set(safelisted)
        self._seen: set[str] = set()
        self._capacity = capacity

    def label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if name in self._known or name in self._seen:
            return name
        if len(self._seen) < self._capacity:
            self._seen.add(name)
            return name
        return OTHER


def safelisted_names(documents: Iterable[str]) -> set[str]:
    """The names of the operations in the safelist's documents (unparsable ones are the safelist's problem)."""
    names: set[str] = set()
    for document in documents:
        try:
            parsed = parse(document)
        except GraphQLError:
            continue
        names.update(d.name.value for d in parsed.definitions if isinstance(d, OperationDefinitionNode) and d.name)
    return names


class Metrics:
    def __init__(self, operation_names: OperationNames) -> None:
        self.registry = CollectorRegistry()
        self.operation_names = operation_names
        r = self.registry
        self.requests = Counter("omnigate_graphql_requests", "GraphQL requests by operation and outcome",
                                ["operation", "outcome"], registry=r)
        self.request_seconds = Histogram("omnigate_graphql_request_duration_seconds", "GraphQL request latency",
                                         ["operation"], buckets=REQUEST_BUCKETS, registry=r)
        self.in_flight = Gauge("omnigate_graphql_in_flight", "GraphQL requests running (admitted)", registry=r)
        self.queued = Gauge("omnigate_graphql_queued", "GraphQL requests waiting for admission", registry=r)
        self.upstream_calls = Counter("omnigate_upstream_calls", "HTTP calls to the back offices by outcome "
                                      "(ok; rejected: a 4xx about the request; failed: 5xx, 429 or no answer)",
                                      ["system", "outcome"], registry=r)
        self.upstream_seconds = Histogram("omnigate_upstream_call_duration_seconds", "back-office call latency",
                                          ["system"], buckets=UPSTREAM_BUCKETS, registry=r)
        self.upstream_errors = Counter("omnigate_upstream_errors", "failed reads seen by the loaders, by system and "
                                       "error (including calls the breaker refused)", ["system", "error"],
                                       registry=r)
        self.cache = Counter("omnigate_cache_lookups", "cross-request cache look-ups by cache and result",
                             ["cache", "result"], registry=r)
        self.undos_pending = Gauge("omnigate_saga_undos_pending", "steps of writes spanning systems waiting in the "
                                   "journal to be undone", registry=r)
        self.websockets_open = Gauge("omnigate_websocket_connections", "WebSocket connections open on /graphql",
                                     registry=r)
        self.subscriptions_open = Gauge("omnigate_subscriptions_open", "GraphQL subscriptions running",
                                        registry=r)
        self.events_pushed = Counter("omnigate_subscription_events_pushed", "events sent to subscribers, by "
                                     "subscription field", ["field"], registry=r)
        self.push_delay = Histogram("omnigate_subscription_push_delay_seconds", "from an event's occurredAt to "
                                    "its push to a subscriber, by subscription field", ["field"],
                                    buckets=PUSH_BUCKETS, registry=r)
        self.availability_built = Gauge("omnigate_availability_index_built", "1 once the availability index has "
                                        "been built (stock-filtered reads answer WARMING_UP before)", registry=r)
        self.availability_age = Gauge("omnigate_availability_index_age_seconds", "seconds since the POS last "
                                      "answered the availability index (NaN before its first build)", registry=r)
        self.availability_pairs = Gauge("omnigate_availability_index_sellable_pairs", "(store, article) pairs the "
                                        "availability index holds as sellable now", registry=r)
        self.availability_build = Gauge("omnigate_availability_index_build_seconds", "how long the availability "
                                        "index's last build took (NaN before the first)", registry=r)
        self.webhooks = WebhookMetrics(r)

    def watch_systems(self, systems: Systems) -> None:
        self.registry.register(_SystemsCollector(systems))

    def watch_redis(self, up: Callable[[], bool]) -> None:
        """With `OMNIGATE_REDIS_URL` only: `omnigate_redis_up`, read at each scrape."""
        self.registry.register(_RedisCollector(up))

    def observe_request(self, operation: str | None, chosen: bool, outcome: str, seconds: float) -> None:
        label = self.operation_names.label(operation) if chosen else UNKNOWN
        self.requests.labels(label, outcome).inc()
        self.request_seconds.labels(label).observe(seconds)

    def observe_upstream(self, system: str, outcome: str, seconds: float) -> None:
        self.upstream_calls.labels(system, outcome).inc()
        self.upstream_seconds.labels(system).observe(seconds)

    def observe_cache(self, cache: str, hits: int, misses: int) -> None:
        if hits:
            self.cache.labels(cache, "hit").inc(hits)
        if misses:
            self.cache.labels(cache, "miss").inc(misses)

    def observe_push(self, field: str, delay_s: float) -> None:
        """`field` is a subscription field of the schema: a bounded label."""
        self.events_pushed.labels(field).inc()
        self.push_delay.labels(field).observe(delay_s)

    def observe_availability(self, built: bool, age_s: float | None, pairs: int, build_s: float | None) -> None:
        """Set at each scrape from the index's report."""
        self.availability_built.set(1 if built else 0)
        self.availability_age.set(math.nan if age_s is None else age_s)
        self.availability_pairs.set(pairs)
        self.availability_build.set(math.nan if build_s is None else build_s)

    def text(self) -> bytes:
        return generate_latest(self.registry)


class _RedisCollector(Collector):
    def __init__(self, up: Callable[[], bool]) -> None:
        self._up = up

    def collect(self) -> Iterable[Metric]:
        return [GaugeMetricFamily("omnigate_redis_up", "1 while the Redis the replicas share answers, 0 while this "
                                  "process serves from its own state", value=1 if self._up() else 0)]

    def describe(self) -> Iterable[Metric]:
        return []


class _SystemsCollector(Collector):
    """Read at each scrape: each system's state as the resilience layer reports it."""

    def __init__(self, systems: Systems) -> None:
        self._systems = systems

    def collect(self) -> Iterable[Metric]:
        breaker = GaugeMetricFamily("omnigate_upstream_breaker_state", "0 closed, 1 half-open, 2 open "
                                    "(only when the upstream client reports it)", labels=["system"])
        queued = GaugeMetricFamily("omnigate_upstream_bulkhead_queued", "calls waiting for a bulkhead slot "
                                   "(only when the upstream client reports it)", labels=["system"])
        for name, snapshot in self._systems.resilience().items():
            if snapshot.breaker in BREAKER_STATES:
                breaker.add_metric([name], BREAKER_STATES[snapshot.breaker])
            if snapshot.bulkhead_queued is not None:
                queued.add_metric([name], snapshot.bulkhead_queued)
        return [breaker, queued]

    def describe(self) -> Iterable[Metric]:
        return []
