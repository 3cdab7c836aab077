"""The report as Markdown, CSV or JSON, its labels in the user's language. One list of
figures, flattened from the JSON head office reads, feeds all three: the formats cannot
disagree. Shown by `lobby report`; the handover screen can use the same labels."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from lobby_tui.i18n import language, t
from lobby_tui.services.report import DayReport, MonthReport, MonthTable

SECTIONS = ("arrivals", "checklist", "rounds", "complaints", "incidents", "quality", "protection")
# Figures whose value needs a unit to be read; the rest are counts.
RATES = {
    "walkaway_rate",
    "self_service_rate",
    "service_level",
    "quote_hit_rate",
    "quote_longer_rate",
    "quote_shorter_rate",
    "triage_within_target",
    "apology_rate",
    "rework_rate",
    "precheck_share",
    "satisfaction_response_rate",
}
NAMED = {"by_need", "by_channel", "by_type"}  # keyed by a catalogue id, labelled by its name


@dataclass(frozen=True)
class Figure:
    section: str
    key: str  # within the section, dotted: wait_min.median, by_need.cash_deposit
    label: str
    value: Any  # exactly as in the JSON: int, float, or None where nothing was measured


def figures(report: DayReport) -> list[Figure]:
    data = report.to_json_dict()
    names = _names()
    return [
        Figure(section, key, _label(section, key, names), value)
        for section in SECTIONS
        for key, value in _flatten(data[section])
    ]


def readable_figures(report: DayReport) -> list[Figure]:
    """The figures a person reads (Markdown, the handover): where the walk-ins came from only
    at a branch whose ticket machine feeds in (R2.12) — elsewhere it is "all triaged" and
    two zeros. CSV and JSON keep every key."""
    _triaged, joined, machine_only = report.sources
    read = [
        f for f in figures(report)
        if joined or machine_only or not (f.section == "arrivals" and f.key.startswith("sources."))
    ]  # fmt: skip
    if report.checklist.runs == 0:  # not started: its items are the template's, none answered
        from lobby_tui.content import checklist_template

        items = len(checklist_template().items())
        read = [replace(f, value=items) if (f.section, f.key) == ("checklist", "items") else f
                for f in read]  # fmt: skip
    return read


def _flatten(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in values.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _names() -> dict[str, dict[str, str]]:
    """Needs, channels and incident types by their names in the current language (an id
    no longer in the catalogue is shown as it is)."""
    from lobby_tui.content import channels, incident_labels, need_labels

    lang = language()
    return {
        "by_need": {k: v.get(lang, k) for k, v in need_labels().items()},
        "by_channel": {c.key: c.label[lang] for c in channels()},
        "by_type": {k: v.get(lang, k) for k, v in incident_labels().items()},
    }


def _label(section: str, key: str, names: Mapping[str, Mapping[str, str]]) -> str:
    group, _, item = key.partition(".")
    if group in NAMED:
        return t(f"report.{section}.{group}", name=names[group].get(item, item))
    return t(f"report.{section}.{key}")


# What the day's report and the month's print share: one way to pick a format, one CSV
# layout, one Markdown table of a section's figures.


class _Printable(Protocol):
    def to_json_dict(self) -> dict[str, Any]: ...


_Report = TypeVar("_Report", bound=_Printable)


def _in_format(
    report: _Report,
    fmt: str,
    csv_of: Callable[[_Report], str],
    markdown_of: Callable[[_Report], str],
) -> str:
    if fmt == "json":
        return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return csv_of(report)
    return markdown_of(report)


def _csv(rows: Iterable[Sequence[Any]]) -> str:
    """Rows under the one header: section, key (as in the JSON), label, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "value"])
    writer.writerows(rows)
    return out.getvalue()


def _csv_rows(figures_shown: Iterable[Figure]) -> Iterator[list[Any]]:
    """A row per figure; empty where nothing was measured."""
    for f in figures_shown:
        yield [f.section, f.key, f.label, "" if f.value is None else f.value]


