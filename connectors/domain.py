"""The domain objects the ports return: plain, frozen, free of any vendor's field names.

Ids here are the gateway's canonical ones (sku, CRM customer id, POS store
code); each adapter maps its own system's ids to them on the way up.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum


class System(StrEnum):
    ERP = "erp"
    POS = "pos"
    CRM = "crm"
    WEBSHOP = "webshop"


class Channel(StrEnum):
    """Where a sale, order, note or request came from."""

    WEB = "WEB"
    MOBILE_APP = "MOBILE_APP"
    KIOSK = "KIOSK"
    STORE = "STORE"
    PARTNER = "PARTNER"
    CALL_CENTER = "CALL_CENTER"


class FulfillmentMethod(StrEnum):
    DELIVERY = "DELIVERY"
    PICKUP_IN_STORE = "PICKUP_IN_STORE"
    SHIP_FROM_STORE = "SHIP_FROM_STORE"


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    RETURNED = "RETURNED"


class AppointmentStatus(StrEnum):
    REQUESTED = "REQUESTED"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = "EUR"

    @classmethod
    def from_cents(cls, cents: int, currency: str = "EUR") -> "Money":
        return cls(Decimal(cents).scaleb(-2), currency)


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt_text: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    gtin: str | None = None
    description: str | None = None
    brand: str | None = None
    category: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    images: tuple[Image, ...] = ()
    delisted: bool = False


@dataclass(frozen=True, slots=True)
class Relation:
    """`related_sku` goes with `sku` (accessory, consumable, cross-sell), in `order`."""

    sku: str
    related_sku: str
    kind: str
    order: int


@dataclass(frozen=True, slots=True)
class StockPage:
    """One page of a store system's counts (`levels`, sellable = its IN_STOCK) and where the next one starts."""

    levels: tuple["StockLevel", ...]
    cursor: str | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    skus: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShownPrice:
    """What one system shows for one article; `compare_at` is the list price while a promotion runs."""

    system: System
    amount: Money
    compare_at: Money | None = None


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    postal_code: str
    city: str
    country_code: str
    line2: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class OpeningPeriod:
    weekday: int  # 0 = Monday
    opens: time
    closes: time


@dataclass(frozen=True, slots=True)
class Store:
    code: str
    name: str
    address: Address
    location: GeoPoint
    timezone: str
    hours: tuple[OpeningPeriod, ...]
    services: frozenset[str]  # StoreService names
    active: bool = True
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class StockLevel:
    """Stock of one article (`item`: the key the store system was asked with) in one store."""

    item: str
    store_code: str
    sellable: int
    reserved: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Loyalty:
    card_number: str
    tier: str  # BASIC, SILVER, GOLD, PLATINUM
    points: int


@dataclass(frozen=True, slots=True)
class Preferences:
    preferred_channel: Channel | None = None
    email_opt_in: bool = False
    sms_opt_in: bool = False
    interests: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: str
    first_name: str
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    loyalty_card: str | None = None
    preferences: Preferences = field(default_factory=Preferences)
    favourite_store: str | None = None
    webshop_customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerNote:
    id: str
    customer_id: str
    text: str
    topics: tuple[str, ...]
    store_code: str | None
    channel: Channel
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """What to set on a customer's record; None leaves a field as it is (nothing here can be cleared)."""

    favourite_store: str | None = None
    preferred_channel: Channel | None = None
    email_opt_in: bool | None = None
    sms_opt_in: bool | None = None
    interests: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class NewNote:
    """A note to record; `key` makes the write idempotent upstream (a replay changes the same record)."""

    key: str
    customer_id: str
    text: str
    topics: tuple[str, ...]
    store_code: str | None
    channel: Channel


@dataclass(frozen=True, slots=True)
class PurchaseLine:
    """The article as the selling system recorded it; the gateway's crosswalk finds the canonical sku."""

    sku: str | None
    gtin: str | None
    name: str
    quantity: int
    unit_price: Money
    total: Money


@dataclass(frozen=True, slots=True)
class Fulfillment:
    method: FulfillmentMethod
    store_code: str | None = None
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Purchase:
    """A web order (source webshop) or a till receipt (source pos)."""

    id: str
    source: System
    channel: Channel
    occurred_at: datetime
    total: Money
    lines: tuple[PurchaseLine, ...]
    store_code: str | None = None
    number: str | None = None
    status: OrderStatus | None = None  # web orders only
    fulfillment: Fulfillment | None = None
    customer_id: str | None = None  # the selling system's own customer id


@dataclass(frozen=True, slots=True)
class NewOrderLine:
    product_id: str  # the web shop's own product id (gateway's crosswalk.webshop_id_of)
    sku: str  # canonical sku
    quantity: int


@dataclass(frozen=True, slots=True)
class NewWebOrder:
    """An order the gateway places; `key` rides on it so a lost reply is found instead of placed twice."""

    key: str
    channel: Channel
    method: FulfillmentMethod
    lines: tuple[NewOrderLine, ...]
    placed_at: datetime
    customer_id: str | None = None  # the web shop's customer id; None = a guest order
    store_code: str | None = None  # pickup store (PICKUP_IN_STORE) or shipping store (SHIP_FROM_STORE)
    store_name: str | None = None
    address: Address | None = None  # DELIVERY and SHIP_FROM_STORE


