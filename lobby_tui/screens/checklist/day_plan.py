"""The day plan (R1.6–R1.8): counters open per channel, appointments, cash movements and
the peak forecast from the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Static, TabPane

from lobby_tui.content import channels
from lobby_tui.domain.day import local
from lobby_tui.domain.parse import parse_amount, parse_counters, parse_plan_day, parse_time
from lobby_tui.domain.privacy import mask
from lobby_tui.i18n import t
from lobby_tui.screens.checklist.duty import DutyPanel
from lobby_tui.screens.checklist.forecast import forecast_view
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import dayplan, duty
from lobby_tui.services import forecast as forecast_service
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import Form, invalid_text


class DayPlanPane(TabPane):
    @dataclass
    class Saved(Message):
        """Something of the plan was saved; `said` tells the manager what."""

        pane: DayPlanPane
        said: str

        @property
        def control(self) -> DayPlanPane:
            return self.pane

    def __init__(self, language: str) -> None:
        super().__init__(t("check.tab_plan"), id="tab-plan")
        self.language = language
        self.forecast_read: forecast_service.DayPlanForecast | None = None
        """The forecast shown (it knows the day it is for)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(t("plan.counters"), classes="plan-title", id="counters-title")
            with Form(id="counters"):
                for channel in channels():
                    yield Field(f"counters-{channel.key}", max_length=2, restrict=r"[0-9]*")
            yield DutyPanel()
            yield Static(t("plan.appointments"), classes="plan-title")
            yield Static(id="appointment-list")
            with Form(
                aliases={"time": "appt-time", "purpose": "appt-purpose", "who": "appt-who"},
                fallback="appt-purpose",
                id="appointment-form",
                classes="plan-form",
            ):
                yield Field(
                    "appt-time",
                    placeholder=t("plan.time_placeholder"),
                    max_length=5,
                    check=parse_time,
                )
                yield Field(
                    "appt-purpose",
                    placeholder=t("plan.purpose_placeholder"),
                    max_length=dayplan.PURPOSE_MAX,
                )
                yield Field(
                    "appt-who", placeholder=t("plan.who_placeholder"), max_length=dayplan.WHO_MAX
                )
                yield Checkbox(t("plan.vip"), id="appt-vip")
                yield Button(t("plan.add"), id="appt-add")
            yield Static(t("plan.cash"), classes="plan-title")
            yield Static(id="cash-list")
            with Form(
                aliases={
                    "day": "cash-day",
                    "time": "cash-time",
                    "amount": "cash-amount",
                    "note": "cash-note",
                },
                fallback="cash-note",
                id="cash-form",
                classes="plan-form",
            ):
                # Blank books for today; a large withdrawal is booked the day before (R1.6).
                yield Field("cash-day", placeholder=t("plan.day_placeholder"), max_length=10)
                yield Field(
                    "cash-time",
                    placeholder=t("plan.time_placeholder"),
                    max_length=5,
                    check=parse_time,
                )
                yield Field(
                    "cash-amount",
                    placeholder=t("plan.amount_placeholder"),
                    max_length=14,
                    check=parse_amount,
                )
                yield Field(
                    "cash-note",
                    placeholder=t("plan.note_placeholder"),
                    max_length=dayplan.PURPOSE_MAX,
                )
                yield Button(t("plan.add"), id="cash-add")
            yield Static(t("plan.forecast"), classes="plan-title", id="forecast-title")
            yield Static(id="forecast")

    def fill(self) -> None:
        """The plan as the store holds it; a counter being typed in keeps what is typed."""
        app = lobby_of(self)
        zone = app.settings.timezone
        day = place_of(self).day
        self.query_one(DutyPanel).fill()
        plan = dayplan.counters_now(app.store, day)
        # One source of truth: with a duty plan, a channel's windows are its people (and
        # are changed there); the numbers typed here serve a day without one.
        from_duty = duty.has_plan(app.store, day)
        staffed = set(duty.window_channels()) if from_duty else set()
        self.query_one("#counters-title", Static).update(
            t("plan.counters_duty" if from_duty else "plan.counters")
        )
        counters = self.query_one("#counters", Form)
        for channel in channels():
            field = counters.field(f"counters-{channel.key}")
            field.relabel(channel.label[self.language])
            field.input.disabled = channel.key in staffed
            if not field.input.has_focus or channel.key in staffed:
                field.input.value = str(plan.get(channel.key, channel.counters))
        meetings = dayplan.appointments(app.store, day)
        table = Table.grid(padding=(0, 2))
        for meeting in meetings:
            table.add_row(
                local(meeting.due_at, zone).strftime("%H:%M"),
                meeting.purpose,
                t("plan.vip") if meeting.vip else "",
                mask(meeting.who),
                Text(t("plan.arrived"), style="green")
                if meeting.arrived
                else Text(t("plan.no_show"), style="red")
                if meeting.no_show
                else "",
            )
        self.query_one("#appointment-list", Static).update(
            table if meetings else Text(t("plan.none"), style="dim")
        )
        # Today's movements, then the ones booked ahead, each day under its date.
        moves = dayplan.cash_movements(
            app.store, day, day + timedelta(days=dayplan.PLAN_DAYS_AHEAD)
        )
        cash = Table.grid(padding=(0, 2))
        heading = day
        for move in moves:
            move_day = local(move.due_at, zone).date()
            if move_day != heading:
                heading = move_day
                cash.add_row(
                    Text(t("plan.cash_ahead", day=move_day.strftime("%m-%d")), style="bold")
                )
            ready = (
                t("plan.cash_task", time=local(move.ready_by, zone).strftime("%H:%M"),
                  who=move.owner or "—")
                if move.ready_by
                else ""
            )  # fmt: skip
            cash.add_row(
                local(move.due_at, zone).strftime("%H:%M"),
                t("plan.yuan", amount=f"{move.amount:,}"),
                move.note or "",
                Text(ready, style="yellow"),
            )
        self.query_one("#cash-list", Static).update(
            cash if moves else Text(t("plan.none"), style="dim")
        )
        self.read_forecast()

    def read_forecast(self) -> None:
        """The forecast reads the branch's history: in the background, and only once a day
        (the history does not change during the day; the weather does, and saving it reads
        it again). The windows on duty beside it are read every time (a few rows)."""
        app, day = lobby_of(self), place_of(self).day
        if self.forecast_read is not None and self.forecast_read.day == day:
            # The people on duty may have changed since: shown beside the same forecast.
            self.show_forecast(forecast_service.with_on_duty(app.store, self.forecast_read))
            return
        keys = [c.key for c in channels()]
        place_of(self).read_in_background(
            "forecast",
            lambda: forecast_service.day_plan_forecast(app.store, app.settings, day, keys),
            self.show_forecast,
        )

    def show_forecast(self, read: forecast_service.DayPlanForecast) -> None:
        self.forecast_read = read
        settings = lobby_of(self).settings
        self.query_one("#forecast", Static).update(
            forecast_view(
                read,
                channels(),
                self.language,
                settings.wait_red_min,
                settings.service_level_target,
            )
        )

    @on(DutyPanel.Saved)
    def _duty_saved(self, event: DutyPanel.Saved) -> None:
        """The windows open follow the people: the counters shown again."""
        event.stop()
        self.fill()
        self.post_message(self.Saved(self, event.said))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = (event.input.id or "").removeprefix("input-")
        if name.startswith("counters-"):
            self.save_counters(name.removeprefix("counters-"))
        elif name.startswith("appt-"):
            self.add_appointment()
        elif name.startswith("cash-"):
            self.add_cash()

    def save_counters(self, channel: str) -> None:
        app = lobby_of(self)
        form = self.query_one("#counters", Form)
        name = f"counters-{channel}"
        form.clear()
        with place_of(self).guarded(lambda exc: form.tell(name, invalid_text(exc))) as outcome:
            counters = parse_counters(form.values[name])
            dayplan.set_counters(app.store, place_of(self).day, channel, counters)
        if not outcome.failed:
            self.read_forecast()  # the windows on duty beside the forecast changed
            self.post_message(self.Saved(self, t("plan.counters_saved")))

    @on(Button.Pressed, "#appt-add")
    def add_appointment(self) -> None:
        app = lobby_of(self)
        form = self.query_one("#appointment-form", Form)
        values = form.values
        with place_of(self).sending(form) as outcome:
            at = parse_time(values["appt-time"])
            dayplan.add_appointment(
                app.store,
                app.settings,
                place_of(self).day,
                at,
                values["appt-purpose"],
                self.query_one("#appt-vip", Checkbox).value,
                values["appt-who"],
            )
        if outcome.failed:
            return
        form.reset()
        self.fill()

    @on(Button.Pressed, "#cash-add")
    def add_cash(self) -> None:
        app = lobby_of(self)
        form = self.query_one("#cash-form", Form)
        values = form.values
        with place_of(self).sending(form) as outcome:
            booked_for = parse_plan_day(values["cash-day"], place_of(self).day, "day")
            at = parse_time(values["cash-time"])
            amount = parse_amount(values["cash-amount"])
            dayplan.add_cash_movement(
                app.store, app.settings, booked_for, at, amount, values["cash-note"]
            )
        if outcome.failed:
            return
        form.reset()
        self.fill()
