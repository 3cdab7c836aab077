"""The demo's ticket machine (`lobby demo --queue-feed`, R2.12): the morning as a vendor's
machine would have logged it, in data/queue_feed.toml's shape, so the path can be tried —
every walk-in the manager triaged (the machine's slip typed at triage, so they join), and a
few the machine issued that nobody triaged (people who went straight to the seats)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from lobby_tui.domain.day import local
from lobby_tui.domain.settings import Settings
from lobby_tui.services.queue_feed import FeedResult, import_file, load_mapping
from lobby_tui.store import Store
from lobby_tui.store.clock import parse_iso

HEADER = "票号,取号时间,业务类型,叫号时间,窗口,开始办理,办结时间,过号,转移至\n"
CODES = {"cash": "A", "non_cash": "B", "priority": "V", "wealth": "W"}  # the mapping's queues
UNTRIAGED = 6


def write_machine_log(store: Store, settings: Settings, day: date, path: Path, seed: int) -> int:
    """The morning's log at `path`; how many lines."""
    zone = settings.timezone
    rng = random.Random(seed)

    def at(text: str | None) -> str:
        return local(parse_iso(text), zone).strftime("%Y-%m-%d %H:%M:%S") if text else ""

    lines = [HEADER]
    rows = store.rows(
        "SELECT ticket, channel, arrived_at, called_at, window_no, started_at, done_at, no_show"
        " FROM arrivals WHERE business_day = ? ORDER BY arrived_at",
        (day.isoformat(),),
    )
    for ticket, channel, arrived, called, window, started, done, no_show in rows:
        code = CODES.get(str(channel))
        if code is None or not str(ticket).startswith(code):
            continue  # self-service has no ticket from the machine
        where = f"{window}号窗口" if window else ""
        lines.append(f"{ticket},{at(arrived)},{code},,,,,,\n")
        if called and window:
            missed = "是" if no_show else ""
            lines.append(f"{ticket},{at(arrived)},{code},{at(called)},{where},{at(started)},"
                         f"{at(done)},{missed},\n")  # fmt: skip
    now = store.clock.now()
    for n in range(UNTRIAGED):
        code = rng.choice("AAB")
        issued = now - timedelta(minutes=rng.randint(2, 25))
        stamp = local(issued, zone).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{code}{901 + n},{stamp},{code},,,,,,\n")
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines) - 1


def play_machine_log(
    store: Store, settings: Settings, day: date, path: Path, seed: int
) -> FeedResult:
    """Write the morning's log and read it in, as `lobby queue import` does."""
    write_machine_log(store, settings, day, path, seed)
    return import_file(store, path, load_mapping(), settings.timezone)
