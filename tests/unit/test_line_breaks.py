"""Chinese breaks between characters, never before a closing mark nor after an opening one;
English breaks exactly where it did (lobby_tui/line_breaks.py)."""

from __future__ import annotations

import re

import rich._wrap
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.content import Content

from lobby_tui import line_breaks

line_breaks.apply()

HAN = "大堂经理巡视投诉分流等候客户"
SENTENCE = st.lists(
    st.one_of(
        st.sampled_from(HAN),
        # Marks as Chinese uses them: a closing one after a character, an opening one before.
        st.tuples(st.sampled_from(HAN), st.sampled_from(line_breaks.CLOSING)).map("".join),
        st.tuples(st.sampled_from(line_breaks.OPENING), st.sampled_from(HAN)).map("".join),
        st.text(alphabet="abcXYZ019%-", min_size=1, max_size=5).map(lambda w: f" {w} "),
    ),
    min_size=1,
    max_size=60,
).map(lambda parts: tidy("".join(parts)))


def tidy(text: str) -> str:
    """As Chinese is written: no space inside a pair of marks and the text they hold."""
    text = re.sub(rf"([{line_breaks.OPENING}])\s+", r"\1", text)
    text = re.sub(rf"\s+([{line_breaks.CLOSING}])", r"\1", text).strip()
    # At most two marks in a row (言）。), so a word and its marks fit in a line.
    text = re.sub(rf"([{line_breaks.CLOSING}]{{2}})[{line_breaks.CLOSING}]+", r"\1", text)
    return re.sub(rf"([{line_breaks.OPENING}]{{2}})[{line_breaks.OPENING}]+", r"\1", text)


def wrapped(text: str, width: int) -> list[str]:
    return [line.plain for line in Text(text).wrap(Console(width=200), width)]


def test_a_sentence_breaks_between_characters_and_not_before_its_comma() -> None:
    said = "等候时间告知准确率 91% · 长于告知 5%，30 秒内完成分流 71%（中位数 22 秒）"
    assert wrapped(said, 20) == [
        "等候时间告知准确率 ",
        "91% · 长于告知 5%，",
        "30 秒内完成分流 71%",
        "（中位数 22 秒）",
    ]
    # 12 columns: "…告知 5%" would leave "，" to start the next line; "5%" goes along.
    lines = wrapped("长于告知 5%，三十秒内", 12)
    assert lines == ["长于告知 ", "5%，三十秒内"]
    assert [str(line) for line in Content("请记下，日后可据此证明").wrap(8)] == [
        "请记下，",
        "日后可据",
        "此证明",
    ]


@given(SENTENCE, st.integers(16, 40))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(
    text: str, width: int
) -> None:
    lines = wrapped(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for before, after in zip(lines, lines[1:], strict=False):
        assert cell_len(before.rstrip()) <= width
        # A run of marks longer than a line cannot keep the rule; anything else must.
        if after.lstrip()[:1] in line_breaks.CLOSING and before.strip():
            assert re.fullmatch(rf"[{line_breaks.CLOSING}{line_breaks.OPENING}\s]+", before)
        if before.rstrip()[-1:] in line_breaks.OPENING:
            assert re.fullmatch(rf"[{line_breaks.CLOSING}{line_breaks.OPENING}\s]+", before)


@given(st.text(alphabet="abc XYZ,.()'-019\n", max_size=80))
def test_english_is_split_into_the_same_words_as_before(text: str) -> None:
    # The Chinese-aware patterns themselves (not their all-ASCII shortcut) split English
    # as Rich's and Textual's own did: the shortcut changes nothing but the cost.
    for words, before in (
        (line_breaks.RICH_WORD, re.compile(r"\s*\S+\s*")),
        (line_breaks.TEXTUAL_CHUNK, re.compile(r"\S+\s*|\s+")),
    ):
        assert [m.group() for m in words.compiled().finditer(text)] == [
            m.group() for m in before.finditer(text)
        ]
        assert [m.group() for m in words.finditer(text)] == [
            m.group() for m in before.finditer(text)
        ]
    assert rich._wrap.re_word is line_breaks.RICH_WORD  # type: ignore[comparison-overlap]


@given(st.text(alphabet="ab —é·\u00a0\t\n大堂，（）“”…", max_size=40))
def test_the_plain_shortcut_never_changes_a_word(text: str) -> None:
    # Text the library's own pattern splits (no wide character, mark or no-break space)
    # goes that way; any other through the Chinese-aware one: the words are the same.
    for words in (line_breaks.RICH_WORD, line_breaks.TEXTUAL_CHUNK):
        assert [m.group() for m in words.finditer(text)] == [
            m.group() for m in words.compiled().finditer(text)
        ]
        at, via_match = 0, []
        while (found := words.match(text, at)) is not None and found.end() > at:
            via_match.append(found.group())
            at = found.end()
        assert via_match == [m.group() for m in words.compiled().finditer(text)][: len(via_match)]