def _by_section(figures_shown: Iterable[Figure]) -> dict[str, list[Figure]]:
    by_section: dict[str, list[Figure]] = {}
    for f in figures_shown:
        by_section.setdefault(f.section, []).append(f)
    return by_section


def _figure_table(title: str, rows: Iterable[tuple[str, str]]) -> list[str]:
    """A section as Markdown: its heading, then a row per figure (label, value as shown)."""
    return [
        f"## {title}",
        "",
        f"| {t('report.col_figure')} | {t('report.col_value')} |",
        "| --- | ---: |",
        *(f"| {label} | {value} |" for label, value in rows),
    ]


def render(report: DayReport, fmt: str) -> str:
    return _in_format(report, fmt, to_csv, to_markdown)


def to_csv(report: DayReport) -> str:
    """One row per figure: section, key (as in the JSON), label, value (empty: nothing to
    measure). The first two rows say which day and branch."""
    rows = [
        ["report", "date", t("report.date"), report.date],
        ["report", "branch", t("report.branch"), report.branch],
        *_csv_rows(figures(report)),
    ]
    if report.chain_head is not None:
        rows.append(["report", "chain_head", t("report.chain_head_label"), anchor(report)])
    return _csv(rows)


def anchor(report: DayReport) -> str:
    """The head as `lobby verify --anchor` takes it."""
    assert report.chain_head is not None
    return f"{report.chain_head[0]}:{report.chain_head[1]}"


def to_markdown(report: DayReport) -> str:
    if report.first_day == report.last_day:
        title = t("report.title_day", branch=report.branch, date=report.date)
    else:
        title = t(
            "report.title_period",
            branch=report.branch,
            first=report.first_day.isoformat(),
            last=report.last_day.isoformat(),
        )
    lines = [f"# {title}", ""]
    if report.partial:
        lines += [t("report.as_of", time=report.as_of.strftime("%Y-%m-%d %H:%M")), ""]
    for section, in_section in _by_section(readable_figures(report)).items():
        if lines[-1]:
            lines.append("")
        title = t(f"report.section.{section}")
        lines += _figure_table(title, [(f.label, shown(f)) for f in in_section])
        if section == "arrivals" and any(f.key == "service_level" for f in in_section):
            # What the figure counts, said once, under its section's table.
            lines += ["", service_level_means(report)]
    if report.chain_head is not None:
        lines += ["", t("report.chain_head", anchor=anchor(report))]
    return "\n".join(lines) + "\n"


def service_level_means(report: DayReport) -> str:
    """What the service level counts (domain/kpis.service_level), as the README says it."""
    return t("report.arrivals.service_level.means", red=report.red_min)


def shown(f: Figure) -> str:
    """A figure as a person reads it: rates in percent, minutes, seconds, a score of 5."""
    if f.value is None:
        return t("report.none")
    last = f.key.rpartition(".")[2]
    if last in RATES:
        return f"{f.value * 100:.1f}%"
    if f.key.startswith("wait_min."):
        return t("report.minutes", n=f.value)
    if f.key == "triage_seconds_median":
        return t("report.seconds", n=f.value)
    if f.key in ("satisfaction_avg", "satisfaction_mean"):
        return t("report.score", n=f"{f.value:.2f}")
    if f.key == "money_saved":
        return t("report.yuan", n=f"{f.value:,.2f}")
    return str(f.value)


# The month's consumer-protection print (issue 20) -----------------------------------------
# The same three formats; each section's figures labelled report.month.<section>.<key>, a
# group keyed by a list's ids (by_channel.phone) labelled by the item's name, and each table
# (root cause by channel) printed as rows and columns.

MONTH_RATES = {
    "within_deadline_rate",
    "referral_deadline_met_rate",
    "rework_rate",
    "precheck_share",
    "satisfaction_response_rate",
}


