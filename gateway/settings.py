"""Typed settings from `OMNIGATE_*` environment variables over an optional TOML file.

Every setting is named once here with its parser, so a bad value stops start-up
with one line that names the variable, and the README's table can be checked
against `SETTINGS`.
"""

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.credentials import DEMO_CREDENTIALS, Credentials

PREFIX = "OMNIGATE_"
Environment = Literal["development", "production"]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _environment(value: str) -> str:
    if value not in ("development", "production"):
        raise ValueError(f"expected 'development' or 'production', got {value!r}")
    return value


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise ValueError(f"expected a port number, got {value!r}")
    return port


def _positive(parse: Callable[[str], float]) -> Callable[[str], Any]:
    def check(value: str) -> float:
        number = parse(value)
        if not 0 < number < math.inf:  # NaN fails too
            raise ValueError(f"expected a positive number, got {value!r}")
        return number

    return check


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"expected an IANA time zone such as Europe/Paris, got {value!r}") from None
    return value


def _text(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise ValueError(f"no such file: {value}")
    return path


def _flag(value: str) -> bool:
    if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"expected true or false, got {value!r}")
    return value.lower() in ("true", "1", "yes")


def _origins(value: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not urlsplit(origin).scheme.startswith("http"):
            raise ValueError(f"expected http(s) origins separated by commas, got {origin!r}")
    return origins


def _trace_exporter(value: str) -> str:
    if value not in ("none", "console", "otlp"):
        raise ValueError(f"expected none, console or otlp, got {value!r}")
    return value


def _rate_limits(value: str) -> str:
    from .ratelimit import parse_rate_limits

    parse_rate_limits(value)
    return value


class Optional:
    """Marks a setting that may stay unset (its value is then None)."""


@dataclass(frozen=True)
class Settings:
    erp_url: str
    pos_url: str
    crm_url: str
    webshop_url: str
    env: Environment = "development"
    host: str = "127.0.0.1"
    port: int = 8080
    credentials: Credentials = DEMO_CREDENTIALS
    upstream_timeout_s: float = 2.0
    erp_sales_org: str = "1010"
    erp_distribution_channel: str = "10"
    erp_delisted_statuses: str = "DL"
    pickup_preparation_minutes: int = 60
    webshop_timezone: str = "UTC"
    jwt_secret: str | None = None
    jwt_jwks_url: str | None = None
    jwt_jwks_file: Path | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    api_keys_file: Path | None = None
    rate_limits: str = "anonymous=50/s,customer=20/s,kiosk=50/s,partner=100/s,staff=0"
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_directives: int = 50
    max_cost: int = 20000
    max_radius_km: float = 200.0
    max_body_bytes: int = 65536
    allow_batching: bool = False
    max_batch: int = 10
    cors_origins: tuple[str, ...] = ()
    apq_cache_size: int = 1000
    safelist_file: Path | None = None
    trace_exporter: str = "none"
    catalog_ttl_s: float = 300.0
    price_ttl_s: float = 60.0
    stock_ttl_s: float = 5.0

    @property
    def is_production(self) -> bool:
        return self.env == "production"


# name (without prefix) -> (parser, default: text, None when required, Optional when it may stay unset,
# attribute on Settings or Credentials)
SETTINGS: dict[str, tuple[Callable[[str], Any], str | type[Optional] | None, str]] = {
    "ERP_URL": (_url, None, "erp_url"),
    "POS_URL": (_url, None, "pos_url"),
    "CRM_URL": (_url, None, "crm_url"),
    "WEBSHOP_URL": (_url, None, "webshop_url"),
    "ENV": (_environment, "development", "env"),
    "HOST": (_text, "127.0.0.1", "host"),
    "PORT": (_port, "8080", "port"),
    "UPSTREAM_TIMEOUT_S": (_positive(float), "2.0", "upstream_timeout_s"),
    "ERP_SALES_ORG": (_text, "1010", "erp_sales_org"),
    "ERP_DISTRIBUTION_CHANNEL": (_text, "10", "erp_distribution_channel"),
    "ERP_DELISTED_STATUSES": (str, "DL", "erp_delisted_statuses"),
    "PICKUP_PREPARATION_MINUTES": (_positive(int), "60", "pickup_preparation_minutes"),
    "WEBSHOP_TIMEZONE": (_timezone, "UTC", "webshop_timezone"),
    "ERP_USER": (_text, DEMO_CREDENTIALS.erp_user, "erp_user"),
    "ERP_PASSWORD": (_text, DEMO_CREDENTIALS.erp_password, "erp_password"),
    "POS_TOKEN": (_text, DEMO_CREDENTIALS.pos_token, "pos_token"),
    "CRM_TOKEN": (_text, DEMO_CREDENTIALS.crm_token, "crm_token"),
    "WEBSHOP_KEY": (_text, DEMO_CREDENTIALS.webshop_key, "webshop_key"),
    "WEBSHOP_SECRET": (_text, DEMO_CREDENTIALS.webshop_secret, "webshop_secret"),
    "JWT_SECRET": (_text, Optional, "jwt_secret"),
    "JWT_JWKS_URL": (_url, Optional, "jwt_jwks_url"),
    "JWT_JWKS_FILE": (_file, Optional, "jwt_jwks_file"),
    "JWT_ISSUER": (_text, Optional, "jwt_issuer"),
    "JWT_AUDIENCE": (_text, Optional, "jwt_audience"),
    "API_KEYS_FILE": (_file, Optional, "api_keys_file"),
    "RATE_LIMITS": (_rate_limits, "anonymous=50/s,customer=20/s,kiosk=50/s,partner=100/s,staff=0", "rate_limits"),
    "MAX_DEPTH": (_positive(int), "12", "max_depth"),
    "MAX_ALIASES": (_positive(int), "30", "max_aliases"),
    "MAX_TOKENS": (_positive(int), "2000", "max_tokens"),
    "MAX_DIRECTIVES": (_positive(int), "50", "max_directives"),
    "MAX_COST": (_positive(int), "20000", "max_cost"),
    "MAX_RADIUS_KM": (_positive(float), "200", "max_radius_km"),
    "MAX_BODY_BYTES": (_positive(int), "65536", "max_body_bytes"),
    "ALLOW_BATCHING": (_flag, "false", "allow_batching"),
    "MAX_BATCH": (_positive(int), "10", "max_batch"),
    "CORS_ORIGINS": (_origins, "", "cors_origins"),
    "APQ_CACHE_SIZE": (_positive(int), "1000", "apq_cache_size"),
    "SAFELIST_FILE": (_file, Optional, "safelist_file"),
    "TRACE_EXPORTER": (_trace_exporter, "none", "trace_exporter"),
    "CATALOG_TTL_S": (_positive(float), "300", "catalog_ttl_s"),
    "PRICE_TTL_S": (_positive(float), "60", "price_ttl_s"),
    "STOCK_TTL_S": (_positive(float), "5", "stock_ttl_s"),
}
# In production these have no development fallback: one of each group must be set.
PRODUCTION_REQUIRED = (("JWT_SECRET", "JWT_JWKS_URL", "JWT_JWKS_FILE"), ("API_KEYS_FILE",))
_CREDENTIAL_NAMES = {f.name for f in fields(Credentials)}


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Environment variables win over the TOML file; credentials have no default in production."""
    environ = os.environ if environ is None else environ
    raw = _from_toml(config_file) if config_file else {}
    raw.update({name.removeprefix(PREFIX): value for name, value in environ.items() if name.startswith(PREFIX)})
    production = raw.get("ENV") == "production"
    values: dict[str, Any] = {}
    for name, (parse, default, attribute) in SETTINGS.items():
        text = raw.get(name)
        if text is None and (default is None or (production and attribute in _CREDENTIAL_NAMES)):
            raise SettingsError(f"{PREFIX}{name} is required but not set")
        if text is None and default is Optional:
            values[attribute] = None
            continue
        try:
            values[attribute] = parse(text if text is not None else str(default))
        except ValueError as exc:
            raise SettingsError(f"{PREFIX}{name}: {exc}") from None
    if production:
        for group in PRODUCTION_REQUIRED:
            if all(raw.get(name) is None for name in group):
                raise SettingsError(" or ".join(PREFIX + n for n in group) + " is required in production")
    credentials = Credentials(**{k: values.pop(k) for k in list(values) if k in _CREDENTIAL_NAMES})
    return Settings(credentials=credentials, **values)


def _from_toml(path: Path) -> dict[str, str]:
    """Flat `name = value` pairs, names as in the environment without the prefix, any case."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"config file {path}: {exc}") from None
    unknown = [key for key in data if key.upper() not in SETTINGS]
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting {unknown[0]!r}")
    return {key.upper(): str(value).lower() if isinstance(value, bool) else str(value) for key, value in data.items()}
