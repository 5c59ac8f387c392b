"""GraphiQL's page and files: served by the gateway itself in development, nowhere else to fetch from,
cached for good; the demo's credentials offered as headers; nothing of it in production."""

import hashlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.http.hashed_assets import IMMUTABLE
from gateway.ide import CONTENT_SECURITY_POLICY, HeaderPreset
from gateway.ide.page import FIRST_QUERY
from simulators.world import World
from tests.harness import PRODUCTION, Stack, running_stack

HTML = {"Accept": "text/html"}
IDE = Path(__file__).parent.parent / "gateway" / "ide"
VENDOR = IDE / "vendor"
README = Path(__file__).parent.parent / "README.md"
STAFF_PRESET = HeaderPreset("staff", {"Authorization": "Bearer staff-token"})
HOSTILE_PRESET = HeaderPreset("kiosk", {"X-Api-Key": "</script><script>alert(1)</script>"})


@pytest.fixture
async def ide_stack(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, ide_presets=[STAFF_PRESET, HOSTILE_PRESET]) as stack:
        yield stack


async def page_of(stack: Stack) -> str:
    async with stack.http.get(f"{stack.gateway_url}/graphql", headers=HTML) as r:
        assert r.status == 200 and r.content_type == "text/html"
        assert r.headers["Cache-Control"] == "no-store"
        assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        return await r.text()


def references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html)


def config_of(html: str) -> dict[str, str]:
    found = re.search(r'<script id="omnigate-ide-config" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    config: dict[str, str] = json.loads(found[1])
    return config


async def test_the_page_names_only_the_gateways_own_files(ide_stack: Stack) -> None:
    # given the development gateway
    # when a browser asks for /graphql
    html = await page_of(ide_stack)

    # then every file it loads is the gateway's own, and no address elsewhere appears
    version = re.search(r"/graphql/ide/([0-9a-f]{16})/", html)
    assert version is not None
    prefix = f"/graphql/ide/{version[1]}/"
    assert references(html) == ["data:,", f"{prefix}graphiql.min.css", f"{prefix}react.production.min.js",
                                f"{prefix}react-dom.production.min.js", f"{prefix}graphiql.min.js",
                                f"{prefix}start.js"]
    assert "//" not in html.replace("</", "")


async def test_each_file_is_served_with_its_type_and_kept_for_a_year(ide_stack: Stack) -> None:
    # given the files the page names
    html = await page_of(ide_stack)
    files = [ref for ref in references(html) if ref.startswith("/graphql/ide/")]
    expected_types = {"js": "text/javascript", "css": "text/css"}

    for path in files:
        name = path.rsplit("/", 1)[1]
        # when each is fetched
        async with ide_stack.http.get(ide_stack.gateway_url + path) as r:
            # then it comes whole, typed, immutable
            assert (r.status, r.content_type, r.headers["Cache-Control"]) == (
                200, expected_types[name.rsplit(".", 1)[1]], IMMUTABLE)
            assert await r.read() == (VENDOR / name if name != "start.js" else IDE / name).read_bytes()


async def test_an_unknown_version_or_file_is_not_found(ide_stack: Stack) -> None:
    # given the page's file prefix
    css = next(ref for ref in references(await page_of(ide_stack)) if ref.endswith(".css"))

    # when a stale version or an unknown name is asked for, then 404
    for path in (re.sub(r"/ide/[0-9a-f]+/", "/ide/0000000000000000/", css), css.replace("graphiql.min.css", "x.js"),
                 css.replace("graphiql.min.css", "..%2Fpage.py")):
        async with ide_stack.http.get(ide_stack.gateway_url + path) as r:
            assert r.status == 404, path


async def test_the_first_preset_fills_the_headers_and_every_preset_is_offered_to_paste(ide_stack: Stack) -> None:
    # given presets handed to the gateway, one with a value that tries to end the script element
    # when the page is served
    html = await page_of(ide_stack)

    # then the Headers tab opens on the first, the query opens on the README's first query after a list of all,
    # and no value escapes its JSON
    config = config_of(html)
    assert config["endpoint"] == "/graphql"
    assert json.loads(config["headers"]) == {"Authorization": "Bearer staff-token"}
    assert config["query"].endswith("\n" + FIRST_QUERY)
    assert '#   staff:\n#   {"Authorization": "Bearer staff-token"}\n' in config["query"]
    assert '#   kiosk:\n#   {"X-Api-Key": "</script><script>alert(1)</script>"}\n' in config["query"]
    assert html.count("</script>") == 5 and "<script>alert" not in html


async def test_without_presets_the_page_says_where_credentials_come_from(stack: Stack) -> None:
    # given a development gateway with no credentials handed in
    # when the page is served
    config = config_of(await page_of(stack))

    # then the Headers tab is empty and the comment names the commands that make credentials
    assert config["headers"] == ""
    assert "omnigate token --role staff" in config["query"] and "omnigate api-key" in config["query"]


async def test_production_has_neither_the_page_nor_its_files(live_world: World, ide_stack: Stack) -> None:
    # given a file the development gateway serves
    css = next(ref for ref in references(await page_of(ide_stack)) if ref.endswith(".css"))

    # when a production gateway handed the same presets is asked for the page and the file
    async with running_stack(live_world, PRODUCTION, ide_presets=[STAFF_PRESET]) as production:
        async with production.http.get(f"{production.gateway_url}/graphql", headers=HTML) as page:
            text = await page.text()
        async with production.http.get(production.gateway_url + css) as file:
            # then neither exists, and the token appears nowhere
            assert (page.status, file.status) == (400, 404)
            assert "staff-token" not in text and "graphiql" not in text.lower()
        # the store console runs in production (tests/test_console.py): nothing else is added but the webhooks
        routes = [r.canonical for r in production.app.router.resources() if not r.canonical.startswith("/console")]
        assert routes == ["/healthz", "/readyz", "/status", "/metrics", "/graphql", "/webhooks/pos",
                          "/webhooks/webshop"]


def test_the_page_opens_on_the_readmes_first_query() -> None:
    first = re.search(r"```graphql\n(.*?)\n```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert first is not None and first[1] == FIRST_QUERY


def test_the_vendored_files_are_the_pinned_releases() -> None:
    # given the sums scripts/fetch_graphiql.sh recorded when it took the files from the registry
    lines = (VENDOR / "SOURCES").read_text(encoding="utf-8").splitlines()
    sums = [line.split("  ") for line in lines if re.match(r"^[0-9a-f]{64}  ", line)]
    recorded = {name: digest for digest, name in sums}

    # when the files are summed now, then nothing was added, lost or edited
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in VENDOR.iterdir() if p.name != "SOURCES"}
    assert recorded == actual
    assert sorted(recorded) == ["graphiql.LICENSE", "graphiql.min.css", "graphiql.min.js", "react-dom.LICENSE",
                                "react-dom.production.min.js", "react.LICENSE", "react.production.min.js"]
