"""The framing walk that build, send and site run refuses what Garmin's decoder refuses.

Each corruption class is applied to our own files and to files Garmin Connect and a watch
wrote, once as it comes (most are caught by a CRC) and once with both CRCs made right again,
so that the walk's reading of the records is what is tested. The walk and the decoder must
agree on every variant but where the walk says it is stricter (the header's CRC, which the
decoder's read skips; a field of size 0; developer data, which we never write); each class
must break some files, so that the comparison cannot pass by both accepting everything.
"""

from __future__ import annotations

import random
import re
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fit_tool.utils.crc import crc16
from hypothesis import given
from hypothesis import strategies as st

from shipped import shipped_workouts
from workoutexport.formats.fit.crc import crc16 as crc16_ours
from workoutexport.formats.fit.verify import framing_problems, problems
from workoutexport.pipeline import emit, load_workout

ROOT = Path(__file__).resolve().parent.parent
GARMIN = sorted((ROOT / "tests" / "files" / "fit").glob("*.fit"))
SDK = sorted((ROOT / "tests" / "files" / "fit-sdk").glob("*.fit"))


def _ours() -> list[bytes]:
    picked = [
        p
        for p in shipped_workouts(ROOT / "workouts")
        if p.stem in ("tabata", "800m-repeats", "strength")
    ]
    return [emit(load_workout(p), "fit").data for p in picked]


FILES: list[tuple[str, bytes]] = [
    *((f"ours-{i}", data) for i, data in enumerate(_ours())),
    *((p.name, p.read_bytes()) for p in [*GARMIN, *SDK]),
]


def _recrc(data: bytes) -> bytes:
    """`data` with both CRCs made right for what it now holds (the header's sizes kept)."""
    out = bytearray(data)
    if len(out) >= 14 and out[0] == 14:
        struct.pack_into("<H", out, 12, crc16(bytes(out[:12])))
    if len(out) >= 14 and out[0] in (12, 14):
        (size,) = struct.unpack_from("<I", out, 4)
        end = out[0] + size
        if end + 2 <= len(out):
            struct.pack_into("<H", out, end, crc16(bytes(out[:end])))
    return bytes(out)


def _records(data: bytes) -> Iterator[tuple[int, bool, int]]:
    """(offset, is a definition, fields) of each record of a well-formed file."""
    sizes: dict[int, int] = {}
    at, end = data[0], data[0] + struct.unpack_from("<I", data, 4)[0]
    while at < end:
        header = data[at]
        local = header & 0x0F
        if header & 0x40:
            fields = data[at + 5]
            size = sum(data[at + 6 + 3 * i + 1] for i in range(fields))
            next_at = at + 6 + 3 * fields
            if header & 0x20:
                dev = data[next_at]
                size += sum(data[next_at + 1 + 3 * i + 1] for i in range(dev))
                next_at += 1 + 3 * dev
            sizes[local] = size
            yield at, True, fields
            at = next_at
        else:
            yield at, False, 0
            at += 1 + sizes[local]


def _set(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + bytes([value & 0xFF]) + data[at + 1 :]


Corrupt = Callable[[bytes, random.Random], bytes]


def _bit_flip(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data))
    return _set(data, at, data[at] ^ (1 << rnd.randrange(8)))


def _byte(data: bytes, rnd: random.Random) -> bytes:
    return _set(data, rnd.randrange(len(data)), rnd.randrange(256))


def _header_crc(data: bytes, rnd: random.Random) -> bytes:
    return _set(data, 12 + rnd.randrange(2), rnd.randrange(256))


def _file_crc(data: bytes, rnd: random.Random) -> bytes:
    return _set(data, len(data) - 1 - rnd.randrange(2), rnd.randrange(256))


def _truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data))]


def _trailing(data: bytes, rnd: random.Random) -> bytes:
    return data + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 20)))


def _size_field(data: bytes, rnd: random.Random) -> bytes:
    size = struct.unpack_from("<I", data, 4)[0] + rnd.choice([-7, -3, -1, 1, 2, 9, 1000])
    return data[:4] + struct.pack("<I", max(size, 0)) + data[8:]


def _header_size(data: bytes, rnd: random.Random) -> bytes:
    return _set(data, 0, rnd.choice([0, 11, 12, 13, 15, 255]))


def _undefined_local(data: bytes, rnd: random.Random) -> bytes:
    plain = [at for at, is_def, _ in _records(data) if not is_def]
    at = rnd.choice(plain)
    return _set(data, at, (data[at] & 0xF0) | rnd.randrange(16))


