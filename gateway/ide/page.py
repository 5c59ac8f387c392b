"""The GraphiQL page: our own HTML over the vendored build, opened on the README's first query.

Credentials handed in (the demo's) are offered as headers ready to paste; the page
only exists in development, so they never reach a production page.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..http.hashed_assets import HashedAssets

ENDPOINT = "/graphql"
# The README's first query (a test keeps the two equal): what a newcomer runs first.
FIRST_QUERY = """{
  searchProducts(query: "casque", first: 3) {
    totalCount
    edges { node {
      sku name brand
      price { amount { amount currencyCode } compareAt { amount } consistent channelPrices { source amount { amount } } }
      nearestAvailability(near: {latitude: 48.8566, longitude: 2.3522}, first: 3) {
        quantity status distanceKm pickupReadyAt store { name address { city } }
      }
    } }
  }
}"""  # noqa: E501 (the README's line, kept as written)
_TEMPLATE = Template((Path(__file__).parent / "page.html").read_text(encoding="utf-8"))
_HOW_TO = """# Omnigate GraphiQL (development only). Ctrl-Enter runs the query.
# Credentials go in the Headers tab below, as JSON:
#   {"Authorization": "Bearer <token>"}  from `omnigate token --role staff --subject me`
#   {"X-Api-Key": "<key>"}               from `omnigate api-key --kind partner --name me`
"""


@dataclass(frozen=True)
class HeaderPreset:
    """Headers a developer may paste into GraphiQL's Headers tab, such as the demo's staff token."""

    label: str
    headers: Mapping[str, str]

    def as_json(self) -> str:
        return json.dumps(dict(self.headers))


def render_page(assets: HashedAssets, presets: Sequence[HeaderPreset]) -> str:
    """The first preset fills the Headers tab; every preset is listed in the opening comment to paste."""
    config = {"endpoint": ENDPOINT, "query": _welcome(presets) + FIRST_QUERY,
              "headers": json.dumps(dict(presets[0].headers), indent=2) if presets else ""}
    # `<` escaped: no value can close the script element that holds the JSON
    return _TEMPLATE.substitute(
        config=json.dumps(config).replace("<", "\\u003c"), css=assets.url("graphiql.min.css"),
        react=assets.url("react.production.min.js"), react_dom=assets.url("react-dom.production.min.js"),
        graphiql=assets.url("graphiql.min.js"), start=assets.url("start.js"))


def _welcome(presets: Sequence[HeaderPreset]) -> str:
    if not presets:
        return _HOW_TO
    lines = "".join(f"#   {p.label}:\n#   {p.as_json()}\n" for p in presets)
    return (f"# Omnigate GraphiQL (development only). Ctrl-Enter runs the query.\n"
            f"# The Headers tab below holds the {presets[0].label} credentials. To ask as someone else,\n"
            f"# replace them with one of these (the {{...}} after the #):\n{lines}")
