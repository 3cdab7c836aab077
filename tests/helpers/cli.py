"""`lobby` as a person types it, run in the test's own process (click's test runner): what
it prints, what it exits with, the same as from a terminal, in a twentieth of the time.

What a fresh process would start from is set up for every call and put back after it: the
environment, the language and click's help texts (built at import in the language the
command line resolves), the content files' caches and warnings. Tests that need the real
process (the entry's exit code, the plain start's imports, locks held by another process)
start one themselves (`lobby_process`)."""

from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from click import formatting
from click.testing import CliRunner

# The command-line modules, as imported in each language: their help texts are built at
# import (lobby_tui/cli.py), so a command asked for in Chinese needs them built in Chinese.
_CLI_MODULES = ("lobby_tui.cli", "lobby_tui.cli_hq")
_built_in: dict[str, dict[str, ModuleType]] = {}


@dataclass(frozen=True)
class Ran:
    """What a command said and how it ended, named as `subprocess.run` names them."""

    returncode: int
    stdout: str
    stderr: str


def command_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a command runs in: the test's, in English unless told otherwise,
    never the tester's own database (LOBBY_DB) or locale override (LC_ALL)."""
    base = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LOBBY_DB")}
    return {**base, "LANG": "en_US.UTF-8", **(env or {})}


def reset_content() -> None:
    """The content files read afresh, as a new process reads them (LOBBY_DATA may differ)."""
    from lobby_tui import content

    for name in dir(content):
        cached = getattr(content, name)
        if callable(cached) and hasattr(cached, "cache_clear"):
            cached.cache_clear()
    content._WARNINGS.clear()


def _command_line_in(language: str, argv: list[str]) -> None:
    """Make `lobby_tui.cli` the modules as imported for `argv` when it resolves to
    `language` (built once per language and process)."""
    if language not in _built_in:
        for name in _CLI_MODULES:
            sys.modules.pop(name, None)
        saved_argv = sys.argv
        sys.argv = ["lobby", *argv]
        try:
            importlib.import_module("lobby_tui.cli")
        finally:
            sys.argv = saved_argv
        _built_in[language] = {name: sys.modules[name] for name in _CLI_MODULES}
    sys.modules.update(_built_in[language])
    import lobby_tui

    lobby_tui.cli = _built_in[language]["lobby_tui.cli"]
    lobby_tui.cli_hq = _built_in[language]["lobby_tui.cli_hq"]


def lobby(*args: str, env: dict[str, str] | None = None, typed: str | None = None) -> Ran:
    """`lobby ARGS`; `typed`: what a person types at the command's prompts."""
    from lobby_tui.i18n import language as current_language
    from lobby_tui.i18n import set_language
    from lobby_tui.start import main

    saved_env = dict(os.environ)
    saved_language = current_language()
    saved_argv = sys.argv
    wanted = command_env(env)
    os.environ.clear()
    os.environ.update(wanted)
    reset_content()
    code = 0
    try:
        # As at the import of lobby_tui/cli.py in a new process.
        from lobby_tui.cli import language_for_commands

        language = language_for_commands(list(args))
        _command_line_in(language, list(args))
        set_language(language)
        runner = CliRunner()
        with runner.isolation(input=typed) as (out, err, _mixed):
            formatting.FORCED_WIDTH = None  # as wide as COLUMNS says, as in a terminal
            sys.argv = ["lobby", *args]
            try:
                main()
            except SystemExit as exc:
                if exc.code is None:
                    code = 0
                elif isinstance(exc.code, int):
                    code = exc.code
                else:
                    print(exc.code, file=sys.stderr)
                    code = 1
            except Exception:  # as Python prints what nobody caught
                traceback.print_exc(file=sys.stderr)
                code = 1
            finally:
                sys.argv = saved_argv
                sys.stdout.flush()
                sys.stderr.flush()
            stdout = out.getvalue().decode()
            stderr = err.getvalue().decode("utf-8", "backslashreplace")
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        reset_content()
        set_language(saved_language)
    return Ran(code, stdout, stderr)


def lobby_process(*args: str, env: dict[str, str] | None = None, typed: str | None = None) -> Ran:
    """`lobby ARGS` in a process of its own (`python -m lobby_tui`): for what only a real
    process shows (the entry's exit code, what a start imports)."""
    done = subprocess.run(
        [sys.executable, "-m", "lobby_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=command_env(env),
        input=typed,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def one_clear_line(result: Ran) -> str:
    """The one line a refused command says, with no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
