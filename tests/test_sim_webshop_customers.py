"""Web shop simulator: `/customers` and `/customers/{id}` against the demo world."""

from collections.abc import AsyncIterator

import pytest

from simulators.world import World

from .test_sim_webshop_support import ShopClient, running, shop_customers

UNKNOWN_CUSTOMER = {"code": "woocommerce_rest_invalid_id", "message": "Invalid resource ID.", "data": {"status": 404}}
BAD_EMAIL = {"code": "rest_invalid_param", "message": "Invalid parameter(s): email",
             "data": {"status": 400, "params": {"email": "Invalid email address."},
                      "details": {"email": {"code": "rest_invalid_email", "message": "Invalid email address.",
                                            "data": None}}}}
ADDRESS_KEYS = {"first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country"}


@pytest.fixture
async def shop(world: World) -> AsyncIterator[ShopClient]:
    async with running(world) as client:
        yield client


async def test_a_customer_is_the_world_customer_under_the_shop_id(shop: ShopClient, world: World) -> None:
    # given a world customer with a web shop account
    customer = shop_customers(world)[3]
    # when the account is read
    row = await shop.ok("GET", f"/customers/{customer.webshop_id}")
    # then it carries the customer's names, e-mail and addresses
    assert (row["id"], row["email"], row["role"]) == (customer.webshop_id, customer.email, "customer")
    assert (row["first_name"], row["last_name"]) == (customer.first_name, customer.last_name)
    assert row["username"]
    assert set(row["billing"]) == ADDRESS_KEYS | {"email", "phone"}
    assert set(row["shipping"]) == ADDRESS_KEYS
    assert (row["billing"]["email"], row["billing"]["phone"]) == (customer.email, customer.phone)
    assert (row["shipping"]["address_1"], row["shipping"]["city"], row["shipping"]["postcode"]) == (
        customer.street, customer.city, customer.postal_code)


async def test_an_unknown_customer_is_a_404(shop: ShopClient, world: World) -> None:
    # given a world customer without a web shop account... and so without a shop id
    unknown = max(c.webshop_id or 0 for c in world.customers) + 1
    # when that id is read
    reply = await shop.get(f"/customers/{unknown}")
    # then the shop answers its invalid resource error
    assert (reply.status, reply.body) == (404, UNKNOWN_CUSTOMER)


async def test_email_finds_exactly_one_account(shop: ShopClient, world: World) -> None:
    # given a customer's e-mail
    customer = shop_customers(world)[7]
    # when accounts are searched by it, and by a part of it
    found = await shop.ok("GET", "/customers", email=customer.email)
    partial = await shop.ok("GET", "/customers", email="x" + customer.email)
    # then the exact e-mail finds that account and nothing else does
    assert [row["id"] for row in found] == [customer.webshop_id]
    assert partial == []


async def test_a_malformed_email_is_refused(shop: ShopClient) -> None:
    # when the e-mail filter is not an address
    reply = await shop.call("GET", "/customers", params={"email": "not-an-address"})
    # then WordPress refuses it
    assert (reply.status, reply.body) == (400, BAD_EMAIL)


async def test_walking_every_page_gives_each_account_once(shop: ShopClient, world: World) -> None:
    # given every world customer with an account
    expected = {c.webshop_id for c in shop_customers(world)}
    # when all pages are read
    rows = await shop.walk("/customers", per_page="100")
    # then each account comes once
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) and set(ids) == expected


async def test_include_reads_several_accounts_in_one_call(shop: ShopClient, world: World) -> None:
    # given five accounts
    ids = [c.webshop_id for c in shop_customers(world)[10:15]]
    # when they are read with include, in the asked order
    rows = await shop.ok("GET", "/customers", include=",".join(map(str, ids)), orderby="include")
    # then exactly those come, in that order
    assert [row["id"] for row in rows] == ids


async def test_other_roles_hold_no_customers(shop: ShopClient) -> None:
    # when administrators are listed
    rows = await shop.ok("GET", "/customers", role="administrator")
    # then no shop customer is among them
    assert rows == []
