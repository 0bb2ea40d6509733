"""The gazetteer: every spelling the issue names, normalisation, and `python -m rightsmap place`."""

import pytest
from import_helpers import run

from rightsmap.domain import vocab
from rightsmap.records.importing import gazetteer


@pytest.mark.parametrize("name, code", [
    ("г. Бишкек", "KG-GB"), ("Бишкек шаары", "KG-GB"), ("город Бишкек", "KG-GB"), ("Bishkek", "KG-GB"),
    ("Ошская обл.", "KG-O"), ("Ошская область", "KG-O"), ("Ош облусу", "KG-O"), ("Osh Region", "KG-O"),
    ("Ош", "KG-GO"), ("г. Ош", "KG-GO"), ("Osh City", "KG-GO"), ("Ош шаары", "KG-GO"),
    ("Сокулукский район", "KG-C"), ("Сокулук району", "KG-C"), ("Sokuluk District", "KG-C"), ("Сокулукский р-н", "KG-C"),
    ("Ysyk-Kol", "KG-Y"), ("Issyk Kul", "KG-Y"), ("Иссык-Кульская область", "KG-Y"), ("Ысык-Көл облусу", "KG-Y"),
    ("Djalal-Abad", "KG-J"), ("Jalal-Abad", "KG-J"), ("Жалал-Абад", "KG-J"), ("Джалал-Абадская обл.", "KG-J"),
    ("Каракол", "KG-Y"), ("Karakol", "KG-Y"), ("Кара-Көл", "KG-J"), ("Токмак", "KG-C"), ("Узген", "KG-O"),
    ("Нарын", "KG-N"), ("Талас", "KG-T"), ("Баткен", "KG-B"), ("Кызыл-Кия", "KG-B"), ("KG-GB", "KG-GB"),
])
def test_known_spellings_resolve(name, code):
    assert gazetteer.resolve(name) == code


@pytest.mark.parametrize("typed", ["  г.  БИШКЕК ", "г.Бишкек", "бишкек", "Бишкeк", "Бuшкек".replace("u", "и"),
                                   "Ысык Көл облусу", "Ысык-Кол облусу", "Ысык–Көл облусу"])
def test_case_spacing_hyphens_and_latin_letters_inside_cyrillic_are_ignored(typed):
    assert gazetteer.resolve(typed) in ("KG-GB", "KG-Y")


def test_latin_lookalikes_inside_a_cyrillic_word():
    # 'Ош' typed with a Latin O, 'Нарын' with a Latin H and a.
    assert gazetteer.resolve("Oш") == "KG-GO"
    assert gazetteer.resolve("Hарын") == "KG-N"


@pytest.mark.parametrize("name", ["Nowhere", "Москва", "Алматы", "", "   ", "г.", "KG-ZZ", "Бишкек 12"])
def test_unknown_places_never_resolve(name):
    assert gazetteer.resolve(name) is None


def test_every_region_is_reachable_by_its_names_and_no_key_is_ambiguous():
    for region in vocab.REGIONS:
        for name in (region.name_en if region.kind == "city" else f"{region.name_en} Region",
                     region.name_ru, region.name_ky):
            assert gazetteer.resolve(name) == region.code, name
    assert gazetteer.load().ambiguous() == []


def test_the_gazetteer_covers_every_district_and_town_it_lists():
    import csv

    with gazetteer.GAZETTEER_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    districts = [r for r in rows if r["kind"] == "district"]
    towns = [r for r in rows if r["kind"] in ("town", "city")]
    assert len(districts) == 40 and len(towns) >= 31
    for row in rows:
        if row["kind"] in ("town", "village", "city"):
            for name in (row["ru"], row["ky"], row["en"]):
                assert gazetteer.resolve(name) == row["code"], name


def test_place_command_prints_codes_and_exits_2_when_any_name_is_unknown():
    code, out = run("place", "г. Бишкек", "Ошская обл.")
    assert code == 0 and out.splitlines() == ["г. Бишкек\tKG-GB", "Ошская обл.\tKG-O"]
    code, out = run("place", "Бишкек", "Atlantis")
    assert code == 2 and out.splitlines() == ["Бишкек\tKG-GB", "Atlantis\t?"]


@pytest.mark.parametrize("name", [
    "Свердловский район", "Свердловский р-н", "Свердловский р-на", "Свердлов району", "Sverdlovsky District",
    "г. Бишкек, Свердловский район", "Свердловский р-н г. Бишкек", "Бишкек шаары, Свердлов району",
    "Октябрьский р-н, г.Бишкек", "Бишкек, Октябрь району", "Ленинский район г. Бишкек", "г Бишкек Ленинский р-н",
    "Первомайский р-н", "Биринчи май району", "Бишкек ш., Биринчи Май району", "Pervomaisky District, Bishkek",
    "Свeрдловский р-н",  # a Latin e
    "ж/м Ак-Бата", "г. Бишкек, ж/м Ак-Тилек", "жилмассив Келечек", "Эне-Сай конушу", "ж/м Бакай-Ата",
    "мкр Тунгуч", "Бишкек, мкр. Тунгуч", "Бишкек г.", "Бищкек", "Бишкеке",
])
def test_bishkeks_districts_and_parts_resolve_to_bishkek(name):
    assert gazetteer.resolve(name) == "KG-GB"


@pytest.mark.parametrize("name, code", [
    ("Сокулукский р-на", "KG-C"), ("с. Кара-Балта", "KG-C"), ("Аламудунский район", "KG-C"),
    ("Бакай-Ата", "KG-T"),  # the Talas village: the Bishkek massif needs its "ж/м"
])
def test_the_new_forms_leave_other_places_where_they_are(name, code):
    assert gazetteer.resolve(name) == code


@pytest.mark.parametrize("name", [
    "Тунгуч",  # a part of a city only with its marker
    "Бишкек, Сокулукский район", "Ош, Свердловский район",  # a district of another region: never a guess
    "Первомайский", "Свердловский",  # an adjective alone
])
def test_unclear_combinations_never_resolve(name):
    assert gazetteer.resolve(name) is None


@pytest.mark.parametrize("name", ["Лебединовка", "с. Лебединовка", "Кок-Жар", "ж/м Көк-Жар", "Маевка", "Орок",
                                  "Новопавловка", "Аламудун", "ж/м Ак-Жар"])
def test_places_moved_to_bishkek_in_2024_never_resolve_and_say_why(name, capsys):
    assert gazetteer.resolve(name) is None and gazetteer.is_moved(name)
    from rightsmap.records.importing import values

    assert values.place(name) == (None, gazetteer.MOVED)
    assert run("place", name)[0] != 0
    assert "moved from Chuy to Bishkek" in capsys.readouterr().err
