"""One path for every command: every input is built, verified, parsed and read the same way
whichever command asks (build, send, site, plans), and the package has no import cycle."""

from __future__ import annotations

import ast
import dataclasses
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport import source
from workoutexport.cli import main
from workoutexport.formats.fit import emit as fit_emit
from workoutexport.formats.fit import schedule as fit_schedule
from workoutexport.verify import decode_fit

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "workoutexport"
DEVICES = Path(__file__).resolve().parent / "files" / "devices"
#: 1989-12-31T00:00:00Z, FIT's epoch, in Unix seconds (the FIT protocol document).
FIT_EPOCH = 631065600

EASY = "name: Easy\nvars:\n  minutes: 40min\nsteps:\n  - run: ${minutes}\n"
PLAN = "name: P\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: easy.yaml\n      thu: easy.yaml\n"


def run(*args: str, cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def fr935(root: Path) -> Path:
    """A fake watch mount holding a real Forerunner 935 descriptor."""
    (root / "GARMIN").mkdir(parents=True)
    shutil.copyfile(
        DEVICES / "forerunner-935-GarminDevice.xml", root / "GARMIN" / "GarminDevice.xml"
    )
    return root


def files_below(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "easy.yaml").write_text(EASY)
    (lib / "plan.yaml").write_text(PLAN)
    return lib


# --- (a) a corrupt emitter never gets past any command ----------------------------------------


@pytest.fixture
def corrupt_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """FIT files come out with one byte flipped before the CRC: Garmin's decoder refuses them
    (the CRC no longer matches), so only verification can catch it."""
    real = fit_emit.finish_fit_bytes

    def damaged(data: bytes) -> bytes:
        out = real(data)
        return out[:-3] + bytes([out[-3] ^ 0xFF]) + out[-2:]

    monkeypatch.setattr(fit_emit, "finish_fit_bytes", damaged)


@pytest.mark.usefixtures("corrupt_fit")
def test_build_writes_no_workout_that_does_not_verify(library: Path) -> None:
    code, _out, err = run("build", "easy.yaml", "-o", "out", cwd=library)
    assert code == 1
    assert "easy.yaml" in err and "internal error: emitted FIT does not verify" in err
    assert not (library / "out").exists() or files_below(library / "out") == []


@pytest.mark.usefixtures("corrupt_fit")
def test_send_puts_no_workout_that_does_not_verify_on_the_watch(library: Path) -> None:
    watch = fr935(library.parent / "watch")
    code, out, err = run("send", "easy.yaml", "--device", str(watch), cwd=library)
    assert code == 1
    assert "internal error: emitted FIT does not verify" in err
    assert "nothing of it was sent" in err
    assert out == ""
    assert files_below(watch) == ["GARMIN/GarminDevice.xml"]


@pytest.mark.usefixtures("corrupt_fit")
def test_site_publishes_no_workout_that_does_not_verify(library: Path) -> None:
    code, _out, err = run("site", "easy.yaml", "-o", "site", cwd=library)
    assert code == 1
    assert "internal error: emitted FIT does not verify" in err
    assert not (library / "site" / "files").exists()
    # The catalog still says what is wrong, where the user looks.
    assert "does not verify" in (library / "site" / "index.html").read_text()


@pytest.mark.usefixtures("corrupt_fit")
def test_a_plan_whose_sessions_do_not_verify_is_neither_sent_nor_built(library: Path) -> None:
    watch = fr935(library.parent / "watch")
    code, out, err = run("send", "plan.yaml", "--all", "--device", str(watch), cwd=library)
    assert code == 1
    assert "does not verify" in err and "plan.yaml:" in err
    assert out == ""
    assert files_below(watch) == ["GARMIN/GarminDevice.xml"]
    code, _out, err = run("build", "plan.yaml", "-o", "out", cwd=library)
    assert code == 1
    assert "does not verify" in err and "plan.yaml:" in err
    assert not (library / "out" / "plan").exists()


def test_without_the_fault_the_same_commands_do_write(library: Path) -> None:
    # The tests above would pass for a command that never writes anything: this one does.
    watch = fr935(library.parent / "watch")
    code, _out, err = run("send", "plan.yaml", "--all", "--device", str(watch), cwd=library)
    assert code == 0, err
    sent = files_below(watch)
    assert "GARMIN/NEWFILES/easy.fit" in sent
    assert "GARMIN/NEWFILES/plan-schedule.fit" in sent
    decode_fit((watch / "GARMIN" / "NEWFILES" / "easy.fit").read_bytes())
    code, _out, err = run("site", "easy.yaml", "-o", "site", cwd=library)
    assert code == 0, err
    decode_fit((library / "site" / "files" / "easy.fit").read_bytes())


# --- (b) each input parsed once, each profile read once ----------------------------------------


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each file (by name) is parsed from YAML text."""
    counted: Counter[str] = Counter()
    real = source.parse_bytes

    def counting(raw: bytes, path: str) -> source.Document:
        counted[Path(path).name] += 1
        return real(raw, path)

    monkeypatch.setattr(source, "parse_bytes", counting)
    return counted


def test_build_of_a_folder_parses_each_file_once(tmp_path: Path, parses: Counter[str]) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(
            f"name: {name}\nsteps:\n  - run: 1km\n    pace: easy\n"
        )
    (tmp_path / "profile.yaml").write_text("paces:\n  easy: 5:00/km\n")
    code, _out, err = run("build", ".", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 0, err
    assert sorted((tmp_path / "out").iterdir()) == [tmp_path / "out" / f"{n}.fit" for n in "abc"]
    assert parses == {"a.yaml": 1, "b.yaml": 1, "c.yaml": 1, "profile.yaml": 1}


def test_site_with_set_parses_each_workout_once(tmp_path: Path, parses: Counter[str]) -> None:
    (tmp_path / "x.yaml").write_text("name: X\nvars:\n  x: 10min\nsteps:\n  - run: ${x}\n")
    (tmp_path / "y.yaml").write_text("name: Y\nsteps:\n  - run: 1km\n")
    code, _out, err = run("site", ".", "-o", "site", "--set", "x=5min", "-j", "1", cwd=tmp_path)
    assert code == 0, err
    # The override reached x (5 min: 300 s), and y, which does not define x, still built.
    steps = decode_fit((tmp_path / "site" / "files" / "x.fit").read_bytes())["workout_step_mesgs"]
    assert steps[0]["duration_time"] == 300
    assert parses == {"x.yaml": 1, "y.yaml": 1}


def test_a_plan_with_a_profile_parses_each_file_once(library: Path, parses: Counter[str]) -> None:
    (library.parent / "athlete.yaml").write_text("paces:\n  easy: 5:00/km\n")
    args = ("plan.yaml", "--profile", "../athlete.yaml")
    code, _out, err = run("build", *args, "-o", "out", cwd=library)
    assert code == 0, err
    assert (library / "out" / "plan" / "plan-schedule.fit").is_file()
    assert parses == {"plan.yaml": 1, "easy.yaml": 1, "athlete.yaml": 1}
    parses.clear()
    code, _out, err = run("check", *args, cwd=library)
    assert code == 0, err
    assert parses == {"plan.yaml": 1, "easy.yaml": 1, "athlete.yaml": 1}


# --- (c) no import cycle ----------------------------------------------------------------------


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports, at module level or
    inside functions (those run too), leaving out `if TYPE_CHECKING:` blocks."""
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()

        def visit(node: ast.AST, package: str = package, found: set[str] = found) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    for other in child.orelse:
                        visit(other)
                    continue
                if isinstance(child, ast.ImportFrom):
                    base = package
                    for _ in range(child.level - 1):
                        base = base.rpartition(".")[0]
                    target = (
                        (f"{base}.{child.module}" if child.module else base)
                        if child.level
                        else child.module or ""
                    )
                    for alias in child.names:
                        full = f"{target}.{alias.name}"
                        found.add(full if full in modules else target)
                elif isinstance(child, ast.Import):
                    found.update(alias.name for alias in child.names)
                visit(child)

        visit(ast.parse(path.read_text(encoding="utf-8")))
        # A module importing its own package (formats.fit.emit -> formats) is no cycle.
        graph[name] = {
            m for m in found if m in modules and m != name and not name.startswith(m + ".")
        }
    return graph


def test_the_package_has_no_import_cycle() -> None:
    graph = _imports()
    assert graph["workoutexport.cli"] >= {"workoutexport.run", "workoutexport.options"}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*path[path.index(dep) :], dep]))
            elif dep not in state:
                walk(dep, [*path, dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_no_library_module_imports_the_command_line() -> None:
    graph = _imports()
    assert [
        m
        for m, deps in graph.items()
        if "workoutexport.cli" in deps and m != "workoutexport.__main__"
    ] == []


# --- (d) SOURCE_DATE_EPOCH: one rule for workouts and plans -----------------------------------


@pytest.mark.parametrize("value", ["²", "12x", "-5", "9" * 30])
def test_an_unusable_source_date_epoch_is_ignored_for_plans_as_for_workouts(
    library: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    code, _out, err = run("build", "plan.yaml", "easy.yaml", "-o", "plain", cwd=library)
    assert code == 0, err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, _out, err = run("build", "plan.yaml", "easy.yaml", "-o", "odd", cwd=library)
    assert code == 0, err
    assert "internal error" not in err
    # Ignored, as for a workout: the same bytes as without the variable (file times).
    plain, odd = files_below(library / "plain"), files_below(library / "odd")
    assert plain == odd and "plan/plan.ics" in plain
    for name in plain:
        assert (library / "plain" / name).read_bytes() == (library / "odd" / name).read_bytes()
    schedule = decode_fit((library / "odd" / "plan" / "plan-schedule.fit").read_bytes())
    # FIT time_created of the schedule: the plan file's mtime, in FIT seconds.
    mtime = int((library / "plan.yaml").stat().st_mtime)
    assert schedule["file_id_mesgs"][0]["time_created"] == mtime - FIT_EPOCH


def test_a_usable_source_date_epoch_stamps_plans_and_workouts_alike(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    code, _out, err = run("build", "plan.yaml", "easy.yaml", "-o", "out", cwd=library)
    assert code == 0, err
    for name in ("easy.fit", "plan/plan-schedule.fit"):
        decoded = decode_fit((library / "out" / name).read_bytes())
        assert decoded["file_id_mesgs"][0]["time_created"] == 1790000000 - FIT_EPOCH


# --- a plan's files verified; one file's crash stops no other, in every command ---------------

ONE_SESSION_PLAN = "name: P\nstart: 2027-01-04\nweeks:\n  - days:\n      tue: easy.yaml\n"
B = "name: B\nsteps:\n  - run: 1km\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "easy.yaml").write_text(EASY)
    (tmp_path / "plan.yaml").write_text(ONE_SESSION_PLAN)
    (tmp_path / "b.yaml").write_text(B)
    return tmp_path


def _damage(data: bytes) -> bytes:
    # The data CRC no longer matches: Garmin's decoder refuses the file.
    return data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]


def test_build_does_not_write_a_plan_whose_session_fit_fails_verification(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fit_emit.finish_fit_bytes
    monkeypatch.setattr(fit_emit, "finish_fit_bytes", lambda data: _damage(real(data)))
    code, _out, err = run("build", "plan.yaml", "-o", "out", cwd=folder)
    assert code == 1
    assert "plan.yaml" in err and "internal error" in err
    assert not (folder / "out" / "plan").exists()


def test_build_skips_a_plan_whose_schedule_fails_verification_and_builds_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fit_emit.finish_fit_bytes
    monkeypatch.setattr(fit_schedule, "finish_fit_bytes", lambda data: _damage(real(data)))
    code, _out, err = run("build", "b.yaml", "plan.yaml", "-o", "out", cwd=folder)
    assert code == 1
    assert "plan.yaml:" in err and "internal error" in err and "does not verify" in err
    assert not (folder / "out" / "plan").exists()
    decode_fit((folder / "out" / "b.fit").read_bytes())


def test_build_reports_a_crash_in_a_plan_and_builds_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("workoutexport.plans.expand_plan", boom)
    code, _out, err = run("build", "b.yaml", "plan.yaml", "-o", "out", cwd=folder)
    assert code == 1
    assert "plan.yaml:" in err and "internal error (RuntimeError: bug)" in err
    decode_fit((folder / "out" / "b.fit").read_bytes())


def test_check_reports_a_plan_that_does_not_verify_even_without_weeks(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import plans

    real = plans.expand_plan
    # A plan that names no week entry to blame: the problem is reported at the plan file.
    monkeypatch.setattr(
        plans, "expand_plan", lambda *a, **k: dataclasses.replace(real(*a, **k), week_sources=())
    )
    monkeypatch.setattr(plans, "calendar", lambda *_a, **_k: b"not a calendar")
    code, _out, err = run("check", "plan.yaml", cwd=folder)
    assert code == 1
    assert "plan.yaml" in err and "does not verify" in err


def test_import_reports_a_crash_in_one_file_and_imports_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import pipeline

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
    assert run("build", "a.yaml", "b.yaml", "-o", "fit", cwd=tmp_path)[0] == 0
    real = pipeline.import_file

    def flaky(path: Path) -> list[pipeline.Imported]:
        if path.stem == "a":
            raise RuntimeError("bug")
        return real(path)

    monkeypatch.setattr(pipeline, "import_file", flaky)
    code, _out, err = run("import", "fit", "-o", "yaml", "-j", "1", cwd=tmp_path)
    assert code == 1
    assert "fit/a.fit:" in err and "internal error (RuntimeError: bug)" in err
    assert [p.name for p in (tmp_path / "yaml").iterdir()] == ["b.yaml"]


def test_site_reports_a_crash_in_one_workout_and_builds_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import pipeline

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
    real = pipeline.load_workout

    def flaky(path: Path, **kwargs: object) -> object:
        if Path(path).stem == "a":
            raise RuntimeError("bug")
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_workout", flaky)
    code, _out, err = run("site", ".", "-o", "out", "-j", "1", cwd=tmp_path)
    assert code == 1
    assert "a.yaml:" in err and "internal error (RuntimeError: bug)" in err
    decode_fit((tmp_path / "out" / "files" / "b.fit").read_bytes())
    assert not (tmp_path / "out" / "files" / "a.fit").exists()


def test_site_reports_a_crash_in_a_plan_and_builds_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("workoutexport.plans.expand_plan", boom)
    code, _out, err = run("site", ".", "-o", "out", "-j", "1", cwd=folder)
    assert code == 1
    assert "plan.yaml:" in err and "internal error (RuntimeError: bug)" in err
    decode_fit((folder / "out" / "files" / "b.fit").read_bytes())


def test_show_reports_a_crash_in_one_file_and_shows_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workoutexport import show

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"name: {name}\nsteps:\n  - run: 10min\n")
    real = show.render

    def flaky(workout: object, **kwargs: object) -> str:
        if getattr(workout, "name", None) == "a":
            raise RuntimeError("bug")
        return real(workout, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(show, "render", flaky)
    code, out, err = run("show", "a.yaml", "b.yaml", cwd=tmp_path)
    assert code == 1
    assert "a.yaml:" in err and "internal error (RuntimeError: bug)" in err
    assert "b" in out and "10:00" in out
