"""Ground truth read straight from the simulators' own APIs, as their real clients would, for comparison."""

from decimal import Decimal
from typing import Any

import aiohttp

POS = {"Authorization": "Bearer demo-pos-token"}
WEBSHOP_AUTH = {"consumer_key": "ck_demo", "consumer_secret": "cs_demo"}
ERP_AUTH = {"Authorization": "Basic b21uaWdhdGU6ZGVtby1lcnA="}  # omnigate:demo-erp


async def pos_locations(http: aiohttp.ClientSession, sim: str) -> list[dict[str, Any]]:
    async with http.get(f"{sim}/pos/v2/locations", headers=POS) as r:
        body: dict[str, Any] = await r.json()
    return list(body["locations"])


async def pos_variations(http: aiohttp.ClientSession, sim: str, gtins: list[str]) -> dict[str, dict[str, Any]]:
    """gtin -> ITEM_VARIATION object."""
    query = {"object_types": ["ITEM_VARIATION"], "query": {"set_query": {"attribute_name": "upc",
                                                                         "attribute_values": gtins}}}
    async with http.post(f"{sim}/pos/v2/catalog/search", json=query, headers=POS) as r:
        body = await r.json()
    return {o["item_variation_data"]["upc"]: o for o in body.get("objects", [])}


async def pos_sellable(http: aiohttp.ClientSession, sim: str, gtins: list[str],
                       locations: list[str]) -> dict[tuple[str, str], int]:
    """(gtin, location) -> IN_STOCK quantity, for every pair the POS counts."""
    variations = await pos_variations(http, sim, gtins)
    gtin_of = {v["id"]: g for g, v in variations.items()}
    found: dict[tuple[str, str], int] = {}
    cursor = None
    while True:
        body = {"catalog_object_ids": list(gtin_of), "location_ids": locations, "states": ["IN_STOCK"],
                **({"cursor": cursor} if cursor else {})}
        async with http.post(f"{sim}/pos/v2/inventory/counts/batch-retrieve", json=body, headers=POS) as r:
            page = await r.json()
        for count in page.get("counts", []):
            found[(gtin_of[count["catalog_object_id"]], count["location_id"])] = int(Decimal(count["quantity"]))
        cursor = page.get("cursor")
        if not cursor:
            return found


async def webshop_products(http: aiohttp.ClientSession, sim: str, ids: list[str]) -> list[dict[str, Any]]:
    params = {**WEBSHOP_AUTH, "include": ",".join(ids), "per_page": "100"}
    async with http.get(f"{sim}/webshop/wp-json/wc/v3/products", params=params) as r:
        return list(await r.json())


async def webshop_order(http: aiohttp.ClientSession, sim: str, order_id: str) -> dict[str, Any]:
    async with http.get(f"{sim}/webshop/wp-json/wc/v3/orders/{order_id}", params=WEBSHOP_AUTH) as r:
        assert r.status == 200, await r.text()
        body: dict[str, Any] = await r.json()
    return body


async def webshop_orders_since(http: aiohttp.ClientSession, sim: str, after: str) -> list[dict[str, Any]]:
    """Every order created after `after` (ISO 8601, shop time), guests' included."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        params = {**WEBSHOP_AUTH, "after": after, "per_page": "100", "page": str(page)}
        async with http.get(f"{sim}/webshop/wp-json/wc/v3/orders", params=params) as r:
            batch: list[dict[str, Any]] = await r.json()
        found += batch
        if len(batch) < 100:
            return found
        page += 1
