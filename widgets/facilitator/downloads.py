"""Files for the facilitator: saved on the laptop and offered as a download link in the page.

A data-URI link works the same in Voilà and JupyterLab and needs no extra server route;
the files of a workshop evening are small (a few hundred kB at most).
"""

from __future__ import annotations

import base64
import os
import tempfile
from html import escape
from pathlib import Path

from werkboek import settings as config


def exports_dir() -> Path:
    path = config.home_dir() / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(data: bytes, filename: str) -> Path:
    """Write atomically into the exports folder and return the path."""
    target = exports_dir() / filename
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
    return target


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads ``data``; the file is also saved on the laptop."""
    path = save(data, filename)
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f"<a class='wb-download' download='{escape(filename)}' href='{href}'>{escape(label)}</a>"
        f"<span class='wb-saved'>Ook opgeslagen op deze laptop: {escape(str(path))}</span>"
    )
