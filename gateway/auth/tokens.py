"""Customers and staff prove themselves with JWTs; this turns a token into a Principal or refuses it.

The key that checks a token is chosen by us, never by the token: HS256 only
against the shared secret, RS256 and ES256 only against a JWKS key of the
matching type, and PyJWT is told the one algorithm it may accept. That closes
algorithm confusion (an RSA public key used as an HMAC secret) and `alg: none`.
Every refusal is an `AuthenticationError` whose message is safe to show the
client; the library's own wording goes to the exception chain only.
"""

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
import jwt

from .principals import AuthenticationError, Principal, Role

log = logging.getLogger("omnigate.auth")

MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash
JWKS_TIMEOUT = aiohttp.ClientTimeout(total=5)  # a slow identity provider must not hold requests for minutes
_ASYMMETRIC_KEY_TYPES = {"RS256": "RSA", "ES256": "EC"}  # algorithm -> the JWK `kty` allowed to verify it
_REFUSALS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token has expired"),
    (jwt.ImmatureSignatureError, "token is not yet valid"),
    (jwt.InvalidIssuerError, "token has the wrong issuer"),
    (jwt.InvalidAudienceError, "token has the wrong audience"),
    (jwt.InvalidSignatureError, "token signature is invalid"),
)


@dataclass(frozen=True)
class JwtConfig:
    """Where verification keys come from and which claims are checked; one that could verify nothing stops start-up."""

    secret: str | None
    jwks_url: str | None
    jwks_file: Path | None
    issuer: str | None
    audience: str | None
    leeway_s: float = 30.0

    def __post_init__(self) -> None:
        if self.secret is None and self.jwks_url is None and self.jwks_file is None:
            raise ValueError("JWT verification needs a secret, a JWKS URL or a JWKS file")
        if self.jwks_url is not None and self.jwks_file is not None:
            raise ValueError("JWT keys come from a JWKS URL or a JWKS file, not both")
        if self.secret is not None and len(self.secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)")
        if self.leeway_s < 0:
            raise ValueError("the JWT leeway must not be negative")


def _parse_jwks(document: object) -> dict[str, jwt.PyJWK]:
    """Signing keys by `kid`; keys without one cannot be named by a token, encryption keys never sign."""
    if not isinstance(document, dict):
        raise ValueError("a JWKS is a JSON object with a 'keys' list")
    try:
        keys = jwt.PyJWKSet.from_dict(document).keys
    except jwt.PyJWTError as error:
        raise ValueError(str(error)) from error
    usable = {key.key_id: key for key in keys if key.key_id is not None and key.public_key_use in (None, "sig")}
    if not usable:
        raise ValueError("the JWKS has no signing key with a 'kid'")
    return usable


