"""Static files under fingerprinted names, read, hashed and compressed once at start-up.

Every file under static/ gets a second name with a hash of its content in it
(`css/app.css` -> `css/app.3f2a9c1b04de.css`). Pages link that name, which is served with
`Cache-Control: public, max-age=31536000, immutable`: a browser or proxy keeps it for a year and
never asks again, and a changed file gets a new name (after a restart), so no one sees a stale
copy. The plain name keeps working for old links (a page someone saved), with a short lifetime.
Both answer with an ETag (If-None-Match gives 304) and, to a client that accepts it, gzip.

The files are a few kilobytes, so each worker keeps them, and their gzip, in memory. In debug
mode a changed file is picked up at the next request instead of at the next start.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, url_for

HASH_CHARS = 12  # 48 bits of SHA-256: no two versions of one file collide in practice
LONG_CACHE = "public, max-age=31536000, immutable"  # a year: the name changes when the content does
SHORT_CACHE = "public, max-age=300"  # plain names: old links keep working and pick up changes soon
# Types worth compressing; images other than SVG (and fonts) are compressed already.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    """One static file: its names, its bytes, and their gzip when that is smaller."""

    name: str  # path under static/, with forward slashes: css/app.css
    hashed_name: str  # the same with the content hash before the suffix: css/app.3f2a9c1b04de.css
    mimetype: str
    body: bytes
    digest: str  # the content hash in the name; also the ETag
    gzipped: bytes | None = None


def fingerprinted(name: str, digest: str) -> str:
    """Put the hash before the last suffix: css/app.css -> css/app.<digest>.css."""
    folder, _, file_name = name.rpartition("/")
    stem, dot, suffix = file_name.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{file_name}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def read_asset(path: Path, name: str) -> Asset:
    """Read one file; hash it, and gzip it if that makes it smaller."""
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:HASH_CHARS]
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    gzipped = None
    if mimetype.startswith(COMPRESSIBLE):
        packed = gzip.compress(body, compresslevel=9, mtime=0)  # mtime 0: the same bytes in every worker
        gzipped = packed if len(packed) < len(body) else None
    return Asset(name, fingerprinted(name, digest), mimetype, body, digest, gzipped)


class Assets:
    """Every file under one folder, found by plain and by fingerprinted name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.signature = self._signature()
        self.by_name: dict[str, Asset] = {}
        self.by_hashed_name: dict[str, Asset] = {}
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
                asset = read_asset(path, name)
                self.by_name[name] = asset
                self.by_hashed_name[asset.hashed_name] = asset
        # Changes whenever any file does: pages cache their links per version.
        self.version = hashlib.sha256("".join(sorted(self.by_hashed_name)).encode()).hexdigest()[:HASH_CHARS]

    def _signature(self) -> tuple[tuple[str, int, int], ...]:
        """Each file's name, size and modification time: enough to notice an edit in debug mode."""
        if not self.folder.is_dir():
            return ()
        found = []
        for path in sorted(self.folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                found.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
        return tuple(found)

    def changed(self) -> bool:
        """True when a file was added, removed or edited since these were read."""
        return self._signature() != self.signature

    def hashed_name(self, name: str) -> str:
        """The fingerprinted name of a file; the plain name if there is no such file."""
        asset = self.by_name.get(name)
        return asset.hashed_name if asset else name


def table(app: Flask | None = None) -> Assets:
    """The app's static files; in debug mode read again first if any of them changed on disk."""
    app = app or current_app
    assets: Assets = app.extensions["assets"]
    if app.debug and assets.changed():
        assets = app.extensions["assets"] = Assets(assets.folder)
    return assets


def url(name: str) -> str:
    """The fingerprinted URL of a file under static/ (for templates: `asset_url('css/app.css')`)."""
    return url_for("static", filename=table().hashed_name(name))


def serve(filename: str) -> Response:
    """Answer /static/<filename>: a fingerprinted name for a year, a plain one for minutes."""
    assets = table()
    asset = assets.by_hashed_name.get(filename)
    cache_control = LONG_CACHE
    if asset is None:
        # Plain names only; an old or unknown fingerprint is not found rather than a wrong version.
        asset = assets.by_name.get(filename)
        cache_control = SHORT_CACHE
    if asset is None:
        abort(404)
    packed = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
    response = Response(asset.gzipped if packed else asset.body, mimetype=asset.mimetype)
    if packed:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")  # so a shared cache keeps the two apart
    response.headers["Cache-Control"] = cache_control
    response.set_etag(f"{asset.digest}-gzip" if packed else asset.digest)  # one ETag per encoding
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Read static/ and answer the `static` endpoint from memory; give templates `asset_url`."""
    if not app.static_folder:
        return
    app.extensions["assets"] = Assets(Path(app.static_folder))
    # Flask made the /static/<path:filename> rule, so url_for("static", ...) keeps working;
    # only the function answering it changes.
    app.view_functions["static"] = serve
    app.add_template_global(url, "asset_url")
