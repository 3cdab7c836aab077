"""A database holding a year of a busy branch, for the benchmarks: N days × M arrivals.

Past days are written straight into `arrivals` (fast, and what matters for query cost);
today gets the demo morning through the real services on top.

    python bench/year_db.py PATH [--days 300] [--per-day 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

CHANNELS = {"cash": "A", "non_cash": "B", "priority": "V", "self_service": "S", "wealth": "W"}
NEEDS = [
    ("cash_deposit", "cash"),
    ("cash_withdrawal", "cash"),
    ("transfer", "non_cash"),
    ("account_opening", "non_cash"),
    ("card_services", "non_cash"),
    ("wealth_consultation", "wealth"),
    ("bill_payment", "self_service"),
    ("enquiry", "non_cash"),
    ("foreign_exchange", "cash"),
    ("loan", "non_cash"),
]


INSERT = (
    "INSERT INTO arrivals (id, business_day, ticket, arrived_at, need, channel,"
    " suggested_channel, flags, status, quoted_band, called_at, done_at, left_at,"
    " triage_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def make(path: Path, days: int, per_day: int, seed: int) -> None:
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    store = open_store(path, SystemClock())  # creates the schema
    settings = load_settings(store)
    today = datetime.now(settings.timezone).date()
    store.close()
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    for back in range(days, 0, -1):
        day: date = today - timedelta(days=back)
        opened = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 09:00 +08
        counts = dict.fromkeys(CHANNELS, 0)
        rows = []
        for _ in range(per_day):
            need, channel = rng.choice(NEEDS)
            if channel != "wealth" and rng.random() < 0.1:
                channel = "priority"
            counts[channel] += 1
            arrived = opened + timedelta(minutes=rng.uniform(0, 480))
            wait = timedelta(minutes=rng.expovariate(1 / 8))
            left = rng.random() < 0.05
            called = None if left else arrived + wait
            done = None if left else called + timedelta(minutes=rng.uniform(2, 15))
            rows.append(
                (
                    str(uuid.uuid4()),
                    day.isoformat(),
                    f"{CHANNELS[channel]}{counts[channel]:03d}",
                    iso(arrived),
                    need,
                    channel,
                    channel,
                    "[]",
                    "left" if left else "done",
                    rng.choice(["lt5", "5to10", "10to20"]),
                    iso(called) if called else None,
                    iso(done) if done else None,
                    iso(arrived + wait) if left else None,
                    round(rng.uniform(5, 40), 1),
                )
            )
        conn.executemany(INSERT, rows)
        conn.commit()
    # Today: a busy morning with people still waiting, as the app would find it at 10:30.
    opened = datetime(today.year, today.month, today.day, 1, 0, tzinfo=UTC)
    rows = []
    for n in range(1, 61):
        need, channel = rng.choice(NEEDS)
        arrived = opened + timedelta(minutes=n * 1.5)
        waiting = n > 45
        rows.append(
            (
                str(uuid.uuid4()),
                today.isoformat(),
                f"{CHANNELS[channel]}{n:03d}",
                iso(arrived),
                need,
                channel,
                channel,
                "[]",
                "waiting" if waiting else "done",
                "5to10",
                None if waiting else iso(arrived + timedelta(minutes=6)),
                None if waiting else iso(arrived + timedelta(minutes=12)),
                None,
                12.0,
            )
        )
    conn.executemany(INSERT, rows)
    conn.commit()
    conn.close()
    print(json.dumps({"path": str(path), "days": days, "per_day": per_day}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.path.exists():
        print(f"{args.path} exists; give a new path", file=sys.stderr)
        return 1
    make(args.path, args.days, args.per_day, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
