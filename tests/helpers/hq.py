"""Head office's test estate: generated branches' tablets and their day bundles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Tablet:
    branch_id: str
    db: Path
    bundles: list[Path]


@dataclass(frozen=True)
class Estate:
    first: date  # the first and last day bundled
    last: date
    tablets: list[Tablet]  # A01, B02, and C03 on two tablets

    @property
    def bundles(self) -> list[Path]:
        return [b for tablet in self.tablets for b in tablet.bundles]

    def of(self, branch_id: str) -> list[Tablet]:
        return [t for t in self.tablets if t.branch_id == branch_id]
