"""Synthetic history for the demo and the benchmarks: `lobby demo --days N` fills the N days
before today with a plausible branch — arrivals, rounds and care, checklists and tasks,
complaints from intake to callback, incidents, enquiries, reminders, shifts closed with a
handover note — so the report, the forecast and the handover have a past to read.

Deterministic: every day draws from its own generator seeded with (seed, date), and ids come
from it too, so the same seed writes the very same rows. Fast: the rows go in with executemany,
in one transaction, instead of one service call (and one fsync) each. The journal gets one
event saying that synthetic history was written, and by what, rather than an invented trail
of events per row: the hash chain stays true and `lobby verify` passes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date, time, timedelta

from lobby_tui.content import (
    channels,
    checklist_template,
    fraud_script,
    holiday_calendar,
    incident_catalogue,
    needs_catalogue,
    product_catalogue,
)
from lobby_tui.demo.history_cases import (
    Day,
    Rows,
    write_checklist,
    write_complaints,
    write_floor_notes,
)
from lobby_tui.demo.history_floor import new_uuid, simulate_floor, write_rounds
from lobby_tui.demo.history_incidents import write_incidents
from lobby_tui.demo.history_quality import write_service_quality
from lobby_tui.demo.history_text import TEXT
from lobby_tui.domain.day import at_local
from lobby_tui.domain.forecast import Calendar, profile_key
from lobby_tui.domain.settings import Settings
from lobby_tui.services.rollup import roll_up
from lobby_tui.store import Store, StoreError, UnitOfWork, iso

# The volume complaints, incidents, enquiries and reminders per day are set for: a busy city
# branch (the demo's default). A busier history has proportionally more of each.
REFERENCE_PER_DAY = 250
# Parents before children, so every reference points at a row already written.
TABLES = (
    "shifts",
    "counter_plans",
    "checklist_runs",
    "checklist_answers",
    "tasks",
    "arrivals",
    "appointments",
    "rounds",
    "care_actions",
    "complaints",
    "complaint_updates",
    "incidents",
    "incident_updates",
    "enquiries",
    "reminders",
    "cash_movements",
    "day_weather",
)

# The calendar's true effects in the demo branch (domain/forecast.py learns them back from
# the history; they differ from data/forecast.toml's defaults on purpose, so the learning
# shows): a pension day brings half as many again, a holiday a quiet Sunday's crowd.
CALENDAR_TRUTH = {
    "holiday": 0.45,
    "before_holiday": 1.35,
    "after_holiday": 1.45,
    "adjusted_workday": 1.1,
    "pension_day": 1.5,
    "payroll_day": 1.2,
    "month_end": 1.15,
    "quarter_end": 1.3,
    "heavy_rain": 0.7,
    "heat": 0.85,
}


def demo_weather(seed: int, day: date) -> str:
    """The weather entered on the demo's checklists: heavy rain in the rainy season (梅雨,
    June and July) one day in five, else one in twenty-five; heat one day in four in July and
    August. Its own generator, so the rest of a day draws the same numbers."""
    rng = random.Random(f"{seed}:{day.isoformat()}:weather")
    draw = rng.random()
    rain = 0.2 if day.month in (6, 7) else 0.04
    heat = 0.25 if day.month in (7, 8) else 0.0
    if draw < rain:
        return "heavy_rain"
    if draw < rain + heat:
        return "heat"
    return "fair"


def calendar_effect(cal: Calendar, day: date) -> float:
    """How much busier than an ordinary day of its weekday the calendar makes `day`."""
    factor = 1.0
    for effect in cal.effects(day):
        factor *= CALENDAR_TRUTH.get(effect, 1.0)
    return factor


def write_history(
    store: Store,
    settings: Settings,
    today: date,
    *,
    days: int,
    per_day: float,
    seed: int = 7,
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write `days` business days before `today` (every day of the week: the branch opens
    at weekends, more quietly). Returns the rows written per table. `progress(done, days)`
    is called after each day (the command line shows a bar with it)."""
    counts = dict.fromkeys(TABLES, 0)
    if days <= 0:
        return counts
    first = today - timedelta(days=days)
    if store.query_one("SELECT 1 FROM shifts WHERE business_day < ? LIMIT 1", (today.isoformat(),)):
        raise StoreError("demo.not_empty", path=str(store.path))
    needs = needs_catalogue().need
    lanes = channels()
    template = checklist_template()
    catalogue = incident_catalogue()
    fraud = fraud_script()
    products = [p.id for p in product_catalogue().product]
    horizon = at_local(today, time(0), settings.timezone)
    weather = {first + timedelta(days=n): demo_weather(seed, first + timedelta(days=n))
               for n in range(days)}  # fmt: skip
    cal = Calendar.of(holiday_calendar(), settings.pension_days, settings.payroll_days, weather)
    scale = per_day / REFERENCE_PER_DAY
    # Complaints already on those days (the demo morning's older cases) keep their numbers.
    taken = {r[0]: r[1] for r in store.query(
        "SELECT business_day, COUNT(*) FROM complaints GROUP BY business_day")}  # fmt: skip
    with store.unit_of_work() as uow:
        # Appointments and arrivals point at each other: check references at commit.
        uow.execute("PRAGMA defer_foreign_keys = ON")
        for n in range(days):
            day = first + timedelta(days=n)
            rng = random.Random(f"{seed}:{day.isoformat()}")
            rows: Rows = {table: [] for table in TABLES}
            d = Day(
                day,
                settings,
                lang,
                new_uuid(rng),
                TEXT[lang]["managers"][day.toordinal() % 2],
                horizon,
            )
            walkins = simulate_floor(
                rng,
                settings,
                day,
                needs,
                lanes,
                per_day,
                d.shift_id,
                rows,
                TEXT[lang]["arrival_notes"],
                TEXT[lang]["prefers_counter"],
                busy=calendar_effect(cal, day),
                weekday=profile_key(day, cal),
            )
            rows["day_weather"].append(
                {
                    "id": new_uuid(random.Random(f"{seed}:{day.isoformat()}:weather-id")),
                    "business_day": day.isoformat(),
                    "weather": weather[day],
                    "at": iso(d.at(time(8, 35))),
                }
            )
            write_checklist(rng, d, template, rows)
            write_rounds(rng, settings, day, walkins, products, d.shift_id, rows)
            complaints = write_complaints(rng, d, walkins, 0.8 * scale, rows)
            for number, row in enumerate(
                rows["complaints"], start=taken.get(day.isoformat(), 0) + 1
            ):
                row["case_no"] = f"C{day:%Y%m%d}-{number:02d}"
            incidents = write_incidents(rng, d, catalogue, fraud, 0.5 * scale, rows)
            write_floor_notes(rng, d, walkins, scale, rows)
            quality = random.Random(f"{seed}:{day.isoformat()}:quality")  # its own stream
            write_service_quality(quality, walkins, rows)
            left = sum(1 for r in rows["arrivals"] if r["status"] == "left")
            note = TEXT[lang]["handover"].format(
                arrivals=len(walkins), left=left, complaints=complaints, incidents=incidents
            )
            rows["shifts"].append(
                {
                    "id": d.shift_id,
                    "business_day": day.isoformat(),
                    "opened_at": iso(d.at(time(8, 25)) + timedelta(seconds=rng.randint(0, 600))),
                    "opened_by": d.manager,
                    "closed_at": iso(d.closes + timedelta(minutes=rng.randint(30, 50))),
                    "closed_by": d.manager,
                    "handover_note": note,
                }
            )
            for table in TABLES:
                counts[table] += _insert(uow, table, rows[table])
            if progress:
                progress(n + 1, days)
        uow.event(
            "demo.history_written",
            "demo",
            f"{first.isoformat()}/{today - timedelta(days=1)}",
            {
                "first_day": first.isoformat(),
                "last_day": (today - timedelta(days=1)).isoformat(),
                "days": days,
                "per_day": per_day,
                "seed": seed,
                "rows": counts,
            },
        )
    roll_up(store, settings, first, today - timedelta(days=1))  # one row a day for the report
    return counts


def _insert(uow: UnitOfWork, table: str, rows: Iterable[dict[str, object]]) -> int:
    listed = list(rows)
    if not listed:
        return 0
    columns = list(listed[0])
    marks = ", ".join("?" for _ in columns)
    uow.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [tuple(row[c] for c in columns) for row in listed],
    )
    return len(listed)
