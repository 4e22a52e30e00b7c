"""Data-driven golden cases: tests/cases/<name>/input.yaml beside its expected outputs.

expected.fit.txt is Garmin's decoder's view of the FIT file (one message a line), so a
reviewer reads meaning, not bytes; expected.tcx is the TCX (also validated against the
XSD); expected.diagnostics.txt lists warnings and errors. `pytest --update-goldens`
rewrites them; review the diff before committing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from workoutexport.diagnostics import WorkoutError
from workoutexport.pipeline import emit, emit_options, load_workout

from conftest import assert_valid_tcx, dump_fit

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


def _outputs(case: Path) -> dict[str, str]:
    workout = load_workout(Path("input.yaml"))
    options = emit_options(Path("input.yaml"))
    out: dict[str, str] = {}
    diagnostics: list[str] = []
    for fmt in ("fit", "tcx"):
        try:
            result = emit(workout, fmt, options=options)
        except WorkoutError as exc:
            diagnostics += [f"{fmt}: {d.format()}" for d in exc.diagnostics]
            continue
        diagnostics += [f"{fmt}: {d.format()}" for d in result.diagnostics]
        if fmt == "fit":
            out["expected.fit.txt"] = dump_fit(result.data)
        else:
            assert_valid_tcx(result.data)
            out["expected.tcx"] = result.data.decode("utf-8")
    out["expected.diagnostics.txt"] = "".join(line + "\n" for line in diagnostics)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    # time_created is otherwise input.yaml's mtime, which a checkout does not keep.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    actual = _outputs(case)
    if request.config.getoption("--update-goldens"):
        for name in ("expected.fit.txt", "expected.tcx", "expected.diagnostics.txt"):
            path = case / name
            if name in actual:
                path.write_text(actual[name], encoding="utf-8")
            elif path.exists():
                path.unlink()
        return
    expected_names = {p.name for p in case.iterdir() if p.name.startswith("expected.")}
    assert expected_names == set(actual), "outputs differ from the golden files present"
    for name, text in actual.items():
        want = (case / name).read_text(encoding="utf-8")
        if want != text:
            diff = "".join(
                difflib.unified_diff(
                    want.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{case.name}/{name} (expected)",
                    f"{case.name}/{name} (actual)",
                )
            )
            pytest.fail(f"golden mismatch:\n{diff}")
