"""setFavoriteStore and updatePreferences over HTTP: who may, what the CRM then holds, what every channel reads."""

from typing import Any

from gateway.auth.principals import Role
from gateway.schema.relay import global_id
from tests.harness import Stack, api_key, bearer

FAVORITE = """
mutation Favorite($storeId: ID!) {
  setFavoriteStore(storeId: $storeId) { customer { id favoriteStore { code } } userErrors { field code message } }
}"""
PREFERENCES = """
mutation Preferences($input: PreferencesInput!, $customerId: ID) {
  updatePreferences(input: $input, customerId: $customerId) {
    customer { id preferences { preferredChannel emailOptIn smsOptIn interests } }
    userErrors { field code message }
  }
}"""
ME = "{ me { favoriteStore { code } preferences { preferredChannel emailOptIn smsOptIn interests } } }"
CUSTOMER, OTHER = "003OG0000000000AAA", "003OG0000000002AAA"
STORE = "MAR01"
CRM_CONTACT = "/crm/services/data/v60.0/sobjects/Contact/"
CRM_AUTH = {"Authorization": "Bearer demo-crm-token"}
STAFF = bearer(Role.STAFF, "staff-mar", store=STORE, ttl_s=3600)


def customer(crm_id: str = CUSTOMER) -> dict[str, str]:
    return bearer(Role.CUSTOMER, crm_id)


async def crm_contact(stack: Stack, crm_id: str, fields: str) -> dict[str, Any]:
    """Straight from the simulated CRM, as a Salesforce client would read it."""
    async with stack.http.get(f"{stack.sim_url}{CRM_CONTACT}{crm_id}", params={"fields": fields},
                              headers=CRM_AUTH) as r:
        assert r.status == 200
        body: dict[str, Any] = await r.json()
    return {k: body[k] for k in fields.split(",")}


async def favorite(stack: Stack, headers: dict[str, str], store: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await stack.data(FAVORITE, {"storeId": store}, headers))["setFavoriteStore"]
    return payload


async def preferences(stack: Stack, headers: dict[str, str], input: dict[str, Any],
                      customer_id: str | None = None) -> dict[str, Any]:
    variables = {"input": input, "customerId": customer_id}
    payload: dict[str, Any] = (await stack.data(PREFERENCES, variables, headers))["updatePreferences"]
    return payload


async def test_a_customer_sets_their_favourite_store_and_every_read_shows_it(stack: Stack) -> None:
    first = await favorite(stack, customer(), global_id("Store", STORE))
    again = await favorite(stack, customer(), global_id("Store", STORE))

    assert first == again == {"customer": {"id": global_id("Customer", CUSTOMER), "favoriteStore": {"code": STORE}},
                              "userErrors": []}
    assert await crm_contact(stack, CUSTOMER, "Favorite_Store__c") == {"Favorite_Store__c": STORE}
    assert (await stack.data(ME, headers=customer()))["me"]["favoriteStore"] == {"code": STORE}


async def test_preferences_set_by_staff_show_in_the_app_at_once(stack: Stack) -> None:
    wanted = {"preferredChannel": "MOBILE_APP", "emailOptIn": True, "smsOptIn": True,
              "interests": ["running", "photography", "running"]}

    payload = await preferences(stack, STAFF, wanted, global_id("Customer", CUSTOMER))

    shown = {"preferredChannel": "MOBILE_APP", "emailOptIn": True, "smsOptIn": True,
             "interests": ["running", "photography"]}
    assert payload == {"customer": {"id": global_id("Customer", CUSTOMER), "preferences": shown}, "userErrors": []}
    assert (await stack.data(ME, headers=customer()))["me"]["preferences"] == shown
    assert await crm_contact(stack, CUSTOMER, "Preferred_Channel__c,Email_Consent__c,HasOptedOutOfEmail,"
                                              "SMS_Consent__c,Interests__c") == {
        "Preferred_Channel__c": "SMS", "Email_Consent__c": True, "HasOptedOutOfEmail": False,
        "SMS_Consent__c": True, "Interests__c": "running;photography"}


async def test_a_customer_changes_only_what_they_send(stack: Stack) -> None:
    await preferences(stack, customer(), {"emailOptIn": True, "interests": ["cycling"]})

    payload = await preferences(stack, customer(), {"emailOptIn": False}, global_id("Customer", CUSTOMER))

    shown = payload["customer"]["preferences"]
    assert payload["userErrors"] == [] and (shown["emailOptIn"], shown["interests"]) == (False, ["cycling"])
    assert (await stack.data(ME, headers=customer()))["me"]["preferences"] == shown


async def test_only_the_customer_or_staff_may_and_nobody_else_reaches_the_crm(stack: Stack) -> None:
    store = global_id("Store", STORE)
    others: tuple[dict[str, str], ...] = ({}, api_key(stack.keys.kiosk), api_key(stack.keys.partner))
    for headers in (*others, STAFF):
        body = await stack.graphql(FAVORITE, {"storeId": store}, headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers
    for headers in others:
        body = await stack.graphql(PREFERENCES, {"input": {"smsOptIn": True}}, headers)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", headers
    body = await stack.graphql(PREFERENCES, {"input": {"smsOptIn": True},
                                             "customerId": global_id("Customer", OTHER)}, customer())
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    assert await stack.calls() == {}


async def test_bad_input_is_reported_with_its_field(stack: Stack) -> None:
    cases: list[tuple[str, dict[str, Any], dict[str, str], list[str], str]] = [
        (FAVORITE, {"storeId": "nope"}, customer(), ["storeId"], "INVALID"),
        (FAVORITE, {"storeId": global_id("Store", "ZZZ99")}, customer(), ["storeId"], "NOT_FOUND"),
        (PREFERENCES, {"input": {"preferredChannel": "KIOSK"}}, customer(), ["input", "preferredChannel"], "INVALID"),
        (PREFERENCES, {"input": {"interests": ["a;b"]}}, customer(), ["input", "interests"], "INVALID"),
        (PREFERENCES, {"input": {"interests": [" "]}}, customer(), ["input", "interests"], "INVALID"),
        (PREFERENCES, {"input": {"smsOptIn": True}}, STAFF, ["customerId"], "INVALID"),
        (PREFERENCES, {"input": {"smsOptIn": True}, "customerId": "nope"}, STAFF, ["customerId"], "INVALID"),
        (PREFERENCES, {"input": {"smsOptIn": True}, "customerId": global_id("Customer", "003OG0009999999AAA")},
         STAFF, ["customerId"], "NOT_FOUND"),
    ]
    for document, variables, headers, field, code in cases:
        [payload] = (await stack.data(document, variables, headers)).values()
        assert payload["customer"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], variables


async def test_with_the_crm_down_nothing_changes_and_a_retry_is_asked_for(stack: Stack) -> None:
    await stack.fault(system="crm", down=True)

    payload = await preferences(stack, customer(), {"smsOptIn": True})

    assert payload["customer"] is None and [e["code"] for e in payload["userErrors"]] == ["UPSTREAM_UNAVAILABLE"]
