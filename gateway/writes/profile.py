"""Changes to a customer's own records in the back offices (CRM notes, profile; web shop wishlist), each a span.

Kept apart from `Ledger` (Omnigate's own state) and `Till` (sales): these writes land in systems of record the
gateway does not own, and the schema reaches them only through here.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace

from connectors.domain import NewNote, ProfileChange, System
from connectors.ports import CustomerNotes, CustomerProfiles, WishlistChanges

TRACER = trace.get_tracer("omnigate.writes")


class CustomerWrites:
    def __init__(self, profiles: CustomerProfiles, notes: CustomerNotes, wishlists: WishlistChanges) -> None:
        self._profiles = profiles
        self._notes = notes
        self._wishlists = wishlists

    async def change_profile(self, customer_id: str, change: ProfileChange) -> None:
        """Raises ConnectorError when the CRM refuses or is down."""
        with _span(System.CRM, "change_profile"):
            await self._profiles.change_profile(customer_id, change)

    async def add_note(self, note: NewNote) -> str:
        """The note's id; raises ConnectorError when the CRM refuses or is down."""
        with _span(System.CRM, "add_note"):
            return await self._notes.add_note(note)


    async def add_to_wishlist(self, webshop_customer_id: str, product_id: str) -> bool:
        """False when the web shop has no such product; raises ConnectorError when it refuses or is down."""
        with _span(System.WEBSHOP, "add_to_wishlist"):
            return await self._wishlists.add_to_wishlist(webshop_customer_id, product_id)

    async def remove_from_wishlist(self, webshop_customer_id: str, product_id: str) -> None:
        with _span(System.WEBSHOP, "remove_from_wishlist"):
            await self._wishlists.remove_from_wishlist(webshop_customer_id, product_id)


@contextmanager
def _span(system: System, write: str) -> Iterator[None]:
    with TRACER.start_as_current_span(f"{system.value} {write}", attributes={
            "omnigate.system": system.value, "omnigate.write": write, "omnigate.batch.size": 1}):
        yield
