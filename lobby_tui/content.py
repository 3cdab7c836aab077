"""Finding and reading the editable reference content in data/.

From a checkout the folder is `data/` beside the package; in an installed wheel it travels
inside the package as `_data/` (see pyproject.toml). Only tomllib here: this runs at start-up,
and heavier validation (pydantic) belongs to the screens that need it, loaded when first shown.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    # For the loaders' return types only: at run time each model is imported by its loader,
    # when first asked for, so start-up loads neither pydantic nor the rules behind it.
    from decimal import Decimal

    from pydantic import BaseModel

    from lobby_tui.domain.checklist import Template
    from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue, Faq
    from lobby_tui.domain.forecast import ForecastConfig, HolidayCalendar
    from lobby_tui.domain.incidents import FraudScript, IncidentCatalogue
    from lobby_tui.domain.products import ProductCatalogue
    from lobby_tui.domain.triage import CueTable, NeedCatalogue
    from lobby_tui.domain.vip import VipCatalogue

M = TypeVar("M", bound="BaseModel")

_PACKAGE = Path(__file__).resolve().parent


class ContentError(Exception):
    """A content file that cannot be used: `key` is the catalog entry, params name the place."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


# The content files the app reads: a LOBBY_DATA folder with none of them is a mistake.
FILES = ("settings.toml", "channels.toml", "needs.toml", "cues.toml", "checklist.toml",
         "products.toml", "incidents.toml", "fraud.toml", "complaints.toml",
         "faq.toml", "holidays.toml", "forecast.toml", "vip.toml")  # fmt: skip

_WARNINGS: list[ContentError] = []


@cache
def data_dir() -> Path:
    override = os.environ.get("LOBBY_DATA")
    if override:
        # Named on purpose: a folder that is not what was meant is said, never silently
        # replaced by the packaged content (issue 14).
        folder = Path(override)
        if not any((folder / name).is_file() for name in FILES):
            raise ContentError("content.override_empty", folder=str(folder))
        if not (folder / "settings.toml").is_file():
            raise ContentError("content.missing_file", file=str(folder / "settings.toml"))
        return folder
    found = packaged_dir()
    if found is None:
        places = ", ".join(str(c) for c in _PACKAGED)
        raise ContentError("content.missing_dir", places=places)
    return found


_PACKAGED = (_PACKAGE / "_data", _PACKAGE.parent / "data")


def packaged_dir() -> Path | None:
    """The content that ships with the app (a wheel's _data/, or a checkout's data/)."""
    return next((c for c in _PACKAGED if (c / "settings.toml").is_file()), None)


# The manager's guide (docs/guide/ in a checkout), shipped like data/: inside the package as
# _guide/ in a wheel (pyproject.toml's force-include), shown by the app's help key.
GUIDE_IN_WHEEL = "_guide"
GUIDE_FILES = {"en": "en.md", "zh": "zh_CN.md"}


def guide_dir(package: Path = _PACKAGE) -> Path | None:
    """The folder holding the guide: an installed wheel's _guide/, else a checkout's
    docs/guide/ (`package` is where lobby_tui sits; tests point it elsewhere)."""
    places = (package / GUIDE_IN_WHEEL, package.parent / "docs" / "guide")
    return next((c for c in places if (c / GUIDE_FILES["en"]).is_file()), None)


def guide_file(language: str, package: Path = _PACKAGE) -> Path | None:
    """The guide in `language` ("zh" or "en"; English when the other is missing)."""
    folder = guide_dir(package)
    if folder is None:
        return None
    wanted = folder / GUIDE_FILES.get(language, GUIDE_FILES["en"])
    return wanted if wanted.is_file() else folder / GUIDE_FILES["en"]


def content_warnings() -> list[ContentError]:
    """Content files found broken and replaced by the packaged ones: shown at start."""
    return list(_WARNINGS)


def load_toml(name: str) -> dict[str, Any]:
    """The file as tomllib reads it, untyped on purpose: a raw table whose shape the caller
    checks (settings, channels and the labels below) or hands to `load_validated`."""
    path = data_dir() / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ContentError("content.missing_file", file=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)", which names the place.
        raise ContentError("content.bad_file", file=str(path), problem=str(exc)) from exc


