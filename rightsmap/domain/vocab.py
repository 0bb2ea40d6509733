"""The code words used everywhere: regions, violation types, perpetrators, metrics."""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark a message for translation where it is translated later, by value (see i18n.py)."""
    return message


@dataclass(frozen=True)
class Region:
    code: str
    name_en: str
    name_ru: str
    name_ky: str
    kind: str  # "oblast" or "city"
    label_lat: float
    label_lon: float


# ISO 3166-2:KG. Label points: the administrative centre (cities) or a point
# inside the oblast where a label reads well at national zoom.
REGIONS: tuple[Region, ...] = (
    Region("KG-B", "Batken", "Баткенская область", "Баткен облусу", "oblast", 39.95, 70.80),
    Region("KG-C", "Chuy", "Чуйская область", "Чүй облусу", "oblast", 42.55, 74.40),
    Region("KG-Y", "Issyk-Kul", "Иссык-Кульская область", "Ысык-Көл облусу", "oblast", 42.05, 77.95),
    Region("KG-J", "Jalal-Abad", "Джалал-Абадская область", "Жалал-Абад облусу", "oblast", 41.35, 72.20),
    Region("KG-N", "Naryn", "Нарынская область", "Нарын облусу", "oblast", 41.35, 75.95),
    Region("KG-O", "Osh", "Ошская область", "Ош облусу", "oblast", 39.85, 73.35),
    Region("KG-T", "Talas", "Таласская область", "Талас облусу", "oblast", 42.35, 72.25),
    Region("KG-GB", "Bishkek", "город Бишкек", "Бишкек шаары", "city", 42.875, 74.60),
    Region("KG-GO", "Osh City", "город Ош", "Ош шаары", "city", 40.53, 72.80),
)
REGION_CODES: tuple[str, ...] = tuple(r.code for r in REGIONS)
REGION_BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}

VIOLATION_TYPES: dict[str, str] = {
    "extortion": N_("Extortion"),
    "arbitrary_detention": N_("Arbitrary detention"),
    "threats": N_("Threats"),
    "blackmail": N_("Blackmail"),
    "pressure": N_("Pressure"),
    "degrading_treatment": N_("Degrading treatment"),
    "physical_violence": N_("Physical violence"),
    "sexual_violence": N_("Sexual violence"),
    # Not "Other": "Cases: Other" must not read the same for a type and for a perpetrator.
    "other": N_("Other violation"),
}

PERPETRATORS: dict[str, str] = {
    "police": N_("Police"),
    "pimp": N_("Pimp"),
    "client": N_("Client"),
    "vigilante": N_("Vigilante"),
    "other": N_("Other perpetrator"),
}

# Russian labels staff write in their spreadsheets, for the importer (lower case).
VIOLATION_TYPES_RU: dict[str, str] = {
    "extortion": "вымогательство",
    "arbitrary_detention": "произвольное задержание",
    "threats": "угрозы",
    "blackmail": "шантаж",
    "pressure": "давление",
    "degrading_treatment": "унижающее достоинство обращение",
    "physical_violence": "физическое насилие",
    "sexual_violence": "сексуальное насилие",
    "other": "другое",
}

PERPETRATORS_RU: dict[str, str] = {
    "police": "полиция",
    "pimp": "сутенёр",
    "client": "клиент",
    "vigilante": "активисты",
    "other": "другое",
}

# Where the synthetic sample's national totals come from (rightsmap.records.sample; the About page says it).
SAMPLE_CALIBRATION = N_(
    "475 cases of violations by law enforcement in 2016 and 459 in 2017; in 2017, 81% of all "
    "reports were complaints against police about extortion; Bishkek HIV-prevention coverage at "
    "39% of plan in 2017-Q2, about half of its mid-2016 level by the end of 2017 "
    "(Ochneva, 2018, citing the Shah-Aiym network, Soros Foundation-Kyrgyzstan and Tais Plus)"
)
