"""Every link `site` writes reaches the file it names, whatever the input's file name.

A page's name comes from its input's file name, and a file name may hold what a URL reads
as syntax: `#` starts a fragment, `?` a query, `%20` is an escape, `:` before any `/` would be
a scheme, and spaces and non-ASCII letters must be escaped. Each link is read as a browser
reads it (split, then unquoted) and must reach an existing file; a fragment must name an
element of that page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from lxml import html

from workoutexport.cli import main

NAMES = ["a#b", "a?b", "a%20b", "a%b", "a b", "été ü", "c:d", "x&y", "q'\"<>", "semi;colon", "+"]
WORKOUT = "name: {name}\nsteps:\n  - run: 1km\n"


def page(path: Path) -> Any:
    return html.fromstring(path.read_bytes())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lib = tmp_path_factory.mktemp("lib")
    (lib / "sub#dir?x").mkdir()
    for i, name in enumerate(NAMES):
        (lib / f"{name}.yaml").write_text(WORKOUT.format(name=f"W{i}"))
        (lib / "sub#dir?x" / f"{name}.yaml").write_text(WORKOUT.format(name=f"S{i}"))
        (lib / f"plan {name}.yaml").write_text(
            f"name: P{i}\nstart: 2027-01-04\nweeks:\n"
            f"  - days: {{mon: '{name.replace(chr(39), chr(39) * 2)}.yaml', "
            f"tue: 'sub#dir?x/{name.replace(chr(39), chr(39) * 2)}.yaml'}}\n"
        )
    (lib / "broken#1.yaml").write_text("name: x\nsteps: []\n")  # the index links to its errors
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["site", str(lib), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 1 and "broken#1.yaml" in result.stderr  # the one broken file
    return out


def test_every_local_link_reaches_an_existing_file_and_fragment(site: Path) -> None:
    reached: set[Path] = set()
    for source in sorted(site.rglob("*.html")):
        for el in page(source).iter():
            for attr in ("href", "src"):
                link = el.get(attr) if isinstance(el.tag, str) else None
                if not link:
                    continue
                parts = urlsplit(link)
                where = f"{source.relative_to(site)}: {link}"
                assert not parts.scheme and not parts.netloc, where
                assert not parts.query, where
                target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
                assert target.is_file(), where
                assert site.resolve() in target.parents, where
                if parts.fragment:
                    ids = {e.get("id") for e in page(target).iter() if isinstance(e.tag, str)}
                    assert unquote(parts.fragment) in ids, where
                reached.add(target)
    workouts = {p.resolve() for p in (site / "workouts").glob("*.html")}
    plans = {p.resolve() for p in (site / "plans").glob("*.html")}
    assert len(workouts) == 2 * len(NAMES) and len(plans) == len(NAMES)
    assert workouts | plans <= reached  # every page is linked, through its own escaped name


def test_each_plan_links_its_own_sessions(site: Path) -> None:
    index = page(site / "index.html")
    for i in range(len(NAMES)):
        [plan_link] = [a for a in index.iter("a") if a.text == f"P{i}"]
        plan_page = (site / unquote(plan_link.get("href"))).resolve()
        names = {a.text for a in page(plan_page).iter("a")}
        assert {f"W{i}", f"S{i}"} <= names, plan_page.name
        for a in page(plan_page).iter("a"):
            if a.text in (f"W{i}", f"S{i}"):
                target = (plan_page.parent / unquote(a.get("href"))).resolve()
                assert f"<h1>{a.text}</h1>" in target.read_text(), (a.get("href"), a.text)
