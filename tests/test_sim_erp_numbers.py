"""ERP simulator: odd numbers in query options and filters are a 400 in the OData shape or no match, never a crash."""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from simulators.erp.odata_server.errors import ODataError, Version
from simulators.erp.odata_server.filter_ast import Compare, Literal
from simulators.erp.odata_server.filter_parser import parse_expression
from simulators.world import World

from .test_sim_erp_support import PRODUCT_ROOT, STOCK_ROOT, Erp, running_erp

PRODUCTS = f"{PRODUCT_ROOT}/Product"
STOCK = f"{STOCK_ROOT}/A_MatlStkInAcctMod"
HUGE = "9" * 5000  # past Python's 4,300-digit limit on int()


@pytest.fixture
async def erp(world: World) -> AsyncIterator[Erp]:
    async with running_erp(world) as running:
        yield running


@pytest.mark.parametrize("option", ["$top", "$skip", "$skiptoken"])
@pytest.mark.parametrize("value", [HUGE, "9" * 20, "²", "١٢", "1e3", "-1"])
async def test_a_paging_option_that_is_no_int64_is_refused(erp: Erp, option: str, value: str) -> None:
    # when $top, $skip or $skiptoken is past Edm.Int64, not ASCII digits, or not a whole number
    status, body = await erp.get(PRODUCTS, {option: value})
    # then it is a v4 400 naming the option
    assert status == 400
    assert body["error"]["message"] == f"Invalid value '{value[:40]}' for system query option {option}"


async def test_the_largest_int64_top_is_served(erp: Erp, world: World) -> None:
    status, body = await erp.get(PRODUCTS, {"$top": str(2**63 - 1), "$select": "Product"})
    assert status == 200 and len(body["value"]) == len(world.products)


@pytest.mark.parametrize("path", [PRODUCTS, STOCK])
async def test_an_integer_literal_past_int64_is_a_decimal_that_matches_nothing(erp: Erp, path: str) -> None:
    prop = "GrossWeight" if path == PRODUCTS else "MatlWrhsStkQtyInMatlBaseUnit"
    status, body = await erp.get(path, {"$filter": f"{prop} gt {HUGE}", "$format": "json"})
    assert status == 200
    assert (body.get("value") if path == PRODUCTS else body["d"]["results"]) == []


async def test_digits_other_than_ascii_are_an_invalid_token(erp: Erp) -> None:
    status, body = await erp.get(PRODUCTS, {"$filter": "GrossWeight gt ١٢"})
    assert status == 400
    assert body["error"]["message"].startswith("Invalid token at position 16")


def test_int64_literals_are_ints_and_longer_ones_decimals() -> None:
    for text, value in (("9223372036854775807", 9223372036854775807), ("-12", -12), ("9" * 20, Decimal("9" * 20))):
        tree = parse_expression(f"Qty eq {text}", Version.V4)
        assert isinstance(tree, Compare) and tree.right == Literal(value, "number")
        assert type(tree.right.value) is type(value)


def test_a_suffixed_v2_literal_of_5000_digits_parses() -> None:
    tree = parse_expression(f"Qty eq {HUGE}M", Version.V2)
    assert isinstance(tree, Compare) and tree.right == Literal(Decimal(HUGE), "number")


def test_a_unicode_digit_never_reaches_int() -> None:
    with pytest.raises(ODataError):
        parse_expression("Qty eq ²", Version.V4)
