"""Open tasks (R1.3): every open task, whatever raised it — the check, a device out of
order, a round, a fraud call-back, an appointment — each resolved with a word on what was
done. The same list the dashboard counts (services/tasks.open_tasks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Select, Static, TabPane
from textual.widgets.option_list import Option

from lobby_tui.domain.checklist import NOTE_MAX, Template
from lobby_tui.domain.day import local
from lobby_tui.i18n import t
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import tasks
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import Form


class TasksPane(TabPane):
    @dataclass
    class Resolved(Message):
        """A task was resolved: the checklist is read again (an item may be re-checked)."""

        pane: TasksPane

        @property
        def control(self) -> TasksPane:
            return self.pane

    @dataclass
    class Reported(Message):
        """A device was reported out of order; `said` tells the manager what happened."""

        pane: TasksPane
        said: str

        @property
        def control(self) -> TasksPane:
            return self.pane

    def __init__(self, template: Template, language: str) -> None:
        super().__init__(t("check.tab_tasks"), id="tab-tasks")
        self.template = template
        self.language = language
        self.shown: list[tuple[str, str, str]] | None = None  # the list as drawn

    def compose(self) -> ComposeResult:
        with Vertical():
            yield OptionList(id="tasks")
            with Form(fallback="resolution", id="resolve-form", classes="plan-form"):
                yield Field(
                    "resolution",
                    placeholder=t("tasks.resolution_placeholder"),
                    max_length=tasks.RESOLUTION_MAX,
                )
                yield Button(t("tasks.resolve"), id="resolve", variant="primary")
            yield Static(t("tasks.care_title"), classes="plan-title")
            with Form(fallback="care-note", id="care-form", classes="plan-form"):
                yield Select(
                    [(t(f"tasks.care.{kind}"), kind) for kind in tasks.CARE_REQUESTS],
                    id="care-kind",
                    prompt=t("tasks.care_prompt"),
                )
                yield Field(
                    "care-note", placeholder=t("tasks.care_placeholder"), max_length=NOTE_MAX
                )
                yield Button(t("tasks.care_add"), id="care-add", variant="primary")
            yield Static(t("tasks.device_title"), classes="plan-title")
            with Form(fallback="fault-note", id="fault-form", classes="plan-form"):
                yield Select([], id="fault-device", prompt=t("tasks.device_prompt"))
                yield Field(
                    "fault-note", placeholder=t("tasks.fault_placeholder"), max_length=NOTE_MAX
                )
                yield Button(t("tasks.mark_faulty"), id="fault-add", variant="error")

    def on_mount(self) -> None:
        devices = [(d.label.text(self.language), d.key) for d in self.template.devices()]
        self.query_one("#fault-device", Select).set_options(devices)

    def fill(self) -> None:
        """Read the open tasks now and show them (after this tab's own change)."""
        self.show_tasks(tasks.open_tasks(lobby_of(self).store))

    def show_tasks(self, open_now: list[tasks.Task]) -> None:
        """Every open task: when it was raised, by what, what to do, when it is due — red
        once overdue — and who owns it. The highlight stays on the task it was on."""
        app = lobby_of(self)
        zone = app.settings.timezone
        now = app.store.clock.now()
        today = local(now, zone).date()

        def when(at: datetime) -> str:
            shown = local(at, zone)
            return shown.strftime("%H:%M" if shown.date() == today else "%m-%d %H:%M")

        prompts: list[tuple[str, Text]] = []
        for task in open_now:
            late = task.overdue(now)
            prompt = Text.assemble(
                (when(task.created_at) + " ", "dim"),
                (tasks.raised_by(task) + " ", "dim"),
                (tasks.task_text(task), "bold red" if task.device_key or late else ""),
            )
            if task.due_at and late:
                prompt.append(" " + t("tasks.overdue", time=when(task.due_at)), style="bold red")
            elif task.due_at:
                due = local(task.due_at, zone)
                said = (
                    t("tasks.due", time=due.strftime("%H:%M"))
                    if due.date() == today
                    else t("tasks.due_on", date=due.strftime("%m-%d"), time=due.strftime("%H:%M"))
                )
                prompt.append(" " + said, style="dim")
            owner = tasks.task_owner(task)
            if owner:  # who answers for it (every task has an owner, issue 20)
                prompt.append(" " + t("tasks.owner", owner=owner), style="dim")
            prompts.append((task.id, prompt))
        drawn = [(key, prompt.plain, str(prompt.spans)) for key, prompt in prompts]
        if drawn == self.shown:  # a tick that changed nothing keeps the list as it is
            return
        self.shown = drawn
        listing = self.query_one("#tasks", OptionList)
        highlighted = listing.highlighted
        chosen = None if highlighted is None else listing.get_option_at_index(highlighted).id
        listing.clear_options()
        for key, prompt in prompts:
            listing.add_option(Option(prompt, id=key))
        if not prompts:
            listing.add_option(Option(Text(t("dash.tasks.empty"), style="dim"), disabled=True))
        ids = [key for key, _prompt in prompts]
        if chosen in ids:
            listing.highlighted = ids.index(chosen)

    @on(Button.Pressed, "#resolve")
    @on(Input.Submitted, "#input-resolution")
    def resolve(self) -> None:
        listing = self.query_one("#tasks", OptionList)
        form = self.query_one("#resolve-form", Form)
        highlighted = listing.highlighted
        task_id = None if highlighted is None else listing.get_option_at_index(highlighted).id
        if task_id is None:
            form.tell("resolution", t("tasks.pick_one"))
            return
        with place_of(self).sending(form) as outcome:
            tasks.resolve_task(lobby_of(self).store, task_id, form.values["resolution"])
        if outcome.failed:
            return
        form.reset()
        self.post_message(self.Resolved(self))

    @on(Button.Pressed, "#care-add")
    @on(Input.Submitted, "#input-care-note")
    def request_care(self) -> None:
        """An older customer's request (accompanied service, a home visit) as a task."""
        app = lobby_of(self)
        kind = self.query_one("#care-kind", Select).value
        form = self.query_one("#care-form", Form)
        with place_of(self).sending(form) as outcome:
            tasks.request_care(
                app.store,
                app.settings,
                shift_id=app.shift_for_record(),
                kind="" if kind is Select.NULL else str(kind),
                note=form.values["care-note"],
            )
        if outcome.failed:
            return
        form.reset()  # the next request is chosen afresh
        self.fill()
        self.post_message(self.Reported(self, t("tasks.care_added")))

    @on(Button.Pressed, "#fault-add")
    @on(Input.Submitted, "#input-fault-note")
    def mark_faulty(self) -> None:
        app = lobby_of(self)
        select = self.query_one("#fault-device", Select)
        form = self.query_one("#fault-form", Form)
        if select.value is Select.NULL:
            form.tell("fault-note", t("tasks.device_prompt"))
            return
        device = self.template.item(str(select.value))
        label = device.label.text(self.language)
        new = False
        with place_of(self).sending(form) as outcome:
            _task, new = tasks.report_device_fault(
                app.store,
                app.settings,
                shift_id=app.shift_for_record(),
                device_key=device.key,
                channel=device.channel,
                label=device.label.model_dump(),
                note=form.values["fault-note"],
            )
        if outcome.failed:
            return
        form.reset()  # the next fault is for a device chosen afresh
        self.fill()
        said = t("tasks.device_out" if new else "tasks.device_already", device=label)
        self.post_message(self.Reported(self, said))
