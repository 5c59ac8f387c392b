"""The product crosswalk: skus matched across case and spaces, each mismatch reported once."""

import logging

import pytest

from gateway.crosswalk import Crosswalk, DataQualityLog

ERP_KEYS = [("CAM-10001", "3600000000017"), ("BIK-10002", "3600000000024"), ("RUN-10003", None)]
WEBSHOP_KEYS = [("2001", "CAM-10001"), ("2002", " bik - 10002 "), ("2003", "GONE-1")]


def test_web_shop_skus_are_matched_after_normalising_case_and_spaces() -> None:
    crosswalk = Crosswalk(ERP_KEYS, WEBSHOP_KEYS, DataQualityLog())
    assert crosswalk.webshop_id_of == {"CAM-10001": "2001", "BIK-10002": "2002"}
    assert crosswalk.sku_of_webshop_id["2002"] == "BIK-10002"
    assert crosswalk.canonical_sku("  cam-10001") == "CAM-10001"
    assert crosswalk.sku_for_line("whatever", "3600000000024") == "BIK-10002"
    assert crosswalk.sku_for_line("run-10003 ", None) == "RUN-10003"
    assert crosswalk.sku_for_line(None, "0000000000000") is None


def test_each_mismatch_is_logged_once_across_refreshes(caplog: pytest.LogCaptureFixture) -> None:
    quality = DataQualityLog()
    with caplog.at_level(logging.WARNING, logger="omnigate.data_quality"):
        Crosswalk(ERP_KEYS, WEBSHOP_KEYS, quality)
        Crosswalk(ERP_KEYS, WEBSHOP_KEYS, quality)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert any("' bik - 10002 '" in m and "BIK-10002" in m for m in messages)
    assert any("'GONE-1'" in m and "unknown to the ERP" in m for m in messages)


def test_without_the_web_shop_listing_its_ids_are_unknown() -> None:
    crosswalk = Crosswalk(ERP_KEYS, None, DataQualityLog())
    assert not crosswalk.webshop_known and crosswalk.webshop_id_of == {}
