"""The store console in a real browser: Debian's headless Chromium, allowed 127.0.0.1 only. Staff sign in with
the keyboard, a request made with the app's token arrives without a reload and is confirmed, and the app reads
CONFIRMED; a hold made in the app is listed to prepare and collected; a till sale pushed by the POS changes the
kiosk's stock figure; a lost connection reconnects and catches up; a wrong token is refused with a sentence; a kiosk
sees what a kiosk may do and no more.

scripts/test.sh installs Chromium when it is missing; without it these tests skip and say so (fail with
TESTS_REQUIRE_CHROMIUM=1). CONSOLE_SCREENSHOT=docs/console.png also saves the screenshot of a request listed
there (tests/artefacts/console.png always).
"""

import asyncio
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, WebSocketRoute, async_playwright, expect

from gateway.auth.principals import Role
from gateway.ide import HeaderPreset
from gateway.schema.relay import global_id, parse_global_id
from simulators.world import World
from tests.harness import Stack, api_key, bearer, running_stack
from tests.subscribers import until_streams
from tests.test_gateway_appointments import REQUEST, opening
from tests.test_gateway_reservations import OWNER, RESERVE, customer, few_left, reserve_input
from tests.test_gateway_reservations import STORE as HOLDING_STORE
from tests.test_ide_browser import ARTEFACTS, CHROMIUM, CHROMIUM_FLAGS, _local_only
from tests.test_webhooks_events import cached_stack, push_from_pos
from tests.test_webhooks_receive import SETTLE_S, sell_at_the_till, variation_of

