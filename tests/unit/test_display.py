"""The hall's calling display (R2.10): what the hall reads and hears of each call made at a
window, the board the page polls, the WAV it plays, and that nothing personal reaches it."""

from __future__ import annotations

import io
import os
import wave
from datetime import date
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from lobby_tui.domain.announce import read_out
from lobby_tui.domain.settings import Settings, SettingsError
from lobby_tui.serve import voice as voices
from lobby_tui.serve.display import HallDisplay, call_words, make_app
from lobby_tui.services import counter
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.hall import call_by_key, hall_calls
from lobby_tui.services.settings import load_settings, save_setting
from lobby_tui.store import FixedClock, Store

DAY = date(2026, 11, 28)  # the `clock` fixture's business day
ZH_DIGITS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]


def walk_in(store: Store, channel: str = "cash", prefix: str = "A") -> str:
    arrival = NewArrival(None, DAY.isoformat(), "deposit", channel, prefix)
    return record_arrival(store, arrival)[1]


def espeak() -> voices.Espeak:
    """The real engine: CI installs espeak-ng (.ci/run) and must not skip these."""
    found = voices.find_voice()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("espeak-ng must be installed in CI (.ci/run installs it)")
        pytest.skip("no espeak-ng (apt-get install espeak-ng)")
    return found


