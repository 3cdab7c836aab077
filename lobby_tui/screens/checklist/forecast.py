"""The day plan's forecast table (R1.6): per hour, the arrivals expected, and per channel the
windows needed beside the windows on duty, red where short — with why the day is busy."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lobby_tui.content import Channel
from lobby_tui.domain.forecast import Factor
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
    short: list[str] = []
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
                short.append(
                    t(
                        "plan.short_item",
                        time=f"{hour:02d}:00",
                        channel=channel.label[lang],
                        needed=need.needed,
                        on_duty=need.on_duty,
                    )
                )
        table.add_row(
            f"{hour:02d}",
            Text("█" * round(value / top * BAR), style="bold red" if peak else "blue"),
            f"{value:.1f}",
            *cells,
        )
    peaks = ", ".join(f"{h:02d}:00" for h in forecast.peaks)
    legend = " · ".join(f"{c.prefix} {c.label[lang]}" for c in channels)
    return Group(
        Text(why, style="bold"),
        table,
        Text(t("plan.peaks", hours=peaks, days=forecast.days), style="bold"),
        Text(t("plan.needed_legend", channels=legend), style="dim"),
        Text(t("plan.service_basis", share=round(target * 100), minutes=red_min), style="dim"),
        Text(t("plan.short", hours="; ".join(short)), style="bold red")
        if short
        else Text(t("plan.enough")),
    )
