"""Home: the live lobby at a glance. Every panel says honestly what it knows, and what to do
when it knows nothing yet.

The panels are Rich boxes drawn in three columns (widgets.box.Boxes) rather than one Textual
widget each: the dashboard is the first thing painted at shift start, and every widget costs
start-up time (see bench/startup.py). A column draws again only the box that changed, and is
laid out again only when it grew or shrank. A click or tap on a box goes to its place.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator
from datetime import date
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer

from lobby_tui.content import channels, complaint_labels, incident_labels
from lobby_tui.domain.day import local, when
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.domain.rounds import minutes_late
from lobby_tui.domain.staffing import OpenAdvice
from lobby_tui.i18n import t
from lobby_tui.screens.base import LIVE_SECONDS, LobbyScreen
from lobby_tui.services.duty import post_label
from lobby_tui.services.lobby import Lobby, OpenItem, read_lobby
from lobby_tui.store import StoreError
from lobby_tui.widgets.box import Boxes
from lobby_tui.widgets.browser_keys import key_to_say
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.shown import fingerprint
from lobby_tui.widgets.topbar import TopBar
from lobby_tui.widgets.windows_line import windows_line

if TYPE_CHECKING:
    # The forecast's rules load pydantic: imported when the first tick asks for the plan,
    # not on the start-up path (tests/unit/test_cli.py guards it).
    from lobby_tui.services.forecast import DayPlanForecast

WIDE = 120  # columns from which the open cases get a third column of their own
TALL = 30  # rows from which the lists grow beyond three lines
MOST_LISTED = 12  # lines a list shows at most (services.lobby reads as many)

# Each panel: (title, body, level) with level "ok", "warn" or "alert".
PanelParts = tuple[str, RenderableType, str]


class HourBars:
    """Arrivals per hour, a line an hour: the hour, its bar (cropped to the box) and the count
    on the right — the lines a Rich grid of these columns draws, drawn directly: a walk-in
    changes them, and a table of a dozen rows costs milliseconds to lay out each time."""

    def __init__(self, rows: list[tuple[str, str, str]], style: str) -> None:
        self.rows = rows
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        width = options.max_width
        counts = max((len(count) for _hour, _bar, count in self.rows), default=0)
        bars = max(0, width - 2 - counts - 2)  # the hour, the counts and a space after each
        style = console.get_style(self.style)
        for hour, bar, count in self.rows:
            yield Segment(f"{hour} ")
            yield Segment(bar[:bars].ljust(bars), style)
            yield Segment(f" {count.rjust(counts)}")
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)  # as wide as the box

    def __fingerprint__(self) -> Hashable:
        """What is drawn (widgets.shown): the same rows in the same colour draw the same."""
        return tuple(self.rows), self.style


class QueueRows:
    """Who waits per channel: the channel takes what the counts leave (cut with …), the
    people and the longest wait stand on the right — the lines a Rich grid of these columns
    draws, drawn directly: they change with every walk-in."""

    def __init__(self, rows: list[tuple[Text, Text, Text]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        width = options.max_width
        people = max(cell_len(row[1].plain) for row in self.rows)
        longest = max(cell_len(row[2].plain) for row in self.rows)
        channel = width - people - longest - 2
        if channel < 1:  # too narrow to keep every count whole: Rich's grid decides
            yield from console.render(self.as_grid(), options)
            return
        for first, second, third in self.rows:
            line = Text.assemble(
                cut(first, channel), " ", right(second, people), " ", right(third, longest)
            )
            yield from line.render(console)
            yield Segment.line()

    def as_grid(self) -> Table:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right")
        table.add_column(justify="right", no_wrap=True)
        for row in self.rows:
            table.add_row(*row)
        return table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)  # as wide as the box

    def __fingerprint__(self) -> Hashable:
        """What is drawn (widgets.shown)."""
        return tuple(tuple(fingerprint(cell) for cell in row) for row in self.rows)


def cut(text: Text, width: int) -> Text:
    """Left in `width` cells, cut with … (as a grid column with overflow="ellipsis")."""
    text = text.copy()
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def right(text: Text, width: int) -> Text:
    """On the right of `width` cells (as a grid column with justify="right")."""
    text = text.copy()
    text.rstrip()
    text.truncate(width)
    text.pad_left(width - cell_len(text.plain))
    return text


def list_lines(rows: int, columns: int, column: str) -> int:
    """How many lines each list of a dashboard column shows at `rows` × `columns`: three
    on a laptop (more below the fold, reached by scrolling), more where there is room. The
    cases column (wide screens) holds only its two lists; the duties column holds the round,
    the checklist and perhaps a handover note above its lists (some 16 lines)."""
    if rows < TALL:
        return 3
    room = rows - 2  # the top bar and the footer
    if columns >= WIDE:
        room -= 6 if column == "cases" else 16  # borders, "more" lines, the boxes above
        lines = room // 2
    else:
        lines = 3 + (room - TALL) // 6
    return max(3, min(MOST_LISTED, lines))


class Board(ScrollableContainer, inherit_bindings=False):
    """The dashboard's columns, scrolled from the keyboard when they do not fit (80×24):
    it has the focus on the dashboard, so the arrows and page keys move it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "scroll_down", "dash.scroll", key_display="↑↓"),
        Binding("up", "scroll_up", "dash.scroll", show=False),
        Binding("pagedown", "page_down", "dash.scroll", show=False),
        Binding("pageup", "page_up", "dash.scroll", show=False),
        Binding("home", "scroll_home", "dash.scroll", show=False),
        Binding("end", "scroll_end", "dash.scroll", show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers scrolling only while there is something below the fold.
        if action == "scroll_down" and self.max_scroll_y == 0:
            return None
        return True

    def watch_virtual_size(self) -> None:
        self.refresh_bindings()


class DashboardScreen(LobbyScreen):
    PLACE = "dashboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.lobby: Lobby | None = None
        self.plan: DayPlanForecast | None = None
        """Today's forecast, read once a day: what the live queue is compared with."""
        self.plan_asked: date | None = None
        self.advice: list[OpenAdvice] = []
        """Channels where a window should open now (R1.6)."""

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        with Board(id="lobby"):
            yield Boxes(id="col-queue")
            yield Boxes(id="col-duties")
            yield Boxes(id="col-cases")
        yield LobbyFooter()

    def on_mount(self) -> None:
        # The first read is on the UI thread: the manager's first look at the app shows the
        # real lobby, not empty boxes (a few indexed queries, each well under 2 ms even at a
        # year of data — see bench/refresh.py). Later reads run in a worker.
        app = self.lobby_app
        self.set_interval(LIVE_SECONDS, self.refresh_if_changed)
        app.theme_changed_signal.subscribe(self, self.redraw_for_theme)
        self.query_one(Board).focus()
        try:
            self.reads.seen["lobby"] = self.moment()
            self.show_lobby(read_lobby(app.store, app.settings, [c.key for c in channels()]))
        except StoreError as exc:
            if exc.key == "db.corrupt":
                raise  # the app ends with the line `verify` gives and a way back (app.py)
            # A row it cannot read (a time written behind the app's back): said, and the
            # rest of the app keeps working (issue 14).
            app.report_failure(exc)

    def on_screen_resume(self) -> None:
        # A return with nothing committed since, in the same minute, reads and draws
        # nothing: what is on screen is what a read would show (issue 33).
        self.refresh_lobby(if_changed=True)

    def redraw_for_theme(self, _theme: object) -> None:
        """The boxes' borders and marks are drawn in the theme's colours: again in the new."""
        self.render_panels()

    def refresh_if_changed(self) -> None:
        """The live tick: reads and draws only if something changed (see moment)."""
        self.refresh_lobby(if_changed=True)

    def refresh_lobby(self, if_changed: bool = False) -> None:
        """Read the lobby again in the background and show it."""
        app = self.lobby_app
        keys = [c.key for c in channels()]
        self.read_in_background(
            "lobby",
            lambda: read_lobby(app.store, app.settings, keys),
            self.show_lobby,
            if_changed=if_changed,
        )
        self.refresh_advice(if_changed)

    def refresh_advice(self, if_changed: bool = False) -> None:
        """Compare the live queue with today's forecast (read once a day, in the background)."""
        from lobby_tui.services.forecast import day_plan_forecast, live_advice

        app, day = self.lobby_app, self.day
        plan = self.plan
        if plan is None or plan.day != day:
            if self.plan_asked != day:
                self.plan_asked = day
                keys = [c.key for c in channels()]
                self.read_in_background(
                    "day-forecast",
                    lambda: day_plan_forecast(app.store, app.settings, day, keys),
                    self.show_plan,
                )
            return
        self.read_in_background(
            "advice",
            lambda: live_advice(app.store, app.settings, plan, app.store.clock.now()),
            self.show_advice,
            if_changed=if_changed,
        )

    def show_plan(self, plan: DayPlanForecast) -> None:
        self.plan = plan
        self.refresh_advice()

    def show_advice(self, advice: list[OpenAdvice]) -> None:
        if advice != self.advice:
            self.advice = advice
            self.render_panels()

    def show_lobby(self, lobby: Lobby) -> None:
        self.lobby = lobby
        self.render_panels()

    def retranslate(self) -> None:
        super().retranslate()
        self.render_panels()

    def on_click(self, event: events.Click) -> None:
        place = event.style.meta.get("place")
        if place:
            self.lobby_app.go(place)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        self.render_panels()

    def render_panels(self) -> None:
        lobby = self.lobby
        if lobby is None:
            return
        rows, columns = self.size.height, self.size.width
        wide = columns >= WIDE
        # The lists show what the room allows (more at 200×50, three at 80×24).
        duties_lines = list_lines(rows, columns, "duties")
        cases_lines = list_lines(rows, columns, "cases")
        incidents = self.box(
            "incidents",
            self.items("incidents", lobby.incidents_open, lobby.incidents, cases_lines),
        )
        complaints = self.box(
            "complaints",
            self.items("complaints", lobby.complaints_open, lobby.complaints, cases_lines),
        )
        queue = [self.box("triage", self.waiting(lobby))]
        duties = [
            *([self.box("handover", self.handover(lobby))] if lobby.handover else []),
            self.box("rounds", self.next_round(lobby)),
        ]
        rest = [
            self.box("checklist", self.checklist(lobby)),
            self.box("checklist", self.appointments(lobby, duties_lines)),
            self.box("checklist", self.items("tasks", lobby.tasks_open, lobby.tasks, duties_lines)),
        ]
        hours = self.box("triage", self.hours(lobby))
        staff = self.box("checklist", self.on_duty(lobby))
        if wide:  # the open cases in a column of their own
            queue = [*queue, staff, hours]
            duties, cases = [*duties, *rest], [complaints, incidents]
        else:
            # Two columns: what happens on the floor (incidents) under who waits, complaints
            # under the round, so at 80×24 both are in sight; the rest below (scrolled to).
            queue, duties, cases = (
                [*queue, incidents, staff, hours],
                [*duties, complaints, *rest],
                [],
            )
        # Only a box that changed is drawn again (most ticks change nothing).
        self.query_one("#col-queue", Boxes).show(queue)
        self.query_one("#col-duties", Boxes).show(duties)
        third = self.query_one("#col-cases", Boxes)
        third.show(cases)
        if third.display != wide:
            third.display = wide

    def box(self, place: str, parts: PanelParts) -> Panel:
        """One dashboard box; its border says how worried to be, a tap opens its place."""
        title, body, level = parts
        colours = self.app.theme_variables
        border = {
            "ok": colours.get("primary", "blue"),
            "warn": colours.get("warning", "yellow"),
            "alert": colours.get("error", "red"),
        }[level]
        return Panel(
            body,
            title=Text(title, style="bold"),
            title_align="left",
            border_style=border,
            box=box.HEAVY if level == "alert" else box.ROUNDED,
            padding=(0, 1),
            # Not an "@click" link: Textual would underline every line of the box.
            style=Style(meta={"place": place}),
        )

    def waiting(self, lobby: Lobby) -> PanelParts:
        total = sum(q.waiting for q in lobby.queues)
        title = t("dash.waiting.title", count=total)
        advice = self.open_advice()
        shown = windows_line(lobby.windows, lobby.now)
        at_windows = [shown] if shown is not None else []
        if total == 0:
            body = Group(
                Text(t("dash.waiting.empty")), *at_windows, *advice, *self.devices_out(lobby)
            )
            return title, body, "warn" if advice else "ok"
        lang = self.lobby_app.language
        labels = {c.key: c.label[lang] for c in channels()}
        rows = [
            (
                Text(t("dash.waiting.channel"), style="dim"),
                Text(t("dash.waiting.people"), style="dim"),
                Text(t("dash.waiting.longest"), style="dim"),
            )
        ]
        worst = WaitLevel.OK
        for queue in lobby.queues:
            style = self.wait_style(queue.level)
            longest = "—" if queue.longest_min is None else t("dash.minutes", n=queue.longest_min)
            rows.append(
                (
                    Text(labels.get(queue.channel, queue.channel)),
                    Text(str(queue.waiting)),
                    Text(longest, style=style),
                )
            )
            if queue.level == WaitLevel.RED or (
                queue.level == WaitLevel.AMBER and worst == WaitLevel.OK
            ):
                worst = queue.level
        level = {WaitLevel.OK: "ok", WaitLevel.AMBER: "warn", WaitLevel.RED: "alert"}[worst]
        if advice and level == "ok":
            level = "warn"
        body = Group(QueueRows(rows), *at_windows, *advice, *self.devices_out(lobby))
        return title, body, level

    def open_advice(self) -> list[Text]:
        """ "Open a window now", and why: walk-ins ahead of the forecast, the wait about to pass
        the red threshold (R1.6)."""
        lang = self.lobby_app.language
        labels = {c.key: c.label[lang] for c in channels()}
        lines = []
        for advice in self.advice:
            lines.append(
                Text(
                    t("dash.advice.open", channel=labels.get(advice.channel, advice.channel)),
                    style=self.wait_style(WaitLevel.AMBER),
                )
            )
            params = {
                "waiting": advice.waiting,
                "arrived": advice.arrived,
                # Under ten, to a tenth: "forecast 0" would read as "nobody expected".
                "expected": f"{advice.expected:.1f}"
                if advice.expected < 10
                else round(advice.expected),
            }
            if math.isinf(advice.projected_min):
                lines.append(Text(t("dash.advice.why_closed", **params)))
            else:
                minutes = round(advice.projected_min)
                lines.append(
                    Text(t("dash.advice.why", minutes=minutes, needed=advice.needed, **params))
                )
        return lines

    def devices_out(self, lobby: Lobby) -> list[Text]:
        """Devices out of service right now: what triage cannot send people to (R1.2)."""
        zone = self.lobby_app.settings.timezone
        return [
            Text(
                t("dash.device_out", device=item.text, time=when(item.at, zone, lobby.now)),
                style=self.wait_style(WaitLevel.AMBER),
            )
            for item in lobby.devices_out
        ]

    def next_round(self, lobby: Lobby) -> PanelParts:
        """The round clock (R3.1): the same rule the handover counts missed rounds by."""
        zone = self.lobby_app.settings.timezone
        if lobby.round_open_since is not None:
            since = local(lobby.round_open_since, zone).strftime("%H:%M")
            lines = [t("dash.round.open", time=since)]
        elif lobby.last_round_at:
            lines = [t("dash.round.last", time=local(lobby.last_round_at, zone).strftime("%H:%M"))]
        else:
            lines = [t("dash.round.none")]
        if lobby.rounds_missed:
            lines.append(t("dash.round.missed", count=lobby.rounds_missed))
        level = "ok"
        due_at = lobby.next_round_at
        if lobby.round_open_since is not None:
            pass
        elif due_at is None:
            lines.append(t("dash.round.closed" if lobby.closed else "dash.round.none_due"))
        else:
            due = local(due_at, zone).strftime("%H:%M")
            late = minutes_late(due_at, lobby.now)
            if late > 0:
                lines.append(t("dash.round.overdue", time=due, minutes=late))
                level = "alert"
            else:
                lines.append(t("dash.round.due", time=due))
        return t("dash.round.title"), Text("\n".join(lines)), level

    def handover(self, lobby: Lobby) -> PanelParts:
        """What the previous shift left for this one, until a shift hands over again."""
        assert lobby.handover is not None
        zone = self.lobby_app.settings.timezone
        closed = local(lobby.handover.closed_at, zone).strftime("%m-%d %H:%M")
        handover = lobby.handover
        if handover.accepted_by:  # the incoming manager accepted with their PIN (R6.5)
            title = t("dash.handover.accepted", name=handover.closed_by,
                      receiver=handover.accepted_by, time=closed)  # fmt: skip
        else:
            title = t("dash.handover.title", name=handover.closed_by, time=closed)
        return title, Text(lobby.handover.note or t("dash.handover.no_note")), "warn"

    def on_duty(self, lobby: Lobby) -> PanelParts:
        """Who is at each channel now and who is on a break until when (the duty plan,
        R1.6). Staff names are not customer data: they are shown."""
        title = t("dash.duty.title")
        if lobby.on_duty is None:
            return title, Text(t("dash.duty.empty")), "warn"
        if not lobby.on_duty:
            return title, Text(t("dash.duty.nobody")), "ok"
        zone = self.lobby_app.settings.timezone
        lang = self.lobby_app.language
        lines = []
        for post in lobby.on_duty:
            line = Text.assemble((post_label(post.post, lang), "bold"), " ", "、".join(post.here)
                                 if lang == "zh" else ", ".join(post.here))  # fmt: skip
            if not post.here:  # everyone of the post on a break: nobody there now
                line.append(t("dash.duty.nobody_here"), style=self.wait_style(WaitLevel.AMBER))
            for name, until in post.away:
                line.append("  ")
                line.append(
                    t("dash.duty.away", name=name, time=local(until, zone).strftime("%H:%M")),
                    style=self.wait_style(WaitLevel.AMBER),
                )
            lines.append(line)
        return title, Group(*lines), "ok"

    def checklist(self, lobby: Lobby) -> PanelParts:
        """Done and signed, in progress, or late: red once the doors are open (R1)."""
        title = t("dash.checklist.title")
        if lobby.checklist_signed_off:
            return title, Text(t("dash.checklist.signed")), "ok"
        late = lobby.now >= lobby.opens_at
        opens = local(lobby.opens_at, self.lobby_app.settings.timezone).strftime("%H:%M")
        if lobby.closed:  # after hours the day's checklist is history, not an alarm
            done = lobby.checklist_answered if lobby.checklist_started else 0
            said = t("dash.checklist.after_hours", done=done, total=lobby.checklist_items)
            return title, Text(said, style="dim"), "ok"
        if not lobby.checklist_started:
            body = t("dash.checklist.none")
        else:
            body = t(
                "dash.checklist.progress",
                done=lobby.checklist_answered,
                total=lobby.checklist_items,
            )
        if late:
            body += "\n" + t("dash.checklist.late", time=opens)
        return title, Text(body), "alert" if late else "warn"

    def appointments(self, lobby: Lobby, shown: int = 3) -> PanelParts:
        """Today's key-customer appointments not yet arrived; due ones in red (R1.6)."""
        count = len(lobby.appointments)
        missed = lobby.appointments_missed
        title = t("dash.appointments.title", count=count)
        if missed:
            title = t("dash.appointments.title_missed", count=count, missed=len(missed))
        zone = self.lobby_app.settings.timezone
        if count == 0 and not missed:
            return title, Text(t("dash.appointments.empty")), "ok"
        if count == 0:  # every one came or was missed: the missed stay in sight
            return title, Group(*(
                Text.assemble((local(i.at, zone).strftime("%H:%M") + " ", "dim"),
                              (t("dash.appointments.missed", text=i.text), "dim"))
                for i in missed[:shown]
            )), "ok"  # fmt: skip
        soon = lobby.now.timestamp() + 15 * 60
        lines = []
        for item in lobby.appointments[:shown]:
            style = (
                self.wait_style(WaitLevel.RED)
                if item.overdue
                else (self.wait_style(WaitLevel.AMBER) if item.at.timestamp() <= soon else "")
            )
            lines.append(
                Text.assemble(
                    (
                        local(item.at, zone).strftime("%m-%d" if item.dated else "%H:%M") + " ",
                        "dim",
                    ),
                    (item.text, style),
                )
            )
        if count > shown:
            lines.append(Text(t("dash.more", n=count - shown), style="dim"))
        level = "alert" if any(i.overdue for i in lobby.appointments) else "warn"
        return title, Group(*lines), level

    def items(self, kind: str, count: int, items: list[OpenItem], shown: int = 3) -> PanelParts:
        title = t(f"dash.{kind}.title", count=count)
        items = items[:shown]
        if count == 0:
            return title, Text(t(f"dash.{kind}.empty", key=key_to_say("f5"))), "ok"
        zone = self.lobby_app.settings.timezone
        lines = [
            Text.assemble(
                (self.item_when(item, zone) + " ", "dim"),
                (self.item_text(item), self.wait_style(WaitLevel.RED) if item.overdue else ""),
            )
            for item in items
        ]
        if count > len(items):
            lines.append(Text(t("dash.more", n=count - len(items)), style="dim"))
        overdue = any(item.overdue for item in items)
        return title, Group(*lines), "alert" if overdue else "warn"

    def item_when(self, item: OpenItem, zone: ZoneInfo) -> str:
        """A deadline days away by its date; anything else by its time, dated when it is
        not of today (an incident left open since last week)."""
        if item.dated:
            return local(item.at, zone).strftime("%m-%d")
        return when(item.at, zone, self.lobby_app.store.clock.now())

    def item_text(self, item: OpenItem) -> str:
        # A complaint whose customer is due an update on how it stands says so (R4.4).
        update = f" · {t(f'complaint.progress.{item.progress}')}" if item.progress else ""
        if item.category is not None:
            labels = complaint_labels().get(item.category, {})
            return f"{item.text} {labels.get(self.lobby_app.language, item.category)}{update}"
        if update:
            return item.text + update
        if item.kind is None:
            return item.text
        label = incident_labels().get(item.kind, {}).get(self.lobby_app.language, item.kind)
        if item.level:  # the catalog's brackets: full width in Chinese
            return t("dash.incident_severity", label=label, severity=t(f"severity.{item.level}"))
        return label

    def hours(self, lobby: Lobby) -> PanelParts:
        title = t("dash.hours.title", total=lobby.arrivals_today)
        if lobby.arrivals_today == 0:
            return title, Text(t("dash.hours.empty")), "ok"
        now_hour = local(lobby.now, self.lobby_app.settings.timezone).hour
        peak = max(lobby.per_hour) or 1
        columns = 3 if self.size.width >= WIDE else 2
        # The bar fills what the box leaves after borders, padding, hour and count.
        bar_width = max(6, self.size.width // columns - 14)
        rows = []
        for offset, count in enumerate(lobby.per_hour):
            hour = lobby.first_hour + offset
            if hour > now_hour and count == 0:
                break
            bar = "█" * max(1 if count else 0, round(count / peak * bar_width))
            rows.append((f"{hour:02d}", bar, str(count)))
        bars = HourBars(rows, self.app.theme_variables.get("primary", "blue"))
        summary = Text(
            t("dash.hours.summary", served=lobby.served_today, left=lobby.left_today),
            style="dim",
        )
        return title, Group(bars, summary, self.service(lobby), self.promises(lobby)), "ok"

    def service(self, lobby: Lobby) -> Text:
        """The day's service level and mean wait, by the report's rule and shown as the
        report shows them (the handover's figures are these)."""
        p = lobby.promises
        if p.service_level is None:
            return Text()
        level = f"{round(p.service_level, 4) * 100:.1f}%"
        wait = t("report.minutes", n=round(p.wait_mean, 1)) if p.wait_mean is not None else "—"
        return Text(t("dash.hours.level", level=level, wait=wait), style="dim")

    def promises(self, lobby: Lobby) -> Text:
        """The day's promises: quotes told right and too short (R2.7), triage pace (R2.8)."""
        p = lobby.promises
        if p.quote_hit_rate is None and p.triage_within_target is None:
            return Text()
        line = Text(style="dim")
        if p.quote_hit_rate is not None and p.quote_longer_rate is not None:
            line.append(t("dash.hours.quotes", right=round(p.quote_hit_rate * 100)))
            longer = round(p.quote_longer_rate * 100)
            line.append(
                t("dash.hours.longer", longer=longer),
                style=self.wait_style(WaitLevel.AMBER) if p.quote_longer_rate > 0.1 else "",
            )
        if p.triage_within_target is not None and p.triage_seconds_median is not None:
            line.append(
                t(
                    "dash.hours.triage",
                    within=round(p.triage_within_target * 100),
                    median=round(p.triage_seconds_median),
                )
            )
        return line
