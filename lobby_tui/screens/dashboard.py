"""Home: the live lobby at a glance. Every panel says honestly what it knows, and what to do
when it knows nothing yet."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll

from lobby_tui.content import channels
from lobby_tui.domain.day import local
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.services.lobby import Lobby, OpenItem, read_lobby
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.panel import Panel
from lobby_tui.widgets.topbar import TopBar

REFRESH_SECONDS = 5


class DashboardScreen(LobbyScreen):
    PLACE = "dashboard"
    CSS_PATH = "../styles/dashboard.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.lobby: Lobby | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        # Three columns, by what the manager looks at first: the queue, the duties, the open
        # cases. Narrow screens put the third column under the second (see dashboard.tcss).
        with VerticalScroll(id="lobby-scroll"), Grid(id="lobby-grid"):
            with Vertical(id="col-queue"):
                yield Panel("triage", id="waiting")
                yield Panel("triage", id="hours")
            with Vertical(id="col-duties"):
                yield Panel("rounds", id="round")
                yield Panel("checklist", id="checklist")
                yield Panel("checklist", id="tasks")
            with Vertical(id="col-cases"):
                yield Panel("complaints", id="complaints")
                yield Panel("incidents", id="incidents")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.refresh_lobby()
        self.set_interval(REFRESH_SECONDS, self.refresh_lobby)

    def on_screen_resume(self) -> None:
        self.refresh_lobby()

    @work(thread=True, exclusive=True, group="lobby", exit_on_error=False)
    def refresh_lobby(self) -> None:
        app = self.lobby_app
        lobby = read_lobby(app.store, app.settings, [c.key for c in channels()])
        self.app.call_from_thread(self.show_lobby, lobby)

    def show_lobby(self, lobby: Lobby) -> None:
        self.lobby = lobby
        self.render_panels()

    def retranslate(self) -> None:
        super().retranslate()
        self.render_panels()

    def render_panels(self) -> None:
        lobby = self.lobby
        if lobby is None:
            return
        for panel_id, (title, body, level) in {
            "waiting": self.waiting(lobby),
            "round": self.next_round(lobby),
            "checklist": self.checklist(lobby),
            "tasks": self.items("tasks", lobby.tasks_open, lobby.tasks),
            "hours": self.hours(lobby),
            "complaints": self.items("complaints", lobby.complaints_open, lobby.complaints),
            "incidents": self.items("incidents", lobby.incidents_open, lobby.incidents),
        }.items():
            self.query_one(f"#{panel_id}", Panel).show(title, body, level)

    # Each panel: (title, body, level) with level "ok", "warn" or "alert".

    def waiting(self, lobby: Lobby) -> tuple[str, RenderableType, str]:
        total = sum(q.waiting for q in lobby.queues)
        title = t("dash.waiting.title", count=total)
        if total == 0:
            return title, Text(t("dash.waiting.empty")), "ok"
        lang = self.lobby_app.language
        labels = {c.key: c.label[lang] for c in channels()}
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right")
        table.add_column(justify="right", no_wrap=True)
        table.add_row(
            Text(t("dash.waiting.channel"), style="dim"),
            Text(t("dash.waiting.people"), style="dim"),
            Text(t("dash.waiting.longest"), style="dim"),
        )
        worst = WaitLevel.OK
        for queue in lobby.queues:
            style = self._style(queue.level)
            longest = "—" if queue.longest_min is None else t("dash.minutes", n=queue.longest_min)
            table.add_row(
                Text(labels.get(queue.channel, queue.channel)),
                Text(str(queue.waiting)),
                Text(longest, style=style),
            )
            if queue.level == WaitLevel.RED or (
                queue.level == WaitLevel.AMBER and worst == WaitLevel.OK
            ):
                worst = queue.level
        level = {WaitLevel.OK: "ok", WaitLevel.AMBER: "warn", WaitLevel.RED: "alert"}[worst]
        return title, table, level

    def _style(self, level: WaitLevel) -> str:
        colours = self.app.theme_variables
        if level == WaitLevel.RED:
            return f"bold {colours.get('error', 'red')}"
        if level == WaitLevel.AMBER:
            return f"bold {colours.get('warning', 'yellow')}"
        return ""

    def next_round(self, lobby: Lobby) -> tuple[str, RenderableType, str]:
        zone = self.lobby_app.settings.timezone
        due = local(lobby.next_round_at, zone).strftime("%H:%M")
        late = int((lobby.now - lobby.next_round_at).total_seconds() // 60)
        lines = [
            t("dash.round.last", time=local(lobby.last_round_at, zone).strftime("%H:%M"))
            if lobby.last_round_at
            else t("dash.round.none")
        ]
        if late > 0:
            lines.append(t("dash.round.overdue", time=due, minutes=late))
            level = "alert"
        else:
            lines.append(t("dash.round.due", time=due))
            level = "ok"
        return t("dash.round.title"), Text("\n".join(lines)), level

    def checklist(self, lobby: Lobby) -> tuple[str, RenderableType, str]:
        title = t("dash.checklist.title")
        if not lobby.checklist_started:
            return title, Text(t("dash.checklist.none")), "warn"
        if lobby.checklist_signed_off:
            return title, Text(t("dash.checklist.signed")), "ok"
        body = t(
            "dash.checklist.progress", done=lobby.checklist_answered, total=lobby.checklist_items
        )
        return title, Text(body), "warn"

    def items(
        self, kind: str, count: int, items: list[OpenItem]
    ) -> tuple[str, RenderableType, str]:
        title = t(f"dash.{kind}.title", count=count)
        if count == 0:
            return title, Text(t(f"dash.{kind}.empty")), "ok"
        zone = self.lobby_app.settings.timezone
        lines = [
            Text.assemble(
                (local(item.at, zone).strftime("%H:%M") + " ", "dim"),
                (item.text, self._style(WaitLevel.RED) if item.overdue else ""),
            )
            for item in items
        ]
        if count > len(items):
            lines.append(Text(t("dash.more", n=count - len(items)), style="dim"))
        overdue = any(item.overdue for item in items)
        return title, Group(*lines), "alert" if overdue else "warn"

    def hours(self, lobby: Lobby) -> tuple[str, RenderableType, str]:
        title = t("dash.hours.title", total=lobby.arrivals_today)
        if lobby.arrivals_today == 0:
            return title, Text(t("dash.hours.empty")), "ok"
        now_hour = local(lobby.now, self.lobby_app.settings.timezone).hour
        peak = max(lobby.per_hour) or 1
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1, no_wrap=True, overflow="crop")
        table.add_column(justify="right", no_wrap=True)
        bar_width = 24
        for offset, count in enumerate(lobby.per_hour):
            hour = lobby.first_hour + offset
            if hour > now_hour and count == 0:
                break
            bar = "█" * max(1 if count else 0, round(count / peak * bar_width))
            table.add_row(
                f"{hour:02d}",
                Text(bar, style=self.app.theme_variables.get("primary", "blue")),
                str(count),
            )
        summary = Text(
            t("dash.hours.summary", served=lobby.served_today, left=lobby.left_today),
            style="dim",
        )
        return title, Group(table, summary), "ok"
