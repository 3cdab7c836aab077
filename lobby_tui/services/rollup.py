"""Days' rollups (domain/rollup.py): counted from the rows, kept in `day_rollups`, read back.

When they are written: when a day closes (the end-of-day action, or the handover after
closing time), for the days the demo's history writes, by `lobby report` for past days it
had to count from the rows (when it may write the file), and on demand
(`lobby report --rebuild-rollups`). A day's rollup is forgotten by the database itself
(migration 9's triggers) when a row it was counted from changes, and ignored when the
settings it was counted under have changed (its basis), so a stale one is never read: that
day is counted again from its rows. Today, still going, is always counted from its rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lobby_tui.domain.day import business_day, day_bounds_utc
from lobby_tui.domain.kpis import (
    ArrivalFacts,
    QualityCounts,
    RunFacts,
    checklist_counts,
    count_arrivals,
    day_rounds,
)
from lobby_tui.domain.rollup import DayRollup, basis, from_row, to_row
from lobby_tui.domain.rounds import minutes_waited
from lobby_tui.domain.settings import Settings
from lobby_tui.services.quality import quality_by_day
from lobby_tui.services.rounds import figures_by_day
from lobby_tui.store import Store, parse_iso


def machine_needs() -> dict[str, bool]:
    from lobby_tui.content import needs_catalogue  # pydantic: not on the start-up path

    return {n.id: n.machine for n in needs_catalogue().need}


def rollup_basis(settings: Settings) -> str:
    """From the catalogue file as written, not validated: the report reads every day from
    its rollup without loading the catalogue's models (a bad file fails when counting)."""
    from lobby_tui.content import load_toml

    needs = load_toml("needs.toml").get("need", [])
    return basis(settings, [str(n.get("id")) for n in needs if n.get("machine") is True])


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_end(day: date, settings: Settings) -> datetime:
    return day_bounds_utc(day, settings.timezone)[1]


@dataclass(frozen=True)
class Rollups:
    days: dict[date, DayRollup]  # every day of the period
    fresh: dict[date, DayRollup]  # complete days counted from their rows just now: worth keeping


def gather(store: Store, settings: Settings, first: date, last: date, cut: datetime) -> Rollups:
    """Every day of first..last: its kept rollup if it has a valid one and was over by the
    cut, else counted now from its rows (in memory: nothing is written here)."""
    kept = stored(store, settings, first, last)
    complete = {d for d in days_between(first, last) if day_end(d, settings) <= cut}
    usable = {d: r for d, r in kept.items() if d in complete}
    counted: dict[date, DayRollup] = {}
    for run in _runs_of_days(d for d in days_between(first, last) if d not in usable):
        counted.update(count_days(store, settings, run, cut))
    fresh = {d: r for d, r in counted.items() if d in complete}
    return Rollups({**usable, **counted}, fresh)


def _runs_of_days(days: Iterable[date]) -> list[list[date]]:
    """Consecutive days together: each run is read with one query per table, and a gap
    between two missing days is not read at all."""
    runs: list[list[date]] = []
    for d in days:
        if runs and runs[-1][-1] + timedelta(days=1) == d:
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def stored(store: Store, settings: Settings, first: date, last: date) -> dict[date, DayRollup]:
    """The kept rollups of first..last counted under today's settings."""
    rows = store.rows(
        "SELECT business_day, counts, waits, triage FROM day_rollups"
        " WHERE business_day BETWEEN ? AND ? AND basis = ?",
        (first.isoformat(), last.isoformat(), rollup_basis(settings)),
    )
    return {date.fromisoformat(row[0]): from_row(*row[1:]) for row in rows}


def keep(store: Store, settings: Settings, rollups: dict[date, DayRollup]) -> None:
    """Write days' rollups (derived data: no event in the journal)."""
    if not rollups:
        return
    made_basis = rollup_basis(settings)
    with store.unit_of_work() as uow:
        uow.conn.executemany(
            "INSERT OR REPLACE INTO day_rollups"
            " (business_day, basis, counts, waits, triage, made_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(d.isoformat(), made_basis, *to_row(r), uow.now) for d, r in sorted(rollups.items())],
        )


def roll_up(store: Store, settings: Settings, first: date, last: date) -> int:
    """Count first..last from their rows as whole days (to each day's end, the day being
    closed) and keep them. The close of a day, the demo's history and --rebuild-rollups."""
    counted = count_days(store, settings, days_between(first, last), day_end(last, settings))
    keep(store, settings, counted)
    return len(counted)


def rebuild_rollups(store: Store, settings: Settings) -> int:
    """Every past day from the first with records, counted again and kept."""
    row = store.query_one(
        "SELECT min(d) FROM (SELECT min(business_day) AS d FROM shifts"
        " UNION ALL SELECT min(business_day) FROM arrivals)"
    )
    today = business_day(store.clock.now(), settings.timezone)
    if row is None or row[0] is None or date.fromisoformat(row[0]) >= today:
        return 0
    with store.unit_of_work() as uow:
        uow.execute("DELETE FROM day_rollups")
    return roll_up(store, settings, date.fromisoformat(row[0]), today - timedelta(days=1))


