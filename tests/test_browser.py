"""The catalog in a real browser: Debian's Chromium, headless, driven by Playwright.

Playwright's own browser download cannot work here, so the test drives the system Chromium
(`.ci/run` installs Debian's `chromium` when it is missing) and skips when there is none.
The screenshot is kept in pytest's temporary folder (printed with `-s`) to be looked at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main

from test_site import LIBRARY, NAMES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium (Debian package 'chromium') on this machine"
)


def test_index_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", str(LIBRARY), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    problems: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on(
                "console",
                lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "index.html").as_uri())

            cards = page.locator(".card")
            assert set(page.locator(".card h3").all_inner_texts()) == NAMES
            assert cards.count() == len(NAMES)
            # The stylesheet was applied: cards sit in a grid, several to a row.
            assert page.locator(".cards").evaluate("e => getComputedStyle(e).display") == "grid"
            shot = tmp_path / "index.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

            page.fill("#filter", "tabata")
            visible = [c.inner_text().splitlines()[0] for c in cards.all() if c.is_visible()]
            assert visible == ["Tabata"]
            assert page.locator("#shown").inner_text() == f"1 of {len(NAMES)} shown"
            # Several words must all match: only the 800 m session is on a track and says 800.
            page.fill("#filter", "track 800")
            visible = [c.inner_text().splitlines()[0] for c in cards.all() if c.is_visible()]
            assert visible == ["800 m repeats, 400 m jog"]
            page.fill("#filter", "no such workout")
            assert not any(c.is_visible() for c in cards.all())
            page.fill("#filter", "")
            assert all(c.is_visible() for c in cards.all())

            # A workout page, reached by its link, shows its chart with tooltips.
            page.click("text=10 x 400 m at mile pace")
            assert page.locator("h1").inner_text() == "10 x 400 m at mile pace"
            assert page.locator("svg.chart rect.bar").count() == 22
            page.screenshot(path=str(tmp_path / "workout.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert all(url.startswith("file://") for url in requests), requests
