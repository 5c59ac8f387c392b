"""The records of the demo world: the truth each simulator takes its own view of.

Money is in integer cents; instants are aware UTC datetimes.
"""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Period:
    """Opening period of one weekday (0 = Monday), local wall-clock time."""

    weekday: int
    opens: str  # "09:00"
    closes: str  # "19:30"


@dataclass(frozen=True, slots=True)
class DemoStore:
    index: int
    code: str
    name: str
    city: str
    street: str
    postal_code: str
    latitude: float
    longitude: float
    phone: str
    timezone: str
    hours: tuple[Period, ...]
    services: tuple[str, ...]  # StoreService names, e.g. "CLICK_AND_COLLECT"
    active: bool
    size: int  # 1 small .. 3 large: how much of the range it carries


@dataclass(frozen=True, slots=True)
class Relation:
    sku: str
    kind: str  # "ACC" accessory, "CON" consumable, "XSL" cross-sell
    order: int


@dataclass(frozen=True, slots=True)
class Promotion:
    price: int
    starts: date
    ends: date


@dataclass(frozen=True, slots=True)
class DemoProduct:
    index: int
    sku: str
    gtin: str
    name: str
    description: str
    brand: str
    category: str  # CategoryDef.code
    attributes: tuple[tuple[str, str], ...]
    images: tuple[tuple[str, str], ...]  # (url, alt text)
    weight_grams: int
    list_price: int
    promotions: tuple[Promotion, ...]
    delisted: bool
    relations: tuple[Relation, ...]
    # what the other systems hold, deliberately not always what the ERP holds
    pos_price: int
    webshop_id: int | None  # None: not sold online
    webshop_sku: str
    webshop_price: int
    online_stock: int


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    index: int
    crm_id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    mobile: str
    birthdate: date
    street: str
    city: str
    postal_code: str
    country: str
    card: str | None
    tier: str | None  # CRM label: Bronze, Silver, Gold, Platinum
    points: int
    member_since: date | None
    email_consent: bool
    sms_consent: bool
    consent_updated: datetime
    preferred_channel: str  # Email, SMS, Phone, Post, None
    interests: tuple[str, ...]
    favourite_store: str | None
    webshop_id: int | None
    pos_customer_id: str | None
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class Line:
    product_index: int
    quantity: int
    unit_price: int


@dataclass(frozen=True, slots=True)
class WebOrder:
    id: int
    customer_index: int
    created: datetime
    status: str  # WooCommerce status
    lines: tuple[Line, ...]
    pickup_store: str | None  # None: home delivery
    shipping: int
    total: int


@dataclass(frozen=True, slots=True)
class Receipt:
    id: str
    store_code: str
    customer_index: int | None  # None: anonymous sale
    created: datetime
    lines: tuple[Line, ...]
    total: int


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    customer_index: int
    text: str
    topics: tuple[str, ...]
    store_code: str | None
    channel: str  # CRM picklist: Store, Kiosk, Call_Center, Web, Mobile_App
    created: datetime


@dataclass(frozen=True, slots=True)
class WishItem:
    product_index: int
    added: datetime


@dataclass(frozen=True, slots=True)
class Booking:
    id: str
    store_code: str
    customer_index: int | None
    service: int  # index into APPOINTMENT_SERVICES
    team_member: str
    start_at: datetime
    created_at: datetime
    status: str  # Square booking status
    note: str
