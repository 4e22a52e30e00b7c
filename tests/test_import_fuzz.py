"""The import fuzzers themselves, and every importer crash they found.

The generators are tested here: a FIT file that Garmin's decoder finds broken, or a TCX that
is not well-formed XML, would test the decoder's checks and not our importers. The files in
tests/import-fuzz-regressions/ are inputs the campaigns made that once crashed `import` or
`show`; each must now get a clean, positioned answer from the command line.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from import_fuzzing import (
    FILE_ID,
    WORKOUT,
    WORKOUT_STEP,
    FitWriter,
    check_import,
    fit_file,
    nested_repeats_fit,
    tcx_file,
    tcx_seeds,
)
from workoutexport.cli import main
from workoutexport.verify import decode_fit

RELAXED = settings(deadline=None, suppress_health_check=list(HealthCheck))
HERE = Path(__file__).parent / "import-fuzz-regressions"
REGRESSIONS = sorted(p for p in HERE.glob("*") if p.suffix in (".fit", ".tcx"))


@RELAXED
@given(st.randoms(use_true_random=False))
def test_generated_fit_files_pass_garmins_integrity_checks(rng: random.Random) -> None:
    from garmin_fit_sdk import Decoder, Stream

    data = fit_file(rng)
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.check_integrity()


def test_the_fit_writer_writes_what_garmins_decoder_reads() -> None:
    """Fields written by hand come back from Garmin's decoder with their values."""
    w = FitWriter(random.Random(0))
    w.records += bytes([0x40, 0, 0, FILE_ID, 0, 1, 0, 1, 0x00]) + bytes([0x00, 5])
    w.records += bytes([0x41, 0, 1, 0, WORKOUT, 2, 4, 1, 0x00, 6, 2, 0x84])  # big-endian
    w.records += bytes([0x01, 1, 0, 1])
    w.records += bytes([0x42, 0, 0, WORKOUT_STEP, 0, 3, 254, 2, 0x84, 1, 1, 0x00, 2, 8, 0x86])
    # duration_value as an array of two uint32: 60,000 and 7, little-endian.
    w.records += bytes([0x02, 0, 0, 0]) + (60_000).to_bytes(4, "little") + (7).to_bytes(4, "little")
    messages = decode_fit(w.finish(), raw=True)
    assert messages["file_id_mesgs"][0]["type"] == 5
    assert messages["workout_mesgs"][0]["sport"] == 1
    assert messages["workout_mesgs"][0]["num_valid_steps"] == 1
    assert messages["workout_step_mesgs"][0]["duration_value"] == [60_000, 7]


def test_nested_repeats_fit_is_a_valid_file() -> None:
    steps = decode_fit(nested_repeats_fit(5), raw=True)["workout_step_mesgs"]
    assert [m["duration_type"] for m in steps] == [0, 6, 6, 6, 6, 6]
    assert check_import(nested_repeats_fit(5), "fit") == "imported"


@functools.cache
def seeds() -> list[bytes]:
    return tcx_seeds()


@RELAXED
@given(st.randoms(use_true_random=False))
def test_mutated_tcx_stays_well_formed(rng: random.Random) -> None:
    # huge_tree: lxml refuses nesting past 256 levels by default, which is a limit of the
    # parser, not a sign of broken XML (the mutator nests repeats 300 deep on purpose).
    etree.fromstring(tcx_file(rng, seeds()), etree.XMLParser(huge_tree=True))


def test_tcx_seeds_import() -> None:
    seeds = tcx_seeds()
    assert len(seeds) >= 5
    assert {check_import(seed, "tcx") for seed in seeds} <= {"imported", "refused"}


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
@pytest.mark.parametrize("command", ["import", "show"])
def test_import_fuzz_regressions_get_a_clean_answer(
    path: Path, command: str, tmp_path: Path
) -> None:
    """Each input that once crashed `import` or `show` now gets a positioned diagnostic.

    The answer is either a workout (exit 0) or errors on stderr, each naming the file the
    user gave (never the YAML the importer made), and exit status 1.
    """
    source = tmp_path / ("w" + path.suffix)
    source.write_bytes(path.read_bytes())
    result = CliRunner().invoke(main, [command, str(source)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.stderr
    assert "(imported)" not in result.stderr
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if ": error: " in line]
        assert errors, result.stderr
        assert all(line.startswith(f"{source}:") for line in errors), errors
