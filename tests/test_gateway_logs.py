"""One log line per request and per failed back-office call, as JSON in production, with what an operator
needs (operation, status, duration, role, upstream calls, trace and request ids) and no personal data."""

import json
import logging
from typing import Any

import pytest

from gateway.auth.principals import Role
from gateway.observability.logs import JsonFormatter, TextFormatter
from gateway.schema.relay import global_id
from tests.harness import Stack, bearer

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"
PROFILE = "query Profile($id: ID!) { customer(id: $id) { firstName email purchaseHistory(first: 2) { totalCount } } }"
REQUEST_FIELDS = {"ts", "level", "logger", "message", "event", "method", "route", "status", "outcome",
                  "duration_ms", "operation", "operation_type", "role", "upstream_calls", "upstream_failures",
                  "trace_id", "request_id"}


def json_lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


async def test_a_request_is_one_json_line_without_personal_data(stack: Stack,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    # given a customer reading their own profile, with their id in the variables and a token in the header
    customer = stack.world.customers[3]
    headers = {**bearer(Role.CUSTOMER, customer.crm_id), "traceparent": TRACEPARENT, "X-Request-Id": "req-logs-0001"}
    caplog.set_level(logging.INFO)

    # when it runs
    data = await stack.data(PROFILE, {"id": global_id("Customer", customer.crm_id)}, headers)
    assert data["customer"]["email"] == customer.email

    # then one line says what happened
    [line] = json_lines(caplog, "omnigate.request")
    assert set(line) == REQUEST_FIELDS
    assert {k: line[k] for k in ("event", "method", "route", "status", "outcome", "operation", "operation_type",
                                 "role", "trace_id", "request_id", "upstream_failures")} == {
        "event": "request", "method": "POST", "route": "/graphql", "status": 200, "outcome": "ok",
        "operation": "Profile", "operation_type": "query", "role": "customer", "trace_id": TRACE_ID,
        "request_id": "req-logs-0001", "upstream_failures": 0}
    assert line["upstream_calls"] >= 2 and line["duration_ms"] > 0
    # and no line of the request names the customer, their contact data or the credential
    everything = "\n".join(JsonFormatter().format(r) + TextFormatter().format(r) for r in caplog.records
                            if r.name.startswith("omnigate"))  # the gateway's, not the simulators' access logs
    for secret in (customer.crm_id, customer.email, customer.first_name, customer.last_name,
                   headers["Authorization"].split()[1], global_id("Customer", customer.crm_id)):
        assert secret not in everything


async def test_a_failed_back_office_call_is_one_line_naming_the_system_not_the_url(
        stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    # given a CRM that answers 503 to everything
    customer = stack.world.customers[5]
    await stack.fault(system="crm", down=True)
    caplog.set_level(logging.INFO)

    # when staff read a customer, whose id goes into the CRM's URL
    body = await stack.graphql(PROFILE, {"id": global_id("Customer", customer.crm_id)},
                               {**bearer(Role.STAFF, "staff-logs"), "traceparent": TRACEPARENT})
    assert body["errors"][0]["extensions"]["source"] == "crm"

    # then each failed call is a line naming the system, and the request line counts them
    failures = json_lines(caplog, "omnigate.upstream")
    assert failures and {(f["event"], f["system"], f["status"], f["trace_id"]) for f in failures} == {
        ("upstream_failure", "crm", 503, TRACE_ID)}
    [request] = json_lines(caplog, "omnigate.request")
    assert (request["outcome"], request["upstream_failures"]) == ("partial", len(failures))
    everything = "\n".join(JsonFormatter().format(r) for r in caplog.records if r.name.startswith("omnigate"))
    assert customer.crm_id not in everything and "/services/" not in everything


async def test_probes_are_not_logged_at_info(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with stack.http.get(f"{stack.gateway_url}/healthz") as r:
        assert r.status == 200
    assert json_lines(caplog, "omnigate.request") == []


def test_text_lines_are_for_people() -> None:
    record = logging.LogRecord("omnigate.request", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"event": "request", "status": 200, "operation": "Profile", "trace_id": None}
    assert TextFormatter().format(record).endswith("INFO omnigate.request request status=200 operation=Profile")
