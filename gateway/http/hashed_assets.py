"""Files held in memory and served under a path that names their content.

A path that changes whenever any file does lets browsers keep every file for a year and still never run a stale
mix after a release: a stale version is a 404, not today's file. The IDE and the store console serve theirs so.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {".js": "text/javascript", ".css": "text/css"}


@dataclass(frozen=True)
class HashedAssets:
    prefix: str
    version: str
    files: Mapping[str, bytes]

    @classmethod
    def of(cls, prefix: str, paths: Sequence[Path]) -> "HashedAssets":
        """Served by file name, so no two of `paths` may share one."""
        files = {path.name: path.read_bytes() for path in sorted(paths)}
        if len(files) != len(paths):
            raise RuntimeError(f"two files under {prefix} share a name")
        digest = hashlib.sha256()
        for name, body in files.items():
            digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(body).digest())
        return cls(prefix, digest.hexdigest()[:16], files)

    def url(self, name: str) -> str:
        if name not in self.files:
            raise KeyError(f"no file named {name!r} under {self.prefix}")
        return f"{self.prefix}/{self.version}/{name}"

    def add_route(self, app: web.Application) -> None:
        app.router.add_get(self.prefix + "/{version}/{name}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if request.match_info["version"] != self.version or name not in self.files:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[name], content_type=_TYPES.get(Path(name).suffix, "text/plain"),
                            charset="utf-8", headers={"Cache-Control": IMMUTABLE,
                                                      "X-Content-Type-Options": "nosniff"})
