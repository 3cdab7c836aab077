"""The branch's own ticket machine feeds in (R2.12): `lobby queue import` and `follow`.

Each line of the machine's log is joined to the walk-in it speaks of — the one the manager
triaged with the same ticket number (typed from the machine's slip) within `match_minutes`,
or, when nobody triaged it, a walk-in of the machine's own (`source = 'machine'`, the need
from the queue code). Then what the machine saw is written as the counters would: called at a
window, started, served, a no-show, a transfer — with the machine's own times. Nothing is
counted twice, and a line read again changes nothing (no row, no event).

A file is read in one transaction; each line in a savepoint of its own, so a bad line is
refused with its number and why, and nothing of it is half-written."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from lobby_tui.content import ContentError, channels, data_dir, load_toml, needs_catalogue
from lobby_tui.domain.day import business_day, local
from lobby_tui.domain.queue_feed import FeedError, FeedMapping, FeedTicket, mapping_from, read_line
from lobby_tui.store import Store, StoreError, UnitOfWork
from lobby_tui.store.clock import iso, parse_iso
from lobby_tui.store.db import new_id

MAPPING_FILE = "queue_feed.toml"
PREFIX_BYTES = 4096  # how much of a followed log's start is compared at each look
FOLLOW_SECONDS = 0.5  # how often `follow` looks at the log: a call is in within ~1 s


@dataclass
class FeedResult:
    """What a file (or a look at a followed log) did."""

    added: int = 0  # walk-ins only the machine knows
    joined: int = 0  # triaged walk-ins joined to the machine's ticket
    updated: int = 0  # lines that moved a ticket on (called, served, …)
    unchanged: int = 0  # lines already applied
    refused: list[tuple[int, FeedError]] = field(default_factory=list)

    def add(self, other: FeedResult) -> None:
        self.added += other.added
        self.joined += other.joined
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.refused += other.refused


def load_mapping(path: Path | None = None) -> FeedMapping:
    """The mapping: the given file, or data/queue_feed.toml. Its problems name the file."""
    import tomllib

    where = path or data_dir() / MAPPING_FILE
    try:
        if path is None:
            raw: Mapping[str, Any] = load_toml(MAPPING_FILE)
        else:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ContentError("content.bad_file", file=str(where), problem=str(exc)) from exc
    names = {c.key for c in channels()}
    needs = {n.id for n in needs_catalogue().need}
    try:
        return mapping_from(raw, names, needs)
    except FeedError as exc:
        raise FeedError("feed.bad_mapping", file=str(where), problem=exc.key) from exc


# Reading lines ------------------------------------------------------------------------------


def parse_lines(
    text: str, mapping: FeedMapping, header: list[str] | None = None, first: int = 1
) -> tuple[list[tuple[int, dict[str, Any] | FeedError]], list[str] | None]:
    """Complete lines of the log as (line number, values), numbered from `first`. A CSV's
    header is its first line (kept for the lines that follow it in a followed log)."""
    out: list[tuple[int, dict[str, Any] | FeedError]] = []
    for number, line in enumerate(text.splitlines(), start=first):
        if not line.strip():
            continue
        if mapping.format == "jsonl":
            try:
                value = json.loads(line)
            except ValueError:
                out.append((number, FeedError("feed.bad_json")))
                continue
            if not isinstance(value, dict):
                out.append((number, FeedError("feed.bad_json")))
                continue
            out.append((number, value))
            continue
        cells = next(csv.reader(io.StringIO(line)))
        if header is None:
            header = [c.strip().lstrip("\ufeff") for c in cells]
            missing = [c for c in mapping.columns.values() if c not in header]
            if missing:
                out.append((number, FeedError("feed.column_missing", column=missing[0])))
                header = None
            continue
        if len(cells) != len(header):
            out.append(
                (number, FeedError("feed.bad_cells", found=len(cells), expected=len(header)))
            )
            continue
        out.append((number, dict(zip(header, cells, strict=True))))
    return out, header


def import_file(store: Store, path: Path, mapping: FeedMapping, zone: ZoneInfo) -> FeedResult:
    """A day's log, whole: idempotent (read twice, the second changes nothing)."""
    try:
        text = path.read_bytes().decode(mapping.encoding)
    except OSError as exc:
        raise StoreError(
            "feed.unreadable", path=str(path), problem=exc.strerror or str(exc)
        ) from exc
    except UnicodeDecodeError as exc:
        raise StoreError(
            "feed.bad_encoding_file", path=str(path), encoding=mapping.encoding
        ) from exc
    lines, _ = parse_lines(text, mapping)
    return apply_lines(store, mapping, zone, lines)


