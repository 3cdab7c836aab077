"""The complaint clock under every deadline profile (R4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.domain.complaints import (
    PROFILES,
    Clock,
    Extension,
    Progress,
    callback_days_tried,
    check_escalation,
    check_extension,
    check_handoff_move,
    check_move,
    check_progress_update,
    check_promise,
    check_referral,
    clock_state,
    deadline_in_force,
    decision_due,
    progress_state,
)
from lobby_tui.domain.errors import Invalid

RECEIVED = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


def test_nfra_fifteen_days_extendable_to_thirty_with_approval() -> None:  # covers: R4.4
    nfra = PROFILES["nfra"]
    assert decision_due(nfra, RECEIVED) == RECEIVED + timedelta(days=15)
    assert decision_due(nfra, RECEIVED, extensions=1) == RECEIVED + timedelta(days=30)
    assert check_extension(nfra, 0, " Branch head Li ", "needs the card centre", "phone") == (
        Extension(1, "Branch head Li", None, "needs the card centre", "phone")
    )
    with pytest.raises(Invalid, match="approver_missing"):
        check_extension(nfra, 0, "", "complex", "phone")
    with pytest.raises(Invalid, match="extension_reason_missing"):
        check_extension(nfra, 0, "Li", " ", "phone")
    with pytest.raises(Invalid, match="told_how_missing"):
        check_extension(nfra, 0, "Li", "complex", "")


def test_nfra_further_extension_approved_above_the_branch_and_told() -> None:
    # covers: R4.4 — a further 30 days, approved by a higher-level office or a
    # head-office senior manager, the complainant told; no third.
    nfra = PROFILES["nfra"]
    assert decision_due(nfra, RECEIVED, extensions=2) == RECEIVED + timedelta(days=60)
    with pytest.raises(Invalid, match="approver_level_missing"):
        check_extension(nfra, 1, "Zhao", "needs the head office's ruling", "letter")
    step = check_extension(nfra, 1, "Zhao", "needs the ruling", "letter", "head_office")
    assert (step.step, step.approver_level, step.told_how) == (2, "head_office", "letter")
    with pytest.raises(Invalid, match="already_extended") as refused:
        check_extension(nfra, 2, "Zhao", "again", "letter", "superior")
    assert refused.value.params == {"days": 60}
    with pytest.raises(Invalid, match="extension_not_allowed"):
        decision_due(nfra, RECEIVED, extensions=3)


def test_the_promise_is_capped_by_the_deadline_in_force() -> None:  # covers: R4.4
    # Received 11-30: 15 days run to 12-15; extended to 12-30, a promise on day 25 stands;
    # past the extended deadline it is refused with the date.
    nfra = PROFILES["nfra"]
    received = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    day_25 = received + timedelta(days=25)
    with pytest.raises(Invalid, match="promise_after_deadline") as refused:
        check_escalation(received, ("it",), "Li", day_25, deadline_in_force(nfra, received))
    assert refused.value.params == {"date": "2026-12-15"}
    extended = deadline_in_force(nfra, received, extensions=1)
    check_escalation(received, ("it",), "Li", day_25, extended)
    with pytest.raises(Invalid, match="promise_after_deadline") as refused:
        check_escalation(received, ("it",), "Li", received + timedelta(days=31), extended)
    assert refused.value.params == {"date": "2026-12-30"}
    # A referral's own deadline is in force too when it is sooner.
    letter = received + timedelta(days=10)
    assert deadline_in_force(nfra, received, extensions=1, referral_due=letter) == letter
    # Other profiles keep their own clocks.
    cfpb = PROFILES["cfpb"]
    assert deadline_in_force(cfpb, received) == received + timedelta(days=60)
    assert deadline_in_force(PROFILES["fca"], received) == received + timedelta(weeks=8)


def test_a_referral_keeps_its_reference_and_a_valid_deadline() -> None:  # covers: R4.4
    nfra = PROFILES["nfra"]
    due = RECEIVED + timedelta(days=10)
    assert check_referral(nfra, "nfra_12378", " 12378-2026-0042 ", due, RECEIVED) == (
        "12378-2026-0042",
        due,
    )
    assert check_referral(nfra, "phone", "ignored", due, RECEIVED) == ("", None)
    with pytest.raises(Invalid, match="referral_ref_missing"):
        check_referral(nfra, "nfra_office", " ", due, RECEIVED)
    with pytest.raises(Invalid, match="referral_due_missing"):
        check_referral(nfra, "nfra_office", "SH-01", None, RECEIVED)
    with pytest.raises(Invalid, match="referral_due_before_receipt"):
        check_referral(nfra, "nfra_office", "SH-01", RECEIVED - timedelta(days=1), RECEIVED)
    with pytest.raises(Invalid, match="referral_due_too_late"):
        check_referral(nfra, "nfra_office", "SH-01", RECEIVED + timedelta(days=61), RECEIVED)
    # The referral's deadline is one of the clocks: sooner than the regulator's, it decides.
    assert clock_state(RECEIVED + timedelta(days=15), None, due + timedelta(hours=1), 3, due) == (
        Clock.OVERDUE
    )


def test_failed_callback_days_are_the_branchs_days() -> None:  # covers: R4.6
    shanghai = ZoneInfo("Asia/Shanghai")
    due = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    # 23:30 and 00:30 in Shanghai: one UTC date (12-01), two branch days.
    late_evening = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    after_midnight = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    assert callback_days_tried([late_evening, after_midnight], due, shanghai) == 2
    # 07:30 and 09:00 in Shanghai on 12-02: two UTC dates, one branch day.
    morning = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    later = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert callback_days_tried([morning, later], due, shanghai) == 1
    # Before the callback was due: no try.
    assert callback_days_tried([due - timedelta(hours=1)], due, shanghai) == 0


def test_progress_updates_are_due_every_few_days_until_decided() -> None:  # covers: R4.4
    shanghai = ZoneInfo("Asia/Shanghai")
    told = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert progress_state("in_progress", told, told + timedelta(days=4), 5, shanghai) is None
    # The morning of the fifth day is the day it is due, before the hour itself.
    day_5_morning = datetime(2026, 12, 6, 0, 30, tzinfo=UTC)
    assert progress_state("in_progress", told, day_5_morning, 5, shanghai) == Progress.DUE
    day_6 = datetime(2026, 12, 6, 16, 5, tzinfo=UTC)  # 00:05 on 12-07 in Shanghai
    assert progress_state("new", told, day_6, 5, shanghai) == Progress.OVERDUE
    assert progress_state("resolved", told, day_6, 5, shanghai) is None
    with pytest.raises(Invalid, match="told_how_missing"):
        check_progress_update("in_progress", "", "")
    with pytest.raises(Invalid, match="progress_not_open"):
        check_progress_update("resolved", "phone", "")


def test_hand_offs_move_sent_accepted_answered_or_returned() -> None:  # covers: R4.5
    assert check_handoff_move("sent", "accepted", "") is None
    assert check_handoff_move("accepted", "answered", " refund approved ") == "refund approved"
    with pytest.raises(Invalid, match="handoff_answered_note"):
        check_handoff_move("accepted", "answered", "")
    with pytest.raises(Invalid, match="handoff_returned_note"):
        check_handoff_move("sent", "returned", "")
    with pytest.raises(Invalid, match="handoff_move"):
        check_handoff_move("answered", "accepted", "")


def test_closing_needs_the_root_cause() -> None:  # covers: R4.6
    with pytest.raises(Invalid, match="root_cause_missing"):
        check_move("callback_done", "closed", "")
    assert check_move("callback_done", "closed", "", root_cause="process") is None


def test_cfpb_fifteen_days_or_sixty_in_progress() -> None:
    cfpb = PROFILES["cfpb"]
    assert decision_due(cfpb, RECEIVED) == RECEIVED + timedelta(days=15)
    assert decision_due(cfpb, RECEIVED, in_progress=True) == RECEIVED + timedelta(days=60)


def test_the_tighter_deadline_decides_the_colour() -> None:  # covers: R4.4
    due = RECEIVED + timedelta(days=15)
    promised = RECEIVED + timedelta(days=5)
    assert clock_state(due, None, RECEIVED) == Clock.OK
    assert clock_state(due, promised, RECEIVED + timedelta(days=3)) == Clock.SOON
    assert clock_state(due, promised, RECEIVED + timedelta(days=6)) == Clock.OVERDUE
    assert clock_state(due, None, RECEIVED + timedelta(days=16)) == Clock.OVERDUE


def test_bad_dates_are_refused() -> None:
    with pytest.raises(Invalid, match="received_in_future"):
        check_promise(RECEIVED + timedelta(days=1), None, RECEIVED)
    with pytest.raises(Invalid, match="promise_before_receipt"):
        check_promise(RECEIVED, RECEIVED - timedelta(days=1), RECEIVED)
