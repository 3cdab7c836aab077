"""The hall's voice (R2.10): a chime, then the call spoken, as one WAV the display page plays.

Speech is made here, offline, by espeak-ng (Debian's package) — the one speech engine behind
`Voice`; without it the chime alone is played and `lobby serve --display` says so at start.
Nothing is fetched: the chime is synthesised, the words come from the catalogs."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import tempfile
import wave
from array import array
from pathlib import Path
from typing import Protocol

RATE = 22050  # espeak-ng's own rate: its speech joins the chime without resampling
VOICES = {"zh": "cmn", "en": "en"}  # espeak-ng's Mandarin and English
SPEED = {"zh": 150, "en": 150}  # words a minute: slower than espeak's 175, as a hall caller
GAP_S = 0.35  # silence between the chime and each language


class Voice(Protocol):
    """Turns words into 16-bit mono samples at RATE, or None when it cannot."""

    def speak(self, text: str, language: str) -> bytes | None: ...


class Espeak:
    """espeak-ng as a subprocess, one call per phrase (about 50 ms a call)."""

    def __init__(self, program: str) -> None:
        self.program = program

    def speak(self, text: str, language: str) -> bytes | None:
        voice = VOICES.get(language)
        if voice is None:
            return None
        with tempfile.TemporaryDirectory(prefix="lobby-voice-") as folder:
            out = Path(folder) / "said.wav"
            try:
                subprocess.run(
                    [self.program, "-v", voice, "-s", str(SPEED[language]), "-w", str(out), text],
                    check=True,
                    capture_output=True,
                    timeout=10,
                )
                return frames_of(out.read_bytes())
            except (OSError, subprocess.SubprocessError, wave.Error, ValueError):
                return None


def find_voice() -> Espeak | None:
    """espeak-ng on this machine, if installed."""
    found = shutil.which("espeak-ng")
    return Espeak(found) if found else None


def missing_voices(voice: Voice, languages: tuple[str, ...]) -> list[str]:
    """The languages this voice cannot speak (tried once, at the display's start)."""
    return [lang for lang in languages if not voice.speak("1", lang)]


def frames_of(wav: bytes) -> bytes:
    """The samples of a WAV made as ours are (mono, 16-bit, RATE); anything else refused."""
    with wave.open(io.BytesIO(wav)) as reader:
        if (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) != (1, 2, RATE):
            raise ValueError("not mono 16-bit at the display's rate")
        frames: bytes = reader.readframes(reader.getnframes())
        return frames


def chime() -> bytes:
    """Ding-dong: two bell-like notes falling a major third, 0.9 s in all."""
    samples = array("h")
    for pitch, length in ((659.3, 0.45), (523.3, 0.45)):  # E5, C5
        count = int(RATE * length)
        for i in range(count):
            at = i / RATE
            fade = math.exp(-4.0 * at) * min(1.0, i / 200)  # struck, then dying away
            tone = math.sin(2 * math.pi * pitch * at) + 0.3 * math.sin(4 * math.pi * pitch * at)
            samples.append(int(9000 * fade * tone))
    return samples.tobytes()


def silence(seconds: float) -> bytes:
    return bytes(2 * int(RATE * seconds))


def wav(*parts: bytes) -> bytes:
    """One WAV file of the given sample runs, one after the other."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(b"".join(parts))
    return out.getvalue()


def announcement(voice: Voice | None, phrases: list[tuple[str, str]]) -> bytes:
    """The chime, then each (language, words) spoken in turn; the chime alone without a
    voice or when every phrase fails."""
    parts = [chime()]
    for language, words in phrases:
        said = voice.speak(words, language) if voice is not None else None
        if said:
            parts += [silence(GAP_S), said]
    return wav(*parts)
