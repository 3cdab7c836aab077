"""The branch's settings: defaults from data/settings.toml, overridden by the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lobby_tui.domain.retention import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS

THEMES = ("default", "high-contrast")
PROFILES = ("nfra", "fca", "cfpb")  # see domain/complaints.py
LANGUAGES = ("zh", "en")


class SettingsError(ValueError):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    branch_name: Mapping[str, str]
    """The branch's name per language."""
    timezone: ZoneInfo
    """The branch's zone: the business day and every time on screen use it."""
    opening_time: time
    closing_time: time
    wait_amber_min: int
    """Minutes of waiting after which an apology is due (R3.2)."""
    wait_red_min: int
    """Minutes of waiting after which the manager escalates or opens a window."""
    round_interval_min: int
    """A round of the waiting area is due this often (R3.1)."""
    theme: str
    language: str | None
    """The language chosen in the app, if any (the command line wins over it)."""
    complaint_profile: str = "nfra"
    """The regulator whose clock complaints run on: nfra, fca or cfpb (R4)."""
    complaint_soon_days: int = 3
    """A complaint this close to its deadline is shown as due soon."""
    callback_days: int = 3
    """The customer is called back this many days after a complaint is resolved (R4.6)."""
    large_cash_threshold: int = 50000
    """Yuan: a cash deposit or withdrawal from this much on is large (identity check and
    the large-value report)."""
    idle_lock_min: int = 5
    """Minutes without a key or tap after which the tablet locks itself (R6.5)."""
    retention_days: int = 180
    """A record's personal fields are erased this many days after it ended (R6.5, PIPL)."""

    def branch(self, lang: str) -> str:
        return self.branch_name.get(lang) or next(iter(self.branch_name.values()), "")


def _int(raw: Mapping[str, Any], key: str, low: int, high: int, default: int | None = None) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SettingsError(key, f"expected a whole number from {low} to {high}, got {value!r}")
    return value


def _clock_time(raw: Mapping[str, Any], key: str) -> time:
    value = raw.get(key)
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise SettingsError(key, f"expected HH:MM, got {value!r}") from exc


def build_settings(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> Settings:
    raw = {**defaults, **overrides}
    name = raw.get("branch_name")
    if isinstance(name, str):
        name = {"zh": name, "en": name}
    if not isinstance(name, Mapping) or not name:
        raise SettingsError("branch_name", "expected a name, or a table of names by language")
    try:
        zone = ZoneInfo(str(raw.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError("timezone", f"unknown time zone {raw.get('timezone')!r}") from exc
    amber = _int(raw, "wait_amber_min", 1, 240)
    red = _int(raw, "wait_red_min", 1, 240)
    if red <= amber:
        raise SettingsError("wait_red_min", "must be later than wait_amber_min")
    theme = raw.get("theme", "default")
    if theme not in THEMES:
        raise SettingsError("theme", f"expected one of {', '.join(THEMES)}")
    language = raw.get("language")
    if language is not None and language not in LANGUAGES:
        raise SettingsError("language", f"expected one of {', '.join(LANGUAGES)}")
    profile = raw.get("complaint_profile", "nfra")
    if profile not in PROFILES:
        raise SettingsError("complaint_profile", f"expected one of {', '.join(PROFILES)}")
    opening, closing = _clock_time(raw, "opening_time"), _clock_time(raw, "closing_time")
    if closing <= opening:
        raise SettingsError("closing_time", "must be later than opening_time")
    return Settings(
        branch_name={str(k): str(v) for k, v in name.items()},
        timezone=zone,
        opening_time=opening,
        closing_time=closing,
        wait_amber_min=amber,
        wait_red_min=red,
        round_interval_min=_int(raw, "round_interval_min", 1, 240),
        theme=str(theme),
        language=language,
        complaint_profile=str(profile),
        complaint_soon_days=_int(raw, "complaint_soon_days", 0, 30, 3),
        callback_days=_int(raw, "callback_days", 0, 30, 3),
        large_cash_threshold=_int(raw, "large_cash_threshold", 1000, 100_000_000, 50000),
        idle_lock_min=_int(raw, "idle_lock_min", 1, 240, 5),
        retention_days=_int(raw, "retention_days", MIN_DAYS, MAX_DAYS, DEFAULT_DAYS),
    )
