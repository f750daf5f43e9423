"""A real browser for tests: Debian's headless Chromium driven by Playwright, with the network cut off.

Usage::

    from tests.browser import browser_session, open_page, CHROMIUM, needs_chromium

    @needs_chromium
    def test_page(tmp_path):
        with open_page(tmp_path / "map.html") as (page, console, blocked):
            assert page.evaluate("typeof L") == "object"
        assert blocked == []

For several pages in one test module, start the browser once and open pages from it::

    @pytest.fixture(scope="module")
    def browser():
        with browser_session() as b:
            yield b

    with open_page(path, browser=browser) as (page, console, blocked): ...

Every request that is not ``file:`` or ``data:`` (or ``blob:``/``about:``) is aborted and recorded in
``blocked``; console messages (``"type: text"``) and uncaught page errors (``"pageerror: ..."``)
are collected in ``console``; JavaScript dialogs (``alert``/``confirm``/``prompt``) are dismissed and
recorded as ``"dialog: <type>: <message>"`` so that a test can assert none fired.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "needs_chromium", "browser_session", "open_page", "PageLog"]

CHROMIUM = os.environ.get("YITU_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def _have_chromium() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


needs_chromium = pytest.mark.skipif(
    not _have_chromium(),
    reason=f"no Chromium at {CHROMIUM} (install it with `apt-get install chromium`, `make test` does; "
    "or point YITU_TEST_CHROMIUM to a Chromium binary)",
)


class PageLog(list):  # type: ignore[type-arg]
    """Console messages, page errors and dialogs of one page, in order (a list of str)."""

    @property
    def errors(self) -> list[str]:
        return [m for m in self if m.startswith(("pageerror:", "error:"))]

    @property
    def dialogs(self) -> list[str]:
        return [m for m in self if m.startswith("dialog:")]


@contextlib.contextmanager
def browser_session() -> Iterator[Any]:
    """Start Playwright and headless Chromium (``/usr/bin/chromium``); yield the Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(
    path: str | Path,
    *,
    browser: Any | None = None,
    viewport: tuple[int, int] = (1280, 900),
    wait_for: str | None = None,
    timeout_ms: int = 20000,
) -> Iterator[tuple[Any, PageLog, list[str]]]:
    """Open a local HTML file with the network blocked; yield ``(page, console, blocked)``.

    Parameters
    ----------
    path
        The HTML file.
    browser
        A Browser from :func:`browser_session` (reused); a new one is started when ``None``.
    viewport
        Page size in CSS pixels.
    wait_for
        A JavaScript expression to wait for (truthy) after the load event, e.g. ``"window.L"``.
    timeout_ms
        Timeout for loading and waiting.
    """
    url = Path(path).resolve().as_uri()
    with contextlib.ExitStack() as stack:
        if browser is None:
            browser = stack.enter_context(browser_session())
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
        stack.callback(context.close)
        page = context.new_page()
        console = PageLog()
        blocked: list[str] = []

        def _route(route: Any) -> None:
            req_url = route.request.url
            if req_url.startswith(_LOCAL_SCHEMES):
                route.continue_()
            else:
                blocked.append(req_url)
                route.abort()

        def _dialog(dialog: Any) -> None:
            console.append(f"dialog: {dialog.type}: {dialog.message}")
            dialog.dismiss()

        context.route("**/*", _route)
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        page.on("dialog", _dialog)
        page.goto(url, wait_until="load", timeout=timeout_ms)
        if wait_for:
            page.wait_for_function(wait_for, timeout=timeout_ms)
        yield page, console, blocked