@dataclass(frozen=True, slots=True)
class NewRefund:
    """Units of a web order brought back to a store and paid back at its till; once per `key`."""

    key: str
    order_id: str
    lines: tuple[tuple[str, int], ...]  # (sku as the order line records it, quantity)
    store_code: str
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class OnlineProduct:
    """The web shop's copy of an article: its own id and sku spelling, price, stock and media."""

    product_id: str
    stored_sku: str
    price: ShownPrice
    stock: int | None  # None: the shop does not manage stock for it
    images: tuple[Image, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class WishEntry:
    product_id: str  # web shop product id
    added_at: datetime


@dataclass(frozen=True, slots=True)
class Appointment:
    id: str
    store_code: str
    topic: str
    requested_for: datetime
    created_at: datetime
    status: AppointmentStatus
    channel: Channel
    customer_card: str | None = None
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class NewBooking:
    """An appointment request as the store system books it, once per `key` however often sent."""

    store_code: str
    requested_for: datetime
    customer_card: str  # the store system finds its own customer by the loyalty card
    topic: str
    sku: str | None
    key: str  # idempotency key, at most 255 characters (Square's CreateBooking)


@dataclass(frozen=True, slots=True)
class AppointmentAnswer:
    """What Omnigate itself knows of an appointment the store system cannot hold: the channel it was asked on
    (the POS records only its own notion of a source) and the store's answer (read-only in the POS's API)."""

    appointment_id: str
    channel: Channel | None = None
    answer: AppointmentStatus | None = None  # CONFIRMED or DECLINED, once given
    answered_by: str | None = None
    answered_at: datetime | None = None


class HoldStatus(StrEnum):
    """A hold counts against sellable stock only while ACTIVE and not past `expires_at`."""

    ACTIVE = "ACTIVE"
    COLLECTED = "COLLECTED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True, slots=True)
class Hold:
    """Units of one article (canonical sku) held at one store for one customer, kept in Omnigate's ledger
    because the POS cannot reserve stock (its RESERVED_FOR_SALE state is read-only)."""

    id: str
    sku: str
    store_code: str
    quantity: int
    customer_id: str | None
    customer_card: str | None
    created_at: datetime
    expires_at: datetime
    status: HoldStatus = HoldStatus.ACTIVE

    def is_active(self, at: datetime) -> bool:
        return self.status is HoldStatus.ACTIVE and self.expires_at > at


@dataclass(frozen=True, slots=True)
class HoldListing:
    """Which holds of a customer or a store to list, newest first (`created_at`, then id), one page at a time.

    `status` is as of `at`: an ACTIVE hold past its `expires_at` is EXPIRED, whether or not a sweep has marked it
    yet, as clients are shown it. `after` is the (created_at, id) of the last hold already listed.
    """

    at: datetime
    first: int
    status: HoldStatus | None = None
    store_code: str | None = None  # a customer's holds at this store only (a store's list ignores it)
    after: tuple[datetime, str] | None = None


@dataclass(frozen=True, slots=True)
class HoldPage:
    holds: tuple[Hold, ...]
    has_more: bool


class ClaimState(StrEnum):
    """What an idempotency key's claim found: go ahead (NEW), the first result (DONE), or a refusal."""

    NEW = "NEW"
    DONE = "DONE"
    RUNNING = "RUNNING"  # the first request with this key is still being served
    CONFLICT = "CONFLICT"  # the key was used for another input


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    result: str | None = None  # the stored result (DONE only), as the gateway serialised it


@dataclass(frozen=True, slots=True)
class Sale:
    """Units sold over the counter at a store (`gtin`: the POS's article key), recorded once per `key`."""

    reference: str  # what the sale settles, e.g. a hold id
    gtin: str
    store_code: str
    quantity: int
    occurred_at: datetime
    key: str  # idempotency key: a retry with it records nothing more


class UndoKind(StrEnum):
    """What a saga's step leaves behind and how it is taken back; each undo is safe to run twice and when
    the step it undoes never happened (a crash can leave either)."""

    RELEASE_HOLD = "RELEASE_HOLD"  # target: the hold id
    CANCEL_WEB_ORDER = "CANCEL_WEB_ORDER"  # target: the order's key; args: web shop customer id, placed after
    TAKE_BACK_RETURN = "TAKE_BACK_RETURN"  # target: the return's key; args: gtin, store code, quantity, at
    # Not an undo but a step that must still happen (rolled forward): the goods left the store with the customer.
    COMPLETE_WEB_ORDER = "COMPLETE_WEB_ORDER"  # target: the web shop's order id


@dataclass(frozen=True, slots=True)
class Undo:
    kind: UndoKind
    target: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """An undo written ahead of its step: due once its saga failed, or once the saga's lease lapsed unsettled
    (the process running it died)."""

    id: str
    saga_id: str
    undo: Undo
    due_at: datetime
    attempts: int = 0
    last_error: str | None = None
