"""The opening checklist (R1): its template, and the rules for answers, tasks and devices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import COUNT_MAX, check_text


class Answer(StrEnum):
    OK = "ok"
    PROBLEM = "problem"
    NA = "na"


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Choice(BaseModel):
    """One of the answers a note item offers to pick (the weather: fair, heavy rain, heat)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Label


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Literal["check", "device", "count", "note"]
    label: Label
    required: bool = True
    minimum: int | None = Field(default=None, ge=0)
    channel: str | None = None
    choice: list[Choice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fits_kind(self) -> Item:
        if self.kind == "count" and self.minimum is None:
            raise ValueError("a count item needs a minimum")
        if self.kind != "count" and self.minimum is not None:
            raise ValueError("only count items have a minimum")
        if self.kind != "device" and self.channel is not None:
            raise ValueError("only device items serve a channel")
        if self.kind != "note" and self.choice:
            raise ValueError("only note items offer choices")
        return self


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Label
    requirement: str | None = None
    item: list[Item] = Field(min_length=1)


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    version: int = Field(ge=1)
    section: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> Template:
        seen: set[str] = set()
        for item in self.items():
            if item.key in seen:
                raise ValueError(f"item key {item.key!r} is used twice")
            seen.add(item.key)
        return self

    def items(self) -> list[Item]:
        return [item for section in self.section for item in section.item]

    def item(self, key: str) -> Item:
        for item in self.items():
            if item.key == key:
                return item
        raise KeyError(key)

    def devices(self) -> list[Item]:
        return [item for item in self.items() if item.kind == "device"]


@dataclass(frozen=True)
class Given:
    """An answer as recorded."""

    item_key: str
    answer: Answer
    count: int | None = None
    note: str | None = None


NOTE_MAX = 500


def judge_count(item: Item, count: int | None) -> Answer:
    """A count below its minimum is a shortage: a problem to be fixed (R1.3)."""
    if count is None:
        raise Invalid("count", "count_missing")
    if not 0 <= count <= COUNT_MAX:
        raise Invalid("count", "count_range", max=COUNT_MAX)
    assert item.minimum is not None
    return Answer.PROBLEM if count < item.minimum else Answer.OK


def check_answer(item: Item, answer: Answer | None, count: int | None, note: str | None) -> Answer:
    """The answer to record for `item`, or Invalid naming the field that is wrong."""
    if note is not None:
        check_text(note, "note", NOTE_MAX, key="note_too_long")
    if item.kind == "count":
        if answer == Answer.NA:
            return Answer.NA
        return judge_count(item, count)
    if answer is None:
        raise Invalid("answer", "answer_missing")
    return answer


def missing_for_sign_off(template: Template, given: Mapping[str, Given]) -> list[Item]:
    """Required items without an answer: sign-off waits for them."""
    return [item for item in template.items() if item.required and item.key not in given]


# Peak forecast -----------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    first_hour: int
    per_hour: list[float]  # mean arrivals per hour over the days with history
    days: int  # how many of the last four same weekdays had any arrivals
    peaks: list[int]  # the expected peak hours

    @property
    def has_history(self) -> bool:
        return self.days > 0


PEAK_SHARE = 0.8  # an hour within 80 % of the busiest hour counts as a peak


def forecast_peaks(
    history: Mapping[date, Iterable[datetime]], first_hour: int, last_hour: int
) -> Forecast:
    """Arrivals per hour for this weekday, averaged over the same weekdays that have history.

    `history` maps each of the last four same weekdays to its arrivals (branch-local times);
    days without arrivals (a holiday, the first weeks) do not drag the average to zero."""
    counts = {day: Counter(at.hour for at in arrivals) for day, arrivals in history.items()}
    return forecast_from_counts(counts, first_hour, last_hour)


def forecast_from_counts(
    per_hour: Mapping[date, Mapping[int, int]], first_hour: int, last_hour: int
) -> Forecast:
    """The same forecast from arrivals already counted per branch-local hour of each day
    (what the store counts for us, so a day's arrivals are never read one by one)."""
    hours = last_hour - first_hour + 1
    totals = [0] * hours
    days = 0
    for counts in per_hour.values():
        counted = False
        for hour, count in counts.items():
            if first_hour <= hour <= last_hour and count:
                totals[hour - first_hour] += count
                counted = True
        days += counted
    if days == 0:
        return Forecast(first_hour, [0.0] * hours, 0, [])
    mean = [total / days for total in totals]
    top = max(mean)
    peaks = [first_hour + i for i, value in enumerate(mean) if top and value >= PEAK_SHARE * top]
    return Forecast(first_hour, mean, days, peaks)
