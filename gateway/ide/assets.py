"""The IDE's files: the vendored GraphiQL build with its licences (`vendor/`), and our start-up script."""

from pathlib import Path

from ..http.hashed_assets import HashedAssets

PREFIX = "/graphql/ide"
_HERE = Path(__file__).parent


def load_assets() -> HashedAssets:
    return HashedAssets.of(PREFIX, [*(_HERE / "vendor").iterdir(), _HERE / "start.js"])
