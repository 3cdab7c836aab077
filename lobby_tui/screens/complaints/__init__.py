"""Complaints (R4), one panel a module: the case list and its filters, the case in hand,
the intake form and the quick answers; the screen composes them and routes their messages."""

from lobby_tui.screens.complaints.screen import ComplaintsScreen

__all__ = ["ComplaintsScreen"]
