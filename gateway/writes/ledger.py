"""Omnigate's own state as the schema reaches it: holds, idempotent runs and appointment answers, each call one
span."""

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Literal

from opentelemetry import trace

from connectors.domain import AppointmentAnswer, AppointmentStatus, Channel, Hold, HoldListing, HoldPage
from connectors.ports import AppointmentAnswers, IdempotencyResults, Reservations

from ..loaders.batch import TickBatch
from ..telemetry import tracing_on
from .idempotency import once
from .outcome import Outcome

TRACER = trace.get_tracer("omnigate.ledger")
Owner = Literal["customer", "store"]


class Ledger:
    """Per request: the units held per (sku, store), the pages of holds per customer or store and the answers to
    appointments are each read in one batch per tick (the units as of the request's `now`), and read again after
    this request changes them."""

    def __init__(self, reservations: Reservations, results: IdempotencyResults, answers: AppointmentAnswers,
                 keep: timedelta, now: datetime) -> None:
        self._reservations = reservations
        self._results = results
        self._answers = answers
        self._keep = keep
        self._now = now
        self._held: TickBatch[tuple[str, str], int] = TickBatch(self._held_batch)
        self._pages: TickBatch[tuple[Owner, str, HoldListing], HoldPage] = TickBatch(self._pages_batch)
        self._answered: TickBatch[str, AppointmentAnswer | None] = TickBatch(self._answers_batch)

    async def _answers_batch(self, ids: list[str]) -> list[AppointmentAnswer | None]:
        with _span("appointment_answers", size=len(ids)):
            return await self._answers.answers(ids)

    async def answers_of(self, appointment_ids: Sequence[str]) -> list[AppointmentAnswer | None]:
        """What Omnigate recorded beside each appointment, batched with the request's other appointment reads:
        however many lists of appointments one level of the document holds, one ledger query."""
        return await self._answered.load_many(appointment_ids)

    async def record_channel(self, appointment_id: str, channel: Channel) -> None:
        with _span("record_channel"):
            self._answered.forget(appointment_id)
            await self._answers.record_channel(appointment_id, channel)

    async def record_answer(self, appointment_id: str, answer: AppointmentStatus, by: str) -> AppointmentAnswer:
        """The answer recorded now: this one, or one given before (the first stands)."""
        with _span("record_answer"):
            self._answered.forget(appointment_id)
            return await self._answers.record_answer(appointment_id, answer, by, self._now)

    async def _held_batch(self, pairs: list[tuple[str, str]]) -> list[int]:
        return await self.held(pairs, self._now)

    async def _pages_batch(self, keys: list[tuple[Owner, str, HoldListing]]) -> list[HoldPage]:
        """Owners asking for the same page (a list field at one level of the document) make one ledger query."""
        asked: dict[tuple[Owner, HoldListing], list[str]] = {}
        for owner, key, listing in keys:
            asked.setdefault((owner, listing), []).append(key)
        found: dict[tuple[Owner, str, HoldListing], HoldPage] = {}
        for (owner, listing), owners in asked.items():
            fetch = self._reservations.holds_of if owner == "customer" else self._reservations.holds_at
            with _span(f"holds_{'of' if owner == 'customer' else 'at'}", size=len(owners)):
                pages = await fetch(owners, listing)
            found.update({(owner, key, listing): page for key, page in zip(owners, pages, strict=True)})
        return [found[key] for key in keys]

    async def holds_of(self, customer_id: str, listing: HoldListing) -> HoldPage:
        """One page of a customer's holds, batched with the other customers' asked at the same level."""
        return await self._pages.load(("customer", customer_id, listing))

    async def holds_at(self, store_code: str, listing: HoldListing) -> HoldPage:
        return await self._pages.load(("store", store_code, listing))

    def held_now(self, pairs: Sequence[tuple[str, str]]) -> "asyncio.Future[list[int]]":
        """Units under active holds per (canonical sku, store code), batched with the request's other reads: the
        loader's future itself, queued as this is called (a coroutine would need a task to run beside others)."""
        return self._held.load_many(pairs)

    async def once(self, scope: str, key: str, operation: str, inputs: Mapping[str, object], at: datetime,
                   run: Callable[[], Awaitable[Outcome]]) -> Outcome:
        with _span("idempotent", operation=operation):
            return await once(self._results, scope, key, operation, inputs, at, self._keep, run)

    async def hold(self, hold: Hold, available: int) -> bool:
        with _span("hold"):
            self._held.forget_all()
            self._pages.forget_all()
            return await self._reservations.hold(hold, available)

    async def release(self, hold_id: str, at: datetime) -> Hold | None:
        with _span("release"):
            self._held.forget_all()
            self._pages.forget_all()
            return await self._reservations.release(hold_id, at)

    async def collect(self, hold_id: str, at: datetime) -> Hold | None:
        with _span("collect"):
            self._held.forget_all()
            self._pages.forget_all()
            return await self._reservations.collect(hold_id, at)

    async def link(self, hold_ids: Sequence[str], order_id: str) -> None:
        with _span("link", size=len(hold_ids)):
            await self._reservations.link(hold_ids, order_id)

    async def order_holds(self, order_id: str) -> list[Hold]:
        with _span("order_holds"):
            return await self._reservations.order_holds(order_id)

    async def held(self, pairs: Sequence[tuple[str, str]], at: datetime) -> list[int]:
        with _span("held", size=len(pairs)):
            return await self._reservations.held(pairs, at)

    async def holds(self, ids: Sequence[str]) -> list[Hold | None]:
        with _span("holds", size=len(ids)):
            return await self._reservations.holds(ids)


@contextmanager
def _span(call: str, size: int | None = None, operation: str | None = None) -> Iterator[None]:
    if not tracing_on():
        yield
        return
    attributes: dict[str, str | int] = {"omnigate.system": "ledger", "omnigate.read": call}
    if size is not None:
        attributes["omnigate.batch.size"] = size
    if operation is not None:
        attributes["graphql.operation.field"] = operation
    with TRACER.start_as_current_span(f"ledger {call}", attributes=attributes):
        yield
