"""The opening checklist (R1): every item answered by key or by tap, problems turned into
tasks, the day plan, and sign-off. Everything is saved the moment it is answered, so a
restart resumes exactly where the manager was."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from lobby_tui.content import ContentError, channels, checklist_template
from lobby_tui.domain.checklist import NOTE_MAX, Answer, Given, Item, Template, parse_count
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.privacy import mask
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen, invalid_text, problem_text
from lobby_tui.services import checklist as checklist_service
from lobby_tui.services import dayplan, tasks
from lobby_tui.store import StoreError
from lobby_tui.widgets.field import Field, plain
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.topbar import TopBar

MARK = {None: "·", Answer.OK: "✓", Answer.PROBLEM: "✗", Answer.NA: "–"}


class ChecklistScreen(LobbyScreen):
    PLACE = "checklist"
    CSS_PATH = "../styles/checklist.tcss"
    BINDINGS = [
        # The answer keys are on the buttons themselves ("OK (o)"), keeping the footer for
        # the places; the help panel (palette → Show keys) lists them too.
        Binding("o", "answer('ok')", "check.key_ok", tooltip="check.key_ok.tip", show=False),
        Binding(
            "p",
            "answer('problem')",
            "check.key_problem",
            tooltip="check.key_problem.tip",
            show=False,
        ),
        Binding("n", "answer('na')", "check.key_na", tooltip="check.key_na.tip", show=False),
        Binding("s", "sign", "check.key_sign", tooltip="check.key_sign.tip", show=False),
        Binding("escape", "back_to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="checklist")
        self.template: Template | None = None
        self.problem: ContentError | None = None
        self.given: dict[str, Given] = {}
        self.signed: tuple[str, datetime] | None = None
        self.shown: str | None = None  # the item whose count and note the inputs hold

    # Building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            self.template = checklist_template()
        except ContentError as exc:
            # A bad template does not stop the app: the place says what is wrong and where.
            self.problem = exc
            with VerticalScroll(id="check-problem"):
                yield Static(problem_text(exc), id="template-error")
                yield Static(t("check.template_fix"))
            yield LobbyFooter()
            return
        with TabbedContent(id="check-tabs"):
            with TabPane(t("check.tab_items"), id="tab-items"):
                yield Static(id="progress")
                yield Static(id="status")
                with Horizontal(id="check-body"):
                    yield OptionList(id="items")
                    with Vertical(id="item-detail"):
                        yield Static(id="item-label")
                        with Horizontal(id="answer-buttons"):
                            yield Button(t("check.ok"), id="answer-ok", variant="success")
                            yield Button(t("check.problem"), id="answer-problem", variant="error")
                            yield Button(t("check.na"), id="answer-na")
                        yield Static("", id="error-answer", classes="field-error")
                        yield Field(
                            "count",
                            placeholder=t("check.count_placeholder"),
                            max_length=7,
                            restrict=r"[0-9]*",
                        )
                        yield Field(
                            "note", placeholder=t("check.note_placeholder"), max_length=NOTE_MAX
                        )
                with Horizontal(id="sign-row"):
                    yield Field(
                        "signer",
                        placeholder=t("check.signer_placeholder"),
                        max_length=checklist_service.NAME_MAX,
                    )
                    yield Button(t("check.sign"), id="sign", variant="primary")
            with TabPane(t("check.tab_plan"), id="tab-plan"), VerticalScroll():
                yield Static(t("plan.counters"), classes="plan-title")
                with Horizontal(id="counters"):
                    for channel in channels():
                        yield Field(f"counters-{channel.key}", max_length=2, restrict=r"[0-9]*")
                yield Static(t("plan.appointments"), classes="plan-title")
                yield Static(id="appointment-list")
                with Horizontal(classes="plan-form"):
                    yield Field("appt-time", placeholder=t("plan.time_placeholder"), max_length=5)
                    yield Field(
                        "appt-purpose",
                        placeholder=t("plan.purpose_placeholder"),
                        max_length=dayplan.PURPOSE_MAX,
                    )
                    yield Field(
                        "appt-who",
                        placeholder=t("plan.who_placeholder"),
                        max_length=dayplan.WHO_MAX,
                    )
                    yield Checkbox(t("plan.vip"), id="appt-vip")
                    yield Button(t("plan.add"), id="appt-add")
                yield Static(t("plan.cash"), classes="plan-title")
                yield Static(id="cash-list")
                with Horizontal(classes="plan-form"):
                    yield Field("cash-time", placeholder=t("plan.time_placeholder"), max_length=5)
                    yield Field(
                        "cash-amount", placeholder=t("plan.amount_placeholder"), max_length=14
                    )
                    yield Field(
                        "cash-note",
                        placeholder=t("plan.note_placeholder"),
                        max_length=dayplan.PURPOSE_MAX,
                    )
                    yield Button(t("plan.add"), id="cash-add")
                yield Static(t("plan.forecast"), classes="plan-title")
                yield Static(id="forecast")
            with TabPane(t("check.tab_tasks"), id="tab-tasks"), Vertical():
                yield OptionList(id="tasks")
                with Horizontal(classes="plan-form"):
                    yield Field(
                        "resolution",
                        placeholder=t("tasks.resolution_placeholder"),
                        max_length=tasks.RESOLUTION_MAX,
                    )
                    yield Button(t("tasks.resolve"), id="resolve", variant="primary")
                yield Static(t("tasks.device_title"), classes="plan-title")
                with Horizontal(classes="plan-form"):
                    yield Select([], id="fault-device", prompt=t("tasks.device_prompt"))
                    yield Field(
                        "fault-note", placeholder=t("tasks.fault_placeholder"), max_length=NOTE_MAX
                    )
                    yield Button(t("tasks.mark_faulty"), id="fault-add", variant="error")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.fit_controls()
        if self.template is None:
            return
        self.reload()
        self.set_interval(30, self.show_progress)
        items = self.query_one("#items", OptionList)
        items.focus()
        first_open = next(
            (i.key for i in self.template.items() if i.key not in self.given),
            self.template.items()[0].key,
        )
        items.highlighted = items.get_option_index(first_open)

    # State ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read today's answers, plan and tasks from the database and show them."""
        state = checklist_service.today(self.lobby_app.store, self.day)
        self.given = dict(state.given)
        run = state.run
        self.signed = (
            (run.signed_off_by or "", run.signed_off_at) if run and run.signed_off_at else None
        )
        self.fill_items()
        self.show_progress()
        self.fill_plan()
        self.fill_tasks()

    def label(self, item: Item) -> str:
        return item.label.text(self.lobby_app.language)

    def fill_items(self) -> None:
        assert self.template is not None
        items = self.query_one("#items", OptionList)
        highlighted = items.highlighted
        items.clear_options()
        lang = self.lobby_app.language
        for section in self.template.section:
            items.add_option(Option(Text(section.label.text(lang), style="bold"), disabled=True))
            for item in section.item:
                items.add_option(Option(self.item_prompt(item), id=item.key))
        if highlighted is not None:
            items.highlighted = highlighted

    def item_prompt(self, item: Item) -> Text:
        given = self.given.get(item.key)
        mark = MARK[given.answer if given else None]
        style = {Answer.PROBLEM: "bold red", Answer.OK: "green"}.get(
            given.answer if given else None, ""
        )  # type: ignore[arg-type]
        text = Text.assemble((f"{mark} ", style), self.label(item))
        if given and given.count is not None:
            text.append(f"  [{given.count}]", style="dim")
        if item.required and not given:
            text.append(" *", style="dim")
        return text

    def show_progress(self) -> None:
        if self.rebuilding:
            return
        assert self.template is not None
        app = self.lobby_app
        total = len(self.template.items())
        problems = sum(1 for g in self.given.values() if g.answer == Answer.PROBLEM)
        parts = [t("check.progress", done=len(self.given), total=total)]
        if problems:
            parts.append(t("check.problems", count=problems))
        now = local(app.store.clock.now(), app.settings.timezone)
        opening = now.replace(
            hour=app.settings.opening_time.hour, minute=app.settings.opening_time.minute, second=0
        )
        minutes = int((opening - now).total_seconds() // 60)
        level = ""
        if self.signed:
            parts.append(
                t(
                    "check.signed",
                    name=self.signed[0],
                    time=local(self.signed[1], app.settings.timezone).strftime("%H:%M"),
                )
            )
        elif minutes >= 0:
            parts.append(t("check.opens_in", minutes=minutes, time=opening.strftime("%H:%M")))
        else:
            parts.append(t("check.opened_unsigned", time=opening.strftime("%H:%M")))
            level = "bold red"
        self.query_one("#progress", Static).update(Text(" · ".join(parts), style=level))

    def current(self) -> Item | None:
        assert self.template is not None
        items = self.query_one("#items", OptionList)
        if items.highlighted is None:
            return None
        option = items.get_option_at_index(items.highlighted)
        return self.template.item(option.id) if option.id else None

    @on(OptionList.OptionHighlighted, "#items")
    def item_highlighted(self) -> None:
        self.show_item()

    def show_item(self, fresh: bool = False) -> None:
        """Show the highlighted item; `fresh` refills its inputs from what was saved."""
        item = self.current()
        if item is None:
            return
        given = self.given.get(item.key)
        lines = [Text(self.label(item), style="bold")]
        lines.append(Text(t(f"check.kind_{item.kind}", minimum=item.minimum), style="dim"))
        if given:
            lines.append(Text(t("check.answered", answer=t(f"answer.{given.answer.value}"))))
        self.query_one("#item-label", Static).update(Text("\n").join(lines))
        count = self.query_one("#field-count", Field)
        count.display = item.kind == "count"
        if item.key == self.shown and not fresh:
            return  # same item (a language switch, a refresh): keep what is being typed
        self.shown = item.key
        count.input.value = "" if not given or given.count is None else str(given.count)
        count.say("")
        note = self.query_one("#field-note", Field)
        note.input.value = (given.note or "") if given else ""
        note.say("")
        self.say_answer("")

    def say_status(self, message: str) -> None:
        """What was just saved, said after the commit (quieter than a toast mid-list)."""
        app = self.lobby_app
        stamp = local(app.store.clock.now(), app.settings.timezone).strftime("%H:%M:%S")
        self.query_one("#status", Static).update(Text(f"✓ {stamp} {message}", style="green"))

    def say_answer(self, message: str | Text) -> None:
        self.query_one("#error-answer", Static).update(plain(message))

    # Answering -----------------------------------------------------------------------

    def action_answer(self, value: str) -> None:
        if self.template is None:
            return
        item = self.current()
        if item is None:
            return
        answer = Answer(value)
        if (
            item.kind == "count"
            and answer != Answer.NA
            and not self.query_one("#field-count", Field).value
        ):
            # A count is answered by its number: go and type it.
            self.query_one("#field-count", Field).say(t("invalid.count_missing"))
            self.query_one("#input-count", Input).focus()
            return
        # After a problem the manager says what is wrong (Enter), or Esc to skip the note.
        if self.save(item, answer, advance=answer != Answer.PROBLEM) and answer == Answer.PROBLEM:
            self.query_one("#input-note", Input).focus()

    def save(self, item: Item, answer: Answer | None, *, advance: bool = True) -> bool:
        """Commit one answer; only then show it as saved."""
        app = self.lobby_app
        count_field = self.query_one("#field-count", Field)
        note_field = self.query_one("#field-note", Field)
        for field in (count_field, note_field):
            field.say("")
        self.say_answer("")
        with self.guarded(self.show_invalid) as outcome:
            count = (
                parse_count(count_field.value)
                if item.kind == "count" and answer != Answer.NA
                else None
            )
            given = checklist_service.answer_item(
                app.store,
                app.settings,
                day=self.day,
                shift_id=app.shift.id if app.shift else None,
                template=self.template_or_fail,
                item=item,
                label=self.label(item),
                answer=answer,
                count=count,
                note=note_field.value,
                recheck_note=t("check.rechecked"),
            )
        if outcome.failed:
            return False
        self.given[item.key] = given
        items = self.query_one("#items", OptionList)
        items.replace_option_prompt(item.key, self.item_prompt(item))
        self.show_progress()
        self.fill_tasks()
        self.say_status(t("check.saved", item=self.label(item)))
        if advance:
            self.next_open(item)
        else:
            self.show_item(fresh=True)
        return True

    @property
    def template_or_fail(self) -> Template:
        assert self.template is not None
        return self.template

    def show_invalid(self, exc: Invalid) -> None:
        message = invalid_text(exc)
        fields = {"count": "#field-count", "note": "#field-note", "name": "#field-signer"}
        if exc.field in fields:
            self.query_one(fields[exc.field], Field).say(message)
        elif exc.field == "sign_off":
            self.query_one("#field-signer", Field).say(message)
        else:
            self.say_answer(message)

    def next_open(self, after: Item) -> None:
        """Move to the next unanswered item, so a run of OKs is one key each."""
        template = self.template_or_fail
        keys = [i.key for i in template.items()]
        start = keys.index(after.key)
        ordered = keys[start + 1 :] + keys[:start]
        target = next((k for k in ordered if k not in self.given), None)
        items = self.query_one("#items", OptionList)
        if target is not None:
            items.highlighted = items.get_option_index(target)
        items.focus()

    @on(Button.Pressed, "#answer-ok")
    def tap_ok(self) -> None:
        self.tap(Answer.OK)

    @on(Button.Pressed, "#answer-problem")
    def tap_problem(self) -> None:
        self.tap(Answer.PROBLEM)

    @on(Button.Pressed, "#answer-na")
    def tap_na(self) -> None:
        self.tap(Answer.NA)

    def tap(self, answer: Answer) -> None:
        item = self.current()
        if (
            item is not None
            and self.save(item, answer, advance=answer != Answer.PROBLEM)
            and answer == Answer.PROBLEM
        ):
            self.query_one("#input-note", Input).focus()

    @on(OptionList.OptionSelected, "#items")
    def edit_item(self) -> None:
        item = self.current()
        if item is not None:
            target = "#input-count" if item.kind == "count" else "#input-note"
            self.query_one(target, Input).focus()

    @on(Input.Submitted, "#input-count")
    def submit_count(self) -> None:
        item = self.current()
        if item is not None:
            self.save(item, None)

    @on(Input.Submitted, "#input-note")
    def submit_note(self) -> None:
        item = self.current()
        if item is None:
            return
        given = self.given.get(item.key)
        if given is None and item.kind != "count":
            self.say_answer(t("invalid.answer_missing"))
            return
        self.save(item, given.answer if given else None)
        self.query_one("#items", OptionList).focus()

    def action_back_to_list(self) -> None:
        if self.template is not None:
            self.query_one("#items", OptionList).focus()

    # Sign-off ------------------------------------------------------------------------

    def action_sign(self) -> None:
        if self.template is not None:
            self.query_one("#check-tabs", TabbedContent).active = "tab-items"
            self.query_one("#input-signer", Input).focus()

    @on(Button.Pressed, "#sign")
    @on(Input.Submitted, "#input-signer")
    def sign(self) -> None:
        app = self.lobby_app
        signer = self.query_one("#field-signer", Field)
        signer.say("")
        with self.guarded(self.show_invalid) as outcome:
            checklist_service.sign_off(
                app.store, day=self.day, template=self.template_or_fail, name=signer.value
            )
        if outcome.failed:
            return
        self.reload()
        self.say_status(t("check.signed_toast"))

    # Day plan ------------------------------------------------------------------------

    def fill_plan(self) -> None:
        app = self.lobby_app
        lang = app.language
        zone = app.settings.timezone
        plan = dayplan.counters_now(app.store, self.day)
        for channel in channels():
            field = self.query_one(f"#field-counters-{channel.key}", Field)
            field.relabel(channel.label[lang])
            if not field.input.has_focus:
                field.input.value = str(plan.get(channel.key, channel.counters))
        meetings = dayplan.appointments(app.store, self.day)
        table = Table.grid(padding=(0, 2))
        for meeting in meetings:
            table.add_row(
                local(meeting.due_at, zone).strftime("%H:%M"),
                meeting.purpose,
                t("plan.vip") if meeting.vip else "",
                mask(meeting.who),
            )
        self.query_one("#appointment-list", Static).update(
            table if meetings else Text(t("plan.none"), style="dim")
        )
        moves = dayplan.cash_movements(app.store, self.day)
        cash = Table.grid(padding=(0, 2))
        for move in moves:
            cash.add_row(
                local(move.due_at, zone).strftime("%H:%M"),
                t("plan.yuan", amount=f"{move.amount:,}"),
                move.note or "",
            )
        self.query_one("#cash-list", Static).update(
            cash if moves else Text(t("plan.none"), style="dim")
        )
        self.query_one("#forecast", Static).update(self.forecast())

    def forecast(self) -> Text | Table:
        app = self.lobby_app
        result = dayplan.peak_forecast(app.store, app.settings, self.day)
        if not result.has_history:
            return Text(t("plan.no_history"), style="dim")
        top = max(result.per_hour) or 1
        table = Table.grid(padding=(0, 1))
        for offset, value in enumerate(result.per_hour):
            hour = result.first_hour + offset
            peak = hour in result.peaks
            table.add_row(
                f"{hour:02d}",
                Text("█" * round(value / top * 30), style="bold red" if peak else "blue"),
                f"{value:.1f}",
            )
        peaks = ", ".join(f"{h:02d}:00" for h in result.peaks)
        table.add_row("", Text(t("plan.peaks", hours=peaks, days=result.days), style="bold"), "")
        return table

    @on(Input.Submitted)
    def submit_plan_input(self, event: Input.Submitted) -> None:
        name = (event.input.id or "").removeprefix("input-")
        if name.startswith("counters-"):
            self.save_counters(name.removeprefix("counters-"))
        elif name.startswith("appt-"):
            self.add_appointment()
        elif name.startswith("cash-"):
            self.add_cash()
        elif name in ("resolution",):
            self.resolve()
        elif name == "fault-note":
            self.mark_faulty()

    def save_counters(self, channel: str) -> None:
        app = self.lobby_app
        field = self.query_one(f"#field-counters-{channel}", Field)
        field.say("")
        with self.guarded(lambda exc: field.say(invalid_text(exc))) as outcome:
            dayplan.set_counters(app.store, self.day, channel, dayplan.parse_counters(field.value))
        if outcome.failed:
            return
        field.say("")
        self.say_status(t("plan.counters_saved"))

    @on(Button.Pressed, "#appt-add")
    def add_appointment(self) -> None:
        app = self.lobby_app
        fields = {n: self.query_one(f"#field-appt-{n}", Field) for n in ("time", "purpose", "who")}
        for field in fields.values():
            field.say("")
        with self.guarded(
            lambda exc: fields.get(exc.field, fields["purpose"]).say(invalid_text(exc))
        ) as outcome:
            at = dayplan.parse_time(fields["time"].value)
            dayplan.add_appointment(
                app.store,
                app.settings,
                self.day,
                at,
                fields["purpose"].value,
                self.query_one("#appt-vip", Checkbox).value,
                fields["who"].value,
            )
        if outcome.failed:
            return
        for field in fields.values():
            field.input.value = ""
        self.query_one("#appt-vip", Checkbox).value = False
        self.fill_plan()

    @on(Button.Pressed, "#cash-add")
    def add_cash(self) -> None:
        app = self.lobby_app
        fields = {n: self.query_one(f"#field-cash-{n}", Field) for n in ("time", "amount", "note")}
        for field in fields.values():
            field.say("")
        with self.guarded(
            lambda exc: fields.get(exc.field, fields["note"]).say(invalid_text(exc))
        ) as outcome:
            at = dayplan.parse_time(fields["time"].value)
            amount = dayplan.parse_amount(fields["amount"].value)
            dayplan.add_cash_movement(
                app.store, app.settings, self.day, at, amount, fields["note"].value
            )
        if outcome.failed:
            return
        for field in fields.values():
            field.input.value = ""
        self.fill_plan()

    # Tasks and device faults ---------------------------------------------------------

    def fill_tasks(self) -> None:
        app = self.lobby_app
        zone = app.settings.timezone
        listing = self.query_one("#tasks", OptionList)
        listing.clear_options()
        open_now = tasks.open_tasks(app.store)
        for task in open_now:
            prompt = Text.assemble(
                (local(task.created_at, zone).strftime("%H:%M "), "dim"),
                (task.what, "bold red" if task.device_key else ""),
            )
            if task.due_at:
                prompt.append(
                    " " + t("tasks.due", time=local(task.due_at, zone).strftime("%H:%M")),
                    style="dim",
                )
            listing.add_option(Option(prompt, id=task.id))
        if not open_now:
            listing.add_option(Option(Text(t("dash.tasks.empty"), style="dim"), disabled=True))
        devices = [(self.label(d), d.key) for d in self.template_or_fail.devices()]
        self.query_one("#fault-device", Select).set_options(devices)

    @on(Button.Pressed, "#resolve")
    def resolve(self) -> None:
        app = self.lobby_app
        listing = self.query_one("#tasks", OptionList)
        field = self.query_one("#field-resolution", Field)
        field.say("")
        if listing.highlighted is None or not listing.get_option_at_index(listing.highlighted).id:
            field.say(t("tasks.pick_one"))
            return
        task_id = listing.get_option_at_index(listing.highlighted).id
        assert task_id is not None
        with self.guarded(lambda exc: field.say(invalid_text(exc))) as outcome:
            tasks.resolve_task(app.store, task_id, field.value)
        if outcome.failed:
            return
        field.input.value = ""
        self.reload()
        self.say_status(t("tasks.resolved"))

    @on(Button.Pressed, "#fault-add")
    def mark_faulty(self) -> None:
        app = self.lobby_app
        select = self.query_one("#fault-device", Select)
        field = self.query_one("#field-fault-note", Field)
        field.say("")
        if select.value is Select.NULL:
            field.say(t("tasks.device_prompt"))
            return
        device = self.template_or_fail.item(str(select.value))
        note = field.value.strip()
        what = self.label(device) + (f": {note}" if note else "")
        try:
            _task, new = tasks.report_device_fault(
                app.store,
                shift_id=app.shift.id if app.shift else None,
                device_key=device.key,
                channel=device.channel,
                what=what,
            )
        except StoreError as exc:
            app.report_failure(exc)
            return
        field.input.value = ""
        self.fill_tasks()
        self.say_status(
            t("tasks.device_out" if new else "tasks.device_already", device=self.label(device))
        )

    # Language ------------------------------------------------------------------------

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        """Compose again in the new language, keeping whatever was typed and where."""
        focused = self.focused.id if self.focused else None
        highlighted = self.query_one("#items", OptionList).highlighted if self.template else None
        tab = self.query_one("#check-tabs", TabbedContent).active if self.template else None
        typed = await self.recompose_keeping_input()
        if self.template is None:
            return
        if tab:
            self.query_one("#check-tabs", TabbedContent).active = tab
        self.reload()
        self.query_one("#items", OptionList).highlighted = highlighted
        for field in self.query(Input):  # reload() refilled the counters
            if field.id in typed and field.id.startswith("input-counters-"):
                field.value = typed[field.id]
        if focused:
            for widget in self.query(f"#{focused}"):
                widget.focus()
