"""Inputs for fuzzing the importers and `show`, and the target that runs them.

`fit_file(rng)` writes a CRC-correct FIT workout file from scratch with a small writer of our
own: any definition, any base type for any field (so scalars arrive as arrays or strings),
arrays, strings, developer fields, big- and little-endian records, random enum values, and
repeat steps that point anywhere. `tcx_file(rng)` mutates a TCX tree with lxml (renamed and
moved elements, hostile numbers and texts, deep nesting) and writes it back, so the XML
stays well formed and the importer's own checks are what is tested.

`check_import(data, kind)` runs what `import` and `show` run on one file: read, render for
`show`, write YAML, and compile that YAML. A WorkoutError (or a refused YAML export) is a
clean answer; any other exception is a crash. Used by tests/test_import_fuzz.py and
benchmarks/import_fuzz_campaign.py.
"""

from __future__ import annotations

import copy
import random
import struct
from pathlib import Path

from shipped import shipped_workouts
from workoutexport.diagnostics import WorkoutError

ROOT = Path(__file__).resolve().parent.parent

# --- FIT ------------------------------------------------------------------------------------

# Base types: number -> (struct code, size). 0x07 is a string, 0x0D raw bytes.
BASE_TYPES = {
    0x00: ("B", 1),  # enum
    0x01: ("b", 1),
    0x02: ("B", 1),
    0x83: ("h", 2),
    0x84: ("H", 2),
    0x85: ("i", 4),
    0x86: ("I", 4),
    0x07: ("s", 1),
    0x88: ("f", 4),
    0x89: ("d", 8),
    0x0A: ("B", 1),
    0x8B: ("H", 2),
    0x8C: ("I", 4),
    0x0D: ("B", 1),
    0x8E: ("q", 8),
    0x8F: ("Q", 8),
    0x90: ("Q", 8),
}

# (field number, base type as the profile has it) of the messages a workout file holds.
FILE_ID = 0
WORKOUT = 26
WORKOUT_STEP = 27
EXERCISE_TITLE = 264
PROFILE_FIELDS: dict[int, list[tuple[int, int]]] = {
    FILE_ID: [(0, 0x00), (1, 0x84), (2, 0x84), (3, 0x8C), (4, 0x86), (5, 0x84), (8, 0x07)],
    WORKOUT: [(4, 0x00), (5, 0x8C), (6, 0x84), (8, 0x07), (11, 0x00), (14, 0x84), (15, 0x00),
              (17, 0x07)],
    WORKOUT_STEP: [(254, 0x84), (0, 0x07), (1, 0x00), (2, 0x86), (3, 0x00), (4, 0x86),
                   (5, 0x86), (6, 0x86), (7, 0x00), (8, 0x07), (9, 0x00), (10, 0x84),
                   (11, 0x84), (12, 0x84), (13, 0x84), (19, 0x00), (20, 0x86), (21, 0x86),
                   (22, 0x86)],
    EXERCISE_TITLE: [(254, 0x84), (0, 0x84), (1, 0x84), (2, 0x07)],
}  # fmt: skip

# Values worth trying for an integer field of each size: limits, invalid markers, enums.
EDGES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 28, 29, 31, 100, 101, 127, 128,
         254, 255, 1000, 65534, 65535, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1]  # fmt: skip
TEXTS = ["Intervals", "", "\x1b]0;PWNED\x07", "b\ndescription: injected\n#", "ünïcødé 🏃",
         "x" * 300, "\x00after-nul", "${var}", "- run: 1min", "'quote\""]  # fmt: skip


def _value(rng: random.Random, code: str, size: int) -> object:
    if code in "fd":
        big = 1e308 if code == "d" else 3e38  # the largest finite value of each width
        return rng.choice([0.0, 1.5, -1.0, float("inf"), float("nan"), big, rng.random()])
    lo, hi = (
        (-(2 ** (size * 8 - 1)), 2 ** (size * 8 - 1) - 1)
        if code.islower()
        else (0, 2 ** (size * 8) - 1)
    )
    pick = rng.random()
    if pick < 0.6:
        v = rng.choice(EDGES)
    elif pick < 0.8:
        v = rng.randint(0, 300)
    else:
        v = rng.randint(lo, hi)
    return min(max(v, lo), hi)


