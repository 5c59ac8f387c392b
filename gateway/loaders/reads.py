"""The reads no DataLoader can key (a search page, a window of time), behind one traced facade.

Resolvers hold this and the loaders, never a port, so every upstream read is one span named like a batch.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from opentelemetry import trace

from connectors.customer_search import CustomerSearch
from connectors.domain import Appointment, CustomerRecord, SearchPage, System
from connectors.ports import Appointments, Catalog, Customers

TRACER = trace.get_tracer("omnigate.loaders")


class UnkeyedReads:
    def __init__(self, catalog: Catalog, appointments: Appointments, customers: Customers) -> None:
        self._catalog = catalog
        self._appointments = appointments
        self._customers = customers

    async def search(self, text: str | None, category: str | None, offset: int, limit: int) -> SearchPage:
        with _span(System.ERP, "product_search"):
            return await self._catalog.search(text, category, offset, limit)

    async def customer_search(self, search: CustomerSearch, limit: int) -> list[CustomerRecord]:
        with _span(System.CRM, "customer_search"):
            return await self._customers.search(search, limit)

    async def appointments_at(self, store_codes: Sequence[str], start: datetime, end: datetime) -> list[Appointment]:
        with _span(System.POS, "appointments_at"):
            return await self._appointments.appointments_at(store_codes, start, end)


@contextmanager
def _span(system: System, read: str) -> Iterator[None]:
    """Like a loader's batch span, but with no keys to count: the arguments are never recorded."""
    with TRACER.start_as_current_span(f"{system.value} {read}",
                                      attributes={"omnigate.system": system.value, "omnigate.read": read}):
        yield
