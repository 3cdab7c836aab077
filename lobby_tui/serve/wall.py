"""The wall view (`lobby serve --wall`): the live lobby for a screen facing the manager's
desk. Counts only: no name, no case text, no form, and no key that writes; it never asks
who is there, because it cannot change anything."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from lobby_tui.content import Channel, channels, incident_catalogue
from lobby_tui.domain.day import local
from lobby_tui.domain.lobby import WaitLevel
from lobby_tui.domain.rounds import minutes_late
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import t
from lobby_tui.services.lobby import Lobby, read_lobby
from lobby_tui.store import Store, StoreError

LOOK_SECONDS = 1.0  # a cheap look (PRAGMA data_version): the lobby is read only on a change
LEVEL_STYLE = {WaitLevel.RED: "bold red", WaitLevel.AMBER: "bold yellow"}


def wall_text(lobby: Lobby, settings: Settings, language: str, kinds: tuple[Channel, ...]) -> Table:
    """What the wall shows: counts and waits per channel, the day's totals, and how many
    complaints and incidents are open. Nothing that names anyone."""
    labels = {c.key: c.label.get(language) or c.key for c in kinds}
    grid = Table.grid(padding=(0, 3))
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_column(justify="right")
    grid.add_row(
        Text(t("wall.channel"), style="dim"),
        Text(t("wall.waiting"), style="dim"),
        Text(t("wall.longest"), style="dim"),
    )
    for queue in lobby.queues:
        longest = "–" if queue.longest_min is None else t("wall.minutes", n=queue.longest_min)
        grid.add_row(
            labels.get(queue.channel, queue.channel),
            Text(str(queue.waiting), style="bold"),
            Text(longest, style=LEVEL_STYLE.get(queue.level, "")),
        )
    grid.add_row()
    grid.add_row(
        t("wall.today"),
        t(
            "wall.totals",
            arrivals=lobby.arrivals_today,
            served=lobby.served_today,
            left=lobby.left_today,
        ),
    )
    grid.add_row(t("wall.complaints"), str(lobby.complaints_open))
    grid.add_row(t("wall.incidents"), str(lobby.incidents_open))
    if not lobby.closed and lobby.next_round_at is not None:  # None: no round due any more
        due = local(lobby.next_round_at, settings.timezone).strftime("%H:%M")
        late = minutes_late(lobby.next_round_at, lobby.now)
        if late:  # the dashboard's words: a past time alone does not say it is late
            said = t("wall.round_late", time=due, minutes=late)
            grid.add_row(t("wall.next_round"), Text(said, style="bold red"))
        else:
            grid.add_row(t("wall.next_round"), due)
    return grid


class WallApp(App[None]):
    """Read only: the store is opened read-only, no binding writes, no palette."""

    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { align: center middle; }
    #wall-title { width: auto; text-style: bold; margin-bottom: 1; }
    #wall { width: auto; height: auto; }
    """

    def __init__(self, store: Store, settings: Settings, language: str) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.language = language
        self.seen: Hashable = None

    def compose(self) -> ComposeResult:
        yield Static(id="wall-title")
        yield Static(t("wall.loading"), id="wall")

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.look()
        self.set_interval(LOOK_SECONDS, self.look)

    def look(self) -> None:
        """Read the lobby again only if something was committed, or the minute turned."""
        try:
            now = self.store.clock.now()
            moment = (self.store.version(), now.replace(second=0, microsecond=0))
            if moment == self.seen:
                return
            kinds = channels()
            # Faces the hall: an AML concern is neither counted nor named here.
            hidden = incident_catalogue().discreet()
            lobby = read_lobby(self.store, self.settings, [c.key for c in kinds], hidden)
        except StoreError as exc:
            self.query_one("#wall", Static).update(Text(t(f"error.{exc.key}", **exc.params)))
            return
        self.seen = moment
        self.show(lobby, kinds, now)

    def show(self, lobby: Lobby, kinds: tuple[Channel, ...], now: datetime) -> None:
        branch = self.settings.branch(self.language)
        shown = local(now, self.settings.timezone).strftime("%H:%M")
        title = f"{t('wall.title')} — {branch} — {shown}"
        self.query_one("#wall-title", Static).update(Text(title))
        self.query_one("#wall", Static).update(
            wall_text(lobby, self.settings, self.language, kinds)
        )
