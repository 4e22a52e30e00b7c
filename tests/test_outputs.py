"""Discovery, output naming and atomic writes, shared by every command that writes files."""

from __future__ import annotations

from pathlib import Path

from workoutexport.outputs import Input, Outputs, discover, write_atomic


def test_discover_takes_each_file_once_and_skips_profiles(tmp_path: Path) -> None:
    for name in ("b.yaml", "sub/a.yml", "profile.yaml", "notes.txt", "UP.YAML"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = list(discover([tmp_path, tmp_path / "b.yaml"]))
    assert [i.relative for i in found] == [Path("b.yaml"), Path("sub/a.yml")]
    fit = list(discover([tmp_path], (".yaml",), ignore_case=True, skip_names=()))
    assert [i.relative.name for i in fit] == ["UP.YAML", "b.yaml", "profile.yaml"]


def test_output_names_and_claims(tmp_path: Path) -> None:
    outputs = Outputs(tmp_path)
    item = Input(Path("w/x.yaml"), Path("sub/x.yaml"))
    assert outputs.path_for(item, ".fit") == tmp_path / "sub/x.fit"
    # A stem with a dot keeps it: 'v1.2-1' must not lose '.2-1' to a suffix swap.
    assert outputs.path_for(item, ".yaml", stem="v1.2-1") == tmp_path / "sub/v1.2-1.yaml"
    assert outputs.claim(tmp_path / "sub/x.fit", "a.yaml") is None
    assert outputs.claim(tmp_path / "sub/../sub/x.fit", "b.yaml") == "a.yaml"


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "x.fit"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.fit"]
