"""Complaints as the manager takes them on the floor (R4): by keyboard, with a draft that
survives a crash, clocks that turn red, callbacks that reopen, and search in Chinese."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea

from lobby_tui.app import LobbyApp, make_app
from lobby_tui.content import complaint_catalogue
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import set_language
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.services import complaints as service
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_screen, one_row, settle, signed_in_supervisor
from tests.helpers.clock import MORNING
from tests.helpers.floor import take
from tests.helpers.screen import box_of, click, screen_text


def focused(app: LobbyApp) -> Widget | None:
    """The focused widget, read afresh: `app.focused` read twice in one test would stay
    narrowed by mypy to what the first assert saw, though keys moved the focus since."""
    return app.focused


async def test_full_intake_by_keyboard(
    build_app: Build, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # covers: R4.1, R4.3, R4.4
    app = build_app()
    told: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(message))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(app, pilot)
        assert focused(app) is app.screen.query_one("#description", TextArea)
        await pilot.press(*"Card kept by ATM 2")
        # Back to the category (subject, responsibility, severity, category), choose one.
        await pilot.press("shift+tab", *"ATM card", "shift+tab", "shift+tab", "shift+tab")
        assert focused(app) is app.screen.query_one("#select-category", Select)
        await pilot.press("enter", "down", "down", "down", "down", "down", "down", "enter")
        # Forward to the empathy steps: tick all three.
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab")
        await pilot.press("space", "tab", "space", "tab", "space")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = screen_text(app)
        assert "C20261128-01" in text and told == [
            "Saved: case C20261128-01. Give the customer the slip."
        ]
        assert "C20261128-01 12-13 new ATM card" in text  # the list's row
        await pilot.pause(0.8)  # a late autosave must not bring the draft back
        assert one_row(store, "SELECT COUNT(*) FROM drafts")[0] == 0
    row = store.query_one("SELECT * FROM complaints")
    assert row is not None
    assert row["description"] == "Card kept by ATM 2" and row["subject"] == "ATM card"
    assert row["category"] == "device_fault" and row["severity"] == "medium"
    assert row["empathy"] == '["listened", "acknowledged", "apologised"]'
    assert one_row(store, "SELECT COUNT(*) FROM drafts")[0] == 0


async def test_bad_input_is_said_beside_the_field_and_kept(build_app: Build, store: Store) -> None:
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n", "ctrl+s")
        await settle(app, pilot)
        assert "Choose the category." in screen_text(app)
        screen = app.screen
        screen.query_one("#select-category", Select).value = "fees"
        screen.query_one("#input-phone", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Write down what the customer said." in screen_text(app)
        assert app.focused is screen.query_one("#description", TextArea)
        await pilot.press(*"Charged twice")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "A phone number of 5 to 15 digits" in screen_text(app)
        assert screen.query_one("#description", TextArea).text == "Charged twice"  # kept
    assert one_row(store, "SELECT COUNT(*) FROM complaints")[0] == 0


async def test_the_draft_survives_a_crash(store: Store, settings: Settings) -> None:
    # covers: R4.1
    app = make_app(
        store,
        settings,
        "zh",
        shift=open_shift_today(store, settings),
        signed_in=signed_in_supervisor(store),
    )
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await pilot.press(*"客户说卡被吞了")
        await pilot.pause(0.8)  # the autosave fires half a second after the last key
        # The app is killed here: nothing is saved by a button.
    again = make_app(
        store,
        settings,
        "zh",
        shift=open_shift_today(store, settings),
        signed_in=signed_in_supervisor(store),
    )
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(again, pilot)
        assert again.screen.query_one("#description", TextArea).text == "客户说卡被吞了"
        assert "已恢复 10:30 保存的草稿" in screen_text(again)
        await pilot.click("#discard-draft")
        await settle(again, pilot)
        assert again.screen.query_one("#description", TextArea).text == ""
    assert one_row(store, "SELECT COUNT(*) FROM drafts")[0] == 0
    set_language("en")


async def test_escalated_turns_overdue_red_on_the_dashboard(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4, R4.5
    take(
        store,
        settings,
        outcome="escalated",
        departments=("cards",),
        owner="Zhang",
        promised_by=MORNING + timedelta(days=2),
    )
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        assert "11-30 C20261128-01 ATM 2 retained card" in screen_text(app)
        assert box_of(app, "Complaints to act on: 1") == "╭"  # due soon: amber, not alarm
        clock.advance(days=3)  # past the promise to the customer
        on_screen(app, DashboardScreen).refresh_lobby()
        await settle(app, pilot)
        assert "11-30 C20261128-01" in screen_text(app)
        assert box_of(app, "Complaints to act on: 1") == "┏"  # overdue: the alarm border
        await pilot.press("f5")
        await settle(app, pilot)
        text = screen_text(app)
        assert "late 11-30" in text and "OVERDUE" in text


async def test_callback_unsolved_reopens_then_solved_closes(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.6
    complaint_id = take(store, settings, outcome="on_spot", action_taken="Card returned")
    clock.advance(days=3)
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert "call 12-01" in screen_text(app)
        await pilot.click("#to-closed")
        await settle(app, pilot)
        assert "Call the customer back first (due 2026-12-01)." in screen_text(app)
        screen.query_one("#cb-reached", Select).value = "yes"
        screen.query_one("#cb-solved", Select).value = "no"
        screen.query_one("#cb-satisfaction", Select).value = "2"
        screen.query_one("#input-note", Input).value = "card damaged when returned"
        await pilot.click("#cb-save")
        await settle(app, pilot)
        assert service.get(store, complaint_id).status == "in_progress"
        text = screen_text(app)
        assert "Callback: NOT solved (satisfaction 2/5), reopened" in text
        screen.query_one("#input-note", Input).value = "new card issued"
        await pilot.click("#to-resolved")
        await settle(app, pilot)
        screen.query_one("#cb-reached", Select).value = "yes"
        screen.query_one("#cb-solved", Select).value = "yes"
        screen.query_one("#cb-satisfaction", Select).value = "5"
        await pilot.click("#cb-save")
        await settle(app, pilot)
        await pilot.click("#to-closed")
        await settle(app, pilot)
        assert "Choose the root cause before closing." in screen_text(app)
        screen.query_one("#root-cause", Select).value = "systems"
        await pilot.click("#to-closed")
        await settle(app, pilot)
    assert service.get(store, complaint_id).status == "closed"
    kinds = [u.kind for u in service.timeline(store, complaint_id)]
    assert kinds == ["received", "resolved", "callback", "status", "callback", "status"]


async def test_search_in_chinese_and_personal_data_masked(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R4.3
    take(store, settings)
    take(store, settings, description="理财产品收益与宣传不符", subject="", category="product",
         name="", phone="")  # fmt: skip
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        table = app.screen.query_one("#case-list", DataTable)
        assert table.row_count == 2
        assert "王**" in screen_text(app) and "138******21" in screen_text(app)
        assert "王小明" not in screen_text(app)
        app.screen.query_one("#find", Input).value = "宣传不符"
        await settle(app, pilot)
        assert table.row_count == 1 and "Product or mis-selling" in screen_text(app)
        app.screen.query_one("#find", Input).value = "吞卡"  # two characters
        await settle(app, pilot)
        assert table.row_count == 1 and "ATM 2 retained card" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "王小明 13812345621" in screen_text(app)
    assert one_row(store, "SELECT COUNT(*) FROM events WHERE kind = 'complaint.revealed'")[0] == 1


@pytest.mark.parametrize(
    ("role", "language", "said"),
    [
        (
            "security",
            "en",
            "Your role (Security) may not see a customer's full name and phone;"
            " only these may: Lobby manager, Supervisor, Wealth manager.",
        ),
        ("security", "zh", "您的岗位（安保）不能查看客户完整姓名和电话"),
        ("lobby_manager", "en", "王小明 13812345621"),
    ],
)
async def test_only_the_roles_in_the_setting_reveal_a_phone(
    store: Store, settings: Settings, role: str, language: str, said: str
) -> None:  # covers: R6.5
    from tests.helpers.app import on_roster

    take(store, settings)
    person = on_roster(store, "Zhao", role)
    store.actor = person.id
    set_language(language)
    app = make_app(store, settings, language, shift=open_shift_today(store, settings),
                   signed_in=person)  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        shown = screen_text(app)
        assert said in shown
        allowed = role == "lobby_manager"
        assert (
            allowed
            or ("大堂经理、主管、理财经理" if language == "zh" else "The try is recorded.") in shown
        )
        assert ("13812345621" in shown) is allowed and ("王小明" in shown) is allowed
    events = [tuple(r) for r in store.query(
        "SELECT kind, actor, payload FROM events WHERE kind LIKE 'complaint.reveal%'")]  # fmt: skip
    if allowed:
        assert events == [("complaint.revealed", person.id, "{}")]
    else:  # refused, and the try is on record under the guard's name
        assert events == [("complaint.reveal_refused", person.id, '{"role":"security"}')]


async def test_enquiry_logged_in_one_key_and_turned_into_a_complaint(
    build_app: Build, store: Store
) -> None:  # covers: R4.2
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+o")
        await pilot.press(*"lost card", "enter")  # search; Enter logs the best match
        await settle(app, pilot)
        assert "Enquiries answered today: 1" in screen_text(app)
        assert "Logged: Lost card and replacement (1 today)." in screen_text(app)
        await pilot.press("c")  # it was a complaint after all
        await settle(app, pilot)
        assert app.screen.query_one("#input-subject", Input).value == "Lost card and replacement"
        assert app.focused is app.screen.query_one("#description", TextArea)
        await pilot.press(*"Blocked twice")
        app.screen.query_one("#select-category", Select).value = "device_fault"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    rows = [tuple(r) for r in store.query("SELECT topic, complaint_id FROM enquiries")]
    linked = store.query_one("SELECT id, subject, description FROM complaints")
    assert linked is not None
    assert rows == [("Lost card and replacement", linked[0])]  # one enquiry, linked
    assert tuple(linked)[1:] == ("Lost card and replacement", "Blocked twice")


async def test_the_customer_slip_says_what_next_and_is_saved_to_print(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R4.4
    take(
        store,
        settings,
        outcome="escalated",
        departments=("cards", "it"),
        owner="Zhang",
        promised_by=MORNING + timedelta(days=5),
        contact_given="Branch desk 0571-8888 1234",
    )
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.click("#slip")
        await settle(app, pilot)
        slip = str(app.screen.query_one("#slip-text", Static).render())
        assert "Case number: C20261128-01" in slip
        assert "passed to Card centre, IT" in slip
        assert "You will hear from us by: 2026-12-03" in slip
        assert "Our decision at the latest by: 2026-12-13" in slip
        assert "Branch desk 0571-8888 1234" in slip
        assert "王" not in slip and "1381234" not in slip  # no personal data on paper
        await pilot.press("s")
        await settle(app, pilot)
        saved = store.path.parent / "slips" / "C20261128-01.txt"
        assert saved.read_text(encoding="utf-8").startswith("Demo Branch — your complaint")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.current_mode == "complaints"


async def test_a_broken_complaints_file_is_said_and_the_app_goes_on(
    build_app: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from lobby_tui.content import data_dir

    for source in data_dir().glob("*.toml"):
        shutil.copy(source, tmp_path / source.name)
    text = (tmp_path / "complaints.toml").read_text(encoding="utf-8")
    (tmp_path / "complaints.toml").write_text(
        text.replace('id = "fees"', 'id = "Fees!"'), encoding="utf-8"
    )
    monkeypatch.setenv("LOBBY_DATA", str(tmp_path))
    for cached in (data_dir, complaint_catalogue):
        cached.cache_clear()
    try:
        app = build_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f5")
            await settle(app, pilot)
            error = str(app.screen.query_one("#content-error", Static).render())
            assert "complaints.toml, line 15: category.2.id" in error and "[a-z_]" in error
            await pilot.press("f1")
            await settle(app, pilot)
            assert app.current_mode == "dashboard"
    finally:
        for cached in (data_dir, complaint_catalogue):
            cached.cache_clear()


async def test_switching_language_mid_intake_keeps_what_was_typed(build_app: Build) -> None:
    from tests.helpers.screen import run_command

    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await pilot.press(*"Charged twice for one transfer")
        app.screen.query_one("#input-name", Input).value = "Li"
        await run_command(app, pilot, "Chinese")
        await settle(app, pilot)
        screen = app.screen
        assert "客户原话" in screen_text(app) and "共情" in screen_text(app)
        assert screen.query_one("#description", TextArea).text == "Charged twice for one transfer"
        assert screen.query_one("#input-name", Input).value == "Li"
    set_language("en")


async def test_a_follow_up_note_is_kept_as_a_draft_until_added(
    build_app: Build, store: Store, settings: Settings
) -> None:
    complaint_id = take(store, settings)
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        app.screen.query_one("#input-note", Input).focus()
        await pilot.press(*"called the card centre")
        await pilot.pause(0.8)
    again = build_app()
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(again, pilot)
        note = again.screen.query_one("#input-note", Input)
        assert note.value == "called the card centre"
        await pilot.click("#add-note")
        await settle(again, pilot)
        assert note.value == ""
        assert "Note — called the card centre" in screen_text(again)
    assert [tuple(r) for r in store.query("SELECT key, body FROM drafts")] == []
    assert [u.kind for u in service.timeline(store, complaint_id)] == ["received", "note"]


async def test_enter_in_the_search_box_logs_the_highlighted_answer(
    build_app: Build, store: Store
) -> None:  # covers: R4.2
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+o", *"card")
        await settle(app, pilot)
        found = app.screen.query_one("#answers", OptionList)
        assert found.option_count >= 2  # more than one answer speaks of cards
        await pilot.press("down", "enter")  # the second, without leaving the search box
        await settle(app, pilot)
        await pilot.press("ctrl+o", "ctrl+a", "backspace", *"zzzz", "enter")  # nothing found
        await settle(app, pilot)
        assert "Choose an answer" in screen_text(app)
    topics = [r[0] for r in store.query("SELECT topic FROM enquiries")]
    assert len(topics) == 1 and topics[0] != "Lost card and replacement"


async def test_an_enquiry_turned_complaint_keeps_what_was_half_typed(build_app: Build) -> None:
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n", *"Fee taken twice")
        await pilot.press("ctrl+o", *"hours", "enter", "c")
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#description", TextArea).text == "Fee taken twice"
        assert form.query_one("#input-subject", Input).value == "Opening hours"


async def test_brackets_typed_by_the_user_are_shown_as_typed(
    build_app: Build, store: Store, settings: Settings
) -> None:
    take(store, settings, outcome="on_spot", action_taken="refund [USD] done [/b]")
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+o")
        await settle(app, pilot)
        app.screen.query_one("#input-topic", Input).value = "Fee [/b] question"
        await click(app, pilot, "#log-other")
        assert "Logged: Fee [/b] question (1 today)." in screen_text(app)
        # The case list, then the case in hand's timeline and hand-offs, are read in the
        # background: until they are shown the slip button moves under the pointer.
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        await click(app, pilot, "#slip")
        slip = str(app.screen.query_one("#slip-text", Static).render())
        assert "Solved on the spot: refund [USD] done [/b]" in slip


async def test_quitting_right_after_typing_keeps_the_draft(build_app: Build, store: Store) -> None:
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n", *"Card kept")
        await pilot.press("ctrl+q")  # at once, before the half-second autosave
    draft = store.query_one("SELECT body FROM drafts WHERE key = 'complaint:new'")
    assert draft is not None and '"description": "Card kept"' in draft[0]


async def test_a_draft_finished_the_next_day_keeps_the_day_it_was_received(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R4.4
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n", *"Card kept by ATM 2")
        await pilot.pause(0.8)
    clock.advance(days=1)
    again = build_app()
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(again, pilot)
        assert "The draft saved at 10:30 is back" in screen_text(again)
        again.screen.query_one("#select-category", Select).value = "device_fault"
        await pilot.press("ctrl+s")
        await settle(again, pilot)
    row = store.query_one("SELECT case_no, received_at FROM complaints")
    assert row is not None and tuple(row) == ("C20261128-01", "2026-11-28T02:30:00Z")


async def test_an_incident_raised_later_can_be_linked(build_app: Build, store: Store) -> None:
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("f8", "d", "enter")  # an ATM keeps a card
        await settle(app, pilot)
        await pilot.press("f5", "ctrl+n")
        await settle(app, pilot)
        incident = store.query_one("SELECT id FROM incidents")
        assert incident is not None
        select = app.screen.query_one("#select-incident", Select)
        select.value = incident[0]  # refused if the option is not there
        assert select.value == incident[0]


async def test_an_undecided_complaint_is_escalated_later(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R4.4, R4.5
    from textual.widgets import SelectionList

    complaint_id = take(store, settings)
    app = build_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#input-esc-owner", Input).value = "Zhang"
        screen.query_one("#input-esc-promised", Input).value = "2026-12-30"
        await pilot.click("#escalate-now")
        await settle(app, pilot)
        assert "Choose at least one department." in screen_text(app)
        screen.query_one("#esc-departments", SelectionList).select("cards")
        await pilot.click("#escalate-now")
        await settle(app, pilot)
        assert "no later than the regulator's deadline, 2026-12-13" in screen_text(app)
        screen.query_one("#input-esc-promised", Input).value = "2026-12-05"
        await pilot.click("#escalate-now")
        await settle(app, pilot)
        assert "Departments: Card centre" in screen_text(app)
        assert not screen.query_one("#escalate").display
    complaint = service.get(store, complaint_id)
    assert (complaint.status, complaint.owner, complaint.departments) == (
        "in_progress",
        "Zhang",
        ("cards",),
    )


async def test_a_regulator_referral_from_intake_to_closing(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R4.1, R4.4, R4.5, R4.6
    app = build_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#select-via", Select).value = "nfra_12378"
        await settle(app, pilot)
        assert screen.query_one("#referral").display  # the letter's fields, for a referral
        screen.query_one("#select-category", Select).value = "fees"
        screen.query_one("#description", TextArea).text = "Annual fee charged twice"
        screen.query_one("#input-referral_ref", Input).value = "12378-2026-0042"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "A regulator's referral needs its reply deadline" in screen_text(app)
        screen.query_one("#input-referral_due", Input).value = "2026-12-05"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Referred by the regulator: 12378-2026-0042, reply by 2026-12-05" in text
        assert "Progress update due 2026-12-03" in text
        # Extended: the approver, the reason, how the customer was told.
        screen.query_one("#input-approver", Input).value = "Branch head Li"
        screen.query_one("#input-reason", Input).value = "card centre must trace it"
        await click(app, pilot, "#extend")
        assert "Say how the customer was told." in screen_text(app)
        screen.query_one("#extension-how", Select).value = "phone"
        await click(app, pilot, "#extend")
        text = screen_text(app)
        assert "Deadline extended to 2026-12-28 (step 1), approved by Branch head Li" in text
        assert "customer told by phone" in text
        # Handed to the card centre, which accepts it.
        screen.query_one("#handoff-department", Select).value = "cards"
        await click(app, pilot, "#handoff-send")
        assert "Card centre: sent" in screen_text(app)
        await click(app, pilot, "#handoff-answered")  # not yet accepted
        assert "That hand-off cannot move to this status." in screen_text(app)
        await click(app, pilot, "#handoff-accepted")
        assert "Card centre: accepted" in screen_text(app)
        await click(app, pilot, "#handoff-answered")
        assert "Note what the department answered." in screen_text(app)
    complaint_id = str(one_row(store, "SELECT id FROM complaints")[0])
    clock.advance(days=5)  # the customer is due an update on how it stands
    app = build_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        text = screen_text(app)
        assert "12-05 · update due" in text  # the list: the referral's date, the reminder
        screen.query_one("#progress-how", Select).value = "sms"
        screen.query_one("#input-note", Input).value = "card centre tracing the charge"
        await click(app, pilot, "#progress-save")
        text = screen_text(app)
        assert "Customer told how it stands, by text message" in text
        assert "update due)" not in text and "Progress update due 2026-12-08" in text
        screen.query_one("#input-note", Input).value = "charged in error, refund"
        await click(app, pilot, "#handoff-answered")
        assert "Card centre: answered" in screen_text(app)
        # The decision.
        screen.query_one("#input-note", Input).value = "second fee refunded"
        await click(app, pilot, "#to-resolved")
    clock.advance(days=3)
    app = build_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#cb-reached", Select).value = "yes"
        screen.query_one("#cb-solved", Select).value = "yes"
        screen.query_one("#cb-satisfaction", Select).value = "4"
        await click(app, pilot, "#cb-save")
        await click(app, pilot, "#to-closed")
        assert "Choose the root cause before closing." in screen_text(app)
        screen.query_one("#root-cause", Select).value = "pricing"
        await click(app, pilot, "#to-closed")
        screen.query_one("#filter-status", Select).value = "all"
        await settle(app, pilot)
        assert "Closed; root cause: Pricing and fees" in screen_text(app)
    row = one_row(store, "SELECT * FROM complaints WHERE id = ?", (complaint_id,))
    assert (row["received_via"], row["referral_ref"], row["status"], row["root_cause"]) == (
        "nfra_12378",
        "12378-2026-0042",
        "closed",
        "pricing",
    )
    assert row["referral_due_at"] == "2026-12-05T09:00:00Z"  # 17:00 in Shanghai
    assert row["extended_by"] == "Branch head Li"
    assert row["decision_due_at"] == "2026-12-28T02:30:00Z"
    handoff = one_row(store, "SELECT department, status, note FROM complaint_handoffs")
    assert tuple(handoff) == ("cards", "answered", "charged in error, refund")
    kinds = [u.kind for u in service.timeline(store, complaint_id)]
    assert kinds == ["received", "extended", "handoff", "handoff", "progress", "handoff",
                     "status", "callback", "status"]  # fmt: skip


async def test_both_extensions_on_screen_then_a_promise_on_the_last_day(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R4.4 — to 30 days, a further 30 approved above the branch, 60 at most
    from textual.widgets import SelectionList

    complaint_id = take(store, settings)  # received 11-28 10:30 Shanghai, undecided
    app = build_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        # Step 1: nobody named as approver: said beside the field, the reason kept.
        screen.query_one("#input-reason", Input).value = "card centre must trace it"
        screen.query_one("#extension-how", Select).value = "phone"
        await click(app, pilot, "#extend")
        assert "An extension needs the approver's name." in screen_text(app)
        assert screen.query_one("#input-reason", Input).value == "card centre must trace it"
        screen.query_one("#input-approver", Input).value = "Branch head Li"
        await click(app, pilot, "#extend")
        assert "Deadline extended to 2026-12-28 (step 1)" in screen_text(app)
        # Step 2: approval above the branch is required, and said so.
        assert "A further 30 days: especially complex or special" in screen_text(app)
        screen.query_one("#input-approver", Input).value = "Deputy head Zhou"
        screen.query_one("#input-reason", Input).value = "needs the merchant's records"
        screen.query_one("#extension-how", Select).value = "letter"
        await click(app, pilot, "#extend")
        assert "needs approval above the branch: choose the level" in screen_text(app)
        assert screen.query_one("#input-approver", Input).value == "Deputy head Zhou"
        screen.query_one("#extension-level", Select).value = "superior"
        await click(app, pilot, "#extend")
        assert "Deadline extended to 2027-01-27 (step 2)" in screen_text(app)
        # Escalated with a promise on the last day allowed: kept by that deadline, not
        # refused as "after 2027-01-27" because closing time falls after 10:30 that day.
        screen.query_one("#esc-departments", SelectionList).select("cards")
        screen.query_one("#input-esc-owner", Input).value = "Zhang"
        screen.query_one("#input-esc-promised", Input).value = "2027-01-28"
        await click(app, pilot, "#escalate-now")
        assert "no later than the regulator's deadline, 2027-01-27" in screen_text(app)
        screen.query_one("#input-esc-promised", Input).value = "2027-01-27"
        await click(app, pilot, "#escalate-now")
        assert "Departments: Card centre" in screen_text(app)
    complaint = service.get(store, complaint_id)
    assert complaint.extensions == 2 and complaint.further_approver_level == "superior"
    assert complaint.decision_due_at == MORNING + timedelta(days=60)
    assert complaint.promised_by == MORNING + timedelta(days=60)
