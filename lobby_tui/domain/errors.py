"""Bad input, said beside the field it belongs to."""

from __future__ import annotations


class Invalid(ValueError):
    """`field` names the form field; `key` the catalog entry under `invalid.` that says why."""

    def __init__(self, field: str, key: str, **params: object) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.params = params
