"""Where a Chinese line may break: between any two characters of a long run, but never inside
a short one (up to six, with the letters and digits written against it: "开始巡视", "U犹豫",
"窗口2" stay whole, issue 31.13), never before a
closing mark (，。、）」…) nor after an opening one (（「“…).

Rich and Textual break lines at spaces only. Chinese has none, so a sentence that did not fit
the rest of a line jumped whole to the next (leaving the line half empty), and one longer than
the line was cut wherever the width ran out — a line could start with `，` or `）`. Both take
a line's words from one pattern (`rich._wrap.re_word`; `textual._wrap.re_chunk` for text
areas); here each Chinese character is a word of its own, with the closing marks after it
and the opening marks before it. Text without Chinese is split into the same words as before.

Applied once at app start (`apply()` from `make_app`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Characters two columns wide: CJK ideographs, kana, hangul, full-width forms and marks.
WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
# A line never starts with these (they close what came before) …
CLOSING = "，。、；：！？）》」』】〕〉”’…％·"
# … nor ends with these (they open what follows).
OPENING = "（《「『【〔〈“‘"

# Chinese ideographs (not the marks): a short run of them is most often one or two words.
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SHORT_RUN = 6  # ideographs a line keeps together ("开始巡视", "窗口2"); longer runs break anywhere
_RUN = rf"(?<![{IDEOGRAPHS}])[{IDEOGRAPHS}]{{1,{SHORT_RUN}}}(?![{IDEOGRAPHS}])"
_ASCII = rf"[^\s{WIDE}{OPENING}{CLOSING}]"
_UNIT = (
    rf"[{OPENING}]*(?:[{WIDE}]+(?=\u00a0)|{_ASCII}*{_RUN}{_ASCII}*|[{WIDE}]|{_ASCII}+)[{CLOSING}]*"
)
# A no-break space (U+00A0) holds its neighbours on one line ("张伟 4321", a name and its
# PIN): it is in the word, and so are the Chinese characters right before it.
_WORD = rf"{_UNIT}(?:\u00a0+{_UNIT})*|\S"
_SPACE = r"[^\S\u00a0]"  # a space a line may break at


class Words:
    """A word pattern as Rich and Textual use one (`.match(text, pos)`). Text with no wide
    character, no Chinese mark and no no-break space is split by the library's own pattern,
    which gives it the same words; the Chinese-aware pattern is compiled the first time
    other text is wrapped. Its classes span tens of thousands of characters: compiling
    both costs ~40 ms, which an English first paint need not pay (issue 33)."""

    def __init__(self, plain_pattern: str, pattern: str) -> None:
        self.plain = re.compile(plain_pattern)
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None
        self._last: tuple[str, re.Pattern[str]] | None = None  # Rich asks word by word

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def _for(self, text: str) -> re.Pattern[str]:
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        pattern = self.plain if text.isascii() or not _special().search(text) else self.compiled()
        self._last = (text, pattern)
        return pattern

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._for(text).match(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._for(text).finditer(text)


_SPECIAL: list[re.Pattern[str]] = []


def _special() -> re.Pattern[str]:
    """What only the Chinese-aware pattern splits its own way (one class: ~3 ms to compile,
    when the first text that is not plain ASCII is wrapped, e.g. an em dash)."""
    if not _SPECIAL:
        _SPECIAL.append(re.compile(rf"[{WIDE}{OPENING}{CLOSING}\u00a0]"))
    return _SPECIAL[0]


RICH_WORD = Words(r"\s*\S+\s*", rf"{_SPACE}*(?:{_WORD}){_SPACE}*")
"""Rich's word: leading spaces, the word, trailing spaces (the one fallback `\\S` keeps any
character it has no rule for a word of its own, so no text is ever dropped)."""
TEXTUAL_CHUNK = Words(r"\S+\s*|\s+", rf"(?:{_WORD}){_SPACE}*|\s+")


def apply() -> None:
    """Break lines the Chinese way, in every widget (idempotent)."""
    import rich._wrap
    import textual._wrap

    rich._wrap.re_word = RICH_WORD  # type: ignore[assignment]
    textual._wrap.re_chunk = TEXTUAL_CHUNK  # type: ignore[assignment]
