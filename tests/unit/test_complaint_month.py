"""The month's consumer-protection print: the complaint figures (issue 20, R4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lobby_tui.content import complaint_catalogue
from lobby_tui.domain.complaint_month import ComplaintMonthFacts, complaint_month
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import set_language
from lobby_tui.report_formats import render_month
from lobby_tui.services import complaints as service
from lobby_tui.services.report import month_report
from lobby_tui.store import FixedClock, Store
from tests.helpers.clock import MORNING
from tests.helpers.floor import take_waiting_time as take

NOV = (date(2026, 11, 1), date(2026, 11, 30))
START = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 11-01 00:00 in Shanghai
END = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def fact(day: int, via: str = "phone", **changes: object) -> ComplaintMonthFacts:
    received = datetime(2026, 11, day, 2, 0, tzinfo=UTC)
    base: dict[str, object] = {
        "business_day": date(2026, 11, day),
        "via": via,
        "decision_due_at": received + timedelta(days=15),
        "decided_at": None,
        "referral_due_at": None,
        "closed_at": None,
        "root_cause": None,
    }
    return ComplaintMonthFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_month_figures_by_channel_deadline_referrals_and_root_cause() -> None:  # covers: R4.4
    cut = END
    facts = [
        # Decided in time, closed with a root cause.
        fact(2, decided_at=datetime(2026, 11, 5, tzinfo=UTC),
             closed_at=datetime(2026, 11, 9, tzinfo=UTC), root_cause="pricing"),
        # Decided after the 15 days.
        fact(3, via="letter", decided_at=datetime(2026, 11, 20, tzinfo=UTC)),
        # Extended to 30 days (the deadline stored is the one in force): in time.
        fact(4, decision_due_at=datetime(2026, 12, 4, 2, 0, tzinfo=UTC),
             decided_at=datetime(2026, 11, 25, tzinfo=UTC)),
        # Undecided and past its deadline at the month's end.
        fact(10),
        # A referral answered by its letter's deadline, one missed, one not yet due.
        fact(12, via="nfra_12378", referral_due_at=datetime(2026, 11, 19, 9, tzinfo=UTC),
             decided_at=datetime(2026, 11, 18, tzinfo=UTC)),
        fact(13, via="nfra_office", referral_due_at=datetime(2026, 11, 20, 9, tzinfo=UTC)),
        fact(28, via="nfra_office", referral_due_at=datetime(2026, 12, 5, 9, tzinfo=UTC)),
        # Received in October, closed in November without a root cause (before the rule).
        ComplaintMonthFacts(date(2026, 10, 20), "in_person", datetime(2026, 11, 4, tzinfo=UTC),
                            datetime(2026, 10, 22, tzinfo=UTC), None,
                            datetime(2026, 11, 2, tzinfo=UTC), None),
    ]  # fmt: skip
    month = complaint_month(facts, *NOV, START, END, cut)
    assert month.received == 7
    assert month.by_channel["phone"] == 3 and month.by_channel["nfra_office"] == 2
    assert month.by_channel["hotline"] == 0  # every channel listed, zero or not
    assert (month.decided, month.decided_in_time, month.decided_late) == (4, 3, 1)
    assert month.within_deadline_rate == 0.75
    assert month.open_overdue == 2  # the 10th, and the 13th's referral (15 days ran out)
    assert (month.referrals, month.referrals_met, month.referrals_missed) == (3, 1, 1)
    assert month.referral_deadline_met_rate == 0.5
    assert month.causes == {("pricing", "phone"): 1, ("unrecorded", "in_person"): 1}
    # The same month read on the 15th: nothing decided later counts, nothing yet overdue.
    mid = complaint_month(facts, *NOV, START, END, datetime(2026, 11, 15, tzinfo=UTC))
    assert (mid.decided, mid.decided_late, mid.open_overdue) == (1, 0, 0)


def test_the_month_print_from_the_store_in_both_languages(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4, R4.6
    catalogue = complaint_catalogue()
    solved = take(store, settings, via="hotline", outcome="on_spot", action_taken="Refunded")
    take(
        store,
        settings,
        via="nfra_12378",
        referral_ref="12378-0042",
        referral_due=MORNING + timedelta(days=7),
    )
    clock.advance(days=1)
    service.record_callback(store, solved, reached=True, solved=True, satisfaction=5)
    service.set_status(store, settings, solved, "closed", root_cause="pricing", catalogue=catalogue)
    report = month_report(store, settings, date(2026, 11, 1), "en")
    data = report.to_json_dict()
    assert data["month"] == "2026-11" and "as_of" in data  # the month is still going
    complaints = data["complaints"]
    assert complaints["received"] == 2
    assert complaints["by_channel"]["hotline"] == 1
    assert complaints["by_channel"]["nfra_12378"] == 1
    assert (complaints["decided"], complaints["decided_in_time"]) == (1, 1)
    assert (complaints["referrals"], complaints["referrals_met"]) == (1, 0)
    assert complaints["root_cause_by_channel"]["pricing"]["hotline"] == 1
    set_language("en")
    md = render_month(report, "md")
    assert "# Consumer protection — Demo Branch — 2026-11" in md
    assert "| Received: on the bank's hotline | 1 |" in md
    assert "| Pricing and fees | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 1 |" in md
    csv_text = render_month(report, "csv")
    assert "complaints,root_cause_by_channel.pricing.hotline,Pricing and fees × on the bank" in (
        csv_text
    )
    set_language("zh")
    zh = render_month(month_report(store, settings, date(2026, 11, 1), "zh"), "md")
    assert "消费者权益保护月报" in zh and "| 受理：12378 转办 | 1 |" in zh
    # The month judges the regulator's time limit (a broken promise is the day report's
    # "overdue"): its labels say so, so F7's two overdue figures are not read as one.
    assert "| 在监管时限内作出决定 | 1 |" in zh and "| 超出监管时限未决 | 0 |" in zh
    assert "| Decided within the regulator's deadline (as extended) | 1 |" in md
    assert "| Undecided past the regulator's deadline | 0 |" in md