def _read_jwks_file(path: Path) -> dict[str, jwt.PyJWK]:
    """Read once at start-up, so a broken file is a start-up error rather than refused logins."""
    try:
        return _parse_jwks(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise ValueError(f"JWKS file {path}: {error}") from error


class _Jwks:
    """The identity provider's keys: from a file, or from a URL fetched on first use and again for unknown kids.

    Refetches for unknown kids happen at most once per `refetch_interval_s`, so a
    stream of made-up kids costs the identity provider one request per interval.
    """

    def __init__(self, keys: dict[str, jwt.PyJWK], url: str | None, session: aiohttp.ClientSession | None,
                 refetch_interval_s: float) -> None:
        self._keys = keys
        self._url = url
        self._session = session
        self._owns_session = session is None
        self._refetch_interval_s = refetch_interval_s
        self._loaded = False
        self._refetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        if kid not in self._keys and self._url is not None:
            async with self._lock:  # one fetch serves every request waiting on it
                if kid not in self._keys and self._may_fetch():
                    await self._fetch(self._url)
        return self._keys.get(kid)

    def _may_fetch(self) -> bool:
        """The first use always fetches; after that, one refetch per interval (counted even if it failed)."""
        if not self._loaded:
            self._loaded = True
            return True
        now = time.monotonic()
        if self._refetched_at is not None and now - self._refetched_at < self._refetch_interval_s:
            return False
        self._refetched_at = now
        return True

    async def _fetch(self, url: str) -> None:
        """A failed fetch keeps the keys we had: the provider being down must not log everyone out."""
        try:
            async with self._client().get(url, timeout=JWKS_TIMEOUT) as response:
                response.raise_for_status()
                self._keys = _parse_jwks(await response.json(content_type=None))
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("JWKS fetch from %s failed: %s", url, error)

    def _client(self) -> aiohttp.ClientSession:
        """The caller's session if given; otherwise our own, created inside the running loop on first need."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None


class TokenVerifier:
    """Verifies customer and staff tokens against the configured secret and/or JWKS."""

    jwks_refetch_interval_s: ClassVar[float] = 30.0

    def __init__(self, config: JwtConfig, session: aiohttp.ClientSession | None = None) -> None:
        self._config = config
        keys = _read_jwks_file(config.jwks_file) if config.jwks_file is not None else {}
        has_jwks = config.jwks_file is not None or config.jwks_url is not None
        self._jwks = _Jwks(keys, config.jwks_url, session, self.jwks_refetch_interval_s) if has_jwks else None

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise AuthenticationError("token is malformed") from error
        algorithm, key = await self._key_for(header)
        return _principal(self._decode(token, algorithm, key))

    async def close(self) -> None:
        """Closes the session we opened for the JWKS URL, if we had to open one."""
        if self._jwks is not None:
            await self._jwks.close()

    async def _key_for(self, header: dict[str, Any]) -> tuple[str, str | jwt.PyJWK]:
        """The one algorithm and key the token may be checked with; anything else is refused before any crypto."""
        match header.get("alg"):
            case "HS256" if self._config.secret is not None:
                return "HS256", self._config.secret
            case "RS256" | "ES256" as algorithm if self._jwks is not None:
                return algorithm, await _jwks_key(self._jwks, algorithm, header.get("kid"))
            case _:
                raise AuthenticationError("token algorithm is not accepted")

    def _decode(self, token: str, algorithm: str, key: str | jwt.PyJWK) -> dict[str, Any]:
        config = self._config
        try:
            return jwt.decode(
                token, key, algorithms=[algorithm], issuer=config.issuer, audience=config.audience,
                leeway=config.leeway_s,
                options={"require": ["exp", "sub"], "verify_aud": config.audience is not None,
                         "enforce_minimum_key_length": True},
            )
        except jwt.PyJWTError as error:
            raise AuthenticationError(_refusal(error)) from error


async def _jwks_key(jwks: _Jwks, algorithm: str, kid: object) -> jwt.PyJWK:
    """A JWKS key of the type the algorithm needs: an RS256 token is never checked with an EC key, nor the reverse."""
    if not isinstance(kid, str):
        raise AuthenticationError("token names no signing key")
    key = await jwks.key(kid)
    if key is None:
        raise AuthenticationError("token signing key is unknown")
    if key.key_type != _ASYMMETRIC_KEY_TYPES[algorithm] or key.algorithm_name != algorithm:
        raise AuthenticationError("token algorithm does not match its signing key")
    return key


def _refusal(error: jwt.PyJWTError) -> str:
    """A short reason the client may see: which check failed, never the library's wording."""
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"token has no '{error.claim}' claim"  # one of the claim names we asked for
    return next((message for kind, message in _REFUSALS if isinstance(error, kind)), "token is invalid")


def _principal(claims: dict[str, Any]) -> Principal:
    """Customers by default: a token must say `staff` to be staff, and any other role is a mistake to refuse."""
    subject = claims["sub"]
    if not subject:
        raise AuthenticationError("token has an empty subject")
    match claims.get("role"):
        case None | "customer":
            return Principal(Role.CUSTOMER, subject=subject)
        case "staff":
            return Principal(Role.STAFF, subject=subject, store=_store(claims))
        case _:
            raise AuthenticationError("token has an unknown role")


def _store(claims: dict[str, Any]) -> str | None:
    store = claims.get("store")
    if store is None or (isinstance(store, str) and store):
        return store
    raise AuthenticationError("token has an invalid store")
