"""Static files for phones on a crowded wifi: compressed once, cached by the browser.

Voilà 0.5.13 serves its ~95 script files uncompressed (it builds its web application before
tornado's ``compress_response`` could apply, and gzip per request would cost the server 2.5×
the CPU per page) and marks the widget extensions ``no-cache``. This module gives the residents'
server handlers that

* answer ``Accept-Encoding: br`` / ``gzip`` with a copy compressed **once per file and
  machine** (brotli quality 9 and gzip 9, kept in a cache directory keyed by the file's path,
  size and modification time; written atomically, so two servers filling it at once is harmless),
  with ``Content-Encoding`` and ``Vary: Accept-Encoding``;
* let the browser keep what does not change: files whose name carries a content hash
  (``remoteEntry.9aa97e63….js``, ``?v=…``) for a year (``immutable``); Voilà's own unhashed
  chunks for one evening (:data:`EVENING_SECONDS`), after which ``Last-Modified`` revalidates.

Why our own code and not a library: the only part is choosing a precompressed sibling file in
tornado's ``StaticFileHandler`` hooks, and the compression itself is the ``brotli`` and ``gzip``
libraries; nginx does the same with ``gzip_static`` in the cluster set-up. Figures:
``./run bench first_load``.

:func:`warm_up` fills the cache in a background thread when the server starts, so the first
phone of the evening already gets the small files.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mimetypes
import os
import re
import tempfile
import threading
from pathlib import Path

log = logging.getLogger("werkboek.static")

COMPRESSIBLE = {".js", ".css", ".json", ".svg", ".html", ".txt", ".mjs", ".map", ".ttf", ".eot", ".otf"}
MIN_BYTES = 1024  # below this, compression saves less than the headers it adds
EVENING_SECONDS = 8 * 3600
YEAR_SECONDS = 365 * 24 * 3600
HASHED_NAME = re.compile(r"[.-][0-9a-f]{16,}\.\w+$")
ENCODINGS = ("br", "gzip")  # in order of preference
_lock = threading.Lock()


def cache_dir() -> Path:
    """Where compressed copies live: shared by every server on this machine."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "werkboek" / "static"


def accepted(header: str | None) -> list[str]:
    """The encodings of :data:`ENCODINGS` that an ``Accept-Encoding`` header allows, best first."""
    allowed = {}
    for part in (header or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name.strip()] = q
    return [e for e in ENCODINGS if allowed.get(e, allowed.get("*", 0.0)) > 0]


def compressible(path: str) -> bool:
    return Path(path).suffix.lower() in COMPRESSIBLE


def _key(path: str, stat: os.stat_result) -> str:
    return hashlib.sha256(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:32]


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        import brotli

        return brotli.compress(data, quality=9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def compressed_copy(path: str, encoding: str, directory: Path | None = None) -> str | None:
    """The path of ``path`` compressed with ``encoding`` (made now when missing); None when not worth it."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if stat.st_size < MIN_BYTES or not compressible(path):
        return None
    directory = directory or cache_dir()
    target = directory / f"{_key(path, stat)}{Path(path).suffix}.{encoding}"
    if target.exists():
        return str(target)
    try:
        data = Path(path).read_bytes()
        packed = _compress(data, encoding)
        if len(packed) >= len(data):
            return None
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(packed)
        os.replace(tmp, target)  # atomic: a reader sees the whole copy or none
    except OSError as exc:  # a full or read-only disk: serve the file as it is
        log.warning("no compressed copy of %s: %s", path, exc)
        return None
    return str(target)


def warm_up(roots, directory: Path | None = None) -> threading.Thread:
    """Compress every compressible file under ``roots`` in a background thread (lowest priority)."""

    def work():
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread only
        except (OSError, AttributeError):
            pass
        done = 0
        for root in roots:
            for dirpath, _dirs, files in os.walk(root):
                for name in files:
                    path = os.path.join(dirpath, name)
                    if compressible(path):
                        for encoding in ENCODINGS:
                            done += compressed_copy(path, encoding, directory) is not None
        log.info("static files: %d compressed copies ready in %s", done, directory or cache_dir())

    thread = threading.Thread(target=work, name="werkboek-static-warm-up", daemon=True)
    thread.start()
    return thread


class PrecompressedStatic:
    """Mixed into tornado ``StaticFileHandler`` subclasses (Voilà's, jupyter_server's) before them."""

    _original_path: str | None = None
    _encoding: str | None = None

    def validate_absolute_path(self, root, absolute_path):
        path = super().validate_absolute_path(root, absolute_path)
        self._original_path, self._encoding = path, None
        if path is None or not compressible(path):
            return path
        for encoding in accepted(self.request.headers.get("Accept-Encoding")):
            copy = compressed_copy(path, encoding)
            if copy is not None:
                self._encoding = encoding
                # tornado keeps the stat of the path it validated (for Content-Length, Last-Modified)
                self._stat_result = os.stat(copy)
                return copy
        return path

    def get_content_type(self) -> str:
        if self._original_path is None:
            return super().get_content_type()
        mime, _ = mimetypes.guess_type(self._original_path)
        if mime is None:
            return "application/octet-stream"
        return f"{mime}; charset=UTF-8" if mime.startswith("text/") or mime.endswith("javascript") else mime

    def set_headers(self) -> None:
        super().set_headers()
        original = self._original_path or ""
        if compressible(original):
            self.set_header("Vary", "Accept-Encoding")
        if self._encoding:
            self.set_header("Content-Encoding", self._encoding)
        hashed = "v" in self.request.arguments or HASHED_NAME.search(original)
        seconds = YEAR_SECONDS if hashed else EVENING_SECONDS
        self.set_header("Cache-Control", f"public, max-age={seconds}" + (", immutable" if hashed else ""))


def precompressed(handler_class: type) -> type:
    """``handler_class`` with :class:`PrecompressedStatic` mixed in (same name, for the logs)."""
    return type(handler_class.__name__, (PrecompressedStatic, handler_class), {})
