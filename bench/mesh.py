"""The benchmark's peer: GraphQL Mesh (Hive Gateway) over the simulators' OpenAPI documents, run from bench/peer.

`serve` composes the supergraph against the running simulators and starts hive-gateway on a free port;
`mesh_request` writes the document a Mesh client sends for the data Omnigate's document of a scenario answers.
A Mesh client has no geo search, no crosswalk and no merge: it sends the store codes and GTINs it already
knows, and combines what comes back (receipts with web orders, prices with stock) itself.
"""

import asyncio
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

PEER_DIR = Path(__file__).resolve().parent / "peer"
BIN = PEER_DIR / "node_modules" / ".bin"
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
PRICE_TYPES = "(ConditionType eq 'PPR0' or ConditionType eq 'ZPRM')"  # list price and promotions
PAGE = 20


@dataclass(frozen=True)
class Peer:
    url: str  # the GraphQL endpoint
    pids: list[int]  # the gateway's parent and its forks, for CPU and RSS sampling


def install() -> None:
    """`npm ci` when node_modules is missing or older than the lockfile (npm ci rewrites it whole)."""
    lock, modules = PEER_DIR / "package-lock.json", PEER_DIR / "node_modules"
    if modules.is_dir() and modules.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True,
                   stdout=subprocess.DEVNULL)
    modules.touch()


