"""What the manager reminds customers of on the floor (R5.1, R5.4)."""

from __future__ import annotations

REMINDERS = ("belongings", "pin")
