"""In-store services: appointments (reserve & collect holds are in `reservation`)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

import strawberry
from strawberry.types import Info

from connectors import domain
from connectors.domain import AppointmentStatus

from ...answers import overlaid
from ...auth import guards
from ...context import Context
from ...hours import after_open_time
from ..common import Channel, Node
from ..products.types import Product, load_product
from ..relay import global_id
from ..stores.types import Store
from .visibility import visible, visible_by_id

strawberry.enum(AppointmentStatus)


@strawberry.type(description="An in-store consultation, fitting or test drive, asked for on any channel. Staff "
                             "see their store's (staff without a store every store's), a kiosk its store's, a "
                             "customer their own.")
class Appointment(Node):
    topic: str
    requested_for: datetime
    status: AppointmentStatus
    respond_by: datetime = strawberry.field(description="The store must answer by then.")
    channel: Channel
    record: strawberry.Private[domain.Appointment]

    @classmethod
    async def visible(cls, info: Info[Context, None], records: Iterable[domain.Appointment]) -> list["Appointment"]:
        """Every list of appointments is built here: those the caller may not see are left out, and the rest
        carry Omnigate's answers and channels (one ledger read for every list at this level of the document)."""
        shown = await visible(info, records)
        answers = await info.context.ledger.answers_of([a.id for a in shown])
        return [await cls._of(info, overlaid(a, answer)) for a, answer in zip(shown, answers, strict=True)]

    @classmethod
    async def by_id(cls, info: Info[Context, None], key: str) -> "Appointment | None":
        """One appointment by id: one the caller may not see is FORBIDDEN, like one that does not exist."""
        guards.check_held_at_store_reader(info.context.principal)
        found = await visible_by_id(info, await info.context.loaders.appointment_by_id.load(key))
        return (await cls.visible(info, [found]))[0] if found else None

    @classmethod
    async def _of(cls, info: Info[Context, None], a: domain.Appointment) -> "Appointment":
        store = (await info.context.reference.stores.get()).by_code.get(a.store_code)
        answer = timedelta(hours=info.context.settings.appointment_answer_hours)
        return cls(id=strawberry.ID(global_id("Appointment", a.id)), topic=a.topic, requested_for=a.requested_for,
                   status=a.status, respond_by=respond_by(a, store, answer), channel=a.channel,
                   record=a)

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store:
        return await Store.named_by(info, self.record.store_code)

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> Product | None:
        return await load_product(info, self.record.sku) if self.record.sku else None


def respond_by(a: domain.Appointment, store: domain.Store | None, answer: timedelta) -> datetime:
    """The answer window counts only the store's opening hours, so a request made at closing time does not
    fall due overnight; a store we cannot place or that never opens gets the window in plain hours."""
    counted = after_open_time(store, a.created_at, answer) if store else None
    return counted or a.created_at + answer


def is_overdue(a: Appointment, now: datetime) -> bool:
    return a.status is AppointmentStatus.REQUESTED and a.respond_by < now