def _base_type(data: bytes, rnd: random.Random) -> bytes:
    defs = [(at, n) for at, is_def, n in _records(data) if is_def and n]
    at, n = rnd.choice(defs)
    return _set(data, at + 6 + 3 * rnd.randrange(n) + 2, rnd.randrange(256))


def _field_size(data: bytes, rnd: random.Random) -> bytes:
    defs = [(at, n) for at, is_def, n in _records(data) if is_def and n]
    at, n = rnd.choice(defs)
    return _set(data, at + 6 + 3 * rnd.randrange(n) + 1, rnd.choice([0, 1, 3, 5, 255]))


def _field_count(data: bytes, rnd: random.Random) -> bytes:
    defs = [(at, n) for at, is_def, n in _records(data) if is_def]
    at, n = rnd.choice(defs)
    return _set(data, at + 5, n + rnd.choice([-1, 1, 2]))


def _record_header(data: bytes, rnd: random.Random) -> bytes:
    at, _, _ = rnd.choice(list(_records(data)))
    return _set(data, at, data[at] ^ rnd.choice([0x80, 0x40, 0x20, 0x10]))


#: Where the walk refuses what the decoder's read lets through, on purpose (verify.py).
_STRICTER = re.compile(r"the header's CRC is wrong|has size 0|developer data message")

CLASSES: dict[str, Corrupt] = {
    "bit flip": _bit_flip,
    "byte": _byte,
    "header CRC": _header_crc,
    "file CRC": _file_crc,
    "truncation": _truncate,
    "trailing bytes": _trailing,
    "size field": _size_field,
    "header size": _header_size,
    "undefined local type": _undefined_local,
    "invalid base type": _base_type,
    "field size": _field_size,
    "field count": _field_count,
    "record header": _record_header,
}


def test_every_good_file_passes_both() -> None:
    assert len(FILES) >= 8
    for name, data in FILES:
        assert problems(data) == [], name
        assert framing_problems(data) == [], name


@pytest.mark.parametrize("how", list(CLASSES))
def test_the_walk_and_garmins_decoder_agree(how: str) -> None:
    rnd = random.Random(how)
    refused = 0
    for name, good in FILES:
        for _ in range(6):
            bad = CLASSES[how](good, rnd)
            for variant in (bad, _recrc(bad)):
                decoder = bool(problems(variant))
                walk = framing_problems(variant)
                if decoder:  # what the decoder refuses, the walk refuses
                    assert walk, (name, how, variant.hex())
                elif walk:  # and it is stricter only where it says so
                    assert _STRICTER.search(walk[0]), (name, how, variant.hex(), walk)
                refused += decoder
    assert refused > 0  # the class does break files: the agreement is not vacuous


def test_build_writes_no_file_whose_framing_is_wrong_even_with_right_crcs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An emitter bug that keeps the CRCs right (a data record of a local type never defined)
    is still caught by build's walk, and nothing is written."""
    from click.testing import CliRunner

    from workoutexport.cli import main
    from workoutexport.formats.fit import emit as fit_emit

    real = fit_emit.finish_fit_bytes

    def damaged(data: bytes) -> bytes:
        good = real(data)
        last = [at for at, is_def, _ in _records(good) if not is_def][-1]
        return _recrc(_set(good, last, (good[last] & 0xF0) | 0x0F))

    monkeypatch.setattr(fit_emit, "finish_fit_bytes", damaged)
    (tmp_path / "w.yaml").write_text("name: W\nsteps:\n  - run: 400m\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "w.yaml"), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "internal error: emitted FIT does not verify: a data record" in result.stderr
    assert not (tmp_path / "w.fit").exists()


@given(st.binary(max_size=600), st.integers(0, 0xFFFF))
def test_our_crc_is_fit_tools(data: bytes, start: int) -> None:
    assert crc16_ours(data, start) == crc16(data, start)


def _first_definition(data: bytes) -> int:
    return next(at for at, is_def, _ in _records(data) if is_def)


def test_a_developer_data_message_is_refused() -> None:
    # Garmin's decoder refuses some (a field description without its developer) and reads
    # others; we never write developer data, so the walk refuses every one.
    good = FILES[0][1]
    at = _first_definition(good)
    bad = _recrc(good[: at + 3] + struct.pack("<H", 206) + good[at + 5 :])
    assert "developer data message" in framing_problems(bad)[0]


def test_a_header_crc_alone_is_caught_by_the_walk_only() -> None:
    good = FILES[0][1]
    bad = good[:12] + bytes([good[12] ^ 1, good[13]]) + good[14:-2]
    bad += struct.pack("<H", crc16(bad))  # the file CRC made right again
    assert framing_problems(bad) == ["the header's CRC is wrong"]
    assert problems(bad) == []  # Garmin's read does not look at it (check_integrity does)
