"""The one atomic file writer: a reader or a crash sees the old file or the new one, never half of one."""

from __future__ import annotations

import pytest

from werkboek.formats import atomic
from werkboek.formats.atomic import write_bytes_atomic, write_text_atomic, write_with_atomic


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_text_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "stemmen.csv"
    target.write_text("oud en veel langer dan het nieuwe bestand", encoding="utf-8")
    assert write_text_atomic(target, "stembiljet\r\n1\r\n", encoding="utf-8-sig") == target
    assert target.read_bytes() == b"\xef\xbb\xbfstembiljet\r\n1\r\n"  # BOM: Excel reads UTF-8; \r\n kept
    assert _names(tmp_path) == ["stemmen.csv"]


@pytest.mark.parametrize("error", [OSError("schijf vol"), KeyboardInterrupt()])
def test_a_writer_failing_half_way_leaves_the_old_file_and_no_temporary_file(tmp_path, error):
    target = tmp_path / "verslag.html"
    target.write_text("<p>het oude verslag</p>", encoding="utf-8")
    seen = []

    def half_then_fail(tmp: str) -> None:
        seen.append(tmp)
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write("<p>het nieuwe ver")  # half a file …
        raise error  # … then the disk is full, or somebody presses Ctrl-C

    with pytest.raises(type(error)):
        write_with_atomic(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "<p>het oude verslag</p>"
    assert _names(tmp_path) == ["verslag.html"]  # the temporary file is gone
    assert seen and seen[0] != str(target)  # the writer never wrote the target itself


def test_a_failed_first_write_leaves_nothing(tmp_path):
    def fail(tmp: str) -> None:
        raise ValueError("kapot")

    with pytest.raises(ValueError):
        write_with_atomic(tmp_path / "nieuw" / "uitslag.xlsx", fail)
    assert _names(tmp_path / "nieuw") == []


def test_unencodable_text_leaves_the_old_file(tmp_path):
    target = tmp_path / "uitslag.csv"
    target.write_bytes(b"oud")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "goed\r\n" * 1000 + "\udc80", encoding="utf-8")
    assert target.read_bytes() == b"oud"
    assert _names(tmp_path) == ["uitslag.csv"]


def test_the_new_file_is_flushed_before_it_takes_the_name(tmp_path, monkeypatch):
    order = []
    real_fsync, real_replace = atomic.os.fsync, atomic.os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (order.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (order.append("replace"), real_replace(a, b))[1])
    write_bytes_atomic(tmp_path / "a.bin", b"\x00\x01")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert order[:2] == ["fsync", "replace"]  # the file's data first, then its name (then the folder)
    assert order.count("fsync") == 2
