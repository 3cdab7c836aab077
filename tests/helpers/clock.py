"""The days and hours the tests run on: never the real date."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The day the tests that build demo data (estates, histories, `lobby demo`) run on: never the
# real date, so the suite passes on any day of the year. CI runs those tests again on a
# month's end, a leap day and a Saturday (LOBBY_TEST_DAY). Every command a test starts, and
# every `wall_clock()` in this process, runs from 10:30 in Shanghai on that day (LOBBY_NOW).
TEST_DAY = date.fromisoformat(os.environ.get("LOBBY_TEST_DAY") or "2026-12-07")
TEST_NOW = datetime.combine(TEST_DAY, time(10, 30), SHANGHAI)

# 10:30 in Shanghai on a Saturday: mid-morning, the demo's hour.
MORNING = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


DEMO_DAY = date(2026, 11, 28)  # MORNING's day in Shanghai


def local(hour: int, minute: int = 0, day: date = DEMO_DAY) -> datetime:
    """`hour:minute` on the branch's clock (Shanghai) on `day` (the demo's Saturday)."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)