def apply_lines(
    store: Store,
    mapping: FeedMapping,
    zone: ZoneInfo,
    lines: Iterable[tuple[int, dict[str, Any] | FeedError]],
) -> FeedResult:
    """The lines in one transaction, each alone in a savepoint."""
    result = FeedResult()
    with store.unit_of_work() as uow:
        for number, values in lines:
            if isinstance(values, FeedError):
                result.refused.append((number, values))
                continue
            try:
                with uow.savepoint():
                    outcome = _apply(uow, read_line(values, mapping), mapping, zone)
            except FeedError as exc:
                result.refused.append((number, exc))
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# One line --------------------------------------------------------------------------------


_ROW = (
    "SELECT id, status, channel, arrived_at, source, machine_issued_at, called_at, window_no,"
    " started_at, done_at, left_at, no_show FROM arrivals WHERE business_day = ? AND ticket = ?"
)


def _apply(uow: UnitOfWork, line: FeedTicket, mapping: FeedMapping, zone: ZoneInfo) -> str:
    """One ticket moved to where the line says; which of FeedResult's counts it adds to."""
    day = business_day(line.issued_at, zone).isoformat()
    issued = iso(line.issued_at)
    row = uow.execute(_ROW, (day, line.ticket)).fetchone()
    outcome = "unchanged"
    if row is None:
        arrival_id = new_id()
        uow.insert("arrivals", {
            "id": arrival_id, "business_day": day, "ticket": line.ticket, "arrived_at": issued,
            "need": line.queue.need, "channel": line.queue.channel,
            "priority": int(line.queue.priority), "status": "waiting", "source": "machine",
            "machine_issued_at": issued,
        })  # fmt: skip
        uow.event("arrival.issued", "arrival", arrival_id,
                  {"ticket": line.ticket, "channel": line.queue.channel, "need": line.queue.need,
                   "issued_at": issued, "source": "machine"})  # fmt: skip
        outcome = "added"
        row = uow.execute(_ROW, (day, line.ticket)).fetchone()
    elif row["machine_issued_at"] is None:
        gap = abs(parse_iso(str(row["arrived_at"])) - line.issued_at)
        if gap > timedelta(minutes=mapping.match_minutes):
            at = local(parse_iso(str(row["arrived_at"])), zone).strftime("%H:%M")
            raise FeedError("feed.ticket_clash", ticket=line.ticket, at=at,
                            minutes=mapping.match_minutes)  # fmt: skip
        uow.update("arrivals", str(row["id"]), {"machine_issued_at": issued})
        uow.event("arrival.joined", "arrival", str(row["id"]), {"issued_at": issued})
        outcome = "joined"
    moved = _progress(uow, row, line)
    return "updated" if moved and outcome == "unchanged" else outcome


def _progress(uow: UnitOfWork, row: Any, line: FeedTicket) -> bool:
    """Write what the machine saw happen since; False when the row already says it all."""
    arrival_id = str(row["id"])
    status = str(row["status"])
    moved = False

    def write(kind: str, changes: dict[str, Any], payload: dict[str, Any]) -> None:
        nonlocal moved
        uow.update("arrivals", arrival_id, changes)
        uow.event(kind, "arrival", arrival_id, {**payload, "source": "machine"})
        moved = True

    if line.transfer is not None and row["channel"] != line.transfer.channel:
        write("arrival.transferred",
              {"channel": line.transfer.channel, "moved_from": row["channel"],
               "moved_reason": "machine"},
              {"from": row["channel"], "to": line.transfer.channel})  # fmt: skip
    if line.called_at is not None:
        called = iso(line.called_at)
        if row["called_at"] != called or row["window_no"] != line.window:
            changes: dict[str, Any] = {"called_at": called, "window_no": line.window}
            if status == "waiting":
                changes["status"] = status = "called"
            write("arrival.called", changes, {"window": line.window, "at": called})
    if line.served_from is not None and row["started_at"] != iso(line.served_from):
        write("arrival.started", {"started_at": iso(line.served_from)}, {"window": line.window})
    if line.served_to is not None:
        done = iso(line.served_to)
        if status != "done" or row["done_at"] != done:
            changes = {"status": "done", "done_at": done, "left_at": None, "no_show": None}
            write("arrival.done", changes, {"window": line.window, "at": done})
    elif line.no_show and not (status == "left" and row["no_show"] == 1):
        gone = iso(line.called_at or line.issued_at)
        write("arrival.no_show", {"status": "left", "left_at": gone, "no_show": 1},
              {"window": line.window, "at": gone})  # fmt: skip
    return moved


