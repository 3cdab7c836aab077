"""The complaint intake form (R4.1–R4.5): who, what, in the customer's words, the empathy
steps with phrases to use, and the outcome. Everything typed is autosaved as a draft half a
second after the last key, so a crash or a flat battery never loses what the customer said."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from lobby_tui.content import complaint_catalogue
from lobby_tui.domain.complaints import (
    NAME_MAX,
    PROFILES,
    REASON_MAX,
    REFERENCE_MAX,
    REFERRALS,
    SEVERITIES,
    SUBJECT_MAX,
    TEXT_MAX,
    VIA,
    Intake,
    deadline_in_force,
    parse_promise,
    parse_referral_due,
)
from lobby_tui.domain.day import business_day, local
from lobby_tui.domain.parse import parse_received
from lobby_tui.i18n import t
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import complaints as service
from lobby_tui.store import iso, parse_iso
from lobby_tui.widgets.autosave import Autosave, Drafts
from lobby_tui.widgets.field import Field
from lobby_tui.widgets.form import FieldError, Form
from lobby_tui.widgets.shown import show_options

TEXT_FIELDS = ("received", "name", "phone", "subject", "wants", "arrival", "action", "owner",
               "promised", "contact", "referral_ref", "referral_due")  # fmt: skip
SELECTS = ("via", "category", "severity", "responsibility", "outcome", "incident")
INCIDENT_LINKS = "incident-links"  # the place's background read of the incidents to link
# The domain's names for the fields of the form.
ALIASES = {"received_at": "received", "action_taken": "action", "promised_by": "promised",
           "contact_given": "contact"}  # fmt: skip


def listed(value: object) -> tuple[str, ...]:
    """A list kept in the form's values (ticked steps, departments), as the domain takes it."""
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


