"""The shift handover: the day's figures from the same rules as `lobby report`, a chart of
arrivals and waits per hour, every open item, a note for the next shift, and the sign-off
that closes the shift. The next shift sees the note on its dashboard."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static, TextArea

from lobby_tui.content import complaint_labels, incident_labels
from lobby_tui.domain.complaints import LATE, Clock, deadline
from lobby_tui.domain.day import local
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.domain.staff import StaffMember
from lobby_tui.i18n import t
from lobby_tui.report_formats import (
    month_figures,
    month_names,
    month_shown,
    readable_figures,
    service_level_means,
    shown,
)
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.services.backup import make_backup
from lobby_tui.services.complaints import Complaint, callbacks_due
from lobby_tui.services.report import (
    DayReport,
    MonthReport,
    MonthTable,
    day_report,
    month_report,
)
from lobby_tui.services.shift import Shift, StillOpen, hand_over, handover_draft
from lobby_tui.services.tasks import task_owner, task_text
from lobby_tui.services.triage import InQueue, live_queue
from lobby_tui.store import StoreError
from lobby_tui.widgets.autosave import Autosave
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import FieldError, Form
from lobby_tui.widgets.shown import update_if_changed
from lobby_tui.widgets.topbar import TopBar

REFRESH_SECONDS = 60
WIDE = 120  # three columns of figures from here, two below
SPLIT = ("by_need", "by_channel", "by_type")  # long lists: boxes of their own
ORDER = ("arrivals", "rounds", "quality", "complaints", "checklist", "incidents", "protection",
         "floor",
         "by_type", "by_need", "by_channel")  # fmt: skip


class HandoverScreen(LobbyScreen):
    PLACE = "handover"
    BINDINGS = [Binding("ctrl+s", "sign_off", "handover.key_sign", show=False)]

    def __init__(self) -> None:
        super().__init__(id="handover")
        self.report: DayReport | None = None
        self.month: MonthReport | None = None  # the consumer-protection print, month so far
        self.callbacks: list[Complaint] = []  # resolved, the customer's callback due
        self.still_open: list[InQueue] = []  # walk-ins not yet served, gone or closed
        self.note = Autosave(
            self,
            self.drafts,
            key=self.draft_key,
            values=self.note_values,
        )

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        with (
            VerticalScroll(id="handover-body"),
            Form(fallback="handover_note", id="handover-form"),
        ):
            yield Static(t("handover.reading"), id="figures")
            yield Static(id="chart")
            yield Static(id="open-items")
            yield Static(t("handover.note_title"), classes="form-title")
            yield TextArea(id="handover-note", soft_wrap=True)
            yield FieldError("handover_note", control="#handover-note", id="error-note")
            with Horizontal(id="sign-row"):
                yield Static(self.leaving_text(), id="leaving")
                yield Button(t("handover.sign"), id="sign-off", variant="primary")
            yield FieldError("signer", id="error-signer")
            # The month's consumer-protection figures, below what the handover itself needs.
            yield Static(id="month")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.fit_controls()
        self.restore_note()
        self.set_interval(REFRESH_SECONDS, lambda: self.read_report(if_changed=True))
        self.read_report()

    def on_screen_resume(self) -> None:
        self.query_one("#leaving", Static).update(self.leaving_text())  # unlocked as another
        self.read_report(if_changed=True)  # nothing new since: nothing read or drawn

    def on_resize(self, event: object) -> None:
        super().on_resize(event)  # type: ignore[arg-type]
        self.show_report()

    # The figures -------------------------------------------------------------------------

    def read_report(self, if_changed: bool = False) -> None:
        """The day's figures so far and the callbacks due, read in the background (a day's
        report takes a few queries over the whole day)."""
        app = self.lobby_app
        store, settings, day, language = app.store, app.settings, self.day, app.language

        def read() -> tuple[DayReport, list[Complaint], MonthReport, list[InQueue]]:
            report = day_report(store, settings, day, language)
            month = month_report(store, settings, day.replace(day=1), language)
            return report, callbacks_due(store, report.as_of), month, live_queue(store, day)

        self.read_in_background("report", read, self.got_report, if_changed=if_changed)

    def got_report(
        self, got: tuple[DayReport, list[Complaint], MonthReport, list[InQueue]]
    ) -> None:
        self.report, self.callbacks, self.month, self.still_open = got
        self.show_report()

    def show_report(self) -> None:
        report = self.report
        if report is None or self.rebuilding:
            return
        panels = self.sections(report)
        columns = 3 if self.size.width >= WIDE else 2
        grid = Table.grid(expand=True, padding=(0, 1))
        for _ in range(columns):
            grid.add_column(ratio=1)
        for start in range(0, len(panels), columns):
            row = panels[start : start + columns]
            grid.add_row(*row, *([""] * (columns - len(row))))
        head = Text(t("handover.title", date=report.date, branch=report.branch), style="bold")
        if report.partial:
            head.append("  " + t("handover.as_of", time=report.as_of.strftime("%H:%M")), "dim")
        # What the service level counts, in the words of README and `lobby report`.
        shown_head: list[RenderableType] = [
            head, grid, Text(service_level_means(report), style="dim")
        ]  # fmt: skip
        if report.chain_head is not None:
            seq, digest = report.chain_head
            shown_head.append(Text(t("handover.chain_head", anchor=f"{seq}:{digest}"), "dim"))
        update_if_changed(self.query_one("#figures", Static), Group(*shown_head))
        update_if_changed(self.query_one("#chart", Static), self.chart(report))
        if self.month is not None:
            update_if_changed(self.query_one("#month", Static), self.month_panel(self.month))
        update_if_changed(self.query_one("#open-items", Static), self.open_items(report))

    def sections(self, report: DayReport) -> list[RenderableType]:
        """One box per section, each figure as `lobby report` labels and shows it."""
        by_section: dict[str, Table] = {}
        for figure in readable_figures(report):
            # The headline figures first; the counts by need and by channel in boxes of
            # their own, after them.
            group = figure.key.partition(".")[0]
            section = group if group in SPLIT else figure.section
            table = by_section.get(section)
            if table is None:
                table = by_section[section] = Table.grid(expand=True, padding=(0, 1))
                table.add_column(ratio=1, overflow="fold")
                table.add_column(justify="right", no_wrap=True)
            table.add_row(figure.label, Text(shown(figure), style="bold"))
        extra = Table.grid(expand=True, padding=(0, 1))
        extra.add_column(ratio=1)
        extra.add_column(justify="right", no_wrap=True)
        extra.add_row(t("handover.enquiries"), Text(str(report.enquiries), style="bold"))
        for kind, count in sorted(report.reminders.items()):
            extra.add_row(t(f"handover.reminders.{kind}"), Text(str(count), style="bold"))
        by_section["floor"] = extra
        return [
            Panel(
                by_section[s],
                title=Text(t(f"handover.section.{s}"), style="bold"),
                title_align="left",
                box=box.ROUNDED,
            )
            for s in ORDER
            if s in by_section
        ]

    def month_panel(self, month: MonthReport) -> RenderableType:
        """The month's consumer-protection figures, as `lobby report --month` shows them:
        each duty's figures, then its tables (root cause by channel)."""
        parts: list[RenderableType] = []
        figures_now = month_figures(month)
        for section in month.sections:
            grid = Table.grid(expand=True, padding=(0, 1))
            grid.add_column(ratio=1, overflow="fold")
            grid.add_column(justify="right", no_wrap=True)
            for f in figures_now:
                if f.section == section.key and (f.value or "." not in f.key):
                    grid.add_row(f.label, Text(month_shown(f), style="bold"))  # zeros by list: off
            parts.append(grid)
            for month_table in section.tables:
                if month_table.row_ids:  # nothing closed yet: no table to show
                    parts.append(self.month_table(section.key, month_table))
        title = t("report.month.title", branch=month.branch, month=month.month)
        return Panel(
            Group(*parts), title=Text(title, style="bold"), title_align="left", box=box.ROUNDED
        )

    def month_table(self, section: str, table: MonthTable) -> RenderableType:
        rows, cols = month_names(table.rows), month_names(table.cols)
        # Only the channels something came through: eight columns do not fit 80 columns.
        used = [c for c in table.col_ids if any(table.cells.get((r, c)) for r in table.row_ids)]
        shown_table = Table(
            title=t(f"report.month.{section}.{table.key}"), box=box.SIMPLE, expand=True
        )
        shown_table.add_column("", overflow="fold")
        for c in used:
            shown_table.add_column(cols.get(c, c), justify="right", overflow="fold")
        for r in table.row_ids:
            counts = [str(table.cells.get((r, c), 0)) for c in used]
            shown_table.add_row(rows.get(r, r), *counts)
        return shown_table

    def chart(self, report: DayReport) -> RenderableType:
        """Arrivals per hour as bars, with the mean wait of the hour beside them."""
        hours = [h for h in report.hourly if h.arrivals or h.wait_mean is not None]
        title = Text(t("handover.chart_title"), style="bold")
        if not hours:
            return Group(title, Text(t("handover.chart_empty"), style="dim"))
        peak = max(h.arrivals for h in hours) or 1
        width = max(10, self.size.width - 36)
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, width=width)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        settings = self.lobby_app.settings
        for hour in hours:
            wait = hour.wait_mean
            level = WaitLevel.OK
            if wait is not None and wait >= settings.wait_red_min:
                level = WaitLevel.RED
            elif wait is not None and wait >= settings.wait_amber_min:
                level = WaitLevel.AMBER
            table.add_row(
                f"{hour.hour:02d}",
                Text("█" * max(1 if hour.arrivals else 0, round(hour.arrivals / peak * width))),
                str(hour.arrivals),
                Text(
                    t("handover.mean_wait", n=f"{wait:.1f}") if wait is not None else "—",
                    style=self.wait_style(level),
                ),
            )
        return Group(title, table)

    def open_items(self, report: DayReport) -> RenderableType:
        """Everything the next shift inherits: complaints (overdue first), incidents, tasks."""
        zone = self.lobby_app.settings.timezone
        lang = self.lobby_app.language
        red = self.wait_style(WaitLevel.RED)
        amber = self.wait_style(WaitLevel.AMBER)
        categories = complaint_labels()

        def about(subject: str | None, category: str) -> str:
            """A complaint in a few words: its subject, else its category's label."""
            return subject or categories.get(category, {}).get(lang, category)

        lines: list[RenderableType] = [Text(t("handover.open_title"), style="bold")]
        if not (
            report.open_complaints
            or self.callbacks
            or report.open_incidents
            or report.open_tasks
            or self.still_open
        ):
            lines.append(Text(t("handover.nothing_open"), style="dim"))
        if self.still_open:  # settled before the day is signed off (issue 26)
            shown = ", ".join(
                t("queue.window_busy", number=p.window_no, ticket=p.ticket)
                if p.window_no
                else p.ticket
                for p in self.still_open[:12]
            )
            lines.append(
                Text.assemble(
                    (t("handover.item.queue", count=len(self.still_open)) + " ", red),
                    shown + (" …" if len(self.still_open) > 12 else ""),
                )
            )
        for c in report.open_complaints:
            due = deadline(c.decision_due_at, c.promised_by, c.referral_due) or c.decision_due_at
            style = red if c.clock == Clock.OVERDUE else amber if c.clock == Clock.SOON else ""
            lines.append(
                Text.assemble(
                    (t("handover.item.complaint") + " ", "dim"),
                    (c.case_no + " ", style),
                    about(c.subject, c.category) + " ",
                    (t("handover.due", date=local(due, zone).strftime("%m-%d")), style),
                )
            )
        now = self.lobby_app.store.clock.now()
        for callback in self.callbacks:
            late = callback.urgency(now, self.lobby_app.settings.complaint_soon_days) in LATE
            callback_due = callback.callback_due_at
            when = local(callback_due, zone).strftime("%m-%d") if callback_due else ""
            lines.append(
                Text.assemble(
                    (t("handover.item.callback") + " ", "dim"),
                    (callback.case_no + " ", red if late else amber),
                    about(callback.subject, callback.category) + " ",
                    (t("complaint.callback_on", date=when), red if late else amber),
                )
            )
        labels = incident_labels()
        for i in report.open_incidents:
            lines.append(
                Text.assemble(
                    (t("handover.item.incident") + " ", "dim"),
                    local(i.raised_at, zone).strftime("%m-%d %H:%M "),
                    labels.get(i.type, {}).get(lang, i.type),
                    t(
                        "ui.in_brackets",
                        text=t(
                            "ui.pair",
                            first=t(f"severity.{i.severity}"),
                            second=t(f"incident.status.{i.status}"),
                        ),
                    ),
                )
            )
        for task in report.open_tasks:
            lines.append(
                Text.assemble(
                    (t("handover.item.task") + " ", "dim"),
                    local(task.created_at, zone).strftime("%m-%d %H:%M "),
                    task_text(task),
                    (" " + t("tasks.owner", owner=task_owner(task)), "dim"),
                )
            )
        return Group(*lines)

    # The note and the sign-off -------------------------------------------------------------

    # The note is a draft until the sign-off: a crash does not lose it.

    def draft_key(self) -> str | None:
        shift = self.lobby_app.shift
        return handover_draft(shift.id) if shift else None

    def note_values(self) -> dict[str, object]:
        return {"note": self.query_one("#handover-note", TextArea).text}

    def restore_note(self) -> None:
        found = self.note.load()
        text = str(found[0].get("note", "")) if found else ""
        self.query_one("#handover-note", TextArea).text = text
        self.note.remember({"note": text})

    @on(TextArea.Changed, "#handover-note")
    def _typed(self) -> None:
        self.note.changed()

    def on_screen_suspend(self) -> None:
        self.flush_drafts()

    def flush_drafts(self) -> None:
        self.note.flush()

    def leaving_text(self) -> Text:
        person = self.lobby_app.signed_in
        return Text(t("handover.leaving", name=person.name if person else "—"))

    @on(Button.Pressed, "#sign-off")
    def action_sign_off(self) -> None:
        """The leaving manager (signed in) hands over; the incoming one accepts with their
        name and PIN (R6.5). Both are recorded, and the dashboard shows both."""
        from lobby_tui.screens.signin import AcceptShift

        form = self.query_one("#handover-form", Form)
        form.clear()
        if self.lobby_app.signed_in is None:
            form.tell("signer", t("invalid.not_signed_in"))
            return
        self.note.flush()  # kept while the incoming manager types their PIN

        def done(receiver: StaffMember | None) -> None:
            if receiver is not None:
                self.sign_off(receiver)

        self.app.push_screen(AcceptShift(self.still_open_counts()), done)

    def still_open_counts(self) -> StillOpen | None:
        """The open list below the figures, counted for the accept step (None: not read
        yet)."""
        report = self.report
        if report is None:
            return None
        return StillOpen(
            complaints=len(report.open_complaints),
            incidents=len(report.open_incidents),
            tasks=len(report.open_tasks),
            waiting=sum(p.status == "waiting" for p in self.still_open),
        )

    def sign_off(self, receiver: StaffMember) -> None:
        app = self.lobby_app
        form = self.query_one("#handover-form", Form)
        shift, leaving = app.shift, app.signed_in
        if shift is None:  # the day was handed over after closing
            form.tell("handover_note", t("handover.no_shift"))
            return
        if leaving is None:
            return
        self.note.cancel()
        note = self.query_one("#handover-note", TextArea).text
        following: Shift | None = None
        with self.sending(form) as outcome:
            following = hand_over(
                app.store, app.settings, shift.id, leaving.name, note, receiver=receiver.id
            )
        if outcome.failed:
            self.note.save()  # still a draft: nothing typed is lost
            return
        app.shift = following
        app.signed_in = receiver
        app.tell_who()
        self.query_one("#leaving", Static).update(self.leaving_text())
        self.query_one("#handover-note", TextArea).text = ""
        self.note.remember({"note": ""})  # the next shift's note starts empty
        if following:
            said = t("handover.done_to", name=leaving.name, receiver=receiver.name)
        else:
            said = t("handover.done_day", name=leaving.name)
        app.notify(said, timeout=8, markup=False)
        self.back_up()
        app.go("dashboard")
        if following is None:  # the day is closed: its bundle for head office is offered
            from lobby_tui.screens.modals.bundle import BundleDialog

            app.push_screen(BundleDialog(app.store, shift.business_day))

    def back_up(self) -> None:
        """A copy of the database at each sign-off, in the background: the sign-off never
        waits for it, and a failure is said, not raised (issue 14)."""
        app = self.lobby_app
        path, clock = app.store.path, app.store.clock

        def work() -> None:
            try:
                made = make_backup(path, clock)
            except StoreError as exc:
                app.call_from_thread(app.report_failure, exc)
                return
            app.call_from_thread(
                app.notify, t("handover.backup_done", path=str(made.path)), timeout=5, markup=False
            )

        self.run_worker(work, thread=True, group="backup", exit_on_error=False)

    def retranslate(self) -> None:
        super().retranslate()
        self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        self.note.save()
        await self.recompose_keeping_input()
        self.restore_note()
        self.read_report()