def differing(store: Store, settings: Settings) -> list[date]:
    """`lobby verify`'s check of the derived figures (issue 25): every kept rollup the report
    would read (one counted under today's settings) counted again from its rows, and the
    days whose kept counts differ, or cannot be read. Rollups carry no digest (they are
    rebuilt at will), so this is what stops an edited one changing a report unseen."""
    kept: dict[date, DayRollup | None] = {}
    for day, counts, waits, triage in store.rows(
        "SELECT business_day, counts, waits, triage FROM day_rollups WHERE basis = ?",
        (rollup_basis(settings),),
    ):
        try:
            when = date.fromisoformat(str(day))
        except ValueError:
            continue  # no report asks for such a day
        try:
            kept[when] = from_row(counts, waits, triage)
        except (ValueError, KeyError, TypeError):
            kept[when] = None  # not even readable: the report would fail on it
    wrong: list[date] = []
    for run in _runs_of_days(sorted(kept)):
        counted = count_days(store, settings, run, day_end(run[-1], settings))
        wrong += [d for d in run if kept[d] != from_row(*to_row(counted[d]))]
    return wrong


CATCH_UP_DAYS = 7


def day_closed(store: Store, settings: Settings, day: date) -> None:
    """The day is over (the end-of-day action, the handover after closing): its rollup,
    and those of the week before that were not closed in the app, are kept."""
    catch_up(store, settings, day)
    roll_up(store, settings, day, day)


def catch_up(store: Store, settings: Settings, today: date) -> int:
    """Roll up the days of the last week that had a shift or arrivals but have no rollup
    (a day nobody closed in the app). A week bounds the cost; older gaps are counted by
    each report in memory, or kept by `lobby report --rebuild-rollups`."""
    first = today - timedelta(days=CATCH_UP_DAYS)
    span = (first.isoformat(), (today - timedelta(days=1)).isoformat())
    rows = store.rows(
        "SELECT business_day FROM shifts WHERE business_day BETWEEN ?1 AND ?2"
        " UNION SELECT business_day FROM arrivals WHERE business_day BETWEEN ?1 AND ?2"
        " EXCEPT SELECT business_day FROM day_rollups WHERE business_day BETWEEN ?1 AND ?2"
        " AND basis = ?3",
        (*span, rollup_basis(settings)),
    )
    missing = sorted(date.fromisoformat(r[0]) for r in rows)
    for run in _runs_of_days(missing):
        roll_up(store, settings, run[0], run[-1])
    return len(missing)


def count_days(
    store: Store, settings: Settings, days: Iterable[date], cut: datetime
) -> dict[date, DayRollup]:
    """Each day's counts from its rows, reading each table once over the days' span.
    A day's waits end with the day: nobody waits past the end of their business day."""
    wanted = sorted(set(days))
    first, last = wanted[0], wanted[-1]
    span = (first.isoformat(), last.isoformat())
    facts, waits = _arrivals(store, settings, span, cut)
    runs = _checklists(store, span)
    care = figures_by_day(store, settings, first, last, cut, waits)
    quality = quality_by_day(store, span)
    zone = settings.timezone
    return {
        d: DayRollup(
            count_arrivals(facts.get(d.isoformat(), ()), zone),
            day_rounds(care[d]),
            checklist_counts(runs.get(d.isoformat(), ())),
            quality.get(d.isoformat(), QualityCounts()),
        )
        for d in wanted
    }


def _arrivals(
    store: Store, settings: Settings, span: tuple[str, str], cut: datetime
) -> tuple[dict[str, list[ArrivalFacts]], dict[str, list[tuple[int, float]]]]:
    """The arrivals of the span, read once: per day their facts for the figures, and how long
    each waited (until called or gone, else until the cut or its day's end) for the rounds'
    care figures. Plain rows, rowids and _make: each counts when a year is read at once."""
    machine = machine_needs().get
    make, parse = ArrivalFacts._make, parse_iso
    facts: dict[str, list[ArrivalFacts]] = {}
    waits: dict[str, list[tuple[int, float]]] = {}
    ends: dict[str, datetime] = {}
    for row in store.rows(
        "SELECT rowid, business_day, arrived_at, called_at, left_at, status, need, channel,"
        " quoted_band, triage_seconds FROM arrivals WHERE business_day BETWEEN ? AND ?",
        span,
    ):
        rowid, day, arrived_at, called_at, left_at, status, need, channel, band, triage = row
        arrived = parse(arrived_at)
        called = parse(called_at) if called_at else None
        left = parse(left_at) if left_at else None
        fact = make(
            (arrived, called, left, status, need, machine(need, False), channel, band, triage)
        )
        if day in facts:
            facts[day].append(fact)
        else:
            facts[day] = [fact]
            waits[day] = []
            ends[day] = min(cut, day_end(date.fromisoformat(day), settings))
        waits[day].append((rowid, minutes_waited(arrived, called or left, ends[day])))
    return facts, waits


def _checklists(store: Store, span: tuple[str, str]) -> dict[str, list[RunFacts]]:
    """Each day's latest checklist run with its answers."""
    latest: dict[str, tuple[str, int, bool]] = {}
    for day, run_id, items, signed in store.rows(
        "SELECT business_day, id, items_total, signed_off_at FROM checklist_runs"
        " WHERE business_day BETWEEN ? AND ? ORDER BY started_at",
        span,
    ):
        latest[day] = (run_id, items, signed is not None)
    answers: dict[str, list[str]] = {run_id: [] for run_id, _, _ in latest.values()}
    for run_id, answer in store.rows(
        "SELECT a.run_id, a.answer FROM checklist_answers a JOIN checklist_runs r"
        " ON r.id = a.run_id WHERE r.business_day BETWEEN ? AND ?",
        span,
    ):
        if run_id in answers:
            answers[run_id].append(answer)
    return {
        day: [RunFacts(items, signed, answers[run_id])]
        for day, (run_id, items, signed) in latest.items()
    }
