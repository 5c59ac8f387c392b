"""The capabilities the gateway asks for, one small Protocol each, batch-first.

Every batch method takes a list of keys and returns a list aligned with it
(None where the system knows no such record), so a DataLoader can call it as
is. Keys are canonical (sku, CRM id, store code) except where a system's own
id is the only handle (web shop product and customer ids, GTINs at the POS):
the gateway's crosswalk maps those on the way down.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from .customer_search import CustomerSearch
from .domain import (
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    Channel,
    Claim,
    CustomerNote,
    CustomerRecord,
    Hold,
    HoldListing,
    HoldPage,
    JournalEntry,
    Loyalty,
    NewBooking,
    NewNote,
    NewRefund,
    NewWebOrder,
    OnlineProduct,
    Product,
    ProfileChange,
    Purchase,
    Relation,
    Sale,
    SearchPage,
    ShownPrice,
    StockLevel,
    StockPage,
    Store,
    System,
    WishEntry,
)
from .resilience.snapshot import UpstreamHealth


class Health(Protocol):
    system: System

    async def check(self) -> None:
        """Returns when the system answers an authenticated read; raises ConnectorError otherwise."""

    def health_snapshot(self) -> UpstreamHealth:
        """What the system's client saw, without calling it: breaker state, window counts, bulkhead, last call."""


class Catalog(Protocol):
    async def products(self, skus: Sequence[str]) -> list[Product | None]: ...

    async def product_keys(self) -> list[tuple[str, str | None]]:
        """Every (sku, GTIN) the catalog holds, delisted included: the crosswalk's backbone."""

    async def search(self, text: str | None, category: str | None, offset: int, limit: int) -> SearchPage: ...

    async def category_names(self, codes: Sequence[str]) -> list[str | None]:
        """Each category code's name in the catalog's language; None for an unknown code."""

    async def relations(self, skus: Sequence[str]) -> list[tuple[Relation, ...]]: ...


class Pricing(Protocol):
    """The price one system shows; keys are that system's article handle (sku at the ERP, GTIN at the POS)."""

    system: System

    async def prices(self, keys: Sequence[str]) -> list[ShownPrice | None]: ...


class StoreDirectory(Protocol):
    async def stores(self) -> list[Store]: ...


class StoreInventory(Protocol):
    async def stock(self, pairs: Sequence[tuple[str, str]]) -> list[StockLevel | None]:
        """Stock per (GTIN, store code); None where the store does not carry the article."""

    async def stock_in_store(self, store_code: str) -> list[StockLevel]:
        """Every article the store can sell now (sellable > 0)."""

    async def index_articles(self) -> frozenset[str]:
        """Reads ahead how the system keys every article it sells, so a stock read needs no lookup first;
        the GTINs it sells. A GTIN not indexed is still looked up when asked for."""

    async def counts_page(self, store_codes: Sequence[str], updated_after: datetime | None,
                          cursor: str | None) -> StockPage:
        """One page of every article's count at these stores (changed after `updated_after`, when given), by
        GTIN; `cursor` from the previous page resumes the same read. For indexes that hold the whole estate."""


class StoreSales(Protocol):
    async def record_sales(self, sales: Sequence[Sale]) -> list[bool]:
        """Records each sale in the store's stock (IN_STOCK to sold), aligned; False where the store system
        knows no such article. Raises when the store system refuses (e.g. fewer units left than sold)."""


class OnlineCatalog(Protocol):
    async def product_keys(self) -> list[tuple[str, str]]:
        """Every (web shop product id, sku as the web shop stores it)."""

    async def products(self, product_ids: Sequence[str]) -> list[OnlineProduct | None]: ...

    async def changed_since(self, moment: datetime) -> dict[str, OnlineProduct | None]:
        """Every product modified after `moment`, by product id (None: the shop can no longer sell it)."""


class Wishlists(Protocol):
    async def wishlists(self, webshop_customer_ids: Sequence[str]) -> list[tuple[WishEntry, ...] | None]:
        """Each customer's wishlist, oldest entry first; None when they have none."""


class WishlistChanges(Protocol):
    async def add_to_wishlist(self, webshop_customer_id: str, product_id: str) -> bool:
        """Lists the product once however often asked (making the customer's list if need be); False when the
        shop knows no such product."""

    async def remove_from_wishlist(self, webshop_customer_id: str, product_id: str) -> None:
        """Takes the product off the list; not listed is already done."""


