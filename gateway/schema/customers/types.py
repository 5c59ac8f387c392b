"""The customer 360: profile, loyalty, preferences, every purchase, wishlist, appointments, notes."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from connectors import domain

from ...auth import guards
from ...auth.audit import audited
from ...auth.permissions import PersonalData, StaffOnly
from ...context import Context
from ..common import Channel, Node
from ..orders.reservation import ReservationStatus
from ..orders.reservation_list import ReservationConnection, reservations_of
from ..orders.services import Appointment
from ..pagination import check_first
from ..products.types import Product
from ..relay import global_id, parse_global_id
from ..stores.types import Store
from .history import OrderConnection, PurchaseConnection, order_page, purchase_page
from .recommendations import recommended_accessories
from .wishlist import Wishlist, wishlist_of


@strawberry.enum
class LoyaltyTier(Enum):
    BASIC = "BASIC"
    SILVER = "SILVER"
    GOLD = "GOLD"
    PLATINUM = "PLATINUM"


@strawberry.type
class Loyalty:
    card_number: str
    tier: LoyaltyTier
    points: int


@strawberry.type
class CustomerPreferences:
    preferred_channel: Channel | None
    email_opt_in: bool
    sms_opt_in: bool
    interests: list[str] = strawberry.field(
        description='Declared once on any channel, used on all of them, e.g. ["running", "photography"].')


@strawberry.type(description="What store staff or customer service learned from the customer, "
                             "for every channel to use.")
class CustomerNote:
    id: strawberry.ID
    text: str
    topics: list[str]
    channel: Channel
    created_at: datetime
    store_code: strawberry.Private[str | None]

    @classmethod
    def of(cls, n: domain.CustomerNote) -> "CustomerNote":
        return cls(id=strawberry.ID(global_id("CustomerNote", n.id)), text=n.text, topics=list(n.topics),
                   channel=n.channel, created_at=n.created_at, store_code=n.store_code)

    @strawberry.field(description="Where it was recorded; null for customer service.")
    async def store(self, info: Info[Context, None]) -> Store | None:
        if self.store_code is None:
            return None
        return await Store.by_code(info, self.store_code)


async def _customer_id(customer: "Customer", info: Info[Context, None]) -> str | None:
    return customer.record.id


@audited(_customer_id)
@strawberry.federation.type(keys=["id"])
class Customer(Node):
    first_name: str
    last_name: str | None
    email: str | None = strawberry.field(description="Personal data: the customer and staff only.",
                                         permission_classes=[PersonalData])
    phone: str | None = strawberry.field(description="Personal data: the customer and staff only.",
                                         permission_classes=[PersonalData])
    record: strawberry.Private[domain.CustomerRecord]

    @classmethod
    def of(cls, c: domain.CustomerRecord) -> "Customer":
        return cls(id=strawberry.ID(global_id("Customer", c.id)), first_name=c.first_name, last_name=c.last_name,
                   email=c.email, phone=c.phone, record=c)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> "Customer | None":
        _, crm_id = parse_global_id(id, "Customer")
        guards.check_customer_by_id(info.context.principal, crm_id)
        return await load_customer(info, crm_id)

    @strawberry.field
    async def loyalty(self, info: Info[Context, None]) -> Loyalty | None:
        if self.record.loyalty_card is None:
            return None
        found = await info.context.loaders.loyalty_by_customer.load(self.record.id)
        return Loyalty(card_number=found.card_number, tier=LoyaltyTier(found.tier), points=found.points) \
            if found else None

    @strawberry.field
    def preferences(self) -> CustomerPreferences:
        p = self.record.preferences
        return CustomerPreferences(preferred_channel=p.preferred_channel,
                                   email_opt_in=p.email_opt_in, sms_opt_in=p.sms_opt_in, interests=list(p.interests))

    @strawberry.field
    async def favorite_store(self, info: Info[Context, None]) -> Store | None:
        if self.record.favourite_store is None:
            return None
        return await Store.by_code(info, self.record.favourite_store)

    @strawberry.field(description="Every purchase on every channel, web orders and till receipts merged, "
                                  "newest first.")
    async def purchase_history(self, info: Info[Context, None], first: int | None = 20, after: str | None = None,
                               channel: Channel | None = None) -> PurchaseConnection | None:
        return await purchase_page(info, self.record, check_first(first, 20), after, channel)

    @strawberry.field
    async def orders(self, info: Info[Context, None], first: int | None = 20,
                     after: str | None = None) -> OrderConnection | None:
        return await order_page(info, self.record, check_first(first, 20), after)

    @strawberry.field
    async def wishlist(self, info: Info[Context, None]) -> Wishlist | None:
        return await wishlist_of(info, self.record)

    @strawberry.field(description="Accessories of what the customer bought on any channel, not yet bought.")
    async def recommended_accessories(self, info: Info[Context, None], first: int | None = 10) -> list[Product] | None:
        return await recommended_accessories(info, self.record, check_first(first, 10))

    @strawberry.field(description="Staff of a store and a store's kiosk see those at their store only.")
    async def appointments(self, info: Info[Context, None]) -> list[Appointment] | None:
        if self.record.loyalty_card is None:
            return []
        found = await info.context.loaders.appointments_by_card.load(self.record.loyalty_card)
        return await Appointment.visible(info, found)

    @strawberry.field(description="Reserve & collect holds, newest first, `status` as of now: the customer's "
                                  "own; staff of a store and a store's kiosk see those at their store only.")
    async def reservations(self, info: Info[Context, None], first: int | None = 20, after: str | None = None,
                           status: ReservationStatus | None = None) -> ReservationConnection | None:
        return await reservations_of(info, self.record.id, first, after, status)

    @strawberry.field(description="Staff only: notes from every store and customer service, newest first.",
                      permission_classes=[StaffOnly])
    async def notes(self, info: Info[Context, None], first: int | None = 20) -> list[CustomerNote] | None:
        first = check_first(first, 20)
        found = await info.context.loaders.notes_by_customer.load(self.record.id)
        return [CustomerNote.of(n) for n in found[:first]]


async def load_customer(info: Info[Context, None], crm_id: str) -> Customer | None:
    """A customer the caller was allowed to ask for (its fields audit themselves)."""
    found = await info.context.loaders.customer_by_id.load(crm_id)
    return Customer.of(found) if found else None
