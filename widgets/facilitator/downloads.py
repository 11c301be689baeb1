"""Files for the facilitator: saved on the laptop and offered as a download link in the page.

A data-URI link works the same in Voilà and JupyterLab and needs no extra server route;
the files of a workshop evening are small (a few hundred kB at most).
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from werkboek import settings
from werkboek.formats.atomic import write_bytes_atomic


def exports_dir() -> Path:
    return settings.private_directory(settings.home_dir() / "exports")


def save(data: bytes, filename: str) -> Path:
    """Write atomically into the exports folder (this user only) and return the path."""
    return write_bytes_atomic(exports_dir() / Path(filename).name, data)


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads ``data``; the file is also saved on the laptop."""
    path = save(data, filename)
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f"<a class='wb-download' download='{escape(filename)}' href='{href}'>{escape(label)}</a>"
        f"<span class='wb-saved'>Ook opgeslagen op deze laptop: {escape(str(path))}</span>"
    )
