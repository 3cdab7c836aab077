"""Incidents (R5): open ones first, then today's; for the one in hand its emergency plan as a
checklist with times, who was told and when, the anti-fraud conversation, and the resolution."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, OptionList, Select, Static
from textual.widgets.option_list import Option

from lobby_tui.content import ContentError, checklist_template, fraud_script, incident_catalogue
from lobby_tui.domain.cash import parse_yuan
from lobby_tui.domain.day import at_local, local, when
from lobby_tui.domain.fraud import (
    LEGACY,
    PARTIAL,
    RECEIPT_MAX,
    REPORTED,
    CaseTyped,
    check_case,
    needs_supervisor,
)
from lobby_tui.domain.incidents import ANSWERS, OPEN_ANSWER_MAX, IncidentType, check_fraud
from lobby_tui.domain.parse import parse_time
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen, problem_text
from lobby_tui.screens.modals.supervisor import SupervisorConfirm
from lobby_tui.services import incidents as service
from lobby_tui.services.tasks import report_device_fault
from lobby_tui.widgets.action_bar import ActionBar
from lobby_tui.widgets.columns import FittedTable
from lobby_tui.widgets.field import Field, plain
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldError, Form
from lobby_tui.widgets.shown import fingerprint, update_if_changed
from lobby_tui.widgets.topbar import TopBar

# Today's incidents, the reminders given, the incident whose timeline was read, its timeline.
IncidentsNow = tuple[list[service.Incident], dict[str, int], str | None, list[service.Update]]

SEVERITY_STYLE = {"critical": "bold reverse red", "high": "bold red", "medium": "bold yellow"}


class IncidentsScreen(LobbyScreen):
    PLACE = "incidents"
    BINDINGS = [
        Binding("b", "remind('belongings')", "remind.belongings", show=False),
        Binding("i", "remind('pin')", "remind.pin", show=False),
        Binding("space", "tick", "incident.tick", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="incidents")
        self.problem: ContentError | None = None
        self.listed: list[service.Incident] = []
        self.selected_id: str | None = None
        self.fraud_shown_for: str | None = None
        self.rows_shown: list[tuple[str, tuple[Hashable, ...]]] = []  # the list as drawn
        self.plan_shown: tuple[str, tuple[Hashable, ...]] | None = None  # the plan as drawn

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            catalogue = incident_catalogue()
            script = fraud_script()
        except ContentError as exc:
            self.problem = exc
            yield Static(problem_text(exc), id="content-error")
            yield Static(t("check.template_fix"))
            yield LobbyFooter()
            return
        lang = self.lobby_app.language
        with Horizontal(id="reminders-row"):
            yield Static(id="reminders")
            # The reminders given to the hall, by tap too (R6.3); a plan's step is ticked
            # by tapping it (the list's own select).
            yield ActionBar(self.BINDINGS, ["b", "i"], id="remind-actions")
        with Horizontal(id="incident-body"):
            yield FittedTable(
                flexible="type",
                whole=["time"],
                id="incident-list",
                cursor_type="row",
                zebra_stripes=True,
            )
            with (
                VerticalScroll(id="incident-detail"),
                Form(aliases={"told_at": "told-at"}, fallback="incident", id="incident-form"),
            ):
                yield Static(id="incident-head")
                yield Static(t("incident.plan"), classes="incident-title")
                yield OptionList(id="plan")
                yield Static(t("incident.escalate"), classes="incident-title")
                with Horizontal(classes="incident-row", id="told-row"):
                    yield Select(
                        [(p.label.text(lang), p.id) for p in catalogue.party],
                        id="party",
                        prompt=t("incident.party_select"),
                    )
                    yield Field(
                        "told-at",
                        placeholder=t("incident.told_at_placeholder"),
                        max_length=5,
                        check=lambda typed: typed.strip() and parse_time(typed, "told_at"),
                    )
                    yield Button(t("incident.told"), id="told")
                with Vertical(id="fraud"):
                    yield Static(t("fraud.title"), classes="incident-title")
                    for question in script.question:
                        yield Static(question.label.text(lang))
                        if question.open:  # in the customer's words
                            yield Field(
                                f"q-{question.id}",
                                placeholder=t("fraud.open_placeholder"),
                                max_length=OPEN_ANSWER_MAX,
                            )
                        else:
                            yield Select(
                                [(t(f"fraud.answer.{a}"), a) for a in ANSWERS],
                                id=f"q-{question.id}",
                                prompt=t("fraud.answer_prompt"),
                            )
                    # The case, closed loop (R5.4): what was at stake, how, who was called.
                    yield Static(t("fraud.case_title"), classes="incident-title")
                    yield Field(
                        "fraud-amount",
                        label=t("fraud.amount"),
                        placeholder=t("fraud.amount_placeholder"),
                        max_length=20,
                        check=lambda typed: parse_yuan(typed, "fraud-amount"),
                    )
                    yield Select(
                        [(p.label.text(lang), p.id) for p in script.payee],
                        id="fraud-payee",
                        prompt=t("fraud.payee_prompt"),
                    )
                    yield Select(
                        [(c.label.text(lang), c.id) for c in script.channel],
                        id="fraud-channel",
                        prompt=t("fraud.channel_prompt"),
                    )
                    yield Checkbox(t("fraud.stop_payment"), id="fraud-stop")
                    with Horizontal(classes="incident-row"):
                        yield Checkbox(t("fraud.called_96110"), id="fraud-96110")
                        yield Checkbox(t("fraud.called_110"), id="fraud-110")
                    yield Field(
                        "fraud-receipt",
                        placeholder=t("fraud.receipt_placeholder"),
                        max_length=RECEIPT_MAX + 1,
                    )
                    yield Select(
                        [(o.label.text(lang), o.id) for o in script.outcome],
                        id="outcome",
                        prompt=t("fraud.outcome_prompt"),
                    )
                    yield Field(
                        "fraud-saved",
                        label=t("fraud.saved_amount"),
                        placeholder=t("fraud.saved_placeholder"),
                        max_length=20,
                        check=lambda typed: parse_yuan(typed, "fraud-saved"),
                    )
                    yield Checkbox(t("fraud.follow_up"), id="follow-up", value=True)
                    yield Button(t("fraud.save"), id="fraud-save", variant="primary")
                with Vertical(id="device"):
                    yield Static(t("incident.device_title"), classes="incident-title")
                    with Horizontal(classes="incident-row"):
                        yield Select([], id="device-select", prompt=t("tasks.device_prompt"))
                        yield Button(t("tasks.mark_faulty"), id="device-out", variant="error")
                yield Static(t("incident.status_title"), classes="incident-title")
                with Horizontal(classes="incident-row"):
                    yield Button(t("incident.monitoring"), id="monitoring")
                    yield Field("resolution", placeholder=t("incident.resolution_placeholder"))
                    yield Button(t("incident.resolve"), id="resolve", variant="success")
                yield FieldError("incident", id="error-incident")
                yield Static(t("incident.timeline"), classes="incident-title")
                yield Static(id="timeline")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.set_interval(30, self.tick)
        self.set_up()

    def set_up(self) -> None:
        self.fit_controls()
        if self.problem:
            return
        table = self.query_one("#incident-list", DataTable)
        self.rows_shown, self.plan_shown = [], None  # new widgets (compose again)
        for key in ("time", "type", "status"):  # the type coloured by its severity
            table.add_column(t(f"incident.col_{key}"), key=key)
        try:
            devices = [
                (d.label.text(self.lobby_app.language), d.key)
                for d in checklist_template().devices()
            ]
        except ContentError:
            devices = []
        self.query_one("#device-select", Select).set_options(devices)
        self.reload()

    def on_screen_resume(self) -> None:
        # In the background, and only if something was committed or the minute moved.
        self.tick()

    def kind(self, type_id: str) -> IncidentType:
        return incident_catalogue().of(type_id)

    def read_incidents(self) -> Callable[[], IncidentsNow]:
        """What the screen shows, as a read that may run on any thread: today's incidents,
        the reminders given, and the timeline of the one in hand."""
        store, day, selected = self.lobby_app.store, self.day, self.selected_id

        def read() -> IncidentsNow:
            listed = service.incidents(store, day)
            shown = selected if any(i.id == selected for i in listed) else None
            shown = shown or (listed[0].id if listed else None)
            updates = service.timeline(store, shown) if shown else []
            return listed, service.reminders_today(store, day), shown, updates

        return read

    def reload(self) -> None:
        """Show the incidents as they are now (after this screen's own change)."""
        if self.rebuilding or self.problem:
            return
        self.show_incidents(self.read_incidents()())

    def tick(self) -> None:
        """Every 30 s, in the background: incidents raised or changed on another tablet."""
        if self.rebuilding or self.problem:
            return
        self.read_in_background(
            "incidents", self.read_incidents(), self.show_incidents, if_changed=True
        )

    def show_incidents(self, now: IncidentsNow) -> None:
        self.listed, counts, read_for, updates = now
        app = self.lobby_app
        zone = app.settings.timezone
        lang = app.language
        rows = [
            (
                incident.id,
                (
                    Text(when(incident.raised_at, zone, app.store.clock.now())),
                    Text(
                        self.kind(incident.type).label.text(lang),
                        style=SEVERITY_STYLE.get(incident.severity, ""),
                    ),
                    Text(
                        t(f"incident.status.{incident.status}"),
                        style="dim" if incident.status == "resolved" else "bold",
                    ),
                ),
            )
            for incident in self.listed
        ]
        drawn = [(key, tuple(fingerprint(c) for c in cells)) for key, cells in rows]
        if drawn != self.rows_shown:  # most ticks: nothing new
            self.rows_shown = drawn
            table = self.query_one("#incident-list", DataTable)
            table.clear()
            for key, cells in rows:
                table.add_row(*cells, key=key)
            if self.selected_id and any(i.id == self.selected_id for i in self.listed):
                table.move_cursor(row=[i.id for i in self.listed].index(self.selected_id))
        update_if_changed(
            self.query_one("#reminders", Static),
            Text(t("remind.line", belongings=counts["belongings"], pin=counts["pin"])),
        )
        # The timeline read with the list is the one in hand unless the manager has moved
        # to another incident meanwhile: then it is read again for that one.
        self.show_incident(updates if read_for == self.current_id() else None)

    def first(self) -> str | None:
        return self.listed[0].id if self.listed else None

    def select(self, incident_id: str) -> None:
        self.selected_id = incident_id
        self.reload()

    def current(self) -> service.Incident | None:
        return next((i for i in self.listed if i.id == self.selected_id), None)

    def current_id(self) -> str | None:
        incident = self.current()
        return incident.id if incident else self.first()

    @on(DataTable.RowHighlighted, "#incident-list")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.selected_id = str(event.row_key.value)
        self.show_incident()

    def show_incident(self, updates: list[service.Update] | None = None) -> None:
        """The incident in hand; its timeline read here unless given (read with the list)."""
        incident = self.current()
        if incident is None and self.listed:
            incident = self.listed[0]
            self.selected_id = incident.id
        detail = self.query_one("#incident-detail")
        if incident is None:
            update_if_changed(
                self.query_one("#incident-head", Static), Text(t("incident.none"), style="dim")
            )
            for widget in detail.children[1:]:
                widget.display = False
            return
        for widget in detail.children:
            widget.display = True
        app = self.lobby_app
        zone = app.settings.timezone
        lang = app.language
        kind = self.kind(incident.type)
        catalogue = incident_catalogue()
        zone_label = next((z.label.text(lang) for z in catalogue.zone if z.id == incident.zone), "")
        head = Text.assemble(
            (kind.label.text(lang), "bold"),
            "  ",
            (t(f"severity.{incident.severity}"), SEVERITY_STYLE.get(incident.severity, "")),
            "  ",
            zone_label,
            "  ",
            t("incident.raised", time=when(incident.raised_at, zone, app.store.clock.now())),
            "  ",
            (t(f"incident.status.{incident.status}"), "bold"),
        )
        if kind.discreet:  # an AML concern: said every time it is opened
            head.append("\n" + t("aml.no_tip_off"), style="bold yellow")
        if incident.note:
            head.append(f"\n{incident.note}")
        if incident.resolution_note:
            head.append(
                "\n" + t("incident.resolved_with", note=incident.resolution_note), style="green"
            )
        update_if_changed(self.query_one("#incident-head", Static), head)
        if updates is None:
            updates = service.timeline(app.store, incident.id)
        done = {u.step: u.at for u in updates if u.kind == "step" and u.step is not None}
        plan = self.query_one("#plan", OptionList)
        marks: list[Text] = []
        for number, step in enumerate(kind.steps):
            if number in done:
                mark = Text.assemble(
                    ("✓ ", "green"),
                    (local(done[number], zone).strftime("%H:%M "), "dim"),
                    step.text(lang),
                )
            else:
                mark = Text.assemble("· ", step.text(lang))
            marks.append(mark)
        plan_drawn = (incident.id, tuple(fingerprint(mark) for mark in marks))
        if plan_drawn != self.plan_shown:
            self.plan_shown = plan_drawn
            plan.clear_options()
            plan.add_options(Option(mark, id=f"step-{n}") for n, mark in enumerate(marks))
        self.query_one("#fraud").display = incident.type == "fraud"
        if self.fraud_shown_for != incident.id:  # not on timer refreshes: keep what is chosen
            self.fraud_shown_for = incident.id
            self.show_fraud(updates)
        self.query_one("#device").display = incident.type == "device_fault"
        lines = Text()
        for update in updates:
            lines.append(local(update.at, zone).strftime("%H:%M "), style="dim")
            lines.append(self.describe(update))
            if update.by:  # who did it (R6.5)
                lines.append(f"  — {update.by}", style="dim")
            lines.append("\n")
        update_if_changed(
            self.query_one("#timeline", Static),
            lines or Text(t("incident.no_updates"), style="dim"),
        )

    def show_fraud(self, updates: list[service.Update]) -> None:
        """The conversation as last recorded, so the evidence is seen, not typed again."""
        recorded = [u.payload for u in updates if u.kind == "fraud" and u.payload]
        last = recorded[-1] if recorded else {}
        answers = last.get("answers", {})
        for question in fraud_script().question:
            value = answers.get(question.id) if isinstance(answers, dict) else None
            if question.open:
                self.form.field(f"q-{question.id}").input.value = str(value or "")
                continue
            select = self.query_one(f"#q-{question.id}", Select)
            if value in ANSWERS:
                select.value = value
            else:
                select.clear()
        outcome = self.query_one("#outcome", Select)
        known = {o.id for o in fraud_script().outcome}
        shown = LEGACY.get(str(last.get("outcome") or ""), str(last.get("outcome") or ""))
        if shown in known:
            outcome.value = shown
        else:
            outcome.clear()
        self.form.field("fraud-amount").input.value = str(last.get("amount_at_risk") or "")
        self.form.field("fraud-saved").input.value = (
            str(last.get("amount_saved") or "") if shown == PARTIAL else ""
        )
        self.form.field("fraud-receipt").input.value = str(last.get("receipt_no") or "")
        for name in ("payee", "channel"):
            select = self.query_one(f"#fraud-{name}", Select)
            value = last.get(name)
            if value in {n.id for n in getattr(fraud_script(), name)}:
                select.value = str(value)
            else:
                select.clear()
        reported = last.get("reported") or []
        self.query_one("#fraud-stop", Checkbox).value = bool(last.get("stop_payment"))
        self.query_one("#fraud-96110", Checkbox).value = "96110" in reported  # type: ignore[operator]
        self.query_one("#fraud-110", Checkbox).value = "110" in reported  # type: ignore[operator]

    def describe(self, update: service.Update) -> str:
        if update.kind == "escalated":
            text = t("incident.told_line", party=update.label or update.party or "")
        elif update.kind == "step":
            text = t("incident.step_line", step=update.label or "")
        elif update.kind == "status":
            text = t("incident.status_line", status=t(f"incident.status.{update.label}"))
        elif update.kind == "fraud":
            payload = update.payload or {}
            text = t("incident.fraud_line", outcome=self.outcome_label(str(payload.get("outcome"))))
        else:
            text = update.kind
        return text + (f" — {update.note}" if update.note else "")

    def outcome_label(self, outcome_id: str) -> str:
        lang = self.lobby_app.language
        return next(
            (o.label.text(lang) for o in fraud_script().outcome if o.id == outcome_id), outcome_id
        )

    @property
    def form(self) -> Form:
        return self.query_one("#incident-form", Form)

    def say(self, message: str | Text) -> None:
        self.query_one("#error-incident", Static).update(plain(message))

    # Actions -------------------------------------------------------------------------

    def action_tick(self) -> None:
        """Space (or a tap) on a plan step: done now, with its time."""
        plan = self.query_one("#plan", OptionList)
        incident = self.current()
        if incident is None:
            return
        kind = self.kind(incident.type)
        done = {
            u.step for u in service.timeline(self.lobby_app.store, incident.id) if u.kind == "step"
        }
        if plan.has_focus and plan.highlighted is not None:
            step = plan.highlighted
        else:  # from the list: the next step of the plan not done yet
            step = next((n for n in range(len(kind.steps)) if n not in done), -1)
            if step < 0:
                return
        with self.sending(self.form) as outcome:
            service.tick_step(
                self.lobby_app.store,
                incident.id,
                step,
                kind.steps[step].text(self.lobby_app.language),
            )
        if not outcome.failed:
            self.say("")
            self.reload()
            self.query_one("#plan", OptionList).highlighted = min(step + 1, len(kind.steps) - 1)

    @on(OptionList.OptionSelected, "#plan")
    def step_selected(self) -> None:
        self.action_tick()

    @on(Button.Pressed, "#told")
    def told(self) -> None:
        app = self.lobby_app
        incident = self.current()
        party = self.query_one("#party", Select).value
        field = self.form.field("told-at")
        if incident is None:
            return
        if party is Select.NULL:
            self.form.tell("incident", t("incident.party_prompt"))
            return
        label = next(
            p.label.text(app.language) for p in incident_catalogue().party if p.id == party
        )
        with self.sending(self.form) as outcome:
            now = app.store.clock.now()
            told_at = (
                now
                if not field.value.strip()
                else at_local(self.day, parse_time(field.value, "told_at"), app.settings.timezone)
            )
            service.escalate(app.store, incident.id, party=str(party), label=label, told_at=told_at)
        if not outcome.failed:
            # Who was told next starts blank: a choice left over is one tap from a falsehood.
            self.form.reset(self.query_one("#told-row"))
            self.reload()

    @on(Button.Pressed, "#monitoring")
    def monitoring(self) -> None:
        self.change_status("monitoring")

    @on(Button.Pressed, "#resolve")
    def resolve(self) -> None:
        self.change_status("resolved")

    def change_status(self, status: str) -> None:
        incident = self.current()
        field = self.form.field("resolution")
        if incident is None:
            return
        with self.sending(self.form) as outcome:
            service.set_status(self.lobby_app.store, incident.id, status, field.value)
        if not outcome.failed:
            field.input.value = ""
            self.reload()

    @on(Button.Pressed, "#fraud-save")
    def save_fraud(self) -> None:
        app = self.lobby_app
        incident = self.current()
        if incident is None:
            return
        script = fraud_script()
        answers = {}
        for question in script.question:
            if question.open:
                answers[question.id] = self.form.field(f"q-{question.id}").value
                continue
            value = self.query_one(f"#q-{question.id}", Select).value
            if value is not Select.NULL:
                answers[question.id] = str(value)
        outcome_value = self.query_one("#outcome", Select).value
        chosen = None if outcome_value is Select.NULL else str(outcome_value)
        follow = self.query_one("#follow-up", Checkbox).value

        def picked(name: str) -> str | None:
            value = self.query_one(f"#fraud-{name}", Select).value
            return None if value is Select.NULL else str(value)

        case = CaseTyped(
            amount_at_risk=self.form.field("fraud-amount").value,
            amount_saved=self.form.field("fraud-saved").value,
            payee=picked("payee"),
            channel=picked("channel"),
            stop_payment=self.query_one("#fraud-stop", Checkbox).value,
            reported=tuple(r for r in REPORTED if self.query_one(f"#fraud-{r}", Checkbox).value),
            receipt_no=self.form.field("fraud-receipt").value,
        )

        def record(confirm: tuple[str | None, str] | None = None) -> bool:
            return service.record_fraud(
                app.store,
                script,
                incident.id,
                answers=answers,
                outcome=chosen,
                settings=app.settings,
                case=case,
                follow_up=follow,
                shift_id=app.shift_for_record(),
                confirm=confirm,
            )

        recorded = confirming = False
        with self.sending(self.form) as outcome:
            # Everything checked first: the supervisor is fetched only for a case that
            # would otherwise be recorded as it stands.
            checked = check_fraud(script, answers, chosen)
            check_case(script, chosen, case)
            confirming = needs_supervisor(script, checked, chosen)
            if not confirming:
                recorded = record()
        if outcome.failed:
            return
        if not confirming:
            self.say(t("fraud.saved" if recorded else "fraud.unchanged"))
            self.reload()
            return

        def confirmed(done: bool | None) -> None:
            if done:
                self.say(t("fraud.saved_confirmed"))
                self.reload()
            else:
                self.form.tell("outcome", t("invalid.fraud_supervisor_needed"))

        self.app.push_screen(
            SupervisorConfirm(
                t("fraud.confirm_title"),
                t("fraud.confirm_why"),
                lambda who, pin: record((who, pin)),
            ),
            confirmed,
        )

    @on(Button.Pressed, "#device-out")
    def device_out(self) -> None:
        app = self.lobby_app
        chosen = self.query_one("#device-select", Select).value
        if chosen is Select.NULL:
            self.say(t("tasks.device_prompt"))
            return
        device = checklist_template().item(str(chosen))
        label = device.label.text(app.language)
        with self.sending(self.form) as outcome:
            _task, new = report_device_fault(
                app.store,
                app.settings,
                shift_id=app.shift_for_record(),
                device_key=device.key,
                channel=device.channel,
                label=device.label.model_dump(),
            )
        if not outcome.failed:
            self.form.reset(self.query_one("#device"))  # the next fault: a device chosen afresh
            self.say(t("tasks.device_out" if new else "tasks.device_already", device=label))

    def action_remind(self, kind: str) -> None:
        app = self.lobby_app
        with self.sending(self.form) as outcome:
            count = service.remind(
                app.store, day=self.day, shift_id=app.shift_for_record(), kind=kind
            )
        if not outcome.failed:
            self.say(t(f"remind.saved.{kind}", count=count))
            self.reload()

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        await self.recompose_keeping_input()
        self.fraud_shown_for = None
        self.set_up()
