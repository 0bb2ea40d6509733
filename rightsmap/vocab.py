"""The code words used everywhere: regions, violation types, perpetrators, metrics."""

from __future__ import annotations

from dataclasses import dataclass


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
    "extortion": "Extortion",
    "arbitrary_detention": "Arbitrary detention",
    "threats": "Threats",
    "blackmail": "Blackmail",
    "pressure": "Pressure",
    "degrading_treatment": "Degrading treatment",
    "physical_violence": "Physical violence",
    "sexual_violence": "Sexual violence",
    "other": "Other",
}

PERPETRATORS: dict[str, str] = {
    "police": "Police",
    "pimp": "Pimp",
    "client": "Client",
    "vigilante": "Vigilante",
    "other": "Other",
}
