"""A day's rollup: the counts its figures are made of, kept so a year's report adds up one
row a day instead of reading every arrival of the year. Pure: merging and the stored form.

What is kept is what adds up across days — counts, sums and histograms (domain/kpis.py
says what each figure is made of and computes the figures). Percentiles stay exact: a day
keeps its waits as {whole seconds: how many}, and a period's histogram is its days' added
key by key, so the median and p90 of a year are those of every wait of the year.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from lobby_tui.domain.kpis import ArrivalCounts, ChecklistCounts, RoundFigures
from lobby_tui.domain.settings import Settings

# Bumped whenever what a rollup counts changes: older rollups are then ignored and rebuilt.
ROLLUP_VERSION = 1


@dataclass(frozen=True)
class DayRollup:
    arrivals: ArrivalCounts
    rounds: RoundFigures
    checklist: ChecklistCounts


def merge(days: Iterable[DayRollup]) -> DayRollup:
    """A period's counts: its days' added together."""
    a = ArrivalCounts()
    rounds: list[RoundFigures] = []
    checklists: list[ChecklistCounts] = []
    for day in days:
        d = day.arrivals
        a.total += d.total
        a.walkaways += d.walkaways
        a.left_uncalled += d.left_uncalled
        a.machine += d.machine
        a.diverted += d.diverted
        a.quoted += d.quoted
        a.hits += d.hits
        for into, more in (
            (a.by_need, d.by_need),
            (a.by_channel, d.by_channel),
            (a.waits, d.waits),
            (a.triage, d.triage),
        ):
            _add(into, more)
        for hour, (arrived, called, seconds) in d.hours.items():
            tally = a.hours.setdefault(hour, [0, 0, 0])
            tally[0] += arrived
            tally[1] += called
            tally[2] += seconds
        rounds.append(day.rounds)
        checklists.append(day.checklist)
    return DayRollup(
        arrivals=a,
        rounds=RoundFigures(*(sum(getattr(r, f) for r in rounds) for f in _ROUND_FIELDS)),
        checklist=ChecklistCounts(*(sum(getattr(c, f) for c in checklists) for f in _LIST_FIELDS)),
    )


_ROUND_FIELDS = tuple(RoundFigures.__dataclass_fields__)
_LIST_FIELDS = tuple(ChecklistCounts.__dataclass_fields__)


def _add(into: dict[Any, int], more: dict[Any, int]) -> None:
    get = into.get
    for key, n in more.items():
        into[key] = get(key, 0) + n


# The stored form: compact JSON; histograms as flat [value, count, value, count, ...]
# arrays (JSON objects would turn their numeric keys into text).


def to_json(rollup: DayRollup) -> str:
    a = asdict(rollup.arrivals)
    for name in ("waits", "triage"):
        a[name] = [x for pair in sorted(a[name].items()) for x in pair]
    a["hours"] = {str(h): v for h, v in sorted(a["hours"].items())}
    return json.dumps(
        {"arrivals": a, "rounds": asdict(rollup.rounds), "checklist": asdict(rollup.checklist)},
        separators=(",", ":"),
    )


def from_json(text: str) -> DayRollup:
    data = json.loads(text)
    a = data["arrivals"]
    for name in ("waits", "triage"):
        flat = a[name]
        a[name] = dict(zip(flat[::2], flat[1::2], strict=True))
    a["hours"] = {int(h): v for h, v in a["hours"].items()}
    return DayRollup(
        ArrivalCounts(**a), RoundFigures(**data["rounds"]), ChecklistCounts(**data["checklist"])
    )


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