__all__ = ["cached_stack"]  # the fixture
STORE = "PAR01"  # takes appointments; the harness's first kiosk is bound to it
OVERDUE = "query($store: ID) { overdueAppointments(storeId: $store) { id topic respondBy } }"
PENDING = "query($store: ID) { pendingAppointments(storeId: $store) { id respondBy } }"
MINE = "{ me { appointments { id status } } }"
SESSION = "() => sessionStorage.getItem('omnigate.console.session')"
# a lost network closes with 1006, which no one may send: 1012 (service restart) is retried the same way
BROKEN = 1012
EXPECTED = re.compile(r"^WebSocket connection to|status of 401 \(Unauthorized\)")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("TESTS_REQUIRE_CHROMIUM"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium package as root")
        pytest.skip(f"CONSOLE BROWSER TEST NOT RUN: {CHROMIUM} is missing (apt-get install chromium, "
                    "or run scripts/test.sh as root)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


class Watched:
    """A page that may reach 127.0.0.1 only, with what it was refused and what went wrong in it."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context, self.page = context, page
        self.refused: list[str] = []
        self.problems: list[str] = []

    @classmethod
    async def open(cls, browser: Browser, url: str, width: int = 1400) -> "Watched":
        context = await browser.new_context(viewport={"width": width, "height": 1000})
        watched = cls(context, await context.new_page())
        await context.route("**/*", lambda route: _local_only(route, watched.refused))
        # a CSP refusal or a script error is a failure; a WebSocket being retried or a refused credential is not
        watched.page.on("console", lambda m: watched.problems.append(m.text)
                        if m.type == "error" and not EXPECTED.search(m.text) else None)
        watched.page.on("pageerror", lambda error: watched.problems.append(str(error)))
        await watched.page.goto(f"{url}/console")
        return watched

    async def close(self) -> None:
        await self.context.close()
        assert self.refused == [] and self.problems == []


def staff(store: str | None = STORE) -> str:
    return bearer(Role.STAFF, f"console-{store}", store=store)["Authorization"].removeprefix("Bearer ")


async def keyboard_sign_in(page: Page, secret: str) -> None:
    """The page opens with the focus in the credential field: type, Enter."""
    await page.locator("#credential").wait_for()
    await expect(page.locator("#credential")).to_be_focused()
    await page.keyboard.type(secret, delay=0)
    await page.keyboard.press("Enter")


async def tab_to(page: Page, text: str, limit: int = 40) -> None:
    """Tab until a control whose text starts with `text` has the focus, as someone without a mouse would."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if (await page.evaluate("document.activeElement.textContent || ''")).startswith(text):
            return
    raise AssertionError(f"no control {text!r} within {limit} Tabs")


async def request_appointment(stack: Stack, store: str, topic: str) -> dict[str, Any]:
    variables = {"input": {"idempotencyKey": f"console-{topic}", "storeId": global_id("Store", store),
                           "topic": topic, "requestedFor": opening(stack, store)}}
    payload: dict[str, Any] = (await stack.data(REQUEST, variables, customer()))["requestAppointment"]
    assert payload["userErrors"] == []
    appointment: dict[str, Any] = payload["appointment"]
    return appointment


async def store_with_overdue_requests(stack: Stack) -> tuple[str, list[dict[str, Any]]]:
    """A store whose seeded bookings include requests past their time to answer, and those requests."""
    later = datetime.now(UTC) + timedelta(hours=1)
    store_of = {b.id: b.store_code for b in stack.world.bookings if b.status == "PENDING" and b.start_at > later}
    everywhere = (await stack.data(OVERDUE, {}, bearer(Role.STAFF, "x")))["overdueAppointments"]
    store = next(store_of[booking] for booking in (parse_global_id(a["id"], "Appointment")[1] for a in everywhere)
                 if booking in store_of)
    overdue = await stack.data(OVERDUE, {"store": global_id("Store", store)}, bearer(Role.STAFF, "x", store))
    return store, overdue["overdueAppointments"]


async def pending_at(stack: Stack, store: str) -> list[dict[str, Any]]:
    """The requests waiting for an answer at the store, as the console lists them: the earliest respondBy first."""
    found = await stack.data(PENDING, {"store": global_id("Store", store)}, bearer(Role.STAFF, "x", store))
    waiting: list[dict[str, Any]] = found["pendingAppointments"]
    return waiting


@pytest.mark.timeout(120)
async def test_staff_see_a_request_from_the_app_arrive_live_and_confirm_it(stack: Stack, browser: Browser) -> None:
    # given staff of a store with overdue requests signed in at /console, live, serving a customer at the counter
    store, overdue = await store_with_overdue_requests(stack)
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await keyboard_sign_in(page, staff(store))
    await expect(page.locator("#store-name")).to_contain_text(f"({store}) · staff")
    await expect(page.locator("#live-status")).to_have_text("Live", timeout=15000)
    await expect(page.locator("#appointment-list li")).to_have_count(len(await pending_at(stack, store)))
    await page.locator("#barcode-input").fill(stack.world.products[0].sku)
    await page.keyboard.press("Enter")
    await page.locator("#customer-input").fill(next(c.card for c in stack.world.customers if c.crm_id == OWNER) or "")
    await page.keyboard.press("Enter")
    await expect(page.locator("#customer-result h3")).not_to_be_empty()

    # when the customer asks for an appointment in the app (over HTTP, with the app's token)
    asked = await request_appointment(stack, store, "Test drive of the e-bike")

    # then it appears without a reload, in its place by the time left to answer (the overdue ones first), announced
    # to screen readers
    card = page.locator(f'#appointment-list li[data-id="{asked["id"]}"]')
    await expect(card).to_contain_text("Test drive of the e-bike", timeout=5000)
    await expect(card.locator(".due")).to_contain_text("left")
    await expect(page.locator("#announcer")).to_contain_text("New appointment request: Test drive of the e-bike")
    listed = await page.locator("#appointment-list li").evaluate_all("items => items.map(i => i.dataset.id)")
    waiting = await pending_at(stack, store)
    assert listed == [a["id"] for a in waiting] and asked["id"] in listed
    assert listed[:len(overdue)] == [a["id"] for a in sorted(overdue, key=lambda a: a["respondBy"])]
    ARTEFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTEFACTS / "console.png", full_page=True)
    if os.environ.get("CONSOLE_SCREENSHOT"):
        await page.screenshot(path=Path(os.environ["CONSOLE_SCREENSHOT"]), full_page=True)

    # when staff confirm it
    await card.get_by_role("button", name="Confirm").click()

    # then the console shows it answered, and the app reads CONFIRMED
    await expect(page.locator("#answered-list")).to_contain_text("Confirmed")
    await expect(card).to_have_count(0)
    mine = {a["id"]: a["status"] for a in (await stack.data(MINE, {}, customer()))["me"]["appointments"]}
    assert mine[asked["id"]] == "CONFIRMED"
    await watched.close()


@pytest.mark.timeout(120)
async def test_keyboard_alone_signs_in_and_answers_the_oldest_overdue_request(stack: Stack, browser: Browser) -> None:
    # given a store with unanswered requests past their time to answer
    store, overdue = await store_with_overdue_requests(stack)
    at_store = {"store": global_id("Store", store)}
    oldest = min(overdue, key=lambda a: a["respondBy"])
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page

    # when staff sign in and reach the first Confirm button with Tab alone, and press Enter
    await keyboard_sign_in(page, staff(store))
    await expect(page.locator("#appointment-list li").first).to_contain_text("overdue by")
    await tab_to(page, "Confirm")
    focused = await page.evaluate("document.activeElement.closest('li').dataset.id")
    ring = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    await page.keyboard.press("Enter")

    # then the first is the oldest overdue request, it is answered, and the focus stays in the list
    assert focused == oldest["id"] and ring == "solid"
    await expect(page.locator("#answered-list")).to_contain_text("Confirmed")
    await expect(page.locator(f'#appointment-list li[data-id="{focused}"]')).to_have_count(0)
    assert await page.evaluate("document.activeElement.textContent.startsWith('Confirm') || "
                               "document.activeElement.id === 'appointments-title'")
    left = (await stack.data(OVERDUE, at_store, bearer(Role.STAFF, "x", store)))["overdueAppointments"]
    assert focused not in [a["id"] for a in left] and len(left) == len(overdue) - 1
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_wrong_token_is_refused_with_a_sentence_and_nothing_is_kept(stack: Stack, browser: Browser) -> None:
    # given the sign-in form
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page

    # when a token that is not one, then a customer's, is typed in
    await keyboard_sign_in(page, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZSJ9.bad-signature")
    await expect(page.locator("#sign-in-error")).not_to_be_empty()
    wrong = await page.locator("#sign-in-error").text_content()
    stored = await page.evaluate(SESSION)
    invalid = await page.locator("#credential").get_attribute("aria-invalid")
    await page.locator("#credential").fill(customer()["Authorization"].removeprefix("Bearer "))
    await page.keyboard.press("Enter")

    # then each is refused in words, the form stays with the focus on the field, and nothing is kept
    await expect(page.locator("#sign-in-error")).to_contain_text("customer's token")
    assert wrong is not None and "not accepted" in wrong and stored is None and invalid == "true"
    assert await page.locator("#console-view").is_hidden()
    assert await page.evaluate("document.activeElement.id") == "credential"
    assert await page.evaluate(SESSION) is None
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_kiosk_looks_up_an_article_and_a_card_and_signs_out(stack: Stack, browser: Browser) -> None:
    # given the store's kiosk signed in, on a phone-sized screen
    watched = await Watched.open(browser, stack.gateway_url, width=390)
    page = watched.page
    await keyboard_sign_in(page, stack.keys.kiosk)
    await expect(page.locator("#store-name")).to_contain_text(f"({STORE}) · kiosk")
    card = next(c for c in stack.world.customers if c.crm_id == OWNER).card
    product = stack.world.products[0]

    # when it scans an article's barcode and a customer's card
    await page.locator("#barcode-input").fill(product.gtin)
    await page.keyboard.press("Enter")
    await expect(page.locator("#barcode-result h3")).to_have_text(product.name)
    assert card is not None
    await page.locator("#customer-input").fill(card)
    await page.keyboard.press("Enter")
    customer_view = page.locator("#customer-result")
    await expect(customer_view).to_contain_text(f"Card {card}")

    # then it sees price, stock and purchases, no contact data and no answer buttons, and signing out forgets it
    await expect(page.locator("#barcode-result .price")).not_to_be_empty()
    await expect(page.locator("#barcode-result")).to_contain_text("Here:")
    assert "@" not in (await customer_view.text_content() or "")
    await expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    await expect(page.locator("#note-text")).to_have_count(0)
    await page.locator("#sign-out").click()
    await expect(page.locator("#sign-in-error")).to_have_text("Signed out.")
    assert await page.evaluate(SESSION) is None
    await watched.close()


@pytest.mark.timeout(120)
async def test_staff_reserve_for_a_customer_and_add_a_note(stack: Stack, browser: Browser) -> None:
    # given staff of the store signed in, an article the store has, and a customer with a card
    store = next(s.code for s in stack.world.stores if s.active and "RESERVE_AND_COLLECT" in s.services)
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await keyboard_sign_in(page, staff(store))
    await expect(page.locator("#store-name")).to_contain_text(store)
    owner = next(c for c in stack.world.customers if c.crm_id == OWNER)
    sku = await _in_stock_at(stack, store)

    # when they find the customer, add a note, then look the article up and reserve one for them
    await page.locator("#customer-input").fill(owner.email)
    await page.keyboard.press("Enter")
    await expect(page.locator("#customer-result")).to_contain_text(owner.email)
    await page.locator("#note-text").fill("Asked about a child seat for the cargo bike")
    await page.locator("#note-topics").fill("cycling, kids")
    await page.get_by_role("button", name="Add note").click()
    await expect(page.locator("#customer-result .notes")).to_contain_text("child seat")
    await page.locator("#barcode-input").fill(sku)
    await page.keyboard.press("Enter")
    await expect(page.locator("#reserve-card")).to_have_value(owner.card or "")
    await page.get_by_role("button", name="Reserve", exact=True).click()
    await expect(page.locator("#barcode-result .ok")).to_contain_text("Held: 1")

    # then the customer holds it, the note is in their 360, and the hold is listed to prepare
    mine = await stack.data("{ me { reservations { edges { node { status product { sku } } } } } }", {}, customer())
    assert [e["node"]["product"]["sku"] for e in mine["me"]["reservations"]["edges"]] == [sku]
    notes = await stack.data("query($id: ID!) { customer(id: $id) { notes { text topics } } }",
                             {"id": global_id("Customer", OWNER)}, bearer(Role.STAFF, "x", store))
    assert {"text": "Asked about a child seat for the cargo bike", "topics": ["cycling", "kids"]} in \
        notes["customer"]["notes"]
    await page.get_by_role("button", name="Refresh").click()
    await expect(page.locator("#reservation-list")).to_contain_text(sku)
    await watched.close()


async def _in_stock_at(stack: Stack, store: str) -> str:
    query = "query($store: ID!) { searchProducts(availableAt: {storeId: $store}, first: 1) { edges { node { sku } } } }"
    data = await stack.data(query, {"store": global_id("Store", store)}, api_key(stack.keys.kiosk))
    sku: str = data["searchProducts"]["edges"][0]["node"]["sku"]
    return sku



@pytest.mark.timeout(120)
async def test_staff_without_a_store_name_one_and_a_reload_keeps_the_session(stack: Stack, browser: Browser) -> None:
    # given staff whose token names no store (the demo's), signed in
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await keyboard_sign_in(page, staff(None))

    # when they are asked which store, type an unknown code, then the store's, and later reload the page
    await expect(page.locator("#store-code")).to_be_focused()
    await page.keyboard.type("NOPE99")
    await page.keyboard.press("Enter")
    await expect(page.locator("#store-error")).to_contain_text("No store has the code NOPE99")
    await page.locator("#store-code").fill(STORE.lower())
    await page.keyboard.press("Enter")
    await expect(page.locator("#store-name")).to_contain_text(f"({STORE}) · staff")
    await page.reload()

    # then the console opens on that store again without signing in, until the tab signs out
    await expect(page.locator("#store-name")).to_contain_text(f"({STORE}) · staff")
    await expect(page.locator("#console-view")).to_be_visible()
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_back_office_down_is_said_in_words_where_it_matters(stack: Stack, browser: Browser) -> None:
    # given the kiosk signed in, then the POS (stock, bookings) going down
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await keyboard_sign_in(page, stack.keys.kiosk)
    await expect(page.locator("#appointments-notice")).not_to_be_empty()
    await stack.fault(system="pos", down=True)

    # when it looks an article up
    await page.locator("#barcode-input").fill(stack.world.products[0].sku)
    await page.keyboard.press("Enter")

    # then the article shows, its stock here is unknown, and the notice names the system that is not answering
    await expect(page.locator("#barcode-result h3")).to_have_text(stack.world.products[0].name)
    await expect(page.locator("#barcode-notice")).to_contain_text("The store system (POS) is not answering")
    await expect(page.locator("#barcode-result")).to_contain_text("Here: unknown")
    await stack.fault(system="pos", down=False)
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_gateway_out_of_reach_keeps_the_sign_in_for_a_retry(stack: Stack, browser: Browser) -> None:
    # given the sign-in form, and the network to the gateway's GraphQL endpoint cut
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await page.route("**/graphql", lambda route: route.abort("connectionrefused"))

    # when staff sign in, then the network comes back and they choose Try again
    await keyboard_sign_in(page, staff())
    await expect(page.locator("#sign-in-error")).to_contain_text("The gateway cannot be reached")
    await page.unroute("**/graphql")
    await page.get_by_role("button", name="Try again").click()

    # then the console opens on their store without typing the token again
    await expect(page.locator("#store-name")).to_contain_text(f"({STORE}) · staff")
    watched.problems = [p for p in watched.problems if "ERR_CONNECTION_REFUSED" not in p]
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_hold_made_in_the_app_is_listed_live_to_prepare_and_collected_at_the_till(
        stack: Stack, browser: Browser) -> None:
    # given staff of a reserve & collect store, live
    store = next(s.code for s in stack.world.stores if s.active and "RESERVE_AND_COLLECT" in s.services)
    sku = await _in_stock_at(stack, store)
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await keyboard_sign_in(page, staff(store))
    await expect(page.locator("#live-status")).to_have_text("Live", timeout=15000)

    # when the customer reserves two in the app
    held = (await stack.data(RESERVE, reserve_input(sku, quantity=2, key="console-live", store=store), customer()))
    hold = held["reserveInStore"]["reservation"]

    # then the hold is listed to prepare without a reload
    listed = page.locator(f'#reservation-list li[data-id="{hold["id"]}"]')
    await expect(listed).to_contain_text("2 × ", timeout=5000)

    # and when staff record the collection at the till, it leaves the list and the app reads COLLECTED
    await listed.get_by_role("button", name="Collected at the till").click()
    await expect(listed).to_have_count(0)
    mine = await stack.data("{ me { reservations { edges { node { id status } } } } }", {}, customer())
    assert {"id": hold["id"], "status": "COLLECTED"} in [e["node"] for e in mine["me"]["reservations"]["edges"]]
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_till_sale_changes_the_stock_the_kiosk_shows_without_a_reload(cached_stack: Stack,
                                                                              browser: Browser) -> None:
    # given the POS pushing its stock events to the gateway (stock otherwise cached ten minutes), and the kiosk of
    # its store, live, showing an article's stock here
    stack = cached_stack
    await push_from_pos(stack, "inventory.count.updated")
    product, left = few_left(stack)
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    await keyboard_sign_in(page, stack.keys.other_kiosk)
    await expect(page.locator("#store-name")).to_contain_text(f"({HOLDING_STORE}) · kiosk")
    await expect(page.locator("#live-status")).to_have_text("Live", timeout=15000)
    await page.locator("#barcode-input").fill(product.gtin)
    await page.keyboard.press("Enter")
    here = page.locator("#barcode-result p", has_text="Here:").locator(".quantity")
    await expect(here).to_contain_text(f"{left} (")
    await until_streams(stack.app, 2)  # the store's appointment requests, and this article's stock

    # when the till sells two (the POS's inventory API; the POS simulator pushes the change as Square does)
    await sell_at_the_till(stack.http, stack.sim_url, await variation_of(stack.http, stack.sim_url, product), 2)

    # then the figure here drops by two without a reload
    await expect(here).to_contain_text(f"{left - 2} (", timeout=SETTLE_S * 1000)
    await watched.close()


@pytest.mark.timeout(120)
async def test_a_lost_connection_says_so_reconnects_and_reads_what_it_missed(stack: Stack, browser: Browser) -> None:
    # given staff of a reserve & collect store, live through a WebSocket the test can cut
    store = next(s.code for s in stack.world.stores if s.active and "RESERVE_AND_COLLECT" in s.services)
    sku = await _in_stock_at(stack, store)
    watched = await Watched.open(browser, stack.gateway_url)
    page = watched.page
    sockets: list[WebSocketRoute] = []
    cut = asyncio.Event()

    async def through(route: WebSocketRoute) -> None:
        route.connect_to_server()
        if cut.is_set():  # the network is down: the socket opens, then breaks at once
            await route.close(code=BROKEN, reason="network down")
        else:
            sockets.append(route)

    await page.route_web_socket("**/graphql", through)
    await keyboard_sign_in(page, staff(store))
    await expect(page.locator("#live-status")).to_have_text("Live", timeout=15000)

    # when the connection drops and stays down while the app makes a hold, then comes back
    cut.set()
    for socket in sockets:
        await socket.close(code=BROKEN, reason="network down")
    await expect(page.locator("#live-status")).to_contain_text("Connection lost: reconnecting")
    held = await stack.data(RESERVE, reserve_input(sku, key="console-gap", store=store), customer())
    hold = held["reserveInStore"]["reservation"]
    await page.wait_for_timeout(500)
    missed = await page.locator(f'#reservation-list li[data-id="{hold["id"]}"]').count()
    cut.clear()

    # then it is live again and lists the hold made while it was away, without a reload
    await expect(page.locator("#live-status")).to_have_text("Live", timeout=20000)
    await expect(page.locator(f'#reservation-list li[data-id="{hold["id"]}"]')).to_have_count(1)
    assert missed == 0
    await watched.close()


@pytest.mark.timeout(120)
async def test_the_demo_presets_sign_in_with_one_press(live_world: World, browser: Browser) -> None:
    # given a development gateway handed a staff token without a store, as the demo's
    presets = [HeaderPreset("staff", {"Authorization": f"Bearer {staff(None)}"})]
    async with running_stack(live_world, ide_presets=presets) as stack:
        watched = await Watched.open(browser, stack.gateway_url)
        page = watched.page

        # when the staff preset is chosen with the keyboard
        await tab_to(page, "Sign in as staff")
        await page.keyboard.press("Enter")

        # then the console asks which store, as for the demo's staff token
        await expect(page.locator("#store-code")).to_be_focused()
        await watched.close()
