"""The one mechanism for partial failure: what answered, which systems failed, each failure recorded once."""

from types import SimpleNamespace
from typing import Any, cast

import pytest
from graphql import GraphQLError
from strawberry.types import Info

from connectors.errors import UpstreamRejected, UpstreamUnavailable
from gateway.schema.partial import gather_sources


async def answer(value: str) -> str:
    return value


async def fail(error: Exception) -> str:
    raise error


def field_info(*path: str | int) -> Info[Any, Any]:
    """What `record` reads of a resolver's info: the field's path and the request's partial errors."""
    as_list = SimpleNamespace(as_list=lambda: list(path))
    return cast(Info[Any, Any], SimpleNamespace(path=as_list, context=SimpleNamespace(partial_errors=[])))


async def test_what_answered_is_kept_in_the_order_asked_and_the_failed_systems_are_named() -> None:
    partial = await gather_sources({"webshop": fail(UpstreamUnavailable("webshop", "down")), "pos": answer("receipts"),
                                    "erp": answer("orders"), "crm": fail(UpstreamRejected("crm", "401", 401))})
    assert list(partial.answered.items()) == [("pos", "receipts"), ("erp", "orders")]
    assert partial.unavailable == ["crm", "webshop"]


async def test_a_bug_is_raised_not_taken_for_an_outage() -> None:
    with pytest.raises(KeyError):
        await gather_sources({"pos": answer("receipts"), "webshop": fail(KeyError("bug"))})


async def test_each_failure_is_recorded_once_on_the_field_with_its_code_and_source() -> None:
    # given a field whose two systems failed, one down and one refusing
    info = field_info("product", "price", "channelPrices")
    partial = await gather_sources({"pos": fail(UpstreamUnavailable("pos", "timeout after 2 s")),
                                    "webshop": fail(UpstreamRejected("webshop", "403 from 10.0.0.7", 403))})
    # when the field reports them
    partial.reported(info)
    # then each is one error at the field's path, naming the system and nothing of the upstream's detail
    errors: list[GraphQLError] = info.context.partial_errors
    assert [(e.message, e.path, e.extensions) for e in errors] == [
        ("pos is unavailable", ["product", "price", "channelPrices"],
         {"code": "UPSTREAM_UNAVAILABLE", "source": "pos"}),
        ("webshop refused the request", ["product", "price", "channelPrices"],
         {"code": "UPSTREAM_ERROR", "source": "webshop"}),
    ]


async def test_an_answer_that_needs_every_system_raises_the_first_failure() -> None:
    down = UpstreamUnavailable("pos", "down")
    partial = await gather_sources({"pos": fail(down), "webshop": answer("price")})
    with pytest.raises(UpstreamUnavailable) as raised:
        partial.whole()
    assert raised.value is down
    assert (await gather_sources({"pos": answer("price")})).whole() == {"pos": "price"}