def seconds(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        return float(reader.getnframes() / reader.getframerate())


# The words --------------------------------------------------------------------------------


def test_a_ticket_is_read_digit_by_digit() -> None:  # covers: R2.10
    assert read_out("A023", ZH_DIGITS) == "A 零 二 三"
    english = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    assert read_out("B110", english, ", ") == "B, one, one, zero"
    assert read_out(" V 007 ", ZH_DIGITS) == "V 零 零 七"
    with pytest.raises(ValueError):
        read_out("A1", ["zero"])


def test_a_call_is_shown_and_said_in_each_language(store: Store) -> None:  # covers: R2.10
    ticket = walk_in(store)
    counter.call_next(store, DAY, 3)
    (call,) = hall_calls(store, DAY)
    assert (call.ticket, call.window, call.recalls, call.current) == (ticket, 3, 0, True)
    zh, en = call_words(call, "zh"), call_words(call, "en")
    assert zh["shown"] == f"{ticket} 请到 3号窗口" and en["shown"] == f"{ticket}, window 3"
    assert zh["said"] == "请 A、零、零、一 号，到 3 号窗口办理。"
    assert en["said"] == "Number A, zero, zero, one, please go to window 3."


# The calls, newest first --------------------------------------------------------------------


def test_a_recall_puts_the_call_on_top_again_with_a_new_key(
    store: Store, clock: FixedClock
) -> None:  # covers: R2.10
    first = walk_in(store)
    second = walk_in(store, "non_cash", "B")
    counter.call_next(store, DAY, 1)
    clock.advance(minutes=1)
    counter.call_next(store, DAY, 4)
    assert [c.ticket for c in hall_calls(store, DAY)] == [second, first]
    before = hall_calls(store, DAY)[1].key
    clock.advance(minutes=1)
    counter.recall(store, DAY, 1)
    calls = hall_calls(store, DAY)
    assert [(c.ticket, c.recalls) for c in calls] == [(first, 1), (second, 0)]
    assert calls[0].key != before  # the page hears it again
    counter.done(store, DAY, 1)
    assert hall_calls(store, DAY)[0].current is False  # served: still among the last calls


def test_only_a_call_made_today_has_words(store: Store, clock: FixedClock) -> None:
    # covers: R2.10
    walk_in(store)
    counter.call_next(store, DAY, 1)
    key = hall_calls(store, DAY)[0].key
    assert call_by_key(store, DAY, key) is not None
    assert call_by_key(store, date(2026, 11, 29), key) is None  # another day
    arrival_id, called, _ = key.split(".")
    for bad in ("", "x", f"{arrival_id}.{called}", f"{arrival_id}.{called}.5",
                f"{arrival_id}.1.0", "'; DROP TABLE arrivals; --.1.0"):  # fmt: skip
        assert call_by_key(store, DAY, bad) is None, bad


def test_a_transfer_and_a_new_call_is_a_new_call(store: Store, clock: FixedClock) -> None:
    # covers: R2.10
    walk_in(store)
    counter.call_next(store, DAY, 1)
    first_key = hall_calls(store, DAY)[0].key
    counter.transfer(store, DAY, 1, "needs a card", to_window=2)
    assert hall_calls(store, DAY) == []  # back in the queue: not a call any more
    clock.advance(minutes=2)
    counter.call_next(store, DAY, 2)
    (call,) = hall_calls(store, DAY)
    assert call.window == 2 and call.key != first_key
    assert call_by_key(store, DAY, first_key) is None  # the old call is not said again


# The settings -----------------------------------------------------------------------------


def test_the_voices_and_the_volume_are_settings(store: Store) -> None:  # covers: R2.10
    settings = load_settings(store)
    assert (settings.display_voices, settings.display_volume) == (("zh", "en"), 80)
    save_setting(store, "display_voices", ["en"])
    save_setting(store, "display_volume", 35)
    settings = load_settings(store)
    assert (settings.display_voices, settings.display_volume) == (("en",), 35)
    for key, bad in (("display_voices", ["fr"]), ("display_voices", "zh"),
                     ("display_volume", 101), ("display_volume", True)):  # fmt: skip
        save_setting(store, key, bad)
        with pytest.raises(SettingsError) as refused:
            load_settings(store)
        assert refused.value.key == key
        save_setting(store, key, ["zh"] if key == "display_voices" else 50)


# The sound ---------------------------------------------------------------------------------


def test_the_chime_alone_without_a_voice() -> None:  # covers: R2.10
    made = voices.announcement(None, [("zh", "请 A 零 零 一 号")])
    assert 0.8 < seconds(made) < 1.0  # the two notes, nothing spoken


def test_espeak_speaks_both_languages_after_the_chime() -> None:  # covers: R2.10
    engine = espeak()
    assert voices.missing_voices(engine, ("zh", "en")) == []
    chime_only = seconds(voices.announcement(None, []))
    zh = seconds(voices.announcement(engine, [("zh", "请 A 零 二 三 号，到 3 号窗口办理。")]))
    both = seconds(
        voices.announcement(
            engine,
            [("zh", "请 A 零 二 三 号，到 3 号窗口办理。"),
             ("en", "Number A, zero, two, three, please go to window 3.")],
        )
    )  # fmt: skip
    # A hall caller's pace: each language a few seconds, not a blip and not a minute.
    assert 2 < zh - chime_only < 10
    assert 2 < both - zh < 10


# The page's server -------------------------------------------------------------------------


class Silent:
    """A voice that records what it was asked to say (a stand-in speaker)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def speak(self, text: str, language: str) -> bytes | None:
        self.asked.append((language, text))
        return voices.silence(0.5)


async def fetch(client: TestClient[Any, Any], path: str) -> Any:
    answer = await client.get(path)
    assert answer.status == 200, path
    return await (answer.json() if path.endswith(".json") else answer.read())


async def test_the_board_shows_the_calls_and_nothing_personal(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R2.10
    said = Silent()
    display = HallDisplay(store, settings, "zh", said)
    async with TestClient(TestServer(make_app(display))) as client:
        board = await fetch(client, "/board.json")
        assert board["current"] is None and board["recent"] == []
        record_arrival(
            store,
            NewArrival(None, DAY.isoformat(), "deposit", "cash", "A",
                       note="Mr Zhang Wei, 13800138000, about his late wife's account"),
        )  # fmt: skip
        counter.call_next(store, DAY, 2)
        board = await fetch(client, "/board.json")
        current = board["current"]
        assert current["lines"] == ["A001 请到 2号窗口", "A001, window 2"]
        assert board["branch"] == settings.branch("zh") and board["time"] == "10:30"
        waiting = {w["channel"]: w["count"] for w in board["waiting"]}
        assert set(waiting.values()) == {0}
        text = str(board)
        assert "Zhang" not in text and "13800" not in text and "deposit" not in text
        sound = await fetch(client, f"/call/{current['key']}.wav")
        assert seconds(sound) > 1.5  # the chime and two phrases of half a second
        assert [lang for lang, _ in said.asked] == ["zh", "en"]
        assert said.asked[0][1] == "请 A、零、零、一 号，到 3 号窗口办理。".replace("3", "2")
        again = await fetch(client, f"/call/{current['key']}.wav")
        assert again == sound and len(said.asked) == 2  # made once, for every screen
        missing = await client.get("/call/nobody.1.0.wav")
        assert missing.status == 404
        page = await (await client.get("/")).text()
        assert "请点击一次以开启声音" in page and "http" not in page


async def test_the_board_is_read_again_only_after_a_commit(
    store: Store, settings: Settings
) -> None:  # covers: R2.10
    display = HallDisplay(store, settings, "en", None)
    first = display.read()
    assert display.read() is first  # nothing committed, same minute: not read again
    walk_in(store)
    second = display.read()
    assert second is not first
    assert sorted(w["count"] for w in second["waiting"])[-1] == 1  # the walk-in, counted
