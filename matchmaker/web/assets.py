"""Static files under names that carry their content's hash, cached for a year; HTML gzipped.

At start the factory reads static/ once into a manifest: `css/site.css` is linked as
`css/site.<hash>.css`, and stylesheets' `url(...)` references to other static files are
rewritten to those files' hashed names before the stylesheet itself is hashed, so a changed
font changes the stylesheet's name too. A hashed name is served with `Cache-Control: public,
max-age=31536000, immutable` (the browser never asks again); a plain name still works, with
revalidation. In debug mode the manifest is rebuilt when a file changes.

Pages and JSON larger than COMPRESS_MIN_BYTES are gzipped at level COMPRESS_LEVEL for clients
that accept it (the README gives the CPU and bytes measured on the largest pages).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, current_app, request, send_from_directory

YEAR = 365 * 24 * 3600
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
COMPRESS_MIN_BYTES = 1024
COMPRESS_LEVEL = 1  # level 6: 2.3x the CPU for 1.5 KB less on the queue (README)
COMPRESSED_TYPES = ("text/html", "application/json", "text/css", "text/csv", "text/plain")


@dataclass
class Manifest:
    folder: Path
    hashed: dict[str, str] = field(default_factory=dict)  # real name -> hashed name
    real: dict[str, str] = field(default_factory=dict)  # hashed name -> real name
    bodies: dict[str, bytes] = field(default_factory=dict)  # rewritten stylesheets
    stamp: float = 0.0

    @classmethod
    def build(cls, folder: Path) -> Manifest:
        manifest = cls(folder)
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        manifest.stamp = max((p.stat().st_mtime for p in files), default=0.0)
        styles = []
        for path in files:
            name = path.relative_to(folder).as_posix()
            if path.suffix == ".css":
                styles.append((name, path))
            else:
                manifest._add(name, path.read_bytes())
        for name, path in styles:
            text = path.read_text(encoding="utf-8")
            body = CSS_URL.sub(lambda m, n=name: manifest._rewrite(n, m), text).encode("utf-8")
            manifest.bodies[name] = body
            manifest._add(name, body)
        return manifest

    def _add(self, name: str, content: bytes) -> None:
        digest = hashlib.sha256(content).hexdigest()[:12]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        self.hashed[name] = hashed
        self.real[hashed] = name

    def _rewrite(self, stylesheet: str, match: re.Match[str]) -> str:
        target = match.group(2)
        if ":" in target or target.startswith(("/", "#")):
            return match.group(0)
        name = posixpath.normpath(posixpath.join(posixpath.dirname(stylesheet), target))
        if name not in self.hashed:
            return match.group(0)
        relative = posixpath.relpath(self.hashed[name], posixpath.dirname(stylesheet) or ".")
        return f'url("{relative}")'

    def changed(self) -> bool:
        files = (p for p in self.folder.rglob("*") if p.is_file())
        return max((p.stat().st_mtime for p in files), default=0.0) > self.stamp


def _manifest() -> Manifest:
    app = current_app
    manifest: Manifest = app.extensions["static_manifest"]
    if app.debug and manifest.changed():
        manifest = app.extensions["static_manifest"] = Manifest.build(manifest.folder)
    return manifest


def _serve(filename: str) -> Response:
    manifest = _manifest()
    real = manifest.real.get(filename)
    if real is None:  # a plain name: served as Flask would, revalidated by the browser
        return send_from_directory(manifest.folder, filename, max_age=0)
    if real in manifest.bodies:
        mimetype = mimetypes.guess_type(real)[0] or "application/octet-stream"
        response = Response(manifest.bodies[real], mimetype=mimetype)
    else:
        response = send_from_directory(manifest.folder, real, max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response


def _compress(response: Response) -> Response:
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSED_TYPES
        or "gzip" not in request.headers.get("Accept-Encoding", "")
    ):
        return response
    body = response.get_data()
    if len(body) < COMPRESS_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=COMPRESS_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if response.get_etag()[0]:
        response.set_etag(response.get_etag()[0] + "-gz", weak=True)
    return response


def register(app: Flask) -> None:
    assert app.static_folder is not None
    app.extensions["static_manifest"] = Manifest.build(Path(app.static_folder))

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = _manifest().hashed.get(values["filename"], values["filename"])

    app.view_functions["static"] = _serve
    app.after_request(_compress)
