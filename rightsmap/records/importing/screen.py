"""Screening of event titles, the one imported free text that can reach the public view (issue 18).

A title says what happened ("Mass raids begin in Osh"), never who it happened to. A title that looks
like it describes a person is refused with a row-level error, for staff to reword:
- an age ("23 years", "23 лет", "23 жашта", "aged 23", "возраст 23");
- a date or year of birth ("12.03.1998", "1998 г.р.", "born 1998");
- initials ("А.Б.", "A. B.", "Иванова А.");
- a phone number (seven or more digits, with or without spaces, dashes, brackets or a leading +).
The rules err on refusing: a title refused by mistake costs a rewording, one let through can name someone.
"""

from __future__ import annotations

import re

from rightsmap.domain.vocab import N_

UPPER = "A-ZА-ЯЁӨҮҢ"
LOWER = "a-zа-яёөүң"
_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?<!\w)\+?\d[\d\s()\-‒–]{5,}\d(?!\w)"),
     N_("looks like a phone number; an event title must not identify anyone")),
    (re.compile(r"\b\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)?\d{2}\b"),
     N_("looks like a date of birth; give events by month in the date column, not in the title")),
    (re.compile(r"(?i)(?:\b(?:born|род\.?|рожд\w*|туулган)\b[^.;]{0,12}\b(?:19|20)\d{2}\b"
                r"|\b(?:19|20)\d{2}\s*(?:г\.?\s*р\.?|года рождения|туулган))"),
     N_("looks like a year of birth; an event title must not identify anyone")),
    (re.compile(r"(?i)(?:\b\d{1,3}\s*-?\s*(?:лет|год[а]?|years?|yrs?|y\.?\s*o\.?|жаш\w*)(?!\w)"
                r"|\b(?:aged?|возраст\w*|жашы)\s*:?\s*\d{1,3}\b)"),
     N_("looks like a person's age; an event title must not identify anyone")),
    (re.compile(rf"(?:(?<![{UPPER}{LOWER}])[{UPPER}]\.\s?[{UPPER}]\.(?![{UPPER}{LOWER}])"
                rf"|\b[{UPPER}][{LOWER}]+\s+[{UPPER}]\.(?:\s?[{UPPER}]\.)?(?=\s|$|[,;)])"
                rf"|(?<![{UPPER}{LOWER}])[{UPPER}]\.\s?[{UPPER}][{LOWER}]+)"),
     N_("looks like a person's initials; an event title must not identify anyone")),
)


def title_problem(title: str | None) -> str | None:
    """Why this event title may describe a person (a row-level error), or None."""
    if not title:
        return None
    for pattern, reason in _RULES:
        if pattern.search(title):
            return reason
    return None