def _field_bytes(rng: random.Random, base: int, count: int, endian: str) -> bytes:
    code, size = BASE_TYPES[base]
    if code == "s":
        text = rng.choice(TEXTS).encode("utf-8", "surrogatepass")
        if rng.random() < 0.1:
            text = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        return (text + b"\x00" * count)[:count]
    return b"".join(struct.pack(endian + code, _value(rng, code, size)) for _ in range(count))


class FitWriter:
    """The bytes of a FIT file: header, definition and data records, and both CRCs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.records = bytearray()
        # local number -> (global number, fields [(num, base, count)], dev sizes, endian)
        self.local: dict[int, tuple[int, list[tuple[int, int, int]], list[int], str]] = {}

    def define(self, local: int, global_num: int, fields: list[tuple[int, int, int]]) -> None:
        rng = self.rng
        big = rng.random() < 0.2
        endian = ">" if big else "<"
        dev = [rng.randint(1, 8) for _ in range(rng.randint(1, 3))] if rng.random() < 0.05 else []
        header = 0x40 | (0x20 if dev else 0) | local
        out = bytearray([header, 0, 1 if big else 0])
        out += struct.pack(endian + "H", global_num)
        out.append(len(fields))
        for num, base, count in fields:
            size = BASE_TYPES[base][1] * count
            out += bytes([num, size & 0xFF, base])
        if dev:
            out.append(len(dev))
            for i, size in enumerate(dev):
                out += bytes([i, size, 0])
        self.records += out
        self.local[local] = (global_num, fields, dev, endian)

    def data(self, local: int, overrides: dict[int, bytes] | None = None) -> None:
        _, fields, dev, endian = self.local[local]
        out = bytearray([local])
        for num, base, count in fields:
            given = (overrides or {}).get(num)
            size = BASE_TYPES[base][1] * count
            if given is not None and len(given) == size:
                out += given
            else:
                out += _field_bytes(self.rng, base, count, endian)
        for size in dev:
            out += bytes(self.rng.randrange(256) for _ in range(size))
        self.records += out

    def finish(self) -> bytes:
        from garmin_fit_sdk.crc_calculator import CrcCalculator

        header = bytearray(struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.records), b".FIT"))
        header += struct.pack("<H", CrcCalculator.calculate_crc(header, 0, 12))
        body = header + self.records
        return bytes(body + struct.pack("<H", CrcCalculator.calculate_crc(body, 0, len(body))))


def _fields(rng: random.Random, global_num: int, wild: float) -> list[tuple[int, int, int]]:
    """The profile's fields; with probability `wild` each one is typed or sized otherwise."""
    out = []
    for num, base in PROFILE_FIELDS[global_num]:
        if rng.random() < wild * 0.5:
            continue  # field left out
        count = rng.randint(8, 40) if base == 0x07 else 1
        if rng.random() < wild:
            base = rng.choice(list(BASE_TYPES))  # any base type: array, string, float
            count = rng.randint(1, 12) if base == 0x07 else rng.choice([1, 1, 2, 3, 4])
        elif rng.random() < wild * 0.5:
            count = rng.choice([2, 3, 4])  # the right type, as an array
        out.append((num, base, count))
    if rng.random() < wild:
        out.append((rng.randint(30, 253), rng.choice(list(BASE_TYPES)), rng.randint(1, 4)))
    return out


def _u(endian: str, fmt: str, value: int) -> bytes:
    return struct.pack(endian + fmt, value)


