"""`omnigate webhooks register | status` run as a newcomer runs them, beside a gateway on 127.0.0.1 and the
simulators: twice leaves one subscription per system and topic, the systems' secrets in the ledger, and the
simulators' deliveries then verify at the gateway; clear one-line errors otherwise."""

import asyncio
from typing import Any

import pytest

from connectors.domain import System
from gateway.appkeys import BACKENDS_KEY
from gateway.webhooks.registration import POS_EVENT_TYPES, WEBSHOP_TOPICS
from simulators.world import World

from .processes import OMNIGATE, ROOT, environment
from .test_cli import help_of, options_in
from .test_sim_pos_support import stocked
from .test_webhooks_catchup import web_order
from .webhook_estate import Estate, estate, gateway, until

STORE = "PAR01"
WOO = "/webshop/wp-json/wc/v3"


async def omnigate(place: Estate, *args: str, **settings: str) -> tuple[int, list[str], list[str]]:
    """Exit code, stdout lines, stderr lines; the event loop keeps serving the gateway meanwhile. A setting
    given as "" is left unset."""
    chosen = {name: value for name, value in {**place.environ(), **settings}.items() if value != ""}
    process = await asyncio.create_subprocess_exec(
        *OMNIGATE, *args, cwd=ROOT, env=environment(**chosen),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode().splitlines(), err.decode().splitlines()


async def square_subscriptions(place: Estate) -> list[dict[str, Any]]:
    found = await place.sim("GET", "/pos/v2/webhooks/subscriptions?include_disabled=true")
    listed: list[dict[str, Any]] = found.get("subscriptions", [])
    return listed


async def woo_webhooks(place: Estate) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = await place.sim("GET", f"{WOO}/webhooks?per_page=100")
    return listed


async def test_registering_twice_leaves_one_subscription_per_system_and_topic_whose_deliveries_verify(
        live_world: World) -> None:
    async with estate(live_world) as place, gateway(place) as app:
        # when
        first = await omnigate(place, "webhooks", "register")
        second = await omnigate(place, "webhooks", "register")
        # then: one Square subscription, one WooCommerce webhook per topic, all to the gateway
        assert first[0] == second[0] == 0, (first, second)
        [square] = await square_subscriptions(place)
        assert square["notification_url"] == f"{place.public_url}/webhooks/pos" and square["enabled"]
        assert sorted(square["event_types"]) == sorted(POS_EVENT_TYPES)
        hooks = await woo_webhooks(place)
        assert sorted(h["topic"] for h in hooks) == sorted(WEBSHOP_TOPICS)
        assert {(h["delivery_url"], h["status"]) for h in hooks} == {(f"{place.public_url}/webhooks/webshop",
                                                                     "active")}
        # the secrets the systems sign with are the ones stored
        registrations = app[BACKENDS_KEY].registrations
        pos, shop = await registrations.get(System.POS), await registrations.get(System.WEBSHOP)
        assert pos is not None and shop is not None
        key = (await place.sim("GET", f"/pos/v2/webhooks/subscriptions/{square['id']}"))["subscription"]
        assert (pos.subscription_id, pos.secret) == (square["id"], key["signature_key"])
        assert sorted(shop.subscription_id.split(",")) == sorted(str(h["id"]) for h in hooks)
        assert {(await place.sim("GET", f"{WOO}/webhooks/{h['id']}"))["secret"] for h in hooks} == {shop.secret}
        assert len(shop.secret) >= 40
        # when: a sale at the till and a web order completed
        await place.sim("POST", "/_sim/pos/sales", {"location_id": STORE, "sku": stocked(live_world, STORE).sku})
        order = web_order(live_world)
        await place.sim("PUT", f"{WOO}/orders/{order}", {"status": "completed"})
        # then: both delivered and taken by the gateway
        pos_log, shop_log = await place.settled("pos"), await place.settled("webshop")
        assert pos_log and {d["status"] for d in pos_log} == {200}, pos_log
        assert any(d["status"] == 200 for d in shop_log) and all(d["status"] < 300 for d in shop_log), shop_log
        inbox = app[BACKENDS_KEY].inbox

        async def delivered() -> bool:
            return None not in (await inbox.last_delivery_at(System.POS), await inbox.last_delivery_at(
                System.WEBSHOP))

        await until(delivered, "the deliveries were not kept")
        # and the status lists them, Omnigate's marked, with their last delivery
        code, lines, errors = await omnigate(place, "webhooks", "status")
    assert (code, errors) == (0, [])
    ours = [line.split("\t") for line in lines if line.split("\t")[0] in ("pos*", "webshop*")]
    assert len(ours) == 1 + len(WEBSHOP_TOPICS), lines
    assert all(row[2] == "enabled" and row[3].startswith(place.public_url) for row in ours)
    assert all(row[5].startswith("last delivery 20") for row in ours), lines


async def test_without_a_public_url_register_says_so_in_one_line(live_world: World) -> None:
    async with estate(live_world) as place:
        code, lines, errors = await omnigate(place, "webhooks", "register", OMNIGATE_PUBLIC_URL="")
    assert code == 2 and lines == []
    assert len(errors) == 1 and errors[0].startswith("omnigate: webhooks register needs OMNIGATE_PUBLIC_URL")


async def test_a_system_that_refuses_is_named_in_one_line_and_the_exit_code_says_it_failed(
        live_world: World) -> None:
    async with estate(live_world) as place:
        # Square takes only HTTPS (the simulator lets plain HTTP through to loopback addresses only)
        code, _, errors = await omnigate(place, "webhooks", "register", OMNIGATE_PUBLIC_URL="http://omnigate.example")
        assert await square_subscriptions(place) == []
    assert code == 1
    assert any(line.startswith("omnigate: pos refused the webhook registration: HTTP 400") for line in errors), errors
    assert all(line.startswith("omnigate: ") for line in errors)


@pytest.mark.parametrize("action", ["register", "status"])
def test_help_of_each_action_lists_its_options_with_their_defaults(
        action: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert options_in(help_of(capsys, "webhooks", action)) == {"--config FILE": "(unset: environment only)"}


async def test_status_lists_what_answers_and_names_a_system_that_does_not_in_one_line(live_world: World) -> None:
    async with estate(live_world) as place, gateway(place):
        assert (await omnigate(place, "webhooks", "register"))[0] == 0
        await place.sim("POST", "/_sim/faults", {"system": "webshop", "down": True})
        code, lines, errors = await omnigate(place, "webhooks", "status", OMNIGATE_UPSTREAM_RETRIES="0")
    assert code == 1
    [row] = [line.split("\t") for line in lines]
    assert (row[0], row[2], row[5]) == ("pos*", "enabled", "last delivery never")
    assert len(errors) == 1 and errors[0].startswith("omnigate: webshop did not list its webhook subscriptions: ")
