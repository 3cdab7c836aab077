"""Arrival triage (R2), one panel a module: the walk-in form on the screen itself and the
live queue beside it; the queue tells the screen when it changed the floor."""

from lobby_tui.screens.triage.screen import TriageScreen

__all__ = ["TriageScreen"]
