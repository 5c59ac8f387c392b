"""The store console's page and files: the gateway's own, nothing named from another host, a strict policy,
cached for good under a content-named path; the demo's credentials offered in development only, the page
itself in production too (stores run on it)."""

import hashlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.console import content_security_policy
from gateway.console.assets import load_assets
from gateway.http.hashed_assets import IMMUTABLE
from gateway.ide import HeaderPreset
from simulators.world import World
from tests.harness import PRODUCTION, STAFF, Stack, running_stack

CONSOLE = Path(__file__).parent.parent / "gateway" / "console"
VENDOR = CONSOLE / "vendor"
KIOSK_PRESET = HeaderPreset("kiosk (PAR01)", {"X-Api-Key": "</script><script>alert(1)</script>"})
PRESETS = [HeaderPreset("staff", STAFF), KIOSK_PRESET]
TYPES = {"js": "text/javascript", "css": "text/css", "LICENSE": "text/plain"}


@pytest.fixture
async def console_stack(live_world: World) -> AsyncIterator[Stack]:
    async with running_stack(live_world, ide_presets=PRESETS) as stack:
        yield stack


async def page_of(stack: Stack) -> tuple[str, dict[str, str]]:
    async with stack.http.get(f"{stack.gateway_url}/console") as r:
        assert r.status == 200 and r.content_type == "text/html"
        return await r.text(), dict(r.headers)


def references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html)


