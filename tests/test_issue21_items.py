"""What a new user tripped on (issue 21), one test per item fixed here, so each stays fixed.

The test names carry the item numbers of the work list: 04 did-you-means, 05 the second
target key's position, 06 a conditional repeat's FIT target, 07 one pace unit in `show`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workoutexport.cli import main

PROFILE = "paces:\n  5k: 4:00/km\n  easy: 5:30-6:00/km\n"


def check(tmp_path: Path, text: str) -> tuple[int, str]:
    (tmp_path / "profile.yaml").write_text(PROFILE)
    path = tmp_path / "w.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("jog", "run"),
        ("Jog", "run"),
        ("walk", "recover"),
        ("warm-up", "warmup"),
        ("cool", "cooldown"),
        ("repeats", "repeat"),
        ("rn", "run"),
        ("tempo_run", "run"),
    ],
)
def test_item_04_unknown_step_key_suggests_a_kind(tmp_path: Path, key: str, kind: str) -> None:
    code, err = check(tmp_path, f"name: x\nsteps:\n  - {key}: 10min\n")
    assert code == 1
    assert f"w.yaml:3:5: error: unknown step kind '{key}'; did you mean '{kind}'?" in err
    assert "this one has none" not in err


def test_item_04_jog_10min_suggests_run(tmp_path: Path) -> None:
    code, err = check(tmp_path, "name: x\nsteps:\n  - jog: 10min\n")
    assert code == 1
    assert err.splitlines()[0].endswith("error: unknown step kind 'jog'; did you mean 'run'?")


def test_item_04_named_pace_suggestion_ignores_case(tmp_path: Path) -> None:
    code, err = check(tmp_path, "name: x\nsteps:\n  - run: 1km\n    pace: 5K\n")
    assert code == 1
    assert "w.yaml:4:11: error: named pace '5K' is not in the profile" in err
    assert err.rstrip().splitlines()[0].endswith("did you mean '5k'?")


@pytest.mark.parametrize(
    ("steps", "where", "found"),
    [
        # The second key as written is reported, whichever order the keys come in.
        ("  - run: 1km\n    pace: 5k\n    hr: z2\n", "5:5", "found pace, hr; put 'hr'"),
        (
            "  - run: 1km\n    hr: z2\n    name: a\n    pace: 5k\n",
            "6:5",
            "found hr, pace; put 'pace'",
        ),
        ("  - {run: 1km, hr: z2, cadence: 170spm}\n", "3:24", "found hr, cadence; put 'cadence'"),
    ],
)
def test_item_05_second_target_key_is_reported_at_its_line(
    tmp_path: Path, steps: str, where: str, found: str
) -> None:
    code, err = check(tmp_path, "name: x\nsteps:\n" + steps)
    assert code == 1
    assert f"w.yaml:{where}: error: a step takes one target key, {found} under 'secondary:'" in err


def test_item_05_three_target_keys(tmp_path: Path) -> None:
    steps = "  - run: 1km\n    pace: 5k\n    hr: z2\n    cadence: 170spm\n"
    code, err = check(tmp_path, "name: x\nsteps:\n" + steps)
    assert code == 1
    assert (
        "w.yaml:5:5: error: a step takes one target key, found pace, hr, cadence; keep one and "
        "put one more under 'secondary:'" in err
    )


def test_item_06_conditional_repeat_fit_target_type_and_intensity(tmp_path: Path) -> None:
    """`repeat: until hr > 80%max` wrote no target_type and no intensity on its repeat step;
    Garmin's FIT SDK example WorkoutRepeatGreaterThanStep.fit (a repeat until heart rate is
    above 80 % of max) has target_type heart_rate and intensity active there."""
    from workoutexport.formats.fit.verify import decode_fit

    (tmp_path / "w.yaml").write_text(
        "name: x\nsteps:\n  - warmup: 5min\n  - repeat: until hr > 80%max\n    steps:\n"
        "      - run: 1min\n      - recover: 1min\n  - repeat: 3\n    steps:\n      - run: 1min\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "w.yaml"), "-f", "fit", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    decoded = decode_fit((out / "w.fit").read_bytes())  # Garmin's decoder, named values
    steps = sorted(decoded["workout_step_mesgs"], key=lambda m: m["message_index"])
    until, count = steps[3], steps[5]
    assert until["duration_type"] == "repeat_until_hr_greater_than"
    assert until["target_type"] == "heart_rate"
    assert until["intensity"] == "active"
    # A count repeat stays as Garmin Connect writes it: neither field.
    assert count["duration_type"] == "repeat_until_steps_cmplt"
    assert "target_type" not in count and "intensity" not in count


FARTLEK = """\
name: Fartlek
steps:
  - warmup: 10min
    pace: 5:30-6:00/km
  - run: 3min
    pace: 4:13-4:23/km
  - run: 3min
    pace: 4:22-4:33/km
  - run: 3min
    pace: 7:13-7:29/mi
