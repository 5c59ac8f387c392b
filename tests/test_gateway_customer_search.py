"""Customer service finding a caller by email, phone number or name, over real HTTP.

Staff only, refused before any upstream call; one CRM call per search; what is typed is matched
literally (quotes, backslashes, `%` and `_` included); every customer returned is audited.
"""

import json
import logging
from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from simulators.world import DemoCustomer, World
from tests.harness import Stack, api_key, bearer

SEARCH = "query($q: String!, $first: Int) { searchCustomers(query: $q, first: $first) { id firstName email } }"
IDS = "query($q: String!) { searchCustomers(query: $q) { id } }"
COMPOSITE = "POST /crm/services/data/v60.0/composite"
CONTACT = "/crm/services/data/v60.0/sobjects/Contact/"
CRM_AUTH = {"Authorization": "Bearer demo-crm-token"}
REQUEST_ID = "search-test-0001"
STAFF = bearer(Role.STAFF, "staff-search", store="PAR01", ttl_s=3600) | {"X-Request-Id": REQUEST_ID}


def ids(customers: list[DemoCustomer]) -> list[dict[str, str]]:
    return [{"id": global_id("Customer", c.crm_id)} for c in sorted(customers, key=lambda c: c.crm_id)][:10]


def named(world: World, first: str, last: str) -> list[DemoCustomer]:
    return [c for c in world.customers if (c.first_name.casefold(), c.last_name.casefold())
            == (first.casefold(), last.casefold())]


async def found(stack: Stack, query: str) -> list[dict[str, str]]:
    """The customers found, after checking the search cost one CRM call."""
    await stack.reset_calls()
    data = await stack.data(IDS, {"q": query}, STAFF)
    assert await stack.calls() == {COMPOSITE: 1}, query
    answer: list[dict[str, str]] = data["searchCustomers"]
    return answer


async def test_staff_find_a_caller_by_email_whatever_its_case(stack: Stack) -> None:
    c = stack.world.customers[0]
    data = await stack.data(SEARCH, {"q": f"  {c.email.upper()} "}, STAFF)
    assert data == {"searchCustomers": [{"id": global_id("Customer", c.crm_id), "firstName": c.first_name,
                                         "email": c.email}]}
    assert await found(stack, c.email) == ids([c])


@pytest.mark.parametrize("form", ["{n}", "0{d}", "0{p}", "+33 (0){d}", "0033{d}", "{d}", "{dots}"])
async def test_staff_find_a_caller_by_any_usual_form_of_either_phone_number(stack: Stack, form: str) -> None:
    c = stack.world.customers[0]
    for number in (c.phone, c.mobile):  # "+33 6 50 62 19 94"
        digits = number.replace(" ", "")[3:]  # "650621994"
        pairs = " ".join(number.split(" ")[2:])
        text = form.format(n=number, d=digits, p=f"{digits[0]} {pairs}", dots=".".join(("0" + digits)[i:i + 2]
                                                                                           for i in range(0, 10, 2)))
        same = [x for x in stack.world.customers if number in (x.phone, x.mobile)]
        assert await found(stack, text) == ids(same), text


async def test_staff_find_a_caller_by_last_name_or_by_full_name_in_either_order(stack: Stack) -> None:
    c = stack.world.customers[0]
    everyone_named = [x for x in stack.world.customers if x.last_name.casefold() == c.last_name.casefold()]
    assert await found(stack, c.last_name.lower()) == ids(everyone_named)
    assert await found(stack, f"{c.first_name} {c.last_name}") == ids(named(stack.world, c.first_name, c.last_name))
    assert await found(stack, f"{c.last_name.upper()}  {c.first_name}") == ids(
        named(stack.world, c.first_name, c.last_name))
    assert await found(stack, "Nobody Atall") == []


async def test_first_bounds_the_answer(stack: Stack) -> None:
    c = stack.world.customers[0]
    everyone_named = sorted((x for x in stack.world.customers if x.last_name == c.last_name), key=lambda x: x.crm_id)
    assert len(everyone_named) > 1
    data = await stack.data(SEARCH, {"q": c.last_name, "first": 1}, STAFF)
    assert [x["id"] for x in data["searchCustomers"]] == [global_id("Customer", everyone_named[0].crm_id)]


@pytest.mark.parametrize("name", ["O'Brien\\_%", "D'Arc' OR LastName != '", "x\\' AND Email = 'y", "50% _off_\\\\"])
async def test_quotes_backslashes_and_wildcards_are_matched_literally(stack: Stack, name: str) -> None:
    c = stack.world.customers[1]
    async with stack.http.patch(f"{stack.sim_url}{CONTACT}{c.crm_id}", json={"LastName": name},
                                headers=CRM_AUTH) as r:
        assert r.status == 204
    assert await found(stack, name) == ids([c])
    assert await found(stack, name.upper()) == ids([c])  # `=` ignores case
    assert await found(stack, name.replace("%", "_").replace("_", "%") + "x") == []
    assert await found(stack, name[:4] + "%") == []  # no pattern: a `%` is only a percent sign
    assert await found(stack, name[:4] + "_" * (len(name) - 4)) == []


@pytest.mark.parametrize("who", ["customer", "kiosk", "partner", "anonymous"])
async def test_only_staff_may_search_and_others_are_refused_before_any_call(stack: Stack, who: str) -> None:
    c = stack.world.customers[0]
    headers = {"customer": bearer(Role.CUSTOMER, c.crm_id), "kiosk": api_key(stack.keys.kiosk),
               "partner": api_key(stack.keys.partner), "anonymous": {}}[who]
    body = await stack.graphql(SEARCH, {"q": c.email}, headers)
    assert body["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["searchCustomers"], "FORBIDDEN")]
    assert await stack.calls() == {}


@pytest.mark.parametrize("query, first", [("ab", 10), ("  ab  ", 10), ("x" * 101, 10), ("a\nb c", 10),
                                          ("Martin", 0), ("Martin", 51)])
async def test_queries_out_of_bounds_are_refused_without_a_call(stack: Stack, query: str, first: int) -> None:
    body = await stack.graphql(SEARCH, {"q": query, "first": first}, STAFF)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert await stack.calls() == {}


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "omnigate.audit"]


async def test_every_customer_found_is_audited_with_the_personal_fields_read(stack: Stack,
                                                                             caplog: pytest.LogCaptureFixture) -> None:
    c = stack.world.customers[0]
    everyone_named = sorted((x for x in stack.world.customers if x.last_name == c.last_name), key=lambda x: x.crm_id)
    with caplog.at_level(logging.INFO, logger="omnigate.audit"):
        await stack.data(SEARCH, {"q": c.last_name}, STAFF)
    assert audit_lines(caplog) == [
        {"event": "customer_data_read", "requestId": REQUEST_ID, "principal": "staff", "subject": "staff-search",
         "store": "PAR01", "customer": x.crm_id, "fields": ["email", "firstName"]} for x in everyone_named[:10]]
