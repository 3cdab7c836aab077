"""A day's rollup: the counts its figures are made of, kept so a year's report adds up one
row a day instead of reading every arrival of the year. Pure: merging and the stored form.

What is kept is what adds up across days — counts, sums, and the day's waits and triage
times (domain/kpis.py says what each figure is made of and computes the figures).
Percentiles stay exact: a day keeps every wait in whole seconds (instants are stored to the
second), sorted, as a packed binary array — at that resolution a histogram would be as long,
and a year's 150,000 waits unpack and sort in C in a few milliseconds where adding up
histograms key by key in Python takes tens. A period's waits are its days' put together, so
the median and p90 of a year are those of every wait of the year, to the second.
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from lobby_tui.domain.kpis import (
    ArrivalCounts,
    ChecklistCounts,
    QualityCounts,
    RoundFigures,
    add_quality,
)
from lobby_tui.domain.settings import Settings

# Bumped whenever what a rollup counts changes: older rollups are then ignored and rebuilt.
ROLLUP_VERSION = 4  # 2: the quote's longer and shorter counts; 3: served, rounds from first use
# 4: service quality (counter returns, pre-checked forms, machine help, ratings)


@dataclass(frozen=True)
class DayRollup:
    arrivals: ArrivalCounts
    rounds: RoundFigures
    checklist: ChecklistCounts
    quality: QualityCounts = field(default_factory=QualityCounts)


def merge(days: Iterable[DayRollup]) -> DayRollup:
    """A period's counts: its days' added together."""
    a = ArrivalCounts()
    waits: list[int] = []
    triage: list[float] = []
    rounds: list[RoundFigures] = []
    checklists: list[ChecklistCounts] = []
    quality = QualityCounts()
    for day in days:
        d = day.arrivals
        a.total += d.total
        a.served += d.served
        a.walkaways += d.walkaways
        a.left_uncalled += d.left_uncalled
        a.machine += d.machine
        a.diverted += d.diverted
        a.quoted += d.quoted
        a.hits += d.hits
        a.longer += d.longer
        a.shorter += d.shorter
        _add(a.by_need, d.by_need)
        _add(a.by_channel, d.by_channel)
        waits += d.waits
        triage += d.triage
        for hour, (arrived, called, seconds) in d.hours.items():
            tally = a.hours.setdefault(hour, [0, 0, 0])
            tally[0] += arrived
            tally[1] += called
            tally[2] += seconds
        rounds.append(day.rounds)
        checklists.append(day.checklist)
        add_quality(quality, day.quality)
    waits.sort()  # sorted runs, one a day: timsort merges them
    triage.sort()
    a.waits, a.triage = waits, triage
    return DayRollup(
        arrivals=a,
        rounds=RoundFigures(*(sum(getattr(r, f) for r in rounds) for f in _ROUND_FIELDS)),
        checklist=ChecklistCounts(*(sum(getattr(c, f) for c in checklists) for f in _LIST_FIELDS)),
        quality=quality,
    )


_ROUND_FIELDS = tuple(RoundFigures.__dataclass_fields__)
_LIST_FIELDS = tuple(ChecklistCounts.__dataclass_fields__)


def _add(into: dict[str, int], more: dict[str, int]) -> None:
    get = into.get
    for key, n in more.items():
        into[key] = get(key, 0) + n


# The stored form: the counts as compact JSON; waits and triage times as little-endian
# packed arrays (uint32 seconds, float64 seconds as stored: exact either way).
WAITS, TRIAGE = "I", "d"


def to_row(rollup: DayRollup) -> tuple[str, bytes, bytes]:
    a = asdict(rollup.arrivals)
    waits, triage = a.pop("waits"), a.pop("triage")
    a["hours"] = {str(h): v for h, v in sorted(a["hours"].items())}
    quality = asdict(rollup.quality)
    quality["ratings"] = {str(s): n for s, n in sorted(quality["ratings"].items())}
    counts = json.dumps(
        {
            "arrivals": a,
            "rounds": asdict(rollup.rounds),
            "checklist": asdict(rollup.checklist),
            "quality": quality,
        },
        separators=(",", ":"),
    )
    return counts, _pack(WAITS, waits), _pack(TRIAGE, triage)


def from_row(counts: str, waits: bytes, triage: bytes) -> DayRollup:
    data = json.loads(counts)
    a = data["arrivals"]
    a["hours"] = {int(h): v for h, v in a["hours"].items()}
    a["waits"], a["triage"] = _unpack(WAITS, waits), _unpack(TRIAGE, triage)
    quality = data["quality"]
    quality["ratings"] = {int(s): n for s, n in quality["ratings"].items()}
    return DayRollup(
        ArrivalCounts(**a),
        RoundFigures(**data["rounds"]),
        ChecklistCounts(**data["checklist"]),
        QualityCounts(**quality),
    )


def _pack(code: str, values: list[Any]) -> bytes:
    packed = array(code, values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _unpack(code: str, blob: bytes) -> list[Any]:
    packed = array(code)
    packed.frombytes(blob)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


def basis(settings: Settings, machine_needs: Iterable[str]) -> str:
    """What a day's counts depend on besides its rows: the settings that shape them and the
    needs a machine can do. A rollup made on another basis is not used (and is rebuilt)."""
    shaped = {
        "version": ROLLUP_VERSION,
        "zone": settings.timezone.key,
        "opening": settings.opening_time.isoformat(),
        "closing": settings.closing_time.isoformat(),
        "round_interval": settings.round_interval_min,
        "amber": settings.wait_amber_min,
        "machine": sorted(machine_needs),
    }
    return hashlib.sha1(json.dumps(shaped, sort_keys=True).encode()).hexdigest()[:16]
