"""Finding and reading the editable reference content in data/.

From a checkout the folder is `data/` beside the package; in an installed wheel it travels
inside the package as `_data/` (see pyproject.toml). Only tomllib here: this runs at start-up,
and heavier validation (pydantic) belongs to the screens that need it, loaded when first shown.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


class ContentError(Exception):
    """A content file that cannot be used: `key` is the catalog entry, params name the place."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


@cache
def data_dir() -> Path:
    override = os.environ.get("LOBBY_DATA")
    candidates = [Path(override)] if override else []
    candidates += [_PACKAGE / "_data", _PACKAGE.parent / "data"]
    for candidate in candidates:
        if (candidate / "settings.toml").is_file():
            return candidate
    raise ContentError("content.missing_dir", places=", ".join(str(c) for c in candidates))


def load_toml(name: str) -> dict[str, Any]:
    path = data_dir() / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ContentError("content.missing_file", file=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)", which names the place.
        raise ContentError("content.bad_file", file=str(path), problem=str(exc)) from exc


@dataclass(frozen=True)
class Channel:
    key: str
    prefix: str
    counters: int
    label: dict[str, str]


@cache
def channels() -> tuple[Channel, ...]:
    raw = load_toml("channels.toml")
    path = str(data_dir() / "channels.toml")
    out: list[Channel] = []
    for i, entry in enumerate(raw.get("channel", []), start=1):
        try:
            label = entry["label"]
            channel = Channel(
                key=str(entry["key"]),
                prefix=str(entry["prefix"]),
                counters=int(entry["counters"]),
                label={"zh": str(label["zh"]), "en": str(label["en"])},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ContentError(
                "content.bad_entry", file=path, entry=f"channel #{i}", problem=repr(exc)
            ) from exc
        out.append(channel)
    if not out:
        raise ContentError("content.bad_entry", file=path, entry="channel", problem="empty")
    return tuple(out)
