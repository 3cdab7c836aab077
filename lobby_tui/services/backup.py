"""Backups: a consistent, verified copy of the database, the last few kept; and the way
back from a damaged file (R6.2: the branch's record survives a disk that fails).

The copy is made with SQLite's online-backup API on a connection of its own, so it works
while the app (or another tablet) is writing: it copies one consistent snapshot.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lobby_tui.services.verify import verify_file
from lobby_tui.store import Clock, StoreError, iso

DEFAULT_KEEP = 10
NAME = re.compile(r"^(?P<stem>.+)-(?P<at>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    events: int
    removed: int  # older copies pruned to keep the last N


def backup_folder(db: Path, folder: Path | None = None) -> Path:
    return (folder or db.parent / "backups").expanduser().absolute()


def _private_folder(folder: Path) -> None:
    """0700: the copies hold customers' personal data, as the database does."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise StoreError("backup.folder", folder=str(folder), detail=exc.strerror or "") from exc


def _new_name(db: Path, folder: Path, at: datetime) -> Path:
    """<db>-<UTC instant>.db; a second copy in the same second (a double sign-off, a test's
    frozen clock) gets -2, -3 … after the highest already there, so names keep their order."""
    stamp = iso(at).replace("-", "").replace(":", "")
    taken = [
        int(m["n"] or 1)
        for p in folder.iterdir()
        if (m := NAME.match(p.name)) and m["stem"] == db.stem and m["at"] == stamp
    ]
    if not taken:
        return folder / f"{db.stem}-{stamp}.db"
    return folder / f"{db.stem}-{stamp}-{max(taken) + 1}.db"


def make_backup(
    db: Path, clock: Clock, folder: Path | None = None, keep: int = DEFAULT_KEEP
) -> Backup:
    """Copy, verify (file and chain), prune. A copy that does not verify is removed and
    reported: a backup nobody can restore from is worse than none, it reassures."""
    db = Path(db).expanduser().absolute()
    if not db.is_file():
        raise StoreError("db.missing", path=str(db))
    folder = backup_folder(db, folder)
    _private_folder(folder)
    target = _new_name(db, folder, clock.now())
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        source = sqlite3.connect(_reading_uri(db), uri=True, timeout=5)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            # One self-contained file: no -wal beside it to lose when it is moved.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
            source.close()
    except (sqlite3.Error, OSError) as exc:
        target.unlink(missing_ok=True)
        raise StoreError("backup.failed", path=str(target), detail=str(exc)) from exc
    verdict = verify_file(target)
    if verdict.integrity != "ok" or not verdict.chain.intact:
        target.unlink(missing_ok=True)
        raise StoreError("backup.not_sound", path=str(db))
    removed = 0
    for old in backups(db, folder)[keep:]:
        if old != target:  # never the copy just made, whatever the clock says
            old.unlink(missing_ok=True)
            removed += 1
    return Backup(target, verdict.chain.events, removed)


def _reading_uri(db: Path) -> str:
    """Read-only; as an unchanging file when no app has it open (no -wal), so reading leaves
    no -wal/-shm behind (see open_store)."""
    frozen = not Path(f"{db}-wal").exists()
    return f"{db.as_uri()}?mode=ro" + ("&immutable=1" if frozen else "")


def backups(db: Path, folder: Path | None = None) -> list[Path]:
    """This database's copies in the folder, newest first."""
    folder = backup_folder(Path(db).absolute(), folder)
    if not folder.is_dir():
        return []
    stem = Path(db).stem
    found: list[tuple[str, int, Path]] = []
    for path in folder.iterdir():
        if (m := NAME.match(path.name)) and m["stem"] == stem:
            found.append((m["at"], int(m["n"] or 1), path))  # two in one second: -2, -3 …
    return [path for _at, _n, path in sorted(found, reverse=True)]


def sound(path: Path) -> bool:
    """The file opens and both the file and the journal's chain are whole."""
    try:
        verdict = verify_file(path)
    except StoreError:
        return False
    return verdict.integrity == "ok" and verdict.chain.intact


def newest_good_backup(db: Path) -> Path | None:
    for path in backups(db):
        if sound(path):
            return path
    return None


def restore(backup: Path, db: Path, force: bool = False) -> Path | None:
    """Put a verified copy in the database's place. A healthy database is not overwritten
    without `force`; the file replaced is kept beside it (renamed), never deleted.
    Returns where the replaced file went, if there was one."""
    backup = Path(backup).expanduser().absolute()
    db = Path(db).expanduser().absolute()
    if not sound(backup):
        raise StoreError("backup.not_sound", path=str(backup))
    kept: Path | None = None
    if db.exists():
        if sound(db) and not force:
            raise StoreError("restore.healthy", path=str(db))
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        kept = db.with_name(f"{db.name}.replaced-{stamp}")
        db.rename(kept)
        for tail in ("-wal", "-shm"):
            side = Path(f"{db}{tail}")
            if side.exists():
                side.rename(Path(f"{kept}{tail}"))
    fd = os.open(db, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    source = sqlite3.connect(_reading_uri(backup), uri=True)
    target = sqlite3.connect(db)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return kept