# Following a log the machine keeps writing -------------------------------------------------


class Follower:
    """Reads a log the machine keeps writing, from where it was left. Rotated (a new file at
    the path), the old file's last lines are read first, then the new file from its start;
    truncated, the file is read again from its start (a line read twice changes nothing)."""

    def __init__(self, path: Path, mapping: FeedMapping) -> None:
        self.path = path
        self.mapping = mapping
        self.handle: BinaryIO | None = None
        self.identity: tuple[int, int] | None = None  # (device, inode) being read
        self.line = 1  # the number of the next line in the file being read
        self.header: list[str] | None = None
        self.rest = b""  # a line not yet ended
        self.prefix = b""  # the file's first bytes as read: changed, it was rewritten

    def _open(self) -> None:
        self.handle = self.path.open("rb")
        seen = os.fstat(self.handle.fileno())
        self.identity = (seen.st_dev, seen.st_ino)
        self.line, self.header, self.rest, self.prefix = 1, None, b"", b""

    def _read(self) -> list[tuple[int, dict[str, Any] | FeedError]]:
        assert self.handle is not None
        fd = self.handle.fileno()
        shorter = os.fstat(fd).st_size < self.handle.tell()
        if shorter or os.pread(fd, len(self.prefix), 0) != self.prefix:
            # Truncated (copytruncate), perhaps written again past where we were: what we
            # read is no longer the file's start, so it is read again from there.
            self.handle.seek(0)
            self.line, self.header, self.rest, self.prefix = 1, None, b"", b""
        chunk = self.rest + self.handle.read()
        if len(self.prefix) < PREFIX_BYTES:
            self.prefix = os.pread(fd, PREFIX_BYTES, 0)[: self.handle.tell()]
        complete, newline, self.rest = chunk.rpartition(b"\n")
        if not newline:
            return []
        text = complete.decode(self.mapping.encoding, errors="replace")
        lines, self.header = parse_lines(text, self.mapping, self.header, self.line)
        self.line += complete.count(b"\n") + 1
        return lines

    def look(self) -> list[tuple[int, dict[str, Any] | FeedError]]:
        """The lines completed since the last look."""
        try:
            seen = os.stat(self.path)
        except FileNotFoundError:
            seen = None  # between a rotation's rename and the new file
        lines: list[tuple[int, dict[str, Any] | FeedError]] = []
        if self.handle is None:
            if seen is None:
                return lines
            self._open()
        lines += self._read()
        if seen is not None and (seen.st_dev, seen.st_ino) != self.identity:
            assert self.handle is not None
            self.handle.close()
            self._open()
            lines += self._read()
        return lines

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def follow(
    store: Store,
    path: Path,
    mapping: FeedMapping,
    zone: ZoneInfo,
    *,
    done: Callable[[], bool],
    said: Callable[[FeedResult], None],
    every: float = FOLLOW_SECONDS,
) -> FeedResult:
    """Read the log as the machine writes it, until `done()`; each look's lines committed
    together and told to `said`."""
    follower = Follower(path, mapping)
    total = FeedResult()
    try:
        while not done():
            lines = follower.look()
            if lines:
                result = apply_lines(store, mapping, zone, lines)
                total.add(result)
                said(result)
            else:
                time.sleep(every)
    finally:
        follower.close()
    return total