def config_of(html: str) -> dict[str, object]:
    found = re.search(r'<script id="omnigate-console-config" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    config: dict[str, object] = json.loads(found[1])
    return config


async def test_the_page_names_only_the_gateways_own_files_under_a_strict_policy(console_stack: Stack) -> None:
    # given the gateway
    # when a browser opens /console
    html, headers = await page_of(console_stack)

    # then it is never stored, allows this origin only (its WebSocket too), and loads only content-named files
    host = console_stack.gateway_url.removeprefix("http://")
    policy = headers["Content-Security-Policy"]
    assert policy == content_security_policy(host)
    assert f"connect-src 'self' ws://{host} wss://{host};" in policy
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe" not in policy
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    version = load_assets().version
    files = [ref for ref in references(html) if ref not in ("data:,", "#main")]
    assert files and all(ref.startswith(f"/console/assets/{version}/") for ref in files)
    assert {ref.rsplit("/", 1)[1] for ref in files} == {p.name for p in (CONSOLE / "static").iterdir()} | {
        "graphql-ws.client.js"}
    # the only script elements: the JSON settings (not run) and the module
    assert re.findall(r"<script[^>]*>", html) == [
        '<script id="omnigate-console-config" type="application/json">',
        f'<script type="module" src="/console/assets/{version}/main.js">']


async def test_no_served_file_names_another_host(console_stack: Stack) -> None:
    # given the page and every file it can load
    html, _ = await page_of(console_stack)
    bodies = {"page": html}
    for name in load_assets().files:
        async with console_stack.http.get(f"{console_stack.gateway_url}/console/assets/"
                                          f"{load_assets().version}/{name}") as r:
            bodies[name] = await r.text()

    # when they are searched for an address, then none holds one (the WebSocket's is built from the page's own)
    for name, body in bodies.items():
        assert not re.search(r"[a-z]+://|//[\w.-]+\.[a-z]{2,}|@import|url\(", body.replace("data:,", "")), name


async def test_each_file_is_typed_and_kept_for_a_year(console_stack: Stack) -> None:
    # given the console's files as they are on disk
    assets = load_assets()
    on_disk = {p.name: p.read_bytes() for folder in ("static", "vendor") for p in (CONSOLE / folder).iterdir()
               if p.name != "SOURCES"}
    assert set(assets.files) == set(on_disk)

    for name, body in on_disk.items():
        # when each is fetched
        async with console_stack.http.get(console_stack.gateway_url + assets.url(name)) as r:
            # then it comes whole, typed, immutable
            assert (r.status, r.content_type, r.headers["Cache-Control"]) == (200, TYPES[name.rsplit(".", 1)[1]],
                                                                              IMMUTABLE), name
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert await r.read() == body


async def test_an_unknown_version_or_file_is_not_found(console_stack: Stack) -> None:
    # given a real file's path
    assets = load_assets()
    main = assets.url("main.js")

    # when a stale version, an unknown name, a file beside them or a path out is asked for, then 404
    for path in (main.replace(assets.version, "0000000000000000"), main.replace("main.js", "x.js"),
                 main.replace("main.js", "SOURCES"), main.replace("main.js", "..%2F__init__.py"),
                 main.replace("main.js", "package.json"), "/console/assets/main.js"):
        async with console_stack.http.get(console_stack.gateway_url + path) as r:
            assert r.status == 404, path


async def test_development_offers_the_demo_credentials_as_presets(console_stack: Stack) -> None:
    # given presets handed to the gateway, one with a value that tries to end the script element
    # when the page is served
    html, _ = await page_of(console_stack)

    # then each is offered as the one credential the sign-in form takes, and no value escapes its JSON
    assert config_of(html) == {"endpoint": "/graphql", "presets": [
        {"label": "staff", "kind": "token", "secret": STAFF["Authorization"].removeprefix("Bearer ")},
        {"label": "kiosk (PAR01)", "kind": "key", "secret": "</script><script>alert(1)</script>"}]}
    assert html.count("</script>") == 2 and "<script>alert" not in html
    async with console_stack.http.get(f"{console_stack.gateway_url}/console/", allow_redirects=False) as r:
        assert (r.status, r.headers["Location"]) == (301, "/console")


async def test_production_serves_the_console_without_credentials(live_world: World) -> None:
    # given a production gateway handed the same presets
    async with running_stack(live_world, PRODUCTION, ide_presets=PRESETS) as production:
        # when the console and its main module are asked for
        html, headers = await page_of(production)
        async with production.http.get(production.gateway_url + load_assets().url("main.js")) as r:
            status = r.status

    # then both are there, the policy as strict, and no credential is in the page
    assert status == 200 and "script-src 'self';" in headers["Content-Security-Policy"]
    assert config_of(html)["presets"] == [] and STAFF["Authorization"].removeprefix("Bearer ") not in html


def test_a_host_header_that_is_not_a_plain_host_is_not_written_into_the_policy() -> None:
    # a Host header is the client's to write: only host[:port] is named, anything else leaves 'self' alone
    assert "ws://shop.example:8080 " in content_security_policy("shop.example:8080")
    assert "ws://[::1]:80 " in content_security_policy("[::1]:80")
    for hostile in ("evil; script-src *", "a b", "", "x'y"):
        assert "connect-src 'self'; " in content_security_policy(hostile), hostile


def test_the_vendored_client_is_the_pinned_build() -> None:
    # given what scripts/fetch_console.sh recorded: the lockfile's pins and the sums of the files it wrote
    lines = (VENDOR / "SOURCES").read_text(encoding="utf-8").splitlines()
    sums = [line.split("  ") for line in lines if re.match(r"^[0-9a-f]{64}  ", line)]
    recorded = {name: digest for digest, name in sums}
    pins = dict(re.findall(r"^([\w@./-]+@[\d.]+) (sha512-\S+)", "\n".join(lines), re.MULTILINE))
    lock = json.loads((CONSOLE / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    manifest = json.loads((CONSOLE / "package.json").read_text(encoding="utf-8"))["devDependencies"]

    # when the files are summed now, then nothing was added, lost or edited, and they came from the locked pins
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in VENDOR.iterdir() if p.name != "SOURCES"}
    assert recorded == actual and sorted(actual) == ["graphql-ws.LICENSE", "graphql-ws.client.js"]
    assert pins == {f"{name}@{version}": lock[f"node_modules/{name}"]["integrity"]
                    for name, version in manifest.items()}
    assert {name: lock[f"node_modules/{name}"]["version"] for name in manifest} == manifest
    assert re.fullmatch(r"6\.\d+\.\d+", manifest["graphql-ws"])
