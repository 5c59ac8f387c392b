"""The console's files: our own modules (`static/`) and the vendored graphql-ws build (`vendor/`).

They share one folder in URL space, so the modules import each other and the client by relative path.
"""

from pathlib import Path

from ..http.hashed_assets import HashedAssets

PREFIX = "/console/assets"
HERE = Path(__file__).parent
SERVED = (".js", ".css", ".LICENSE")


def load_assets() -> HashedAssets:
    return HashedAssets.of(PREFIX, [p for folder in (HERE / "static", HERE / "vendor") for p in folder.iterdir()
                                    if p.suffix in SERVED])
