"""The floor's windows in one line (R2.9): who is at each open window, and how long an idle
one has stood idle ("3号 空闲 4 分钟"). The triage queue and the dashboard show the same."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from lobby_tui.domain.lobby import wait_minutes
from lobby_tui.i18n import t
from lobby_tui.services.counter import WindowNow


def windows_line(
    at_windows: Sequence[WindowNow], now: datetime, *, idle_only: bool = False
) -> Text | None:
    """Idle windows in bold: the manager sees a window free while people wait. `idle_only`
    (the triage queue, whose rows already say who is at which window): the idle ones alone;
    None when there are none to show."""
    shown = [w for w in at_windows if w.ticket is None] if idle_only else list(at_windows)
    if not shown:
        return None
    line = Text(t("queue.windows_idle" if idle_only else "queue.windows") + " ", style="dim")
    for n, desk in enumerate(shown):
        if n:
            line.append(" · ", style="dim")
        if desk.ticket is not None:
            line.append(t("queue.window_busy", number=desk.number, ticket=desk.ticket))
        elif desk.since is None:
            line.append(t("queue.window_idle_now", number=desk.number), style="bold")
        else:
            minutes = wait_minutes(desk.since, now)
            line.append(t("queue.window_idle", number=desk.number, minutes=minutes), style="bold")
    return line
