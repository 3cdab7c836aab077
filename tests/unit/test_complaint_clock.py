"""The complaint clock under every deadline profile (R4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lobby_tui.domain.complaints import (
    PROFILES,
    Clock,
    check_extension,
    check_promise,
    clock_state,
    decision_due,
)
from lobby_tui.domain.errors import Invalid

RECEIVED = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


def test_nfra_fifteen_days_extendable_to_thirty_with_approval() -> None:  # covers: R4.4
    nfra = PROFILES["nfra"]
    assert decision_due(nfra, RECEIVED) == RECEIVED + timedelta(days=15)
    assert decision_due(nfra, RECEIVED, extended=True) == RECEIVED + timedelta(days=30)
    assert check_extension(nfra, " Branch head Li ", "needs the card centre") == (
        "Branch head Li",
        "needs the card centre",
    )
    with pytest.raises(Invalid, match="approver_missing"):
        check_extension(nfra, "", "complex")
    with pytest.raises(Invalid, match="extension_reason_missing"):
        check_extension(nfra, "Li", " ")


def test_fca_eight_weeks_without_extension() -> None:
    fca = PROFILES["fca"]
    assert decision_due(fca, RECEIVED) == RECEIVED + timedelta(weeks=8)
    with pytest.raises(Invalid, match="extension_not_allowed"):
        decision_due(fca, RECEIVED, extended=True)


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
