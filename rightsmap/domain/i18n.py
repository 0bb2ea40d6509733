"""Russian, Kyrgyz and English: message catalogs, and numbers and dates formatted for each locale.

English is the source language: messages are written in English in the code,
wrapped in `_()` (or `N_()` where only marked for extraction), and translated
through the gettext catalogs in rightsmap/locales/<lang>/LC_MESSAGES/messages.po.
The Kyrgyz catalog is one file, so a Kyrgyz-speaking reviewer can read it whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern

from rightsmap.domain import config
from rightsmap.domain.vocab import N_, PERPETRATORS, REGION_BY_CODE, VIOLATION_TYPES

LANGUAGES: dict[str, str] = {"ru": "Русский", "ky": "Кыргызча", "en": "English"}
DEFAULT_LANGUAGE = "ru"
LOCALES_DIR = config.PACKAGE_DIR / "locales"
DOMAIN = "messages"


__all__ = ["N_", "LANGUAGES", "DEFAULT_LANGUAGE", "Translator", "translator", "language_from_locale"]


def catalog_path(lang: str) -> str:
    return str(LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    with open(catalog_path(lang), "rb") as handle:
        catalog = read_po(handle, locale=lang)
    # Fuzzy entries are guesses awaiting review: never show them.
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy}


@functools.cache
def _templates(lang: str) -> list[tuple[re.Pattern[str], str]]:
    """Each translated message with {placeholders}, as a pattern that matches it filled in."""
    found = []
    for template in _catalog(lang):
        if "{" not in template:
            continue
        parts = re.split(r"\{(\w+)\}", template)
        names = parts[1::2]
        if len(set(names)) != len(names):
            continue  # a placeholder used twice cannot be matched back
        regex = "".join(f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts))
        found.append((re.compile(regex, re.DOTALL), template))
    # Longest templates first, so the most specific one wins.
    return sorted(found, key=lambda item: -len(item[1]))


def language_from_locale(locale: str | None) -> str:
    """The app language for a browser locale such as 'ky-KG' or 'en-US'; Russian otherwise."""
    if not locale:
        return DEFAULT_LANGUAGE
    primary = locale.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The command line's language: $RIGHTSMAP_LANG, else the terminal's locale, else English.

    A terminal with no language set (C or POSIX, as on many servers) gets
    English rather than Russian: its output often goes to logs and scripts.
    """
    if environ is None:
        environ = os.environ
    chosen = environ.get("RIGHTSMAP_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            primary = value.replace("_", "-").split("-")[0].split(".")[0].lower()
            return primary if primary in LANGUAGES else "en"
    return "en"


@dataclass(frozen=True)
class Translator:
    """Translate messages and format numbers and dates for one language."""

    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}; known: {', '.join(LANGUAGES)}")

    def __call__(self, message: str, **values: object) -> str:
        text = _catalog(self.lang).get(message, message)
        return text.format(**values) if values else text

    def text(self, message: str) -> str:
        """Translate a message that was already filled in, such as 'before 2000-01-01'.

        Code that runs without a language (the importer's checks, errors raised
        deep down) fills in English templates marked with N_(); this finds the
        template the text was made from and fills in its translation instead.
        Text that matches no template is returned unchanged.
        """
        catalog = _catalog(self.lang)
        if message in catalog or not catalog:
            return catalog.get(message, message)
        for pattern, template in _templates(self.lang):
            match = pattern.fullmatch(message)
            if match:
                # A filled-in value may itself be a message, as in "--from: {problem}".
                values = {k: self.text(v) if v != message else v for k, v in match.groupdict().items()}
                return catalog[template].format(**values)
        return message

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def number(self, value: float | None, *, decimals: int = 0) -> str:
        """1 234,5 in Russian and Kyrgyz, 1,234.5 in English; a dash for no value."""
        if value is None:
            return "—"
        # What format_decimal does, without parsing the locale and the pattern again on every call.
        return _number_pattern(decimals).apply(value, _locale(self.lang))

    def percent(self, value: float | None) -> str:
        """A percentage of plan with one decimal, such as 39,0 % or 39.0%."""
        if value is None:
            return "—"
        return self("{value}%", value=self.number(value, decimals=1))

    def month(self, month: dt.date) -> str:
        """A month and year in the language, such as 'май 2017'."""
        return format_date(month, "LLLL y", locale=self.lang)

    def quarter(self, quarter: dt.date) -> str:
        """A quarter in the language, such as '2017 Q2' or '2 кв. 2017'."""
        return self(N_("{year} Q{number}"), year=quarter.year, number=(quarter.month - 1) // 3 + 1)

    def region(self, code: str) -> str:
        region = REGION_BY_CODE[code]
        return {"en": region.name_en, "ru": region.name_ru, "ky": region.name_ky}[self.lang]

    def violation_type(self, code: str) -> str:
        return self(VIOLATION_TYPES[code])

    def perpetrator(self, code: str) -> str:
        return self(PERPETRATORS[code])


@functools.cache
def _number_pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@functools.cache
def translator(lang: str) -> Translator:
    return Translator(lang)


def say(message: str) -> str:
    """A finished English message in the terminal's language, for the command line."""
    return translator(terminal_language()).text(message)