"""


@pytest.mark.parametrize("fmt", ["fit", "tcx"])
def test_item_07_show_file_paces_in_one_unit(tmp_path: Path, fmt: str) -> None:
    """`show out/fartlek.fit` listed 4:13-4:23/km, then 7:13-7:29/mi in one workout."""
    (tmp_path / "fartlek.yaml").write_text(FARTLEK)
    out = tmp_path / "out"
    build = CliRunner().invoke(
        main, ["build", str(tmp_path / "fartlek.yaml"), "-f", fmt, "-o", str(out)]
    )
    assert build.exit_code == 0, build.stderr
    shown = CliRunner().invoke(main, ["show", str(out / f"fartlek.{fmt}"), "--no-chart"])
    assert shown.exit_code == 0, shown.stderr
    paces = [line.split("pace ")[1] for line in shown.stdout.splitlines() if "pace " in line]
    # Three of the four paces round-trip per km: all four are shown per km. 7:13/mi is
    # 433 / 1.609344 = 269.05 s/km (4:29), 7:29/mi is 449 / 1.609344 = 279.00 s/km (4:39).
    assert paces == ["5:30-6:00/km", "4:13-4:23/km", "4:22-4:33/km", "4:29-4:39/km"]
    # --units still decides when given.
    miles = CliRunner().invoke(main, ["show", str(out / f"fartlek.{fmt}"), "--units", "mi"])
    mi_paces = [line.split("pace ")[1] for line in miles.stdout.splitlines() if "pace " in line]
    assert all(p.endswith("/mi") for p in mi_paces) and "7:13-7:29/mi" in mi_paces


def test_item_07_a_file_mostly_in_miles_is_shown_in_miles(tmp_path: Path) -> None:
    text = FARTLEK.replace("5:30-6:00/km", "8:51-9:39/mi").replace("4:13-4:23/km", "6:47-7:03/mi")
    (tmp_path / "w.yaml").write_text(text)
    out = tmp_path / "out"
    assert (
        CliRunner()
        .invoke(main, ["build", str(tmp_path / "w.yaml"), "-f", "fit", "-o", str(out)])
        .exit_code
        == 0
    )
    shown = CliRunner().invoke(main, ["show", str(out / "w.fit"), "--no-chart"])
    paces = [line.split("pace ")[1] for line in shown.stdout.splitlines() if "pace " in line]
    # 4:22/km is 262 x 1.609344 = 421.65 s/mi (7:02), 4:33/km 439.35 s/mi (7:19).
    assert paces == ["8:51-9:39/mi", "6:47-7:03/mi", "7:02-7:19/mi", "7:13-7:29/mi"]


def test_item_08_unit_errors_and_unknown_names_in_one_run(tmp_path: Path) -> None:
    """With `run: 400` and `pace: treshold`, only the unit error showed until it was fixed."""
    code, err = check(
        tmp_path,
        "name: x\nsteps:\n  - run: 400\n  - repeat: 2\n    steps:\n      - run: 1km\n"
        "        pace: treshold\n        secondary: {pace: 90% 5K}\n",
    )
    assert code == 1
    lines = [line.partition(f"{tmp_path}/")[2] for line in err.splitlines() if "error:" in line]
    assert lines[0].startswith("w.yaml:3:10: error: '400' has no unit")
    assert lines[1].startswith("w.yaml:7:15: error: named pace 'treshold' is not in the profile")
    assert "did you mean" not in lines[1]  # the profile has no pace close to 'treshold'
    assert lines[2].startswith("w.yaml:8:27: error: named pace '5K'")
    assert lines[2].endswith("did you mean '5k'?")
    assert len(lines) == 3
