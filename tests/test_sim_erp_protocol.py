"""ERP simulator, both protocols: logon, CSRF, refusals, limits and injected faults in each service's shape."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from yarl import URL

from simulators.control import Faults
from simulators.world import World

from .test_sim_erp_support import AUTH, JSON, PRICING_ROOT, PRODUCT_ROOT, STOCK_ROOT, Erp, keys_filter, running_erp

PRODUCTS = f"{PRODUCT_ROOT}/Product"
STOCK = f"{STOCK_ROOT}/A_MatlStkInAcctMod"
VALIDITIES = f"{PRICING_ROOT}/A_SlsPrcgCndnRecdValidity"
WRONG_AUTH = {"Authorization": aiohttp.encode_basic_auth("omnigate", "not-the-password")}
CSRF_FETCH = {"x-csrf-token": "fetch"}
URL_BYTES = 8000  # the simulator's reading of "8 KB"
NEW_PRODUCT = {"Product": "NEW-1", "ProductType": "HAWA"}
MALFORMED_FILTERS = ("Product eq", "Product eq 'A", "(Product eq 'A'", "Product eq 'A' and", "Product xx 'A'",
                     "Nope eq 'A'", "Product eq 5", "contains(Product)", "substringof('A',Product)",
                     "GrossWeight add 1 eq 2")
V2_MALFORMED_FILTERS = ("Material eq", "contains(Material,'A')", "Material eq 2025-01-01",
                        "to_X/any(d:d/A eq 'x')")


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


@pytest.mark.parametrize("headers", [{}, WRONG_AUTH, {"Authorization": "Basic !!!"},
                                     {"Authorization": "Bearer demo-erp"}])
async def test_missing_or_wrong_credentials_get_the_logon_page(erp: Erp, headers: dict[str, str]) -> None:
    # given a client without the configured Basic credential
    async with aiohttp.ClientSession(headers=headers) as anonymous, anonymous.get(erp.url + PRODUCTS) as response:
        # when it reads products, then it gets SAP's HTML logon error with the Basic challenge
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith('Basic realm="SAP NetWeaver Application Server')
        assert response.content_type == "text/html"
        assert "Logon" in await response.text()


async def test_csrf_fetch_then_a_write(erp: Erp) -> None:
    # given a token fetched with a GET
    async with erp.session.get(erp.url + PRODUCT_ROOT + "/", headers=CSRF_FETCH) as fetched:
        token = fetched.headers["x-csrf-token"]
        service_document = await fetched.json()
    # when a write is sent without it, then with it
    async with erp.session.post(erp.url + PRODUCTS, json=NEW_PRODUCT) as without:
        refused = (without.status, without.headers.get("x-csrf-token"), await without.text())
    async with erp.session.post(erp.url + PRODUCTS, json=NEW_PRODUCT,
                                headers={"x-csrf-token": token}) as with_token:
        accepted_check = (with_token.status, await with_token.json())
    # then the first fails CSRF validation; the second passes it and meets a read-only service
    assert fetched.status == 200 and token not in ("", "fetch")
    assert {"name": "Product", "url": "Product"} in service_document["value"]
    assert refused == (403, "Required", "CSRF token validation failed")
    assert accepted_check[0] == 405 and accepted_check[1]["error"]["@SAP__common.ExceptionCategory"]


@pytest.mark.parametrize("text", MALFORMED_FILTERS)
async def test_malformed_v4_filters_are_v4_bad_requests(erp: Erp, text: str) -> None:
    # when Product is filtered with a malformed or ill-typed expression
    status, body = await erp.get(PRODUCTS, {"$filter": text})
    # then it is a 400 in the v4 shape
    assert status == 400
    assert isinstance(body["error"]["message"], str) and body["error"]["code"]


@pytest.mark.parametrize("text", V2_MALFORMED_FILTERS)
async def test_malformed_v2_filters_are_v2_bad_requests(erp: Erp, text: str) -> None:
    # when a v2 service gets a malformed filter or a v4-only construct
    status, body = await erp.get(STOCK, {"$filter": text, **JSON})
    # then it is a 400 in the v2 shape
    assert status == 400
    assert body["error"]["message"]["lang"] == "en" and body["error"]["innererror"]["transactionid"]


@pytest.mark.parametrize("params", [{"$top": "-1"}, {"$skip": "x"}, {"$count": "yes"}, {"$inlinecount": "allpages"},
                                    {"$select": "Nope"}, {"$expand": "Nope"}, {"$orderby": "Nope desc"},
                                    {"$apply": "groupby((ProductGroup))"}, {"$format": "csv"}])
async def test_bad_system_query_options_are_refused(erp: Erp, params: dict[str, str]) -> None:
    # when Product gets an invalid or unknown system query option
    status, body = await erp.get(PRODUCTS, params)
    # then it is a v4 400
    assert status == 400 and body["error"]["message"]


async def test_a_hundred_comparisons_pass_and_a_hundred_and_one_do_not(erp: Erp, world: World) -> None:
    # given filters of 100 and 101 key comparisons
    skus = [p.sku for p in world.products[:101]]
    # when both are sent
    ok, body = await erp.get(PRODUCTS, {"$filter": keys_filter("Product", skus[:100]), "$select": "Product"})
    refused, error = await erp.get(PRODUCTS, {"$filter": keys_filter("Product", skus)})
    # then the limit is exactly one hundred
    assert ok == 200 and len(body["value"]) == 100
    assert refused == 400 and "100" in error["error"]["message"]


async def test_a_url_over_8_kb_is_414(erp: Erp) -> None:
    # given a filter of one long literal, making the request target just over 8 KB
    prefix = URL(erp.url + PRODUCTS).with_query({"$filter": "Product eq ''"}).raw_path_qs
    long_filter = f"Product eq '{'X' * (URL_BYTES + 100 - len(prefix))}'"
    assert len(URL(erp.url + PRODUCTS).with_query({"$filter": long_filter}).raw_path_qs) > URL_BYTES
    # when it is sent
    status, body = await erp.get(PRODUCTS, {"$filter": long_filter})
    # then the URI is refused as too long, in the v4 shape
    assert status == 414
    assert body["error"]["message"]


async def test_unknown_entity_set_is_not_found(erp: Erp) -> None:
    # when an entity set the service does not have is read
    status, body = await erp.get(f"{STOCK_ROOT}/A_Nothing", JSON)
    # then it is a v2 404
    assert status == 404 and body["error"]["message"]["value"]


@pytest.mark.parametrize(("path", "v2"), [(PRODUCTS, False), (STOCK, True), (VALIDITIES, True)])
async def test_injected_faults_answer_in_the_service_shape(erp: Erp, path: str, v2: bool) -> None:
    # given the ERP is down
    erp.sim.control.set_faults("erp", Faults(down=True))
    # when a v4 or v2 service is called
    status, body = await erp.get(path, JSON)
    # then the 503 is in that service's error shape
    assert status == 503
    message = body["error"]["message"]
    assert (message["value"] if v2 else message) == "Service Unavailable"
    assert ("innererror" in body["error"]) and (v2 or body["error"]["@SAP__common.ExceptionCategory"])


async def test_ieee754_compatible_sends_decimals_as_strings(erp: Erp, world: World) -> None:
    # given a product
    product = world.products[0]
    # when it is read asking for IEEE754-compatible JSON
    _, body = await erp.get(f"{PRODUCTS}('{product.sku}')", {"$select": "GrossWeight"},
                            headers={**AUTH, "Accept": "application/json;IEEE754Compatible=true"})
    # then the decimal is a string with its scale
    assert body["GrossWeight"] == f"{product.weight_grams / 1000:.3f}"
