"""What happens on the floor before a test looks: complaints taken, customers walked in,
records made long ago, the queue settled at the day's end."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any

from lobby_tui.content import complaint_catalogue
from lobby_tui.domain.complaints import Intake
from lobby_tui.domain.rounds import Care
from lobby_tui.domain.settings import Settings
from lobby_tui.services import complaints as service
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.services.dayplan import add_appointment
from lobby_tui.services.drafts import save_draft
from lobby_tui.services.rounds import give_care
from lobby_tui.store import FixedClock, Store
from tests.helpers.clock import DEMO_DAY, MORNING, SHANGHAI

# The lobby of `old_and_new_records`: 400 days before the demo's morning.
OLD = MORNING - timedelta(days=400)


def take(store: Store, settings: Settings, **changes: Any) -> str:
    """A complaint taken at the counter (an ATM kept a card), with `changes`."""
    intake = Intake(
        received_at=MORNING,
        via="in_person",
        category="device_fault",
        severity="high",
        description="ATM 吞卡，等了半小时没人管",
        subject="ATM 2 retained card",
        phone="13812345621",
        name="王小明",
    )
    complaint_id, _case = service.take_complaint(
        store, settings, complaint_catalogue(), replace(intake, **changes), shift_id=None
    )
    return complaint_id


def last_arrival(store: Store) -> dict[str, Any]:
    """The customer who came in last, as stored."""
    row = store.query_one("SELECT * FROM arrivals ORDER BY arrived_at DESC, rowid DESC LIMIT 1")
    assert row is not None
    return dict(row)


def waiting_time_intake(**changes: Any) -> Intake:
    """A complaint about the wait, as typed at intake, with `changes`."""
    taken = Intake(
        received_at=MORNING,
        via="in_person",
        category="waiting_time",
        severity="medium",
        description="排队一个多小时，没有人解释原因",
        subject="等候太久",
        name="王小明",
        phone="138 1234 5621",
    )
    return replace(taken, **changes)


def take_waiting_time(store: Store, settings: Settings, **changes: object) -> str:
    """The complaint about the wait, taken."""
    complaint_id, _case = service.take_complaint(
        store, settings, complaint_catalogue(), waiting_time_intake(**changes), shift_id=None
    )
    return complaint_id


def old_and_new_records(store: Store, settings: Settings, clock: FixedClock) -> dict[str, str]:
    """A lobby 400 days ago, and this morning's: records closed long ago, open long ago,
    closed lately, and new."""
    ids: dict[str, str] = {}
    clock.set(OLD)
    old_day = OLD.astimezone(SHANGHAI).date()
    ids["closed"] = take(store, settings, outcome="on_spot", action_taken="Refunded",
                         name="周可删", phone="13900001111", received_at=OLD)  # fmt: skip
    clock.advance(days=3)
    service.record_callback(store, ids["closed"], reached=True, solved=True, satisfaction=4)
    service.set_status(store, settings, ids["closed"], "closed", root_cause="other")
    clock.set(OLD)
    ids["open"] = take(store, settings, name="李仍开", phone="13900002222", received_at=OLD)
    ids["late"] = take(store, settings, outcome="on_spot", action_taken="Refunded",
                       name="赵晚结", phone="13900003333", received_at=OLD)  # fmt: skip
    ids["served"], _ = record_arrival(store, NewArrival(None, old_day.isoformat(), "enquiry",
                                      "non_cash", "B", note="穿红衣的王先生"))  # fmt: skip
    give_care(store, round_id=None, arrival_id=ids["served"], kind=Care.WATER, note="刘女士, 孕")
    move_arrival(store, ids["served"], "done")
    ids["waiting"], _ = record_arrival(store, NewArrival(None, old_day.isoformat(), "enquiry",
                                       "non_cash", "B", note="still here"))  # fmt: skip
    ids["meeting"] = add_appointment(store, settings, old_day, time(15, 0), "Wealth review",
                                     True, who="Mr Sun")  # fmt: skip
    save_draft(store, f"note:{ids['open']}", {"note": "周可删 called, 13900001111"})
    clock.set(MORNING - timedelta(days=10))  # the late one closes only now
    service.record_callback(store, ids["late"], reached=True, solved=True, satisfaction=5)
    service.set_status(store, settings, ids["late"], "closed", root_cause="other")
    clock.set(MORNING)
    ids["today"] = take(store, settings, name="钱今天", phone="13900004444")
    return ids


def settle_the_queue(store: Store, day: date) -> None:
    """What the manager does before the day's last handover (issue 26): `E` closes those
    still waiting as not seen, and each one still at a counter is marked served."""
    from lobby_tui.services.triage import close_day

    close_day(store, day)
    for (still,) in store.rows(
        "SELECT id FROM arrivals WHERE business_day = ? AND status = 'called'", (day.isoformat(),)
    ):
        move_arrival(store, still, "done")


# The ticket prefix of each channel, as the packaged channels.toml has them.
PREFIX = {"cash": "A", "non_cash": "B", "priority": "V", "self_service": "S", "wealth": "W"}


def walk_in_ticket(
    store: Store, channel: str = "cash", need: str = "deposit", priority: bool = False
) -> str:
    """A customer walks in on the demo's day for `channel` (no shift): their ticket."""
    arrival = NewArrival(
        None, DEMO_DAY.isoformat(), need, channel, PREFIX[channel], priority=priority
    )
    return record_arrival(store, arrival)[1]
