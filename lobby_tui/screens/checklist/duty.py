"""On duty today (R1.6), on the day plan: who works at which window or zone, from when to
when, with their lunch. The day starts from the usual weekday's plan (or yesterday's) with
one button; the lunch rotation is one more. A change that would take a channel below its
minimum is refused beside the field, with the channel and the time (services/duty.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from lobby_tui.domain.day import local
from lobby_tui.domain.duty import USUAL_POST
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import parse_span, parse_time
from lobby_tui.i18n import t
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import duty as service
from lobby_tui.services.counter import seats
from lobby_tui.services.staff import roster
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import FieldError, Form, invalid_text
from lobby_tui.widgets.shown import show_options

SHIFT_MARGIN = timedelta(minutes=30)  # a new person's shift: half an hour either side


def _clock(at: datetime | None, zone: object) -> str:
    return "" if at is None else local(at, zone).strftime("%H:%M")  # type: ignore[arg-type]


class DutyPanel(Vertical):
    DEFAULT_CSS = """
    DutyPanel { height: auto; }
    DutyPanel .duty-row { height: auto; }
    DutyPanel Select { width: 1fr; }
    DutyPanel #field-duty-starts, DutyPanel #field-duty-ends { width: 12; }
    DutyPanel #field-duty-lunch { width: 1fr; }
    DutyPanel Button { margin-left: 1; }
    DutyPanel #duty-buttons { height: auto; }
    DutyPanel #duty-said { color: $warning; height: auto; }
    """

    @dataclass
    class Saved(Message):
        """The plan changed; `said` tells the manager what."""

        panel: DutyPanel
        said: str

        @property
        def control(self) -> DutyPanel:
            return self.panel

    def __init__(self) -> None:
        super().__init__(id="duty")
        self.copy_from: date | None = None
        """The plan the copy button starts the day from (None: nothing to copy)."""

    def compose(self) -> ComposeResult:
        yield Static(t("plan.duty"), classes="plan-title")
        yield Static(id="duty-list")
        with Horizontal(id="duty-buttons"):
            yield Button(t("plan.duty_copy", day=""), id="duty-copy")
            yield Button(t("plan.duty_lunches"), id="duty-lunches")
        yield Static(id="duty-said")
        with Form(
            aliases={"starts": "duty-starts", "ends": "duty-ends", "lunch": "duty-lunch"},
            id="duty-form",
        ):
            with Horizontal(classes="duty-row"):
                yield Select([], id="duty-person", prompt=t("plan.duty_person"))
                yield Select([], id="duty-post", prompt=t("plan.duty_post"))
            yield FieldError("person", "staff", control="#duty-person", id="duty-person-error")
            yield FieldError("post", "copy", control="#duty-post", id="duty-post-error")
            with Horizontal(classes="duty-row"):
                yield Field("duty-starts", placeholder=t("plan.duty_starts"), max_length=5,
                            check=parse_time)  # fmt: skip
                yield Field("duty-ends", placeholder=t("plan.duty_ends"), max_length=5,
                            check=parse_time)  # fmt: skip
                yield Field("duty-lunch", placeholder=t("plan.duty_lunch"), max_length=13,
                            check=parse_span)  # fmt: skip
                yield Button(t("plan.duty_save"), id="duty-save", variant="primary")

    # Showing the plan ------------------------------------------------------------------

    def fill(self) -> None:
        app = lobby_of(self)
        day = place_of(self).day
        zone = app.settings.timezone
        plan = service.duty_plan(app.store, day)
        seated = seats(app.store, day)  # each at a numbered window of their channel (R2.9)
        table = Table.grid(padding=(0, 2))
        for line in plan:
            d = line.duty
            lunch = (
                f"{_clock(d.break_starts, zone)}–{_clock(d.break_ends, zone)}"
                + (t("plan.duty_by_hand") if d.manual else "")
                if d.break_starts
                else t("plan.duty_no_break")
            )
            post = service.post_label(d.post)
            if d.staff_id in seated:
                post += " · " + t("counter.window_name", number=seated[d.staff_id])
            table.add_row(
                line.name,
                post,
                f"{_clock(d.starts, zone)}–{_clock(d.ends, zone)}",
                Text(lunch, style="dim" if not d.break_starts else ""),
            )
        self.query_one("#duty-list", Static).update(
            table if plan else Text(t("plan.duty_none"), style="dim")
        )
        self.copy_from = None if plan else service.copy_source(app.store, day)
        copy = self.query_one("#duty-copy", Button)
        copy.display = self.copy_from is not None
        if self.copy_from is not None:
            copy.label = t("plan.duty_copy", day=self.copy_from.strftime("%m-%d"))
        self.query_one("#duty-lunches", Button).display = bool(plan)
        people = [(p.name, p.id) for p in roster(app.store, active_only=True)]
        show_options(self.query_one("#duty-person", Select), people)
        posts = [(service.post_label(p), p) for p in service.posts()]
        posts.append((t("duty.post.off"), service.OFF))
        show_options(self.query_one("#duty-post", Select), posts)

    def say(self, said: str) -> None:
        self.query_one("#duty-said", Static).update(said)

    @on(Select.Changed, "#duty-person")
    def _person_chosen(self, event: Select.Changed) -> None:
        """Choosing a person shows their line of the plan to change, or a usual one."""
        if event.value is Select.NULL:
            return
        app = lobby_of(self)
        day, zone, settings = place_of(self).day, app.settings.timezone, app.settings
        mine = next(
            (p for p in service.duty_plan(app.store, day) if p.duty.staff_id == event.value),
            None,
        )
        form = self.query_one("#duty-form", Form)
        post = self.query_one("#duty-post", Select)
        if mine is not None:
            d = mine.duty
            post.value = d.post
            starts, ends = _clock(d.starts, zone), _clock(d.ends, zone)
            lunch = f"{_clock(d.break_starts, zone)}-{_clock(d.break_ends, zone)}" \
                if d.break_starts else ""  # fmt: skip
        else:
            role = next((p.role for p in roster(app.store) if p.id == event.value), "teller")
            usual = USUAL_POST.get(role, "floor")
            if usual in service.posts():
                post.value = usual
            opening = datetime.combine(day, settings.opening_time) - SHIFT_MARGIN
            closing = datetime.combine(day, settings.closing_time) + SHIFT_MARGIN
            starts, ends, lunch = opening.strftime("%H:%M"), closing.strftime("%H:%M"), ""
        form.field("duty-starts").input.value = starts
        form.field("duty-ends").input.value = ends
        form.field("duty-lunch").input.value = lunch
        form.clear()

    # Changing it -----------------------------------------------------------------------

    @on(Input.Submitted, "#duty-form Input")
    @on(Button.Pressed, "#duty-save")
    def save(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        app = lobby_of(self)
        form = self.query_one("#duty-form", Form)
        values = form.values
        person = self.query_one("#duty-person", Select).value
        post = self.query_one("#duty-post", Select).value
        with place_of(self).sending(form) as outcome:
            if person is Select.NULL:
                raise Invalid("person", "person_missing")
            if post is Select.NULL:
                raise Invalid("post", "post_unknown")
            starts = parse_time(values["duty-starts"], "starts") if post != service.OFF \
                else time(0)  # fmt: skip
            ends = parse_time(values["duty-ends"], "ends") if post != service.OFF \
                else time(23, 59)  # fmt: skip
            lunch = parse_span(values["duty-lunch"]) if post != service.OFF else service.KEEP
            service.set_duty(app.store, app.settings, place_of(self).day, str(person),
                             str(post), starts, ends, lunch)  # fmt: skip
        if outcome.failed:
            return
        self.say("")
        self.fill()
        self.post_message(self.Saved(self, t("plan.duty_saved")))

    @on(Button.Pressed, "#duty-lunches")
    def plan_lunches(self, event: Button.Pressed) -> None:
        event.stop()
        app = lobby_of(self)
        left_out: list[str] = []
        with place_of(self).guarded(lambda exc: self.say(invalid_text(exc))) as outcome:
            left_out = service.rotate_lunches(app.store, app.settings, place_of(self).day)
        if outcome.failed:
            return
        said = t("plan.duty_lunches_done")
        if left_out:
            said += " " + t("plan.duty_no_lunch", names=", ".join(left_out))
        self.say(said)
        self.fill()
        self.post_message(self.Saved(self, said))

    @on(Button.Pressed, "#duty-copy")
    def copy_plan(self, event: Button.Pressed) -> None:
        event.stop()
        if self.copy_from is None:
            return
        app = lobby_of(self)
        source = self.copy_from
        form = self.query_one("#duty-form", Form)
        copied = 0
        with place_of(self).sending(form) as outcome:
            copied = service.copy_plan(app.store, app.settings, place_of(self).day, source)
        if outcome.failed:
            return
        said = t("plan.duty_copied", count=copied, day=source.strftime("%m-%d"))
        self.say(said)
        self.fill()
        self.post_message(self.Saved(self, said))
