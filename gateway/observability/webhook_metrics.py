"""Metrics of what the back offices push: deliveries received, rejected and deduplicated, events processed,
and the inbox's backlog. Labels are bounded: `system` is ours, `type` one the system documents or `other`,
`reason` one of REASONS."""

from prometheus_client import CollectorRegistry, Counter, Gauge

REASONS = ("unregistered", "unsigned", "bad_signature", "too_large", "malformed", "stale")
OUTCOMES = ("done", "retry", "given_up")
OTHER = "other"


class WebhookMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.received = Counter("omnigate_webhook_events_received", "webhook events verified and kept, by system "
                                "and event type", ["system", "type"], registry=r)
        self.deduplicated = Counter("omnigate_webhook_events_deduplicated", "webhook events received again (same "
                                    "event id) and not kept twice", ["system", "type"], registry=r)
        self.rejected = Counter("omnigate_webhook_deliveries_rejected", "webhook deliveries refused, by system and "
                                "reason (" + ", ".join(REASONS) + ")", ["system", "reason"], registry=r)
        self.processed = Counter("omnigate_webhook_events_processed", "webhook events processed, by system, type "
                                 "and outcome (" + ", ".join(OUTCOMES) + ")", ["system", "type", "outcome"],
                                 registry=r)
        self.pending = Gauge("omnigate_webhook_inbox_pending", "webhook events kept and not yet processed",
                             registry=r)
        self.lag = Gauge("omnigate_webhook_inbox_lag_seconds", "age of the oldest webhook event not yet processed "
                         "(0: none waits)", registry=r)

    def observe_backlog(self, pending: int, oldest_age_s: float | None) -> None:
        self.pending.set(pending)
        self.lag.set(max(0.0, oldest_age_s) if oldest_age_s is not None else 0.0)
