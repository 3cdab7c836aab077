"""The branch's settings: defaults from data/settings.toml, overridden by the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lobby_tui.domain.bundle import branch_id_problem
from lobby_tui.domain.retention import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from lobby_tui.domain.staff import ROLES
from lobby_tui.domain.ticket import (
    TICKET_LANGUAGES,
    PrinterSettingError,
    PrinterTarget,
    parse_printer,
    parse_ticket_languages,
)

THEMES = ("default", "high-contrast")
PROFILES = ("nfra", "fca", "cfpb")  # see domain/complaints.py
LANGUAGES = ("zh", "en")


class SettingsError(ValueError):
    """A setting that cannot be used. `problem` says why in English; `reason`, where given,
    is the catalog key that says it in the user's language (with `params`). The service that
    read the file adds where: `file` and `line` (services/settings.load_settings)."""

    def __init__(self, key: str, problem: str, reason: str | None = None, **params: object) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem
        self.reason = reason
        self.params = params
        self.file: str | None = None
        self.line: int | None = None


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
    progress_update_days: int = 5
    """Until a complaint is decided, the customer hears how it stands this often (R4.4)."""
    idle_lock_min: int = 5
    """Minutes without a key or tap after which the tablet locks itself (R6.5)."""
    retention_days: int = 180
    """A record's personal fields are erased this many days after it ended (R6.5, PIPL)."""
    branch_id: str | None = None
    """The bank's code for the branch, shared by its tablets: head office's key for its day
    bundles (issue 18). None: not set, and no bundle is written."""
    service_level_target: float = 0.8
    """The share of customers to be called within `wait_red_min`: the day plan opens windows
    for it (R1.6)."""
    pension_days: tuple[int, ...] = ()
    """Days of the month pensions and social security are paid here (the forecast's effect)."""
    payroll_days: tuple[int, ...] = ()
    """Days of the month local employers pay wages."""
    lunch_from: time = time(11, 0)
    """Lunches are taken from this time (the duty plan's rotation, R1.6) …"""
    lunch_until: time = time(14, 0)
    """… and are over by this one."""
    lunch_min: int = 60
    """How long a lunch break is."""
    appointment_grace_min: int = 15
    """An appointment not checked in this long after its time is a no-show."""
    large_cash_threshold: int = 50000
    large_cash_foreign_usd: int = 10000
    """Foreign cash is large from the equivalent of this many US dollars (the People's Bank:
    USD 10,000), at the rates in rates.toml."""
    """Yuan: a cash withdrawal booked at or above this gets a cash-preparation task."""
    reveal_roles: tuple[str, ...] = ("lobby_manager", "supervisor", "wealth_manager")
    """The roles whose signed-in staff may reveal a customer's full name and phone (R6.5);
    anyone else is refused, and the refusal is recorded."""
    display_voices: tuple[str, ...] = ("zh", "en")
    """The languages the hall's calling display speaks each call in, in this order (R2.10);
    none: the chime alone."""
    display_volume: int = 80
    """The calling display's loudness, 0 to 100 (the page's own volume)."""

    printer: PrinterTarget | None = None
    """Where each walk-in's ticket is printed (R2.11): none (the default), a USB, network,
    device-file or CUPS printer speaking ESC/POS."""
    ticket_languages: tuple[str, ...] = TICKET_LANGUAGES
    """The languages a printed ticket says everything in, in order (Chinese, then English)."""

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


def _days_of_month(raw: Mapping[str, Any], key: str) -> tuple[int, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 31 for d in value
    ):
        raise SettingsError(key, f"expected a list of days of the month (1 to 31), got {value!r}")
    return tuple(sorted(set(value)))


def _share(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.5 <= value < 1:
        raise SettingsError(key, f"expected a share from 0.5 to 0.99, got {value!r}")
    return float(value)


def _roles(raw: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = raw.get(key, list(default))
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(r, str) and r in ROLES for r in value)
    ):
        raise SettingsError(key, f"expected a list of roles from {', '.join(ROLES)}, got {value!r}")
    return tuple(dict.fromkeys(value))


def _voices(raw: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = raw.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v in LANGUAGES for v in value):
        raise SettingsError(
            key, f"expected a list of languages from {', '.join(LANGUAGES)}, got {value!r}"
        )
    return tuple(dict.fromkeys(value))


def _printer_setting(raw: Mapping[str, Any]) -> tuple[PrinterTarget | None, tuple[str, ...]]:
    key = "printer"
    try:
        target = parse_printer(raw.get(key, "none"))
        key = "ticket_languages"
        languages = parse_ticket_languages(raw.get(key, list(TICKET_LANGUAGES)))
    except PrinterSettingError as exc:
        raise SettingsError(
            key, f"not of the expected form, got {exc.value!r}",
            exc.reason, value=repr(exc.value),
        ) from exc  # fmt: skip
    return target, languages


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
    branch_id = raw.get("branch_id")
    if branch_id == "":
        branch_id = None
    if branch_id is not None and branch_id_problem(branch_id):
        raise SettingsError(
            "branch_id", f"expected 1 to 32 letters, digits, '-' or '_', got {branch_id!r}"
        )
    opening, closing = _clock_time(raw, "opening_time"), _clock_time(raw, "closing_time")
    if closing <= opening:
        raise SettingsError("closing_time", "must be later than opening_time")
    lunch_from = _clock_time({"lunch_from": "11:00", **raw}, "lunch_from")
    lunch_until = _clock_time({"lunch_until": "14:00", **raw}, "lunch_until")
    if lunch_until <= lunch_from:
        raise SettingsError("lunch_until", "must be later than lunch_from")
    printer, ticket_languages = _printer_setting(raw)
    return Settings(
        branch_name={str(k): str(v) for k, v in name.items()},
        timezone=zone,
        opening_time=opening,
        closing_time=closing,
        wait_amber_min=amber,
        wait_red_min=red,
        service_level_target=_share(raw, "service_level_target", 0.8),
        large_cash_threshold=_int(raw, "large_cash_threshold", 1000, 10_000_000, 50000),
        large_cash_foreign_usd=_int(raw, "large_cash_foreign_usd", 100, 10_000_000, 10000),
        pension_days=_days_of_month(raw, "pension_days"),
        payroll_days=_days_of_month(raw, "payroll_days"),
        round_interval_min=_int(raw, "round_interval_min", 1, 240),
        theme=str(theme),
        language=language,
        complaint_profile=str(profile),
        complaint_soon_days=_int(raw, "complaint_soon_days", 0, 30, 3),
        callback_days=_int(raw, "callback_days", 0, 30, 3),
        progress_update_days=_int(raw, "progress_update_days", 1, 30, 5),
        idle_lock_min=_int(raw, "idle_lock_min", 1, 240, 5),
        retention_days=_int(raw, "retention_days", MIN_DAYS, MAX_DAYS, DEFAULT_DAYS),
        branch_id=branch_id,
        lunch_from=lunch_from,
        lunch_until=lunch_until,
        lunch_min=_int(raw, "lunch_min", 15, 120, 60),
        appointment_grace_min=_int(raw, "appointment_grace_min", 1, 240, 15),
        reveal_roles=_roles(raw, "reveal_roles", Settings.reveal_roles),
        display_voices=_voices(raw, "display_voices", Settings.display_voices),
        display_volume=_int(raw, "display_volume", 0, 100, Settings.display_volume),
        printer=printer,
        ticket_languages=ticket_languages,
    )