def month_names(kind: str) -> dict[str, str]:
    """A list's ids by their names in the current language: channels, root causes."""
    from lobby_tui.content import complaint_catalogue

    lang = language()
    if kind == "channel":
        from lobby_tui.domain.complaints import VIA

        return {v: t(f"complaint.via.{v}") for v in VIA}
    if kind == "root_cause":
        catalogue = complaint_catalogue()
        names = {e.id: catalogue.label("root_cause", e.id, lang) for e in catalogue.root_cause}
        return {**names, "unrecorded": t("report.month.no_root_cause")}
    return {}


# A group of figures keyed by a list's ids: the list that names them.
MONTH_NAMED = {"by_channel": "channel", "by_root_cause": "root_cause"}


def month_figures(report: MonthReport) -> list[Figure]:
    """Every figure but the tables, labelled, in the order of the sections."""
    out: list[Figure] = []
    for section in report.sections:
        for key, value in _flatten(section.figures):
            group, _, item = key.partition(".")
            if group in MONTH_NAMED:
                name = month_names(MONTH_NAMED[group]).get(item, item)
                label = t(f"report.month.{section.key}.{group}", name=name)
            else:
                label = t(f"report.month.{section.key}.{key}")
            out.append(Figure(section.key, key, label, value))
    return out


def month_shown(f: Figure) -> str:
    if f.value is None:
        return t("report.none")
    if f.key.rpartition(".")[2] in MONTH_RATES:
        return f"{f.value * 100:.1f}%"
    if f.key == "money_saved":
        return t("report.yuan", n=f"{f.value:,.2f}")
    return str(f.value)


def render_month(report: MonthReport, fmt: str) -> str:
    return _in_format(report, fmt, month_csv, month_markdown)


def month_csv(report: MonthReport) -> str:
    """One row per figure, then one per table cell: section, key (as in the JSON), label,
    value."""
    rows = [
        ["report", "month", t("report.month.month"), report.month],
        ["report", "branch", t("report.branch"), report.branch],
        *_csv_rows(month_figures(report)),
    ]
    for section in report.sections:
        for table in section.tables:
            names, cols = month_names(table.rows), month_names(table.cols)
            for r in table.row_ids:
                for c in table.col_ids:
                    label = f"{names.get(r, r)} × {cols.get(c, c)}"
                    key = f"{table.key}.{r}.{c}"
                    rows.append([section.key, key, label, table.cells.get((r, c), 0)])
    return _csv(rows)


def month_markdown(report: MonthReport) -> str:
    lines = [f"# {t('report.month.title', branch=report.branch, month=report.month)}", ""]
    if report.partial:
        lines += [t("report.as_of_month", time=report.as_of.strftime("%Y-%m-%d %H:%M")), ""]
    by_section = _by_section(month_figures(report))
    for section in report.sections:
        in_section = by_section.get(section.key, [])
        title = t(f"report.month.section.{section.key}")
        lines += _figure_table(title, [(f.label, month_shown(f)) for f in in_section])
        for table in section.tables:
            lines += ["", *month_table_lines(section.key, table), ""]
        if lines[-1]:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def month_table_lines(section: str, table: MonthTable) -> list[str]:
    """A table as Markdown: its title, a row per row id, a column per column id, totals."""
    rows, cols = month_names(table.rows), month_names(table.cols)
    head = [t(f"report.month.{section}.{table.key}")]
    lines = [f"### {head[0]}", ""]
    names = [cols.get(c, c) for c in table.col_ids]
    lines.append("| " + " | ".join(["", *names, t("report.month.total")]) + " |")
    lines.append("| --- |" + " ---: |" * (len(names) + 1))
    for r in table.row_ids:
        counts = [table.cells.get((r, c), 0) for c in table.col_ids]
        cells = [rows.get(r, r), *map(str, counts), str(sum(counts))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
