"""The branch's complaint lists (data/complaints.toml) and quick answers (data/faq.toml),
validated so a bad edit names its file and line instead of breaking the screen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lobby_tui.domain.checklist import Label
from lobby_tui.domain.errors import Invalid


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    label: Label


class Empathy(Entry):
    phrase: Label  # a suggested sentence, our own wording (R4.1)


class ComplaintCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    category: list[Entry] = Field(min_length=1)
    responsibility: list[Entry] = Field(min_length=1)
    department: list[Entry] = Field(min_length=1)
    empathy: list[Empathy] = Field(min_length=1)
    root_cause: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ComplaintCatalogue:
        for name in ("category", "responsibility", "department", "empathy", "root_cause"):
            ids = [entry.id for entry in getattr(self, name)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"two {name} entries share an id")
        return self

    def label(self, kind: str, entry_id: str | None, lang: str) -> str:
        """An entry's label; an id no longer in the file is shown as it is."""
        for entry in getattr(self, kind):
            if entry.id == entry_id:
                return str(entry.label.text(lang))
        return entry_id or ""

    def check(self, kind: str, entry_id: str | None) -> None:
        if entry_id is not None and entry_id not in {e.id for e in getattr(self, kind)}:
            raise Invalid(kind, f"{kind}_unknown")


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: Label
    text: Label


class Faq(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    answer: list[Answer] = Field(min_length=1)
