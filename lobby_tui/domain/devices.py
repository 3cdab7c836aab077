"""Devices out of service (R1.2): a device is down from the moment it is reported faulty
until its task is resolved. No pydantic here: the dashboard and triage read it often."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DeviceFault:
    """A device out of service from `since` until its task was resolved (`until`)."""

    device_key: str
    channel: str | None
    since: datetime
    until: datetime | None


def devices_out(faults: Iterable[DeviceFault], at: datetime) -> dict[str, datetime]:
    """Which devices are out of service at `at`, and since when."""
    out: dict[str, datetime] = {}
    for fault in faults:
        if fault.since <= at and (fault.until is None or at < fault.until):
            out[fault.device_key] = min(out.get(fault.device_key, fault.since), fault.since)
    return out


def channels_out(
    devices_by_channel: Mapping[str, Iterable[str]], faults: Iterable[DeviceFault], at: datetime
) -> dict[str, datetime]:
    """A channel is out of service when every one of its devices is; since the last went down.

    One dead terminal of three still leaves a self-service area; three do not."""
    down = devices_out(faults, at)
    out: dict[str, datetime] = {}
    for channel, devices in devices_by_channel.items():
        keys = list(devices)
        if keys and all(key in down for key in keys):
            out[channel] = max(down[key] for key in keys)
    return out
