"""The simulators' published API descriptions: `/<system>/openapi.json` (and the ERP's `$metadata`).

Each document validates as OpenAPI 3, names exactly the routes its simulator serves, every documented
operation answers over real HTTP, and a few key operations' real responses match their documented schemas.
"""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from simulators.erp.odata_server.wire import key_predicate
from simulators.erp.simulator import ErpSimulator
from simulators.host import SimulatorHost
from simulators.openapi.builder import ApiDescription, UndocumentedRoute, build
from simulators.pos.simulator import PosSimulator
from simulators.world import World

SYSTEMS = ("erp", "pos", "crm", "webshop")
CREDENTIALS = {
    "erp": {"Authorization": aiohttp.encode_basic_auth("omnigate", "demo-erp")},
    "pos": {"Authorization": "Bearer demo-pos-token"},
    "crm": {"Authorization": "Bearer demo-crm-token"},
    "webshop": {"Authorization": aiohttp.encode_basic_auth("ck_demo", "cs_demo")},
}
# with credentials and `Accept: application/json` an operation must reach its handler: 401 and 406 would mean
# the document's security or content types do not get a client there
NOT_ANSWERED = (401, 404, 405, 406)
JSON = {"Accept": "application/json"}
CRM_API = "/services/data/v60.0"
WC = "/wp-json/wc/v3"
PRODUCT_ROOT = "/sap/opu/odata4/sap/api_product/srvd_a2x/sap/product/0002"
PRICING_ROOT = "/sap/opu/odata/sap/API_SLSPRICINGCONDITIONRECORD_SRV"
TOKEN_FORM = {"grant_type": "client_credentials", "client_id": "omnigate", "client_secret": "secret"}
CONTACT_QUERY = "SELECT Id, Webshop_Customer_Id__c FROM Contact ORDER BY Id"
# query parameters a documented operation requires, by name (ids: a real contact's, added by `samples_of`)
REQUIRED_QUERY = {"q": "SELECT Id FROM Contact LIMIT 1", "fields": "Id,LastName"}
_PARAMETER = re.compile(r"\{(\w+)\}")
UNREACHABLE = "http://127.0.0.1:9/hooks"  # webhook deliveries of the samples fail at once (nothing listens)


@dataclass
class Sims:
    host: SimulatorHost
    http: aiohttp.ClientSession


@pytest.fixture
async def sims(world: World) -> AsyncIterator[Sims]:
    host = SimulatorHost(world)
    base = await host.start()
    async with aiohttp.ClientSession(base) as http:
        yield Sims(host, http)
    await host.stop()


async def document(http: aiohttp.ClientSession, system: str) -> dict[str, Any]:
    """Fetched without credentials: the descriptions are published."""
    async with http.get(f"/{system}/openapi.json") as r:
        assert r.status == 200, await r.text()
        body: dict[str, Any] = await r.json()
        return body


def operations(doc: dict[str, Any]) -> set[str]:
    prefix = doc["servers"][0]["url"]
    return {f"{method.upper()} {prefix}{path}" for path, item in doc["paths"].items() for method in item}


def served(host: SimulatorHost, system: str) -> set[str]:
    """The simulator's route table as `/_sim/stats` names it, less catch-alls and HEAD twins."""
    return {route for route in host.control.known_routes[system]
            if not route.startswith(("HEAD ", "* ")) and "{tail}" not in route and not route.endswith("/openapi.json")}


def response_schema(doc: dict[str, Any], method: str, path: str, status: str = "200") -> dict[str, Any]:
    """The documented JSON schema of a response, its `$ref`s resolvable against the document's components."""
    schema = doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return {"allOf": [schema], "components": doc["components"]}


def check_shape(doc: dict[str, Any], method: str, path: str, body: object) -> None:
    OAS30Validator(response_schema(doc, method, path)).validate(body)


@pytest.mark.parametrize("system", SYSTEMS)
async def test_each_document_is_valid_openapi_3_and_published_without_credentials(sims: Sims, system: str) -> None:
    doc = await document(sims.http, system)
    validate(doc)
    assert doc["openapi"].startswith("3.")
    assert doc["servers"] == [{"url": f"/{system}", "description": "the simulator host (relative to it)"}]


@pytest.mark.parametrize("system", SYSTEMS)
async def test_every_served_route_is_documented_and_every_documented_one_served(sims: Sims, system: str) -> None:
    doc = await document(sims.http, system)
    assert operations(doc) == served(sims.host, system)


