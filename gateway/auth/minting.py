"""Tokens for development, demos and tests, signed HS256 with a shared secret.

In production the retailer's identity provider issues tokens; the gateway
only verifies them (`tokens.TokenVerifier`).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from .principals import Role
from .tokens import MIN_SECRET_BYTES

DEV_SECRET = "omnigate-development-secret-do-not-use-in-production"
"""Development only: published in this file, so anyone can mint any token with it. Production sets its own secret
or a JWKS."""


def mint_token(secret: str, role: Role, subject: str, *, store: str | None = None, ttl_s: int = 3600,
               issuer: str | None = None, audience: str | None = None, now: datetime | None = None) -> str:
    """A token `TokenVerifier` accepts for the same secret; only customers and staff hold tokens (kiosks and
    partners use API keys), and only staff are bound to a store."""
    if role not in (Role.CUSTOMER, Role.STAFF):
        raise ValueError(f"{role} principals authenticate with API keys, not tokens")
    if store is not None and role is not Role.STAFF:
        raise ValueError("only staff tokens carry a store")
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"the secret must be at least {MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)")
    issued = now if now is not None else datetime.now(UTC)
    claims: dict[str, Any] = {"sub": subject, "role": role.value, "iat": issued,
                              "exp": issued + timedelta(seconds=ttl_s)}
    optional = {"store": store, "iss": issuer, "aud": audience}
    claims.update({name: value for name, value in optional.items() if value is not None})
    return jwt.encode(claims, secret, algorithm="HS256")
