"""`lobby bundle`: a closed business day as a folder head office can take in (issue 18, R6.6).

One Parquet file per table and a manifest (the contract: domain/bundle.py). Rows are read
with Python's sqlite3, only the allow-listed columns; DuckDB writes the Parquet with its
built-in `COPY … (FORMAT parquet)`, opened with extension install and load off, so nothing
ever reaches out. The folder is written as `.<name>.partial` beside its place and renamed
when complete (as the export is), readable by its owner only.

`check_bundle` is head office's side of the same contract: every digest, row count,
column list and journal link is checked before a row of the bundle is believed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lobby_tui import __version__
from lobby_tui.content import data_dir
from lobby_tui.domain.bundle import (
    ALLOWED,
    CASE_TABLES,
    DAY_TABLES,
    EVENTS,
    MANIFEST,
    TABLET_SETTING,
    BundleRefused,
    Chain,
    Column,
    Manifest,
    TableEntry,
    chain_problem,
    folder_name,
    manifest_from_json,
    open_day_reason,
)
from lobby_tui.domain.day import business_day, day_bounds_utc
from lobby_tui.domain.settings import Settings
from lobby_tui.services.rollup import machine_needs
from lobby_tui.services.settings import load_settings, save_setting
from lobby_tui.store import Store, StoreError, iso, new_id
from lobby_tui.store.migrations import SCHEMA_VERSION

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "BundleRefused",
    "Manifest",
    "CheckedBundle",
    "bundle_folder",
    "check_bundle",
    "check_bundles",
    "closed_day_problem",
    "offline_duckdb",
    "read_manifest",
    "tablet_id",
    "write_bundle",
]

DEFAULT_FOLDER = "bundles"
LOCALES = {"zh": "zh_CN", "en": "en"}

# How each day table finds the rows of the day (:day, and the day's UTC bounds :start, :end).
# A table with a business_day uses it; the others are placed by their parent or their time.
_DAY_ROWS = {
    "checklist_answers": "run_id IN (SELECT id FROM checklist_runs WHERE business_day = :day)",
    "tasks": "created_at >= :start AND created_at < :end",
    "care_actions": "at >= :start AND at < :end",  # as the report finds care: by its time
}
_COMPLAINTS = (
    "SELECT id FROM complaints WHERE business_day = :day"
    " OR (business_day IS NULL AND received_at >= :start AND received_at < :end)"
    " OR (updated_at >= :start AND updated_at < :end)"
    " OR id IN (SELECT complaint_id FROM complaint_updates WHERE at >= :start AND at < :end)"
)
_INCIDENTS = (
    "SELECT id FROM incidents WHERE business_day = :day"
    " OR (resolved_at >= :start AND resolved_at < :end)"
    " OR id IN (SELECT incident_id FROM incident_updates WHERE at >= :start AND at < :end)"
)
_CASE_ROWS = {
    "complaints": f"id IN ({_COMPLAINTS})",
    "complaint_updates": f"complaint_id IN ({_COMPLAINTS})",
    "incidents": f"id IN ({_INCIDENTS})",
    "incident_updates": f"incident_id IN ({_INCIDENTS})",
}


def offline_duckdb(database: str = ":memory:", bulk: bool = False) -> duckdb.DuckDBPyConnection:
    """DuckDB that never installs or loads an extension by itself (no download, ever).

    `bulk` is for head office reading many bundles: rows may be stored in any order (what
    lets DuckDB read many files at once). Its Parquet footer cache stays off: it saved
    nothing measurable on the load after the check and held some 200 kB per bundle (6 GB
    for a hundred branch-years)."""
    import duckdb

    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if bulk:
        config["preserve_insertion_order"] = False
    return duckdb.connect(database, config=config)


# Writing ------------------------------------------------------------------------------------


def tablet_id(store: Store) -> str:
    """This database's own id, made once: two tablets of one branch bundle the same day as
    two identities at head office."""
    known = store.settings().get(TABLET_SETTING)
    if isinstance(known, str) and known:
        return known
    made = new_id()
    save_setting(store, TABLET_SETTING, made)
    return made


def closed_day_problem(store: Store, settings: Settings, day: date) -> str | None:
    """Why `day` cannot be bundled yet (an i18n key under `bundle.`), or None."""
    today = business_day(store.clock.now(), settings.timezone)
    row = store.query_one(
        "SELECT count(*) FILTER (WHERE closed_at IS NULL), count(*) FILTER"
        " (WHERE closed_at IS NOT NULL) FROM shifts WHERE business_day = ?",
        (day.isoformat(),),
    )
    open_, closed = (int(row[0]), int(row[1])) if row else (0, 0)
    return open_day_reason(day, today, open_, closed)


def bundle_folder(store: Store) -> Path:
    """Where bundles go unless told: `bundles/` beside the database."""
    return store.path.absolute().parent / DEFAULT_FOLDER


def write_bundle(store: Store, day: date, out: Path | None = None) -> Path:
    """Write the closed `day` as a bundle folder inside `out` (default: bundle_folder);
    returns the folder. A bundle of the same day from this tablet written before is
    replaced. Raises StoreError with a `bundle.` key when the day is open or the branch has
    no id. `store` must be writable the first time (the tablet's id is made then)."""
    settings = load_settings(store)
    branch = settings.branch_id
    if branch is None:
        raise StoreError("bundle.no_branch", path=str(data_dir() / "settings.toml"))
    if problem := closed_day_problem(store, settings, day):
        raise StoreError(f"bundle.{problem}", day=day.isoformat())
    tablet = tablet_id(store)
    parent = (out or bundle_folder(store)).expanduser().absolute()
    if parent.exists() and not parent.is_dir():
        raise StoreError("export.not_a_folder", path=str(parent))
    parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = parent / folder_name(branch, day, tablet)
    partial = parent / f".{target.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)  # left by a run that died half-way
    partial.mkdir(mode=0o700)
    try:
        manifest = _write(store, settings, day, branch, tablet, partial)
        _write_manifest(partial, manifest)
        _into_place(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _write(
    store: Store, settings: Settings, day: date, branch: str, tablet: str, folder: Path
) -> Manifest:
    start, end = day_bounds_utc(day, settings.timezone)
    params = {"day": day.isoformat(), "start": iso(start), "end": iso(end)}
    import duckdb

    tables: dict[str, TableEntry] = {}
    duck = offline_duckdb()
    try:
        for table, columns in {**DAY_TABLES, **CASE_TABLES}.items():
            where = _CASE_ROWS.get(table) or _DAY_ROWS.get(table) or "business_day = :day"
            rows = _read(store, table, columns, where, params)
            tables[table] = _parquet(duck, store, folder, table, columns, rows)
        events, chain = _day_events(store, params["start"], params["end"])
        tables["events"] = _parquet(duck, store, folder, "events", EVENTS, events)
    except duckdb.Error as exc:  # a value of the wrong type in a column, a full disk
        raise StoreError("bundle.write_failed", detail=str(exc)) from exc
    finally:
        duck.close()
    return Manifest(
        branch_id=branch,
        # Keyed by locale, as head office's reports are (the app's settings say zh, en).
        branch_name={LOCALES.get(k, k): v for k, v in settings.branch_name.items()},
        tablet_id=tablet,
        business_day=day,
        zone=str(settings.timezone),
        schema_version=SCHEMA_VERSION,
        app_version=__version__,
        created_at=iso(store.clock.now()),
        settings=kpi_settings(settings),
        chain=chain,
        tables=tables,
    )


def kpi_settings(settings: Settings) -> dict[str, Any]:
    """The figures domain/kpis.py is computed with on this tablet, so head office computes
    the same (the red mark of the service level, the day's hours, the complaint clock)."""
    return {
        "red_min": settings.wait_red_min,
        "amber_min": settings.wait_amber_min,
        "opening": settings.opening_time.strftime("%H:%M"),
        "closing": settings.closing_time.strftime("%H:%M"),
        "round_interval_min": settings.round_interval_min,
        "callback_days": settings.callback_days,
        "complaint_profile": settings.complaint_profile,
        "complaint_soon_days": settings.complaint_soon_days,
        # The needs a machine can do: the self-service diversion rate's denominator.
        "machine_needs": sorted(need for need, machine in machine_needs().items() if machine),
    }


def _read(
    store: Store,
    table: str,
    columns: Sequence[Column],
    where: str,
    params: dict[str, str],
) -> list[tuple[Any, ...]]:
    picked = ", ".join(c.sql for c in columns)
    sql = f"SELECT {picked} FROM {table} WHERE {where} ORDER BY rowid"
    text, values = _positional(sql, params)
    return store.rows(text, values)


def _positional(sql: str, params: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """`:name` placeholders as positional ones (store.rows binds a sequence)."""
    pattern = re.compile(":(" + "|".join(map(re.escape, params)) + r")\b")
    values = tuple(params[m.group(1)] for m in pattern.finditer(sql))
    return pattern.sub("?", sql), values


def _day_events(store: Store, start: str, end: str) -> tuple[list[tuple[Any, ...]], Chain]:
    """The journal from the day's first event to the last one at or before its end: one
    unbroken run of the chain (an event stamped out of order by a wrong clock inside it
    goes too, so the links can always be checked)."""
    head = store.query_one("SELECT seq, hash FROM events WHERE at < ? ORDER BY seq DESC LIMIT 1",
                           (end,))  # fmt: skip
    first = store.query_one("SELECT min(seq) FROM events WHERE at >= ? AND at < ?", (start, end))
    if head is None or first is None or first[0] is None or first[0] > head[0]:
        return [], Chain(None if head is None else str(head[1]), None, 0)
    columns = ", ".join(c.sql for c in EVENTS)
    rows = store.rows(
        f"SELECT {columns} FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq",
        (first[0], head[0]),
    )
    prev = [c.name for c in EVENTS].index("prev_hash")
    return rows, Chain(str(head[1]), str(rows[0][prev]), len(rows))


_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE"}


def _parquet(
    duck: duckdb.DuckDBPyConnection,
    store: Store,
    folder: Path,
    table: str,
    columns: Sequence[Column],
    rows: list[tuple[Any, ...]],
) -> TableEntry:
    declared = {r[1]: str(r[2]).upper() for r in store.query(f"PRAGMA table_info({table})")}
    types = {
        c.name: _TYPES.get(declared.get(c.name, ""), "VARCHAR") if c.sql == c.name else "BIGINT"
        for c in columns
    }
    lines = folder / f".{table}.jsonl"
    if rows:
        # Handed over as JSON Lines, typed column by column: DuckDB inserts a few hundred
        # rows a second through executemany, and reads a million a second from a file.
        names = list(types)
        with lines.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
                fh.write("\n")
        spec = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
        source = (
            f"SELECT * FROM read_json('{_quoted(lines)}', format = 'newline_delimited',"
            f" columns = {{{spec}}})"
        )
    else:  # the file still says which columns the table has, and their types
        typed = ", ".join(f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in types.items())
        source = f"SELECT {typed} WHERE false"
    path = folder / f"{table}.parquet"
    duck.execute(f"COPY ({source}) TO '{_quoted(path)}' (FORMAT parquet)")
    lines.unlink(missing_ok=True)
    os.chmod(path, 0o600)
    return TableEntry(len(rows), _sha256(path), tuple(types))


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    fd = os.open(folder / MANIFEST, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with open(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest.to_json(), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())


def _into_place(partial: Path, target: Path) -> None:
    """The complete folder takes its name in one rename; an older bundle of the same day
    from this tablet is moved aside first and removed after."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(partial, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# Checking (head office) ---------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    """The manifest of the bundle folder `path`, or BundleRefused."""
    try:
        text = (Path(path) / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BundleRefused("missing_file", file=MANIFEST) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleRefused("bad_manifest", detail=str(exc)) from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BundleRefused("bad_manifest", detail=str(exc)) from exc
    return manifest_from_json(data)


def listed_manifest(folder: Path) -> Manifest:
    """The manifest of a folder holding exactly the files it lists (none missing, none
    extra): the first check of a bundle, here and at head office's ingest."""
    if not folder.is_dir():
        raise BundleRefused("not_a_bundle", path=str(folder))
    manifest = read_manifest(folder)
    expected = {f"{name}.parquet" for name in manifest.tables} | {MANIFEST}
    present = {p.name for p in folder.iterdir()}
    if missing := sorted(expected - present):
        raise BundleRefused("missing_file", file=missing[0])
    if extra := sorted(present - expected):
        raise BundleRefused("extra_file", file=extra[0])
    return manifest


@dataclass(frozen=True)
class CheckedBundle:
    """A bundle that passed the contract's check: its folder, manifest and the manifest's own
    digest (how head office tells a bundle seen before from a re-issued one)."""

    folder: Path
    manifest: Manifest
    manifest_sha256: str

    @property
    def identity(self) -> tuple[str, str, date]:
        m = self.manifest
        return (m.branch_id, m.tablet_id, m.business_day)

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.manifest.tables.values())


def check_bundle(path: Path) -> Manifest:
    """The bundle's manifest once every file is as it says (check_bundles); BundleRefused
    names the first thing that does not hold."""
    (verdict,) = check_bundles([Path(path)])
    if isinstance(verdict, BundleRefused):
        raise verdict
    return verdict.manifest


CHECK_GROUP = 500  # bundles whose Parquet footers are read in one query


def check_bundles(
    folders: Sequence[Path],
    duck: duckdb.DuckDBPyConnection | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CheckedBundle | BundleRefused]:
    """Each bundle's verdict, in the order given: the same files as its manifest lists (none
    missing, none extra), only allow-listed tables and columns, each file's digest; then,
    from the Parquet footers, each file's columns and row count; and the day's events linked
    from `first_prev` to the chain's head. The footers and journals of many bundles are read
    with a few queries (on the DuckDB connection given, else one of its own). `progress` is
    told how many bundles are judged, group by group."""
    from concurrent.futures import Future, ThreadPoolExecutor

    own = duck is None
    conn = duck if duck is not None else offline_duckdb(bulk=True)
    verdicts: dict[int, CheckedBundle | BundleRefused] = {}
    judged = 0

    def collect(pending: tuple[list[tuple[int, CheckedBundle]], Future[list[Any]]]) -> None:
        nonlocal judged
        group, found = pending
        for (n, checked), problem in zip(group, found.result(), strict=True):
            verdicts[n] = problem or checked
        judged += len(group)
        if progress:
            progress(judged)

    # The digests of one group are taken while DuckDB reads the footers of the group before
    # (it lets go of Python's lock while it reads): the two halves of the check overlap.
    try:
        with ThreadPoolExecutor(max_workers=1) as reading:
            pending = None
            for start in range(0, len(folders), CHECK_GROUP):
                group: list[tuple[int, CheckedBundle]] = []
                for n in range(start, min(start + CHECK_GROUP, len(folders))):
                    try:
                        group.append((n, _listed(Path(folders[n]))))
                    except BundleRefused as refused:
                        verdicts[n] = refused
                        judged += 1
                if pending:
                    collect(pending)
                pending = (group, reading.submit(_contents, conn, [c for _n, c in group]))
            if pending:
                collect(pending)
        return [verdicts[n] for n in range(len(folders))]
    finally:
        if own:
            conn.close()


def _listed(folder: Path) -> CheckedBundle:
    """What is checked of a bundle before its files are read as Parquet."""
    manifest = listed_manifest(folder)
    for name, entry in manifest.tables.items():
        allowed = ALLOWED.get(name)
        if allowed is None:
            raise BundleRefused("unknown_table", table=name)
        if not set(entry.columns) <= {c.name for c in allowed}:
            raise BundleRefused("column_not_allowed", table=name)
        if _sha256(folder / f"{name}.parquet") != entry.sha256:
            raise BundleRefused("digest", table=name)
    if manifest.chain.events and "events" not in manifest.tables:
        raise BundleRefused("missing_file", file="events.parquet")
    return CheckedBundle(folder.absolute(), manifest, _sha256(folder / MANIFEST))


def _contents(
    duck: duckdb.DuckDBPyConnection, group: Sequence[CheckedBundle]
) -> list[BundleRefused | None]:
    """Each file's columns and row count from the Parquet footers, and each day's journal
    links, for a group of bundles with three queries. A file DuckDB cannot read sends the
    group's bundles one by one, and that bundle is refused naming the file."""
    import duckdb

    if not group:
        return []
    # Each file once, though a bundle be given twice: a footer read twice lists twice.
    files = sorted({str(c.folder / f"{t}.parquet") for c in group for t in c.manifest.tables})
    chained = sorted({str(c.folder / "events.parquet") for c in group if c.manifest.chain.events})
    try:
        rows = dict(
            duck.execute(
                "SELECT file_name, num_rows FROM parquet_file_metadata(?)", [files]
            ).fetchall()
        )
        columns = dict(
            duck.execute(
                "SELECT file_name, list(name ORDER BY column_id) FROM parquet_schema(?)"
                " WHERE num_children IS NULL GROUP BY file_name",
                [files],
            ).fetchall()
        )
        events: dict[str, list[tuple[int, str, str]]] = {}
        if chained:
            for file, seq, prev, hash_ in duck.execute(
                "SELECT filename, seq, prev_hash, hash FROM read_parquet(?, filename = true)"
                " ORDER BY filename, seq",
                [chained],
            ).fetchall():
                events.setdefault(file, []).append((int(seq), str(prev), str(hash_)))
    except duckdb.Error as exc:
        if len(group) > 1:
            return [found for c in group for found in _contents(duck, [c])]
        return [_unreadable(duck, group[0], exc)]
    return [_judged(c, rows, columns, events) for c in group]


def _judged(
    c: CheckedBundle,
    rows: dict[str, int],
    columns: dict[str, list[str]],
    events: dict[str, list[tuple[int, str, str]]],
) -> BundleRefused | None:
    for name, entry in c.manifest.tables.items():
        file = str(c.folder / f"{name}.parquet")
        if tuple(columns.get(file, ())) != entry.columns:
            return BundleRefused("columns", table=name)
        if int(rows.get(file, -1)) != entry.rows:
            return BundleRefused("rows", table=name, found=rows.get(file), expected=entry.rows)
    if problem := chain_problem(events.get(str(c.folder / "events.parquet"), []), c.manifest.chain):
        key, params = problem
        return BundleRefused(key, **params)
    return None


def _unreadable(
    duck: duckdb.DuckDBPyConnection, c: CheckedBundle, error: Exception
) -> BundleRefused:
    """The first of the bundle's files DuckDB cannot read as Parquet."""
    import duckdb

    for name in c.manifest.tables:
        try:
            duck.execute(
                "SELECT count(*) FROM read_parquet(?)", [str(c.folder / f"{name}.parquet")]
            )
        except duckdb.Error as exc:
            return BundleRefused("unreadable", table=name, detail=str(exc))
    return BundleRefused("unreadable", table="events", detail=str(error))
