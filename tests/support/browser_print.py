"""Render an HTML page with Debian's chromium (Playwright) to PNG and PDF, as a person would print it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from conftest import need

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


def artifacts_dir() -> Path:
    path = Path(os.environ.get("WERKBOEK_ARTIFACTS") or "/tmp/werkboek-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def launch():
    """A started Playwright and a chromium browser; the caller stops both."""
    need(Path(CHROMIUM).exists() or shutil.which("chromium") is not None, "chromium not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright not installed")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                 args=ARGS)
    return pw, browser


def render(browser, html: str, name: str, *, width: int = 1000, pdf: bool = False) -> tuple[Path, bytes | None]:
    """Screenshot the whole page to ``<artifacts>/<name>.png``; optionally print it to PDF (A4)."""
    page = browser.new_page(viewport={"width": width, "height": 1200})
    blocked: list[str] = []
    # nothing may be fetched: the pages must be self-contained
    page.route("**/*", lambda route: (blocked.append(route.request.url), route.abort()))
    try:
        page.set_content(html, wait_until="load")
        png = artifacts_dir() / f"{name}.png"
        page.screenshot(path=str(png), full_page=True)
        data = None
        if pdf:
            data = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
            (artifacts_dir() / f"{name}.pdf").write_bytes(data)
    finally:
        page.close()
    assert blocked == [], f"the page tried to load {blocked}"
    return png, data


def pdf_page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
