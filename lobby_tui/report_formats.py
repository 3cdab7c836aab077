"""The report as Markdown, CSV or JSON, its labels in the user's language. One list of
figures, flattened from the JSON head office reads, feeds all three: the formats cannot
disagree. Shown by `lobby report`; the handover screen can use the same labels."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lobby_tui.i18n import language, t
from lobby_tui.services.report import DayReport

SECTIONS = ("arrivals", "checklist", "rounds", "complaints", "incidents", "protection")
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


def render(report: DayReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(report)
    return to_markdown(report)


def to_csv(report: DayReport) -> str:
    """One row per figure: section, key (as in the JSON), label, value (empty: nothing to
    measure). The first two rows say which day and branch."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "value"])
    writer.writerow(["report", "date", t("report.date"), report.date])
    writer.writerow(["report", "branch", t("report.branch"), report.branch])
    for f in figures(report):
        writer.writerow([f.section, f.key, f.label, "" if f.value is None else f.value])
    if report.chain_head is not None:
        writer.writerow(["report", "chain_head", t("report.chain_head_label"), anchor(report)])
    return out.getvalue()


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
    service_level_row = 0
    if report.partial:
        lines += [t("report.as_of", time=report.as_of.strftime("%Y-%m-%d %H:%M")), ""]
    section = None
    for f in figures(report):
        if f.section != section:
            section = f.section
            if lines[-1]:
                lines.append("")
            lines += [
                f"## {t(f'report.section.{section}')}",
                "",
                f"| {t('report.col_figure')} | {t('report.col_value')} |",
                "| --- | ---: |",
            ]
        lines.append(f"| {f.label} | {shown(f)} |")
        if f.section == "arrivals" and f.key == "service_level":
            service_level_row = len(lines)
    if service_level_row:  # what the figure counts, said once, under its section's table
        end = next((i for i in range(service_level_row, len(lines)) if not lines[i]), len(lines))
        lines[end:end] = ["", service_level_means(report)]
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
    if f.key == "satisfaction_avg":
        return t("report.score", n=f"{f.value:.2f}")
    if f.key == "money_saved":
        return t("report.yuan", n=f"{f.value:,.2f}")
    return str(f.value)
