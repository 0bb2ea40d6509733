"""Places of Kyrgyzstan to the nine region codes, from geodata/gazetteer.csv.

A name resolves only when the gazetteer knows it and it points at one region;
anything else is unknown, never a guess. Matching ignores case, spaces,
hyphens, dots, Latin letters typed inside Cyrillic words (and the reverse),
and, as a fallback, Kyrgyz letters typed as their Russian look-alikes.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass

from rightsmap.domain import config
from rightsmap.domain.vocab import N_

GAZETTEER_FILE = config.GEODATA_DIR / "gazetteer.csv"

# Forms staff write around a name, by kind of place.
_SETTLEMENT = ("{}", "г. {}", "город {}", "{} г.", "с. {}", "село {}", "пгт {}", "п. {}", "{} шаары", "{} ш.",
               "{} айылы", "{} city", "{} town", "{} village", "city of {}")
_OBLAST = {"ru": ("{} область", "{} обл.", "{} обл"), "ky": ("{} облусу", "{} областы", "{} обл."),
           "en": ("{} Region", "{} Oblast", "{} Province", "{} oblusu")}
_DISTRICT = {"ru": ("{} район", "{} р-н", "{} р-на", "{} р-не", "{} р-он", "{} р."), "ky": ("{} району", "{} р."),
             "en": ("{} District", "{} Raion", "{} Rayon")}

# Parts of a city (kinds "massif" and "microdistrict"): only with their marker, since many of their names
# are also villages elsewhere ("Учкун", "Бакай-Ата").
_PART = {"massif": ("ж/м {}", "ж/м. {}", "жм {}", "ж-м {}", "жилмассив {}", "жил. массив {}", "жилой массив {}",
                    "новостройка {}", "{} жилмассиви", "{} конушу", "{} residential area"),
         "microdistrict": ("мкр {}", "мкр. {}", "мкрн {}", "микрорайон {}", "м-н {}", "{} мкр", "{} кичи району",
                           "{} microdistrict")}
# How records name the city around one of its districts or parts: "г. Бишкек, Свердловский р-н" and
# "Свердловский район г. Бишкек" both resolve (punctuation is ignored, so the comma needs no form).
_CITY = ("{}", "г. {}", "г {}", "город {}", "{} г.", "{} шаары", "{} ш.", "{} city", "city of {}")
# Places whose region changed in the 2024 pilot reform (Chuy -> Bishkek): which one a record means
# depends on its date, so they never resolve (kind "moved"); records name the district or city instead.
MOVED = N_("this place moved from Chuy to Bishkek in 2024, so its name alone does not tell the region; "
           "write the city or the district (for example \"Сокулукский район\" or \"г. Бишкек\")")

# Look-alike letters, by case, Latin -> Cyrillic.
_LATIN = "ABCEHKMOPTXYacekopxy"
_CYRILLIC = "АВСЕНКМОРТХУасекорху"
_TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)
_TO_LATIN = str.maketrans(_CYRILLIC, _LATIN)
_LATIN_FOLD = str.maketrans({"ö": "o", "ü": "u", "ı": "i", "ç": "ch", "ş": "sh", "ñ": "n", "é": "e", "ä": "a",
                             "ё": "е"})
_KYRGYZ_FOLD = str.maketrans({"ө": "о", "ү": "у", "ң": "н"})
_WORD = re.compile(r"\w+")
_NOT_KEY = re.compile(r"[\W_]+")
_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[A-Za-z]")


def _fix_script(word: re.Match[str]) -> str:
    cyrillic, latin = len(_CYR.findall(word.group())), len(_LAT.findall(word.group()))
    if cyrillic and latin:
        return word.group().translate(_TO_CYRILLIC if cyrillic >= latin else _TO_LATIN)
    return word.group()


def normalise(name: str) -> str:
    """The matching key of a place name: 'г. Бишкeк' (Latin e) and 'Бишкек' give the same key."""
    text = _WORD.sub(_fix_script, name.strip())
    return _NOT_KEY.sub("", text.lower().translate(_LATIN_FOLD))


def _fold(key: str) -> str:
    return key.translate(_KYRGYZ_FOLD)


@dataclass(frozen=True)
class Gazetteer:
    exact: dict[str, frozenset[str]]
    folded: dict[str, frozenset[str]]
    moved: frozenset[str] = frozenset()  # folded keys of the places whose region changed

    def resolve(self, name: str | None) -> str | None:
        """The region code of a place name, or None when it is unknown, ambiguous or moved."""
        if name is None:
            return None
        key = normalise(name)
        if not key or self.is_moved(name):
            return None
        codes = self.exact.get(key) or self.folded.get(_fold(key))
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def is_moved(self, name: str) -> bool:
        """Whether the name is one of the places whose region changed (see MOVED)."""
        return _fold(normalise(name)) in self.moved

    def ambiguous(self) -> list[str]:
        """Keys that point at more than one region (they never resolve)."""
        return sorted(k for k, codes in self.exact.items() if len(codes) > 1)


def _forms(row: dict[str, str], cities: dict[str, list[str]]) -> set[str]:
    kind = row["kind"]
    names = {"ru": row["ru"], "ky": row["ky"], "en": row["en"]}
    also = [a for a in row["also"].split("|") if a.strip()]
    forms = set(also)
    if kind == "oblast":
        forms |= {f.format(names[lang]) for lang, templates in _OBLAST.items() for f in templates}
    elif kind in ("district", "city_district"):
        forms |= {f.format(names[lang]) for lang, templates in _DISTRICT.items() for f in templates}
    elif kind in _PART:
        forms = {f.format(n) for n in (*names.values(), *also) for f in _PART[kind]}
    elif kind == "moved":
        forms |= {f.format(n) for n in (*names.values(), *also) for f in (*_SETTLEMENT, *_PART["massif"])}
    else:
        forms |= {f.format(n) for n in (*names.values(), *also) for f in _SETTLEMENT}
    if kind in ("city_district", *_PART):  # with its city around it, in either order
        around = {f.format(n) for n in cities.get(row["code"], ()) for f in _CITY}
        forms |= {joined for form in tuple(forms) for city in around for joined in (f"{city} {form}", f"{form} {city}")}
    return forms


@functools.cache
def load() -> Gazetteer:
    """The gazetteer, read once from geodata/gazetteer.csv."""
    with GAZETTEER_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # The city's own names only: its other spellings around every part's every form would be thousands.
    cities = {row["code"]: sorted({row["ru"], row["ky"], row["en"]}) for row in rows if row["kind"] == "city"}
    exact: dict[str, set[str]] = {}
    moved: set[str] = set()
    for row in rows:
        for form in _forms(row, cities):
            if row["kind"] == "moved":
                moved.add(normalise(form))
            else:
                exact.setdefault(normalise(form), set()).add(row["code"])
    exact.pop("", None)
    folded: dict[str, set[str]] = {}
    for key, codes in exact.items():
        folded.setdefault(_fold(key), set()).update(codes)
    return Gazetteer({k: frozenset(v) for k, v in exact.items()}, {k: frozenset(v) for k, v in folded.items()},
                     frozenset(_fold(k) for k in moved if k))


def resolve(name: str | None) -> str | None:
    """The region code of a place name, or None when the gazetteer does not know it."""
    return load().resolve(name)


def is_moved(name: str) -> bool:
    """Whether the name is a place whose region changed in 2024, which therefore never resolves."""
    return load().is_moved(name)
