"""Every cursor format round-trips, and an edited or foreign cursor is the client's error, never ours."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.domain import Channel, Hold, Money, Purchase, System
from gateway.errors import GatewayError
from gateway.history import sort_key
from gateway.schema.cursors import (
    MAX_OFFSET,
    decode_history_cursor,
    history_cursor,
    hold_cursor,
    offset_cursor,
    parse_history_cursor,
    parse_hold_cursor,
    parse_offset_cursor,
)

MOMENT = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)


def raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def purchase(ident: str, source: System = System.POS, at: datetime = MOMENT) -> Purchase:
    return Purchase(id=ident, source=source, channel=Channel.STORE, occurred_at=at, total=Money.from_cents(100),
                    lines=())


@given(st.text(min_size=1, max_size=30), st.sampled_from([System.WEBSHOP, System.POS]), st.integers(-10**6, 10**6))
def test_a_history_cursor_names_its_purchases_sort_key(ident: str, source: System, minutes: int) -> None:
    p = purchase(ident, source, MOMENT + timedelta(minutes=minutes))
    assert parse_history_cursor(history_cursor(p)) == sort_key(p)


def test_no_cursor_means_from_the_start() -> None:
    assert parse_offset_cursor(None) == 0
    assert parse_history_cursor(None) is None


def test_the_last_offset_we_issue_still_parses() -> None:
    assert parse_offset_cursor(offset_cursor(MAX_OFFSET - 1)) == MAX_OFFSET


@pytest.mark.parametrize("cursor", [
    raw("offset:-1"), raw(f"offset:{MAX_OFFSET}"), raw("offset:"), raw("offset:1e3"), raw("page:3"), raw("3"),
    "!!!", "b2Zmc2V0OjE", base64.urlsafe_b64encode(b"\xff\xfe:1").decode(),
])
def test_an_edited_offset_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(GatewayError, match="is not a valid cursor"):
        parse_offset_cursor(cursor)


@pytest.mark.parametrize("cursor", [
    raw("yesterday|pos|R1"), raw(f"{MOMENT.isoformat()}|ledger|R1"), raw(f"{MOMENT.isoformat()}|pos"),
    raw("offset:3"), "%%%", base64.urlsafe_b64encode(b"\xff|pos|R1").decode(), "",
])
def test_an_edited_history_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(GatewayError, match="is not a valid cursor"):
        parse_history_cursor(cursor)


def test_one_formats_cursor_is_refused_by_the_other() -> None:
    with pytest.raises(GatewayError):
        parse_offset_cursor(history_cursor(purchase("R1")))
    with pytest.raises(GatewayError):
        parse_history_cursor(offset_cursor(3))


@given(st.integers(0, 200), st.integers(0, 255))
def test_any_one_byte_edit_of_a_history_cursor_is_decoded_or_refused_never_raised(at: int, byte: int) -> None:
    cursor = bytearray(history_cursor(purchase("R-17|x")).encode())
    cursor[at % len(cursor)] = byte
    decode_history_cursor(cursor.decode("latin-1"))


@given(st.text(min_size=1, max_size=30), st.integers(-10**6, 10**6))
def test_a_reservation_cursor_names_its_holds_place_in_the_ledger(ident: str, minutes: int) -> None:
    at = MOMENT + timedelta(minutes=minutes)
    assert parse_hold_cursor(hold_cursor(Hold(ident, "SKU", "L7", 1, None, None, at, at))) == (at, ident)
    assert parse_hold_cursor(None) is None


@pytest.mark.parametrize("cursor", [
    raw(f"hold:{MOMENT.isoformat()}|"), raw(f"hold:{MOMENT.isoformat()}"), raw("hold:2026-11-20T12:30:00|H1"),
    raw(f"offset:{MOMENT.isoformat()}|H1"), raw("hold:yesterday|H1"), "%%%", "",
])
def test_an_edited_reservation_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(GatewayError, match="is not a valid cursor"):
        parse_hold_cursor(cursor)
