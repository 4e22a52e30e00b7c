"""Batched durable writes: one sync for many files, and never a part of a file under its name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workoutexport import batch
from workoutexport.batch import Batch


def _outcomes() -> tuple[list[tuple[str, OSError | None]], batch.Done]:
    seen: list[tuple[str, OSError | None]] = []
    return seen, lambda exc: seen.append(("", exc))


def test_every_file_is_written_and_no_temporary_file_stays(tmp_path: Path) -> None:
    seen, done = _outcomes()
    (tmp_path / "a.fit").write_bytes(b"old")
    with Batch() as b:
        b.add(tmp_path / "a.fit", b"one", done)
        b.add(tmp_path / "sub" / "b.tcx", b"two", done)
    assert (tmp_path / "a.fit").read_bytes() == b"one"
    assert (tmp_path / "sub" / "b.tcx").read_bytes() == b"two"
    assert seen == [("", None), ("", None)]
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "a.fit",
        "sub",
        "sub/b.tcx",
    ]


def test_files_are_synced_whole_before_any_takes_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = [tmp_path / f"w{i}.fit" for i in range(3)]
    targets[0].write_bytes(b"old")
    synced: list[list[Path]] = []
    real_sync = batch.sync_files

    def watch(paths: list[Path]) -> None:
        # At the sync every new file is complete beside its target, and no target changed.
        assert [p.read_bytes() for p in paths] == [b"new0", b"new1", b"new2"]
        assert targets[0].read_bytes() == b"old"
        assert not targets[1].exists() and not targets[2].exists()
        synced.append(list(paths))
        real_sync(paths)

    monkeypatch.setattr(batch, "sync_files", watch)
    seen, done = _outcomes()
    with Batch() as b:
        for i, target in enumerate(targets):
            b.add(target, f"new{i}".encode(), done)
    assert len(synced) == 1  # one sync for the three files
    assert seen == [("", None)] * 3
    assert [t.read_bytes() for t in targets] == [b"new0", b"new1", b"new2"]


def test_a_failed_sync_changes_no_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(paths: list[Path]) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(batch, "sync_files", fail)
    (tmp_path / "a.fit").write_bytes(b"old")
    seen, done = _outcomes()
    with Batch() as b:
        b.add(tmp_path / "a.fit", b"new", done)
        b.add(tmp_path / "b.fit", b"new", done)
    assert (tmp_path / "a.fit").read_bytes() == b"old"
    assert not (tmp_path / "b.fit").exists()
    assert [exc.errno for _, exc in seen if exc is not None] == [5, 5]
    assert [p.name for p in tmp_path.iterdir()] == ["a.fit"]


def test_an_exception_inside_the_block_leaves_targets_and_no_temporary_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.fit").write_bytes(b"old")
    seen, done = _outcomes()
    with pytest.raises(KeyboardInterrupt), Batch() as b:
        b.add(tmp_path / "a.fit", b"new", done)
        raise KeyboardInterrupt
    assert (tmp_path / "a.fit").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.fit"]
    assert seen == []


def test_a_file_that_cannot_be_written_is_reported_and_the_rest_written(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_bytes(b"a file where a folder is needed")
    seen, done = _outcomes()
    with Batch() as b:
        b.add(blocked / "x.fit", b"x", done)
        b.add(tmp_path / "ok.fit", b"ok", done)
    assert seen[0][1] is not None and seen[1] == ("", None)
    assert (tmp_path / "ok.fit").read_bytes() == b"ok"


def test_the_limit_flushes_in_several_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real_sync = batch.sync_files

    def count(paths: list[Path]) -> None:
        calls.append(len(paths))
        real_sync(paths)

    monkeypatch.setattr(batch, "sync_files", count)
    seen, done = _outcomes()
    with Batch(limit=2) as b:
        for i in range(5):
            b.add(tmp_path / f"{i}.fit", b"x", done)
    assert calls == [2, 2, 1]
    assert seen == [("", None)] * 5
    assert len(os.listdir(tmp_path)) == 5


def test_a_batch_dropped_unflushed_leaves_no_temporary_file(tmp_path: Path) -> None:
    import gc

    seen, done = _outcomes()
    b = Batch()
    b.add(tmp_path / "a.fit", b"new", done)
    assert len(list(tmp_path.iterdir())) == 1  # the staged temporary file
    del b
    gc.collect()
    assert list(tmp_path.iterdir()) == []
    assert seen == []
