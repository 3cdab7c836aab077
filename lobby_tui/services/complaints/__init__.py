"""Complaints (R4): taken down once (`intake`), then every change a `complaint_updates` row
and an event in the same transaction (`lifecycle`); read back masked, listed and filtered
(`cases`). The clocks come from domain/complaints.py. Callers use this package's names."""

from lobby_tui.services.complaints.cases import (
    COLUMNS,
    Complaint,
    Filter,
    Handoff,
    Update,
    callbacks_due,
    find,
    get,
    handoffs,
    timeline,
)
from lobby_tui.services.complaints.intake import NEW_DRAFT, take_complaint
from lobby_tui.services.complaints.lifecycle import (
    REOPENED,
    add_note,
    escalate,
    extend,
    hand_off,
    move_handoff,
    note_draft,
    progress_update,
    record_callback,
    reveal,
    set_status,
)

__all__ = [
    "COLUMNS",
    "NEW_DRAFT",
    "REOPENED",
    "Complaint",
    "Filter",
    "Handoff",
    "Update",
    "add_note",
    "callbacks_due",
    "escalate",
    "extend",
    "find",
    "get",
    "hand_off",
    "handoffs",
    "move_handoff",
    "note_draft",
    "progress_update",
    "record_callback",
    "reveal",
    "set_status",
    "take_complaint",
    "timeline",
]
