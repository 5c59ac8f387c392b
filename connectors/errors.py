"""The one error tree every adapter raises, each error naming its system.

    ConnectorError
    ├── UpstreamMalformed        the system answered with what we cannot read (a value outside our vocabulary)
    ├── UpstreamUnavailable      the system did not answer usefully: network, timeout, 5xx, breaker open
    │   ├── UpstreamTimeout      no answer within the system's timeout or the request's deadline
    │   │   └── DeadlineExceeded the request's deadline, shorter than the system's timeout, ended the wait
    │   ├── Overloaded           our bulkhead had no slot free for the system within the deadline
    │   └── RateLimited          the system asked us to slow down: a 429 (retried after its Retry-After),
    │                            or a vendor's own signal to stop (opens the breaker)
    └── UpstreamRejected         the system answered no to what we sent (4xx): an answer, so no breaker failure
        ├── UpstreamAuthFailed   our credential was refused
        └── UpstreamNotFound     the record does not exist there

The gateway maps UpstreamTimeout to `UPSTREAM_TIMEOUT` and other UpstreamUnavailable to `UPSTREAM_UNAVAILABLE` with
`extensions.source = system`; nothing above the adapters sees aiohttp or vendor errors.
"""


class ConnectorError(Exception):
    """`status` is the HTTP status of the answer (None: no answer); `retry_after_s` what its Retry-After asked."""

    def __init__(self, system: str, message: str, status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(f"{system}: {message}")
        self.system = system
        self.status = status
        self.retry_after_s = retry_after_s


class UpstreamMalformed(ConnectorError):
    """An answer, so not a breaker failure; the message names the field and the value the adapter did not know."""


class UpstreamUnavailable(ConnectorError):
    pass


class UpstreamTimeout(UpstreamUnavailable):
    pass


class DeadlineExceeded(UpstreamTimeout):
    """`given_s`: how long the call had (0: it could not start). A short one tells more about the caller's
    deadline than about the system, so the breaker counts it only past its slow-call threshold."""

    def __init__(self, system: str, message: str, given_s: float) -> None:
        super().__init__(system, message)
        self.given_s = given_s


class Overloaded(UpstreamUnavailable):
    """Refused by our own bulkhead, not by the system: no verdict on the system's health."""


class RateLimited(UpstreamUnavailable):
    """A 429 is retried once its Retry-After has passed, if the deadline allows; any other rate-limit signal
    (a vendor's "limit exceeded") would only spend more of the limit, so the client opens the breaker."""


class UpstreamRejected(ConnectorError):
    pass


class UpstreamAuthFailed(UpstreamRejected):
    pass


class UpstreamNotFound(UpstreamRejected):
    pass
