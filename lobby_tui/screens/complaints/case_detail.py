"""The case in hand (R4.6–R4.8): its clocks, a note, its status, an escalation after intake,
an extension, the callback, the customer's slip and the timeline. A change is saved at once;
the panel then says the case changed, so the list shows it too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input, Select, SelectionList, Static

from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.complaints import (
    APPROVER_LEVELS,
    NAME_MAX,
    PROFILES,
    REASON_MAX,
    TOLD_HOW,
    Urgency,
    parse_promise,
)
from lobby_tui.domain.day import local
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.i18n import t
from lobby_tui.screens.complaints.cases import SEVERITY_STYLE, URGENT
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import complaints as service
from lobby_tui.store import parse_iso
from lobby_tui.widgets.autosave import Autosave, Drafts
from lobby_tui.widgets.browser_keys import key_to_say
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import FieldError, Form

REVEAL_SECONDS = 20  # a revealed name and phone are masked again after this
# The services' names for the fields of this panel.
ALIASES = {"callback_note": "note", "owner": "esc-owner", "promised_by": "esc-promised",
           "contact_given": "esc-contact"}  # fmt: skip


class CaseDetail(VerticalScroll):
    @dataclass
    class Changed(Message):
        """The case was changed (a note, a status, an escalation…): list it again."""

        detail: CaseDetail
        complaint_id: str

        @property
        def control(self) -> CaseDetail:
            return self.detail

    @dataclass
    class SlipWanted(Message):
        """The customer's slip for the case in hand, to show in a dialog."""

        detail: CaseDetail
        complaint: service.Complaint

        @property
        def control(self) -> CaseDetail:
            return self.detail

    def __init__(self, catalogue: ComplaintCatalogue, language: str, drafts: Drafts) -> None:
        super().__init__(id="case-detail")
        self.catalogue = catalogue
        self.language = language
        self.complaint: service.Complaint | None = None
        self.revealed: tuple[str, str, str] | None = None  # complaint id, name, phone
        self.timeline: tuple[str, list[service.Update]] | None = None  # complaint id, shown
        self._hide_timer: Timer | None = None
        self.note_for: str | None = None  # the complaint whose note draft the field holds
        self.note_autosave = Autosave(
            self,
            drafts,
            key=lambda: service.note_draft(self.note_for) if self.note_for else None,
            values=self.note_values,
        )

    def compose(self) -> ComposeResult:
        yield Static(id="case-head")
        with Form(aliases=ALIASES, fallback="case", id="case-actions"):
            yield Static(id="case-clock")
            with Horizontal(classes="form-row"):
                yield Field("note", placeholder=t("complaint.note_placeholder"))
                yield Button(t("complaint.add_note"), id="add-note")
            with Horizontal(classes="form-row", id="status-row"):
                yield Button(t("complaint.to_in_progress"), id="to-in_progress")
                yield Button(t("complaint.to_resolved"), id="to-resolved", variant="success")
                yield Select(
                    [(c.label.text(self.language), c.id) for c in self.catalogue.root_cause],
                    id="root-cause",
                    prompt=t("complaint.root_cause_prompt"),
                )
                yield Button(t("complaint.to_closed"), id="to-closed")
                yield Button(t("complaint.reopen"), id="reopen", variant="warning")
            with Form(id="escalate"):
                yield Static(t("complaint.escalate_title"), classes="form-title")
                yield SelectionList[str](
                    *[(d.label.text(self.language), d.id) for d in self.catalogue.department],
                    id="esc-departments",
                )
                with Horizontal(classes="form-row"):
                    yield Field("esc-owner", placeholder=t("complaint.owner"), max_length=NAME_MAX)
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
            with Form(id="callback"):
                yield Static(t("complaint.callback_title"), classes="form-title")
                with Horizontal(classes="form-row"):
                    yield Select(
                        [(t("complaint.cb_reached"), "yes"), (t("complaint.cb_not_reached"), "no")],
                        id="cb-reached",
                        prompt=t("complaint.cb_reached_prompt"),
                    )
                    yield Select(
                        [(t("complaint.cb_solved"), "yes"), (t("complaint.cb_unsolved"), "no")],
                        id="cb-solved",
                        prompt=t("complaint.cb_solved_prompt"),
                    )
                    yield Select(
                        [(t(f"complaint.satisfaction.{n}"), str(n)) for n in range(5, 0, -1)],
                        id="cb-satisfaction",
                        prompt=t("complaint.cb_satisfaction_prompt"),
                    )
                yield Button(t("complaint.cb_save"), id="cb-save", variant="primary")
            with Form(id="extension"):
                yield Static(t("complaint.extension_title"), classes="form-title")
                yield Static(id="extension-step")
                with Horizontal(classes="form-row"):
                    yield Select(
                        self.told_options(),
                        id="extension-how",
                        prompt=t("complaint.told_how_prompt"),
                    )
                    yield Select(
                        [(t(f"complaint.approver_level.{v}"), v) for v in APPROVER_LEVELS],
                        id="extension-level",
                        prompt=t("complaint.approver_level_prompt"),
                    )
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
            with Form(id="progress"):
                yield Static(t("complaint.progress_title"), classes="form-title")
                with Horizontal(classes="form-row"):
                    yield Select(
                        self.told_options(),
                        id="progress-how",
                        prompt=t("complaint.told_how_prompt"),
                    )
                    yield Button(t("complaint.progress_save"), id="progress-save")
            with Form(id="handoff"):
                yield Static(t("complaint.handoff_title"), classes="form-title")
                yield Static(id="handoff-list")
                with Horizontal(classes="form-row"):
                    yield Select(
                        [(d.label.text(self.language), d.id) for d in self.catalogue.department],
                        id="handoff-department",
                        prompt=t("complaint.handoff_department_prompt"),
                    )
                    yield Button(t("complaint.handoff_send"), id="handoff-send")
                with Horizontal(classes="form-row", id="handoff-move-row"):
                    yield Select([], id="handoff-pick", prompt=t("complaint.handoff_pick_prompt"))
                    yield Button(t("complaint.handoff_to.accepted"), id="handoff-accepted")
                    yield Button(t("complaint.handoff_to.answered"), id="handoff-answered")
                    yield Button(t("complaint.handoff_to.returned"), id="handoff-returned")
            yield FieldError("case", id="error-case")
            yield Static(t("complaint.timeline"), classes="form-title")
            yield Static(id="case-timeline")

    @staticmethod
    def told_options() -> list[tuple[str, str]]:
        return [(t(f"complaint.told.{v}"), v) for v in TOLD_HOW]

    @property
    def actions(self) -> Form:
        return self.query_one("#case-actions", Form)

    # Showing ------------------------------------------------------------------------------

    def show(
        self, complaint: service.Complaint | None, updates: list[service.Update] | None = None
    ) -> None:
        """The case in hand; its timeline as read with it (`updates`), else read in the
        background (the manager moving through the list never waits for it)."""
        self.complaint = complaint
        actions = self.actions
        if complaint is None:
            self.query_one("#case-head", Static).update(
                Text(t("complaint.none_selected", key=key_to_say("ctrl+n")), style="dim")
            )
            actions.display = False
            return
        actions.display = True
        self.note_autosave.flush()
        if self.note_for != complaint.id:  # the note typed for this complaint comes back
            self.note_for = complaint.id
            draft = self.note_autosave.load()
            text = str(draft[0].get("note", "")) if draft else ""
            self.query_one("#input-note", Input).value = text
            self.note_autosave.remember({"note": text})
        self.query_one("#case-head", Static).update(self.head_text(complaint))
        self.query_one("#case-clock", Static).update(self.clock_text(complaint))
        status = complaint.status
        self.query_one("#to-in_progress").display = status == "new"
        self.query_one("#to-resolved").display = status in ("new", "in_progress")
        self.query_one("#to-closed").display = status in ("resolved", "callback_done")
        self.query_one("#root-cause").display = status in ("resolved", "callback_done")
        self.query_one("#progress").display = status in ("new", "in_progress")
        self.query_one("#handoff").display = status in ("new", "in_progress")
        self.query_one("#reopen").display = status in ("resolved", "callback_done", "closed")
        self.query_one("#callback").display = status == "resolved"
        self.query_one("#escalate").display = status in ("new", "in_progress") and (
            complaint.outcome is None
        )
        profile = PROFILES.get(complaint.profile)
        steps = len(profile.extensions) if profile else 0
        self.query_one("#extension").display = bool(
            status in ("new", "in_progress") and complaint.extensions < steps
        )
        further = complaint.extensions >= 1
        self.query_one("#extension-level").display = further
        self.query_one("#extension-step", Static).update(
            t("complaint.extension_step2" if further else "complaint.extension_step1")
        )
        store = lobby_of(self).store
        # Read off the UI thread like the timeline: moving through the list never waits.
        place_of(self).read_in_background(
            "handoffs",
            lambda: (complaint.id, service.handoffs(store, complaint.id)),
            lambda read: self.show_handoffs(*read),
        )
        self.query_one("#reveal").display = bool(complaint.name_masked or complaint.phone_masked)
        if updates is not None:
            self.show_timeline(complaint.id, updates)
            return
        place_of(self).read_in_background(
            "timeline",
            lambda: (complaint.id, service.timeline(store, complaint.id)),
            lambda read: self.show_timeline(*read),
        )

    def show_handoffs(self, complaint_id: str, found: list[service.Handoff]) -> None:
        """Each hand-off with its status and the date it got there (R4.5)."""
        if self.complaint is None or self.complaint.id != complaint_id:
            return  # the manager has moved on to another case
        zone = lobby_of(self).settings.timezone
        lines = Text()
        options: list[tuple[str, str]] = []
        for h in found:
            at = {"accepted": h.accepted_at, "answered": h.answered_at,
                  "returned": h.returned_at}.get(h.status) or h.sent_at  # fmt: skip
            department = self.catalogue.label("department", h.department, self.language)
            status = t(f"complaint.handoff.{h.status}")
            lines.append(
                t(
                    "complaint.handoff_line",
                    department=department,
                    status=status,
                    date=local(at, zone).strftime("%m-%d %H:%M"),
                )
                + (f" — {h.note}" if h.note else "")
                + "\n"
            )
            if h.status in ("sent", "accepted"):
                options.append((f"{department} · {status}", h.id))
        self.query_one("#handoff-list", Static).update(lines)
        self.query_one("#handoff-list").display = bool(found)
        pick = self.query_one("#handoff-pick", Select)
        pick.set_options(options)
        if len(options) == 1:
            pick.value = options[0][1]
        self.query_one("#handoff-move-row").display = bool(options)

    def show_timeline(self, complaint_id: str, updates: list[service.Update]) -> None:
        if self.complaint is None or self.complaint.id != complaint_id:
            return  # the manager has moved on to another case
        self.timeline = (complaint_id, updates)
        zone = lobby_of(self).settings.timezone
        lines = Text()
        for update in updates:
            lines.append(local(update.at, zone).strftime("%m-%d %H:%M "), style="dim")
            lines.append(self.describe(update))
            if update.by:  # who did it (R6.5)
                lines.append(f"  — {update.by}", style="dim")
            lines.append("\n")
        self.query_one("#case-timeline", Static).update(lines)

    def timeline_of(self, complaint: service.Complaint | None) -> list[service.Update] | None:
        """The timeline already shown for `complaint`, if it is the one shown."""
        if complaint is None or self.timeline is None or self.timeline[0] != complaint.id:
            return None
        return self.timeline[1]

    def head_text(self, complaint: service.Complaint) -> Text:
        lang = self.language
        zone = lobby_of(self).settings.timezone
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
            who = catalogue.label("responsibility", complaint.responsibility, lang)
            head.append("\n" + t("complaint.responsibility_line", who=who))
        head.append("\n“" + complaint.description + "”", style="italic")
        if complaint.wants:
            head.append("\n" + t("complaint.wants_line", wants=complaint.wants))
        if complaint.empathy:
            steps = t("list.sep").join(
                catalogue.label("empathy", s, lang) for s in complaint.empathy
            )
            head.append("\n" + t("complaint.empathy_line", steps=steps), style="dim")
        if complaint.departments:
            departments = t("list.sep").join(
                catalogue.label("department", d, lang) for d in complaint.departments
            )
            head.append("\n" + t("complaint.departments_line", departments=departments))
        if complaint.owner:
            head.append("\n" + t("complaint.owner_line", owner=complaint.owner))
        if complaint.action_taken:
            head.append(
                "\n" + t("complaint.action_line", action=complaint.action_taken), style="green"
            )
        if complaint.arrival_ticket:
            head.append("\n" + t("complaint.arrival_line", ticket=complaint.arrival_ticket))
        return head

    def customer(self, complaint: service.Complaint) -> str:
        if self.revealed and self.revealed[0] == complaint.id:
            return " ".join(p for p in self.revealed[1:] if p) or "—"
        if not (complaint.name_masked or complaint.phone_masked):
            return t("complaint.anonymous")
        return " ".join(p for p in (complaint.name_masked, complaint.phone_masked) if p)

    def clock_text(self, complaint: service.Complaint) -> Text:
        app = lobby_of(self)
        zone = app.settings.timezone
        now = app.store.clock.now()
        level = complaint.urgency(now, app.settings.complaint_soon_days)
        style = place_of(self).wait_style(URGENT.get(level, WaitLevel.OK))

        def day(at: datetime | None) -> str:
            return local(at, zone).strftime("%Y-%m-%d") if at else "—"

        text = Text()
        if complaint.decision_due_at and complaint.status in ("new", "in_progress"):
            profile = t(f"complaint.profile.{complaint.profile}")
            if complaint.extensions:  # the limit in force, not the first one
                days = PROFILES[complaint.profile].extensions[complaint.extensions - 1]
                profile = t(f"complaint.profile_extended.{complaint.profile}", days=days)
            text.append(
                t("complaint.decision_due", date=day(complaint.decision_due_at), profile=profile),
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
            if complaint.further_extended_by:
                approved_at = complaint.further_approver_level or ""
                text.append(
                    "\n"
                    + t(
                        "complaint.further_extended_line",
                        approver=complaint.further_extended_by,
                        level=t(f"complaint.approver_level.{approved_at}") if approved_at else "",
                        reason=complaint.further_extension_reason or "",
                    )
                )
            told = complaint.progress_told_at or complaint.received_at
            progress = complaint.progress(now, app.settings.progress_update_days, zone)
            due = told + timedelta(days=app.settings.progress_update_days)
            line = t("complaint.progress_due_line", date=day(due))
            if progress is not None:
                line += t("ui.in_brackets", text=t(f"complaint.progress.{progress}"))
            text.append("\n" + line, style="bold" if progress else "dim")
        if complaint.referral_ref:
            text.append(
                ("\n" if text else "")
                + t(
                    "complaint.referral_line",
                    ref=complaint.referral_ref,
                    date=day(complaint.referral_due_at),
                )
            )
        if complaint.root_cause:
            cause = self.catalogue.label("root_cause", complaint.root_cause, self.language)
            text.append(("\n" if text else "") + t("complaint.root_cause_line", cause=cause))
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
        zone = lobby_of(self).settings.timezone
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
            if payload.get("step"):  # the step, its approver, the customer told
                level = payload.get("approver_level")
                due = str(payload.get("due") or "")
                text = t(
                    "complaint.line.extended_step",
                    date=local(parse_iso(due), zone).strftime("%Y-%m-%d") if due else "",
                    step=payload.get("step"),
                    approver=payload.get("approver", ""),
                    level=t("ui.in_brackets", text=t(f"complaint.approver_level.{level}"))
                    if level
                    else "",
                    how=t(f"complaint.told.{payload.get('told_how')}"),
                )
            else:
                text = t("complaint.line.extended", approver=payload.get("approver", ""))
        elif update.kind == "progress":
            how = (update.payload or {}).get("told_how")
            text = t("complaint.line.progress", how=t(f"complaint.told.{how}"))
        elif update.kind == "handoff":
            payload = update.payload or {}
            department = str(payload.get("department", ""))
            text = t(
                "complaint.line.handoff",
                department=self.catalogue.label("department", department, self.language),
                status=t(f"complaint.handoff.{payload.get('status')}"),
            )
        elif update.kind == "status" and (update.payload or {}).get("root_cause"):
            cause = str((update.payload or {}).get("root_cause"))
            label = self.catalogue.label("root_cause", cause, self.language)
            text = t("complaint.line.closed_cause", cause=label)
        elif update.kind in ("received", "resolved", "escalated", "reopened", "note", "status"):
            text = t(
                f"complaint.line.{update.kind}",
                status=t(f"complaint.status.{update.to_status}") if update.to_status else "",
            )
        else:
            text = update.kind
        return text + (f" — {update.note}" if update.note else "")

    # The note draft -----------------------------------------------------------------------

    @on(Input.Changed, "#input-note")
    def _note_typed(self) -> None:
        self.note_autosave.changed()

    def note_values(self) -> dict[str, object]:
        return {"note": self.query_one("#input-note", Input).value}

    # Actions -----------------------------------------------------------------------------

    def act(self, do: Callable[[], object], uses_note: bool = True) -> bool:
        """Run a change to the case in hand; bad input beside its field. The note it used is
        emptied and its draft goes; on bad input the note stays, saved."""
        complaint = self.complaint
        if complaint is None:
            return False
        if uses_note:
            self.note_autosave.cancel()
        with place_of(self).sending(self.actions) as outcome:
            do()
        if outcome.failed:
            if uses_note:
                self.note_autosave.save()
            return False
        if uses_note:
            self.query_one("#field-note", Field).input.value = ""
            self.note_autosave.discard()
        self.post_message(self.Changed(self, complaint.id))
        return True

    @property
    def note(self) -> str:
        return self.query_one("#input-note", Input).value

    @on(Button.Pressed, "#add-note")
    @on(Input.Submitted, "#input-note")
    def add_note(self) -> None:
        complaint = self.complaint
        if complaint is not None:
            store = lobby_of(self).store
            self.act(lambda: service.add_note(store, complaint.id, self.note))

    @on(Button.Pressed, "#to-in_progress, #to-resolved, #to-closed, #reopen")
    def change_status(self, event: Button.Pressed) -> None:
        complaint = self.complaint
        if complaint is None or event.button.id is None:
            return
        wanted = "in_progress" if event.button.id == "reopen" else event.button.id[3:]
        app = lobby_of(self)
        cause = self.query_one("#root-cause", Select).value
        root_cause = str(cause) if wanted == "closed" and cause is not Select.NULL else None
        self.act(
            lambda: service.set_status(
                app.store,
                app.settings,
                complaint.id,
                wanted,
                self.note,
                root_cause=root_cause,
                catalogue=self.catalogue,
            )
        )

    @on(Button.Pressed, "#progress-save")
    def progress_update(self) -> None:
        """The customer told how it stands (R4.4), how, and the note typed as what was said."""
        complaint = self.complaint
        if complaint is None:
            return
        how = self.query_one("#progress-how", Select).value
        store = lobby_of(self).store
        told = "" if how is Select.NULL else str(how)
        if self.act(lambda: service.progress_update(store, complaint.id, told, self.note)):
            self.query_one("#progress-how", Select).clear()

    @on(Button.Pressed, "#handoff-send")
    def hand_off(self) -> None:
        """Handed to a department (R4.5); the note typed says what is asked."""
        complaint = self.complaint
        if complaint is None:
            return
        chosen = self.query_one("#handoff-department", Select).value
        department = "" if chosen is Select.NULL else str(chosen)
        store = lobby_of(self).store
        if self.act(
            lambda: service.hand_off(store, self.catalogue, complaint.id, department, self.note)
        ):
            self.query_one("#handoff-department", Select).clear()

    @on(Button.Pressed, "#handoff-accepted, #handoff-answered, #handoff-returned")
    def move_handoff(self, event: Button.Pressed) -> None:
        """A hand-off accepted, answered (the note: what came back) or returned (why)."""
        picked = self.query_one("#handoff-pick", Select).value
        if self.complaint is None or event.button.id is None:
            return
        if picked is Select.NULL:
            self.actions.tell("case", t("complaint.handoff_pick_prompt"))
            return
        wanted = event.button.id.removeprefix("handoff-")
        store = lobby_of(self).store
        self.act(lambda: service.move_handoff(store, str(picked), wanted, self.note))

    @on(Button.Pressed, "#cb-save")
    def callback(self) -> None:
        complaint = self.complaint
        if complaint is None:
            return
        reached = self.query_one("#cb-reached", Select).value
        if reached is Select.NULL:
            self.actions.tell("case", t("complaint.cb_reached_prompt"))
            return
        solved = self.query_one("#cb-solved", Select).value
        score = self.query_one("#cb-satisfaction", Select).value
        store = lobby_of(self).store

        def do() -> None:
            service.record_callback(
                store,
                complaint.id,
                reached=reached == "yes",
                solved=None if solved is Select.NULL else solved == "yes",
                satisfaction=None if score is Select.NULL else int(str(score)),
                note=self.note,
            )

        if self.act(do):
            self.query_one("#callback", Form).reset()

    @on(Button.Pressed, "#escalate-now")
    def escalate(self) -> None:
        """Escalated after intake (R4.4, R4.5): departments, owner, promise and contact."""
        complaint = self.complaint
        if complaint is None:
            return
        app = lobby_of(self)
        catalogue = self.catalogue
        form = self.query_one("#escalate", Form)
        values = form.values
        departments = tuple(self.query_one("#esc-departments", SelectionList).selected)

        def do() -> None:
            # A promise on the extended (or referral's) deadline day is kept by that deadline.
            limit = complaint.deadline_in_force()
            promised = parse_promise(
                values["esc-promised"], app.settings, complaint.received_at, limit
            )
            service.escalate(
                app.store,
                app.settings,
                catalogue,
                complaint.id,
                departments=departments,
                owner=values["esc-owner"],
                promised_by=promised,
                contact=values["esc-contact"],
            )

        if self.act(do, uses_note=False):
            form.reset()

    @on(Button.Pressed, "#extend")
    def extend(self) -> None:
        complaint = self.complaint
        if complaint is None:
            return
        form = self.query_one("#extension", Form)
        values = form.values
        store = lobby_of(self).store
        how = self.query_one("#extension-how", Select).value
        level = self.query_one("#extension-level", Select).value

        def do() -> None:
            service.extend(
                store,
                complaint.id,
                values["approver"],
                values["reason"],
                told_how="" if how is Select.NULL else str(how),
                approver_level=None if level is Select.NULL else str(level),
            )

        if self.act(do, uses_note=False):
            form.reset()

    @on(Button.Pressed, "#slip")
    def slip(self) -> None:
        if self.complaint is not None:
            self.post_message(self.SlipWanted(self, self.complaint))

    @on(Button.Pressed, "#reveal")
    def reveal(self) -> None:
        """Name and phone shown on purpose (to call back), logged, masked again soon."""
        complaint = self.complaint
        if complaint is None:
            return
        app = lobby_of(self)
        with place_of(self).sending(self.actions) as outcome:
            name, phone = service.reveal(app.store, app.settings, complaint.id)
        if outcome.failed:
            return
        self.revealed = (complaint.id, name, phone)
        if self._hide_timer is not None:
            self._hide_timer.stop()
        self._hide_timer = self.set_timer(REVEAL_SECONDS, self.hide)
        self.show(complaint, self.timeline_of(complaint))

    def hide(self) -> None:
        self.revealed = None
        self._hide_timer = None
        self.show(self.complaint, self.timeline_of(self.complaint))
