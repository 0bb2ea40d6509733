"""What each kind of file holds: its columns, the headers they go by, and how each is read."""

from __future__ import annotations

import re
from dataclasses import dataclass

# How a column's cells are read (see validate.py).
DATE, PLACE, COUNT, YESNO, TYPES, PERPETRATOR, PERIOD, TITLE, YEAR = (
    "date", "place", "count", "yesno", "types", "perpetrator", "period", "title", "year")


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...]  # English first, then Russian, then Kyrgyz; compared after header_key()
    reads: str
    required: bool = False
    maximum: int | None = None  # for counts: larger is a typo, not data


KINDS: dict[str, tuple[Column, ...]] = {
    "cases": (
        Column("date", ("date", "дата", "күнү", "датасы"), DATE, True),
        Column("place", ("place", "место", "жери", "орду"), PLACE, True),
        Column("violation_types", ("violation_types", "вид нарушения", "виды нарушений", "укук бузуунун түрү", "укук бузуунун түрлөрү"), TYPES, True),
        Column("perpetrator", ("perpetrator", "нарушитель", "укук бузуучу"), PERPETRATOR, True),
        Column("detained", ("detained", "задержание", "кармоо"), YESNO),
        Column("detention_days", ("detention_days", "дней задержания", "кармоо күндөрү"), COUNT, maximum=366),
        Column("extorted_som", ("extorted_som", "сумма вымогательства", "опузалап алынган сумма"), COUNT, maximum=100_000_000),
        Column("raid", ("raid", "рейд"), YESNO),
    ),
    "raids": (
        Column("date", ("date", "дата", "күнү", "датасы"), DATE, True),
        Column("place", ("place", "место", "жери", "орду"), PLACE, True),
        Column("people_detained", ("people_detained", "задержано", "кармалгандар"), COUNT, True, maximum=100_000),
    ),
    "coverage": (
        Column("region", ("region", "регион", "аймак"), PLACE, True),
        Column("period", ("period", "период", "мезгил"), PERIOD, True),
        Column("planned", ("planned", "план", "пландалган"), COUNT, True, maximum=10_000_000),
        Column("reached", ("reached", "охвачено", "камтылды", "камтылган"), COUNT, True, maximum=10_000_000),
        Column("hiv_tests", ("hiv_tests", "тесты", "тесттер"), COUNT, maximum=10_000_000),
        Column("condoms", ("condoms", "презервативы", "презервативдер"), COUNT, maximum=100_000_000),
        Column("consultations", ("consultations", "консультации", "кеңешмелер"), COUNT, maximum=10_000_000),
    ),
    "events": (
        Column("date", ("date", "дата", "күнү", "датасы"), DATE, True),
        Column("place", ("place", "место", "жери", "орду"), PLACE),
        Column("title_ru", ("title_ru",), TITLE),
        Column("title_en", ("title_en",), TITLE),
        Column("title_ky", ("title_ky",), TITLE),
        # Shown in the public view only when staff say so (issue 18); without the column, no.
        Column("public", ("public", "публично", "публичное", "ачык"), YESNO),
    ),
    # Population size estimates: the denominators of rates. Source and note name a publication or a
    # study, never a person; both are required, so no figure is stored without where it comes from.
    "estimates": (
        Column("region", ("region", "регион", "аймак"), PLACE, True),
        Column("year", ("year", "год", "жыл"), YEAR, True),
        Column("estimate", ("estimate", "оценка", "баалоо"), COUNT, True, maximum=1_000_000),
        Column("low", ("low", "нижняя граница", "төмөнкү чек"), COUNT, maximum=1_000_000),
        Column("high", ("high", "верхняя граница", "жогорку чек"), COUNT, maximum=1_000_000),
        Column("source", ("source", "источник", "булак"), TITLE, True),
        Column("source_note", ("source_note", "примечание к источнику", "булак боюнча эскертүү"), TITLE, True),
    ),
}

# A case's raid yes/no is checked but not stored: the raids table counts raid
# events from the raids file, and a case in a raid is not a raid event.
NOT_STORED: dict[str, tuple[str, ...]] = {"cases": ("raid",)}

_SPACES = re.compile(r"[\s_]+")


def header_key(header: str) -> str:
    """'  Вид  Нарушения ' and 'вид_нарушения' give the same key."""
    return _SPACES.sub(" ", header.strip().lower().replace("ё", "е")).strip()


def match_header(kind: str, header: str) -> Column | None:
    """The column a header names, also in the template's 'date / дата' form; None when unknown."""
    by_key = {header_key(h): column for column in KINDS[kind] for h in column.headers}
    key = header_key(header)
    if key in by_key:
        return by_key[key]
    parts = {by_key.get(header_key(p)) for p in re.split(r"[/()]", header) if p.strip()}
    return parts.pop() if len(parts) == 1 else None


def template_headers(kind: str) -> list[str]:
    """The template's headers: English and Russian together where there is a Russian name."""
    return [" / ".join(c.headers[:2]) for c in KINDS[kind]]
