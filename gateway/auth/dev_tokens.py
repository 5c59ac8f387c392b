"""`omnigate token`: tokens for the demo and tests, signed with the configured or the development secret.

A token shell in another terminal works against `omnigate demo` because both
fall back to the same documented development secret; production refuses.
"""

from collections.abc import Mapping

from ..settings import SettingsError
from .minting import DEV_SECRET, mint_token
from .principals import Role


def token_from_environment(environ: Mapping[str, str], role: Role, subject: str, *, store: str | None = None,
                           ttl_s: int = 3600) -> str:
    if environ.get("OMNIGATE_ENV", "development") == "production":
        raise SettingsError("OMNIGATE_ENV is production: `omnigate token` mints development tokens only")
    if ttl_s <= 0:
        raise SettingsError("--ttl must be a positive number of seconds")
    try:
        return mint_token(environ.get("OMNIGATE_JWT_SECRET") or DEV_SECRET, role, subject,
                          store=store if role is Role.STAFF else None, ttl_s=ttl_s,
                          issuer=environ.get("OMNIGATE_JWT_ISSUER"), audience=environ.get("OMNIGATE_JWT_AUDIENCE"))
    except ValueError as exc:
        raise SettingsError(f"OMNIGATE_JWT_SECRET: {exc}") from None