async def test_security_schemes_are_each_vendors(sims: Sims) -> None:
    schemes = {system: (await document(sims.http, system))["components"]["securitySchemes"] for system in SYSTEMS}
    assert schemes["erp"] == {"basicAuth": {"type": "http", "scheme": "basic", "description": schemes["erp"][
        "basicAuth"]["description"]}}
    assert schemes["pos"]["bearerAuth"]["scheme"] == schemes["crm"]["bearerAuth"]["scheme"] == "bearer"
    assert {(s["type"], s.get("scheme") or s["name"]) for s in schemes["webshop"].values()} == {
        ("http", "basic"), ("apiKey", "consumer_key"), ("apiKey", "consumer_secret")}
    crm = await document(sims.http, "crm")
    assert crm["paths"]["/services/oauth2/token"]["post"]["security"] == []
    shop = await document(sims.http, "webshop")
    # the TI Wishlist plugin answers a visitor on a shared list: credentials optional there
    public = {path for path, item in shop["paths"].items() if {} in item.get("get", {}).get("security", ())}
    assert public == {f"{WC}/wishlist/get_by_share_key/{{share_key}}", f"{WC}/wishlist/{{share_key}}/get_products"}


@dataclass
class Samples:
    paths: dict[str, str]  # path template -> a real path: "/pos/v2/locations/{location_id}" -> a store's
    query: dict[str, str]  # required query parameter -> a value that names something real


async def samples_of(sims: Sims) -> Samples:
    """A real value for every path template and required query parameter the documents hold."""
    http, host, samples = sims.http, sims.host, {}
    erp = host.simulators["erp"]
    assert isinstance(erp, ErpSimulator)
    for resource in erp.resources:
        for name, entity_set in resource.service.sets.items():
            key = key_predicate(entity_set.rows[0], entity_set.type)
            samples[f"/erp{resource.service.root}/{name}({{key}})"] = f"/erp{resource.service.root}/{name}({key})"

    pos_auth = CREDENTIALS["pos"]
    async with http.get("/pos/v2/locations", headers=pos_auth) as r:
        location = (await r.json())["locations"][0]["id"]
    async with http.post("/pos/v2/customers/search", json={"limit": 1}, headers=pos_auth) as r:
        pos_customer = (await r.json())["customers"][0]["id"]
    pos = host.simulators["pos"]
    assert isinstance(pos, PosSimulator)
    booking = next(iter(pos.bookings.records))
    samples["/pos/v2/locations/{location_id}"] = f"/pos/v2/locations/{location}"
    samples["/pos/v2/customers/{customer_id}"] = f"/pos/v2/customers/{pos_customer}"
    for template in ("/pos/v2/bookings/{booking_id}", "/pos/v2/bookings/{booking_id}/cancel"):
        samples[template] = template.replace("{booking_id}", booking)
    for suffix in ("", "/signature-key", "/test"):  # one subscription each: the first is deleted
        async with http.post("/pos/v2/webhooks/subscriptions", headers=pos_auth, json={"subscription": {
                "event_types": ["booking.created"], "notification_url": UNREACHABLE}}) as r:
            subscription = (await r.json())["subscription"]["id"]
        samples[f"/pos/v2/webhooks/subscriptions/{{subscription_id}}{suffix}"] = (
            f"/pos/v2/webhooks/subscriptions/{subscription}{suffix}")

    crm_auth = {**CREDENTIALS["crm"], "Sforce-Query-Options": "batchSize=200"}
    async with http.get(f"/crm{CRM_API}/query", params={"q": CONTACT_QUERY}, headers=crm_auth) as r:
        page = await r.json()
    contact = page["records"][0]
    api = f"/crm{CRM_API}"
    samples[f"{api}/query/{{locator}}"] = "/crm" + page.get("nextRecordsUrl", f"{CRM_API}/query/01gOG0000000000-200")
    samples[f"{api}/sobjects/{{sObject}}/{{id}}"] = f"{api}/sobjects/Contact/{contact['Id']}"
    samples[f"{api}/sobjects/{{sObject}}/{{fieldName}}/{{fieldValue}}"] = (
        f"{api}/sobjects/Contact/Webshop_Customer_Id__c/{contact['Webshop_Customer_Id__c'] or '999999'}")
    samples[f"{api}/composite/sobjects/{{sObject}}"] = f"{api}/composite/sobjects/Contact"
    samples[f"{api}/composite/sobjects/{{sObject}}/{{fieldName}}"] = (
        f"{api}/composite/sobjects/Contact/Webshop_Customer_Id__c")

    shop, shop_auth = f"/webshop{WC}", CREDENTIALS["webshop"]
    ids = {}
    for collection in ("products", "customers", "orders"):
        async with http.get(f"{shop}/{collection}", params={"per_page": "1"}, headers=shop_auth) as r:
            ids[collection] = (await r.json())[0]["id"]
    wisher = next(c for c in sims.host.world.customers if sims.host.world.history.wishlist(c))
    async with http.get(f"{shop}/wishlist/get_by_user/{wisher.webshop_id}", headers=shop_auth) as r:
        key = (await r.json())[0]["share_key"]
    async with http.get(f"{shop}/wishlist/{key}/get_products", headers=shop_auth) as r:
        item = (await r.json())[0]["item_id"]
    async with http.post(f"{shop}/webhooks", headers=shop_auth, json={
            "topic": "order.updated", "delivery_url": UNREACHABLE}) as r:
        ids["webhooks"] = (await r.json())["id"]
    for collection, identifier in ids.items():
        samples[f"{shop}/{collection}/{{id}}"] = f"{shop}/{collection}/{identifier}"
    for suffix in ("/refunds",):
        samples[f"{shop}/orders/{{order_id}}{suffix}"] = f"{shop}/orders/{ids['orders']}{suffix}"
    samples[f"{shop}/wishlist/get_by_user/{{user_id}}"] = f"{shop}/wishlist/get_by_user/{wisher.webshop_id}"
    for template in ("/wishlist/get_by_share_key/{share_key}", "/wishlist/update/{share_key}",
                     "/wishlist/{share_key}/get_products", "/wishlist/{share_key}/add_product",
                     "/wishlist/{share_key}/remove_product/{item_id}"):
        samples[shop + template] = shop + template.replace("{share_key}", key).replace("{item_id}", str(item))
    return Samples(samples, {**REQUIRED_QUERY, "ids": contact["Id"]})


