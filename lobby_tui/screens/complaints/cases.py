"""The cases, most pressing first (R4.6), and the filters above them. The filters say what is
wanted; the list says which case the manager is on."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Input, Select

from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue
from lobby_tui.domain.complaints import SEVERITIES, STATUSES, Urgency, deadline
from lobby_tui.domain.day import local
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.i18n import t
from lobby_tui.screens.panel import lobby_of, place_of
from lobby_tui.services import complaints as service
from lobby_tui.widgets.columns import FittedTable

SEVERITY_STYLE = {"critical": "bold reverse red", "high": "bold red", "medium": "bold yellow"}
URGENT = {Urgency.OVERDUE: WaitLevel.RED, Urgency.CALLBACK_LATE: WaitLevel.RED,
          Urgency.SOON: WaitLevel.AMBER,
          Urgency.CALLBACK_DUE: WaitLevel.AMBER}  # fmt: skip


class CaseFilters(Horizontal):
    """Search, status, category, severity and overdue: what the list shows."""

    @dataclass
    class Changed(Message):
        filters: CaseFilters
        typed: bool = False
        """A key typed in the search: the list waits for the typing to pause."""

        @property
        def control(self) -> CaseFilters:
            return self.filters

    def __init__(self, catalogue: ComplaintCatalogue, language: str) -> None:
        super().__init__(id="filters")
        self.catalogue = catalogue
        self.language = language

    def compose(self) -> ComposeResult:
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
            [(c.label.text(self.language), c.id) for c in self.catalogue.category],
            id="filter-category",
            prompt=t("complaint.filter_category"),
        )
        yield Select(
            [(t(f"severity.{s}"), s) for s in SEVERITIES],
            id="filter-severity",
            prompt=t("complaint.filter_severity"),
        )
        yield Checkbox(t("complaint.filter_overdue"), id="filter-overdue")

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

    def show_active(self) -> None:
        """The open cases again (a case just taken is one of them)."""
        self.query_one("#filter-status", Select).value = "active"

    @on(Input.Changed, "#find")
    @on(Select.Changed, "#filter-status, #filter-category, #filter-severity")
    @on(Checkbox.Changed, "#filter-overdue")
    def _filter(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Changed(self, typed=isinstance(event, Input.Changed)))


class CaseList(FittedTable):
    """One row a case: number, due date, status, what it is about; coloured by urgency."""

    @dataclass
    class Chosen(Message):
        """The manager moved onto a case (None: no case listed)."""

        case_list: CaseList
        complaint: service.Complaint | None

        @property
        def control(self) -> CaseList:
            return self.case_list

    def __init__(self, catalogue: ComplaintCatalogue) -> None:
        super().__init__(
            flexible="what", whole=["case"], id="case-list", cursor_type="row", zebra_stripes=True
        )
        self.catalogue = catalogue
        self.listed: list[service.Complaint] = []
        self.selected_id: str | None = None

    def current(self) -> service.Complaint | None:
        return next((c for c in self.listed if c.id == self.selected_id), None)

    def show(self, listed: list[service.Complaint]) -> None:
        """The cases read (service.find), staying on the case in hand if it is still listed."""
        app = lobby_of(self)
        lang = app.language
        now = app.store.clock.now()
        soon = app.settings.complaint_soon_days
        self.listed = listed
        self.clear()
        if not self.columns:
            for key in ("case", "due", "status", "what"):  # what matters most, first
                self.add_column(t(f"complaint.col_{key}"), key=key)
        for complaint in self.listed:
            level = complaint.urgency(now, soon)
            style = place_of(self).wait_style(URGENT.get(level, WaitLevel.OK))
            self.add_row(
                Text(complaint.case_no, style=style),
                Text(self.due_text(complaint, level), style=style),
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
            self.add_row(Text(t("complaint.none"), style="dim"), "", "", "", key="none")
        if self.selected_id and any(c.id == self.selected_id for c in self.listed):
            self.move_cursor(row=[c.id for c in self.listed].index(self.selected_id))
        elif self.listed:
            self.selected_id = self.listed[0].id

    def due_text(self, complaint: service.Complaint, level: Urgency) -> str:
        zone = lobby_of(self).settings.timezone
        if level in (Urgency.CALLBACK_DUE, Urgency.CALLBACK_LATE, Urgency.AWAITING_CALLBACK):
            at = complaint.callback_due_at
            return t("complaint.callback_on", date=local(at, zone).strftime("%m-%d")) if at else ""
        if level == Urgency.DONE:
            return ""
        at = deadline(complaint.decision_due_at, complaint.promised_by, complaint.referral_due_at)
        text = local(at, zone).strftime("%m-%d") if at else ""
        text = t("complaint.overdue_since", date=text) if level == Urgency.OVERDUE else text
        # The customer's progress update, due or overdue (R4.4), beside the deadline.
        settings = lobby_of(self).settings
        now = lobby_of(self).store.clock.now()
        progress = complaint.progress(now, settings.progress_update_days, zone)
        return f"{text} · {t(f'complaint.progress.{progress}')}" if progress else text

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = str(event.row_key.value)
        if key != "none" and key != self.selected_id:
            self.selected_id = key
            self.post_message(self.Chosen(self, self.current()))
