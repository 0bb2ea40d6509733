"""One URL codec for the staff and the public filters: each link parameter declared once, as a Param.

Reading never raises: a value that cannot be used falls back to its default and leaves a Notice a person
can act on. Writing leaves out every value equal to its default, so the default view has an empty link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rightsmap.domain.vocab import N_

F = TypeVar("F")
NOT_A_CODE = N_("Ignored {key}={value} in the link: not a known code. Showing all.")
NOT_A_CODE_SHOWING = N_("Ignored {key}={value} in the link: not a known code. Showing {default}.")
OUTSIDE = N_("Ignored {key}={value} in the link: the data covers {first} to {last}.")
BACKWARDS = N_("Ignored the period in the link: it starts after it ends. Showing the whole period.")


@dataclass(frozen=True)
class Notice:
    """A message for the person who opened a link, in English with {placeholders}; translate at display."""

    message: str
    values: tuple[tuple[str, str], ...] = ()
    translated: tuple[str, ...] = ()  # names of values that are messages too (a default's label)

    def text(self, translate: Callable[[str], str] = str) -> str:
        values = {k: translate(v) if k in self.translated else v for k, v in self.values}
        return translate(self.message).format(**values)

    def __str__(self) -> str:
        return self.text()


class Ignored(Exception):
    """A link value that falls back to its default: the notice's message and its values besides the key."""

    def __init__(self, message: str, *values: tuple[str, str], translated: tuple[str, ...] = ()):
        super().__init__(message)
        self.message, self.values, self.translated = message, values, translated


@dataclass(frozen=True)
class Param:
    """One link parameter: its key, the filters' field it sets, and how its text is read and written."""

    key: str
    attr: str
    read: Callable[[str], Any]  # raises Ignored
    write: Callable[[Any], str]


def code_list(key: str, attr: str, known: Sequence[str]) -> Param:
    """Codes separated by commas (regions=KG-B,KG-GB); every one must be known."""

    def read(raw: str) -> tuple[str, ...]:
        codes = tuple(c.strip() for c in raw.split(",") if c.strip())
        unknown = [c for c in codes if c not in known]
        if not codes or unknown:
            raise Ignored(NOT_A_CODE, ("value", ", ".join(unknown)[:80] if unknown else "—"))
        return codes

    return Param(key, attr, read, ",".join)


def one_code(key: str, attr: str, known: Callable[[], Sequence[str]], *, limit: int = 20,
             showing: Callable[[], str] | None = None) -> Param:
    """One code (region=KG-O); showing: the default's label for the notice (else it says "all")."""

    def read(raw: str) -> str:
        if raw in known():
            return raw
        if showing is None:
            raise Ignored(NOT_A_CODE, ("value", raw[:limit]))
        raise Ignored(NOT_A_CODE_SHOWING, ("value", raw[:limit]), ("default", showing()), translated=("default",))

    return Param(key, attr, read, str)


def period_end(key: str, attr: str, parse: Callable[[str], dt.date], text: Callable[[dt.date], str],
               malformed: str, offered: Callable[[], Sequence[dt.date]]) -> Param:
    """A month or quarter (from=2017-05, q_from=2017-Q2) that the filters offer now."""

    def read(raw: str) -> dt.date:
        try:
            value = parse(raw)
        except ValueError:
            raise Ignored(malformed, ("value", raw[:20])) from None
        choices = offered()
        if value not in choices:
            raise Ignored(OUTSIDE, ("value", text(value)), ("first", text(choices[0])), ("last", text(choices[-1])))
        return value

    return Param(key, attr, read, text)


def decode(params: Mapping[str, Any], spec: Sequence[Param], make: Callable[..., F],
           period: tuple[str, str]) -> tuple[F, list[Notice]]:
    """Filters made from the link's parameters, and a notice for every value that fell back to its default;
    a period that starts after it ends falls back whole (period: the names of its two fields)."""
    values: dict[str, Any] = {}
    notices: list[Notice] = []
    for param in spec:
        raw = params.get(param.key)
        if raw is None:
            continue
        try:
            values[param.attr] = param.read(str(raw))
        except Ignored as why:
            notices.append(Notice(why.message, (("key", param.key), *why.values), why.translated))
    try:
        return make(**values), notices
    except ValueError:
        for attr in period:
            values.pop(attr, None)
        notices.append(Notice(BACKWARDS))
        return make(**values), notices


def encode(filters: object, default: object, spec: Sequence[Param]) -> dict[str, str]:
    """The link's parameters for filters: every value that differs from default's."""
    return {p.key: p.write(getattr(filters, p.attr)) for p in spec
            if getattr(filters, p.attr) != getattr(default, p.attr)}
