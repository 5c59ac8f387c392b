"""What the placeOrder tests share: the document, inputs, and articles and customers fit for each case."""

from datetime import datetime
from typing import Any, Protocol

from gateway.auth.principals import Role
from gateway.schema.relay import global_id, parse_global_id
from simulators.webshop.wp import SHOP_TZ
from simulators.world import World
from simulators.world.records import DemoCustomer, DemoProduct

from .direct import WEBSHOP_AUTH
from .harness import Stack, bearer

PLACE = """
mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order { id orderNumber status channel lines { sku quantity }
            fulfillment { method store { code } address { line1 postalCode city countryCode } } }
    userErrors { field code message }
  }
}"""
PLACE_NO_CONTACT = PLACE.replace(" address { line1 postalCode city countryCode }", "")  # kiosks and partners
PICKUP_STORE = "MAR01"  # click & collect, reserve & collect, returns; no ship from store
SHIPPING_STORE = "PAR01"  # click & collect, ship from store
HOME = {"line1": "12 rue de la République", "postalCode": "69002", "city": "Lyon", "countryCode": "FR"}


class HasWorld(Protocol):
    """The in-process stack, or simulators serving gateways in other processes."""

    world: World


def shop_time(at: datetime) -> str:
    """A moment as the web shop's `after` filter takes it: its own local time, no offset."""
    return at.astimezone(SHOP_TZ).replace(tzinfo=None).isoformat(timespec="seconds")


def online_with_few_left(stack: HasWorld, store: str, at_least: int = 2, skip: int = 0) -> tuple[DemoProduct, int]:
    """An article sold online, with stock online too, that `store` has a handful of (the `skip`-th such)."""
    where = stack.world.store_by_code[store]
    found = [(p, figure.sellable) for p in stack.world.products if p.webshop_id is not None and not p.delisted
             and p.online_stock >= 10
             and (figure := stack.world.store_stock(where, p)) is not None and at_least <= figure.sellable <= 6]
    return found[skip]


def shopper(stack: HasWorld, skip: int = 0) -> DemoCustomer:
    """A customer with a web shop account and a loyalty card."""
    return [c for c in stack.world.customers if c.webshop_id is not None and c.card][skip]


def order_input(lines: list[tuple[str, int]], fulfillment: str, key: str = "o1", store: str | None = None,
                address: dict[str, str] | None = None, customer: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"idempotencyKey": key, "fulfillment": fulfillment,
                            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines]}
    if store is not None:
        body["storeId"] = global_id("Store", store)
    if address is not None:
        body["address"] = address
    if customer is not None:
        body["customerId"] = global_id("Customer", customer)
    return {"input": body}


async def place(stack: Stack, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(PLACE, order_input(**kwargs), headers))["placeOrder"]
    return payload


def order_id(global_order_id: str) -> str:
    """The web shop's own id of an Order's global id."""
    return parse_global_id(global_order_id, "Order")[1]


async def completed_order(stack: Stack, units: int = 2) -> tuple[dict[str, Any], str, Any]:
    """A shopper's delivered web order of `units` of one article: (order payload, its web shop id, product)."""
    product, _ = online_with_few_left(stack, PICKUP_STORE)
    payload = await place(stack, bearer(Role.CUSTOMER, shopper(stack).crm_id), lines=[(product.sku, units)],
                          fulfillment="DELIVERY", address=HOME, key=f"delivered-{product.sku}")
    shop_id = order_id(payload["order"]["id"])
    async with stack.http.put(f"{stack.sim_url}/webshop/wp-json/wc/v3/orders/{shop_id}", params=WEBSHOP_AUTH,
                              json={"status": "completed"}) as r:
        assert r.status == 200
    return payload["order"], shop_id, product
