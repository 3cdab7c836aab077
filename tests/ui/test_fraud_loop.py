"""Issue 20 as the manager meets it: a fraud case prevented with its amount, a supervisor's
confirmation, an AML concern that leaves no trace a customer could see, the large-cash
reminder at triage, and care requests as owned tasks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import cast

from textual.widgets import Button, Checkbox, Input, OptionList, Select, Static, TabbedContent

from lobby_tui.app import LobbyApp
from lobby_tui.content import fraud_script
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.modals.supervisor import SupervisorConfirm
from lobby_tui.serve.wall import WallApp
from lobby_tui.services.report import day_report
from lobby_tui.store import Store, parse_iso
from tests.helpers.app import SUPERVISOR_PIN, Build, one_row, settle
from tests.helpers.floor import take
from tests.helpers.screen import fill_case, pick_and_type, said, screen_lines, screen_text, wait_for


async def raise_fraud(app: LobbyApp, pilot: object, answer: str) -> None:
    """F8 f Enter, and every question answered (`answer` for the yes/no ones)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("f8", "f", "enter")
    await settle(app, pilot)
    app.screen.query_one("#input-q-why", Input).value = "to a 'safe account' the caller gave"
    for question in fraud_script().question:
        if not question.open:
            app.screen.query_one(f"#q-{question.id}", Select).value = answer


