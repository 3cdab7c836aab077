"""Complaints (R4): the cases, most pressing first, with the one in hand — its clocks, notes,
status, extension, callback, slip and timeline — the intake form, and the quick answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
)

from lobby_tui.content import ContentError, complaint_catalogue, faq
from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.complaints import (
    NAME_MAX,
    PROFILES,
    REASON_MAX,
    SEVERITIES,
    STATUSES,
    Urgency,
    deadline,
)
from lobby_tui.domain.day import local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.i18n import t
from lobby_tui.screens.autosave import Autosave
from lobby_tui.screens.base import LobbyScreen, invalid_text, problem_text
from lobby_tui.services import complaints as service
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.topbar import TopBar

ESCALATION_FIELDS = {"owner": "owner", "promised_by": "promised", "contact_given": "contact"}
REVEAL_SECONDS = 20  # a revealed name and phone are masked again after this
SEVERITY_STYLE = {"critical": "bold reverse red", "high": "bold red", "medium": "bold yellow"}
URGENT = {Urgency.OVERDUE: WaitLevel.RED, Urgency.CALLBACK_LATE: WaitLevel.RED,
          Urgency.SOON: WaitLevel.AMBER,
          Urgency.CALLBACK_DUE: WaitLevel.AMBER}  # fmt: skip


class ComplaintsScreen(LobbyScreen):
    PLACE = "complaints"
    CSS_PATH = "../styles/complaints.tcss"
    AUTO_FOCUS = "#case-list"  # arrows move through the cases at once; search is a tab away
    BINDINGS = [
        Binding("ctrl+s", "save", "complaint.key_save", show=False),
        Binding("ctrl+n", "tab('tab-intake')", "complaint.key_new", show=False),
        Binding("ctrl+l", "tab('tab-cases')", "complaint.key_cases", show=False),
        Binding("ctrl+o", "tab('tab-answers')", "complaint.key_answers", show=False),
        Binding("ctrl+r", "reveal", "complaint.key_reveal", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="complaints")
        self.problem: ContentError | None = None
        self.catalogue: ComplaintCatalogue | None = None
        self.listed: list[service.Complaint] = []
        self.selected_id: str | None = None
        self.revealed: tuple[str, str, str] | None = None  # complaint id, name, phone
        self._hide_timer: Timer | None = None
        self.note_for: str | None = None  # the complaint whose note draft the field holds
        self.note_autosave = Autosave(
            self,
            key=lambda: service.note_draft(self.note_for) if self.note_for else None,
            values=self.note_values,
        )

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        try:
            self.catalogue = complaint_catalogue()
            faq()
        except ContentError as exc:
            self.problem = exc
            yield Static(problem_text(exc), id="content-error")
            yield Static(t("check.template_fix"))
            yield LobbyFooter()
            return
        from lobby_tui.screens.complaint_form import IntakeForm
        from lobby_tui.screens.quick_answers import QuickAnswers

        lang = self.lobby_app.language
        with TabbedContent(id="complaint-tabs"):
            with TabPane(t("complaint.tab_cases"), id="tab-cases"):
                with Horizontal(id="filters"):
                    yield Input(placeholder=t("complaint.find_placeholder"), id="find")
                    yield Select(
                        [
                            (t("complaint.filter_active"), "active"),
                            (t("complaint.filter_all"), "all"),
                        ]
                        + [(t(f"complaint.status.{s}"), s) for s in STATUSES],
                        id="filter-status",
                        value="active",
                        allow_blank=False,
                    )
                    yield Select(
                        [(c.label.text(lang), c.id) for c in self.catalogue.category],
                        id="filter-category",
                        prompt=t("complaint.filter_category"),
                    )
                    yield Select(
                        [(t(f"severity.{s}"), s) for s in SEVERITIES],
                        id="filter-severity",
                        prompt=t("complaint.filter_severity"),
                    )
                    yield Checkbox(t("complaint.filter_overdue"), id="filter-overdue")
                with Horizontal(id="case-body"):
                    yield DataTable(id="case-list", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(id="case-detail"):
                        yield Static(id="case-head")
                        yield Static(id="case-clock")
                        with Horizontal(classes="form-row"):
                            yield Field("note", placeholder=t("complaint.note_placeholder"))
                            yield Button(t("complaint.add_note"), id="add-note")
                        with Horizontal(classes="form-row", id="status-row"):
                            yield Button(t("complaint.to_in_progress"), id="to-in_progress")
                            yield Button(
                                t("complaint.to_resolved"), id="to-resolved", variant="success"
                            )
                            yield Button(t("complaint.to_closed"), id="to-closed")
                            yield Button(t("complaint.reopen"), id="reopen", variant="warning")
                        with Vertical(id="escalate"):
                            yield Static(t("complaint.escalate_title"), classes="form-title")
                            yield SelectionList[str](
                                *[(d.label.text(lang), d.id) for d in self.catalogue.department],
                                id="esc-departments",
                            )
                            with Horizontal(classes="form-row"):
                                yield Field(
                                    "esc-owner",
                                    placeholder=t("complaint.owner"),
                                    max_length=NAME_MAX,
                                )
                                yield Field(
                                    "esc-promised",
                                    placeholder=t("complaint.promised_placeholder"),
                                    max_length=10,
                                )
                            with Horizontal(classes="form-row"):
                                yield Field(
                                    "esc-contact",
                                    placeholder=t("complaint.contact_placeholder"),
                                    max_length=REASON_MAX,
                                )
                                yield Button(t("complaint.escalate"), id="escalate-now")
                        with Vertical(id="callback"):
                            yield Static(t("complaint.callback_title"), classes="form-title")
                            with Horizontal(classes="form-row"):
                                yield Select(
                                    [
                                        (t("complaint.cb_reached"), "yes"),
                                        (t("complaint.cb_not_reached"), "no"),
                                    ],
                                    id="cb-reached",
                                    prompt=t("complaint.cb_reached_prompt"),
                                )
                                yield Select(
                                    [
                                        (t("complaint.cb_solved"), "yes"),
                                        (t("complaint.cb_unsolved"), "no"),
                                    ],
                                    id="cb-solved",
                                    prompt=t("complaint.cb_solved_prompt"),
                                )
                                yield Select(
                                    [
                                        (t(f"complaint.satisfaction.{n}"), str(n))
                                        for n in range(5, 0, -1)
                                    ],
                                    id="cb-satisfaction",
                                    prompt=t("complaint.cb_satisfaction_prompt"),
                                )
                            yield Button(t("complaint.cb_save"), id="cb-save", variant="primary")
                        with Vertical(id="extension"):
                            yield Static(t("complaint.extension_title"), classes="form-title")
                            with Horizontal(classes="form-row"):
                                yield Field(
                                    "approver",
                                    placeholder=t("complaint.approver_placeholder"),
                                    max_length=NAME_MAX,
                                )
                                yield Field(
                                    "reason",
                                    placeholder=t("complaint.reason_placeholder"),
                                    max_length=REASON_MAX,
                                )
                                yield Button(t("complaint.extend"), id="extend")
                        with Horizontal(classes="form-row"):
                            yield Button(t("complaint.slip"), id="slip")
                            yield Button(t("complaint.reveal"), id="reveal")
                        yield Static("", id="error-case", classes="field-error")
                        yield Static(t("complaint.timeline"), classes="form-title")
                        yield Static(id="case-timeline")
            with TabPane(t("complaint.tab_new"), id="tab-intake"):
                yield IntakeForm(self.lobby_app)
            with TabPane(t("complaint.tab_answers"), id="tab-answers"):
                yield QuickAnswers(self.lobby_app)
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.set_interval(60, self.reload)  # the clocks move on
        self.set_up()

    def set_up(self) -> None:
        self.fit_controls()
        if self.problem:
            return
        table = self.query_one("#case-list", DataTable)
        for key in ("case", "due", "status", "what"):  # what matters most, first
            table.add_column(t(f"complaint.col_{key}"), key=key)
        self.reload()

    def on_screen_resume(self) -> None:
        from lobby_tui.screens.complaint_form import IntakeForm

        if not self.problem:
            self.reload()
            self.query_one(IntakeForm).refresh_incidents()  # one raised since can be linked

    # The list ---------------------------------------------------------------------------

    def wanted(self) -> service.Filter:
        def value(select_id: str) -> str | None:
            chosen = self.query_one(select_id, Select).value
            return None if chosen is Select.NULL else str(chosen)

        return service.Filter(
            text=self.query_one("#find", Input).value,
            status=value("#filter-status") or "active",
            category=value("#filter-category"),
            severity=value("#filter-severity"),
            overdue=self.query_one("#filter-overdue", Checkbox).value,
        )

    def reload(self) -> None:
        if self.rebuilding or self.problem:
            return
        app = self.lobby_app
        assert self.catalogue is not None
        lang = app.language
        now = app.store.clock.now()
        soon = app.settings.complaint_soon_days
        self.listed = service.find(app.store, app.settings, self.wanted())
        table = self.query_one("#case-list", DataTable)
        table.clear()
        for complaint in self.listed:
            level = complaint.urgency(now, soon)
            style = self.wait_style(URGENT.get(level, WaitLevel.OK))
            due = self.due_text(complaint, level)
            table.add_row(
                Text(complaint.case_no, style=style),
                Text(due, style=style),
                Text(
                    t(f"complaint.status.{complaint.status}"),
                    style="dim" if level == Urgency.DONE else "",
                ),
                Text(
                    complaint.subject or self.catalogue.label("category", complaint.category, lang),
                    style=SEVERITY_STYLE.get(complaint.severity, ""),
                    overflow="ellipsis",
                    no_wrap=True,
                ),
                key=complaint.id,
            )
        if not self.listed:
            table.add_row(Text(t("complaint.none"), style="dim"), "", "", "", key="none")
        if self.selected_id and any(c.id == self.selected_id for c in self.listed):
            table.move_cursor(row=[c.id for c in self.listed].index(self.selected_id))
        elif self.listed:
            self.selected_id = self.listed[0].id
        self.show_complaint()

    def due_text(self, complaint: service.Complaint, level: Urgency) -> str:
        zone = self.lobby_app.settings.timezone
        if level in (Urgency.CALLBACK_DUE, Urgency.CALLBACK_LATE, Urgency.AWAITING_CALLBACK):
            at = complaint.callback_due_at
            return t("complaint.callback_on", date=local(at, zone).strftime("%m-%d")) if at else ""
        if level == Urgency.DONE:
            return ""
        at = deadline(complaint.decision_due_at, complaint.promised_by)
        text = local(at, zone).strftime("%m-%d") if at else ""
        return t("complaint.overdue_since", date=text) if level == Urgency.OVERDUE else text

    @on(Input.Changed, "#find")
    @on(Select.Changed, "#filter-status, #filter-category, #filter-severity")
    @on(Checkbox.Changed, "#filter-overdue")
    def _filter(self) -> None:
        self.reload()

    @on(DataTable.RowHighlighted, "#case-list")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = str(event.row_key.value)
        if key != "none" and key != self.selected_id:
            self.selected_id = key
            self.show_complaint()

    def current(self) -> service.Complaint | None:
        return next((c for c in self.listed if c.id == self.selected_id), None)

    # The one in hand ---------------------------------------------------------------------

    def show_complaint(self) -> None:
        complaint = self.current()
        detail = self.query_one("#case-detail")
        if complaint is None:
            self.query_one("#case-head", Static).update(
                Text(t("complaint.none_selected"), style="dim")
            )
            for widget in detail.children[1:]:
                widget.display = False
            return
        for widget in detail.children:
            widget.display = True
        self.note_autosave.flush()
        if self.note_for != complaint.id:  # the note typed for this complaint comes back
            self.note_for = complaint.id
            draft = self.note_autosave.load()
            text = str(draft[0].get("note", "")) if draft else ""
            self.query_one("#input-note", Input).value = text
            self.note_autosave.remember({"note": text})
        app = self.lobby_app
        assert self.catalogue is not None
        lang = app.language
        zone = app.settings.timezone
        catalogue = self.catalogue
        head = Text.assemble(
            (complaint.case_no, "bold"),
            "  ",
            (t(f"complaint.status.{complaint.status}"), "bold"),
            "  ",
            (t(f"severity.{complaint.severity}"), SEVERITY_STYLE.get(complaint.severity, "")),
            "\n",
            catalogue.label("category", complaint.category, lang),
            " · ",
            t(f"complaint.via.{complaint.via}"),
            " · ",
            local(complaint.received_at, zone).strftime("%Y-%m-%d %H:%M"),
        )
        if complaint.subject:
            head.append("\n" + complaint.subject, style="bold")
        head.append("\n" + t("complaint.customer_line", who=self.customer(complaint)))
        if complaint.responsibility:
            head.append(
                "\n"
                + t(
                    "complaint.responsibility_line",
                    who=catalogue.label("responsibility", complaint.responsibility, lang),
                )
            )
        head.append("\n“" + complaint.description + "”", style="italic")
        if complaint.wants:
            head.append("\n" + t("complaint.wants_line", wants=complaint.wants))
        if complaint.empathy:
            head.append(
                "\n"
                + t(
                    "complaint.empathy_line",
                    steps=t("list.sep").join(
                        catalogue.label("empathy", s, lang) for s in complaint.empathy
                    ),
                ),
                style="dim",
            )
        if complaint.departments:
            head.append(
                "\n"
                + t(
                    "complaint.departments_line",
                    departments=t("list.sep").join(
                        catalogue.label("department", d, lang) for d in complaint.departments
                    ),
                )
            )
        if complaint.owner:
            head.append("\n" + t("complaint.owner_line", owner=complaint.owner))
        if complaint.action_taken:
            head.append(
                "\n" + t("complaint.action_line", action=complaint.action_taken), style="green"
            )
        if complaint.arrival_ticket:
            head.append("\n" + t("complaint.arrival_line", ticket=complaint.arrival_ticket))
        self.query_one("#case-head", Static).update(head)
        self.query_one("#case-clock", Static).update(self.clock_text(complaint))
        status = complaint.status
        self.query_one("#to-in_progress").display = status == "new"
        self.query_one("#to-resolved").display = status in ("new", "in_progress")
        self.query_one("#to-closed").display = status in ("resolved", "callback_done")
        self.query_one("#reopen").display = status in ("resolved", "callback_done", "closed")
        self.query_one("#callback").display = status == "resolved"
        self.query_one("#escalate").display = status in ("new", "in_progress") and (
            complaint.outcome is None
        )
        profile = PROFILES.get(complaint.profile)
        self.query_one("#extension").display = bool(
            status in ("new", "in_progress")
            and profile
            and profile.extended_days
            and not complaint.extended_by
        )
        self.query_one("#reveal").display = bool(complaint.name_masked or complaint.phone_masked)
        lines = Text()
        for update in service.timeline(app.store, complaint.id):
            lines.append(local(update.at, zone).strftime("%m-%d %H:%M "), style="dim")
            lines.append(self.describe(update) + "\n")
        self.query_one("#case-timeline", Static).update(lines)

    def customer(self, complaint: service.Complaint) -> str:
        if self.revealed and self.revealed[0] == complaint.id:
            return " ".join(p for p in self.revealed[1:] if p) or "—"
        if not (complaint.name_masked or complaint.phone_masked):
            return t("complaint.anonymous")
        return " ".join(p for p in (complaint.name_masked, complaint.phone_masked) if p)

    def clock_text(self, complaint: service.Complaint) -> Text:
        app = self.lobby_app
        zone = app.settings.timezone
        now = app.store.clock.now()
        level = complaint.urgency(now, app.settings.complaint_soon_days)
        style = self.wait_style(URGENT.get(level, WaitLevel.OK))

        def day(at: datetime | None) -> str:
            return local(at, zone).strftime("%Y-%m-%d") if at else "—"

        text = Text()
        if complaint.decision_due_at and complaint.status in ("new", "in_progress"):
            text.append(
                t(
                    "complaint.decision_due",
                    date=day(complaint.decision_due_at),
                    profile=t(f"complaint.profile.{complaint.profile}"),
                ),
                style=style,
            )
            if complaint.promised_by:
                text.append(
                    "\n" + t("complaint.promised_line", date=day(complaint.promised_by)),
                    style=style,
                )
            if complaint.extended_by:
                text.append(
                    "\n"
                    + t(
                        "complaint.extended_line",
                        approver=complaint.extended_by,
                        reason=complaint.extension_reason or "",
                    )
                )
        if complaint.status == "resolved" and complaint.callback_due_at:
            text.append(
                t("complaint.callback_due", date=day(complaint.callback_due_at)), style=style
            )
        if complaint.satisfaction:
            text.append("\n" + t("complaint.satisfaction_line", score=complaint.satisfaction))
        if level == Urgency.OVERDUE:
            text.append("\n" + t("complaint.overdue_warning"), style=style)
        elif level == Urgency.CALLBACK_LATE:
            text.append("\n" + t("complaint.callback_late_warning"), style=style)
        return text

    def describe(self, update: service.Update) -> str:
        if update.kind == "callback":
            payload = update.payload or {}
            if not payload.get("reached"):
                text = t("complaint.line.callback_missed")
            else:
                text = t(
                    "complaint.line.callback_solved"
                    if payload.get("solved")
                    else "complaint.line.callback_unsolved",
                    score=payload.get("satisfaction", ""),
                )
        elif update.kind == "extended":
            payload = update.payload or {}
            text = t("complaint.line.extended", approver=payload.get("approver", ""))
        elif update.kind in ("received", "resolved", "escalated", "reopened", "note", "status"):
            text = t(
                f"complaint.line.{update.kind}",
                status=t(f"complaint.status.{update.to_status}") if update.to_status else "",
            )
        else:
            text = update.kind
        return text + (f" — {update.note}" if update.note else "")

    def say(self, message: str) -> None:
        self.query_one("#error-case", Static).update(Text(message))

    # The note draft -----------------------------------------------------------------------

    @on(Input.Changed, "#input-note")
    def _note_typed(self) -> None:
        self.note_autosave.changed()

    def note_values(self) -> dict[str, object]:
        return {"note": self.query_one("#input-note", Input).value}

    # Actions -----------------------------------------------------------------------------

    def act(self, do: Callable[[], object], uses_note: bool = True) -> bool:
        """Run a change to the complaint in hand; bad input beside the note or the form.
        The note it used is emptied and its draft goes; on bad input the note stays, saved."""
        if uses_note:
            self.note_autosave.cancel()
        note = self.query_one("#field-note", Field)
        note.say("")
        self.say("")

        def say(exc: Invalid) -> None:
            text = invalid_text(exc)
            if exc.field in ("note", "callback_note"):
                note.say(text)
            elif exc.field in ("approver", "reason"):
                self.query_one(f"#field-{exc.field}", Field).say(text)
            elif exc.field in ESCALATION_FIELDS:
                self.query_one(f"#field-esc-{ESCALATION_FIELDS[exc.field]}", Field).say(text)
            else:
                self.say(text)

        with self.guarded(say) as outcome:
            do()
        if outcome.failed:
            if uses_note:
                self.note_autosave.save()
            return False
        if uses_note:
            note.input.value = ""
            self.note_autosave.discard()
        self.reload()
        return True

    @on(Button.Pressed, "#add-note")
    @on(Input.Submitted, "#input-note")
    def add_note(self) -> None:
        complaint = self.current()
        if complaint is None:
            return
        note = self.query_one("#input-note", Input)
        self.act(lambda: service.add_note(self.lobby_app.store, complaint.id, note.value))

    @on(Button.Pressed, "#to-in_progress, #to-resolved, #to-closed, #reopen")
    def change_status(self, event: Button.Pressed) -> None:
        complaint = self.current()
        if complaint is None or event.button.id is None:
            return
        wanted = "in_progress" if event.button.id == "reopen" else event.button.id[3:]
        note = self.query_one("#input-note", Input)
        app = self.lobby_app
        self.act(
            lambda: service.set_status(app.store, app.settings, complaint.id, wanted, note.value)
        )

    @on(Button.Pressed, "#cb-save")
    def callback(self) -> None:
        complaint = self.current()
        if complaint is None:
            return
        reached = self.query_one("#cb-reached", Select).value
        if reached is Select.NULL:
            self.say(t("complaint.cb_reached_prompt"))
            return
        solved = self.query_one("#cb-solved", Select).value
        score = self.query_one("#cb-satisfaction", Select).value
        note = self.query_one("#input-note", Input)

        def do() -> None:
            service.record_callback(
                self.lobby_app.store,
                complaint.id,
                reached=reached == "yes",
                solved=None if solved is Select.NULL else solved == "yes",
                satisfaction=None if score is Select.NULL else int(str(score)),
                note=note.value,
            )

        if self.act(do):
            for select_id in ("#cb-reached", "#cb-solved", "#cb-satisfaction"):
                self.query_one(select_id, Select).clear()

    @on(Button.Pressed, "#escalate-now")
    def escalate(self) -> None:
        """Escalated after intake (R4.4, R4.5): departments, owner, promise and contact."""
        complaint = self.current()
        if complaint is None or self.catalogue is None:
            return
        app = self.lobby_app
        catalogue = self.catalogue
        fields = {
            n: self.query_one(f"#field-esc-{n}", Field) for n in ("owner", "promised", "contact")
        }
        for field in fields.values():
            field.say("")
        departments = tuple(self.query_one("#esc-departments", SelectionList).selected)

        def do() -> None:
            promised = service.parse_promise(
                fields["promised"].value, app.settings, complaint.received_at
            )
            service.escalate(
                app.store,
                app.settings,
                catalogue,
                complaint.id,
                departments=departments,
                owner=fields["owner"].value,
                promised_by=promised,
                contact=fields["contact"].value,
            )

        if self.act(do, uses_note=False):
            for field in fields.values():
                field.input.value = ""
            self.query_one("#esc-departments", SelectionList).deselect_all()

    @on(Button.Pressed, "#extend")
    def extend(self) -> None:
        complaint = self.current()
        if complaint is None:
            return
        approver = self.query_one("#field-approver", Field)
        reason = self.query_one("#field-reason", Field)
        approver.say("")
        reason.say("")
        if self.act(
            lambda: service.extend(
                self.lobby_app.store, complaint.id, approver.value, reason.value
            ),
            uses_note=False,
        ):
            approver.input.value = ""
            reason.input.value = ""

    @on(Button.Pressed, "#slip")
    def slip(self) -> None:
        from lobby_tui.screens.slip import SlipDialog, slip_text

        complaint = self.current()
        if complaint is None or self.catalogue is None:
            return
        app = self.lobby_app
        text = slip_text(complaint, app.settings, self.catalogue, app.language)
        self.app.push_screen(SlipDialog(text, complaint.case_no, app.store.path.parent / "slips"))

    @on(Button.Pressed, "#reveal")
    def action_reveal(self) -> None:
        """Name and phone shown on purpose (to call back), logged, masked again soon."""
        complaint = self.current()
        if complaint is None:
            return
        with self.guarded(lambda exc: self.say(invalid_text(exc))) as outcome:
            name, phone = service.reveal(self.lobby_app.store, complaint.id)
        if outcome.failed:
            return
        self.revealed = (complaint.id, name, phone)
        if self._hide_timer is not None:
            self._hide_timer.stop()
        self._hide_timer = self.set_timer(REVEAL_SECONDS, self.hide)
        self.show_complaint()

    def hide(self) -> None:
        self.revealed = None
        self._hide_timer = None
        if not self.problem:
            self.show_complaint()

    def action_tab(self, tab: str) -> None:
        """Ctrl+N, Ctrl+L, Ctrl+O: the form opens on what the customer says, the list on
        the cases, the quick answers on their search."""
        if self.problem:
            return
        self.query_one("#complaint-tabs", TabbedContent).active = tab
        focus = {
            "tab-intake": "#description",
            "tab-cases": "#case-list",
            "tab-answers": "#answer-find",
        }
        self.query_one(focus[tab]).focus()

    def action_save(self) -> None:
        from lobby_tui.screens.complaint_form import IntakeForm

        if self.problem:
            return
        tabs = self.query_one("#complaint-tabs", TabbedContent)
        if tabs.active != "tab-intake":
            return
        self.save_complaint(self.query_one(IntakeForm))

    @on(Button.Pressed, "#save-complaint")
    def _save_pressed(self) -> None:
        self.action_save()

    def save_complaint(self, form: object) -> None:
        from lobby_tui.screens.complaint_form import IntakeForm

        assert isinstance(form, IntakeForm) and self.catalogue is not None
        app = self.lobby_app
        form.autosave.flush()
        found: tuple[str, str] | None = None
        with self.guarded(lambda exc: form.say(exc, invalid_text(exc))) as outcome:
            values = form.values()
            found = service.take_complaint(
                app.store,
                app.settings,
                self.catalogue,
                form.intake(),
                shift_id=app.shift.id if app.shift else None,
                arrival_ticket=str(values["arrival"]),
                incident_id=str(values["incident"]) if values["incident"] else None,
                enquiry_id=form.enquiry_id,
            )
        if outcome.failed or found is None:
            return
        complaint_id, case_no = found
        form.clear()
        self.selected_id = complaint_id
        self.query_one("#filter-status", Select).value = "active"
        self.action_tab("tab-cases")
        self.reload()
        self.notify(t("complaint.saved", case=case_no), timeout=6)

    def on_quick_answers_to_complaint(self, message: object) -> None:
        from lobby_tui.screens.complaint_form import IntakeForm
        from lobby_tui.screens.quick_answers import QuickAnswers

        assert isinstance(message, QuickAnswers.ToComplaint)
        self.query_one(IntakeForm).start_from_enquiry(message.topic, message.enquiry_id)
        self.action_tab("tab-intake")
        self.query_one("#description").focus()

    def on_screen_suspend(self) -> None:
        self.flush_drafts()

    def flush_drafts(self) -> None:
        """Leaving the place or the app: what was typed is saved now, not half a second
        later."""
        from lobby_tui.screens.complaint_form import IntakeForm

        if not self.problem:
            self.note_autosave.flush()
            self.query_one(IntakeForm).autosave.flush()

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        from lobby_tui.screens.complaint_form import IntakeForm

        active = None
        if not self.problem:
            self.query_one(IntakeForm).autosave.flush()  # the form comes back from its draft
            self.note_autosave.flush()
            active = self.query_one("#complaint-tabs", TabbedContent).active
        await self.recompose_keeping_input()
        self.note_for = None
        self.set_up()
        if active and not self.problem:
            self.query_one("#complaint-tabs", TabbedContent).active = active
