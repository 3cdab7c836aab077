"""`lobby hq`: head office's two commands (issue 18, R6.6) — take branches' day bundles into
the warehouse, and the network's report from it. The work is in services/hq; here: the
options, the progress bar, the words, and the report as Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from lobby_tui.cli import echo, format_option, lang_option, parse_period, progress_bar
from lobby_tui.i18n import language, set_language, t
from lobby_tui.start import fail

DEFAULT_TARGET = "head-office.duckdb"


def _open(target: str, create: bool) -> Any:
    try:
        from lobby_tui.services.hq.warehouse import is_postgres, open_warehouse
    except ImportError:  # pragma: no cover - the [hq] extra is not installed
        fail(t("hq.needs_engine"))
    if not create and not is_postgres(target) and not Path(target).expanduser().exists():
        fail(t("hq.no_warehouse", target=target))
    try:
        return open_warehouse(target)
    except ImportError:
        fail(t("hq.needs_engine"))
    except Exception as exc:  # duckdb.Error, psycopg.Error: the engine's own words
        fail(t("hq.cannot_open", target=_shown(target), detail=str(exc).strip()))


def _shown(target: str) -> str:
    """A PostgreSQL URL without its password, for messages."""
    if "://" in target and "@" in target:
        scheme, rest = target.split("://", 1)
        who, where = rest.rsplit("@", 1)
        return f"{scheme}://{who.split(':', 1)[0]}@{where}"
    return target


@click.group(help=t("cli.hq_help"))
def hq() -> None:
    pass


@hq.command(help=t("cli.hq_ingest_help"))
@lang_option
@click.argument(
    "bundles", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--into", "target", default=DEFAULT_TARGET, show_default=True, help=t("cli.hq_into_help")
)
def ingest(lang: str | None, bundles: tuple[Path, ...], target: str) -> None:
    from lobby_tui.services.hq.ingest import ingest as take_in

    if lang:
        set_language(lang)
    warehouse = _open(target, create=True)
    try:
        with progress_bar(t("hq.progress", count=len(bundles))) as progress:
            summary = take_in(list(bundles), warehouse, progress)
    except Exception as exc:  # the engine refused a statement: say so, leave no traceback
        fail(t("hq.failed", target=_shown(target), detail=str(exc).strip()))
    finally:
        warehouse.close()
    for refused in summary.refused:
        reason = t(f"bundle.refused.{refused.reason_key}", **refused.params)
        echo(t("hq.refused", folder=str(refused.folder), reason=reason), err=True)
    echo(
        t(
            "hq.summary",
            loaded=summary.loaded,
            replaced=summary.replaced,
            unchanged=summary.unchanged,
            older=summary.older,
            refused=len(summary.refused),
            rows=summary.rows,
            seconds=f"{summary.seconds:.1f}",
            rate=f"{summary.rows_per_second:,.0f}",
            target=_shown(target),
        )
    )
    if summary.refused:
        raise SystemExit(1)


@hq.command(help=t("cli.hq_report_help"))
@lang_option
@click.option("--from", "first", metavar="YYYY-MM-DD", required=True, help=t("cli.from_help"))
@click.option("--to", "last", metavar="YYYY-MM-DD", required=True, help=t("cli.to_help"))
@format_option
@click.option(
    "--from-db", "target", default=DEFAULT_TARGET, show_default=True, help=t("cli.hq_from_help")
)
def report(lang: str | None, first: str, last: str, fmt: str, target: str) -> None:
    from lobby_tui.services.hq.network import network_report

    if lang:
        set_language(lang)
    start, end = parse_period(first, last)
    warehouse = _open(target, create=False)
    try:
        made = network_report(warehouse, start, end, language())
    except Exception as exc:
        fail(t("hq.failed", target=_shown(target), detail=str(exc).strip()))
    finally:
        warehouse.close()
    echo(render(made, fmt), nl=False)


# The report's three forms ---------------------------------------------------------------

# The columns of the branch table and of the CSV: (figure key, JSON path, unit).
COLUMNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("arrivals", ("arrivals", "total"), ""),
    ("wait_median", ("arrivals", "wait_min", "median"), "min"),
    ("wait_p90", ("arrivals", "wait_min", "p90"), "min"),
    ("service_level", ("arrivals", "service_level"), "%"),
    ("walkaway_rate", ("arrivals", "walkaway_rate"), "%"),
    ("self_service_rate", ("arrivals", "self_service_rate"), "%"),
    ("quote_longer_rate", ("arrivals", "quote_longer_rate"), "%"),
    ("rounds_missed", ("rounds", "missed"), ""),
    ("complaints_received", ("complaints", "received"), ""),
    ("complaints_open", ("complaints", "open"), ""),
    ("complaints_overdue", ("complaints", "overdue"), ""),
    ("incidents_total", ("incidents", "total"), ""),
    ("incidents_open", ("incidents", "open"), ""),
)
UNITS = {key: unit for key, _path, unit in COLUMNS}


def _at(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for part in path:
        value = value[part]
    return value


def _shown_value(value: Any, unit: str) -> str:
    if value is None:
        return t("report.none")
    if unit == "%":
        return f"{value * 100:.1f}%"
    return str(value)


def render(made: Any, fmt: str) -> str:
    data = made.to_json_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(data)
    return "\n".join(_markdown(data)) + "\n"


def _csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["branch_id", "branch", *(key for key, _p, _u in COLUMNS), "incidents_by_type"])
    rows = [*data["branches"], {"branch_id": "", "branch": t("hq.network"), **data["network"]}]
    for row in rows:
        by_type = json.dumps(row["incidents"]["by_type"], ensure_ascii=False, sort_keys=True)
        writer.writerow(
            [row["branch_id"], row["branch"], *(_at(row, p) for _k, p, _u in COLUMNS), by_type]
        )
    return out.getvalue()


def _markdown(data: dict[str, Any]) -> Iterator[str]:
    network = data["network"]
    yield "# " + t("hq.title", first=data["from"], last=data["to"], count=network["branches"])
    yield ""
    yield "## " + t("hq.network")
    yield ""
    yield f"| {t('report.col_figure')} | {t('report.col_value')} |"
    yield "|---|---:|"
    for key, path, unit in COLUMNS:
        yield f"| {t(f'hq.figure.{key}')} | {_shown_value(_at(network, path), unit)} |"
    from lobby_tui.content import incident_labels

    lang = language()
    types = {k: v.get(lang, k) for k, v in incident_labels().items()}
    for kind, n in network["incidents"]["by_type"].items():
        yield f"| {t('hq.by_type', type=types.get(kind, kind))} | {n} |"
    yield ""
    yield "## " + t("hq.branches")
    yield ""
    yield (
        "| "
        + " | ".join([t("report.branch"), *(t(f"hq.figure.{k}") for k, _p, _u in COLUMNS)])
        + " |"
    )
    yield "|---" * (len(COLUMNS) + 1) + "|"
    for row in data["branches"]:
        cells = [_shown_value(_at(row, p), u) for _k, p, u in COLUMNS]
        yield "| " + " | ".join([f"{row['branch']} ({row['branch_id']})", *cells]) + " |"
    names = {row["branch_id"]: row["branch"] for row in data["branches"]}
    for key, ranked in data["worst"].items():
        yield ""
        yield "## " + t("hq.worst", figure=t(f"hq.figure.{key}"))
        yield ""
        if not ranked:
            yield t("report.none")
            continue
        for n, entry in enumerate(ranked, 1):
            value = _shown_value(entry["value"], UNITS.get(key, ""))
            yield f"{n}. {names.get(entry['branch_id'], '')} ({entry['branch_id']}): {value}"
