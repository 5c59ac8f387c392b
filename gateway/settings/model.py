"""`Settings`: every setting of the gateway, each declared once as a typed field with its `setting(...)`.

Field order is the order of the README's table and of the problems reported at start-up.
"""

from dataclasses import dataclass, fields, replace
from pathlib import Path

from connectors.credentials import DEMO_CREDENTIALS, Credentials
from connectors.resilience.policy import BreakerPolicy, Resilience, RetryBudgetPolicy, RetryPolicy

from ..auth.minting import DEV_SECRET
from ..http.forwarded import Network, parse_networks
from . import values as v
from .declaration import METADATA_KEY, Published, Setting, setting

_OPERATION_LIMIT = "operation limit (`OPERATION_LIMIT_EXCEEDED`); how the cost is counted: **Operation cost** below"


def _credential(value: str, doc: str) -> str:
    """A back-office secret: the published demo value in development, refused in production."""
    published = Published("a demo back-office credential", value)
    return setting(v.text, value, doc, production_required=True, published=published, secret=True)


@dataclass(frozen=True)
class Settings:
    erp_url: str = setting(v.url, None, "ERP base URL (the OData service roots hang under it)", required=True)
    pos_url: str = setting(v.url, None, "POS (Square API) base URL", required=True)
    crm_url: str = setting(v.url, None, "CRM (Salesforce) instance URL", required=True)
    webshop_url: str = setting(v.url, None, "web shop (WooCommerce) site URL", required=True)
    erp_user: str = setting(v.text, DEMO_CREDENTIALS.erp_user, "ERP communication user (HTTP Basic)",
                            production_required=True)
    erp_password: str = _credential(DEMO_CREDENTIALS.erp_password, "ERP communication user's password")
    pos_token: str = _credential(DEMO_CREDENTIALS.pos_token, "POS access token")
    crm_token: str = _credential(DEMO_CREDENTIALS.crm_token, "CRM access token")
    webshop_key: str = _credential(DEMO_CREDENTIALS.webshop_key, "web shop consumer key")
    webshop_secret: str = _credential(DEMO_CREDENTIALS.webshop_secret, "web shop consumer secret")
    env: v.Environment = setting(v.environment, "development",
                                 "`development` or `production` (no GraphiQL in production)")
    host: str = setting(v.text, "127.0.0.1", "address to listen on (`0.0.0.0` in a container)")
    port: int = setting(v.port, "8080", "port to listen on")
    upstream_timeout_s: float = setting(v.positive_decimal, "2.0", "timeout of each call to a back office, an upper "
                                        "bound under the request's deadline")
    request_deadline_s: float = setting(
        v.positive_decimal, "3", "the time one GraphQL request may take: every call to a back office, its retries "
        "and its waits fit in what is left of it. A client may ask for less with `X-Omnigate-Deadline-Ms`")
    upstream_retries: int = setting(v.retries, "2", "retries of a failed read (connection error, 429, 500, 502, "
                                    "503, 504), after full-jitter backoff or the 429's `Retry-After`; never writes")
    retry_budget_percent: int = setting(v.percent, "20", "a system's retries may be at most this share of its "
                                        "calls over 10 s (plus 10 a second), so retries cannot multiply an outage")
    breaker_failure_percent: int = setting(v.percent, "50", "a system's breaker opens when at least this share of "
                                           "its calls in the window failed (no answer, timeout, 5xx, 429; a 4xx is "
                                           "an answer)")
    breaker_min_calls: int = setting(v.positive_whole, "20", "calls the breaker's window must hold before it may "
                                     "open")
    breaker_window_s: float = setting(v.positive_decimal, "10", "the breaker's sliding window")
    breaker_open_s: float = setting(v.positive_decimal, "2", "how long an open breaker fails calls at once before "
                                    "letting 3 probe calls through (all answering close it, one failing reopens it)")
    upstream_max_concurrent: int = setting(v.positive_whole, "32", "calls in flight to one back office (bulkhead); "
                                           "more wait within their deadline, then fail as `UPSTREAM_UNAVAILABLE`")
    erp_sales_org: str = setting(v.text, "1010", "the sales organisation whose ERP price conditions apply")
    erp_distribution_channel: str = setting(v.text, "10", "the distribution channel whose ERP price conditions "
                                                          "apply")
    erp_delisted_statuses: str = setting(v.any_text, "DL", "comma-separated ERP cross-plant statuses meaning "
                                                           "\"delisted\"")
    pickup_preparation_minutes: int = setting(v.positive_whole, "60",
                                              "time to prepare a click & collect order in store")
    webshop_timezone: str = setting(v.timezone, "UTC", "the web shop's own time zone (WordPress setting), for "
                                                       "the times it gives without an offset")
    jwt_secret: str | None = setting(
        v.jwt_secret, None, "HS256 secret shared with the identity provider (at least 32 bytes); when no JWT "
        "source is set, development checks tokens with the published development secret `omnigate token` uses",
        production_required=True, one_of="jwt", published=Published("the development JWT secret", DEV_SECRET),
        secret=True)
    jwt_jwks_url: str | None = setting(
        v.url, None, "RS256/ES256 keys: fetched and cached, refetched on an unknown `kid` (at most every 30 s)",
        production_required=True, one_of="jwt")
    jwt_jwks_file: Path | None = setting(v.file, None, "RS256/ES256 keys from a JWKS file",
                                         production_required=True, one_of="jwt")
    jwt_issuer: str | None = setting(v.text, None, "required `iss` of tokens (unset: not checked)")
    jwt_audience: str | None = setting(v.text, None, "required `aud` of tokens (unset: not checked)")
    api_keys_file: Path | None = setting(v.file, None, "kiosk and partner keys, by SHA-256 hash (see below)",
                                         production_required=True)
    rate_limits: str = setting(v.rate_limits, "anonymous=50/s,customer=20/s,kiosk=50/s,partner=100/s,staff=0",
                               "per-principal token buckets (`/s` or `/m`; `0` = unlimited); HTTP 429 with "
                               "`Retry-After`")
    max_depth: int = setting(v.positive_whole, "12", f"deepest selection: {_OPERATION_LIMIT}")
    max_aliases: int = setting(v.positive_whole, "30", f"aliases in one document: {_OPERATION_LIMIT}")
    max_tokens: int = setting(v.positive_whole, "2000", f"tokens in one document: {_OPERATION_LIMIT}")
    max_directives: int = setting(v.positive_whole, "50", f"directives in one document: {_OPERATION_LIMIT}")
    max_cost: int = setting(v.positive_whole, "20000", f"estimated cost of one document: {_OPERATION_LIMIT}")
    staff_max_cost: int = setting(v.positive_whole, "100000", "the cost limit for staff, whose price audits and "
                                  "customer 360s read more of the estate than any app's screen")
    max_radius_km: float = setting(v.positive_decimal, "200", "the largest `radiusKm` a client may ask for "
                                   "(`availableAt`, `stores`, `nearestAvailability`); more is `BAD_USER_INPUT`")
    max_body_bytes: int = setting(v.positive_whole, "65536", "larger request bodies get 413")
    allow_batching: bool = setting(v.flag, "false", "accept JSON-array (batched) requests")
    max_batch: int = setting(v.positive_whole, "10", "most operations in one batched request")
    cors_origins: tuple[str, ...] = setting(v.origins, "", "comma-separated origins allowed to call from a "
                                                           "browser (kiosk web frontends)")
    trusted_proxies: tuple[Network, ...] = setting(
        parse_networks, "", "comma-separated CIDR blocks of the routers and load balancers in front of Omnigate: "
        "only from these is the client address read from `Forwarded` or `X-Forwarded-For` (see \"Behind a router\")")
    apq_cache_size: int = setting(v.positive_whole, "1000", "automatic persisted queries kept (LRU)")
    operation_cache_size: int = setting(v.count, "1000", "documents kept parsed and validated (LRU, per schema); "
                                        "limits are still measured on every request; 0 turns the cache off")
    response_cache_mb: int = setting(v.count, "64", "MiB of whole responses kept per process for anonymous and "
                                     "partner queries that read only catalog, price, store and stock data, each "
                                     "no longer than the shortest TTL of what it holds (see \"Response cache\"); "
                                     "0 turns it off")
    batch_max_keys: int = setting(v.count, "0", "keys one upstream batch of a kind of record may hold (the loads "
                                  "of one request level go out together); 0: no bound; 1 turns batching off, "
                                  "every key its own call (the benchmark's ablation). The ports still split a "
                                  "batch where an API caps a call")
    safelist_file: Path | None = setting(v.file, None, "JSON object of SHA-256 hash -> document; keys marked "
                                                       "`safelist_only` may run only these")
    anonymous_safelist_only: bool = setting(v.flag, "false", "anonymous callers too may run only safelisted "
                                            "documents (the strong option: see \"Production hardening\")")
    catalog_ttl_s: float = setting(v.positive_decimal, "300", "how long products and accessories are shared "
                                   "across requests; past it, they are fetched again, or served stale for a "
                                   "bounded time when their system fails (`OMNIGATE_STALE_REFERENCE_S`). Customer "
                                   "data is never shared")
    price_ttl_s: float = setting(v.positive_decimal, "60", "the same for prices")
    stock_ttl_s: float = setting(v.positive_decimal, "5", "the same for stock (store and online)")
    stale_reference_s: float = setting(
        v.seconds, "3600", "how long past its TTL reference data last fetched (products, accessories, prices, the "
        "store directory, the crosswalk of ids) may still be answered while its system fails, named in "
        "`extensions.staleSources` with its age in `extensions.staleAges`; past it, the field is null with "
        "`UPSTREAM_UNAVAILABLE`. `0`: never stale (see \"Stale answers\")")
    stale_price_s: float | None = setting(
        v.seconds, None, "the same for prices alone, when they must not be shown as long as the rest; unset: "
        "`OMNIGATE_STALE_REFERENCE_S`")
    stale_stock_s: float = setting(v.seconds, "120", "the same for stock (store stock, and the web shop's online "
                                   "stock and price)")
    price_audit_refresh_s: float = setting(v.positive_decimal, "50", "how often the price-audit index behind "
                                           "`priceDiscrepancies` is rebuilt in the background; keep it within "
                                           "the price TTL")
    price_audit_at_start: bool = setting(v.flag, "true", "build the price-audit index as soon as the gateway "
                                         "starts; `false` builds it on the first `priceDiscrepancies` (which "
                                         "answers `WARMING_UP` until it is built), for a gateway that serves "
                                         "no audits")
    availability_at_start: bool = setting(v.flag, "true", "build the availability index (which stores can sell "
                                          "which articles, behind every stock-filtered read) as soon as the gateway "
                                          "starts; `false` builds it on the first such read, which answers "
                                          "`WARMING_UP` until it is built (see docs/availability.md)")
    availability_check_s: float = setting(v.positive_decimal, "60", "how often the availability index asks the POS "
                                          "for the counts changed since its last check (`updated_after`), so a lost "
                                          "inventory event heals within this")
    availability_stale_s: float = setting(v.positive_decimal, "180", "how long the availability index may go without "
                                          "a successful check of the POS before stock-filtered answers name `pos` "
                                          "in `extensions.staleSources`")
    availability_reads_at_once: int = setting(v.positive_whole, "4", "POS count reads the availability index keeps "
                                              "in flight while it builds (each a page of 1,000), so a build leaves "
                                              "the POS's rate limit and the gateway's bulkhead to requests")
    availability_reads_per_s: float = setting(v.positive_decimal, "50", "at most this many POS count reads a second "
                                              "for the availability index (builds, checks and re-reads together)")
    ledger_path: Path = setting(v.new_file, "omnigate-ledger.sqlite3", "Omnigate's own SQLite file (reserve & "
                                "collect holds, idempotency results, answers to appointment requests, the journal "
                                "of undos), created on first start; processes sharing it share them")
    database_url: str | None = setting(
        v.database_url, None, "PostgreSQL for Omnigate's own state instead of the SQLite file, for replicas on "
        "several hosts (`postgresql://user@host:5432/omnigate`; the password from `PGPASSWORD` or in the URL): "
        "`omnigate migrate` applies its schema; a gateway started on an empty database applies it too")
    reservation_hold_hours: int = setting(v.positive_whole, "48", "opening hours of the store for which a "
                                          "reserve & collect hold keeps its units (`expiresAt`): a hold made on "
                                          "Saturday evening does not lapse while the store is closed on Sunday")
    appointment_answer_hours: int = setting(v.positive_whole, "24", "opening hours of the store within which "
                                            "it must answer an appointment request (`respondBy`)")
    delivery_countries: str = setting(v.text, "FR,BE,LU,MC,DE,NL,ES,IT,PT,AT,CH", "comma-separated ISO 3166-1 "
                                      "codes of the countries `placeOrder` delivers to (home delivery and ship "
                                      "from store)")
    saga_lease_s: int = setting(v.positive_whole, "60", "seconds after which the steps of a write spanning systems "
                                "(an order, a return) that never finished, e.g. its process was killed, are undone "
                                "by the journal: longer than such a write takes, and under 120 (a retried request runs "
                                "again once its first run is 2 minutes old)")
    idempotency_hours: int = setting(v.positive_whole, "24", "how long a mutation's `idempotencyKey` returns its "
                                     "first result")
    federation_sdl: v.SdlAccess | None = setting(
        v.sdl_access, None, "who may read the subgraph SDL (`_service { sdl }`): `router` keys only, anyone "
        "(`public`), or nobody (`off`); unset: `router` in production, `public` in development; see Federation "
        "below")
    header_timeout_s: float = setting(
        v.positive_decimal, "10", "time from connecting, or from the previous response on a kept-alive "
        "connection, to complete request headers; then the connection is closed. Idle kept-alive connections "
        "close after it too: a load balancer in front must drop idle connections to the gateway sooner")
    body_timeout_s: float = setting(
        v.positive_decimal, "30", "time for a `/graphql` request body to arrive; later, 408 `REQUEST_TIMEOUT` and "
        "the connection is closed (after at most 10 s of aiohttp's lingering close if the client keeps sending)")
    max_connections_per_client: int = setting(
        v.count, "50", "open connections per client address; more are closed at once, before any byte is read. "
        "`0` = no cap. Trusted proxies (`OMNIGATE_TRUSTED_PROXIES`) are not capped: they carry many clients' "
        "connections")
    ws_subscriptions_per_connection: int = setting(
        v.positive_whole, "20", "GraphQL operations one WebSocket connection on `/graphql` may run at once "
        "(subscriptions, and queries or mutations sent over it); more are refused with "
        "`SUBSCRIPTION_LIMIT_EXCEEDED`")
    ws_connections_per_principal: int = setting(
        v.positive_whole, "10", "open WebSocket connections of one principal (one token subject or API key; an "
        "anonymous client, one address) in this process; the next is closed after `connection_init` (4429)")
    ws_keepalive_s: float = setting(
        v.positive_decimal, "15", "a WebSocket ping every this often (and `ka` for the legacy `graphql-ws` "
        "protocol); a client that answers no ping within half of it is disconnected")
    ws_subscription_buffer: int = setting(
        v.positive_whole, "100", "events one subscription may have waiting while its client reads; one more and it "
        "ends with `SLOW_CONSUMER` and the connection closes, rather than buffering without bound")
    ws_send_timeout_s: float = setting(
        v.positive_decimal, "10", "longest wait for a WebSocket client to take a message once the socket's send "
        "buffer is full; then the connection is dropped")

    max_in_flight: int = setting(
        v.positive_whole, "8", "GraphQL requests one worker process runs at once (admission control); more wait "
        "in the admission queue. `/healthz`, `/readyz` and `/metrics` never queue behind them, but share the "
        "event loop: fewer keeps the probes fast under CPU-heavy documents, more suits slow back offices (see "
        "\"Operating Omnigate\")")
    probe_port: int | None = setting(
        v.port, None, "a second port, answered from a thread of its own, serving `/healthz` and `/readyz` only: "
        "point Kubernetes' probes here and they answer in milliseconds however busy the GraphQL work keeps the "
        "event loop (the main port's probes share the loop). Unset: probes on the main port only")
    liveness_stall_s: float = setting(
        v.positive_decimal, "10", "on the probe port, `/healthz` fails once the event loop has not turned for this "
        "long: a wedged loop restarts the pod, a busy one does not")
    admission_queue: int = setting(
        v.count, "16", "GraphQL requests that may wait for a free slot; beyond it, or after "
        "`OMNIGATE_ADMISSION_WAIT_S`, HTTP 503 `OVERLOADED` with `Retry-After` at once")
    admission_wait_s: float = setting(v.positive_decimal, "0.5", "longest time a request waits in the admission "
                                      "queue before its 503")
    log_format: v.LogFormat | None = setting(
        v.log_format, None, "`json` (one object a line, for log collectors) or `text` (for people); unset: `json` in "
        "production, `text` in development. One line per request and per failed back-office call, never personal "
        "data")
    metrics_access: v.MetricsAccess | None = setting(
        v.metrics_access, None, "who may read `/metrics` (Prometheus text): anyone who reaches the listener "
        "(`public`), staff tokens and router keys (`operators`, as `/status`), or nobody (`off`); unset: "
        "`operators` in production, `public` in development. See \"Operating Omnigate\"")
    metrics_operation_names: int = setting(
        v.count, "100", "distinct operation names `/metrics` labels on its own besides the safelist's, first come "
        "first labelled; later ones are counted as `other`, so a client cannot grow the metrics without bound")
    redis_url: str | None = setting(
        v.redis_url, None, "Redis shared by every replica (`redis://host:6379/0`, `rediss://` for TLS): the second "
        "level of the reference-data caches, cache and response-cache invalidation published to every replica, the "
        "rate limits' buckets and the persisted queries (see \"Replicas with Redis\"). Unset: all in process",
        secret=True)
    redis_timeout_s: float = setting(
        v.positive_decimal, "0.2", "longest wait for one Redis call (never past the request's deadline); a call "
        "that fails or times out marks Redis down, and the gateway serves without it until it answers a ping again")
    rate_limit_without_redis: v.FailMode = setting(
        v.fail_mode, "open", "what the rate limits do while Redis is down: `open` counts in each replica on its own "
        "(the estate admits up to the number of replicas times the rate), `closed` refuses every limited request "
        "with HTTP 429 `RATE_LIMITED` and `Retry-After: 1` until Redis is back")

    public_url: str | None = setting(
        v.url, None, "the address the back offices reach this gateway at (`https://omnigate.example.com`), under "
        "which `omnigate webhooks register` subscribes `/webhooks/pos` and `/webhooks/webshop`; unset: no "
        "webhooks are registered and caches stay on their TTLs")
    webhook_catchup_s: float = setting(
        v.positive_decimal, "300", "how often the gateway reads back what the POS and the web shop changed since "
        "their last event (Square SearchEvents, WooCommerce `modified_after`) and re-enables a webhook the web "
        "shop disabled; it also does at start-up (see \"Webhooks\")")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def price_stale_bound_s(self) -> float:
        """How long past their TTL prices may be answered stale: their own bound, else the reference data's."""
        return self.stale_reference_s if self.stale_price_s is None else self.stale_price_s

    @property
    def sdl_access(self) -> v.SdlAccess:
        """Who may read `_service { sdl }`: as set, else router keys in production and anyone in development."""
        return self.federation_sdl or ("router" if self.is_production else "public")

    @property
    def logs_as(self) -> v.LogFormat:
        return self.log_format or ("json" if self.is_production else "text")

    @property
    def metrics_readers(self) -> v.MetricsAccess:
        return self.metrics_access or ("operators" if self.is_production else "public")

    @property
    def resilience(self) -> Resilience:
        """The retry, breaker and bulkhead policies every upstream client is built with."""
        return Resilience(
            retry=RetryPolicy(attempts=1 + self.upstream_retries),
            budget=RetryBudgetPolicy(ratio=self.retry_budget_percent / 100),
            breaker=BreakerPolicy(failure_share=self.breaker_failure_percent / 100, min_calls=self.breaker_min_calls,
                                  window_s=self.breaker_window_s, open_s=self.breaker_open_s),
            max_concurrent=self.upstream_max_concurrent)

    @property
    def credentials(self) -> Credentials:
        """The back-office credentials, as the adapters take them."""
        return Credentials(**{f.name: getattr(self, f.name) for f in fields(Credentials)})


# Environment name without the prefix -> its declaration, in the order of the fields.
SETTINGS: dict[str, Setting] = {
    f.name.upper(): replace(f.metadata[METADATA_KEY], attribute=f.name) for f in fields(Settings)}
