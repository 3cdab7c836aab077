"""Incidents as the manager records them on a busy floor (R5)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Select, Static

from lobby_tui.app import PLACES
from lobby_tui.content import fraud_script
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.incidents import IncidentsScreen
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_screen, one_row, settle
from tests.helpers.screen import fill_case, said, screen_text


async def test_the_flag_key_works_from_every_place_and_saves_in_two_more_keys(
    build_app: Build, store: Store
) -> None:  # covers: R5.1, R5.3
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for place, key in PLACES:
            await pilot.press(key)
            await settle(app, pilot)
            assert app.current_mode == place
            keys = ["f8", "s", "enter"]  # the global key, suspicious person, save
            await pilot.press(*keys)
            await settle(app, pilot)
            assert len(keys) - 1 <= 3
            assert app.current_mode == "incidents"
            assert "Keep a distance and watch closely" in screen_text(app)  # its plan
    rows = [
        tuple(r) for r in store.query("SELECT type, severity, status, raised_at FROM incidents")
    ]
    assert len(rows) == len(PLACES)
    assert set(rows) == {("suspicious", "medium", "open", "2026-11-28T02:30:00Z")}


async def test_plan_steps_are_ticked_with_their_times(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R5.5
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8", "m", "enter")  # medical emergency
        await settle(app, pilot)
        clock.advance(minutes=1)
        await pilot.press("space")  # from the list: the next step of the plan
        await settle(app, pilot)
        clock.advance(minutes=2)
        await pilot.press("space")
        await settle(app, pilot)
        text = screen_text(app)
        assert "✓ 10:31 Call an ambulance (120)" in text
        assert "✓ 10:33 Clear onlookers, keep the air moving" in text
        assert "· Fetch the first-aid kit" in text
    steps = [
        tuple(r)
        for r in store.query(
            "SELECT step, at, label FROM incident_updates WHERE kind = 'step' ORDER BY step"
        )
    ]
    assert steps == [
        (0, "2026-11-28T02:31:00Z", "Call an ambulance (120)"),
        (1, "2026-11-28T02:33:00Z", "Clear onlookers, keep the air moving"),
    ]


async def test_escalation_times_and_resolution_note_are_checked(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R5.3
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8", "t", "enter")  # threat or violence
        await settle(app, pilot)
        clock.advance(minutes=5)
        app.screen.query_one("#party", Select).value = "police"
        await pilot.click("#input-told-at")
        await pilot.press(*"10:20")
        await pilot.click("#told")
        await pilot.pause()
        assert said(app, "error-told-at") == "That is before the incident was raised."
        await pilot.click("#input-told-at")
        await pilot.press("end", *["backspace"] * 5, *"10:32")
        await pilot.click("#told")
        await settle(app, pilot)
        assert "10:32 told: Police (110)" in screen_text(app)
        await pilot.click("#resolve")
        await pilot.pause()
        assert said(app, "error-resolution") == (
            "Say what was done: a task is resolved with a note."
        )
        await pilot.click("#input-resolution")
        await pilot.press(*"police took the man away")
        await pilot.click("#resolve")
        await settle(app, pilot)
        assert "Resolved: police took the man away" in screen_text(app)
    row = one_row(store, "SELECT status, resolution_note FROM incidents")
    assert tuple(row) == ("resolved", "police took the man away")
    told = one_row(store, "SELECT at, party FROM incident_updates WHERE kind = 'escalated'")
    assert tuple(told) == ("2026-11-28T02:32:00Z", "police")


async def test_the_fraud_script_end_to_end_in_chinese(build_app: Build, store: Store) -> None:
    # covers: R5.4
    app = build_app("zh")
    async with app.run_test(size=(100, 48)) as pilot:
        await pilot.press("f8", "f", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "反诈沟通" in text and "现在是否有人在电话里指导您操作？" in text
        app.screen.query_one("#input-q-why", Input).value = "转给“安全账户”"
        app.screen.query_one("#fraud-save").scroll_visible(animate=False)  # under the case
        await pilot.pause()
        await pilot.click("#fraud-save")
        await pilot.pause()
        assert said(app, "error-incident") == "请逐项回答（是、否或不确定）。"
        app.screen.query_one("#input-q-why", Input).value = "  "
        for question in fraud_script().question:
            if question.open:
                continue
            app.screen.query_one(f"#q-{question.id}", Select).value = (
                "yes" if question.id in ("phone", "secret", "safe_account") else "no"
            )
        app.screen.query_one("#outcome", Select).value = "prevented"
        fill_case(app)  # the case (issue 20): amount at risk, payee, channel
        await pilot.pause()
        app.screen.query_one("#fraud-save", Button).press()
        await pilot.pause()
        assert said(app, "error-q-why") == "请记下客户的原话。"  # the open question, in words
        app.screen.query_one("#input-q-why", Input).value = "转给“公安”的安全账户"
        await pilot.pause()
        assert said(app, "error-q-why") == ""  # fixed: the message went
        app.screen.query_one("#fraud-save", Button).press()  # a tap on the button
        await settle(app, pilot)
        assert said(app, "error-incident") == "✓ 沟通记录已作为证据保存。"
        assert "已记录反诈沟通：劝阻成功，资金未转出" in screen_text(app)
    payload = one_row(store, "SELECT payload FROM incident_updates WHERE kind = 'fraud'")[0]
    assert '"phone": "yes"' in payload and '"outcome": "prevented"' in payload
    assert json.loads(payload)["answers"]["why"] == "转给“公安”的安全账户"
    assert one_row(store, "SELECT what FROM tasks")[0].startswith("回访")


async def test_reminders_are_one_key_and_counted(build_app: Build, store: Store) -> None:
    # covers: R5.1, R5.4
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await settle(app, pilot)
        assert "No incidents today" in screen_text(app)
        await pilot.press("b", "b", "i")
        await settle(app, pilot)
        assert "b belongings 2 · i PIN and personal information 1" in screen_text(app)
    counts = {r[0]: r[1] for r in store.query("SELECT kind, COUNT(*) FROM reminders GROUP BY kind")}
    assert counts == {"belongings": 2, "pin": 1}


async def test_a_broken_plan_file_is_said_and_the_app_goes_on(
    build_app: Build, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lobby_tui.content import data_dir, incident_catalogue

    for source in data_dir().glob("*.toml"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    text = (tmp_path / "incidents.toml").read_text(encoding="utf-8")
    (tmp_path / "incidents.toml").write_text(
        text.replace('key = "s"', 'key = "ss"'), encoding="utf-8"
    )
    monkeypatch.setenv("LOBBY_DATA", str(tmp_path))
    told: list[str] = []
    for cached in (data_dir, incident_catalogue):
        cached.cache_clear()
    try:
        app = build_app()
        async with app.run_test(size=(80, 24)) as pilot:
            monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(message))
            await pilot.press("f8")
            await settle(app, pilot)
            assert app.current_mode == "incidents"
            assert "incidents.toml, line" in str(
                app.screen.query_one("#content-error", Static).render()
            )
            await pilot.press("f1")
            await settle(app, pilot)
            assert app.current_mode == "dashboard"
    finally:
        for cached in (data_dir, incident_catalogue):
            cached.cache_clear()
    assert told and "incidents.toml, line" in told[0]
    assert one_row(store, "SELECT COUNT(*) FROM incidents")[0] == 0


async def test_a_recorded_conversation_is_shown_back(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R5.4
    from lobby_tui.demo.morning import write_demo_morning

    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(100, 48)) as pilot:
        await pilot.press("f6")
        await settle(app, pilot)
        fraud_id = one_row(store, "SELECT id FROM incidents WHERE type = 'fraud'")[0]
        on_screen(app, IncidentsScreen).select(fraud_id)
        await settle(app, pilot)
        assert app.screen.query_one("#q-phone", Select).value == "yes"
        assert app.screen.query_one("#outcome", Select).value == "prevented"
        assert app.screen.query_one("#input-fraud-amount", Input).value == "50000.00"
        assert app.screen.query_one("#fraud-payee", Select).value == "safe_account"
        assert "Resolved: customer convinced, left with the family" in screen_text(app)


async def test_who_was_told_starts_blank_for_the_next_and_never_before_the_incident(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R5.3
    clock.advance(seconds=58)  # raised at 10:30:58
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8", "t", "enter")
        await settle(app, pilot)
        clock.advance(minutes=2)
        app.screen.query_one("#party", Select).value = "police"
        app.screen.query_one("#input-told-at", Input).value = "10:30"  # the minute of raising
        app.screen.query_one("#told", Button).press()
        await settle(app, pilot)
        assert app.screen.query_one("#party", Select).value is Select.NULL  # starts clean
        assert app.screen.query_one("#input-told-at", Input).value == ""
        app.screen.query_one("#told", Button).press()  # one tap records nothing
        await pilot.pause()
        assert said(app, "error-incident") == "Choose who was told."
        app.screen.query_one("#party", Select).value = "supervisor"
        await pilot.pause()
        assert said(app, "error-incident") == ""  # chosen: the message went
        app.screen.query_one("#input-told-at", Input).value = "10:29"
        app.screen.query_one("#told", Button).press()
        await pilot.pause()
        assert said(app, "error-told-at") == "That is before the incident was raised."
        assert app.screen.query_one("#input-told-at", Input).value == "10:29"  # kept
    raised = one_row(store, "SELECT raised_at FROM incidents")[0]
    told = store.query("SELECT at, party FROM incident_updates WHERE kind = 'escalated'")
    assert [tuple(r) for r in told] == [("2026-11-28T02:30:58Z", "police")]
    assert told[0][0] >= raised


async def test_saving_the_conversation_twice_stores_it_once(
    build_app: Build, store: Store
) -> None:  # covers: R5.4
    app = build_app()
    async with app.run_test(size=(100, 48)) as pilot:
        await pilot.press("f8", "f", "enter")
        await settle(app, pilot)
        app.screen.query_one("#input-q-why", Input).value = "to a stranger online"
        for question in fraud_script().question:
            if not question.open:
                app.screen.query_one(f"#q-{question.id}", Select).value = "no"
        app.screen.query_one("#outcome", Select).value = "delayed"
        fill_case(app)
        await pilot.pause()
        for _ in range(2):
            app.screen.query_one("#fraud-save", Button).press()
            await settle(app, pilot)
        assert said(app, "error-incident") == "Already recorded as it stands: nothing new to save."
        app.screen.query_one("#outcome", Select).value = "prevented"  # changed: recorded again
        await pilot.pause()
        app.screen.query_one("#fraud-save", Button).press()
        await settle(app, pilot)
        assert said(app, "error-incident") == "✓ Conversation recorded as evidence."
    outcomes = [
        json.loads(r[0])["outcome"]
        for r in store.query(
            "SELECT payload FROM incident_updates WHERE kind = 'fraud' ORDER BY recorded_at"
        )
    ]
    assert outcomes == ["delayed", "prevented"]
    assert one_row(store, "SELECT COUNT(*) FROM tasks WHERE source = 'incident'")[0] == 1
    assert one_row(store, "SELECT COUNT(*) FROM events WHERE kind = 'incident.fraud'")[0] == 2


async def test_line_cutting_and_noise_are_stopped_by_their_plans(
    build_app: Build, store: Store, clock: FixedClock, settings: Settings
) -> None:  # covers: R5.2
    from lobby_tui.services.report import day_report

    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f4", "f8", "l", "enter")  # on a round: someone cuts the line
        await settle(app, pilot)
        text = screen_text(app)
        assert "Politely and firmly ask the customer to wait for their number" in text
        assert "Reassure the customer who was cut in front of" in text
        clock.advance(minutes=1)
        await pilot.press("space")  # asked, politely and firmly
        await settle(app, pilot)
        assert "✓ 10:31 Politely and firmly ask the customer to wait" in screen_text(app)
        await pilot.click("#input-resolution")
        await pilot.press(*"took a ticket, apologised to B004")
        await pilot.click("#resolve")
        await settle(app, pilot)
        assert "Resolved: took a ticket, apologised to B004" in screen_text(app)
        clock.advance(minutes=5)
        await pilot.press("f8", "n", "enter")  # a loud phone call in the waiting area
        await settle(app, pilot)
        assert "Go over, ask what is wrong, ask them to lower their voice" in screen_text(app)
    rows = [
        tuple(r)
        for r in store.query("SELECT type, severity, status FROM incidents ORDER BY raised_at")
    ]
    assert rows == [("line_cutting", "low", "resolved"), ("noise", "low", "open")]
    step = one_row(store, "SELECT at, label FROM incident_updates WHERE kind = 'step'")
    assert tuple(step) == (
        "2026-11-28T02:31:00Z",
        "Politely and firmly ask the customer to wait for their number",
    )
    clock.advance(minutes=1)
    report = day_report(store, settings, date(2026, 11, 28), "en")
    assert report.incidents.by_type == {"line_cutting": 1, "noise": 1}
    assert report.incidents.open == 1
