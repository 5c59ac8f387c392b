"""Python's gql client with its aiohttp transport, as a client team would use it: the schema fetched by
introspection, each document validated against it before it is sent, errors read by `extensions.code`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError
from graphql import GraphQLError

from gateway.schema.relay import global_id
from tests.harness import STAFF, Stack, api_key
from tests.test_gateway_batching import PARIS, sellable_products
from tests.test_gateway_customers import busy_customer

MOBILE_PRODUCT_PAGE = """
query ProductPage($sku: String!, $near: GeoPointInput!) {
  product(sku: $sku) {
    sku name brand description images { url altText } attributes { name value }
    price { amount { amount currencyCode } compareAt { amount } consistent }
    onlineAvailability { quantity status }
    nearestAvailability(near: $near, first: 5) { quantity status distanceKm store { name address { city } } }
    accessories(first: 6) { sku name price { amount { amount } } }
  }
}"""
KIOSK_BARCODE_SCAN = """
query KioskScan($gtin: String!, $store: ID!) {
  productByGtin(gtin: $gtin) {
    sku name brand price { amount { amount currencyCode } compareAt { amount } }
    availabilityInStore(storeId: $store) { quantity status store { name } }
    accessories(first: 4) { sku name availabilityInStore(storeId: $store) { quantity status } }
  }
}"""
STAFF_CUSTOMER_360 = """
query Customer360($card: String!) {
  customerByLoyaltyCard(cardNumber: $card) {
    id firstName lastName email loyalty { cardNumber tier points } favoriteStore { name }
    preferences { preferredChannel interests }
    purchaseHistory(first: 10) {
      totalCount unavailableSources
      edges { node { __typename channel occurredAt total { amount currencyCode } lines { sku quantity } } }
    }
    wishlist { items { product { sku name } channel } }
    notes(first: 5) { text topics channel }
  }
}"""
PARTNER_BULK = """
query Bulk($skus: [String!]!, $near: GeoPointInput!) {
  products(skus: $skus) {
    sku gtin name
    price { amount { amount currencyCode } }
    onlineAvailability { quantity status }
    nearestAvailability(near: $near, first: 3) { quantity distanceKm store { code } }
  }
}"""
PRICES = "query Prices($skus: [String!]!) { products(skus: $skus) { sku price { amount { amount } } } }"
MISSPELT = 'query { product(sku: "x") { sku colour } }'


@asynccontextmanager
async def gql_session(stack: Stack, headers: dict[str, str]) -> AsyncIterator[AsyncClientSession]:
    """A session whose client fetched the schema by introspection and validates every document against it."""
    transport = AIOHTTPTransport(url=f"{stack.gateway_url}/graphql", headers=headers)
    async with Client(transport=transport, fetch_schema_from_transport=True) as session:
        yield session


async def answered(stack: Stack, headers: dict[str, str], document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """gql's answer, checked to be the one Omnigate gives a plain HTTP client for the same request."""
    async with gql_session(stack, headers) as session:
        data: dict[str, Any] = await session.execute(GraphQLRequest(document, variable_values=variables))
    assert data == await stack.data(document, variables, headers)
    return data


async def test_mobile_product_page(stack: Stack) -> None:
    # given a product with accessories, and an anonymous app
    product = next(p for p in sellable_products(stack.world) if p.relations)
    # when gql sends the product page
    data = await answered(stack, {}, MOBILE_PRODUCT_PAGE, {"sku": product.sku, "near": PARIS})
    # then it gets that product, with its accessories
    assert (data["product"]["sku"], data["product"]["name"]) == (product.sku, product.name)
    assert data["product"]["accessories"] != []


async def test_kiosk_barcode_scan_with_its_store_stock(stack: Stack) -> None:
    # given a kiosk, whose key is bound to the first store, and a product's barcode
    store = stack.world.stores[0]
    product = sellable_products(stack.world)[0]
    # when gql sends the scan
    data = await answered(stack, api_key(stack.keys.kiosk), KIOSK_BARCODE_SCAN,
                          {"gtin": product.gtin, "store": global_id("Store", store.code)})
    # then it gets the product with its stock in the kiosk's store
    assert data["productByGtin"]["sku"] == product.sku
    assert data["productByGtin"]["availabilityInStore"]["store"] == {"name": store.name}


async def test_staff_customer_360(stack: Stack) -> None:
    # given a customer who buys on the web and in stores, and a member of staff
    customer = busy_customer(stack.world)
    # when gql sends the customer 360 for the customer's card
    data = await answered(stack, STAFF, STAFF_CUSTOMER_360, {"card": customer.card})
    # then it gets the customer, contact data included, with every purchase counted
    profile = data["customerByLoyaltyCard"]
    assert (profile["id"], profile["email"]) == (global_id("Customer", customer.crm_id), customer.email)
    web, store = stack.world.history.web_orders(customer), stack.world.history.receipts(customer)
    assert profile["purchaseHistory"]["totalCount"] == len(web) + len(store)


async def test_partner_bulk(stack: Stack) -> None:
    # given a partner with every scope, and 40 skus
    products = sellable_products(stack.world)[:40]
    # when gql sends the bulk document
    data = await answered(stack, api_key(stack.keys.partner), PARTNER_BULK,
                          {"skus": [p.sku for p in products], "near": PARIS})
    # then it gets one row per sku, in the order asked
    assert [row["sku"] for row in data["products"]] == [p.sku for p in products]


async def test_a_refused_field_reaches_gql_with_its_code_and_the_rest_of_the_data(stack: Stack) -> None:
    # given a partner allowed the catalog but not prices
    sku = sellable_products(stack.world)[0].sku
    async with gql_session(stack, api_key(stack.keys.catalog_partner)) as session:
        # when it asks for prices
        with pytest.raises(TransportQueryError) as caught:
            await session.execute(GraphQLRequest(PRICES, variable_values={"skus": [sku]}))
    # then gql raises with Omnigate's errors, each with its code and path, and the data Omnigate could give
    assert [(e["path"], e["extensions"]["code"]) for e in caught.value.errors or ()] == [
        (["products", 0, "price"], "FORBIDDEN")]
    assert caught.value.data == {"products": [None]}


async def test_a_misspelt_field_is_refused_by_gql_before_it_is_sent(stack: Stack) -> None:
    async with gql_session(stack, {}) as session:
        # when a document names a field the introspected schema does not have
        with pytest.raises(GraphQLError) as caught:
            await session.execute(GraphQLRequest(MISSPELT))
    # then gql's own validation refuses it: a GraphQLError, not the TransportQueryError of an answer from Omnigate
    assert type(caught.value) is GraphQLError
    assert caught.value.message == "Cannot query field 'colour' on type 'Product'."
