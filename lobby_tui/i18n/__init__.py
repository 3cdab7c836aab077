"""One translation function for every visible string: `t("key", name=...)`.

Catalogs are plain dicts in `en.py` and `zh_CN.py` (fast to import, nothing to parse).
The language comes from `--lang`, then the settings, then the system locale.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from lobby_tui.i18n import en, zh_CN

LANGUAGES = ("zh", "en")
CATALOGS: Mapping[str, Mapping[str, str]] = {"zh": zh_CN.CATALOG, "en": en.CATALOG}

_current = "en"


def set_language(lang: str) -> None:
    global _current
    if lang not in CATALOGS:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def language() -> str:
    return _current


def t(key: str, /, **params: object) -> str:
    """The text for `key` in the current language, with {placeholders} filled in.

    A missing key shows as the key itself (a test makes sure none is missing)."""
    return t_in(_current, key, **params)


def t_in(lang: str, key: str, /, **params: object) -> str:
    """`t` in a given language, whatever the current one: for what speaks to customers in
    both languages at once (the hall's calling display, the printed ticket)."""
    text = CATALOGS.get(lang, CATALOGS["en"]).get(key) or CATALOGS["en"].get(key) or key
    return text.format(**params) if params else text


def system_language(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve_language(
    cli: str | None, saved: str | None, environ: Mapping[str, str] | None = None
) -> str:
    for choice in (cli, saved):
        if choice is not None and choice in CATALOGS:
            return choice
    return system_language(environ)
