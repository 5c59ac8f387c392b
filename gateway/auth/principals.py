"""The principal of a request: resolved once, carried in the context, checked by permissions."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    STAFF = "staff"
    KIOSK = "kiosk"
    PARTNER = "partner"
    ROUTER = "router"  # a federation router fetching the SDL (`_service`) to compose, and reading /status


class AuthenticationError(Exception):
    """A credential was presented and refused; the message is safe to show the client."""


PARTNER_SCOPES = frozenset({"catalog", "prices", "availability", "orders"})


@dataclass(frozen=True)
class Principal:
    role: Role
    subject: str | None = None  # customer: CRM id; staff: staff id; kiosk/partner/router: the key's name
    store: str | None = None  # kiosk: its store; staff: their store, if any (POS store code)
    scopes: frozenset[str] = field(default_factory=frozenset)  # partner only
    safelist_only: bool = False  # may run persisted safelisted documents only

    @property
    def rate_key(self) -> str:
        """Whose bucket a request draws from (anonymous callers share one per client address, set by the caller)."""
        return f"{self.role}:{self.subject or '-'}"


ANONYMOUS = Principal(Role.ANONYMOUS)