def minimal_request(operation: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """Required query parameters and a minimal body: enough to reach the handler (a 400 still answers)."""
    params = {p["name"]: values[p["name"]] for p in operation.get("parameters", ())
              if p["in"] == "query" and p.get("required")}
    kwargs: dict[str, Any] = {"params": params}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/x-www-form-urlencoded" in content:
        kwargs["data"] = TOKEN_FORM
    elif "application/json" in content:
        kwargs["json"] = {}
    return kwargs


async def test_every_documented_operation_answers_as_documented(sims: Sims) -> None:
    samples = await samples_of(sims)
    unanswered: list[str] = []
    misshapen: list[str] = []  # a documented JSON answer that does not match its schema
    tried = 0
    for system in SYSTEMS:
        doc = await document(sims.http, system)
        prefix = doc["servers"][0]["url"]
        for path, item in doc["paths"].items():
            template = prefix + path
            url = samples.paths[template] if _PARAMETER.search(path) else template
            for method, operation in sorted(item.items(), key=lambda m: m[0] == "delete"):  # deletions last
                async with sims.http.request(method.upper(), url, headers={**CREDENTIALS[system], **JSON},
                                             **minimal_request(operation, samples.query)) as r:
                    tried += 1
                    if r.status in NOT_ANSWERED:
                        unanswered.append(f"{method.upper()} {url}: {r.status} {(await r.text())[:200]}")
                    status = str(r.status) if str(r.status) in operation["responses"] else "default"
                    documented = operation["responses"].get(status, {}).get("content", {})
                    if documented and r.content_type not in documented:
                        misshapen.append(f"{method.upper()} {url}: {r.status} answers {r.content_type}")
                    elif r.content_type == "application/json":
                        errors = [e.message for e in OAS30Validator(response_schema(
                            doc, method, path, status)).iter_errors(await r.json())]
                        if errors:
                            misshapen.append(f"{method.upper()} {url}: {r.status} {errors[:3]}")
    assert unanswered == []
    assert misshapen == []
    assert tried == sum(len(served(sims.host, s)) for s in SYSTEMS)


async def test_the_erp_still_serves_each_services_metadata(sims: Sims) -> None:
    doc = await document(sims.http, "erp")
    metadata = [path for path in doc["paths"] if path.endswith("/$metadata")]
    assert len(metadata) == 5
    for path in metadata:
        assert "application/xml" in doc["paths"][path]["get"]["responses"]["200"]["content"]
        async with sims.http.get(f"/erp{path}", headers=CREDENTIALS["erp"]) as r:
            assert r.status == 200
            assert r.content_type == "application/xml"
            assert "<edmx:Edmx" in await r.text()


async def test_a_real_web_shop_product_list_matches_its_documented_schema(sims: Sims) -> None:
    doc = await document(sims.http, "webshop")
    async with sims.http.get(f"/webshop{WC}/products", params={"per_page": "20"},
                             headers=CREDENTIALS["webshop"]) as r:
        body = await r.json()
        assert {"X-WP-Total", "X-WP-TotalPages"} <= set(doc["paths"][f"{WC}/products"]["get"]["responses"]["200"][
            "headers"]) and "X-WP-Total" in r.headers
    assert len(body) == 20
    check_shape(doc, "get", f"{WC}/products", body)
    with pytest.raises(Exception, match="is not of type 'string'"):  # the schema does check: money is a string
        check_shape(doc, "get", f"{WC}/products", [{**body[0], "price": 19.9}])


async def test_a_real_web_shop_order_list_matches_its_documented_schema(sims: Sims) -> None:
    doc = await document(sims.http, "webshop")
    async with sims.http.get(f"/webshop{WC}/orders", params={"per_page": "20"}, headers=CREDENTIALS["webshop"]) as r:
        check_shape(doc, "get", f"{WC}/orders", await r.json())


async def test_a_real_pos_location_list_and_inventory_counts_match_their_documented_schemas(sims: Sims) -> None:
    doc = await document(sims.http, "pos")
    async with sims.http.get("/pos/v2/locations", headers=CREDENTIALS["pos"]) as r:
        locations = await r.json()
    check_shape(doc, "get", "/v2/locations", locations)
    async with sims.http.post("/pos/v2/catalog/search", headers=CREDENTIALS["pos"],
                              json={"object_types": ["ITEM_VARIATION"], "limit": 5}) as r:
        catalog = await r.json()
    check_shape(doc, "post", "/v2/catalog/search", catalog)
    variations = [o["id"] for o in catalog["objects"]]
    async with sims.http.post("/pos/v2/inventory/counts/batch-retrieve", headers=CREDENTIALS["pos"],
                              json={"catalog_object_ids": variations}) as r:
        counts = await r.json()
    assert counts["counts"]
    check_shape(doc, "post", "/v2/inventory/counts/batch-retrieve", counts)
    with pytest.raises(Exception, match="is not one of"):
        check_shape(doc, "get", "/v2/locations", {"locations": [{**locations["locations"][0], "status": "OPEN"}]})


async def test_real_erp_products_and_prices_match_their_documented_schemas(sims: Sims) -> None:
    doc = await document(sims.http, "erp")
    async with sims.http.get(f"/erp{PRODUCT_ROOT}/Product", headers=CREDENTIALS["erp"],
                             params={"$top": "5", "$expand": "_ProductDescription", "$count": "true"}) as r:
        products = await r.json()
    assert products["value"][0]["_ProductDescription"]
    check_shape(doc, "get", f"{PRODUCT_ROOT}/Product", products)
    async with sims.http.get(f"/erp{PRICING_ROOT}/A_SlsPrcgCndnRecdValidity", headers=CREDENTIALS["erp"],
                             params={"$top": "5", "$expand": "to_SlsPrcgConditionRecord", "$format": "json",
                                     "$inlinecount": "allpages"}) as r:
        prices = await r.json()
    check_shape(doc, "get", f"{PRICING_ROOT}/A_SlsPrcgCndnRecdValidity", prices)
    with pytest.raises(Exception, match="is not of type 'string'"):  # v2 decimals are strings
        record = prices["d"]["results"][0]
        rate = {**record["to_SlsPrcgConditionRecord"], "ConditionRateValue": 49.99}
        check_shape(doc, "get", f"{PRICING_ROOT}/A_SlsPrcgCndnRecdValidity",
                    {"d": {"results": [{**record, "to_SlsPrcgConditionRecord": rate}]}})


async def test_a_real_crm_query_matches_its_documented_schema(sims: Sims) -> None:
    doc = await document(sims.http, "crm")
    async with sims.http.get(f"/crm{CRM_API}/query", params={"q": "SELECT Id, Email FROM Contact LIMIT 5"},
                             headers=CREDENTIALS["crm"]) as r:
        check_shape(doc, "get", f"{CRM_API}/query", await r.json())


def test_a_route_without_its_fragment_fails_the_build() -> None:
    description = ApiDescription(title="t", version="1", summary="s", operations={"GET /a": {"responses": {}}})
    assert set(build(description, ["GET /a"], "/x")["paths"]) == {"/a"}
    with pytest.raises(UndocumentedRoute, match=r"undocumented \['GET /b'\]"):
        build(description, ["GET /a", "GET /b"], "/x")
    with pytest.raises(UndocumentedRoute, match=r"documented but not served \['GET /a'\]"):
        build(description, [], "/x")
