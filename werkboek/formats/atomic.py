"""Writing a file in one step: a reader (or a crash) never sees half a file.

The text goes to a temporary file in the same folder, is flushed to disk (``fsync``), and
is then renamed over the target (``os.replace`` is atomic on one file system); the folder
itself is flushed too, so the new name survives a power cut. On any failure the temporary
file is removed and the old file (if any) is left as it was.

    write_text_atomic("var/results/x/outcome.json", text)
    write_with_atomic(path, workbook.save)   # anything that writes a path
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_with_atomic(path: str | Path, write: Callable[[str], object]) -> Path:
    """Call ``write(temporary_path)``, then put the file in place as ``path``; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)
    return path


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` as ``path`` in one step (``encoding="utf-8-sig"`` adds the BOM Excel wants)."""
    return write_with_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding=encoding, newline=""))


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    return write_with_atomic(path, lambda tmp: Path(tmp).write_bytes(data))


def fsync_directory(directory: str | Path) -> None:
    """Flush a folder's entries (a new or renamed file in it) to disk; a no-op where that is not possible."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
