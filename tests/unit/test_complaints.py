"""Complaints from intake to callback, against a real database (R4)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from lobby_tui.content import complaint_catalogue
from lobby_tui.domain.complaints import Urgency
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.privacy import mask, mask_phone
from lobby_tui.domain.settings import Settings
from lobby_tui.services import complaints as service
from lobby_tui.services import enquiries
from lobby_tui.services.drafts import load_draft, save_draft
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import one_row, signed_in_supervisor
from tests.helpers.clock import MORNING
from tests.helpers.floor import take_waiting_time as take
from tests.helpers.floor import waiting_time_intake as intake


def test_intake_keeps_personal_data_out_of_the_journal(store: Store, settings: Settings) -> None:
    # covers: R4.3
    complaint_id, case_no = service.take_complaint(
        store, settings, complaint_catalogue(), intake(), shift_id=None
    )
    assert case_no == "C20261128-01"
    row = store.query_one("SELECT * FROM complaints WHERE id = ?", (complaint_id,))
    assert row is not None
    assert row["customer_phone"] == "13812345621"  # digits only: the minimum to call back
    assert row["status"] == "new" and row["profile"] == "nfra"
    assert row["decision_due_at"] == "2026-12-13T02:30:00Z"  # NFRA: 15 days
    events = [r["payload"] for r in store.query("SELECT payload FROM events")]
    assert events and not any("王小明" in p or "13812345621" in p for p in events)
    assert json.loads(events[-1])["customer_given"] is True
    _second, case_two = service.take_complaint(
        store, settings, complaint_catalogue(), intake(), shift_id=None
    )
    assert case_two == "C20261128-02"


def test_masks_show_enough_to_confirm_not_to_call() -> None:
    assert mask("王小明") == "王**" == mask("王明")  # the length is not given away
    assert mask_phone("13812345621") == "138******21"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"description": "  "}, "description", "description_missing"),
        ({"received_at": MORNING + timedelta(hours=1)}, "received_at", "received_in_future"),
        (
            {
                "outcome": "escalated",
                "departments": ("it",),
                "owner": "Li",
                "promised_by": MORNING - timedelta(days=1),
            },
            "promised_by",
            "promise_before_receipt",
        ),
        (
            {
                "outcome": "escalated",
                "departments": ("it",),
                "owner": "Li",
                "promised_by": MORNING + timedelta(days=20),
            },
            "promised_by",
            "promise_after_deadline",
        ),
        ({"outcome": "escalated", "owner": "Li"}, "departments", "departments_missing"),
        ({"outcome": "on_spot"}, "action_taken", "action_missing"),
        ({"phone": "call me"}, "phone", "phone_format"),
        ({"category": "weather"}, "category", "category_unknown"),
    ],
)
def test_bad_intake_names_its_field_and_saves_nothing(
    store: Store, settings: Settings, changes: dict[str, object], field: str, key: str
) -> None:  # covers: R4.4
    with pytest.raises(Invalid) as caught:
        take(store, settings, **changes)
    assert (caught.value.field, caught.value.key) == (field, key)
    assert one_row(store, "SELECT COUNT(*) FROM complaints")[0] == 0


def test_on_the_spot_is_resolved_with_its_callback_due(store: Store, settings: Settings) -> None:
    # covers: R4.4, R4.6
    complaint_id = take(store, settings, outcome="on_spot", action_taken="Opened window 3")
    complaint = service.get(store, complaint_id)
    assert complaint.status == "resolved"
    assert complaint.callback_due_at == MORNING + timedelta(days=settings.callback_days)
    kinds = [u.kind for u in service.timeline(store, complaint_id)]
    assert kinds == ["received", "resolved"]


def test_escalated_has_owner_departments_and_promise(store: Store, settings: Settings) -> None:
    # covers: R4.4, R4.5
    complaint_id = take(
        store,
        settings,
        outcome="escalated",
        departments=("cards", "it"),
        owner="Zhang (card centre)",
        promised_by=MORNING + timedelta(days=5),
        contact_given="0571-8888 1234",
    )
    complaint = service.get(store, complaint_id)
    assert complaint.status == "in_progress"
    assert complaint.departments == ("cards", "it")
    assert complaint.owner == "Zhang (card centre)"


def test_closing_needs_the_callback_and_unsolved_callback_reopens(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.6
    complaint_id = take(store, settings, outcome="on_spot", action_taken="Refunded the fee")
    with pytest.raises(Invalid, match="callback_first"):
        service.set_status(store, settings, complaint_id, "closed")
    clock.advance(days=3)
    with pytest.raises(Invalid, match="satisfaction_range"):
        service.record_callback(store, complaint_id, reached=True, solved=False, satisfaction=None)
    with pytest.raises(Invalid, match="callback_unsolved_note"):
        service.record_callback(store, complaint_id, reached=True, solved=False, satisfaction=2)
    status = service.record_callback(
        store, complaint_id, reached=True, solved=False, satisfaction=2, note="fee charged again"
    )
    assert status == "in_progress"
    complaint = service.get(store, complaint_id)
    assert complaint.status == "in_progress" and complaint.resolved_at is None
    service.set_status(store, settings, complaint_id, "resolved", "fee refunded, block lifted")
    clock.advance(days=3)
    assert (
        service.record_callback(store, complaint_id, reached=True, solved=True, satisfaction=4)
        == "callback_done"
    )
    with pytest.raises(Invalid, match="root_cause_missing"):
        service.set_status(store, settings, complaint_id, "closed")
    service.set_status(store, settings, complaint_id, "closed", root_cause="pricing")
    assert service.get(store, complaint_id).status == "closed"
    assert service.get(store, complaint_id).root_cause == "pricing"
    service.set_status(store, settings, complaint_id, "in_progress", "customer came back")
    kinds = [u.kind for u in service.timeline(store, complaint_id)]
    assert kinds.count("callback") == 2 and kinds[-1] == "reopened"


def test_unanswered_callbacks_on_two_days_once_due_allow_closing(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.6
    complaint_id = take(store, settings, outcome="on_spot", action_taken="Explained the fee")

    def call() -> str:
        return service.record_callback(
            store, complaint_id, reached=False, solved=None, satisfaction=None
        )

    assert call() == "resolved"  # before it was due: not a try that counts
    clock.advance(days=3)
    call()
    call()  # twice the same day: one try
    with pytest.raises(Invalid, match="callback_first"):
        service.set_status(store, settings, complaint_id, "closed")
    clock.advance(days=1)
    call()
    service.set_status(store, settings, complaint_id, "closed", root_cause="disclosure")
    assert service.get(store, complaint_id).status == "closed"


def test_escalated_later_with_the_same_checks(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4, R4.5
    complaint_id = take(store, settings)
    clock.advance(hours=2)
    with pytest.raises(Invalid, match="owner_missing"):
        service.escalate(store, settings, complaint_catalogue(), complaint_id,
                         departments=("it",), owner=" ", promised_by=MORNING)  # fmt: skip
    with pytest.raises(Invalid, match="promise_after_deadline"):
        service.escalate(store, settings, complaint_catalogue(), complaint_id,
                         departments=("it",), owner="Li",
                         promised_by=MORNING + timedelta(days=16))  # fmt: skip
    service.escalate(store, settings, complaint_catalogue(), complaint_id,
                     departments=("it", "cards"), owner="Li",
                     promised_by=MORNING + timedelta(days=5), contact="desk 1234")  # fmt: skip
    complaint = service.get(store, complaint_id)
    assert (complaint.status, complaint.outcome, complaint.owner) == (
        "in_progress",
        "escalated",
        "Li",
    )
    assert complaint.departments == ("it", "cards") and complaint.contact_given == "desk 1234"
    assert [u.kind for u in service.timeline(store, complaint_id)] == ["received", "escalated"]
    with pytest.raises(Invalid, match="escalate_not_open"):
        service.escalate(store, settings, complaint_catalogue(), complaint_id,
                         departments=("it",), owner="Li", promised_by=MORNING)  # fmt: skip


def test_case_numbers_follow_the_highest_of_the_day(store: Store, settings: Settings) -> None:
    take(store, settings)
    store.conn.execute("UPDATE complaints SET case_no = 'C20261128-07'")  # merged from a tablet
    _id, case_no = service.take_complaint(
        store, settings, complaint_catalogue(), intake(), shift_id=None
    )
    assert case_no == "C20261128-08"


def test_reopening_forgets_the_last_callback_and_a_late_callback_is_red(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.6
    complaint_id = take(store, settings, outcome="on_spot", action_taken="Refund")
    clock.advance(days=3, hours=1)
    assert service.get(store, complaint_id).urgency(clock.now(), 3) == Urgency.CALLBACK_DUE
    clock.advance(days=1)
    assert service.get(store, complaint_id).urgency(clock.now(), 3) == Urgency.CALLBACK_LATE
    assert [c.id for c in service.find(store, settings, service.Filter(overdue=True))] == [
        complaint_id
    ]
    assert [c.id for c in service.callbacks_due(store, clock.now())] == [complaint_id]
    service.record_callback(store, complaint_id, reached=True, solved=True, satisfaction=4)
    service.set_status(store, settings, complaint_id, "in_progress", "came back: fee again")
    complaint = service.get(store, complaint_id)
    assert complaint.satisfaction is None and complaint.callback_at is None


def test_extension_needs_approver_and_moves_the_clock(store: Store, settings: Settings) -> None:
    # covers: R4.4 — to 30 days, then a further 30 approved above the branch; each
    # a step of the timeline with the approver, the reason and how the customer was told.
    complaint_id = take(store, settings)
    with pytest.raises(Invalid, match="approver_missing"):
        service.extend(store, complaint_id, "", "needs the card centre", told_how="phone")
    service.extend(store, complaint_id, "Branch head Li", "needs the card centre", told_how="phone")
    assert service.get(store, complaint_id).decision_due_at == MORNING + timedelta(days=30)
    with pytest.raises(Invalid, match="approver_level_missing"):
        service.extend(store, complaint_id, "Zhao", "head office ruling", told_how="letter")
    service.extend(
        store,
        complaint_id,
        "Zhao",
        "head office ruling",
        told_how="letter",
        approver_level="head_office",
    )
    complaint = service.get(store, complaint_id)
    assert complaint.decision_due_at == MORNING + timedelta(days=60)
    assert (complaint.extensions, complaint.further_approver_level) == (2, "head_office")
    with pytest.raises(Invalid, match="already_extended"):
        service.extend(
            store, complaint_id, "Li", "again", told_how="phone", approver_level="superior"
        )
    steps = [u.payload for u in service.timeline(store, complaint_id) if u.kind == "extended"]
    assert [(p or {}).get("step") for p in steps] == [1, 2]
    assert [(p or {}).get("told_how") for p in steps] == ["phone", "letter"]
    reasons = one_row(store, "SELECT extension_reason, further_extension_reason FROM complaints")
    assert tuple(reasons) == ("needs the card centre", "head office ruling")


def test_escalated_after_an_extension_may_promise_up_to_the_extended_deadline(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4 — issue 20's wrong-today case: a promise on day 25 after 12-30
    complaint_id = take(store, settings)
    service.extend(store, complaint_id, "Branch head Li", "complex", told_how="phone")
    catalogue = complaint_catalogue()
    with pytest.raises(Invalid, match="promise_after_deadline") as refused:
        service.escalate(store, settings, catalogue, complaint_id, departments=("it",),
                         owner="Li", promised_by=MORNING + timedelta(days=31))  # fmt: skip
    assert refused.value.params == {"date": "2026-12-28"}
    service.escalate(store, settings, catalogue, complaint_id, departments=("it",),
                     owner="Li", promised_by=MORNING + timedelta(days=25))  # fmt: skip
    assert service.get(store, complaint_id).promised_by == MORNING + timedelta(days=25)


def test_a_referral_keeps_its_reference_and_its_deadline_is_a_clock(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4
    with pytest.raises(Invalid, match="referral_ref_missing"):
        take(store, settings, via="nfra_12378", referral_due=MORNING + timedelta(days=7))
    complaint_id = take(
        store,
        settings,
        via="nfra_office",
        referral_ref="SH-2026-118",
        referral_due=MORNING + timedelta(days=7),
    )
    complaint = service.get(store, complaint_id)
    assert complaint.referral_ref == "SH-2026-118"
    assert complaint.referral_due_at == MORNING + timedelta(days=7)
    # Its deadline, sooner than the regulator's 15 days, caps a promise and colours the case.
    with pytest.raises(Invalid, match="promise_after_deadline"):
        service.escalate(store, settings, complaint_catalogue(), complaint_id, departments=("it",),
                         owner="Li", promised_by=MORNING + timedelta(days=8))  # fmt: skip
    clock.advance(days=7, hours=1)
    assert service.get(store, complaint_id).urgency(clock.now(), 3) == Urgency.OVERDUE
    # The reference is not personal data: it is in the journal.
    received = one_row(store, "SELECT payload FROM events WHERE kind = 'complaint.received'")
    assert json.loads(received[0])["referral_ref"] == "SH-2026-118"


def test_progress_updates_and_hand_offs_are_recorded(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4, R4.5
    complaint_id = take(store, settings)
    zone = settings.timezone
    clock.advance(days=5)
    assert service.get(store, complaint_id).progress(clock.now(), 5, zone) is not None
    service.progress_update(store, complaint_id, "sms", "card centre checking the charge")
    complaint = service.get(store, complaint_id)
    assert complaint.progress_told_at == clock.now()
    assert complaint.progress(clock.now(), 5, zone) is None
    handoff_id = service.hand_off(store, complaint_catalogue(), complaint_id, "cards", "why?")
    clock.advance(hours=2)
    service.move_handoff(store, handoff_id, "accepted")
    with pytest.raises(Invalid, match="handoff_answered_note"):
        service.move_handoff(store, handoff_id, "answered")
    clock.advance(days=1)
    service.move_handoff(store, handoff_id, "answered", "charged in error; refund")
    [handoff] = service.handoffs(store, complaint_id)
    assert (handoff.department, handoff.status, handoff.note) == (
        "cards",
        "answered",
        "charged in error; refund",
    )
    assert handoff.accepted_at == MORNING + timedelta(days=5, hours=2)
    assert handoff.answered_at == clock.now()
    kinds = [
        (u.kind, (u.payload or {}).get("status")) for u in service.timeline(store, complaint_id)
    ]
    assert kinds[1:] == [
        ("progress", None),
        ("handoff", "sent"),
        ("handoff", "accepted"),
        ("handoff", "answered"),
    ]


def test_overdue_first_then_due_soon(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4
    old = take(store, settings, received_at=MORNING - timedelta(days=16), description="old case")
    soon = take(store, settings, received_at=MORNING - timedelta(days=13), description="soon")
    fresh = take(store, settings, description="fresh")
    listed = service.find(store, settings, service.Filter())
    assert [c.id for c in listed] == [old, soon, fresh]
    assert listed[0].urgency(clock.now(), 3) == Urgency.OVERDUE
    only = service.find(store, settings, service.Filter(overdue=True))
    assert [c.id for c in only] == [old]


def test_search_finds_chinese_and_short_queries(store: Store, settings: Settings) -> None:
    first = take(store, settings, description="ATM 吞卡后无人处理")
    second = take(store, settings, description="理财产品收益与宣传不符")
    service.add_note(store, second, "已联系财富管理部核实")

    def found(text: str) -> list[str]:
        return [c.id for c in service.find(store, settings, service.Filter(text=text))]

    assert found("无人处理") == [first]
    assert found("吞卡") == [first]  # two characters: the fallback scan
    assert found("atm") == [first]
    assert found("财富管理") == [second]  # found in a follow-up note
    assert found("C20261128-02") == [second]
    assert found('"; DROP') == []


def test_draft_survives_and_goes_with_the_saved_complaint(store: Store, settings: Settings) -> None:
    save_draft(store, service.NEW_DRAFT, {"description": "客户说：卡被吞了"})
    loaded = load_draft(store, service.NEW_DRAFT)
    assert loaded is not None and loaded[0]["description"] == "客户说：卡被吞了"
    take(store, settings)
    assert load_draft(store, service.NEW_DRAFT) is None


def test_enquiries_are_counted_and_can_become_a_complaint(store: Store, settings: Settings) -> None:
    # covers: R4.2
    day = MORNING.date()
    _first, count = enquiries.log_enquiry(store, day=day, shift_id=None, topic="Opening hours")
    enquiry_id, count = enquiries.log_enquiry(store, day=day, shift_id=None, topic="Fees")
    assert count == 2 == enquiries.enquiries_today(store, day)
    complaint_id, _case = service.take_complaint(
        store, settings, complaint_catalogue(), intake(), shift_id=None, enquiry_id=enquiry_id
    )
    linked = store.query_one("SELECT complaint_id FROM enquiries WHERE id = ?", (enquiry_id,))
    assert linked is not None and linked[0] == complaint_id
    with pytest.raises(Invalid, match="topic_missing"):
        enquiries.log_enquiry(store, day=day, shift_id=None, topic=" ")


def test_reveal_is_logged(store: Store, settings: Settings) -> None:  # covers: R6.5
    complaint_id = take(store, settings)
    with pytest.raises(Invalid, match="not_signed_in"):  # nobody signed in: nobody looks
        service.reveal(store, settings, complaint_id)
    who = signed_in_supervisor(store)
    assert service.reveal(store, settings, complaint_id) == ("王小明", "13812345621")
    row = one_row(store, "SELECT kind, actor FROM events ORDER BY seq DESC LIMIT 1")
    assert tuple(row) == ("complaint.revealed", who.id)


def test_cfpb_gives_sixty_days_once_in_progress(store: Store, settings: Settings) -> None:
    cfpb = replace(settings, complaint_profile="cfpb")
    waiting = take(store, cfpb)
    assert service.get(store, waiting).decision_due_at == MORNING + timedelta(days=15)
    service.set_status(store, cfpb, waiting, "in_progress")
    assert service.get(store, waiting).decision_due_at == MORNING + timedelta(days=60)
    escalated = take(
        store,
        cfpb,
        outcome="escalated",
        departments=("it",),
        owner="Li",
        promised_by=MORNING + timedelta(days=20),
    )
    assert service.get(store, escalated).decision_due_at == MORNING + timedelta(days=60)
