"""Script and style for the phones: compressed once per file, served with the right headers, kept by the browser."""

from __future__ import annotations

import gzip
import os
import sys
import urllib.request
from pathlib import Path

import brotli
import pytest

from werkboek.serving.voila_patches.static_files import accepted, compressed_copy, warm_up


def test_accept_encoding_is_read_with_its_weights():
    assert accepted("gzip, deflate, br, zstd") == ["br", "gzip"]
    assert accepted("gzip;q=1.0, br;q=0") == ["gzip"]
    assert accepted("identity") == [] and accepted(None) == []
    assert accepted("*;q=0.5") == ["br", "gzip"]


def test_a_file_is_compressed_once_and_again_only_when_it_changes(tmp_path):
    source = tmp_path / "chunk.js"
    body = ("function ballot(){return 'Stap 1 van 5';}\n" * 400).encode()
    source.write_bytes(body)
    cache = tmp_path / "cache"
    br = compressed_copy(str(source), "br", cache)
    gz = compressed_copy(str(source), "gzip", cache)
    assert brotli.decompress(Path(br).read_bytes()) == body
    assert gzip.decompress(Path(gz).read_bytes()) == body
    assert len(Path(br).read_bytes()) < len(body) / 10
    made = os.stat(br).st_mtime_ns
    assert compressed_copy(str(source), "br", cache) == br and os.stat(br).st_mtime_ns == made  # not again

    source.write_bytes(body + b"// changed\n")
    again = compressed_copy(str(source), "br", cache)
    assert again != br and brotli.decompress(Path(again).read_bytes()).endswith(b"// changed\n")
    assert not [p for p in cache.iterdir() if p.name.startswith(".part-")]  # no half-written copies


def test_small_or_already_compressed_files_are_served_as_they_are(tmp_path):
    (tmp_path / "tiny.js").write_text("x=1")
    (tmp_path / "font.woff2").write_bytes(os.urandom(4096))
    assert compressed_copy(str(tmp_path / "tiny.js"), "br", tmp_path / "c") is None
    assert compressed_copy(str(tmp_path / "font.woff2"), "gzip", tmp_path / "c") is None
    assert compressed_copy(str(tmp_path / "missing.js"), "gzip", tmp_path / "c") is None


def test_warm_up_fills_the_cache_for_every_file(tmp_path):
    root = tmp_path / "static"
    (root / "sub").mkdir(parents=True)
    for name in ("a.js", "sub/b.css"):
        (root / name).write_text("body { color: black; }\n" * 200)
    warm_up([str(root)], tmp_path / "cache").join(30)
    names = sorted(p.name.rsplit(".", 1)[1] for p in (tmp_path / "cache").iterdir())
    assert names == ["br", "br", "gzip", "gzip"]


@pytest.mark.voila
def test_the_residents_server_sends_compressed_and_cacheable_script(tmp_path, monkeypatch):
    from werkboek.serving.residents import running_resident_server

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    with running_resident_server(pool_size=0, database_url=url, home=tmp_path) as server:
        def get(path, encoding):
            request = urllib.request.Request(server.url.rstrip("/") + path, headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.headers, reply.read()

        plain_headers, plain = get("/voila/static/voila.js", "identity")
        br_headers, packed = get("/voila/static/voila.js", "gzip, deflate, br")
        gz_headers, gzipped = get("/voila/static/voila.js", "gzip")
        assert plain_headers.get("Content-Encoding") is None and len(plain) > 1000
        assert br_headers["Content-Encoding"] == "br" and brotli.decompress(packed) == plain
        assert gz_headers["Content-Encoding"] == "gzip" and gzip.decompress(gzipped) == plain
        assert len(packed) < len(plain) / 2
        for headers in (plain_headers, br_headers):
            assert headers["Vary"] == "Accept-Encoding"
            assert headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
            assert "max-age=28800" in headers["Cache-Control"]  # unhashed: kept for one evening

        labext = "/voila/labextensions/jupyter-leaflet/static/"
        listing = [p.name for p in (Path(sys.prefix) / "share/jupyter/labextensions/jupyter-leaflet/static").iterdir()
                   if p.name.startswith("remoteEntry.")]
        headers, body = get(labext + listing[0], "br")
        assert headers["Content-Encoding"] == "br" and brotli.decompress(body)
        assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
