"""`lobby queue`: the branch's own ticket machine feeds in (issue 28, R2.12). The work is in
services/queue_feed.py; here: the options, the words, and Ctrl+C."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import click

from lobby_tui.cli import _pick, db_option, lang_option
from lobby_tui.i18n import t
from lobby_tui.start import fail, prepare, user_errors
from lobby_tui.store import wall_clock

mapping_option = click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("cli.queue_mapping_help"),
)
log_argument = click.argument("log", type=click.Path(dir_okay=False, path_type=Path))


@click.group(help=t("cli.queue_help"))
def queue() -> None:
    pass


def _mapping(path: Path | None) -> Any:
    from lobby_tui.domain.queue_feed import FeedError
    from lobby_tui.services.queue_feed import load_mapping

    try:
        return load_mapping(path)
    except FeedError as exc:
        fail(reason(exc))


def reason(exc: Any) -> str:
    """A refusal in the user's words: a bad mapping names its file and the problem in it."""
    cause = exc.__cause__
    if exc.key == "feed.bad_mapping" and cause is not None and hasattr(cause, "key"):
        return t("feed.bad_mapping", file=exc.params["file"], problem=reason(cause))
    return t(exc.key, **exc.params)


def _said(result: Any) -> None:
    for line, refused in result.refused:
        click.echo(t("cli.queue_line_refused", line=line, reason=reason(refused)), err=True)


@queue.command("import", help=t("cli.queue_import_help"))
@log_argument
@mapping_option
@db_option
@lang_option
@click.pass_context
def import_log(
    ctx: click.Context, log: Path, mapping: Path | None, db: Path | None, lang: str | None
) -> None:
    from lobby_tui.services.queue_feed import import_file

    with user_errors():
        shape = _mapping(mapping)
        store, settings, _ = prepare(_pick(ctx, "db", db), _pick(ctx, "lang", lang), wall_clock())
        try:
            result = import_file(store, log, shape, settings.timezone)
        finally:
            store.close()
    _said(result)
    click.echo(
        t("cli.queue_done", added=result.added, joined=result.joined, updated=result.updated,
          unchanged=result.unchanged, refused=len(result.refused))
    )  # fmt: skip


@queue.command("follow", help=t("cli.queue_follow_help"))
@log_argument
@mapping_option
@db_option
@lang_option
@click.pass_context
def follow_log(
    ctx: click.Context, log: Path, mapping: Path | None, db: Path | None, lang: str | None
) -> None:
    from lobby_tui.services.queue_feed import follow

    stop = {"asked": False}

    def asked(*_: object) -> None:
        stop["asked"] = True

    signal.signal(signal.SIGTERM, asked)
    with user_errors():
        shape = _mapping(mapping)
        store, settings, _ = prepare(_pick(ctx, "db", db), _pick(ctx, "lang", lang), wall_clock())
        click.echo(t("cli.queue_following", path=str(log)))
        try:
            total = follow(store, log, shape, settings.timezone,
                           done=lambda: stop["asked"], said=_said)  # fmt: skip
        except KeyboardInterrupt:
            total = None
        finally:
            store.close()
    if total is not None:
        click.echo(t("cli.queue_stopped", added=total.added, joined=total.joined,
                     updated=total.updated, refused=len(total.refused)))  # fmt: skip
