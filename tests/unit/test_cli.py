"""The `lobby` command as a person types it: one clear line for every mistake, files untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lobby_tui import __version__
from lobby_tui.store.migrations import SCHEMA_VERSION


def lobby(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LOBBY_DB")}
    full_env = {**base, "LANG": "en_US.UTF-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lobby_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_version_and_help() -> None:
    assert lobby("--version").stdout.strip() == f"lobby {__version__}"
    help_text = lobby("--help").stdout
    for word in ("--db", "--lang", "demo", "verify"):
        assert word in help_text


def test_demo_writes_a_private_sound_database(tmp_path: Path) -> None:  # covers: R6.2, R6.4
    db = tmp_path / "demo.db"
    result = lobby("demo", "--db", str(db), "--no-ui")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    conn = sqlite3.connect(db)
    statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM arrivals")}
    assert {"waiting", "called", "done", "left"} <= statuses
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    verified = lobby("verify", "--db", str(db))
    assert verified.returncode == 0
    assert verified.stdout.startswith("OK:")


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    rows = []
    for name in ("a.db", "b.db"):
        assert lobby("demo", "--db", str(tmp_path / name), "--no-ui", "--seed", "3").returncode == 0
        conn = sqlite3.connect(tmp_path / name)
        rows.append(
            conn.execute(
                "SELECT ticket, need, channel, status, arrived_at FROM arrivals ORDER BY ticket"
            ).fetchall()
        )
        conn.close()
    assert rows[0] == rows[1] and len(rows[0]) > 24


def test_demo_never_writes_into_a_database_with_data(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    before = digest(db)
    line = one_clear_line(lobby("demo", "--db", str(db), "--no-ui"))
    assert "already holds data" in line
    assert digest(db) == before


def test_verify_reports_a_tampered_journal(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE seq = 5")
    conn.close()
    result = lobby("verify", "--db", str(db))
    assert result.returncode == 1
    assert "event #5" in result.stdout and "Traceback" not in result.stderr


def test_verify_in_chinese(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    assert lobby("verify", "--db", str(db), "--lang", "zh").stdout.startswith("正常")


@pytest.mark.parametrize("command", [["verify"], []])
def test_not_sqlite_file(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("not a database")
    line = one_clear_line(lobby(*command, "--db", str(db)))
    assert "not a lobby database" in line
    assert db.read_text() == "not a database"


def test_missing_folder(tmp_path: Path) -> None:
    line = one_clear_line(lobby("--db", str(tmp_path / "nope" / "x.db")))
    assert "does not exist" in line
    assert not (tmp_path / "nope").exists()


def test_verify_does_not_create_a_missing_file(tmp_path: Path) -> None:
    line = one_clear_line(lobby("verify", "--db", str(tmp_path / "x.db")))
    assert "no database" in line
    assert not (tmp_path / "x.db").exists()


def test_too_new_database_in_the_users_language(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(db)
    line = one_clear_line(lobby("--db", str(db), env={"LANG": "zh_CN.UTF-8"}))
    assert "更新版本" in line
    assert digest(db) == before


def test_corrupt_database(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    data = bytearray(db.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xde\xad" * (4096 * 2)  # scribble over some pages
    db.write_bytes(bytes(data))
    before = digest(db)
    result = lobby("verify", "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert digest(db) == before


def test_lobby_db_names_the_real_database_and_the_demo_leaves_it_alone(tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    assert lobby("demo", "--db", str(real), "--no-ui").returncode == 0
    before = digest(real)
    assert lobby("verify", env={"LOBBY_DB": str(real)}).returncode == 0
    line = one_clear_line(lobby("demo", "--no-ui", env={"LOBBY_DB": str(real)}))
    assert "--no-ui needs --db" in line
    assert digest(real) == before


def test_the_start_up_path_stays_light() -> None:
    # Start-up pays only for the dashboard: what a later screen needs (pydantic for the
    # content catalogues, sqlite-utils) is imported when that screen is first shown.
    # bench/startup.py measures the time; this guards the cause of the regressions seen.
    probe = (
        "import sys\n"
        "import lobby_tui.cli, lobby_tui.app\n"
        "from lobby_tui.services import lobby, settings, shift\n"
        "heavy = sorted(m for m in ('pydantic', 'sqlite_utils') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