@asynccontextmanager
async def serve(sim_url: str, workers: int = 1) -> AsyncIterator[Peer]:
    """Composes against the simulators at `sim_url`, serves on 127.0.0.1, stops every process on exit."""
    environ = {**os.environ, "SIM_URL": sim_url.rstrip("/")}
    with tempfile.TemporaryDirectory(prefix="mesh-peer-") as work:
        supergraph, log = Path(work) / "supergraph.graphql", Path(work) / "gateway.log"
        await _run([str(BIN / "mesh-compose"), "-o", str(supergraph)], environ, Path(work) / "compose.log")
        port = _free_port()
        command = [str(BIN / "hive-gateway"), "supergraph", str(supergraph), "-c", "gateway.config.ts",
                   "--host", "127.0.0.1", "--port", str(port)] + (["--fork", str(workers)] if workers > 1 else [])
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(*command, cwd=PEER_DIR, env=environ, stdout=out,
                                                           stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/graphql"
            await _until_ready(url, process, workers, log)
            yield Peer(url=url, pids=[process.pid, *_children(process.pid)])
        finally:
            await _stop(process)


def mesh_request(scenario: str, draw: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body {"query", "variables"} asking Mesh for the data of Omnigate's document for `scenario`."""
    build = _REQUESTS.get(scenario)
    if build is None:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(_REQUESTS)}")
    query, variables = build(draw)
    return {"query": query, "variables": variables}


# -- documents

# Omnigate's MOBILE_PRODUCT_PAGE. Brand, GTIN and description texts come from the ERP product; images, online
# price and online stock from the shop's product (the shop's OpenAPI document does not describe `attributes`
# or `description`, so Mesh cannot ask for them); store stock from the POS item variation found by GTIN, in the
# nearest stores the client computed from its cached store list, which also gives it the opening hours that
# pickup readiness is computed from (the counts' IN_STOCK/RESERVED states are the rest); accessories with their
# names and prices through batched links (gateway.config.ts).
MOBILE_PRODUCT_PAGE = """
query MobileProductPage($key: String!, $sku: String!, $gtins: [String!]!, $stores: [String!]!,
                        $priceFilter: String!, $accessoryFilter: String!) {
  product: API_PRODUCT_Product_byKey(key: $key, _DOLLAR_expand: "_ProductDescription") {
    Product ProductStandardID YY1_Brand_PRD _ProductDescription { Language ProductDescription }
  }
  prices: API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidity_list(
      _DOLLAR_filter: $priceFilter, _DOLLAR_expand: "to_SlsPrcgConditionRecord") {
    d { results { ConditionType Material ConditionValidityStartDate
                  to_SlsPrcgConditionRecord { ConditionRateValue ConditionRateValueUnit } } }
  }
  online: listProducts(sku: $sku) { id sku name price regular_price on_sale stock_quantity stock_status
                                    images { src alt } }
  storeStock: SearchCatalogObjects(input: {object_types: ["ITEM_VARIATION"],
      query: {set_query: {attribute_name: "upc", attribute_values: $gtins}}}) {
    objects { id item_variation_data { upc } inventory(location_ids: $stores) { location_id state quantity } }
  }
  accessories: ZAPI_PRODREL_ProductRelationship_list(_DOLLAR_filter: $accessoryFilter, _DOLLAR_top: 6,
                                                     _DOLLAR_orderby: "SortOrder") {
    value {
      RelatedProduct SortOrder
      relatedProduct { Product _ProductDescription { Language ProductDescription } }
      relatedPrices { ConditionType to_SlsPrcgConditionRecord { ConditionRateValue } }
    }
  }
}"""

# searchProducts(availableAt: store, first: 20): Mesh has no availability filter, so the client asks for the
# category's first 20 ERP products with their prices and their stock in the kiosk's store (batched links) and
# drops those the store does not have itself (a page may then hold fewer than 20).
KIOSK_SEARCH = """
query KioskSearch($filter: String!, $stores: [String!]!) {
  products: API_PRODUCT_Product_list(_DOLLAR_filter: $filter, _DOLLAR_top: 20, _DOLLAR_orderby: "Product",
                                     _DOLLAR_count: true, _DOLLAR_expand: "_ProductDescription") {
    _AT_odata_count
    value {
      Product ProductStandardID _ProductDescription { Language ProductDescription }
      prices { ConditionType to_SlsPrcgConditionRecord { ConditionRateValue } }
      posVariations { id inventory(location_ids: $stores) { location_id state quantity } }
    }
  }
}"""

# Omnigate's CUSTOMER_360 (loyalty, favourite store, 20 purchases, wishlist, recommended accessories). The
# client merges the POS receipts with the web orders and keeps the newest 20 itself (Mesh has no merge); the
# favourite store's name comes from its cached store list; accessories are those of the web order lines (till
# receipt lines name no sku).
CUSTOMER_360 = """
query Customer360($soql: String!, $card: String!, $first: Int!) {
  crm: query(q: $soql) {
    records {
      Id additionalProperties
      loyaltyMembers { records { Id loyaltyTier { records { additionalProperties } }
                                    loyaltyPoints { records { additionalProperties } } } }
      webOrders(per_page: $first) {
        id date_created_gmt total
        line_items { sku name quantity accessories { RelatedProduct SortOrder } }
      }
      wishlists { share_key items(count: 50) { product_id date_added product { sku name price } } }
    }
  }
  pos: SearchCustomers(input: {query: {filter: {reference_id: {exact: $card}}}, limit: 100}) {
    customers { id receipts(limit: $first) { id closed_at total_money { amount currency }
                                             line_items { name quantity } } }
  }
}"""

# Omnigate's BULK and the 10-products document: prices from the ERP (one call per PRICE_CHUNK skus: a $filter
# takes at most 100 comparisons), store stock through the POS variations found by GTIN (one search, one batched
# count call); online stock from the shop (BULK asks for it).
PRODUCTS_WITH_STOCK = """
query ProductsWithStock(%(price_variables)s$gtins: [String!]!, $stores: [String!]!, $count: Int!%(online_variables)s)
{%(prices)s
  storeStock: SearchCatalogObjects(input: {object_types: ["ITEM_VARIATION"], limit: $count,
      query: {set_query: {attribute_name: "upc", attribute_values: $gtins}}}) {
    objects { id item_variation_data { upc } inventory(location_ids: $stores) { location_id state quantity } }
  }%(online)s
}"""
PRICES = """
  prices%(n)d: API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidity_list(
      _DOLLAR_filter: $priceFilter%(n)d, _DOLLAR_expand: "to_SlsPrcgConditionRecord", _DOLLAR_top: 1000) {
    d { results { ConditionType Material to_SlsPrcgConditionRecord { ConditionRateValue ConditionRateValueUnit } } }
  }"""
ONLINE = """
  online: listProducts(sku: $skus, per_page: 100) { sku stock_quantity stock_status }"""
PRICE_CHUNK = 98  # plus the two ConditionType comparisons: the ERP's 100


def _mobile_product_page(draw: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    sku = str(draw["sku"])
    return MOBILE_PRODUCT_PAGE, {
        "key": _literal(sku), "sku": sku, "gtins": [str(draw["gtin"])], "stores": list(draw["nearest_stores"]),
        "priceFilter": f"{PRICE_TYPES} and Material eq {_literal(sku)}",
        "accessoryFilter": f"Product eq {_literal(sku)} and RelationshipType eq 'ACC'",
    }


def _kiosk_search(draw: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return KIOSK_SEARCH, {
        "filter": f"ProductGroup eq {_literal(str(draw['category']))} and IsMarkedForDeletion eq false",
        "stores": [str(draw["store"])],
    }


def _customer_360(draw: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    card = str(draw["card"])
    soql = ("SELECT Id, FirstName, Loyalty_Card_Number__c, Webshop_Customer_Id__c, Favorite_Store__c "
            f"FROM Contact WHERE Loyalty_Card_Number__c = {_literal(card)}")
    return CUSTOMER_360, {"soql": soql, "card": card, "first": PAGE}


def _partner_bulk(draw: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return _products_with_stock(draw["skus"], draw["gtins"], draw["nearest_stores"], online=True)


def _ten_products(draw: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return _products_with_stock(draw["skus"], draw["gtins"], [draw["store"]], online=False)


def _products_with_stock(skus: Sequence[str], gtins: Sequence[str], stores: Sequence[str],
                         online: bool) -> tuple[str, dict[str, Any]]:
    chunks = _even_chunks([str(s) for s in skus], PRICE_CHUNK)
    variables: dict[str, Any] = {f"priceFilter{n}": f"{PRICE_TYPES} and ({' or '.join(_materials(chunk))})"
                                 for n, chunk in enumerate(chunks)}
    variables |= {"gtins": [str(g) for g in gtins], "stores": [str(s) for s in stores],
                  "count": max(1, min(1000, 2 * len(gtins)))}
    if online:
        variables["skus"] = ",".join(str(s) for s in skus)
    query = PRODUCTS_WITH_STOCK % {
        "price_variables": "".join(f"$priceFilter{n}: String!, " for n in range(len(chunks))),
        "prices": "".join(PRICES % {"n": n} for n in range(len(chunks))),
        "online_variables": ", $skus: String!" if online else "", "online": ONLINE if online else ""}
    return query, variables


def _materials(skus: Sequence[str]) -> list[str]:
    return [f"Material eq {_literal(sku)}" for sku in skus]


def _even_chunks(items: list[str], most: int) -> list[list[str]]:
    """As few chunks as `most` allows, of even sizes (100 skus: two of 50, not 98 and 2)."""
    count = max(1, -(-len(items) // most))
    size = -(-len(items) // count) if items else 1
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _literal(text: str) -> str:
    """An OData/SOQL string literal: quotes doubled (OData) would differ for SOQL, so refuse them instead."""
    if "'" in text or "\\" in text:
        raise ValueError(f"quote in key {text!r}")
    return f"'{text}'"


_REQUESTS = {
    "mobile_product_page": _mobile_product_page,
    "kiosk_search": _kiosk_search,
    "customer_360": _customer_360,
    "partner_bulk": _partner_bulk,
    "ten_products": _ten_products,
}


# -- processes


async def _run(command: list[str], environ: Mapping[str, str], log: Path) -> None:
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(*command, cwd=PEER_DIR, env=dict(environ), stdout=out,
                                                       stderr=subprocess.STDOUT)
        code = await process.wait()
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}:\n{log.read_text()[-3000:]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _until_ready(url: str, process: asyncio.subprocess.Process, workers: int, log: Path) -> None:
    """Answers `{ __typename }`, and with forks every worker is up (they share the port)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"hive-gateway exited {process.returncode}:\n{log.read_text()[-3000:]}")
            with suppress(aiohttp.ClientError, TimeoutError):
                async with session.post(url, json={"query": "{ __typename }"},
                                        timeout=aiohttp.ClientTimeout(total=2)) as answer:
                    if answer.status == 200 and (workers <= 1 or len(_children(process.pid)) >= workers):
                        return
            await asyncio.sleep(0.2)
    raise TimeoutError(f"hive-gateway not answering after {READY_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def _children(pid: int) -> list[int]:
    """Every descendant of `pid` (Linux /proc), the forked workers among them."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return sorted(found)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM to the parent and every fork by PID, then SIGKILL to whatever outlives STOP_TIMEOUT_S."""
    pids = [process.pid, *_children(process.pid)]
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        with suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        await process.wait()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while (alive := [pid for pid in pids[1:] if _alive(pid)]) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for pid in alive:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Still running (a zombie child of the parent we reaped is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"