def _step_values(rng: random.Random, e: str, index: int, wild: float) -> dict[int, bytes]:
    """Duration and targets of one step: plausible ones, their edges, and random enums."""
    exotic = rng.random() < max(wild, 0.02)  # a kind the importer may not express
    if exotic:
        kind = rng.choice([7, 8, 9, 10, 11, 12, 13, 14, 15, 28, 29, 31, 254, 255])
    else:
        kind = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 6] if index else [0, 1, 5])
    out = {1: bytes([kind])}
    if kind == 6:  # repeat: point at an earlier step (or anywhere), with a count
        first = rng.randint(0, max(index - 1, 0)) if rng.random() < 0.9 else rng.randrange(99)
        out[2] = _u(e, "I", first)
        out[4] = _u(e, "I", rng.choice([0, 1, 2, 5, 250, 2**32 - 1]))
        return out
    value = {0: rng.choice([0, 1, 999, 60_000, 90_500, 2**32 - 2]),  # ms
             1: rng.choice([0, 1, 40_000, 160_934, 2**32 - 2]),  # cm
             2: rng.choice([0, 50, 100, 101, 230, 400]), 3: rng.choice([0, 100, 160, 300]),
             4: rng.choice([0, 1, 300, 70_000])}.get(kind, rng.choice(EDGES))  # fmt: skip
    out[2] = _u(e, "I", value)
    for kind_field, first_field in ((3, 4), (19, 20)):  # the target, then the secondary one
        if exotic:
            target = rng.choice([5, 6, 7, 10, 11, 12, 13, 254, 255])
        elif kind_field == 19 and rng.random() < 0.7:
            target = 2  # open
        else:
            target = rng.choice([0, 0, 1, 1, 2, 3, 4, 4])
        out[kind_field] = bytes([target])
        low = rng.choice([0, 0, 1, 100, 101, 2000, 3333, 4500, 65535, 2**32 - 1])
        high = rng.choice([0, low, low + 1, low + 500, 1, 2**32 - 1]) & 0xFFFFFFFF
        zone = 0 if rng.random() < 0.85 else rng.choice([1, 3, 5, 7, 8, 99])
        out[first_field] = _u(e, "I", zone)
        out[first_field + 1] = _u(e, "I", low)
        out[first_field + 2] = _u(e, "I", high)
    out[7] = bytes([rng.randrange(9) if rng.random() < 0.9 else rng.randrange(256)])
    if rng.random() < 0.8:
        out[10] = _u(e, "H", 0xFFFF)  # no exercise
    return out


def fit_file(rng: random.Random) -> bytes:
    """A CRC-correct FIT workout file with arbitrary definitions and values."""
    wild = rng.choice([0.0, 0.0, 0.02, 0.1, 0.3])  # how often a field is typed otherwise
    w = FitWriter(rng)
    w.define(0, FILE_ID, _fields(rng, FILE_ID, wild))
    w.data(0, {0: bytes([5 if rng.random() < 0.95 else rng.randrange(256)])})
    n_steps = rng.choice([0, 1, 2, 3, 5, 8, 20, 60])
    w.define(1, WORKOUT, _fields(rng, WORKOUT, wild))
    _, _, _, e = w.local[1]
    sport = rng.choice([1, 1, 2, 0, 4, 10, 11, 254, 255])
    w.data(1, {4: bytes([sport]), 6: _u(e, "H", n_steps), 11: bytes([rng.choice([0, 255, 20])])})
    w.define(2, WORKOUT_STEP, _fields(rng, WORKOUT_STEP, wild))
    for index in range(n_steps):
        if rng.random() < wild * 0.2:
            w.define(2, WORKOUT_STEP, _fields(rng, WORKOUT_STEP, wild))  # redefined mid-file
        _, _, _, e = w.local[2]
        overrides = _step_values(rng, e, index, wild)
        renumbered = rng.random() < wild * 0.1 + 0.002
        overrides[254] = _u(e, "H", rng.randrange(65536) if renumbered else index)
        w.data(2, overrides)
    if rng.random() < 0.1:
        w.define(3, EXERCISE_TITLE, _fields(rng, EXERCISE_TITLE, wild))
        w.data(3)
    return w.finish()


