"""The day plan's forecast table (R1.6): per hour, the arrivals expected, and per channel the
windows needed beside the windows on duty, red where short — with why the day is busy."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lobby_tui.content import Channel
from lobby_tui.domain.forecast import Factor
from lobby_tui.domain.staffing import HourNeed
from lobby_tui.i18n import t
from lobby_tui.services.forecast import DayPlanForecast

BAR = 30  # cells of the busiest hour's bar


def effect_text(factor: Factor) -> str:
    """One calendar effect and where its factor comes from ("Pension day ×1.4 (learned …)")."""
    name = t(f"effect.{factor.effect}")
    value = f"{factor.value:.2f}".rstrip("0").rstrip(".")
    if factor.learned:
        return t("plan.effect_learned", name=name, factor=value, days=factor.observations)
    return t("plan.effect_default", name=name, factor=value)


def hour_spans(hours: list[int]) -> str:
    """09:00–11:00, 14:00: consecutive hours as one span."""
    spans: list[tuple[int, int]] = []
    for hour in sorted(hours):
        if spans and spans[-1][1] == hour - 1:
            spans[-1] = (spans[-1][0], hour)
        else:
            spans.append((hour, hour))
    return t("plan.list_and").join(
        f"{a:02d}:00" if a == b else f"{a:02d}:00–{b:02d}:00" for a, b in spans
    )


def short_text(
    short: dict[str, list[HourNeed]], channels: tuple[Channel, ...], lang: str
) -> list[str]:
    """Per channel short of windows: each run of hours with its own need and staffing
    ("Cash 10:00–11:00 needs 4, 1 on duty; 14:00 needs 3, 2 on duty"), never the most of one
    hour beside the fewest of another (issue 31.7)."""
    said: list[str] = []
    for c in channels:
        runs: list[list[HourNeed]] = []
        for need in sorted(short.get(c.key, []), key=lambda n: n.hour):
            last = runs[-1][-1] if runs else None
            same = last is not None and (last.needed, last.on_duty) == (need.needed, need.on_duty)
            if same and last is not None and last.hour == need.hour - 1:
                runs[-1].append(need)
            else:
                runs.append([need])
        said += [
            t("plan.short_item", channel=c.label[lang], time=hour_spans([n.hour for n in run]),
              needed=run[0].needed, on_duty=run[0].on_duty)
            for run in runs
        ]  # fmt: skip
    return said


def service_times(plan: DayPlanForecast, channels: tuple[Channel, ...]) -> str:
    """Each channel's mean service, the other half of why it needs its windows ("A 4.5")."""
    return " · ".join(
        f"{c.prefix} {t('dash.minutes', n=f'{plan.service_min[c.key]:.1f}')}"
        for c in channels
        if c.key in plan.service_min
    )


def forecast_view(
    plan: DayPlanForecast, channels: tuple[Channel, ...], lang: str, red_min: int, target: float
) -> RenderableType:
    forecast = plan.forecast
    if not forecast.has_history:
        return Text(t("plan.no_history"), style="dim")
    why = (
        t("plan.why", effects=" · ".join(effect_text(f) for f in forecast.effects))
        if forecast.effects
        else t("plan.ordinary")
    )
    top = max(forecast.per_hour) or 1
    table = Table.grid(padding=(0, 1))
    table.add_row("", "", "", *(Text(c.prefix, style="bold") for c in channels))
    needs = {(n.hour, n.channel): n for n in plan.needs}
    short: dict[str, list[HourNeed]] = {}
    for offset, value in enumerate(forecast.per_hour):
        hour = forecast.first_hour + offset
        peak = hour in forecast.peaks
        cells = []
        for channel in channels:
            need = needs.get((hour, channel.key))
            if need is None:
                cells.append(Text(""))
                continue
            cells.append(
                Text(f"{need.needed}/{need.on_duty}", style="bold red" if need.short else "")
            )
            if need.short:
                short.setdefault(channel.key, []).append(need)
        table.add_row(
            f"{hour:02d}",
            Text("█" * round(value / top * BAR), style="bold red" if peak else "blue"),
            f"{value:.1f}",
            *cells,
        )
    peaks = t("plan.list_and").join(f"{h:02d}:00" for h in forecast.peaks)
    legend = " · ".join(f"{c.prefix} {c.label[lang]}" for c in channels)
    short_list = t("plan.list_sep").join(short_text(short, channels, lang))
    unconfirmed = (
        [Text(t("plan.calendar_unconfirmed", year=plan.day.year), style="bold yellow")]
        if not plan.calendar_confirmed
        else []
    )
    return Group(
        Text(why, style="bold"),
        *unconfirmed,
        table,
        Text(t("plan.peaks", hours=peaks, days=forecast.days), style="bold"),
        Text(t("plan.needed_legend", channels=legend), style="dim"),
        Text(t("plan.service_basis", share=round(target * 100), minutes=red_min), style="dim"),
        Text(t("plan.service_times", times=service_times(plan, channels)), style="dim"),
        Text(t("plan.short", hours=short_list), style="bold red")
        if short
        else Text(t("plan.enough")),
    )
