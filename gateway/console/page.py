"""The console's one HTML page: our markup, its settings as JSON, and the module that runs it.

Development hands in the demo's credentials as sign-in presets; production hands in none,
so a production page holds nothing secret and may be cached by nobody but the browser tab.
"""

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Template

from ..http.hashed_assets import HashedAssets

ENDPOINT = "/graphql"
_TEMPLATE = Template((Path(__file__).parent / "page.html").read_text(encoding="utf-8"))


def render_page(assets: HashedAssets, presets: Sequence[tuple[str, Mapping[str, str]]]) -> str:
    """`presets`: (label, HTTP headers) pairs, each turned into the one credential the sign-in form takes."""
    config = {"endpoint": ENDPOINT, "presets": [p for p in (_preset(label, headers) for label, headers in presets)
                                                if p is not None]}
    modules = sorted(name for name in assets.files if name.endswith(".js") and name != "main.js")
    # `<` escaped: no value can close the script element that holds the JSON
    return _TEMPLATE.substitute(
        config=json.dumps(config).replace("<", "\\u003c"), css=assets.url("console.css"),
        main=assets.url("main.js"),
        preloads="\n    ".join(f'<link rel="modulepreload" href="{assets.url(name)}">' for name in modules))


def _preset(label: str, headers: Mapping[str, str]) -> dict[str, str] | None:
    authorization = headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        return {"label": label, "kind": "token", "secret": authorization.removeprefix("Bearer ")}
    if "X-Api-Key" in headers:
        return {"label": label, "kind": "key", "secret": headers["X-Api-Key"]}
    return None
