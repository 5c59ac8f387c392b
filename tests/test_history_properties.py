"""Properties of the merged history and of every cursor the gateway hands out."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from connectors.domain import Channel, Money, Purchase, System
from gateway.history import after_cursor, merge_newest_first, sort_key
from gateway.schema.cursors import decode_history_cursor, history_cursor, offset_cursor, parse_offset_cursor
from gateway.schema.keys import SKU
from gateway.schema.relay import global_id, parse_global_id

EPOCH = datetime(2023, 1, 1, tzinfo=UTC)


@st.composite
def histories(draw: st.DrawFn, source: System) -> list[Purchase]:
    """One system's purchases, newest first, with ties in time on purpose."""
    minutes = draw(st.lists(st.integers(0, 500), max_size=40))
    ids = draw(st.lists(st.text("0123456789ABC", min_size=1, max_size=6), min_size=len(minutes),
                        max_size=len(minutes), unique=True))
    purchases = [Purchase(id=i, source=source, channel=Channel.WEB, occurred_at=EPOCH + timedelta(minutes=m),
                          total=Money.from_cents(100), lines=()) for m, i in zip(minutes, ids, strict=True)]
    return sorted(purchases, key=sort_key)


@given(histories(System.WEBSHOP), histories(System.POS))
def test_merging_two_newest_first_histories_is_sorting_them_together(web: list[Purchase],
                                                                     pos: list[Purchase]) -> None:
    merged = merge_newest_first(web, pos)
    assert merged == sorted(web + pos, key=sort_key)
    assert all(a.occurred_at >= b.occurred_at for a, b in pairwise(merged))


@given(histories(System.WEBSHOP), histories(System.POS), st.integers(1, 7))
def test_walking_the_merge_by_cursor_sees_each_purchase_once(web: list[Purchase], pos: list[Purchase],
                                                             page: int) -> None:
    merged = merge_newest_first(web, pos)
    seen: list[Purchase] = []
    key = None
    while True:
        rest = after_cursor(merged, key)
        chunk = rest[:page]
        seen += chunk
        if len(rest) <= page:
            break
        key = decode_history_cursor(history_cursor(chunk[-1]))
    assert seen == merged


@given(histories(System.WEBSHOP), histories(System.POS), st.integers(0, 40))
def test_a_cursor_stays_put_when_a_failed_source_comes_back(web: list[Purchase], pos: list[Purchase],
                                                            cut: int) -> None:
    """A page read while the POS was down continues, once it is back, right after the same purchase."""
    web_only = merge_newest_first(web)
    if not web_only:
        return
    last = web_only[min(cut, len(web_only) - 1)]
    key = decode_history_cursor(history_cursor(last))
    after = after_cursor(merge_newest_first(web, pos), key)
    assert all(sort_key(p) > sort_key(last) for p in after)
    assert [p for p in after if p.source is System.WEBSHOP] == after_cursor(web_only, key)


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60))
def test_global_ids_round_trip(key: str) -> None:
    """The encoding holds any key: a type that no entry point resolves by key has no rule in `keys`."""
    assert parse_global_id(global_id("CustomerNote", key), "CustomerNote") == ("CustomerNote", key)


@given(st.from_regex(SKU.pattern, fullmatch=True))
def test_product_ids_of_well_formed_skus_round_trip(sku: str) -> None:
    assert parse_global_id(global_id("Product", sku), "Product") == ("Product", sku)


@given(st.integers(0, 10**9))
def test_offset_cursors_round_trip(offset: int) -> None:
    assert parse_offset_cursor(offset_cursor(offset)) == offset + 1


@given(st.text(max_size=40))
def test_any_string_as_a_history_cursor_is_decoded_or_refused_never_raised(text: str) -> None:
    decode_history_cursor(text)
