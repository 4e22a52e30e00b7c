"""The documentation tells the truth: every workout, plan and profile shown in README.md and
docs/*.md builds as shown, the README's links lead to files of this repository, no page points
outside it, and the reference pages list what the code accepts."""

from __future__ import annotations

import os
import re
import shutil
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from workoutexport.cli import main
from workoutexport.model import Workout as WorkoutModel

from conftest import decoded

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def kind(self) -> str | None:
        """What a YAML block is, from its top-level keys: steps: a workout, weeks: a plan."""
        if self.lang != "yaml":
            return None
        keys = set(re.findall(r"^([A-Za-z_][\w-]*):", self.text, flags=re.MULTILINE))
        if "steps" in keys:
            return "workout"
        if "weeks" in keys:
            return "plan"
        if keys & {"paces", "race", "hr", "ftp", "tolerance"}:
            return "profile"
        return None


def fenced_blocks(page: Path) -> list[Block]:
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        indent, start = m["indent"], i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i].removeprefix(indent))
            i += 1
        blocks.append(Block(page, start + 1, m["lang"], "\n".join(body) + "\n"))
        i += 1
    return blocks


ALL_BLOCKS = [b for page in PAGES for b in fenced_blocks(page)]
EXAMPLES = [b for b in ALL_BLOCKS if b.kind is not None]


def load(text: str) -> Any:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    return yaml.load(text)


