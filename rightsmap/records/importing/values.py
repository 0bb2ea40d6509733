"""Turn the distinct texts of a column into codes: places, violation types, perpetrators, periods.

Each function maps one text to (value, reason): a value when the text is
understood, else None and a reason that never repeats the text.
"""

from __future__ import annotations

import datetime as dt
import re

from rightsmap.domain import plaintext
from rightsmap.domain.vocab import N_, PERPETRATORS, PERPETRATORS_RU, VIOLATION_TYPES, VIOLATION_TYPES_RU
from rightsmap.records.importing import gazetteer

PLACE_UNKNOWN = N_("place not in the gazetteer (check the spelling with `python -m rightsmap place NAME`)")


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower().replace("ё", "е")).strip(" .«»\"'")


def _labels(codes: dict[str, str], russian: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    table = {_key(code): code for code in codes}
    table |= {_key(label): code for code, label in codes.items()}
    table |= {_key(label): code for code, label in russian.items()}
    table |= {_key(label): code for label, code in extra.items()}
    return table


_TYPES = _labels(VIOLATION_TYPES, VIOLATION_TYPES_RU, {
    "незаконное задержание": "arbitrary_detention", "задержание": "arbitrary_detention", "угроза": "threats",
    "унижение достоинства": "degrading_treatment", "физическое насилие": "physical_violence",
    "избиение": "physical_violence", "изнасилование": "sexual_violence", "прочее": "other",
})
_PERPETRATORS = _labels(PERPETRATORS, PERPETRATORS_RU, {
    "милиция": "police", "сотрудник милиции": "police", "сотрудник полиции": "police", "сутенер": "pimp",
    "активист": "vigilante", "дружинники": "vigilante", "прочее": "other",
})


def violation_types(text: str) -> tuple[list[str] | None, str | None]:
    """'extortion; Угрозы' -> ['extortion', 'threats'] (sorted, each once)."""
    parts = [p for p in re.split(r"[;,]", text) if p.strip()]
    if not parts:
        return None, N_("no violation type")
    codes = [_TYPES.get(_key(p)) for p in parts]
    if None in codes:
        return None, N_("unknown violation type; use the codes or Russian labels ({codes})").format(
            codes=", ".join(VIOLATION_TYPES))
    return sorted({code for code in codes if code is not None}), None


def perpetrator(text: str) -> tuple[str | None, str | None]:
    code = _PERPETRATORS.get(_key(text))
    if code is None:
        return None, N_("unknown perpetrator; use one of {codes} or its Russian label").format(
            codes=", ".join(PERPETRATORS))
    return code, None


def place(text: str) -> tuple[str | None, str | None]:
    code = gazetteer.resolve(text)
    if code:
        return code, None
    return None, gazetteer.MOVED if gazetteer.is_moved(text) else PLACE_UNKNOWN


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"(\d{4})\s*-?\s*q\s*([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_RU_QUARTER = re.compile(r"([1-4]|iv|iii|ii|i)\s*(?:-?й)?\s*кв(?:\.|артал)?\s*(\d{4})\s*(?:г\.?|года)?")


def period(text: str) -> tuple[dt.date | None, str | None]:
    """'2017-Q2', '2017-05' or '2 кв. 2017' -> the first day of the quarter."""
    key = text.strip().lower()
    year = quarter = None
    if match := _QUARTER.fullmatch(key):
        year, quarter = int(match.group(1)), int(match.group(2))
    elif (match := _MONTH.fullmatch(key)) and 1 <= int(match.group(2)) <= 12:
        year, quarter = int(match.group(1)), (int(match.group(2)) - 1) // 3 + 1
    elif match := _RU_QUARTER.fullmatch(key):
        number = match.group(1)
        year, quarter = int(match.group(2)), int(number) if number.isdigit() else _ROMAN[number]
    if year is None or quarter is None:  # set together
        return None, N_("not a period; use 2017-Q2, 2017-05 or 2 кв. 2017")
    return dt.date(year, 3 * quarter - 2, 1), None


EARLIEST = dt.date(2000, 1, 1)
MAX_CELL = 1000
YES = frozenset({"yes", "y", "да", "д", "1", "true", "ооба"})
NO = frozenset({"no", "n", "нет", "н", "0", "false", "жок"})
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                 "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
_SERIAL = re.compile(r"\d{1,6}(\.\d+)?")
_WHOLE = re.compile(r"\d{1,12}(\.0+)?")
_NEGATIVE = re.compile(r"-\d+([.,]\d+)?")
CONTROL = N_("holds an invisible control character (an escape or form feed code, often pasted from elsewhere); retype the cell")
_FORMULA = N_("starts with =, +, - or @: looks like a spreadsheet formula")


def date(text: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """ISO, DD.MM.YYYY, DD/MM/YYYY or an Excel serial day number; from 2000 up to today."""
    text = text.strip()
    value = None
    if _SERIAL.fullmatch(text):
        value = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(text)))
    else:
        for fmt in _DATE_FORMATS:
            try:
                value = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if value is None:
        return None, N_("not a date; use YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY")
    if value < EARLIEST:
        return None, N_("before {date}").format(date=EARLIEST)
    if value > today:
        return None, N_("in the future")
    return value, None


def count(text: str, maximum: int | None) -> tuple[int | None, str | None]:
    """A whole number from 0 to maximum; '1 000' and '12.0' are read as numbers."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    if _NEGATIVE.fullmatch(compact):
        return None, N_("negative number")
    if not _WHOLE.fullmatch(compact):
        return None, N_("not a whole number")
    value = int(compact.split(".")[0])
    if maximum is not None and value > maximum:
        return None, N_("larger than {maximum}; check the number").format(maximum=f"{maximum:,}")
    return value, None


FIRST_YEAR, LAST_YEAR = 2000, 2100


def year(text: str) -> tuple[int | None, str | None]:
    """A calendar year from 2000 to 2100; '2016' and '2016.0' are read as 2016."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    match = re.fullmatch(r"(\d{4})(\.0+)?", compact)
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return None, N_("not a year; use four digits, from {first} to {last}").format(first=FIRST_YEAR, last=LAST_YEAR)
    return int(match.group(1)), None


def yes_no(text: str) -> tuple[bool | None, str | None]:
    key = text.strip().lower()
    if key in YES:
        return True, None
    if key in NO:
        return False, None
    return None, N_("not yes or no (yes/no, да/нет, 1/0)")


def screened(convert, *, numeric: bool):
    """convert, after the checks every cell gets: not too long, not a formula."""
    def check(text: str):
        if len(text) > MAX_CELL:
            return None, N_("longer than {maximum} characters").format(maximum=MAX_CELL)
        if plaintext.has_controls(text):
            return None, CONTROL
        stripped = text.lstrip()
        if stripped[:1] in ("=", "+", "@") or (stripped[:1] == "-" and not (numeric and _NEGATIVE.fullmatch(
                re.sub(r"[\s\u00a0\u202f]", "", stripped)))):
            return None, _FORMULA
        return convert(text)
    return check
