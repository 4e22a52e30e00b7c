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


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["site", str(LIBRARY), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


PHONE = {"width": 390, "height": 900}
# A session narrower than this shows a word or two a line, or less.
READABLE = 120


def test_every_page_fits_a_phone_and_the_plan_stacks_its_days(
    built_site: Path, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pages = sorted(built_site.glob("*.html")) + sorted(built_site.glob("*/*.html"))
    assert len(pages) == 1 + 18 + 4  # index, workouts (12 runs, 3 rides, 3 swims), plans (4)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport=PHONE)
            for html in pages:
                page.goto(html.as_uri())
                # Nothing sticks out sideways: the page never scrolls horizontally.
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], f"{html.name}: {width} px wide"
            for plan in sorted((built_site / "plans").glob("*.html")):
                page.goto(plan.as_uri())
                widths = page.locator(".session").evaluate_all(
                    "xs => xs.map(x => x.getBoundingClientRect().width)"
                )
                assert widths and min(widths) >= READABLE, (plan.name, min(widths))
                # A stacked week: no column header, days with sessions under each other,
                # each saying its date; days without a session are left out.
                assert not page.locator("table.calendar thead").is_visible()
                days = page.locator("td.day:not(.rest)")
                assert page.locator("td.rest").first.is_hidden()
                labels = days.locator(".day-label")
                assert labels.first.is_visible()
                tops = days.evaluate_all(
                    "xs => xs.slice(0, 3).map(x => x.getBoundingClientRect().top)"
                )
                assert tops == sorted(tops) and len(set(tops)) == 3
            page.goto((built_site / "plans" / "faster-mile.html").as_uri())
            shot = tmp_path / "plan-390.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
            desktop = browser.new_page(viewport={"width": 1280, "height": 900})
            desktop.goto((built_site / "plans" / "faster-mile.html").as_uri())
            # On a wide screen the days are the table's columns again, one row a week.
            assert desktop.locator("table.calendar thead").is_visible()
            assert not desktop.locator(".day-label").first.is_visible()
            tops = (
                desktop.locator("tr.week")
                .first.locator("td.day")
                .evaluate_all("xs => xs.map(x => x.getBoundingClientRect().top)")
            )
            assert len(set(tops)) == 1
            desktop.screenshot(path=str(tmp_path / "plan-1280.png"), full_page=True)
        finally:
            browser.close()


def test_the_plan_prints_a_week_a_block_with_no_word_split(
    built_site: Path, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    plan = built_site / "plans" / "faster-mile.html"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(plan.as_uri())
            page.emulate_media(media="print")
            weeks = page.locator("tr.week")
            assert weeks.count() == 8
            breaks = weeks.evaluate_all("xs => xs.map(x => getComputedStyle(x).breakInside)")
            assert set(breaks) == {"avoid"}
            styles = page.locator(".session, .session *").evaluate_all(
                "xs => xs.map(x => { const s = getComputedStyle(x);"
                " return [s.wordBreak, s.overflowWrap, s.hyphens]; })"
            )
            assert styles
            for word_break, overflow_wrap, hyphens in styles:
                assert word_break == "normal" and overflow_wrap == "normal", styles
                assert hyphens in ("manual", "none")
            # Links print as the text they are: the ink of the page, not underlined.
            link = page.locator(".session a").first
            ink = page.evaluate("getComputedStyle(document.body).color")
            assert link.evaluate("a => getComputedStyle(a).color") == ink
            assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
            # The site's header and the downloads are no use on paper.
            assert not page.locator("header.top").is_visible()
            assert not page.locator(".downloads").is_visible()
            names = set(page.locator(".session a").all_inner_texts())
            pdf = tmp_path / "plan.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True)
        finally:
            browser.close()
    print(f"pdf: {pdf}")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("no pdftotext (Debian package 'poppler-utils'): the PDF's words are unread")
    import subprocess

    text = subprocess.run(
        [pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    tokens = set(text.split())
    words = {w for name in names for w in name.split()}
    # Every word of every session name is on the paper whole; no piece of one stands alone.
    assert words <= tokens, words - tokens
    # (Only words of letters: "40 min" is no piece of "400 m", nor "mi" of "mile".)
    long_words = {w for w in words if w.isalpha() and len(w) >= 4}
    pieces = {
        t
        for t in tokens - words
        for w in long_words
        if t.isalpha() and len(t) >= 3 and w.startswith(t)
    }
    assert not pieces, pieces
