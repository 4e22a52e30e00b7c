"""The cheaper verifier `check` runs still refuses every kind of broken FIT file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main
from workoutexport.formats.fit import emit as fit_emit
from workoutexport.formats.fit.verify import VerifyError, decode_fit, problems
from workoutexport.pipeline import emit, load_workout

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "files" / "fit"


def _good() -> bytes:
    return emit(load_workout(ROOT / "workouts" / "tabata.yaml"), "fit").data


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _broken(data: bytes) -> dict[str, bytes]:
    return {
        "a byte in a record": _flip(data, len(data) // 2),
        "the header CRC": _flip(data, 12),
        "the file CRC": _flip(data, len(data) - 1),
        "the data size in the header": _flip(data, 4),
        "truncated": data[:-5],
        "trailing bytes": data + b"\x00\x01\x02",
        "too short": data[:10],
        "not FIT": b"x" * len(data),
    }


def test_a_good_file_has_no_problems() -> None:
    assert problems(_good()) == []


@pytest.mark.parametrize("how", list(_broken(b"\x00" * 64)))
def test_every_corruption_is_refused_like_the_full_decode(how: str) -> None:
    bad = _broken(_good())[how]
    assert problems(bad) != []
    with pytest.raises(VerifyError):
        decode_fit(bad)


def test_garmin_files_pass() -> None:
    files = sorted(SAMPLES.rglob("*.fit")) if SAMPLES.is_dir() else []
    if not files:
        pytest.skip("no Garmin sample files on this machine")
    for path in files[:10]:
        assert problems(path.read_bytes()) == [], path


def test_check_reports_an_emitted_file_that_does_not_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fit_emit.finish_fit_bytes
    monkeypatch.setattr(fit_emit, "finish_fit_bytes", lambda data: _flip(real(data), 30))
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 400m\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "w.yaml"), "-j", "1"])
    assert result.exit_code == 1
    assert "internal error: emitted FIT does not verify" in result.stderr
