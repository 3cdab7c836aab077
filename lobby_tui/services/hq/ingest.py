"""`lobby hq ingest`: day bundles into the warehouse, idempotently.

Each bundle is checked first by the contract's own check (services/bundle.check_bundle:
digests, row counts, columns, the journal's links up to the chain head); a refused one is
listed with its reason and the others go on. A bundle is known by its identity (branch, tablet,
business day): the same bundle again changes nothing; a newer one of the same identity
replaces the held one in the same transaction that loads it; an older one is left out.
Loading goes in batches (one transaction each): per table, one read of all the batch's
Parquet files, which is what makes a year of a hundred branches take seconds, not hours.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from lobby_tui.domain.bundle import ALLOWED, MANIFEST, BundleRefused, chain_problem
from lobby_tui.services.hq.warehouse import Checked, Warehouse

Progress = Callable[[int, int], None]
BATCH_ROWS = 2_000_000  # rows loaded per transaction (bounded memory, few statements)
CHECK_GROUP = 500  # bundles whose Parquet footers are read together


@dataclass(frozen=True)
class Refused:
    folder: Path
    reason_key: str  # under bundle.refused. in the catalogs
    params: dict[str, object]


@dataclass
class IngestSummary:
    loaded: int = 0  # new identities
    replaced: int = 0  # a newer bundle of an identity held before
    unchanged: int = 0  # the very bundle held already (or a second copy of one given)
    older: int = 0  # an identity held from a newer bundle: this one left out
    refused: list[Refused] = field(default_factory=list)
    rows: int = 0  # rows loaded
    seconds: float = 0.0
    check_seconds: float = 0.0  # of those, checking digests, footers and journal links

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def check(folder: Path) -> Checked:
    """One bundle, by the contract's own check (services/bundle.check_bundle)."""
    from lobby_tui.services.bundle import check_bundle

    manifest = check_bundle(folder)
    return Checked(folder.absolute(), manifest, _digest(folder / MANIFEST))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> Checked:
    """What check_bundle checks of each bundle's files before reading them as Parquet: the
    manifest, the same files (none missing or extra), only allow-listed tables and columns,
    every file's digest."""
    from lobby_tui.services.bundle import listed_manifest

    manifest = listed_manifest(folder)
    for name, entry in manifest.tables.items():
        allowed = ALLOWED.get(name)
        if allowed is None:
            raise BundleRefused("unknown_table", table=name)
        if not set(entry.columns) <= {c.name for c in allowed}:
            raise BundleRefused("column_not_allowed", table=name)
        if _digest(folder / f"{name}.parquet") != entry.sha256:
            raise BundleRefused("digest", table=name)
    return Checked(folder.absolute(), manifest, _digest(folder / MANIFEST))


def _contents(group: Sequence[Checked]) -> dict[Path, BundleRefused | None]:
    """The rest of check_bundle for many bundles at once: each file's columns and row count
    from the Parquet footers, and each day's journal links (domain/bundle.chain_problem),
    read with three queries for the whole group instead of some forty per bundle."""
    import duckdb

    from lobby_tui.services.bundle import offline_duckdb

    # Each file once, though a bundle be given twice: a footer read twice lists twice.
    files = sorted({str(c.folder / f"{name}.parquet") for c in group for name in c.manifest.tables})
    out: dict[Path, BundleRefused | None] = {}
    duck = offline_duckdb()
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
        chained = sorted(
            {str(c.folder / "events.parquet") for c in group if c.manifest.chain.events}
        )
        events: dict[str, list[tuple[int, str, str]]] = {}
        if chained:
            for file, seq, prev, hash_ in duck.execute(
                "SELECT filename, seq, prev_hash, hash FROM read_parquet(?, filename = true)"
                " ORDER BY filename, seq",
                [chained],
            ).fetchall():
                events.setdefault(file, []).append((int(seq), str(prev), str(hash_)))
    except duckdb.Error:
        return {c.folder: _one_by_one(c) for c in group}  # a file DuckDB cannot read
    finally:
        duck.close()
    for c in group:
        out[c.folder] = _judged(c, rows, columns, events)
    return out


def _judged(
    c: Checked,
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


def _one_by_one(c: Checked) -> BundleRefused | None:
    try:
        check(c.folder)
    except BundleRefused as refused:
        return refused
    return None


def ingest(
    folders: Sequence[Path],
    warehouse: Warehouse,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> IngestSummary:
    """Check every bundle, then load the ones new or newer than what is held."""
    started = time.perf_counter()
    summary = IngestSummary()
    warehouse.create_schema()
    held = warehouse.held()
    total = len(folders) * 2  # checked, then loaded
    done = 0
    chosen: dict[tuple[str, str, date], Checked] = {}
    files_ok: list[Checked] = []
    for folder in folders:
        try:
            files_ok.append(_files(Path(folder)))
        except BundleRefused as refused:
            summary.refused.append(Refused(Path(folder), refused.reason_key, refused.params))
            done += 2
            if progress:
                progress(done, total)
    for start in range(0, len(files_ok), CHECK_GROUP):
        group = files_ok[start : start + CHECK_GROUP]
        verdicts = _contents(group)
        for checked in group:
            verdict = verdicts[checked.folder]
            if verdict is not None:
                summary.refused.append(Refused(checked.folder, verdict.reason_key, verdict.params))
                done += 2
            else:
                done += 1
                summary.unchanged += _choose(checked, chosen, summary)
        if progress:
            progress(done, total)
    summary.check_seconds = time.perf_counter() - started
    fresh, newer = [], []
    for identity, checked in chosen.items():
        before = held.get(identity)
        if before is None:
            fresh.append(checked)
        elif before.manifest_sha256 == checked.manifest_sha256:
            summary.unchanged += 1
        elif _created(checked) > before.created_at:
            newer.append(checked)
        else:
            summary.older += 1
    skipped = len(chosen) - len(fresh) - len(newer)
    done += skipped
    if progress and skipped:
        progress(done, total)
    now = datetime.now(UTC)
    for group, replacing in ((newer, True), (fresh, False)):
        for batch in _batches(group, batch_rows):
            warehouse.load(batch, replacing, now)
            summary.rows += sum(c.rows for c in batch)
            done += len(batch)
            if progress:
                progress(done, total)
    order = {Path(f).absolute(): n for n, f in enumerate(folders)}
    summary.refused.sort(key=lambda r: order.get(r.folder.absolute(), 0))  # as they were given
    summary.loaded, summary.replaced = len(fresh), len(newer)
    summary.seconds = time.perf_counter() - started
    return summary


def _choose(
    checked: Checked, chosen: dict[tuple[str, str, date], Checked], summary: IngestSummary
) -> int:
    """Two bundles of one identity in one run: the newer is the one loaded. Returns 1 when
    this one is a copy of the one already chosen (so counted unchanged), else 0."""
    other = chosen.get(checked.identity)
    if other is None:
        chosen[checked.identity] = checked
        return 0
    if other.manifest_sha256 == checked.manifest_sha256:
        return 1
    if _created(checked) > _created(other):
        chosen[checked.identity] = checked
    summary.older += 1
    return 0


def _created(checked: Checked) -> datetime:
    text = checked.manifest.created_at.replace("Z", "+00:00")
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def _batches(group: list[Checked], batch_rows: int) -> list[list[Checked]]:
    out: list[list[Checked]] = []
    rows = 0
    for checked in group:
        if not out or rows + checked.rows > batch_rows:
            out.append([])
            rows = 0
        out[-1].append(checked)
        rows += checked.rows
    return out