@dataclass(frozen=True)
class Channel:
    key: str
    prefix: str
    counters: int
    label: dict[str, str]
    min_counters: int = 0
    """The fewest windows kept open while staff take their breaks (the duty plan)."""


COUNTERS_MAX = 30  # as the day plan allows (domain/parse.py)


@cache
def channels() -> tuple[Channel, ...]:
    """Where customers can be sent. Every screen needs them, so a broken, missing or
    wrong-typed channels.toml is said (file, line, problem) and the packaged one is used
    instead (issue 14); only a broken packaged file stops the app, with that line."""
    try:
        return _read_channels(data_dir() / "channels.toml")
    except ContentError as exc:
        packaged = packaged_dir()
        if packaged is None or packaged == data_dir():
            raise
        _WARNINGS.append(exc)
        return _read_channels(packaged / "channels.toml")


def _read_channels(path: Path) -> tuple[Channel, ...]:
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError as exc:
        raise ContentError("content.missing_file", file=str(path)) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ContentError("content.bad_file", file=str(path), problem=str(exc)) from exc

    def bad(i: int, field: str, problem: str) -> ContentError:
        line = locate(text, ("channel", i, field) if field else ("channel", i))
        return ContentError("content.bad_value", file=str(path), line=line, problem=problem)

    entries = raw.get("channel")
    if not isinstance(entries, list) or not entries:
        raise ContentError("content.bad_value", file=str(path), line=1, problem="no [[channel]]")
    minimums = raw.get("min_counters", {})
    if not isinstance(minimums, dict):
        raise ContentError("content.bad_value", file=str(path), line=1,
                           problem="min_counters: expected a table")  # fmt: skip
    out: list[Channel] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise bad(i, "", "expected a table")
        for field in ("key", "prefix"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise bad(i, field, f"{field}: expected text")
        counters = entry.get("counters")
        if type(counters) is not int:
            raise bad(i, "counters", "counters: expected a whole number")
        if not 0 <= counters <= COUNTERS_MAX:
            raise bad(i, "counters", f"counters: expected 0 to {COUNTERS_MAX}, got {counters}")
        least = minimums.get(entry.get("key"), 0)
        if type(least) is not int or not 0 <= least <= COUNTERS_MAX:
            raise ContentError("content.bad_value", file=str(path),
                               line=locate(text, ("min_counters",)),
                               problem=f"min_counters: expected 0 to {COUNTERS_MAX}")  # fmt: skip
        label = entry.get("label")
        if not isinstance(label, dict) or not all(
            isinstance(label.get(lang), str) for lang in ("zh", "en")
        ):
            raise bad(i, "label", "label: expected { zh = ..., en = ... }")
        for field, taken in (("key", [c.key for c in out]), ("prefix", [c.prefix for c in out])):
            if entry[field] in taken:
                raise bad(i, field, f"{field}: {entry[field]!r} is used by two channels")
        out.append(
            Channel(
                key=entry["key"],
                prefix=entry["prefix"],
                counters=counters,
                label={"zh": label["zh"], "en": label["en"]},
                min_counters=least,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class CounterWindow:
    """A numbered window of the branch (1号窗口) and the channels it serves, its own first
    (R2.9): it calls priority customers first among them, then the longest waiting."""

    number: int
    serves: tuple[str, ...]

    @property
    def channel(self) -> str:
        """Its own channel: the one whose open counters it counts towards."""
        return self.serves[0]


WINDOW_MAX = 99


@cache
def windows() -> tuple[CounterWindow, ...]:
    """The branch's numbered windows, in number order (channels.toml `[[window]]`). A file
    without any numbers each channel's default counters in the channels' order (machines
    excepted: they are not windows); a broken list is said (file, line, problem) and the
    packaged file's windows are used, as with the channels."""
    try:
        return _read_windows(data_dir() / "channels.toml", channels())
    except ContentError as exc:
        packaged = packaged_dir()
        if packaged is None or packaged == data_dir():
            raise
        _WARNINGS.append(exc)
        return _read_windows(packaged / "channels.toml", _read_channels(packaged / "channels.toml"))


def _read_windows(path: Path, known: tuple[Channel, ...]) -> tuple[CounterWindow, ...]:
    from lobby_tui.domain.triage import SELF_SERVICE

    text = path.read_text(encoding="utf-8")
    entries = tomllib.loads(text).get("window")
    if entries is None:
        made: list[CounterWindow] = []
        for channel in known:
            if channel.key != SELF_SERVICE:
                for _ in range(channel.counters):
                    made.append(CounterWindow(len(made) + 1, (channel.key,)))
        return tuple(made)

    def bad(i: int, field: str, problem: str) -> ContentError:
        line = locate(text, ("window", i, field) if field else ("window", i))
        return ContentError("content.bad_value", file=str(path), line=line, problem=problem)

    if not isinstance(entries, list):
        raise ContentError("content.bad_value", file=str(path), line=locate(text, ("window",)),
                           problem="window: expected [[window]] tables")  # fmt: skip
    keys = [c.key for c in known]
    out: list[CounterWindow] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise bad(i, "", "expected a table")
        number = entry.get("number")
        if type(number) is not int or not 1 <= number <= WINDOW_MAX:
            raise bad(i, "number", f"number: expected a whole number 1 to {WINDOW_MAX}")
        if number in [w.number for w in out]:
            raise bad(i, "number", f"number: window {number} is listed twice")
        serves = entry.get("serves")
        if (
            not isinstance(serves, list)
            or not serves
            or not all(isinstance(k, str) for k in serves)
        ):
            raise bad(i, "serves", 'serves: expected a list of channel keys, e.g. ["cash"]')
        for key in serves:
            if key not in keys or key == SELF_SERVICE:
                raise bad(i, "serves", f"serves: {key!r} is not a channel served at a window")
        if len(set(serves)) != len(serves):
            raise bad(i, "serves", "serves: a channel is listed twice")
        out.append(CounterWindow(number, tuple(serves)))
    return tuple(sorted(out, key=lambda w: w.number))


def locate(text: str, loc: tuple[int | str, ...]) -> int:
    """The line (1-based) of a TOML file that a validation error's location points at.

    Handles the array-of-tables layout of our content files ([[section]], [[section.item]]):
    the n-th table of each level narrows the range, then the field's own line is sought in it.
    A missing field points at its table's header line."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    path: list[str] = []
    best = 1
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(part, str) and isinstance(nxt, int):
            path.append(part)
            header = f"[[{'.'.join(path)}]]"
            found = [n for n in range(start, end) if lines[n].strip() == header]
            if nxt >= len(found):
                return best
            start = found[nxt]
            best = start + 1
            following = [n for n in found if n > start]
            # The table ends at its next sibling or at the next table of a shallower level.
            shallower = [
                n
                for n in range(start + 1, end)
                if lines[n].strip().startswith("[[")
                and lines[n].strip().count(".") < header.count(".")
            ]
            end = min([*following, *shallower, end])
            i += 2
            continue
        if isinstance(part, str):
            for n in range(start, end):
                stripped = lines[n].strip()
                if stripped.startswith("[[") and n != start:
                    break
                if stripped.split("=", 1)[0].strip() == part:
                    return n + 1
        return best
    return best


def load_validated(name: str, model: type[M]) -> M:
    """Load a content file into a pydantic model; a bad file names the file, the line and the
    problem (ContentError "content.bad_value")."""
    from pydantic import ValidationError

    raw = load_toml(name)
    path = data_dir() / name
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        line = locate(path.read_text(encoding="utf-8"), tuple(first["loc"]))
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise ContentError(
            "content.bad_value", file=str(path), line=line, problem=f"{where}: {first['msg']}"
        ) from exc


@cache
def checklist_template() -> Template:
    from lobby_tui.domain.checklist import Template

    return load_validated("checklist.toml", Template)


@cache
def needs_catalogue() -> NeedCatalogue:
    from lobby_tui.domain.triage import NeedCatalogue

    return load_validated("needs.toml", NeedCatalogue)


@cache
def cue_table() -> CueTable:
    from lobby_tui.domain.triage import CueTable

    return load_validated("cues.toml", CueTable)


@cache
def vip_catalogue() -> VipCatalogue:
    """The VIP tiers (data/vip.toml): each routes to channels of channels.toml, checked here
    (the model alone cannot know them)."""
    from lobby_tui.domain.vip import VipCatalogue

    packaged = packaged_dir()
    if not (data_dir() / "vip.toml").is_file() and packaged is not None:
        # A branch's own content folder from before the tiers: the packaged tiers, so an
        # upgrade never stops triage for a file it did not have to have.
        with (packaged / "vip.toml").open("rb") as fh:
            return VipCatalogue.model_validate(tomllib.load(fh))
    catalogue = load_validated("vip.toml", VipCatalogue)
    known = {c.key for c in channels()}
    for i, tier in enumerate(catalogue.tier):
        for kind, channel in tier.routing.items():
            if channel not in known:
                path = data_dir() / "vip.toml"
                line = locate(path.read_text(encoding="utf-8"), ("tier", i, "routing"))
                raise ContentError("content.bad_value", file=str(path), line=line,
                                   problem=f"routing.{kind}: {channel!r} is not a channel"
                                   " of channels.toml")  # fmt: skip
    return catalogue


@cache
def product_catalogue() -> ProductCatalogue:
    from lobby_tui.domain.products import ProductCatalogue

    return load_validated("products.toml", ProductCatalogue)


@cache
def incident_catalogue() -> IncidentCatalogue:
    from lobby_tui.domain.incidents import IncidentCatalogue

    return load_validated("incidents.toml", IncidentCatalogue)


@cache
def fraud_script() -> FraudScript:
    from lobby_tui.domain.incidents import FraudScript

    return load_validated("fraud.toml", FraudScript)


@cache
def cash_rates() -> dict[str, Decimal]:
    """Yuan per unit of each foreign currency (data/rates.toml), for the large-cash rule."""
    from lobby_tui.domain.cash import CashRates

    return dict(load_validated("rates.toml", CashRates).rates)


@cache
def complaint_catalogue() -> ComplaintCatalogue:
    from lobby_tui.domain.complaint_catalogue import ComplaintCatalogue

    return load_validated("complaints.toml", ComplaintCatalogue)


@cache
def faq() -> Faq:
    from lobby_tui.domain.complaint_catalogue import Faq

    return load_validated("faq.toml", Faq)


@cache
def holiday_calendar() -> HolidayCalendar:
    from lobby_tui.domain.forecast import HolidayCalendar

    return load_validated("holidays.toml", HolidayCalendar)


@cache
def forecast_config() -> ForecastConfig:
    from lobby_tui.domain.forecast import ForecastConfig

    return load_validated("forecast.toml", ForecastConfig)


@cache
def incident_labels() -> dict[str, dict[str, str]]:
    """Incident type labels without validating the whole catalogue: the dashboard shows
    them at start-up, where pydantic is not loaded. A bad file shows the ids instead."""
    try:
        raw = load_toml("incidents.toml")
        return {str(t["id"]): dict(t["label"]) for t in raw.get("type", [])}
    except (ContentError, KeyError, TypeError):
        return {}


@cache
def need_labels() -> dict[str, dict[str, str]]:
    """Need labels for the report's figures, read without pydantic (see above): a year's
    `lobby report` starts without the catalogue's models."""
    try:
        raw = load_toml("needs.toml")
        return {str(n["id"]): dict(n["label"]) for n in raw.get("need", [])}
    except (ContentError, KeyError, TypeError):
        return {}


@cache
def complaint_labels() -> dict[str, dict[str, str]]:
    """Complaint category labels for the dashboard, read without pydantic (see above)."""
    try:
        raw = load_toml("complaints.toml")
        return {str(c["id"]): dict(c["label"]) for c in raw.get("category", [])}
    except (ContentError, KeyError, TypeError):
        return {}
