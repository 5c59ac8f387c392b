"""The ERP simulator's OData engine without HTTP: parsing, binding, evaluation, ordering, shapes, pages."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from simulators.erp.odata_server.errors import ODataError, Version
from simulators.erp.odata_server.filter_ast import (
    BoolOp,
    Compare,
    Literal,
    Not,
    Path,
    count_comparisons,
    key_values,
)
from simulators.erp.odata_server.filter_compile import compile_filter
from simulators.erp.odata_server.filter_parser import parse_expression, parse_key
from simulators.erp.odata_server.lexer import split_outside
from simulators.erp.odata_server.model import Edm, EntityType, Navigation, Prop, Row
from simulators.erp.odata_server.ordering import parse_orderby, sort_rows
from simulators.erp.odata_server.query import Query, page_of
from simulators.erp.odata_server.shape import build_shape

V2, V4 = Version.V2, Version.V4
S = Prop(Edm.STRING)
LINE = EntityType("Line", {"Id": S, "Text": S}, ("Id",))
HEAD = EntityType("Head", {"Id": S, "Name": S, "Price": Prop(Edm.DECIMAL), "Qty": Prop(Edm.INT32),
                           "Active": Prop(Edm.BOOLEAN), "Day": Prop(Edm.DATE), "At": Prop(Edm.DATETIMEOFFSET)},
                  ("Id",), {"Lines": Navigation(LINE, many=True), "First": Navigation(LINE, many=False)})
LINES = [{"Id": "L1", "Text": "Perceuse 18V"}, {"Id": "L2", "Text": "Batterie"}]
ROWS: list[Row] = [
    {"Id": "A", "Name": "O'Neil", "Price": Decimal("9.990"), "Qty": 3, "Active": True, "Day": date(2025, 6, 1),
     "At": datetime(2025, 6, 1, 8, tzinfo=UTC), "Lines": LINES, "First": LINES[0]},
    {"Id": "B", "Name": "Bosch perceuse", "Price": Decimal("120.000"), "Qty": 0, "Active": False,
     "Day": date(2025, 7, 1), "At": datetime(2025, 7, 1, tzinfo=UTC), "Lines": [], "First": None},
    {"Id": "C", "Name": None, "Price": Decimal("15.500"), "Qty": 7, "Active": True, "Day": date(2025, 5, 1),
     "At": datetime(2025, 5, 1, tzinfo=UTC), "Lines": LINES[1:], "First": LINES[1]},
]
MATCHES = [
    ("Id eq 'A' or Id eq 'C'", V4, "AC"),
    ("Name eq 'O''Neil'", V4, "A"),
    ("Name eq null", V4, "C"),
    ("Name ne null and Qty gt 0", V4, "A"),
    ("not (Qty gt 0)", V4, "B"),
    ("not Active", V4, "B"),
    ("Active eq true and Price lt 10", V4, "A"),
    ("Price ge 15.5", V4, "BC"),
    ("Day ge 2025-06-01", V4, "AB"),
    ("At lt 2025-06-01T09:00:00Z", V4, "AC"),
    ("contains(Name,'PERCEUSE')", V4, "B"),
    ("startswith(Name,'Bosch') or endswith(Name,'Neil')", V4, "AB"),
    ("tolower(Name) eq 'bosch perceuse'", V4, "B"),
    ("length(Name) eq 6", V4, "A"),
    ("Lines/any(l:contains(l/Text,'batt'))", V4, "AC"),
    ("Lines/all(l:l/Id ne 'L1')", V4, "BC"),
    ("Lines/any()", V4, "AC"),
    ("First/Text eq 'Batterie'", V4, "C"),
    ("Id eq 'A' or Id eq 'B' and Qty gt 5", V4, "A"),
    ("(Id eq 'A' or Id eq 'B') and Qty gt 0", V4, "A"),
    ("substringof('perceuse',Name) eq true", V2, "B"),
    ("Price gt 100M", V2, "B"),
    ("At ge datetime'2025-06-01T00:00:00'", V2, "AB"),
    ("At lt datetimeoffset'2025-06-01T08:00:00Z'", V2, "C"),
]
REFUSED = [
    ("Name eq 5", V4), ("Qty eq 'x'", V4), ("Day eq 2025-06-01T00:00:00Z", V4), ("Nope eq 1", V4),
    ("Lines eq 'x'", V4), ("Lines/Text eq 'x'", V4), ("First/any(l:l/Id eq 'x')", V4), ("Qty", V4),
    ("Qty and Active", V4), ("contains(Qty,'1')", V4), ("contains(Name)", V4), ("Day eq 2025-06-01", V2),
    ("Price gt 1M", V4), ("At ge datetime'2025-06-01T00:00:00'", V4), ("Lines/any(l:l/Id eq 'x')", V2),
    ("Name eq 'x' Name", V4), ("Name eq 'x", V4), ("Name eq #", V4), ("At ge datetime'2025-13-01'", V2),
]


def matching(text: str, version: Version) -> str:
    keep = compile_filter(parse_expression(text, version), HEAD)
    return "".join(row["Id"] for row in ROWS if keep(row))


@pytest.mark.parametrize(("text", "version", "expected"), MATCHES)
def test_filters_select_the_right_rows(text: str, version: Version, expected: str) -> None:
    # when the filter is compiled and applied, then it keeps exactly the expected rows
    assert matching(text, version) == expected


@pytest.mark.parametrize(("text", "version"), REFUSED)
def test_bad_filters_are_400(text: str, version: Version) -> None:
    # when a malformed, ill-typed or wrong-dialect filter is compiled, then it is a 400
    with pytest.raises(ODataError) as refused:
        matching(text, version)
    assert refused.value.status == 400


def test_not_binds_to_its_operand_and_and_binds_before_or() -> None:
    # when an expression mixes the three, then the tree follows OData precedence
    tree = parse_expression("not Active or Id eq 'A' and Qty gt 1", V4)
    assert isinstance(tree, BoolOp) and tree.op == "or"
    assert tree.operands[0] == Not(Path(("Active",)))
    assert isinstance(tree.operands[1], BoolOp) and tree.operands[1].op == "and"


def test_deep_nesting_is_refused_not_crashed() -> None:
    # when an expression nests far too deep, then it is a 400
    with pytest.raises(ODataError):
        parse_expression("(" * 500 + "Active" + ")" * 500, V4)
    with pytest.raises(ODataError):
        parse_expression("not " * 500 + "Active", V4)


def test_key_values_are_pinned_only_when_every_branch_pins_them() -> None:
    # when filters pin the key or do not, then the index is used only where it is safe
    pinned = key_values(parse_expression("(Id eq 'A' or Id eq 'B') and Qty gt 0", V4), "Id")
    assert pinned == frozenset({"A", "B"})
    assert key_values(parse_expression("Id eq 'A' or Qty gt 0", V4), "Id") is None
    assert key_values(parse_expression("Id eq 'A' and Id eq 'B'", V4), "Id") == frozenset()
    assert key_values(parse_expression("not (Id eq 'A')", V4), "Id") is None


def test_comparisons_are_counted_everywhere() -> None:
    # when a filter has comparisons inside lambdas and negations, then all are counted
    tree = parse_expression("Id eq 'A' or not (Qty gt 1) or Lines/any(l:l/Id eq 'x' and l/Text ne 'y')", V4)
    assert count_comparisons(tree) == 4


def test_literals_of_each_kind() -> None:
    # when literals of each kind are parsed, then they carry typed values
    tree = parse_expression("Day eq 2025-06-01 and At eq 2025-06-01T00:00:00.1234567+02:00 and Price eq -1.5", V4)
    assert isinstance(tree, BoolOp)
    values = [op.right for op in tree.operands if isinstance(op, Compare)]
    assert values == [Literal(date(2025, 6, 1), "date"),
                      Literal(datetime(2025, 5, 31, 22, 0, 0, 123456, tzinfo=UTC), "datetime"),
                      Literal(Decimal("-1.5"), "number")]


def test_key_predicates() -> None:
    # when single and composite keys are parsed, then names and typed values come back
    assert parse_key("'AB-100'", V4) == [(None, Literal("AB-100", "string"))]
    assert parse_key("Rec='1',End=datetime'9999-12-31T00:00:00'", V2) == [
        ("Rec", Literal("1", "string")), ("End", Literal(datetime(9999, 12, 31, tzinfo=UTC), "datetime"))]


def test_orderby_sorts_on_several_keys_with_nulls_first() -> None:
    # when rows are ordered by two keys, then ties fall to the second and nulls lead ascending
    by_active_then_name = parse_orderby("Active desc,Name", HEAD, V4)
    assert [r["Id"] for r in sort_rows(ROWS, by_active_then_name)] == ["C", "A", "B"]
    assert [r["Id"] for r in sort_rows(ROWS, parse_orderby("Name desc", HEAD, V4))] == ["A", "B", "C"]
    with pytest.raises(ODataError):
        parse_orderby("Lines", HEAD, V4)


def test_split_outside_respects_parentheses_and_quotes() -> None:
    # when an option list is split, then commas inside parentheses or strings stay
    assert split_outside("A($select=x,y;$filter=T eq 'a,b'),B", ",") == ["A($select=x,y;$filter=T eq 'a,b')", "B"]


def test_v2_shapes_select_through_navigations() -> None:
    # when v2 selects a property of an expanded navigation and leaves another deferred
    shape = build_shape(HEAD, V2, "Id,First/Text,Lines", "First")
    # then the expanded one is narrowed and the other is a deferred link
    assert shape.properties == ("Id",)
    assert shape.expanded["First"].shape.properties == ("Text",)
    assert shape.deferred == ("Lines",)


def test_v4_shapes_nest_options() -> None:
    # when v4 expands with nested options
    shape = build_shape(HEAD, V4, "Id", "Lines($select=Text;$filter=Id eq 'L2';$orderby=Text desc)")
    expansion = shape.expanded["Lines"]
    # then they apply to the related rows
    assert expansion.shape.properties == ("Text",)
    assert expansion.keep is not None and [r["Id"] for r in LINES if expansion.keep(r)] == ["L2"]
    with pytest.raises(ODataError):
        build_shape(HEAD, V4, None, "Lines($top=1x)")


@pytest.mark.parametrize(("version", "top", "skiptoken", "expected"), [
    (V4, None, 0, (0, 100, 100)), (V4, None, 12000, (12000, 12000, None)), (V4, 6000, 0, (0, 5000, 5000)),
    (V4, 6000, 5000, (5000, 6000, None)), (V4, 5000, 0, (0, 5000, None)), (V2, None, 0, (0, 1000, 1000)),
    (V2, 2500, 2000, (2000, 2500, None)), (V2, 10, 0, (0, 10, None)),
])
def test_pages_are_capped_per_version(version: Version, top: int | None, skiptoken: int,
                                      expected: tuple[int, int, int | None]) -> None:
    # given twelve thousand rows
    rows: list[dict[str, Any]] = [{"n": n} for n in range(12000)]
    # when a page is cut, then it starts, stops and links on as the caps say
    page = page_of(rows, Query(build_shape(LINE, version, None, None), top=top, skiptoken=skiptoken), version)
    first = page.rows[0]["n"] if page.rows else expected[0]
    assert (first, first + len(page.rows), page.next_token) == expected
    assert page.total == 12000
