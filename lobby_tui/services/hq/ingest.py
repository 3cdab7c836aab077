"""`lobby hq ingest`: day bundles into the warehouse, idempotently.

Each bundle is checked first by the contract's own check (services/bundle.check_bundles:
digests, row counts, columns, the journal's links up to the chain head); a refused one is
listed with its reason and the others go on. A bundle is known by its identity (branch, tablet,
business day): the same bundle again changes nothing; a newer one of the same identity
replaces the held one in the same transaction that loads it; an older one is left out.
Loading goes in batches (one transaction each): per table, one read of all the batch's
Parquet files. What it costs is mostly opening files (a branch-day is 18 small ones): the
number of files, not of rows, sets the time (bench/hq.py; the README gives the figures).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from lobby_tui.domain.bundle import BundleRefused
from lobby_tui.services.bundle import CheckedBundle, check_bundles
from lobby_tui.services.hq.warehouse import Warehouse

Progress = Callable[[int, int], None]
BATCH_ROWS = 2_000_000  # rows loaded per transaction (bounded memory, few statements)


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
    chosen: dict[tuple[str, str, date], CheckedBundle] = {}

    def checking(judged: int) -> None:
        if progress:
            progress(judged, total)

    verdicts = check_bundles(folders, warehouse.duck, checking)
    for folder, verdict in zip(folders, verdicts, strict=True):
        if isinstance(verdict, BundleRefused):
            summary.refused.append(Refused(Path(folder), verdict.reason_key, verdict.params))
            done += 2
        else:
            done += 1
            summary.unchanged += _choose(verdict, chosen, summary)
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
            loaded = _load(warehouse, batch, replacing, now, summary)
            summary.rows += sum(c.rows for c in loaded)
            if replacing:
                summary.replaced += len(loaded)
            else:
                summary.loaded += len(loaded)
            done += len(batch)
            if progress:
                progress(done, total)
    if summary.rows or summary.replaced:
        warehouse.settle()
    order = {Path(f).absolute(): n for n, f in enumerate(folders)}
    summary.refused.sort(key=lambda r: order.get(r.folder.absolute(), 0))  # as they were given
    summary.seconds = time.perf_counter() - started
    return summary


def _load(
    warehouse: Warehouse,
    batch: list[CheckedBundle],
    replacing: bool,
    now: datetime,
    summary: IngestSummary,
) -> list[CheckedBundle]:
    """Load a batch in one transaction; the bundles loaded. When the engine cannot read the
    batch (a file whose footer passed the check but whose pages do not read, or one changed
    since its check), the batch is rolled back and each bundle is loaded alone: the one that
    fails is refused with the engine's reason and the rest go in."""
    try:
        warehouse.load(batch, replacing, now)
        return batch
    except warehouse.read_errors as exc:
        if len(batch) > 1:
            return [c for one in batch for c in _load(warehouse, [one], replacing, now, summary)]
        said = str(exc).strip()
        detail = said.splitlines()[0][:200] if said else type(exc).__name__
        summary.refused.append(Refused(batch[0].folder, "not_loaded", {"detail": detail}))
        return []


def _choose(
    checked: CheckedBundle,
    chosen: dict[tuple[str, str, date], CheckedBundle],
    summary: IngestSummary,
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


def _created(checked: CheckedBundle) -> datetime:
    text = checked.manifest.created_at.replace("Z", "+00:00")
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)


def _batches(group: list[CheckedBundle], batch_rows: int) -> list[list[CheckedBundle]]:
    out: list[list[CheckedBundle]] = []
    rows = 0
    for checked in group:
        if not out or rows + checked.rows > batch_rows:
            out.append([])
            rows = 0
        out[-1].append(checked)
        rows += checked.rows
    return out
