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
