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

from .auth.minting import DEV_SECRET
from .auth.tokens import MIN_SECRET_BYTES
from .http.forwarded import Network, parse_networks

PREFIX = "OMNIGATE_"
Environment = Literal["development", "production"]
SdlAccess = Literal["router", "public", "off"]


class SettingsError(ValueError):
    """Settings are missing or malformed: one line per problem, each naming its variable, all found in one run."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _environment(value: str) -> str:
    if value not in ("development", "production"):
        raise ValueError(f"expected 'development' or 'production', got {value!r}")
    return value


def _whole(value: str) -> int:
    """`int()` with a message for people: "expected a whole number, got 'abc'" rather than Python's own."""
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None


def _decimal(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def _port(value: str) -> int:
    port = _whole(value)
    if not 0 <= port <= 65535:
        raise ValueError(f"expected a port number from 0 to 65535, got {value!r}")
    return port


def _positive(parse: Callable[[str], float]) -> Callable[[str], Any]:
    def check(value: str) -> float:
        number = parse(value)
        if not 0 < number < math.inf:  # NaN fails too
            raise ValueError(f"expected a positive number, got {value!r}")
        return number

    return check


def _count(value: str) -> int:
    number = _whole(value)
    if number < 0:
        raise ValueError(f"expected 0 (no limit) or a positive whole number, got {value!r}")
    return number


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


def _jwt_secret(value: str) -> str:
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"must be at least {MIN_SECRET_BYTES} bytes (RFC 7518 §3.2), got {len(value.encode())}")
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


