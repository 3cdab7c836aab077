"""A branch's own ticket machine (叫号机, R2.12): its call log read through a mapping.

Vendors share no protocol; they write or export a log. One line speaks of one ticket: when
it was issued, for which of the vendor's queues, and as far as it has gone — called at a
window, served from/to, a no-show, a transfer to another queue. A ticket may appear on many
lines as it goes (a log) or once (a day's export): a later line adds what it knows, and a
line applied twice changes nothing.

The mapping (`data/queue_feed.toml`) names the columns, the time format and zone, and turns
the vendor's queue codes into our channels and needs and its windows into ours, so a branch
adapts a vendor's export without code. Pure: the reading of files is services/queue_feed.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FIELDS = ("ticket", "issued_at", "queue", "called_at", "window", "served_from", "served_to",
          "no_show", "transfer")  # fmt: skip
REQUIRED = ("ticket", "issued_at", "queue")
FORMATS = ("csv", "jsonl")
YES = {"1", "true", "yes", "y", "是", "过号", "x"}
NO = {"", "0", "false", "no", "n", "否"}


class FeedError(ValueError):
    """A line (or the mapping) that cannot be taken: a key of the catalogs and its values."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class QueueCode:
    """One of the vendor's queues, as ours."""

    channel: str
    need: str
    priority: bool = False


@dataclass(frozen=True)
class FeedMapping:
    format: str  # csv or jsonl
    encoding: str
    columns: Mapping[str, str]  # our field -> the vendor's column (or JSON key)
    time_format: str  # "iso", or a strptime format for local times
    zone: ZoneInfo  # the zone of times written without one
    queues: Mapping[str, QueueCode]
    windows: Mapping[str, int]  # the vendor's window -> our number; empty: the same number
    match_minutes: int  # a ticket typed at triage is the machine's within this many minutes


@dataclass(frozen=True)
class FeedTicket:
    """What one line says of one ticket; None: the line does not say (yet)."""

    ticket: str
    issued_at: datetime
    queue: QueueCode
    called_at: datetime | None = None
    window: int | None = None
    served_from: datetime | None = None
    served_to: datetime | None = None
    no_show: bool = False
    transfer: QueueCode | None = None


def mapping_from(raw: Mapping[str, Any], channels: set[str], needs: set[str]) -> FeedMapping:
    """The mapping file's table, checked; a FeedError names the setting and the problem."""
    fmt = raw.get("format", "csv")
    if fmt not in FORMATS:
        raise FeedError("feed.bad_format", value=fmt)
    columns = raw.get("columns", {})
    if not isinstance(columns, Mapping) or not all(isinstance(v, str) for v in columns.values()):
        raise FeedError("feed.bad_columns")
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise FeedError("feed.unknown_field", field=unknown[0])
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise FeedError("feed.column_missing_in_mapping", field=missing[0])
    when = raw.get("time", {})
    try:
        zone = ZoneInfo(str(when.get("zone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise FeedError("feed.bad_zone", value=when.get("zone")) from exc
    queues: dict[str, QueueCode] = {}
    for code, target in dict(raw.get("queues", {})).items():
        if not isinstance(target, Mapping) or target.get("channel") not in channels:
            raise FeedError("feed.bad_queue", code=code)
        need = target.get("need")
        if need not in needs:
            raise FeedError("feed.bad_queue_need", code=code, need=need)
        queues[str(code)] = QueueCode(str(target["channel"]), str(need),
                                      bool(target.get("priority", False)))  # fmt: skip
    if not queues:
        raise FeedError("feed.no_queues")
    windows: dict[str, int] = {}
    for vendor, ours in dict(raw.get("windows", {})).items():
        if not isinstance(ours, int) or isinstance(ours, bool) or not 1 <= ours <= 99:
            raise FeedError("feed.bad_window_map", window=vendor)
        windows[str(vendor)] = ours
    match = raw.get("match_minutes", 15)
    if not isinstance(match, int) or isinstance(match, bool) or not 0 <= match <= 240:
        raise FeedError("feed.bad_match_minutes", value=match)
    encoding = str(raw.get("encoding", "utf-8"))
    try:
        "".encode(encoding)
    except LookupError as exc:
        raise FeedError("feed.bad_encoding", value=encoding) from exc
    return FeedMapping(fmt, encoding, dict(columns), str(when.get("format", "iso")), zone,
                       queues, windows, match)  # fmt: skip


def instant(text: str, mapping: FeedMapping, field: str) -> datetime:
    """A time of the log as an instant (UTC): ISO 8601 with or without a zone, or the
    mapping's own format; a time without a zone is in the mapping's zone."""
    try:
        if mapping.time_format == "iso":
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            at = datetime.strptime(text, mapping.time_format)
    except ValueError as exc:
        raise FeedError("feed.bad_time", field=field, value=text) from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=mapping.zone)
    return at.astimezone(UTC)


def read_line(values: Mapping[str, Any], mapping: FeedMapping) -> FeedTicket:
    """One line of the log (its columns by the vendor's names) as what it says of a ticket."""

    def get(field: str) -> str:
        column = mapping.columns.get(field)
        value = values.get(column) if column is not None else None
        return "" if value is None else str(value).strip()

    for field in REQUIRED:
        if not get(field):
            raise FeedError("feed.empty_field", field=mapping.columns[field])
    ticket = get("ticket")
    if len(ticket) > 16 or not ticket.isprintable():
        raise FeedError("feed.bad_ticket", value=ticket[:20])
    code = get("queue")
    queue = mapping.queues.get(code)
    if queue is None:
        raise FeedError("feed.unknown_queue", code=code)
    issued = instant(get("issued_at"), mapping, mapping.columns["issued_at"])
    times: dict[str, datetime | None] = {}
    for field in ("called_at", "served_from", "served_to"):
        text = get(field)
        times[field] = instant(text, mapping, mapping.columns[field]) if text else None
    window = None
    if get("window"):
        window = _window(get("window"), mapping)
    flag = get("no_show").lower()
    if flag not in YES | NO:
        raise FeedError("feed.bad_flag", field=mapping.columns.get("no_show", ""), value=flag)
    moved = None
    if get("transfer"):
        moved = mapping.queues.get(get("transfer"))
        if moved is None:
            raise FeedError("feed.unknown_queue", code=get("transfer"))
    line = FeedTicket(ticket, issued, queue, times["called_at"], window, times["served_from"],
                      times["served_to"], flag in YES, moved)  # fmt: skip
    _check_order(line)
    return line


def _window(text: str, mapping: FeedMapping) -> int:
    if mapping.windows:
        if text not in mapping.windows:
            raise FeedError("feed.unknown_window", window=text)
        return mapping.windows[text]
    digits = "".join(c for c in text if c.isdigit())
    if not digits or not 1 <= int(digits) <= 99:
        raise FeedError("feed.unknown_window", window=text)
    return int(digits)


def _check_order(line: FeedTicket) -> None:
    """Times that cannot have happened so: refused, never guessed."""
    order = [("issued_at", line.issued_at), ("called_at", line.called_at),
             ("served_from", line.served_from), ("served_to", line.served_to)]  # fmt: skip
    known = [(name, at) for name, at in order if at is not None]
    for (before, first), (after, then) in zip(known, known[1:], strict=False):
        if then < first:
            raise FeedError("feed.times_out_of_order", first=before, then=after)
    if line.called_at is not None and line.window is None:
        raise FeedError("feed.called_without_window")
    if line.served_to is not None and line.no_show:
        raise FeedError("feed.served_and_no_show")
