"""The console's files, held in memory and served under a path that names their content.

Our own modules (`static/`) and the vendored graphql-ws build (`vendor/`) share one
folder in URL space, so the modules import each other and the client by relative path;
a path that changes whenever any file does lets browsers keep them for a year.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

PREFIX = "/console/assets"
IMMUTABLE = "public, max-age=31536000, immutable"
HERE = Path(__file__).parent
SERVED = (".js", ".css", ".LICENSE")
_TYPES = {".js": "text/javascript", ".css": "text/css"}


@dataclass(frozen=True)
class ConsoleAssets:
    version: str
    files: Mapping[str, bytes]

    @classmethod
    def load(cls) -> "ConsoleAssets":
        paths = sorted(p for folder in (HERE / "static", HERE / "vendor") for p in folder.iterdir()
                       if p.suffix in SERVED)
        files = {path.name: path.read_bytes() for path in paths}
        if len(files) != len(paths):
            raise RuntimeError("a console file in static/ has the name of a vendored one")
        digest = hashlib.sha256()
        for name, body in files.items():
            digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(body).digest())
        return cls(digest.hexdigest()[:16], files)

    def url(self, name: str) -> str:
        if name not in self.files:
            raise KeyError(f"no console file named {name!r}")
        return f"{PREFIX}/{self.version}/{name}"

    async def handle(self, request: web.Request) -> web.Response:
        """A stale version is a 404, not today's file: a page and its modules never mix releases."""
        name = request.match_info["name"]
        if request.match_info["version"] != self.version or name not in self.files:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[name], content_type=_TYPES.get(Path(name).suffix, "text/plain"),
                            charset="utf-8", headers={"Cache-Control": IMMUTABLE,
                                                      "X-Content-Type-Options": "nosniff"})
