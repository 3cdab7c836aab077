"""Shift hand-over: the note and the open items reach the next shift (issue 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.services.drafts import save_draft
from lobby_tui.services.shift import (
    hand_over,
    handover_draft,
    last_handover,
    open_shift_today,
)
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import one_row


def test_hand_over_closes_the_shift_and_opens_the_next(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    shift = open_shift_today(store, settings)
    save_draft(store, handover_draft(shift.id), {"note": "half typed"})
    clock.advance(hours=4)
    with pytest.raises(Invalid, match="name_missing"):
        hand_over(store, settings, shift.id, " ", "note")
    following = hand_over(store, settings, shift.id, "Wang", "ATM 2 engineer at 15:00")
    assert following is not None and following.id != shift.id
    closed = one_row(store, "SELECT closed_at, closed_by, handover_note FROM shifts WHERE id = ?",
                     (shift.id,))  # fmt: skip
    assert tuple(closed) == ("2026-11-28T06:30:00Z", "Wang", "ATM 2 engineer at 15:00")
    assert open_shift_today(store, settings).id == following.id  # the next start resumes it
    assert one_row(store, "SELECT COUNT(*) FROM drafts")[0] == 0
    note = last_handover(store, clock.now())
    assert note is not None and (note.closed_by, note.note) == ("Wang", "ATM 2 engineer at 15:00")
    with pytest.raises(Invalid, match="shift_closed"):
        hand_over(store, settings, shift.id, "Wang", "again")
    clock.advance(hours=73)
    assert last_handover(store, clock.now()) is None


def test_a_long_note_is_refused_and_nothing_changes(store: Store, settings: Settings) -> None:
    shift = open_shift_today(store, settings)
    with pytest.raises(Invalid, match="text_too_long"):
        hand_over(store, settings, shift.id, "Wang", "x" * 2001)
    assert one_row(store, "SELECT COUNT(*) FROM shifts WHERE closed_at IS NULL")[0] == 1
    assert last_handover(store, store.clock.now() + timedelta(minutes=1)) is None


def test_after_closing_time_no_empty_shift_is_left_open(
    store: Store, settings: Settings, clock: FixedClock
) -> None:
    shift = open_shift_today(store, settings)
    clock.advance(hours=7)  # 17:30, after closing
    assert hand_over(store, settings, shift.id, "Wang", "all quiet") is None
    assert one_row(store, "SELECT COUNT(*) FROM shifts WHERE closed_at IS NULL")[0] == 0
    clock.advance(hours=15)  # tomorrow morning
    tomorrow = open_shift_today(store, settings)
    assert str(tomorrow.business_day) == "2026-11-29"
    assert one_row(store, "SELECT COUNT(*) FROM shifts WHERE closed_at IS NULL")[0] == 1


def test_the_day_is_signed_off_only_once_every_walk_in_is_settled(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R2.9, R2.7
    """At 18:30 on the demo the closing handover left 6 customers "waiting" and 4 "called",
    and the day's service level counted 59 of 69 walk-ins (issue 26)."""
    from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
    from lobby_tui.services.triage import close_day

    day = "2026-11-28"
    waiting = record_arrival(store, NewArrival(None, day, "deposit", "cash", "A"))[0]
    at_counter = record_arrival(store, NewArrival(None, day, "deposit", "cash", "A"))[0]
    move_arrival(store, at_counter, "called")
    shift = open_shift_today(store, settings)
    clock.advance(hours=8)  # 18:30 in Shanghai: closed
    with pytest.raises(Invalid) as caught:
        hand_over(store, settings, shift.id, "Li Ming", "")
    assert (caught.value.key, caught.value.params) == ("queue_still_open", {"count": 2})
    assert one_row(store, "SELECT closed_at FROM shifts WHERE id = ?", (shift.id,))[0] is None
    close_day(store, shift.business_day)  # E: those waiting closed as not seen
    with pytest.raises(Invalid) as caught:
        hand_over(store, settings, shift.id, "Li Ming", "")
    assert caught.value.params == {"count": 1}  # the one at the counter is still to settle
    move_arrival(store, at_counter, "done")
    assert hand_over(store, settings, shift.id, "Li Ming", "") is None  # the day is closed
    statuses = {r[0]: r[1] for r in store.rows("SELECT id, status FROM arrivals")}
    assert statuses == {waiting: "not_seen", at_counter: "done"}
