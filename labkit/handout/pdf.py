"""Printable A4 PDFs from self-contained handout HTML, via the system Chromium (no LaTeX).

One browser and one context per batch (starting them costs ~1 s), a page per file. Pages are offline:
requests other than file:, data: and about: are aborted. Output is written atomically and is
byte-identical for identical HTML (Chromium's timestamps are replaced by a fixed date).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from labkit.files import cannot_save, write_atomically
from labkit.problems import LabkitError, display_name

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, PdfMargins, Route

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
OFFLINE_SCHEMES = ("file:", "data:", "about:")
MARGIN: PdfMargins = {"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"}
INSTALL_HINT = ("Installér Chromium (Debian/Ubuntu: »sudo apt-get install chromium«), "
                "eller sæt miljøvariablen LABKIT_CHROMIUM til stien til en Chromium eller Chrome.")

# Skia writes "D:YYYYMMDDHHmmSS+00'00'"; replacing the digits in place keeps every xref offset valid.
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})")
_ID = re.compile(rb"/ID\s*(\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\])")
FIXED_DATE = b"20000101000000"


def find_chromium() -> str:
    """$LABKIT_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH; else `LabkitError`."""
    chosen = os.environ.get("LABKIT_CHROMIUM")
    if chosen:
        # An explicit choice that does not work is an error, not a reason to pick another browser.
        if not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
            raise LabkitError(f"LABKIT_CHROMIUM peger på »{chosen}«, men der er ikke noget program der. "
                              + INSTALL_HINT)
        return chosen
    found = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if found:
        return found
    raise LabkitError("Chromium blev ikke fundet, så der kan ikke laves PDF'er. " + INSTALL_HINT)


def stable_pdf(data: bytes) -> bytes:
    """`data` with Chromium's /CreationDate, /ModDate and any /ID replaced by same-length fixed values."""
    data = _DATE.sub(lambda m: b"/" + m[1] + b" (D:" + FIXED_DATE, data, count=2)
    match = _ID.search(data)
    if match:
        data = data[:match.start(1)] + re.sub(rb"[0-9A-Fa-f]", b"0", match[1]) + data[match.end(1):]
    return data


def html_to_pdf(jobs: Sequence[tuple[Path, Path]], chromium: str | None = None) -> dict[Path, str | None]:
    """Convert each (html, pdf) pair to an A4 PDF with one Chromium for the whole batch.

    Returns, for each pdf path, None on success or a Danish message; one failed file does not stop
    the others. Raises `LabkitError` when Playwright or Chromium is missing or will not start.
    """
    if not jobs:
        return {}
    executable = chromium or find_chromium()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _convert_all(jobs, executable)
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API refuses to run inside Jupyter's event loop
        return pool.submit(_convert_all, jobs, executable).result()


def _convert_all(jobs: Sequence[tuple[Path, Path]], executable: str) -> dict[Path, str | None]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise LabkitError("Python-pakken playwright mangler, så der kan ikke laves PDF'er. "
                          "Installér labkit med alle afhængigheder (fx »pip install playwright«).") from None
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            context = browser.new_context()
        except Error as error:
            raise LabkitError(f"Chromium (»{executable}«) kunne ikke starte: {_first_line(error.message)} "
                              + INSTALL_HINT) from None
        context.route("**/*", _offline_only)
        results = {Path(pdf): _convert(context, Path(html), Path(pdf)) for html, pdf in jobs}
        with suppress(Error):  # a crashed browser has nothing left to close
            browser.close()
    return results


def _convert(context: BrowserContext, html: Path, pdf: Path) -> str | None:
    from playwright.sync_api import Error

    if not html.is_file():
        return f"{display_name(html)} findes ikke (eller er ikke en fil)."
    try:
        page = context.new_page()
        try:
            page.goto(html.resolve().as_uri(), wait_until="load")
            data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True, margin=MARGIN)
        finally:
            with suppress(Error):
                page.close()
        write_atomically(pdf, stable_pdf(data))
    except Error as error:
        return f"Chromium kunne ikke lave PDF af {display_name(html)}: {_first_line(error.message)}"
    except OSError as error:
        return cannot_save("PDF'en", pdf, error)
    return None


def _offline_only(route: Route) -> None:
    # Handouts are self-contained; anything from the network would hang offline or leak data.
    if route.request.url.startswith(OFFLINE_SCHEMES):
        route.continue_()
    else:
        route.abort()


def _first_line(message: str) -> str:
    # Playwright appends a multi-line call log; the user needs only the cause.
    return (message.strip().splitlines() or ["ukendt fejl"])[0]