async def test_a_fraud_case_prevented_with_its_amount(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R5.4
    app = build_app()
    async with app.run_test(size=(100, 48)) as pilot:
        await raise_fraud(app, pilot, "no")
        app.screen.query_one("#outcome", Select).value = "prevented"
        fill_case(app, amount="lots")
        app.screen.query_one("#fraud-stop", Checkbox).value = True
        app.screen.query_one("#fraud-96110", Checkbox).value = True
        await pilot.pause()
        app.screen.query_one("#fraud-save", Button).press()
        await pilot.pause()
        # Bad input beside the field, what was typed kept.
        assert said(app, "error-fraud-amount") == "Type an amount, like 60000 or 8000 USD."
        assert app.screen.query_one("#input-fraud-amount", Input).value == "lots"
        app.screen.query_one("#input-fraud-amount", Input).value = "86,000"
        await pilot.pause()
        assert said(app, "error-fraud-amount") == ""  # fixed: the message went
        app.screen.query_one("#fraud-save", Button).press()
        await pilot.pause()
        assert said(app, "error-fraud-receipt") == (
            "Type the receipt number of the call (96110 or the police)."
        )
        app.screen.query_one("#input-fraud-receipt", Input).value = "96110-0931"
        await pilot.pause()
        app.screen.query_one("#fraud-save", Button).press()
        await settle(app, pilot)
        assert said(app, "error-incident") == "✓ Conversation recorded as evidence."
        assert "anti-fraud conversation recorded: Prevented: no money left" in screen_text(app)
        await pilot.press("f7")  # the handover: the same figures as the report
        await settle(app, pilot)
        text = screen_text(app)
        assert "Fraud and AML" in text
        assert "Fraud prevented 1" in text and "Money saved ¥86,000.00" in text
    payload = json.loads(
        one_row(store, "SELECT payload FROM incident_updates WHERE kind = 'fraud'")[0]
    )
    assert payload["outcome"] == "prevented"
    assert payload["amount_at_risk"] == payload["amount_saved"] == "86000.00"
    assert payload["payee"] == "individual" and payload["channel"] == "phone"
    assert payload["stop_payment"] is True
    assert payload["reported"] == ["96110"] and payload["receipt_no"] == "96110-0931"
    figures = day_report(store, settings, store.clock.now().date(), "en").protection
    assert (figures.prevented, float(figures.money_saved)) == (1, 86000.0)


async def test_going_ahead_after_yes_to_everything_needs_the_supervisor_s_pin(
    build_app: Build, store: Store
) -> None:  # covers: R5.4, R6.5
    app = build_app()
    async with app.run_test(size=(100, 48)) as pilot:
        await raise_fraud(app, pilot, "yes")
        app.screen.query_one("#outcome", Select).value = "went_ahead"
        fill_case(app)
        await pilot.pause()
        app.screen.query_one("#fraud-save", Button).press()
        await wait_for(app, pilot, SupervisorConfirm)
        assert "A supervisor confirms with their PIN" in screen_text(app)
        await pilot.press("escape")  # cancelled: nothing recorded, and said why
        await settle(app, pilot)
        assert said(app, "error-incident") == (
            "Yes to every risk question: a supervisor must confirm that the customer goes ahead."
        )
        assert one_row(store, "SELECT COUNT(*) FROM incident_updates WHERE kind = 'fraud'")[0] == 0
        app.screen.query_one("#fraud-save", Button).press()
        await wait_for(app, pilot, SupervisorConfirm)
        await pick_and_type(app, pilot, None, "1111")
        await pilot.pause()
        assert str(app.screen.query_one("#signin-error", Static).render()) == (
            "Wrong PIN. Try again."
        )
        assert isinstance(app.screen, SupervisorConfirm)  # still asking
        await pilot.press(*SUPERVISOR_PIN, "enter")
        await settle(app, pilot)
        assert said(app, "error-incident") == "✓ Recorded with the supervisor's confirmation."
    payload = json.loads(
        one_row(store, "SELECT payload FROM incident_updates WHERE kind = 'fraud'")[0]
    )
    assert payload["outcome"] == "went_ahead" and payload["amount_saved"] == "0.00"
    wang = one_row(store, "SELECT id FROM staff WHERE name = 'Wang'")[0]
    assert payload["confirmed_by"] == wang


async def test_an_aml_concern_leaves_no_trace_a_customer_could_see(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R5.4, R4.4 (the slip)
    take(store, settings, outcome="escalated", departments=("cards",), owner="Zhang",
         promised_by=store.clock.now() + timedelta(days=5))  # fmt: skip
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f3", "d", "enter")  # a walk-in in the queue
        await settle(app, pilot)
        await pilot.press("f8", "a")
        await pilot.click("#flag-note")
        await pilot.press(*"split deposits 49000 x3", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert app.current_mode == "incidents" and "AML concern" in text
        assert "Never tip off the customer" in text
        # The queue, as the counter and the hall see it: nothing of it.
        await pilot.press("f3")
        await settle(app, pilot)
        queue = screen_text(app)
        assert "AML" not in queue and "split" not in queue and "compliance" not in queue
        # The customer's slip: nothing of it.
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.click("#slip")
        await settle(app, pilot)
        slip = str(app.screen.query_one("#slip-text", Static).render())
        assert "Case number" in slip
        for word in ("AML", "compliance", "split", "49000", "incident"):
            assert word not in slip
    # Sent to compliance: the supervisor's task, due within the hour.
    task = one_row(store, "SELECT owner, due_at, created_at, what FROM tasks")
    assert task["owner"] == one_row(store, "SELECT id FROM staff WHERE name = 'Wang'")[0]
    assert parse_iso(task["due_at"]) - parse_iso(task["created_at"]) == timedelta(hours=1)
    assert task["what"] == "Report the AML concern to Compliance (AML) — never tip off the customer"
    # The wall facing the hall: not counted, not named.
    wall = WallApp(store, settings, "en")
    async with wall.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = screen_lines(cast(LobbyApp, wall))
        assert [line.split() for line in lines if "Incidents open" in line] == [
            ["Incidents", "open", "0"]
        ]
        assert not any("AML" in line or "split" in line for line in lines)


async def test_large_cash_and_suitability_prompts_at_triage(
    build_app: Build, store: Store
) -> None:  # covers: R2.5, R2.6, R5.4
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f3", "w")
        await pilot.pause()
        app.screen.query_one("#input-cash", Input).value = "12000 USD"  # from USD 10,000
        await pilot.pause()
        prompt = "Large cash: the counter checks the customer's ID and files the large-value report"
        assert prompt in screen_text(app)
        app.screen.query_one("#input-cash", Input).value = "a bag of it"
        await pilot.pause()
        assert prompt not in screen_text(app)
        app.screen.query_one("#save", Button).press()
        await pilot.pause()
        assert said(app, "error-cash") == "Type an amount, like 60000 or 8000 USD."
        assert app.screen.query_one("#input-cash", Input).value == "a bag of it"  # kept
        assert one_row(store, "SELECT COUNT(*) FROM arrivals")[0] == 0
        app.screen.query_one("#input-cash", Input).value = "60000"
        await pilot.pause()
        app.screen.query_one("#save", Button).press()
        await settle(app, pilot)
        assert prompt in screen_text(app)  # told with the ticket, for the counter
        # An older customer to wealth: the suitability reminder.
        await pilot.press("f3", "m", "1")
        await pilot.pause()
        assert "risk assessment first" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
    marks = {
        tuple(r) for r in store.query("SELECT need, channel, large_cash FROM arrivals")
    }  # large cash goes to the counter, not a machine (it cannot pay out that much)
    assert marks == {("cash_withdrawal", "cash", 1), ("wealth_consultation", "wealth", None)}
    payload = one_row(store, "SELECT payload FROM events WHERE kind = 'arrival.triaged' LIMIT 1")
    assert "60000" not in payload[0]  # the amount decided the mark and was not kept


async def test_a_care_request_is_a_task_with_its_owner_and_due_time(
    build_app: Build, store: Store
) -> None:  # covers: R1.3, R2.5 (适老化)
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-tasks"
        await settle(app, pilot)
        app.screen.query_one("#care-add", Button).press()
        await pilot.pause()
        assert "Choose the request" in screen_text(app)
        app.screen.query_one("#care-kind", Select).value = "accompany"
        app.screen.query_one("#input-care-note", Input).value = "A012 to the counter"
        await pilot.pause()
        app.screen.query_one("#care-add", Button).press()
        await settle(app, pilot)
        listing = app.screen.query_one("#tasks", OptionList)
        shown = [str(getattr(o.prompt, "plain", o.prompt)) for o in listing.options]
        assert any(
            "Accompany an older customer through their business: A012 to the counter" in s
            and "due 10:40" in s
            and "owner: Wang" in s
            for s in shown
        ), shown
    task = one_row(store, "SELECT source, owner, due_at FROM tasks")
    assert task["source"] == "care" and task["due_at"] == "2026-11-28T02:40:00Z"
