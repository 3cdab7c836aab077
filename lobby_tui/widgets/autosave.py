"""Long text saved as a draft while it is typed (DESIGN "Persistence"): half a second after
the last change, at once when leaving a place or the app, and never written again when
nothing changed (so a restored draft keeps the time it was saved). The complaint form, a
complaint's follow-up note and the handover note all keep their drafts this way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from textual.timer import Timer
from textual.widget import Widget

DELAY = 0.5  # seconds after the last key

Values = dict[str, object]


def nothing_typed(values: Values) -> bool:
    return not any(str(value).strip() for value in values.values() if value is not None)


class Drafts(Protocol):
    """Where drafts are kept. A write that fails is reported by the keeper and returns
    False: the draft is then not taken as kept."""

    def load(self, key: str) -> tuple[Values, datetime] | None: ...

    def save(self, key: str, values: Values) -> bool: ...

    def discard(self, key: str) -> bool: ...


class Autosave:
    def __init__(
        self,
        owner: Widget,
        drafts: Drafts,
        key: Callable[[], str | None],
        values: Callable[[], Values],
        empty: Callable[[Values], bool] | None = None,
    ) -> None:
        """`owner` runs the timer and `drafts` keeps what is typed. `key` names the draft
        (None: nothing to keep it for), `values` reads the form, and `empty` says when there
        is nothing worth keeping (the draft is removed)."""
        self.owner = owner
        self.drafts = drafts
        self.key = key
        self.values = values
        self.empty = empty or nothing_typed
        self.kept: Values | None = None  # what the store holds for the key
        self._timer: Timer | None = None

    def load(self) -> tuple[Values, datetime] | None:
        """The draft in the store for the present key, if any."""
        key = self.key()
        return self.drafts.load(key) if key else None

    def remember(self, values: Values | None) -> None:
        """The store holds `values` now (restored, saved with the entry, or none)."""
        self.kept = values

    def changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.owner.set_timer(DELAY, self.save)

    def save(self) -> None:
        self._timer = None
        key = self.key()
        values = self.values()
        if key is None or values == self.kept:
            return
        empty = self.empty(values)
        if self.drafts.discard(key) if empty else self.drafts.save(key, values):
            self.kept = values

    def flush(self) -> None:
        """Save now what the pending timer would have saved."""
        if self._timer is not None:
            self._timer.stop()
            self.save()

    def cancel(self) -> None:
        """The typing is about to be used (an entry saved from it): no late save."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def discard(self) -> None:
        """The draft was used or thrown away: gone from the store, the form as it is now."""
        self.cancel()
        key = self.key()
        if key is not None:
            self.drafts.discard(key)
        self.kept = self.values()
