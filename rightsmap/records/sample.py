"""The deterministic, calibrated sample dataset: synthetic, and labelled so everywhere.

Only the national totals come from published sources (see SAMPLE_CALIBRATION);
the breakdown by region and month is invented. Synthetic cases exist only in
memory here, and are aggregated before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from rightsmap.data import crypto, db, schema
from rightsmap.disclosure import releases
from rightsmap.domain import config
from rightsmap.domain.vocab import N_, REGION_CODES, REGIONS, SAMPLE_CALIBRATION
from rightsmap.records import store

SEED = 42
GENERATOR_VERSION = "2"

POLICE_CASES_BY_YEAR = {2015: 160, 2016: 475, 2017: 459, 2018: 270, 2019: 210}
EXTORTION_SHARE_2017 = 0.81

# Where cases happen (weights, not data): the capital dominates.
REGION_WEIGHTS = {
    "KG-GB": 0.42, "KG-C": 0.12, "KG-GO": 0.13, "KG-O": 0.06, "KG-J": 0.08,
    "KG-Y": 0.08, "KG-B": 0.03, "KG-N": 0.03, "KG-T": 0.05,
}
# Quarterly HIV-prevention plan per region (people).
PLANNED_PER_QUARTER = {
    "KG-GB": 1200, "KG-C": 420, "KG-GO": 520, "KG-O": 180, "KG-J": 300,
    "KG-Y": 260, "KG-B": 90, "KG-N": 70, "KG-T": 110,
}
# Bishkek's reach, (reached, planned), from just before the raids to the
# recovery. Calibrated: 2017-Q2 is 39.0% of plan, and 2017-Q4 (552) is half of
# 2016-Q2 (1104). The quarters between are invented.
BISHKEK_REACH = {
    (2016, 2): (1104, 1200),
    (2016, 3): (1010, 1250),
    (2016, 4): (790, 1250),
    (2017, 1): (640, 1300),
    (2017, 2): (507, 1300),
    (2017, 3): (530, 1300),
    (2017, 4): (552, 1300),
    (2018, 1): (610, 1300),
    (2018, 2): (720, 1300),
    (2018, 3): (830, 1300),
    (2018, 4): (900, 1300),
}

# Population size estimates for the sample's rates. INVENTED, like the sample's regional split: no
# study's figure is used, and the source and note say so (the About page shows them translated).
# Naryn and Talas have none, so the dashboard shows what a region without an estimate looks like.
INVENTED_SOURCE = N_("Invented for the synthetic sample")
INVENTED_NOTE = N_("Invented numbers to show how rates work; not an estimate of any real population")
def is_sample_text(text: str) -> bool:
    """Whether an estimate's source or note is the sample's own fixed text (safe to show to anyone)."""
    return text in (INVENTED_SOURCE, INVENTED_NOTE)


ESTIMATES = (  # region, year, estimate, low, high
    ("KG-GB", 2015, 2600, 2000, 3300), ("KG-GB", 2018, 2900, 2300, 3600), ("KG-C", 2015, 900, 650, 1200),
    ("KG-GO", 2015, 1100, 800, 1450), ("KG-O", 2015, 600, 400, 850), ("KG-J", 2015, 700, 500, 950),
    ("KG-Y", 2015, 500, None, None), ("KG-B", 2015, 300, 200, 420),
)

EVENTS = (
    (dt.date(2016, 6, 1), "KG-GB",
     "Bishkek city police announce a campaign to 'clean the city' of sex work; mass raids begin",
     "ГУВД Бишкека объявляет кампанию по «очищению города от проституции»; начинаются массовые рейды",
     "Бишкек шаардык милициясы «шаарды тазалоо» кампаниясын жарыялайт; массалык рейддер башталат"),
    (dt.date(2016, 8, 1), None,
     "Residents are asked to join night raids and photograph sex workers; vigilante groups take part",
     "Жителей призывают участвовать в ночных рейдах и фотографировать секс-работниц; подключаются «активисты»",
     "Тургундар түнкү рейддерге катышууга жана секс-кызматкерлерди сүрөткө тартууга чакырылат"),
    (dt.date(2017, 6, 1), "KG-GB",
     "Bishkek HIV-prevention coverage falls to 39% of plan (2017-Q2)",
     "Охват профилактикой ВИЧ в Бишкеке падает до 39% от плана (2-й кв. 2017)",
     "Бишкекте ВИЧ алдын алуу менен камтуу пландын 39% чейин түшөт (2017-ж. 2-чейрек)"),
    (dt.date(2017, 12, 1), None,
     "Mass raids end and police pressure eases; 'police marks' for 'protection' persist",
     "Массовые рейды прекращаются, давление полиции ослабевает; «милицейские метки» остаются",
     "Массалык рейддер токтойт, милициянын басымы азаят; «милициялык белгилер» сакталат"),
    (dt.date(2018, 3, 1), "KG-GO",
     "Street lawyers in Osh report more complaints against pimps",
     "Уличные юристы в Оше сообщают о росте жалоб на сутенёров",
     "Оштогу көчө юристтери сутенёрлорго карата даттануулардын көбөйгөнүн билдиришет"),
)

OTHER_POLICE_TYPES = ("arbitrary_detention", "threats", "blackmail", "pressure", "degrading_treatment")


@dataclass(frozen=True)
class _Case:
    region: str
    month: dt.date
    perpetrator: str
    types: tuple[str, ...]
    extorted_som: int
    detention_days: int


# The months the sample covers. Only the sample knows them: the dashboard reads its period from the data.
FIRST_MONTH = "2015-01"
LAST_MONTH = "2019-12"


def months() -> list[dt.date]:
    """Every month the sample covers, as first days."""
    first = dt.date.fromisoformat(FIRST_MONTH + "-01")
    last = dt.date.fromisoformat(LAST_MONTH + "-01")
    out, m = [], first
    while m <= last:
        out.append(m)
        m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def raid_intensity(month: dt.date) -> float:
    """How hard police pressure is in a month: the wave from mid-2016 that calms by the end of 2017."""
    index = (month.year - 2016) * 12 + month.month  # 2016-06 -> 6
    if index < 6:
        return 0.35
    if index <= 9:
        return 0.35 + 0.65 * (index - 5) / 4  # the wave builds over the summer of 2016
    if index <= 21:
        return 1.0
    if index <= 24:
        return 1.0 - 0.55 * (index - 21) / 3  # calms towards December 2017
    return 0.4


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split total into integers proportional to weights that sum exactly to total."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    out = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def _police_cases(rng: random.Random) -> list[_Case]:
    cases = []
    for year, total in POLICE_CASES_BY_YEAR.items():
        year_months = [m for m in months() if m.year == year]
        weights = [raid_intensity(m) * rng.uniform(0.85, 1.15) for m in year_months]
        for month, count in zip(year_months, _apportion(total, weights), strict=True):
            regions = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()), k=count)
            for region in regions:
                cases.append(_Case(region, month, "police", (), 0, 0))
    return cases


def _other_cases(rng: random.Random) -> list[_Case]:
    cases = []
    for month in months():
        wave = raid_intensity(month)
        expected = {
            "client": 2.0,
            "other": 0.8,
            "vigilante": 2.5 * wave if dt.date(2016, 6, 1) <= month <= dt.date(2017, 12, 1) else 0.2,
            "pimp": 1.2,
        }
        for perpetrator, mean in expected.items():
            for _ in range(_poisson(rng, mean)):
                region = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
                cases.append(_Case(region, month, perpetrator, (), 0, 0))
        # Reports against pimps in Osh rise from 2017 on.
        if month.year >= 2017:
            growth = 1.0 + 0.12 * ((month.year - 2017) * 12 + month.month)
            for _ in range(_poisson(rng, growth)):
                cases.append(_Case(rng.choice(["KG-GO", "KG-GO", "KG-O"]), month, "pimp", (), 0, 0))
    return cases


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; means here are small.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _with_types(rng: random.Random, cases: list[_Case]) -> list[_Case]:
    """Give each case its violation types, extortion amount and detention days."""
    # The 2017 calibration: police cases with extortion are exactly the share of all cases.
    all_2017 = sum(1 for c in cases if c.month.year == 2017)
    police_2017 = [i for i, c in enumerate(cases) if c.month.year == 2017 and c.perpetrator == "police"]
    extortion_2017 = set(rng.sample(police_2017, round(EXTORTION_SHARE_2017 * all_2017)))
    typed = []
    for i, case in enumerate(cases):
        types: set[str] = set()
        if case.perpetrator == "police":
            extorts = i in extortion_2017 if case.month.year == 2017 else rng.random() < 0.72
            if extorts:
                types.add("extortion")
            for t in OTHER_POLICE_TYPES:
                if rng.random() < (0.3 if t == "arbitrary_detention" else 0.15):
                    types.add(t)
            if not types:
                types.add(rng.choice(OTHER_POLICE_TYPES))
        elif case.perpetrator == "pimp":
            types.update(rng.sample(["physical_violence", "blackmail", "extortion", "threats"], k=rng.randint(1, 2)))
        elif case.perpetrator == "client":
            types.add(rng.choice(["physical_violence", "sexual_violence", "degrading_treatment", "other"]))
        elif case.perpetrator == "vigilante":
            types.update(rng.sample(["degrading_treatment", "threats", "physical_violence", "pressure"], k=rng.randint(1, 2)))
        else:
            types.add(rng.choice(["pressure", "other"]))
        som = rng.randrange(200, 1050, 50) if "extortion" in types else 0
        days = rng.randint(3, 5) if "arbitrary_detention" in types else 0
        typed.append(_Case(case.region, case.month, case.perpetrator, tuple(sorted(types)), som, days))
    return typed


def _raids(rng: random.Random) -> list[tuple[str, dt.date, int, int]]:
    rows = []
    for month in months():
        wave = raid_intensity(month)
        for region in REGION_CODES:
            mean = 14 * REGION_WEIGHTS[region] * (wave - 0.3) * 2 if wave > 0.4 else 0.1
            events = _poisson(rng, max(mean, 0.05))
            detained = sum(rng.randint(3, 15) for _ in range(events))
            rows.append((region, month, events, detained))
    return rows


def _reach(rng: random.Random) -> list[tuple]:
    rows = []
    for month in months():
        if month.month not in (1, 4, 7, 10):
            continue
        quarter = (month.year, (month.month - 1) // 3 + 1)
        # Reach falls while the raids push people underground, with a lag.
        pressure = raid_intensity(dt.date(month.year, month.month, 1))
        for region in REGION_CODES:
            planned = PLANNED_PER_QUARTER[region] + 10 * (month.year - 2015) * (region == "KG-GB")
            coverage = min(0.97, rng.uniform(0.86, 0.95) - 0.35 * max(pressure - 0.4, 0))
            reached = round(planned * coverage)
            if region == "KG-GB" and quarter in BISHKEK_REACH:
                reached, planned = BISHKEK_REACH[quarter]
            elif region == "KG-GB" and quarter > (2018, 4):
                planned = 1300
                reached = round(planned * rng.uniform(0.70, 0.80))
            rows.append((
                region, month, planned, reached,
                round(reached * rng.uniform(0.35, 0.45)),
                round(reached * rng.uniform(25, 35)),
                round(reached * rng.uniform(0.5, 0.7)),
            ))
    return rows


def build(path: Path | str | None = None, *, seed: int = SEED) -> Path:
    """Build the sample database at path, atomically: a crash leaves no half-written file."""
    target = config.db_path(path)
    key = crypto.configured_key()
    if key is None and crypto.is_encrypted(target):
        # Replacing an encrypted database with a plain file is a step nobody should take by accident.
        raise db.DatabaseError(crypto.NO_KEY.format(path=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    cases = _with_types(rng, _police_cases(rng) + _other_cases(rng))
    raids = _raids(rng)
    reach = _reach(rng)

    fd, tmp_name = tempfile.mkstemp(prefix=".rightsmap-", suffix=".duckdb", dir=target.parent)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB wants to create the file itself
    try:
        # Encrypted when a key is configured.
        with crypto.open_with(tmp_name, key, read_only=False) as conn:
            schema.migrate(conn)
            _write(conn, cases, raids, reach, seed)
            releases.store(conn, config.MIN_COUNT)
            conn.execute("CHECKPOINT")
        store.keep_private(tmp_name, target)
        os.replace(tmp_name, target)
    finally:
        for leftover in (tmp_name, tmp_name + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return target


def _write(conn: duckdb.DuckDBPyConnection, cases, raids, reach, seed: int) -> None:
    conn.executemany(
        "INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r.code, r.name_en, r.name_ru, r.name_ky, r.kind, r.label_lat, r.label_lon) for r in REGIONS],
    )
    counts: Counter = Counter()
    som: Counter = Counter()
    detained: Counter = Counter()
    days: Counter = Counter()
    for c in cases:
        key = (c.region, c.month, c.perpetrator, c.types)
        counts[key] += 1
        som[key] += c.extorted_som
        if c.detention_days:
            detained[(c.region, c.month)] += 1
            days[(c.region, c.month)] += c.detention_days
    _insert(conn, "cases", [(*key[:3], list(key[3]), n, som[key]) for key, n in sorted(counts.items())])
    _insert(conn, "detentions", [(r, m, detained[(r, m)], days[(r, m)]) for r in REGION_CODES for m in months()])
    _insert(conn, "raids", raids)
    _insert(conn, "reach", reach)
    conn.executemany("INSERT INTO estimates (region, year, estimate, low, high, source, source_note) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", [(*row, INVENTED_SOURCE, INVENTED_NOTE) for row in ESTIMATES])
    # The sample's events are invented public news (a campaign, a law), so they are marked public.
    conn.executemany("INSERT INTO events (event_date, region, title_en, title_ru, title_ky, public) "
                     "VALUES (?, ?, ?, ?, ?, true)", list(EVENTS))
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("dataset", "sample"), ("sample_seed", str(seed)),
         ("sample_generator", GENERATOR_VERSION), ("sample_calibration", SAMPLE_CALIBRATION)],
    )


_TABLES = frozenset({"cases", "detentions", "raids", "reach"})


def _insert(conn: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows in one statement through a DataFrame (executemany is slow in DuckDB)."""
    if table not in _TABLES:  # table names cannot be bound, so only these fixed names are allowed
        raise ValueError(f"not a sample table: {table!r}")
    # Sample rows belong to no import batch: batch_id stays NULL.
    columns = [c[0] for c in conn.execute(f"SELECT * FROM {table} LIMIT 0").description  # noqa: S608
               if c[0] != "batch_id"]
    frame = pd.DataFrame(rows, columns=columns)  # noqa: F841 - read by DuckDB below
    conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM frame")  # noqa: S608


def ensure(path: Path | str | None = None) -> Path:
    """Build the sample at path when no database exists there, or when the one there is a sample an older
    rightsmap built (another schema or generator); return the path. Imported data is never replaced."""
    target = config.db_path(path)
    if not target.exists() or is_outdated_sample(target):
        build(target)
    return target


def is_outdated_sample(path: Path) -> bool:
    """True only for a sample database of another schema version or generator: rebuilding it loses nothing."""
    try:
        with crypto.open_with(path, crypto.configured_key(), read_only=True) as conn:
            version = schema.current_version(conn)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except (duckdb.Error, db.DatabaseError, OSError):
        return False  # not readable as ours: the app says why, and nothing is overwritten
    return meta.get("dataset") == "sample" and (
        version != schema.SCHEMA_VERSION or meta.get("sample_generator") != GENERATOR_VERSION)
