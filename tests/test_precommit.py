"""The pre-commit hook, run by pre-commit itself against a throw-away repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), "workoutexport-check", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    repo = tmp_path / "club"
    (repo / "workouts").mkdir(parents=True)
    (repo / "workouts" / "good.yaml").write_text("name: Good\nsteps:\n  - run: 10min\n")
    (repo / "workouts" / "broken.yaml").write_text("name: Broken\nsteps:\n  - run: 400\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    result = try_repo(repo, env)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "workouts/broken.yaml:3:10: error: '400' has no unit" in out
    assert "good.yaml:" not in out  # the good workout draws no diagnostic

    (repo / "workouts" / "broken.yaml").unlink()
    _git(repo, "add", "-A")
    result = try_repo(repo, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def _readme_config() -> str:
    """The `.pre-commit-config.yaml` block of the CI and editors page, as a user copies it."""
    text = (ROOT / "docs" / "ci-and-editors.md").read_text()
    after = text.split("## With pre-commit", 1)[1]
    return after.split("```yaml\n", 1)[1].split("```", 1)[0]


def _snapshot(dest: Path) -> None:
    """This working tree (uncommitted changes too) as a repository on branch main, so that
    the documented `rev: main` names it."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    for name in listed:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", ".")
    _git(dest, "commit", "-q", "-m", "snapshot")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed")
def test_the_readme_pre_commit_config_works_as_written(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    source = tmp_path / "workoutexport"
    source.mkdir()
    _snapshot(source)
    config = _readme_config()
    assert "rev: main" in config and "files: ^workouts/" in config
    repo = tmp_path / "club"
    (repo / "workouts").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(
        config.replace("https://github.com/<owner>/workoutexport", str(source))
    )
    (repo / "workouts" / "README.md").write_text("# Our workouts\n\nNot YAML: left alone.\n")
    (repo / "workouts" / "profile.yaml").write_text("paces:\n  easy: 6:00/km\n")
    (repo / "workouts" / "easy.yaml").write_text(
        "name: Easy\nsteps:\n  - run: 30min\n    pace: easy\n"
    )
    (repo / "workouts" / "broken.yaml").write_text("name: Broken\nsteps:\n  - run: 400\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "run", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    result = run("--all-files")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "workouts/broken.yaml:3:10: error: '400' has no unit" in out
    assert "README.md" not in out

    # Fixed and committed; then only the profile changes, and it breaks easy.yaml.
    (repo / "workouts" / "broken.yaml").unlink()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "workouts")
    (repo / "workouts" / "profile.yaml").write_text("paces:\n  eazy: 6:00/km\n")
    _git(repo, "add", "-A")
    result = run("--files", "workouts/profile.yaml")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "workouts/easy.yaml:4:11: error: named pace 'easy' is not in the profile" in out
