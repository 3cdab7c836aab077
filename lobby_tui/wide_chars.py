"""Chinese characters that vanish under pop-ups: a patch to Textual's compositor.

Textual issue #6357 (open upstream as of Textual 8.2.8). The compositor cuts every screen
line wherever any widget starts or ends, then cuts each widget's line at those columns and
keeps, for each piece, the front-most widget's piece. A double-width character that
straddles a cut is turned into two spaces (Rich's `Segment.divide`). Where a pop-up (a
select's list, a toast, a tooltip) lies over the border of a widget below it, that border's
column cuts the pop-up's own text: `理财产品到期续作` showed as `理财产品到  续作`.

The patch cuts a widget's line only where it meets a piece another widget in front already
owns. Pieces the widget owns on both sides of a cut stay one piece: it goes in the first
piece's place and the others hold an empty strip, so no widget behind claims them. The
partial update (what the terminal is sent between full repaints) is told where each merged
piece really ends.

Applied once, at app start (`apply()` from `make_app`), only on the Textual minor version
it was written against: on any other the compositor is left as Textual ships it, and
`tests/ui/test_wide_chars.py` says whether the bug is still there to patch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import textual
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

# The Textual releases whose compositor this patch was written against and tested on.
PATCHED_VERSIONS = ("8.2.",)

# What a piece merged into the piece before it holds: nothing to draw, and a widget behind
# may not draw there either.
_MERGED = Strip([], 0)

_original: dict[str, Any] = {}


def installed_textual() -> str:
    """Textual's version, read from its dist-info folder beside the package: asking
    `textual.__version__` loads importlib.metadata, ~14 ms of the start (issue 33)."""
    from pathlib import Path

    for found in Path(textual.__file__).parent.parent.glob("textual-*.dist-info"):
        return found.name.removeprefix("textual-").removesuffix(".dist-info")
    return str(textual.__version__)  # installed some other way: ask the metadata


def needed(version: str | None = None) -> bool:
    """Whether this Textual is one the patch is for."""
    found = installed_textual() if version is None else version
    return found.startswith(PATCHED_VERSIONS)


def apply() -> bool:
    """Patch the compositor (once); False when this Textual is not one it is for."""
    if not needed():
        return False
    if not _original:
        _original["_render_chops"] = Compositor._render_chops
        _original["render_partial_update"] = Compositor.render_partial_update
        Compositor._render_chops = _render_chops  # type: ignore[method-assign]
        Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
    return True


def remove() -> None:
    """Put Textual's own compositor back (the test that shows the bug uses it)."""
    if _original:
        Compositor._render_chops = _original.pop("_render_chops")  # type: ignore[method-assign]
        Compositor.render_partial_update = _original.pop("render_partial_update")  # type: ignore[method-assign]


def applied() -> bool:
    return bool(_original)


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    """Textual's `Compositor._render_chops`, cutting a widget's line only where another
    widget in front owns the next piece."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(line[:-1]) for line in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            widget_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            # Front to back: a piece already filled belongs to a widget in front of this one.
            free = [line.get(cut) is None for cut in widget_cuts[:-1]]
            starts = [widget_cuts[0]]
            for index in range(1, len(widget_cuts) - 1):
                if not (free[index - 1] and free[index]):
                    starts.append(widget_cuts[index])
            ends = [*starts[1:], widget_cuts[-1]]
            pieces = strip.divide([end - render_x for end in ends])
            for start, end, piece in zip(starts, ends, pieces, strict=False):
                if line.get(start) is not None:
                    continue
                line[start] = piece
                for cut in widget_cuts:
                    if start < cut < end:
                        line[cut] = _MERGED
    return chops  # type: ignore[return-value]


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    """Textual's `Compositor.render_partial_update`, with each merged piece's real end (the
    update crops every piece at its end)."""
    update: ChopsUpdate | None = _original["render_partial_update"](self)
    if update is None:
        return None
    update.chop_ends = [
        _piece_ends(line, ends) for line, ends in zip(update.chops, update.chop_ends, strict=True)
    ]
    return update


def _piece_ends(line: Mapping[int, Strip | None], ends: list[int]) -> list[int]:
    """Where each piece of a line ends: a merged run's end for the piece that holds it."""
    starts, strips = list(line), list(line.values())
    real = list(ends)
    run_end: int | None = None  # walking right to left: the end of the merged run seen
    for index in reversed(range(len(starts))):
        if strips[index] is _MERGED:
            real[index] = starts[index]  # draws nothing
            if run_end is None:
                run_end = ends[index]
        elif run_end is not None:
            real[index], run_end = run_end, None
    return real