def _sdl_access(value: str) -> str:
    if value not in ("router", "public", "off"):
        raise ValueError(f"expected router, public or off, got {value!r}")
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
    staff_max_cost: int = 100000
    max_radius_km: float = 200.0
    max_body_bytes: int = 65536
    allow_batching: bool = False
    max_batch: int = 10
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[Network, ...] = ()
    apq_cache_size: int = 1000
    safelist_file: Path | None = None
    anonymous_safelist_only: bool = False
    trace_exporter: str = "none"
    catalog_ttl_s: float = 300.0
    price_ttl_s: float = 60.0
    stock_ttl_s: float = 5.0
    federation_sdl: SdlAccess | None = None
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_connections_per_client: int = 50

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def sdl_access(self) -> SdlAccess:
        """Who may read `_service { sdl }`: as set, else router keys in production and anyone in development."""
        return self.federation_sdl or ("router" if self.is_production else "public")


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
    "UPSTREAM_TIMEOUT_S": (_positive(_decimal), "2.0", "upstream_timeout_s"),
    "ERP_SALES_ORG": (_text, "1010", "erp_sales_org"),
    "ERP_DISTRIBUTION_CHANNEL": (_text, "10", "erp_distribution_channel"),
    "ERP_DELISTED_STATUSES": (str, "DL", "erp_delisted_statuses"),
    "PICKUP_PREPARATION_MINUTES": (_positive(_whole), "60", "pickup_preparation_minutes"),
    "WEBSHOP_TIMEZONE": (_timezone, "UTC", "webshop_timezone"),
    "ERP_USER": (_text, DEMO_CREDENTIALS.erp_user, "erp_user"),
    "ERP_PASSWORD": (_text, DEMO_CREDENTIALS.erp_password, "erp_password"),
    "POS_TOKEN": (_text, DEMO_CREDENTIALS.pos_token, "pos_token"),
    "CRM_TOKEN": (_text, DEMO_CREDENTIALS.crm_token, "crm_token"),
    "WEBSHOP_KEY": (_text, DEMO_CREDENTIALS.webshop_key, "webshop_key"),
    "WEBSHOP_SECRET": (_text, DEMO_CREDENTIALS.webshop_secret, "webshop_secret"),
    "JWT_SECRET": (_jwt_secret, Optional, "jwt_secret"),
    "JWT_JWKS_URL": (_url, Optional, "jwt_jwks_url"),
    "JWT_JWKS_FILE": (_file, Optional, "jwt_jwks_file"),
    "JWT_ISSUER": (_text, Optional, "jwt_issuer"),
    "JWT_AUDIENCE": (_text, Optional, "jwt_audience"),
    "API_KEYS_FILE": (_file, Optional, "api_keys_file"),
    "RATE_LIMITS": (_rate_limits, "anonymous=50/s,customer=20/s,kiosk=50/s,partner=100/s,staff=0", "rate_limits"),
    "MAX_DEPTH": (_positive(_whole), "12", "max_depth"),
    "MAX_ALIASES": (_positive(_whole), "30", "max_aliases"),
    "MAX_TOKENS": (_positive(_whole), "2000", "max_tokens"),
    "MAX_DIRECTIVES": (_positive(_whole), "50", "max_directives"),
    "MAX_COST": (_positive(_whole), "20000", "max_cost"),
    "STAFF_MAX_COST": (_positive(_whole), "100000", "staff_max_cost"),
    "MAX_RADIUS_KM": (_positive(_decimal), "200", "max_radius_km"),
    "MAX_BODY_BYTES": (_positive(_whole), "65536", "max_body_bytes"),
    "ALLOW_BATCHING": (_flag, "false", "allow_batching"),
    "MAX_BATCH": (_positive(_whole), "10", "max_batch"),
    "CORS_ORIGINS": (_origins, "", "cors_origins"),
    "TRUSTED_PROXIES": (parse_networks, "", "trusted_proxies"),
    "APQ_CACHE_SIZE": (_positive(_whole), "1000", "apq_cache_size"),
    "SAFELIST_FILE": (_file, Optional, "safelist_file"),
    "ANONYMOUS_SAFELIST_ONLY": (_flag, "false", "anonymous_safelist_only"),
    "TRACE_EXPORTER": (_trace_exporter, "none", "trace_exporter"),
    "CATALOG_TTL_S": (_positive(_decimal), "300", "catalog_ttl_s"),
    "PRICE_TTL_S": (_positive(_decimal), "60", "price_ttl_s"),
    "STOCK_TTL_S": (_positive(_decimal), "5", "stock_ttl_s"),
    "FEDERATION_SDL": (_sdl_access, Optional, "federation_sdl"),
    "HEADER_TIMEOUT_S": (_positive(_decimal), "10", "header_timeout_s"),
    "BODY_TIMEOUT_S": (_positive(_decimal), "30", "body_timeout_s"),
    "MAX_CONNECTIONS_PER_CLIENT": (_count, "50", "max_connections_per_client"),
}
# In production these have no development fallback: one of each group must be set.
PRODUCTION_REQUIRED = (("JWT_SECRET", "JWT_JWKS_URL", "JWT_JWKS_FILE"), ("API_KEYS_FILE",))
_CREDENTIAL_NAMES = {f.name for f in fields(Credentials)}
# Published in this repository (README, demo, source), so anyone could use them: refused in production. The ERP
# user name is not a secret, and `omnigate` may well be a real communication user's name.
PUBLISHED_SECRETS = {
    "JWT_SECRET": ("the development JWT secret", DEV_SECRET),
    **{name: ("a demo back-office credential", getattr(DEMO_CREDENTIALS, attribute))
       for name, (_, _, attribute) in SETTINGS.items() if attribute in _CREDENTIAL_NAMES - {"erp_user"}},
}


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Environment variables win over the TOML file; credentials have no default in production.

    Every problem is reported at once, so a newcomer fixes them in one round rather than one per run.
    """
    environ = os.environ if environ is None else environ
    raw = _from_toml(config_file) if config_file else {}
    raw.update({name.removeprefix(PREFIX): value for name, value in environ.items() if name.startswith(PREFIX)})
    production = raw.get("ENV") == "production"
    values: dict[str, Any] = {}
    problems = [problem for name in SETTINGS if (problem := _parse_into(values, name, raw, production))]
    if production:
        problems += [" or ".join(PREFIX + n for n in group) + " is required in production"
                     for group in PRODUCTION_REQUIRED if all(raw.get(name) is None for name in group)]
        problems += _published_secrets(raw)
    if problems:
        raise SettingsError(*problems)
    credentials = Credentials(**{k: values.pop(k) for k in list(values) if k in _CREDENTIAL_NAMES})
    return Settings(credentials=credentials, **values)


def _parse_into(values: dict[str, Any], name: str, raw: Mapping[str, str], production: bool) -> str | None:
    """Parses one setting into `values`; the problem, naming the variable, when it is missing or malformed."""
    parse, default, attribute = SETTINGS[name]
    text = raw.get(name)
    if text is None and (default is None or (production and attribute in _CREDENTIAL_NAMES)):
        return f"{PREFIX}{name} is required but not set"
    if text is None and default is Optional:
        values[attribute] = None
        return None
    try:
        values[attribute] = parse(text if text is not None else str(default))
    except ValueError as exc:
        return f"{PREFIX}{name}: {exc}"
    return None


def _published_secrets(raw: Mapping[str, str]) -> list[str]:
    return [f"{PREFIX}{name}: {what} is published in this project and refused in production; set your own"
            for name, (what, published) in PUBLISHED_SECRETS.items() if raw.get(name) == published]


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
