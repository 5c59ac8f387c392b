"""The IDE's files, held in memory and served under a path that names their content.

A path that changes whenever a file does lets browsers keep every file for a year
and still never run a stale mix after the pins move.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

PREFIX = "/graphql/ide"
IMMUTABLE = "public, max-age=31536000, immutable"
_HERE = Path(__file__).parent
_TYPES = {".js": "text/javascript", ".css": "text/css"}


@dataclass(frozen=True)
class Assets:
    version: str
    files: Mapping[str, bytes]

    @classmethod
    def load(cls) -> "Assets":
        """The vendored GraphiQL build with its licences (`vendor/`), and our start-up script."""
        paths = sorted([*(_HERE / "vendor").iterdir(), _HERE / "start.js"])
        files = {path.name: path.read_bytes() for path in paths}
        digest = hashlib.sha256()
        for name, body in files.items():
            digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(body).digest())
        return cls(digest.hexdigest()[:16], files)

    def url(self, name: str) -> str:
        if name not in self.files:
            raise KeyError(f"no IDE file named {name!r}")
        return f"{PREFIX}/{self.version}/{name}"

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if request.match_info["version"] != self.version or name not in self.files:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[name], content_type=_TYPES.get(Path(name).suffix, "text/plain"),
                            charset="utf-8", headers={"Cache-Control": IMMUTABLE})
