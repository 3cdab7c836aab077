"""The opening checklist (R1), one tab a module: the items and sign-off, the day plan, the
open tasks; the screen composes them and routes their messages."""

from lobby_tui.screens.checklist.screen import ChecklistScreen

__all__ = ["ChecklistScreen"]
