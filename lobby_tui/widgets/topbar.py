"""The line at the top of every screen: branch, business day, clock, shift, demo badge, and
a failing ticket printer (R2.11) while it fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Static

from lobby_tui.domain.day import business_day, local, when
from lobby_tui.i18n import t

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


class TopBar(Static):
    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, place: str) -> None:
        super().__init__()
        self.place = place

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        app = cast("LobbyApp", self.app)
        settings = app.settings
        now = local(app.store.clock.now(), settings.timezone)
        day = business_day(now, settings.timezone)
        text = Text()
        text.append(t(f"place.{self.place}"), style="bold")
        text.append("  ")
        if app.printer_problem is not None:
            # Before the branch's name: on a narrow screen the line's end is cut, not this.
            text.append(f" {t(f'printer.badge.{app.printer_problem}')} ", style="bold reverse red")
            text.append("  ")
        if app.customers_for_me:  # a VIP or an appointment is here for this person
            text.append(f" {t('vip.for_you', count=app.customers_for_me)} ", style="bold reverse")
            text.append("  ")
        text.append(settings.branch(app.language))
        text.append("  ")
        text.append(f"{day.isoformat()} {t(f'weekday.{day.weekday()}')}")
        text.append("  ")
        text.append(now.strftime("%H:%M:%S"), style="bold")
        text.append("  ")
        if app.shift is not None:
            opened = when(app.shift.opened_at, settings.timezone, now)
            text.append(t("shift.open_since", time=opened))
        else:
            text.append(t("shift.none"))
        if app.demo:
            text.append("  ")
            text.append(f" {t('app.demo_badge')} ", style="reverse")
        if app.signed_in is not None:  # whose name every change is recorded under
            text.append("  ")
            text.append(app.signed_in.name, style="bold")
        self.update(text)
