"""The store's one kind of failure a person can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A failure with a clear, translatable explanation (`key` names the catalog entry)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


class UnreadableInstant(StoreError, ValueError):
    """A stored instant not in the one form `iso` writes (a row written behind the app's
    back, or by a version before `iso` refused such years): said, not a traceback."""

    def __init__(self, text: str) -> None:
        super().__init__("db.bad_instant", text=text)
