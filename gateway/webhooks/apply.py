"""A change a back office pushed, made known: the caches it outdates invalidated, the live hub told (which
reaches the invalidation handler, the subscribers and the availability index of every replica)."""

import logging

from connectors.changes import ArticlesChanged, BookingChanged, Change, OrderStatusChanged, StockCounted
from connectors.domain import System
from connectors.errors import ConnectorError
from connectors.ports import Customers

from ..live import AppointmentChanged, ChangeKind, LiveHub, OrderChanged, StockChanged
from .invalidation import Invalidation

log = logging.getLogger("omnigate.webhooks")


class Applier:
    def __init__(self, live: LiveHub, invalidation: Invalidation, customers: Customers) -> None:
        self._live = live
        self._invalidation = invalidation
        self._customers = customers

    async def apply(self, change: Change) -> None:
        if isinstance(change, StockCounted):
            self._invalidation.stock_counted(change.gtin, change.store_code)
            self._live.publish(StockChanged(change.gtin, change.store_code, change.at, change.quantity))
        elif isinstance(change, BookingChanged):
            kind = ChangeKind.CREATED if change.created else ChangeKind.UPDATED
            self._live.publish(AppointmentChanged(kind, change.appointment_id, change.store_code, change.at))
        elif isinstance(change, OrderStatusChanged):
            self._live.publish(OrderChanged(change.order_id, await self._buyer(change), change.at))
        elif isinstance(change, ArticlesChanged):
            self._invalidation.articles_changed(change)

    async def _buyer(self, change: OrderStatusChanged) -> str | None:
        """Omnigate's (the CRM's) id of a web order's buyer: one CRM read. A till order's event names no buyer
        (Square sends the order id only), and a CRM that does not answer leaves the buyer unknown."""
        if change.system is not System.WEBSHOP or change.customer_id is None:
            return None
        try:
            [record] = await self._customers.customers_by_webshop_id([change.customer_id])
        except ConnectorError as error:
            log.warning("order %s: its buyer is unknown, the CRM failed: %s", change.order_id, error)
            return None
        return record.id if record is not None else None