def nested_repeats_fit(depth: int) -> bytes:
    """One step inside `depth` nested repeats, each pointing at step 0 (valid FIT)."""
    w = FitWriter(random.Random(0))
    w.records += bytes([0x40, 0, 0]) + struct.pack("<HB", FILE_ID, 1) + bytes([0, 1, 0x00])
    w.records += bytes([0x00, 5])
    w.records += bytes([0x41, 0, 0]) + struct.pack("<HB", WORKOUT, 2)
    w.records += bytes([4, 1, 0x00, 6, 2, 0x84])
    w.records += bytes([0x01, 1]) + struct.pack("<H", depth + 1)
    fields = [(254, 2, 0x84), (1, 1, 0x00), (2, 4, 0x86), (4, 4, 0x86), (7, 1, 0x00)]
    w.records += bytes([0x42, 0, 0]) + struct.pack("<HB", WORKOUT_STEP, len(fields))
    for num, size, base in fields:
        w.records += bytes([num, size, base])
    w.records += bytes([0x02]) + struct.pack("<HBIIB", 0, 0, 60_000, 0, 0)
    for i in range(1, depth + 1):
        w.records += bytes([0x02]) + struct.pack("<HBIIB", i, 6, 0, 2, 0)
    return w.finish()


def developer_field_fit(base_type: int, size: int) -> bytes:
    """A workout whose one step carries a developer field of `size` bytes, described as
    `base_type` (valid FIT framing and CRCs; the description itself may be nonsense)."""
    w = FitWriter(random.Random(0))
    w.records += bytes([0x40, 0, 0]) + struct.pack("<HB", FILE_ID, 1) + bytes([0, 1, 0x00])
    w.records += bytes([0x00, 5])
    # developer_data_id (207): developer_data_index (field 3) = 0.
    w.records += bytes([0x41, 0, 0]) + struct.pack("<HB", 207, 1) + bytes([3, 1, 0x02])
    w.records += bytes([0x01, 0])
    # field_description (206): developer_data_index 0, field_definition_number 0, base type.
    w.records += bytes([0x42, 0, 0]) + struct.pack("<HB", 206, 3)
    w.records += bytes([0, 1, 0x02, 1, 1, 0x02, 2, 1, 0x02])
    w.records += bytes([0x02, 0, 0, base_type])
    w.records += bytes([0x43, 0, 0]) + struct.pack("<HB", WORKOUT, 1) + bytes([4, 1, 0x00])
    w.records += bytes([0x03, 1])
    # workout_step with duration_type time, 60 s, and the developer field (number 0, index 0).
    w.records += bytes([0x64, 0, 0]) + struct.pack("<HB", WORKOUT_STEP, 3)
    w.records += bytes([254, 2, 0x84, 1, 1, 0x00, 2, 4, 0x86, 1, 0, size, 0])
    w.records += bytes([0x04]) + struct.pack("<HBI", 0, 0, 60_000) + bytes(size)
    return w.finish()


# --- TCX ------------------------------------------------------------------------------------

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NUMBERS = ["0", "1", "-1", "2.7", "1_000", "inf", "nan", "-inf", "1e308", "1e20", "4294967296",
           "9" * 400, "٣٠", " 5 ", "", "0x10", "1e-300", "65535", "99"]  # fmt: skip
NAMES = ["Step", "Child", "Duraton", "Repeat", "Repetitions", "Seconds", "Meters", "Target",
         "Zone", "Number", "Name", "Notes", "Intensity", "Extensions", "Foo"]  # fmt: skip
TYPES = ["Repeat_t", "Step_t", "Time_t", "Distance_t", "HeartRateAbove_t", "HeartRateBelow_t",
         "CaloriesBurned_t", "UserInitiated_t", "Speed_t", "HeartRate_t", "Cadence_t", "None_t",
         "PredefinedSpeedZone_t", "CustomSpeedZone_t", "PredefinedHeartRateZone_t",
         "CustomHeartRateZone_t", "Unknown_t", ""]  # fmt: skip


# XML 1.0 holds no control characters but tab and line breaks.
TCX_TEXTS = [t for t in TEXTS if all(c in "\t\n\r" or ord(c) >= 0x20 for c in t)]


def tcx_seeds() -> list[bytes]:
    """TCX files emitted from the shipped workouts, the mutator's starting points."""
    from workoutexport.pipeline import compile_document, emit
    from workoutexport.profile import build_profile
    from workoutexport.source import parse_text

    library = ROOT / "workouts"
    profile = build_profile(
        parse_text((library / "profile.yaml").read_text(encoding="utf-8"), "profile.yaml")
    )
    seeds = []
    for path in shipped_workouts(library):
        try:
            workout = compile_document(parse_text(path.read_text(encoding="utf-8"), "x"), profile)
            seeds.append(emit(workout, "tcx", lossy=True).data)
        except WorkoutError:
            continue
    return seeds