def cli(*args: str, cwd: Path) -> tuple[int, str]:
    old = Path.cwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A copy of the bundled workouts/, where the examples find the profile and the workouts
    that plans name."""
    dest = tmp_path / "workouts"
    shutil.copytree(ROOT / "workouts", dest)
    return dest


def test_the_pages_show_workouts_plans_and_profiles() -> None:
    # The extraction must find what the pages are known to show, or the tests below test
    # nothing: the README's three examples, and the format pages' own.
    readme = [b.kind or "" for b in EXAMPLES if b.page.name == "README.md"]
    assert sorted(readme) == ["plan", "workout", "workout"]
    assert "plan" in {b.kind for b in EXAMPLES if b.page.name == "plan-format.md"}
    assert sum(b.kind == "workout" for b in EXAMPLES if b.page.name == "workout-format.md") >= 3
    assert "profile" in {b.kind for b in EXAMPLES if b.page.name == "profiles-and-paces.md"}


@pytest.mark.parametrize("block", EXAMPLES, ids=lambda b: b.where)
def test_a_block_that_shows_a_workout_or_plan_says_so(block: Block) -> None:
    # A reader sees at once what a block is: workouts and plans start with a marker comment.
    first = block.text.splitlines()[0]
    if block.kind in ("workout", "plan"):
        assert first == f"# {block.kind}", f"{block.where}: starts with {first!r}"
    else:
        assert first not in ("# workout", "# plan"), block.where


WORKOUTS = [b for b in EXAMPLES if b.kind == "workout"]
PLANS = [b for b in EXAMPLES if b.kind == "plan"]
PROFILES = [b for b in EXAMPLES if b.kind == "profile"]


@pytest.mark.parametrize("block", WORKOUTS, ids=lambda b: b.where)
def test_every_workout_shown_builds(block: Block, library: Path, tmp_path: Path) -> None:
    (library / "doc-example.yaml").write_text(block.text, encoding="utf-8")
    status, out = cli("build", "doc-example.yaml", "-o", str(tmp_path / "out"), cwd=library)
    assert status == 0, f"{block.where}:\n{out}"
    assert "0 errors" in out, out
    fit = decoded((tmp_path / "out" / "doc-example.fit").read_bytes())
    # The file holds the workout the block names, with a step for each one it writes.
    data = load(block.text)
    name = data["name"]
    for var, value in (data.get("vars") or {}).items():  # a name may use vars
        name = name.replace(f"${{{var}}}", str(value))
    (workout,) = fit["workout_mesgs"]
    assert workout["wkt_name"] == name
    assert len(fit["workout_step_mesgs"]) == workout["num_valid_steps"] > 0


def _sessions(plan: dict[str, Any]) -> int:
    """How many sessions a plan has, counted from the YAML as a reader counts them."""
    total = 0
    for week in plan["weeks"]:
        per_week = sum(len(d) if isinstance(d, list) else 1 for d in week["days"].values())
        total += per_week * week.get("repeat", 1)
    return total


@pytest.mark.parametrize("block", PLANS, ids=lambda b: b.where)
def test_every_plan_shown_builds(block: Block, library: Path, tmp_path: Path) -> None:
    (library / "doc-plan.yaml").write_text(block.text, encoding="utf-8")
    out = tmp_path / "out"
    status, text = cli("build", "doc-plan.yaml", "-o", str(out), cwd=library)
    assert status == 0, f"{block.where}:\n{text}"
    folder = out / "doc-plan"
    files = sorted(p for p in folder.glob("*.fit") if not p.name.endswith("-schedule.fit"))
    expected = _sessions(load(block.text))
    serials = set()
    for path in files:
        decoded_file = decoded(path.read_bytes())
        assert decoded_file["workout_mesgs"], path
        serials.add(decoded_file["file_id_mesgs"][0]["serial_number"])
    # One file per distinct session; the schedule points at one of them for every session.
    schedule = decoded((folder / "doc-plan-schedule.fit").read_bytes())
    assert len(schedule["schedule_mesgs"]) == expected
    assert {e["serial_number"] for e in schedule["schedule_mesgs"]} == serials
    assert (folder / "doc-plan.ics").read_text().count("BEGIN:VEVENT") == expected


@pytest.mark.parametrize("block", PROFILES, ids=lambda b: b.where)
def test_every_profile_shown_is_valid(block: Block, tmp_path: Path) -> None:
    # A profile beside a workout that uses a named pace: the profile is checked, and it gives
    # that pace (from paces: or from race:).
    (tmp_path / "profile.yaml").write_text(block.text, encoding="utf-8")
    (tmp_path / "tempo.yaml").write_text(
        "name: Tempo\nsteps:\n  - run: 20min\n    pace: threshold\n", encoding="utf-8"
    )
    status, out = cli("check", "profile.yaml", cwd=tmp_path)
    assert status == 0, f"{block.where}:\n{out}"
    assert "0 errors" in out


def test_no_page_points_outside_the_repository() -> None:
    for page in [*PAGES, ROOT / "SECURITY.md", ROOT / "mkdocs.yml"]:
        text = page.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            where = f"{page.relative_to(ROOT)}:{n}"
            assert "shared/" not in line, where
            assert "/work/" not in line, where
            assert not re.search(r"\]\((/|file:)", line), where


def test_the_readme_links_lead_to_files_of_the_repository() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [link for link in links if not re.match(r"[a-z]+:|#", link)]
    assert len(local) >= 10
    for link in local:
        assert (ROOT / link.split("#", 1)[0]).exists(), link


def _row(page: str, key: str) -> str:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    (row,) = [line for line in text.splitlines() if line.startswith(f"| `{key}` |")]
    return row


@pytest.mark.parametrize("key", ["sport", "sub_sport"])
def test_the_workout_format_lists_every_value_the_model_takes(key: str) -> None:
    def literals(annotation: Any) -> set[str]:
        return {v for v in typing.get_args(annotation) if isinstance(v, str)} | {
            v for arg in typing.get_args(annotation) for v in literals(arg)
        }

    values = literals(WorkoutModel.model_fields[key].annotation)
    assert values >= {"running", "strength"} or values >= {"track", "treadmill"}
    listed = set(re.findall(r"`([a-z_]+)`", _row("workout-format.md", key))) - {key}
    assert listed == values


def test_the_readme_and_the_docs_quick_start_give_the_same_commands() -> None:
    def commands(page: Path) -> list[str]:
        text = page.read_text(encoding="utf-8")
        section = re.split(r"^## ", text.split("# Quick start", 1)[1], flags=re.MULTILINE)[0]
        return [b.text for b in fenced_blocks_of(section) if b.lang == "sh"]

    readme = commands(ROOT / "README.md")
    assert len(readme) == 2
    assert commands(ROOT / "docs" / "quick-start.md") == readme


def fenced_blocks_of(text: str) -> list[Block]:
    path = ROOT / ".fenced.md"  # never written: Block only needs a name to report
    blocks: list[Block] = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL):
        blocks.append(Block(path, 0, m[1], m[2]))
    return blocks


def test_ci_runs_the_test_command_the_readme_gives() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    test_command = fenced_blocks_of(section)[1].text.strip()
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