class Customers(Protocol):
    async def customers(self, ids: Sequence[str]) -> list[CustomerRecord | None]: ...

    async def customers_by_card(self, cards: Sequence[str]) -> list[CustomerRecord | None]: ...

    async def customers_by_webshop_id(self, webshop_ids: Sequence[str]) -> list[CustomerRecord | None]: ...

    async def search(self, search: CustomerSearch, limit: int) -> list[CustomerRecord]:
        """At most `limit` customers whose email, phone number or name (as `search` says) is the one given,
        case ignored; one upstream call."""

    async def loyalty(self, ids: Sequence[str]) -> list[Loyalty | None]:
        """Tier and points per customer (the card number is on the record already)."""

    async def notes(self, ids: Sequence[str]) -> list[tuple[CustomerNote, ...]]:
        """Staff and customer-service notes per customer, newest first."""


class CustomerProfiles(Protocol):
    async def change_profile(self, customer_id: str, change: ProfileChange) -> None:
        """Sets the values given (a repeat sets them again: harmless); raises UpstreamNotFound for no such
        customer."""


class CustomerNotes(Protocol):
    async def add_note(self, note: NewNote) -> str:
        """Records the note (once per `note.key`, however often sent); its id."""


class WebOrders(Protocol):
    async def orders_of(self, webshop_customer_ids: Sequence[str]) -> list[tuple[Purchase, ...]]:
        """Every web order per customer, newest first."""

    async def orders(self, order_ids: Sequence[str]) -> list[Purchase | None]: ...


class WebOrderChanges(Protocol):
    async def place_order(self, order: NewWebOrder) -> Purchase:
        """Once per key: after a timeout or 5xx the order carrying the key is looked up before sending again."""

    async def find_order(self, key: str, customer_id: str | None, placed_after: datetime) -> Purchase | None:
        """The order placed under `key`, if any (a saga's undo after a crash does not know whether it was made)."""

    async def cancel_order(self, order_id: str) -> None:
        """Idempotent (PUT status cancelled); an order already cancelled or unknown is left as it is."""

    async def complete_order(self, order_id: str) -> None:
        """Idempotent (PUT status completed): the customer has the goods; an unknown order is left as it is."""

    async def refund(self, refund: NewRefund) -> str:
        """The refund's id; once per key (looked up in the order's refunds by meta before sending again)."""

    async def refunded(self, order_id: str) -> list[tuple[str, int]]:
        """Units refunded so far per order line sku (as the line records it), by whatever channel."""


class StoreReturns(Protocol):
    async def record_returns(self, returns: Sequence[Sale]) -> list[bool]:
        """SOLD→IN_STOCK at the store, once per Sale.key; False where the POS knows no such article."""


class Receipts(Protocol):
    async def receipts_of(self, cards: Sequence[str]) -> list[tuple[Purchase, ...]]:
        """Every till receipt recorded with each loyalty card, newest first."""

    async def receipts_by_id(self, ids: Sequence[str]) -> list[Purchase | None]: ...


class Appointments(Protocol):
    async def appointments(self, ids: Sequence[str]) -> list[Appointment | None]: ...

    async def appointments_of(self, cards: Sequence[str]) -> list[tuple[Appointment, ...]]:
        """Each loyalty card holder's appointments, soonest first."""

    async def appointments_at(self, store_codes: Sequence[str], start: datetime,
                              end: datetime) -> list[Appointment]:
        """Appointments starting in [start, end) at these stores; every store when none is named."""


class AppointmentBookings(Protocol):
    """Writes to the store system's appointment book (today Square Bookings, where a booking's status is
    read-only: the store's answer is kept by `AppointmentAnswers`)."""

    async def book(self, booking: NewBooking) -> Appointment | None:
        """Books the request (once per `booking.key`: a repeat answers the first booking); None when the store
        system knows no customer with that loyalty card. Raises UpstreamRejected when it refuses the slot."""

    async def cancel(self, appointment_id: str, key: str) -> Appointment | None:
        """Frees the slot (once per `key`); an appointment already closed (cancelled, declined, no-show) is
        returned as it is. None when the store system knows no such appointment."""


