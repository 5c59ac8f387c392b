"""addCustomerNote over HTTP: staff only, written to the CRM as a Task once per key, read back in the 360."""

from typing import Any

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.harness import Stack, api_key, bearer

ADD_NOTE = """
mutation Note($input: CustomerNoteInput!) {
  addCustomerNote(input: $input) {
    note { id text topics channel store { code } }
    userErrors { field code message }
  }
}"""
NOTES = """
query Notes($id: ID!) { customer(id: $id) { notes(first: 50) { id text channel } } }"""
CUSTOMER = "003OG0000000000AAA"
STORE = "MAR01"
CRM_QUERY = "/crm/services/data/v60.0/query"
CRM_AUTH = {"Authorization": "Bearer demo-crm-token"}


def note_input(key: str = "n1", text: str = "Half a size up in trail shoes.", customer: str = CUSTOMER,
               topics: list[str] | None = None) -> dict[str, Any]:
    return {"input": {"idempotencyKey": key, "customerId": global_id("Customer", customer), "text": text,
                      "topics": ["sizing", "running"] if topics is None else topics}}


async def add_note(stack: Stack, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(ADD_NOTE, note_input(**kwargs), headers))["addCustomerNote"]
    return payload


async def crm_tasks(stack: Stack, crm_id: str) -> list[dict[str, Any]]:
    """Straight from the simulated CRM, as a Salesforce client would read them."""
    soql = (f"SELECT Id, Description, Topics__c, Store_Code__c, Channel__c, CreatedDate FROM Task "
            f"WHERE WhoId IN ('{crm_id}') ORDER BY CreatedDate DESC")
    async with stack.http.get(f"{stack.sim_url}{CRM_QUERY}", params={"q": soql}, headers=CRM_AUTH) as r:
        assert r.status == 200
        body: dict[str, Any] = await r.json()
    return list(body["records"])


async def test_staff_of_a_store_add_a_note_shown_once_in_the_360(stack: Stack) -> None:
    staff = bearer(Role.STAFF, "staff-lys", store=STORE)
    before = await crm_tasks(stack, CUSTOMER)

    first = await add_note(stack, staff)
    again = await add_note(stack, staff)

    assert first["userErrors"] == [] and again == first
    note = first["note"]
    assert {k: note[k] for k in ("text", "topics", "channel", "store")} == {
        "text": "Half a size up in trail shoes.", "topics": ["sizing", "running"], "channel": "STORE",
        "store": {"code": STORE}}
    tasks = await crm_tasks(stack, CUSTOMER)
    assert len(tasks) == len(before) + 1
    assert {k: tasks[0][k] for k in ("Description", "Topics__c", "Store_Code__c", "Channel__c")} == {
        "Description": "Half a size up in trail shoes.", "Topics__c": "sizing;running", "Store_Code__c": STORE,
        "Channel__c": "Store"}
    notes = (await stack.data(NOTES, {"id": global_id("Customer", CUSTOMER)}, staff))["customer"]["notes"]
    assert [n for n in notes if n["id"] == note["id"]] == [{"id": note["id"], "text": note["text"],
                                                            "channel": "STORE"}]


async def test_customer_service_notes_have_no_store(stack: Stack) -> None:
    payload = await add_note(stack, bearer(Role.STAFF, "staff-phone"), key="call-1", text="Called about a refund.",
                             topics=[])

    assert payload["userErrors"] == []
    assert (payload["note"]["channel"], payload["note"]["store"], payload["note"]["topics"]) == \
        ("CALL_CENTER", None, [])
    [task] = [t for t in await crm_tasks(stack, CUSTOMER) if t["Description"] == "Called about a refund."]
    assert (task["Channel__c"], task["Store_Code__c"], task["Topics__c"]) == ("Call_Center", None, None)


async def test_customers_kiosks_partners_and_anonymous_callers_are_refused_before_any_call(stack: Stack) -> None:
    for headers in ({}, bearer(Role.CUSTOMER, CUSTOMER), api_key(stack.keys.kiosk), api_key(stack.keys.partner)):
        body = await stack.graphql(ADD_NOTE, note_input(), headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    assert await stack.calls() == {}


async def test_bad_input_is_reported_with_its_field(stack: Stack) -> None:
    staff = bearer(Role.STAFF, "staff-lys", store=STORE)
    cases: list[tuple[dict[str, Any], list[str], str]] = [
        ({"text": "  "}, ["input", "text"], "INVALID"),
        ({"text": "x" * 2001}, ["input", "text"], "INVALID"),
        ({"topics": ["a;b"]}, ["input", "topics"], "INVALID"),
        ({"topics": [""]}, ["input", "topics"], "INVALID"),
        ({"customer": "003OG0009999999AAA"}, ["input", "customerId"], "NOT_FOUND"),
        ({"key": ""}, ["input", "idempotencyKey"], "INVALID"),
    ]
    for index, (kwargs, field, code) in enumerate(cases):
        kwargs.setdefault("key", f"bad-{index}")
        payload = await add_note(stack, staff, **kwargs)
        assert payload["note"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], kwargs

    other = await stack.data(ADD_NOTE, {"input": {**note_input()["input"], "customerId": "nope"}}, staff)
    assert [e["field"] for e in other["addCustomerNote"]["userErrors"]] == [["input", "customerId"]]


async def test_a_key_reused_for_another_note_is_a_conflict(stack: Stack) -> None:
    staff = bearer(Role.STAFF, "staff-lys", store=STORE)
    await add_note(stack, staff, key="same")

    other = await add_note(stack, staff, key="same", text="Prefers calls in the evening.")

    assert other["note"] is None and [e["code"] for e in other["userErrors"]] == ["CONFLICT"]


async def test_with_the_crm_down_nothing_is_written_and_the_key_is_free(stack: Stack) -> None:
    staff = bearer(Role.STAFF, "staff-lys", store=STORE)
    await stack.fault(system="crm", down=True)

    down = await add_note(stack, staff, key="retry-me")

    assert down["note"] is None and [e["code"] for e in down["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
    await stack.fault(system="crm", down=False)
    assert [t for t in await crm_tasks(stack, CUSTOMER) if t["Description"] == "Half a size up in trail shoes."] == []