def _mutate(rng: random.Random, root: object) -> None:
    from lxml import etree

    assert isinstance(root, etree._Element)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    el = rng.choice(elements)
    op = rng.randrange(9)
    if op == 0 and len(el) == 0:
        el.text = rng.choice(NUMBERS + TCX_TEXTS)
    elif op == 1:
        el.tag = f"{{{TCX_NS}}}{rng.choice(NAMES)}"
    elif op == 2:
        el.set(f"{{{XSI}}}type", rng.choice(TYPES))
    elif op == 3 and (parent := el.getparent()) is not None:
        parent.remove(el)
    elif op == 4 and el.getparent() is not None:
        el.addnext(copy.deepcopy(el))
    elif op == 5:
        target = rng.choice(elements)
        if (
            target is not el
            and el not in target.iterancestors()
            and target
            not in (
                el,
                *el.iterancestors(),
            )
        ):
            el.append(copy.deepcopy(target))
    elif op == 6:  # wrap in repeats, sometimes very deep
        depth = rng.choice([1, 2, 5, 50, 250, 300])  # lxml refuses past 256 levels
        parent = el.getparent()
        if parent is None:
            return
        inner = el
        for _ in range(depth):
            wrapper = etree.Element(f"{{{TCX_NS}}}Child", nsmap={"xsi": XSI})
            wrapper.set(f"{{{XSI}}}type", "Repeat_t")
            reps = etree.SubElement(wrapper, f"{{{TCX_NS}}}Repetitions")
            reps.text = rng.choice(["2", "1", "0", "1e20", "2.7"])
            wrapper.append(inner)  # moves `el` out of its parent on the first round
            inner = wrapper
        parent.append(inner)
    elif op == 7:
        for e in elements:
            if len(e) == 0 and e.text and rng.random() < 0.3:
                e.text = rng.choice(NUMBERS)
    else:
        etree.SubElement(el, f"{{{TCX_NS}}}{rng.choice(NAMES)}").text = rng.choice(NUMBERS)


def tcx_file(rng: random.Random, seeds: list[bytes]) -> bytes:
    """A well-formed TCX made from a seed by a few random tree mutations."""
    from lxml import etree

    root = etree.fromstring(rng.choice(seeds))
    for _ in range(rng.randint(1, 6)):
        _mutate(rng, root)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


# --- the target -----------------------------------------------------------------------------


def check_import(data: bytes, kind: str) -> str:
    """What `import` and `show` do with one file.

    'rejected' (the importer refused it), 'refused' (no YAML form), 'yaml-rejected' (the
    YAML written would not build, which `import` reports) or 'imported'.
    """
    from workoutexport.formats.fit.reader import read_fit
    from workoutexport.formats.tcx.reader import read_tcx
    from workoutexport.importers.yaml_out import NotExpressible, to_yaml
    from workoutexport.pipeline import compile_document
    from workoutexport.profile import EMPTY
    from workoutexport.show import render
    from workoutexport.source import parse_text

    try:
        if kind == "fit":
            workout, _notes = read_fit(data, "fuzz.fit", default_name="fuzz")
            workouts = [workout]
        else:
            workouts = read_tcx(data, "fuzz.tcx")
    except WorkoutError:
        return "rejected"
    # `show` and `import` are separate commands: run both, so that a crash in one does not
    # hide a crash in the other.
    crashes: list[Exception] = []
    outcome = "imported"
    for workout in workouts:
        try:
            render(workout)
        except Exception as exc:
            crashes.append(exc)
        try:
            text = to_yaml(workout, source="fuzz." + kind, exact="tcx" if kind == "tcx" else "fit")
            compile_document(parse_text(text, "fuzz (imported)"), EMPTY)
        except NotExpressible:
            outcome = "refused"
        except WorkoutError:
            outcome = "yaml-rejected"
        except Exception as exc:
            crashes.append(exc)
    if len(crashes) == 1:
        raise crashes[0]
    if crashes:
        raise ExceptionGroup("show and import both crashed", crashes)
    return outcome
