"""Shared helpers for browser tests: chromium through Playwright, axe-core, screenshots.

    from support.browser import chromium_browser, phone_page, axe_violations, screenshot

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here.
Screenshots go to $WERKBOEK_ARTIFACTS (default /tmp/werkboek-artifacts).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 640}


def chromium_available() -> bool:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def phone_page(browser, viewport: dict | None = None, locale: str = "nl-NL"):
    """A page in a fresh context that looks like a small Android phone (360×640, touch)."""
    context = browser.new_context(viewport=viewport or PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True, locale=locale)
    return context.new_page()


def wait_for_widgets(page, timeout: float = 60_000) -> None:
    """Until the ballot's widgets are on screen: the page's HTML welcome (index.html.j2) has given way."""
    page.wait_for_selector("#wb-first", state="detached", timeout=timeout)
    page.locator(".wb-app .wb-nav button:visible").first.wait_for(timeout=timeout)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; the violations of the given impacts (rule id, help, targets)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5], "html": [n["html"][:160] for n in v["nodes"]][:3]}
        for v in result["violations"] if v["impact"] in impacts
    ]


def format_violations(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)


def artifacts_dir() -> Path:
    path = Path(os.environ.get("WERKBOEK_ARTIFACTS") or "/tmp/werkboek-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG; ``full_page`` also captures Voilà's inner scrolling panel (#rendered_cells)
    by making the viewport as tall as the content for a moment."""
    path = artifacts_dir() / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        (document.getElementById('rendered_cells') || {scrollHeight: 0}).scrollHeight)""")
    if full_page and viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(height, 6000)})
        page.screenshot(path=str(path))
        page.set_viewport_size(viewport)
    else:
        page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path
