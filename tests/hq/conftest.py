"""A throwaway PostgreSQL for the head office tests: Debian's server binaries, a cluster made
with initdb in a temporary folder by an unprivileged user (PostgreSQL refuses to run as root;
CI runs as root, so a system user `lobbypg` is made for it), listening only on a socket in
that folder on a free port, stopped and removed at the end of the session. Each test gets a
database of its own. Under CI=true a missing PostgreSQL fails the run: it never skips."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.hq import Estate, Tablet

PG_USER = "lobbypg"


def pg_bin() -> Path | None:
    """The newest Debian PostgreSQL server's binaries (LOBBY_PG_BIN overrides)."""
    given = os.environ.get("LOBBY_PG_BIN")
    if given:
        return Path(given) if (Path(given) / "initdb").exists() else None
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    return found[-1].parent if found else None


def _unprivileged() -> tuple[int, int]:
    """Who runs the server: this user, or when root the system user `lobbypg` (made now)."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            check=True,
        )
        entry = pwd.getpwnam(PG_USER)
    return entry.pw_uid, entry.pw_gid


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoPostgres(Exception):
    """PostgreSQL's server binaries are not installed."""


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A server of our own for as long as the block runs; yields its URL (database
    `postgres`, trust over its private socket). The bench (bench/hq.py) uses it too."""
    binaries = pg_bin()
    if binaries is None:
        raise NoPostgres(
            "PostgreSQL's server binaries are not installed (apt-get install postgresql)"
        )
    uid, gid = _unprivileged()
    folder = Path(tempfile.mkdtemp(prefix="lobby-pg-"))  # under /tmp: the server user reaches it
    os.chown(folder, uid, gid)
    data, log = folder / "data", folder / "server.log"
    port = _free_port()
    as_server: dict[str, Any] = {"user": uid, "group": gid} if os.geteuid() == 0 else {}
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}

    def run(*args: str) -> None:
        subprocess.run(
            args, check=True, env=env, cwd=folder, stdout=subprocess.DEVNULL, **as_server
        )

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", "lobby", "-A", "trust", "-E", "UTF8")
        options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        try:
            yield f"postgresql://lobby@/postgres?host={folder}&port={port}"
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The session's server; under CI=true a missing PostgreSQL fails, never skips."""
    try:
        with throwaway_postgres() as url:
            yield url
    except NoPostgres as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    import psycopg

    name = f"hq_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_server.replace("/postgres?", f"/{name}?")
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


# The estate: generated branches' tablets and their day bundles ------------------------------


DAYS = 3
PER_DAY = 200


def make_tablet(folder: Path, branch_id: str, seed: int, days: int = DAYS) -> Tablet:
    """A branch's tablet with `days` days of the demo's history, each day bundled."""
    from lobby_tui.demo.history import write_history
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.bundle import write_bundle
    from lobby_tui.services.settings import load_settings, save_setting
    from lobby_tui.store import open_store, wall_clock

    db = folder / f"{branch_id}-{seed}.db"
    store = open_store(db, wall_clock())
    try:
        save_setting(store, "branch_id", branch_id)
        settings = load_settings(store)
        today = business_day(store.clock.now(), settings.timezone)
        write_history(store, settings, today, days=days, per_day=PER_DAY, seed=seed, lang="en")
        out = folder / "bundles"
        made = [write_bundle(store, today - timedelta(days=n), out) for n in range(days, 0, -1)]
    finally:
        store.close()
    return Tablet(branch_id, db, made)


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import open_store, wall_clock

    folder = tmp_path_factory.mktemp("estate")
    tablets = [
        make_tablet(folder, "A01", seed=11),
        make_tablet(folder, "B02", seed=22),
        make_tablet(folder, "C03", seed=33),
        make_tablet(folder, "C03", seed=44),
    ]
    store = open_store(tablets[0].db, wall_clock(), read_only=True)
    try:
        today = business_day(store.clock.now(), load_settings(store).timezone)
    finally:
        store.close()
    return Estate(today - timedelta(days=DAYS), today - timedelta(days=1), tablets)
