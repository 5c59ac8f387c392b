"""One caller's bad input never takes a back office away from everyone else (issue 8).

Three `order(id:)` requests with a 400-digit id used to crash the web shop simulator, and the 500s
opened the web shop's breaker: other users then got UPSTREAM_UNAVAILABLE. Now the id is refused
before any call, and an upstream 4xx, however often, never counts towards a breaker.
"""

from connectors.resilience.policy import DEFAULT_RESILIENCE
from gateway.auth.principals import Role
from gateway.schema.keys import ORDER_ID
from gateway.schema.relay import global_id
from simulators.world import DemoCustomer, World
from tests.harness import Stack, bearer

ORDER = "query($id: ID!) { order(id: $id) { id orderNumber } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
STOCK_IN_STORE = "query($sku: String!, $store: ID!) { product(sku: $sku) { availabilityInStore(storeId: $store) " \
                 "{ quantity } } }"
HUGE_ORDER = "9" * 400
THRESHOLD = DEFAULT_RESILIENCE.breaker.min_calls  # calls in the window before the breaker may open
OTHERS = 40


def shoppers_with_orders(world: World, count: int) -> list[DemoCustomer]:
    return [c for c in world.customers if c.webshop_id and world.history.web_orders(c)][:count]


async def test_three_huge_order_ids_leave_the_web_shop_to_everyone_else(stack: Stack) -> None:
    # given forty shoppers, each with a web order of their own
    shoppers = shoppers_with_orders(stack.world, OTHERS)
    assert len(shoppers) == OTHERS
    # when staff asks three times for the order with a 400-digit id
    for _ in range(3):
        body = await stack.graphql(ORDER, {"id": global_id("Order", HUGE_ORDER)})
        # then each is refused as the caller's error, without a call to the web shop
        assert body["data"] == {"order": None}
        assert [(e["extensions"], e["message"]) for e in body["errors"]] == [
            ({"code": "BAD_USER_INPUT"}, f"Not a valid order id: {ORDER_ID.means}")]
    assert await stack.calls() == {}
    # and the forty shoppers all get their own orders from the web shop
    for shopper in shoppers:
        order = stack.world.history.web_orders(shopper)[-1]
        data = await stack.data(ORDER, {"id": global_id("Order", str(order.id))}, bearer(Role.CUSTOMER, shopper.crm_id))
        assert data == {"order": {"id": global_id("Order", str(order.id)), "orderNumber": str(order.id)}}


async def test_a_back_office_answering_404_past_the_threshold_stays_open_to_others(stack: Stack) -> None:
    # given a well-formed appointment id the POS does not know
    unknown = global_id("Appointment", "BKNOPE")
    # when staff asks for it twice as often as the breaker's threshold
    for _ in range(2 * THRESHOLD):
        assert await stack.data(NODE, {"id": unknown}) == {"node": None}
    # then the POS answered each with a 404 (asked once a request, never retried)
    assert await stack.calls() == {"GET /pos/v2/bookings/{booking_id}": 2 * THRESHOLD}
    # and forty anonymous shoppers still get stock from the POS
    store = global_id("Store", stack.world.stores[0].code)
    skus = [p.sku for p in stack.world.products if not p.delisted][:OTHERS]
    for sku in skus:
        data = await stack.data(STOCK_IN_STORE, {"sku": sku, "store": store}, {})
        assert data["product"]["availabilityInStore"]["quantity"] >= 0
