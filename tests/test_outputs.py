"""Discovery, output naming and atomic writes, shared by every command that writes files."""

from __future__ import annotations

from pathlib import Path

from workoutexport.outputs import Input, Outputs, discover, write_atomic


def test_discover_takes_each_file_once_and_skips_profiles(tmp_path: Path) -> None:
    for name in ("b.yaml", "sub/a.yml", "profile.yaml", "notes.txt", "UP.YAML"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = list(discover([tmp_path, tmp_path / "b.yaml"]))
    # Upper-case suffixes count too (issue 12, item 7).
    assert [i.relative for i in found] == [Path("UP.YAML"), Path("b.yaml"), Path("sub/a.yml")]
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


def test_a_run_builds_every_good_file_and_reports_the_rest(tmp_path: Path) -> None:
    from workoutexport.diagnostics import Report
    from workoutexport.options import BuildOptions
    from workoutexport.run import Run

    (tmp_path / "good.yaml").write_text("name: Good\nsteps:\n  - run: 10min\n")
    (tmp_path / "bad.yaml").write_text("name: Bad\nsteps:\n  - run: 400\n")
    (tmp_path / "profile.yaml").write_text("paces:\n  easy: 5:00/km\n")
    report = Report()
    run = Run(BuildOptions(formats=("fit", "tcx")))
    # A folder's profile.yaml is not an input; named directly, it is checked, not compiled.
    paths = [tmp_path, tmp_path / "profile.yaml"]
    items = run.inputs(paths)
    assert [i.relative for i in items] == [
        Path("bad.yaml"),
        Path("good.yaml"),
        Path("profile.yaml"),
    ]
    assert run.check_profile(items[2].path) == []
    done = list(run.workouts([i.path for i in items[:2]]))
    for built in done:
        report.add(built.diagnostics)
    assert [b.path.name for b in done if b.workout is not None] == ["good.yaml"]
    assert [o.format for o in done[1].outputs] == ["fit", "tcx"]
    assert [d.format() for d in report.ordered()] == [
        f"{tmp_path / 'bad.yaml'}:3:10: error: '400' has no unit: write a duration with its "
        "unit, such as '400m' (metres), '400s' or '400min'"
    ]