class IntakeForm(VerticalScroll):
    """Not a screen: the complaints place shows it as its "New complaint" tab."""

    @dataclass
    class Taken(Message):
        """A complaint was taken down and saved."""

        form: IntakeForm
        complaint_id: str
        case_no: str

        @property
        def control(self) -> IntakeForm:
            return self.form

    def __init__(self, language: str, drafts: Drafts) -> None:
        super().__init__(id="intake")
        self.language = language
        self.catalogue = complaint_catalogue()
        self.enquiry_id: str | None = None  # set when an enquiry turns into a complaint
        self.filling = False
        self.choices: dict[str, set[str]] = {}  # each select's values, to restore a draft
        self.blank: dict[str, object] = {}  # the untouched form
        self.autosave = Autosave(
            self, drafts, key=lambda: service.NEW_DRAFT, values=self.values, empty=self.untouched
        )
        self.started: str | None = None  # when the first key was typed: the receipt time

    def compose(self) -> ComposeResult:
        lang = self.language
        catalogue = self.catalogue
        with Form(aliases=ALIASES, fallback="intake", focus=True, id="intake-form"):
            with Horizontal(id="draft-row"):
                yield Static("", id="draft-note")
                yield Button(t("complaint.discard_draft"), id="discard-draft")
            with Horizontal(classes="form-row"):
                yield Field(
                    "received",
                    label=t("complaint.received"),
                    placeholder=t("complaint.received_placeholder"),
                    max_length=16,
                )
                yield self.select("via", [(t(f"complaint.via.{v}"), v) for v in VIA], "in_person")
            # A regulator's referral: the letter's reference and reply deadline.
            with Horizontal(classes="form-row", id="referral"):
                yield Field(
                    "referral_ref",
                    placeholder=t("complaint.referral_ref_placeholder"),
                    max_length=REFERENCE_MAX,
                )
                yield Field(
                    "referral_due",
                    placeholder=t("complaint.referral_due_placeholder"),
                    max_length=10,
                )
            with Horizontal(classes="form-row"):
                yield Field(
                    "name",
                    label=t("complaint.name"),
                    placeholder=t("complaint.optional"),
                    max_length=NAME_MAX,
                )
                yield Field(
                    "phone",
                    label=t("complaint.phone"),
                    placeholder=t("complaint.optional"),
                    max_length=20,
                    restrict=r"[0-9+ -]*",
                )
            with Horizontal(classes="form-row"):
                yield self.select(
                    "category", [(c.label.text(lang), c.id) for c in catalogue.category], None
                )
                yield self.select(
                    "severity", [(t(f"severity.{s}"), s) for s in SEVERITIES], "medium"
                )
                yield self.select(
                    "responsibility",
                    [(r.label.text(lang), r.id) for r in catalogue.responsibility],
                    None,
                )
            yield FieldError(
                "category",
                "severity",
                "responsibility",
                "via",
                control="#select-{name}",
                id="error-choices",
            )
            yield Field(
                "subject",
                label=t("complaint.subject"),
                placeholder=t("complaint.subject_placeholder"),
                max_length=SUBJECT_MAX,
            )
            yield Static(t("complaint.description"), classes="field-title")
            yield TextArea(id="description", soft_wrap=True, show_line_numbers=False)
            yield FieldError("description", control="#description", id="error-description")
            yield Field(
                "wants",
                label=t("complaint.wants"),
                placeholder=t("complaint.wants_placeholder"),
                max_length=TEXT_MAX,
            )
            with Horizontal(classes="form-row"):
                yield Field(
                    "arrival",
                    label=t("complaint.arrival"),
                    placeholder=t("complaint.arrival_placeholder"),
                    max_length=8,
                )
                yield self.select("incident", [], None)
            yield Static(t("complaint.empathy"), classes="form-title")
            for step in catalogue.empathy:
                yield Checkbox(step.label.text(lang), id=f"empathy-{step.id}")
                yield Static(Text(f"“{step.phrase.text(lang)}”", style="italic"), classes="phrase")
            yield Static(t("complaint.outcome_title"), classes="form-title")
            yield self.select(
                "outcome",
                [(t("complaint.outcome.undecided"), "undecided")]
                + [(t(f"complaint.outcome.{o}"), o) for o in ("on_spot", "escalated")],
                "undecided",
            )
            with Vertical(id="on-spot"):
                yield Field(
                    "action",
                    label=t("complaint.action_taken"),
                    placeholder=t("complaint.action_placeholder"),
                    max_length=TEXT_MAX,
                )
            with Vertical(id="escalated"):
                yield Static(t("complaint.departments"), classes="field-title")
                yield SelectionList[str](
                    *[(d.label.text(lang), d.id) for d in catalogue.department], id="departments"
                )
                yield FieldError("departments", control="#departments", id="error-departments")
                with Horizontal(classes="form-row"):
                    yield Field("owner", label=t("complaint.owner"), max_length=NAME_MAX)
                    yield Field(
                        "promised",
                        label=t("complaint.promised"),
                        placeholder=t("complaint.date_placeholder"),
                        max_length=10,
                    )
                yield Field(
                    "contact",
                    label=t("complaint.contact"),
                    placeholder=t("complaint.contact_placeholder"),
                    max_length=REASON_MAX,
                )
            with Horizontal(id="save-row"):
                yield Button(t("complaint.save"), id="save-complaint", variant="primary")
                yield FieldError("intake", id="error-intake")

    def select(self, name: str, options: list[tuple[str, str]], value: str | None) -> Vertical:
        """A choice with its name above it, like the text fields: a chosen value alone
        ("medium") would not say what it is."""
        self.choices[name] = {v for _label, v in options}
        return Vertical(
            Static(t(f"complaint.{name}_prompt"), classes="field-title"),
            Select(
                options,
                id=f"select-{name}",
                prompt=t(f"complaint.{name}_prompt"),
                value=value if value is not None else Select.NULL,
                allow_blank=value is None,
            ),
            classes="select-field",
        )

    def on_mount(self) -> None:
        self.refresh_incidents()
        self.show_outcome()
        self.blank = self.values()  # the untouched form: not worth a draft
        self.offer_draft()

    def refresh_incidents(self) -> None:
        """Today's and open incidents, to link the complaint to (e.g. a retained card), read
        at once when the form is made: a draft's incident is restored from them."""
        place = place_of(self)
        place.reads.seen[INCIDENT_LINKS] = place.moment()
        self.show_incidents(self.incident_options()())

    def reread_incidents(self) -> None:
        """The same, in the background and only if something was committed since (or the
        minute moved): the place's return (one raised meanwhile can be linked)."""
        place_of(self).read_in_background(
            INCIDENT_LINKS, self.incident_options(), self.show_incidents, if_changed=True
        )

    def incident_options(self) -> Callable[[], list[tuple[str, str]]]:
        """The incidents to link, as a read that may run on any thread."""
        from lobby_tui.content import incident_labels
        from lobby_tui.services.incidents import incidents

        app = lobby_of(self)
        store, zone, language = app.store, app.settings.timezone, app.language

        def read() -> list[tuple[str, str]]:
            labels = incident_labels()
            return [
                (
                    local(i.raised_at, zone).strftime("%H:%M ")
                    + labels.get(i.type, {}).get(language, i.type),
                    i.id,
                )
                for i in incidents(store, business_day(store.clock.now(), zone))
            ]

        return read

    def show_incidents(self, options: list[tuple[str, str]]) -> None:
        # A new incident in the list keeps the one chosen.
        show_options(self.query_one("#select-incident", Select), options)
        self.choices["incident"] = {value for _label, value in options}

    # The draft --------------------------------------------------------------------------

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {
            n: self.query_one(f"#input-{n}", Input).value for n in TEXT_FIELDS
        }
        for name in SELECTS:
            value = self.query_one(f"#select-{name}", Select).value
            out[name] = None if value is Select.NULL else value
        out["description"] = self.query_one("#description", TextArea).text
        out["empathy"] = [
            s.id
            for s in self.catalogue.empathy
            if self.query_one(f"#empathy-{s.id}", Checkbox).value
        ]
        out["departments"] = list(self.query_one("#departments", SelectionList).selected)
        out["enquiry"] = self.enquiry_id
        out["started"] = self.started
        return out

    def untouched(self, values: dict[str, object]) -> bool:
        """Nothing typed or chosen beyond the defaults: not worth a draft."""
        return {**values, "started": None} == {**self.blank, "started": None}

    def fill(self, values: dict[str, object]) -> None:
        self.filling = True
        try:
            for name in TEXT_FIELDS:
                self.query_one(f"#input-{name}", Input).value = str(values.get(name) or "")
            for name in SELECTS:
                select = self.query_one(f"#select-{name}", Select)
                value = values.get(name)
                if isinstance(value, str) and value in self.choices.get(name, ()):
                    select.value = value
            self.query_one("#description", TextArea).text = str(values.get("description") or "")
            chosen = values.get("empathy")
            for step in self.catalogue.empathy:
                box = self.query_one(f"#empathy-{step.id}", Checkbox)
                box.value = isinstance(chosen, list) and step.id in chosen
            departments = self.query_one("#departments", SelectionList)
            departments.deselect_all()
            for department in listed(values.get("departments")):
                departments.select(department)
            enquiry = values.get("enquiry")
            self.enquiry_id = str(enquiry) if enquiry else None
            started = values.get("started")
            self.started = str(started) if started else None
        finally:
            self.filling = False
        self.show_outcome()

    def offer_draft(self) -> None:
        """What was being typed when the app stopped comes back, with the time it was saved."""
        app = lobby_of(self)
        found = self.autosave.load()
        if found is None:
            self.show_draft_note("")
            return
        values, saved_at = found
        self.fill(values)
        self.autosave.remember(self.values())  # restoring is not typing: it keeps its time
        when = local(saved_at, app.settings.timezone).strftime("%H:%M")
        self.show_draft_note(t("complaint.draft_restored", time=when))

    def show_draft_note(self, text: str) -> None:
        self.query_one("#draft-note", Static).update(text)
        self.query_one("#draft-row").display = bool(text)

    def changed(self) -> None:
        if self.filling:
            return
        if self.started is None and not self.untouched(self.values()):
            self.started = iso(lobby_of(self).store.clock.now())
        self.autosave.changed()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _typed(self) -> None:
        self.changed()

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if event.select.id in ("select-outcome", "select-via"):
            self.show_outcome()
        self.changed()

    def show_outcome(self) -> None:
        outcome = self.query_one("#select-outcome", Select).value
        self.query_one("#on-spot").display = outcome == "on_spot"
        self.query_one("#escalated").display = outcome == "escalated"
        via = self.query_one("#select-via", Select).value
        self.query_one("#referral").display = via in REFERRALS

    @on(Button.Pressed, "#discard-draft")
    def discard(self) -> None:
        self.clear()
        self.autosave.discard()

    def clear(self) -> None:
        self.fill({"via": "in_person", "severity": "medium", "outcome": "undecided"})
        for name in ("category", "responsibility", "incident"):
            self.query_one(f"#select-{name}", Select).clear()
        self.enquiry_id = None
        self.started = None
        self.autosave.remember(None)
        self.show_draft_note("")
        self.query_one("#intake-form", Form).clear()

    def start_from_enquiry(self, topic: str, enquiry_id: str | None) -> None:
        """An enquiry that turns into a complaint: its topic is the subject. A complaint
        already half typed stays as it is (only an empty subject is filled)."""
        subject = self.query_one("#input-subject", Input)
        if not subject.value.strip():
            subject.value = topic
        self.enquiry_id = enquiry_id
        if self.started is None:
            self.started = iso(lobby_of(self).store.clock.now())
        self.autosave.save()

    # Saving -----------------------------------------------------------------------------

    def intake(self) -> Intake:
        """The form as an Intake; a time or date that does not parse is said at its field."""
        app = lobby_of(self)
        values = self.values()
        now = app.store.clock.now()
        # Blank: when the manager began taking it down (a draft restored the next day keeps
        # the day it was received), else now.
        began = parse_iso(str(values["started"])) if values["started"] else now
        received = parse_received(str(values["received"]), began, app.settings.timezone)
        via = str(values["via"] or "")
        referral = via in REFERRALS
        referral_due = (
            parse_referral_due(str(values["referral_due"]), app.settings) if referral else None
        )
        promised = None
        if values["outcome"] == "escalated":
            profile = PROFILES[app.settings.complaint_profile]
            limit = deadline_in_force(profile, received, referral_due=referral_due)
            promised = parse_promise(str(values["promised"]), app.settings, received, limit)
        outcome = values["outcome"] if values["outcome"] in ("on_spot", "escalated") else None
        return Intake(
            received_at=received,
            via=via,
            category=str(values["category"] or ""),
            severity=str(values["severity"] or ""),
            description=str(values["description"]),
            subject=str(values["subject"]),
            name=str(values["name"]),
            phone=str(values["phone"]),
            responsibility=str(values["responsibility"]) if values["responsibility"] else None,
            wants=str(values["wants"]),
            empathy=listed(values["empathy"]),
            outcome=str(outcome) if outcome else None,
            action_taken=str(values["action"]) if outcome == "on_spot" else "",
            departments=listed(values["departments"]) if outcome == "escalated" else (),
            owner=str(values["owner"]) if outcome == "escalated" else "",
            promised_by=promised,
            contact_given=str(values["contact"]) if outcome == "escalated" else "",
            referral_ref=str(values["referral_ref"]) if referral else "",
            referral_due=referral_due,
        )

    def take(self) -> None:
        """Save the complaint as typed; bad input is said beside its field, focused."""
        app = lobby_of(self)
        self.autosave.flush()
        found: tuple[str, str] | None = None
        with place_of(self).sending(self.query_one("#intake-form", Form)) as outcome:
            values = self.values()
            found = service.take_complaint(
                app.store,
                app.settings,
                self.catalogue,
                self.intake(),
                shift_id=app.shift_for_record(),
                arrival_ticket=str(values["arrival"]),
                incident_id=str(values["incident"]) if values["incident"] else None,
                enquiry_id=self.enquiry_id,
            )
        if outcome.failed or found is None:
            return
        self.clear()
        self.post_message(self.Taken(self, *found))
