"""`addCustomerNote`: staff record what they learned from a customer, as a CRM note every channel then reads."""

import hashlib

import strawberry
from strawberry.types import Info

from connectors.domain import Channel, NewNote
from connectors.errors import UpstreamUnavailable

from ...auth import guards
from ...context import Context
from ...errors import GatewayError, UserErrorCode
from ...writes.outcome import Outcome
from ..relay import parse_global_id
from ..user_errors import UserError, user_errors
from .types import CustomerNote

MAX_TEXT = 2000  # ours: a note is a few sentences; the CRM would take 32,000
MAX_TOPICS_CHARS = 255  # the CRM's topics field, `;`-joined


@strawberry.input
class CustomerNoteInput:
    idempotency_key: str
    customer_id: strawberry.ID
    text: str
    topics: list[str] | None = None


@strawberry.type
class CustomerNotePayload:
    note: CustomerNote | None
    user_errors: list[UserError]


async def add_customer_note(info: Info[Context, None], input: CustomerNoteInput) -> CustomerNotePayload:
    """Staff only, refused before any call. Runs once per idempotency key; the CRM write itself is keyed too
    (from the caller and their key), so a retry after a lost answer never makes a second note."""
    ctx = info.context
    guards.check_staff(ctx.principal)
    inputs = {"customerId": str(input.customer_id), "text": input.text, "topics": input.topics}
    outcome = await ctx.ledger.once(ctx.principal.rate_key, input.idempotency_key, "addCustomerNote", inputs,
                                    ctx.now, lambda: _add(info, input))
    return await _payload(info, input, outcome)


async def _add(info: Info[Context, None], input: CustomerNoteInput) -> Outcome:
    ctx = info.context
    text, topics = input.text.strip(), tuple(t.strip() for t in input.topics or ())
    if not 1 <= len(text) <= MAX_TEXT:
        return Outcome.refused(UserErrorCode.INVALID, f"text must be 1 to {MAX_TEXT} characters", "input", "text")
    if any(not t or ";" in t for t in topics) or len(";".join(topics)) > MAX_TOPICS_CHARS:
        return Outcome.refused(UserErrorCode.INVALID, "topics must be non-empty, without `;`, "
                               f"{MAX_TOPICS_CHARS} characters in all", "input", "topics")
    try:
        _, crm_id = parse_global_id(input.customer_id, "Customer")
    except GatewayError:
        return Outcome.refused(UserErrorCode.INVALID, "customerId is not the id of a customer", "input", "customerId")
    store = ctx.principal.store
    note = NewNote(_upstream_key(ctx.principal.rate_key, input.idempotency_key), crm_id, text, topics, store,
                   Channel.STORE if store else Channel.CALL_CENTER)
    try:
        if await ctx.loaders.customer_by_id.load(crm_id) is None:
            return Outcome.refused(UserErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
        return Outcome(record_id=await ctx.profile.add_note(note))
    except UpstreamUnavailable:
        return Outcome.refused(UserErrorCode.UPSTREAM_UNAVAILABLE, "the CRM could not record the note; retry")


def _upstream_key(scope: str, key: str) -> str:
    """The CRM's key field holds 80 characters; a digest of caller and key fits and keeps callers apart."""
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


async def _payload(info: Info[Context, None], input: CustomerNoteInput, outcome: Outcome) -> CustomerNotePayload:
    """The note as the CRM now holds it, read back with the customer's notes (a replay reads it the same way)."""
    note = None
    if outcome.record_id is not None:
        _, crm_id = parse_global_id(input.customer_id, "Customer")
        found = await info.context.loaders.notes_by_customer.load(crm_id)
        note = next((CustomerNote.of(n) for n in found if n.id == outcome.record_id), None)
    return CustomerNotePayload(note=note, user_errors=user_errors(outcome))