class AppointmentAnswers(Protocol):
    """Omnigate's own record beside each appointment: the channel it was requested on and the store's answer."""

    async def record_channel(self, appointment_id: str, channel: Channel) -> None:
        """Keeps the first channel recorded for the appointment (a repeat changes nothing)."""

    async def record_answer(self, appointment_id: str, answer: AppointmentStatus, by: str,
                            at: datetime) -> AppointmentAnswer:
        """Records `answer` (CONFIRMED or DECLINED) unless one is recorded already, atomically; returns what is
        recorded now, so the caller sees whether its answer or an earlier one stands."""

    async def answers(self, appointment_ids: Sequence[str]) -> list[AppointmentAnswer | None]:
        """Aligned with the ids, in one read; None where Omnigate recorded nothing."""


class Reservations(Protocol):
    """Omnigate's own holds on store stock (real Square cannot reserve): sellable = POS IN_STOCK - `held`.

    Times are passed in, never read from a clock here, so expiry is testable without sleeping.
    """

    async def hold(self, hold: Hold, available: int) -> bool:
        """Stores `hold` if `available` minus the units already held for its (sku, store) at its `created_at`
        covers its quantity, checked and written atomically even across processes; False (nothing written)
        otherwise."""

    async def release(self, hold_id: str, at: datetime) -> Hold | None:
        """Cancels a hold active at `at` and returns it; None (nothing changed) when unknown or not active."""

    async def collect(self, hold_id: str, at: datetime) -> Hold | None:
        """Marks a hold active at `at` collected and returns it; None (nothing changed) otherwise."""

    async def held(self, pairs: Sequence[tuple[str, str]], at: datetime) -> list[int]:
        """Units under active holds per (sku, store code) at `at`, aligned; 0 where none."""

    async def holds(self, ids: Sequence[str]) -> list[Hold | None]: ...

    async def link(self, hold_ids: Sequence[str], order_id: str) -> None:
        """Records that these holds keep the units of a web order (click & collect, ship from store)."""

    async def order_holds(self, order_id: str) -> list[Hold]:
        """The holds linked to a web order, oldest first."""

    async def holds_of(self, customer_ids: Sequence[str], listing: HoldListing) -> list[HoldPage]:
        """Each customer's holds (by CRM id) as `listing` says, aligned; the page is cut where the holds are kept,
        not by the caller, so a long history costs one page."""

    async def holds_at(self, store_codes: Sequence[str], listing: HoldListing) -> list[HoldPage]:
        """Each store's holds as `listing` says (its `store_code` is not used), aligned."""

    async def expire(self, at: datetime) -> list[Hold]:
        """Marks every hold lapsed by `at` EXPIRED and returns them (they stopped counting at `expires_at`)."""


class IdempotencyResults(Protocol):
    """The first result of each (scope, key), so that a retried write is answered without being done twice."""

    async def claim(self, scope: str, key: str, fingerprint: str, at: datetime, keep: timedelta) -> Claim:
        """Atomically: NEW (and the key is now RUNNING, kept for `keep`) if unknown or lapsed; DONE with the
        result if finished with this `fingerprint`; CONFLICT for another fingerprint; RUNNING otherwise."""

    async def finish(self, scope: str, key: str, result: str) -> None: ...

    async def abandon(self, scope: str, key: str) -> None:
        """Forgets a claim whose write failed before changing anything, so that a retry may run it."""


class UndoJournal(Protocol):
    """A saga's undos, written before each step, so that whatever a failed or crashed saga did is taken back,
    also by another process or after a restart."""

    async def intend(self, entry: JournalEntry, at: datetime) -> None:
        """Records an undo ahead of its step; due at `entry.due_at` unless its saga settles first."""

    async def settle(self, saga_id: str) -> None:
        """The saga completed: its undos are never needed."""

    async def take_due(self, at: datetime, lease: timedelta, limit: int) -> list[JournalEntry]:
        """Up to `limit` entries due at `at`, each leased (not due again) for `lease`, so that two processes
        never run one undo at the same time."""

    async def undone(self, entry_id: str) -> None:
        """The undo ran: the entry is closed."""

    async def postpone(self, entry_id: str, due_at: datetime, error: str) -> None:
        """The undo failed: counted, and due again at `due_at`."""

    async def pending(self) -> list[JournalEntry]:
        """Every entry not yet undone nor settled, oldest first (operators' view; tests)."""
