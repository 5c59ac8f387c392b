"""Everything that stands between a request and the schema, built once from the settings.

Credentials become a principal (a bad one is refused, never downgraded to
anonymous), principals draw from rate buckets, documents come from the
persisted-query store and pass the operation limits.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from aiohttp import web

from .auth.api_keys import ApiKeyEntry, ApiKeys, load_api_keys
from .auth.minting import DEV_SECRET
from .auth.principals import ANONYMOUS, AuthenticationError, Principal, Role
from .auth.tokens import JwtConfig, TokenVerifier
from .limits import OperationLimits
from .persisted import DocumentStore, PersistedQueries, load_safelist
from .ratelimit import InProcessRateLimiter, Rate, RateLimiter, parse_rate_limits
from .settings import Settings, SettingsError

API_KEY_HEADER = "X-Api-Key"


@dataclass
class Security:
    tokens: TokenVerifier
    api_keys: ApiKeys
    rates: dict[str, Rate | None]
    limiter: RateLimiter
    persisted: PersistedQueries
    limits: OperationLimits
    staff_max_cost: int

    def limits_for(self, principal: Principal) -> OperationLimits:
        """Staff run the price audits and customer 360s of the estate, which cost more than any app's screen."""
        return replace(self.limits, max_cost=self.staff_max_cost) if principal.role is Role.STAFF else self.limits

    async def principal(self, request: web.Request) -> Principal:
        """Raises AuthenticationError for a credential that is malformed, unknown, expired or ambiguous."""
        return await self.principal_of(request.headers)

    async def principal_of(self, headers: Mapping[str, str]) -> Principal:
        """The principal of credentials as HTTP headers carry them (case-insensitive names, as a request's
        headers or a WebSocket's `connection_init` payload hold them). Raises AuthenticationError."""
        authorization = headers.get("Authorization")
        api_key = headers.get(API_KEY_HEADER)
        if authorization is not None and api_key is not None:
            raise AuthenticationError("send one credential: a bearer token or an API key, not both")
        if api_key is not None:
            return self.api_keys.authenticate(api_key)
        if authorization is None:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("expected `Authorization: Bearer <token>`")
        return await self.tokens.verify(token.strip())

    async def retry_after(self, principal: Principal, client: str) -> float | None:
        """Seconds to wait when the principal's bucket is empty; None to go ahead."""
        rate = self.rates.get(principal.role.value)
        if rate is None:
            return None
        key = f"anonymous:{client}" if principal.role is Role.ANONYMOUS else principal.rate_key
        return await self.limiter.acquire(key, rate)


def build_security(settings: Settings, limiter: RateLimiter | None = None,
                   documents: DocumentStore | None = None) -> Security:
    """Raises SettingsError naming the setting whose file cannot be used, before the server starts. The
    token verifier opens its own session when it first fetches keys: an identity provider's keys must not
    queue behind back-office calls. `limiter` and `documents`: shared by the replicas (Redis), else in process."""
    return Security(
        tokens=_token_verifier(settings),
        api_keys=ApiKeys(_api_keys(settings)),
        rates=parse_rate_limits(settings.rate_limits),
        limiter=limiter or InProcessRateLimiter(),
        persisted=PersistedQueries(max_entries=settings.apq_cache_size, safelist=_safelist(settings),
                                   shared=documents),
        limits=OperationLimits(max_depth=settings.max_depth, max_aliases=settings.max_aliases,
                               max_tokens=settings.max_tokens, max_directives=settings.max_directives,
                               max_cost=settings.max_cost),
        staff_max_cost=settings.staff_max_cost,
    )


def _token_verifier(settings: Settings) -> TokenVerifier:
    try:
        return TokenVerifier(_jwt_config(settings))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"OMNIGATE_JWT_*: {exc}") from None


def _jwt_config(settings: Settings) -> JwtConfig:
    """Without any key source, development falls back to the documented development secret."""
    secret = settings.jwt_secret
    if secret is None and settings.jwt_jwks_url is None and settings.jwt_jwks_file is None \
            and not settings.is_production:
        secret = DEV_SECRET
    return JwtConfig(secret=secret, jwks_url=settings.jwt_jwks_url, jwks_file=settings.jwt_jwks_file,
                     issuer=settings.jwt_issuer, audience=settings.jwt_audience)


def _api_keys(settings: Settings) -> list[ApiKeyEntry]:
    if settings.api_keys_file is None:
        return []
    try:
        return load_api_keys(settings.api_keys_file)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"OMNIGATE_API_KEYS_FILE: {exc}") from None


def _safelist(settings: Settings) -> dict[str, str] | None:
    if settings.safelist_file is None:
        return None
    try:
        return load_safelist(settings.safelist_file)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"OMNIGATE_SAFELIST_FILE: {exc}") from None
