"""Which adapter serves which port: the one place the gateway meets concrete connectors."""

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import aiohttp

from connectors import ports, webhook_ports
from connectors.changes import WebhookFormat
from connectors.crm.adapter import CrmAdapter
from connectors.domain import System
from connectors.erp.adapter import ErpAdapter
from connectors.ledger.store import migrate, open_ledger
from connectors.pos.adapter import PosAdapter
from connectors.webshop.adapter import WebshopAdapter

from .settings import Settings


@dataclass(frozen=True)
class Backends:
    catalog: ports.Catalog
    erp_pricing: ports.Pricing
    pos_pricing: ports.Pricing
    store_directory: ports.StoreDirectory
    store_inventory: ports.StoreInventory
    store_sales: ports.StoreSales
    store_returns: ports.StoreReturns
    online_catalog: ports.OnlineCatalog
    wishlists: ports.Wishlists
    wishlist_changes: ports.WishlistChanges
    customers: ports.Customers
    customer_profiles: ports.CustomerProfiles
    customer_notes: ports.CustomerNotes
    web_orders: ports.WebOrders
    web_order_changes: ports.WebOrderChanges
    receipts: ports.Receipts
    appointments: ports.Appointments
    appointment_bookings: ports.AppointmentBookings
    appointment_answers: ports.AppointmentAnswers
    reservations: ports.Reservations
    idempotency: ports.IdempotencyResults
    journal: ports.UndoJournal
    inbox: webhook_ports.Inbox
    registrations: webhook_ports.WebhookRegistrations
    health: tuple[ports.Health, ...]
    webhook_formats: tuple[WebhookFormat, ...]  # how each system that pushes signs and frames its events


@asynccontextmanager
async def open_backends(settings: Settings, tracing: Callable[[str], list[aiohttp.TraceConfig]] = lambda _: []
                        ) -> AsyncIterator[Backends]:
    """One ClientSession per upstream, closed when the gateway stops; `tracing(system)`: the hooks on its calls
    (trace context, metrics, logs)."""
    async with AsyncExitStack() as stack:
        def session(system: System) -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(limit=64, ttl_dns_cache=300)
            return aiohttp.ClientSession(connector=connector, raise_for_status=False,
                                         trace_configs=tracing(system.value))

        creds, timeout, resilience = settings.credentials, settings.upstream_timeout_s, settings.resilience
        erp = ErpAdapter.connect(await stack.enter_async_context(session(System.ERP)), settings.erp_url,
                                 creds.erp_user, creds.erp_password, timeout_s=timeout,
                                 sales_org=settings.erp_sales_org,
                                 distribution_channel=settings.erp_distribution_channel,
                                 delisted_statuses=tuple(settings.erp_delisted_statuses.split(",")),
                                 resilience=resilience)
        pos = PosAdapter.connect(await stack.enter_async_context(session(System.POS)), settings.pos_url,
                                 creds.pos_token, timeout_s=timeout, resilience=resilience)
        crm = CrmAdapter.connect(await stack.enter_async_context(session(System.CRM)), settings.crm_url,
                                 creds.crm_token, timeout_s=timeout, resilience=resilience)
        webshop = WebshopAdapter.connect(await stack.enter_async_context(session(System.WEBSHOP)),
                                         settings.webshop_url, creds.webshop_key, creds.webshop_secret,
                                         timeout_s=timeout, shop_timezone=settings.webshop_timezone,
                                         resilience=resilience)
        ledger = await stack.enter_async_context(open_ledger(settings.ledger_path, settings.database_url))
        yield Backends(
            catalog=erp, erp_pricing=erp, pos_pricing=pos, store_directory=pos, store_inventory=pos, store_sales=pos,
            store_returns=pos, online_catalog=webshop, wishlists=webshop, wishlist_changes=webshop,
            customers=crm, customer_profiles=crm, customer_notes=crm, web_orders=webshop, web_order_changes=webshop,
            receipts=pos, appointments=pos, appointment_bookings=pos,
            appointment_answers=ledger.appointment_answers, reservations=ledger.reservations,
            idempotency=ledger.idempotency, journal=ledger.journal, inbox=ledger.inbox,
            registrations=ledger.registrations, health=(erp, pos, crm, webshop),
            webhook_formats=(pos.events, webshop.events),
        )


async def migrate_ledger(database_url: str) -> list[str]:
    """`omnigate migrate`: the migrations this run applied (none: the schema was current)."""
    return await migrate(database_url)
