"""GraphiQL in a real browser: Debian's headless Chromium, allowed 127.0.0.1 only, runs the README's
first query in the IDE the gateway serves and shows the simulators' answer.

scripts/test.sh installs Chromium when it is missing; run elsewhere without it, the test skips and says so.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Route, async_playwright, expect

from gateway.ide import HeaderPreset
from gateway.ide.page import FIRST_QUERY as README_FIRST_QUERY  # test_ide.py keeps it equal to the README's
from simulators.world import World
from tests.harness import STAFF, Stack, running_stack

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).parent / "artefacts"
# the machine's closed network refuses Chromium's own background calls; the resolver rule is a second fence
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("TESTS_REQUIRE_CHROMIUM"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium package as root")
        pytest.skip(f"GRAPHIQL BROWSER TEST NOT RUN: {CHROMIUM} is missing (apt-get install chromium, "
                    "or run scripts/test.sh as root)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def demo_stack(live_world: World) -> AsyncIterator[Stack]:
    """The gateway offering a staff token in GraphiQL, as `omnigate demo` does."""
    async with running_stack(live_world, ide_presets=[HeaderPreset("staff", STAFF)]) as stack:
        yield stack


async def _local_only(route: Route, refused: list[str]) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        await route.continue_()
    else:
        refused.append(route.request.url)
        await route.abort("blockedbyclient")


@pytest.mark.timeout(120)
async def test_graphiql_runs_the_readme_first_query_with_only_127_0_0_1(demo_stack: Stack, browser: Browser) -> None:
    # given GraphiQL open in a browser that may reach 127.0.0.1 only, and what the gateway answers directly
    expected = await demo_stack.data(README_FIRST_QUERY)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    refused: list[str] = []
    await context.route("**/*", lambda route: _local_only(route, refused))
    page = await context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    await page.goto(f"{demo_stack.gateway_url}/graphql")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    await editor.wait_for()

    # when the README's first query is typed into the query editor and run with Ctrl-Enter
    await editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text(README_FIRST_QUERY)
    async with page.expect_response(lambda r: r.url.endswith("/graphql") and r.request.method == "POST") as sent:
        await page.keyboard.press("Control+Enter")
    response = await sent.value
    typed = await editor.evaluate("element => element.CodeMirror.getValue()")

    # then the result pane shows the simulators' data, asked for with the staff headers the page offered
    total = expected["searchProducts"]["totalCount"]
    first_sku = expected["searchProducts"]["edges"][0]["node"]["sku"]
    result = page.locator(".graphiql-response")
    await expect(result).to_contain_text(f'"totalCount": {total}')
    await expect(result).to_contain_text(f'"sku": "{first_sku}"')
    assert typed == README_FIRST_QUERY
    assert response.status == 200 and (response.request.post_data_json or {}).get("query") == README_FIRST_QUERY
    assert (await response.request.all_headers())["authorization"] == STAFF["Authorization"]
    ARTEFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTEFACTS / "graphiql.png")
    await context.close()
    # and nothing but 127.0.0.1 was asked for, and nothing went wrong in the page (a CSP refusal included)
    assert refused == [] and console_errors == []
    assert {urlsplit(url).hostname for url in requested if not url.startswith("data:")} == {"127.0.0.1"}
