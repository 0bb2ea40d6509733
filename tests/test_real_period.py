"""A network's own export, 2021-2022 in Russian, named by Bishkek's districts: imported, it shows at once.

Nothing is set: the filters offer the data's months (staff) and the protected table's quarters (public).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from app_support import open_dashboard
from import_helpers import run_import, write

from rightsmap.domain import config
from rightsmap.records import store

HEADER = "Дата;Место;Вид нарушения;Нарушитель;Задержание;Дней задержания;Сумма вымогательства"
PLACES = ("г. Бишкек, Свердловский район", "Октябрьский р-н г. Бишкек", "Бишкек, Ленинский р-н",
          "Первомайский район", "Бишкек шаары, Свердлов району", "г.Бишкек, ж/м Ак-Бата", "Ошская обл.",
          "Чуйская область")
TYPES = ("вымогательство", "угрозы", "шантаж", "незаконное задержание", "вымогательство, угрозы")
PERPETRATORS = ("полиция", "милиция", "клиент", "сутенер")


def export(first: dt.date, last: dt.date, rows: int, seed: int) -> tuple[str, int]:
    """A generated export (seeded): its text and how many of its cases fall in Bishkek."""
    rng = random.Random(seed)
    days = (last - first).days
    dates = [first, last] + [first + dt.timedelta(days=rng.randrange(days + 1)) for _ in range(rows - 2)]
    lines, in_bishkek = [HEADER], 0
    for when in dates:
        place = rng.choice(PLACES)
        in_bishkek += "обл" not in place
        detained = rng.random() < 0.3
        lines.append(f"{when:%d.%m.%Y};{place};{rng.choice(TYPES) if ',' not in place else rng.choice(TYPES[:4])};"
                     f"{rng.choice(PERPETRATORS)};{'да' if detained else 'нет'};{rng.randint(1, 5) if detained else ''};"
                     f"{rng.choice(['', '500', '1 000'])}")
    return "\n".join(lines) + "\n", in_bishkek


@pytest.fixture()
def real_db(tmp_path, monkeypatch):
    assert config.FIRST_MONTH is None and config.LAST_MONTH is None  # no setting helps
    target = store.create_empty(tmp_path / "network.duckdb")
    monkeypatch.setenv("RIGHTSMAP_DB", str(target))
    return target


def quarters(first_year: int, last_year: int) -> list[str]:
    """The quarters as the English public filter writes them ("2021 Q1"; links keep the code "2021-Q1")."""
    return [f"{y} Q{q}" for y in range(first_year, last_year + 1) for q in range(1, 5)]


def test_a_2021_2022_export_by_bishkek_district_shows_its_quarters_and_months(real_db, tmp_path):
    text, in_bishkek = export(dt.date(2021, 1, 4), dt.date(2022, 12, 28), 400, seed=2021)
    code, report = run_import("cases", write(tmp_path / "export.csv", text, "cp1251"), real_db)
    assert code == 0, report["errors"]
    assert report["rows"] == 400 and report["warnings"] == []

    staff = open_dashboard("pages/overview.py", query={"lang": "en"})
    month_from, month_to = staff.selectbox(key="f_from"), staff.selectbox(key="f_to")
    assert month_from.options[0] == "2021-01" and month_from.options[-1] == "2022-12"
    assert len(month_from.options) == 24
    assert (month_from.value, month_to.value) == (dt.date(2021, 1, 1), dt.date(2022, 12, 1))
    assert staff.metric[0].value == "400"  # every case, counted over the data's own period
    staff.multiselect(key="f_regions").set_value(["KG-GB"]).run()
    assert staff.metric[0].value == str(in_bishkek)  # the districts all count for Bishkek

    public = open_dashboard(staff_view=False, query={"lang": "en"})
    quarter_from, quarter_to = public.selectbox(key="p_from"), public.selectbox(key="p_to")
    assert quarter_from.options == quarters(2021, 2022) == quarter_to.options
    assert (quarter_from.value, quarter_to.value) == (dt.date(2021, 1, 1), dt.date(2022, 10, 1))
    assert "400" in " ".join(m.value for m in public.metric)  # the public headline over the whole period


def test_the_running_app_offers_a_new_imports_months_without_a_restart(real_db, tmp_path):
    first, _ = export(dt.date(2021, 1, 4), dt.date(2021, 12, 20), 60, seed=1)
    assert run_import("cases", write(tmp_path / "a.csv", first), real_db)[0] == 0
    staff = open_dashboard("pages/overview.py", query={"lang": "en"})
    public = open_dashboard(staff_view=False, query={"lang": "en"})
    assert staff.selectbox(key="f_to").options[-1] == "2021-12"
    assert public.selectbox(key="p_to").options == quarters(2021, 2021)

    second, _ = export(dt.date(2022, 1, 10), dt.date(2022, 6, 30), 40, seed=2)
    assert run_import("cases", write(tmp_path / "b.csv", second), real_db)[0] == 0
    staff.run()
    public.run()
    assert not staff.exception and not public.exception
    assert staff.selectbox(key="f_to").options[-1] == "2022-06"
    assert staff.selectbox(key="f_to").value == dt.date(2022, 6, 1)  # the whole period stays chosen
    assert staff.metric[0].value == "100"
    assert public.selectbox(key="p_to").options == quarters(2021, 2021) + ["2022 Q1", "2022 Q2"]
    assert public.selectbox(key="p_to").value == dt.date(2022, 4, 1)


def test_a_narrower_choice_survives_an_import_and_an_end_the_data_lost_moves_inside(real_db, tmp_path):
    first, _ = export(dt.date(2021, 1, 4), dt.date(2021, 12, 20), 60, seed=3)
    assert run_import("cases", write(tmp_path / "a.csv", first), real_db)[0] == 0
    staff = open_dashboard("pages/overview.py", query={"lang": "en", "to": "2021-06"})
    assert staff.selectbox(key="f_to").value == dt.date(2021, 6, 1)
    second, _ = export(dt.date(2022, 1, 10), dt.date(2022, 3, 30), 10, seed=4)
    assert run_import("cases", write(tmp_path / "b.csv", second), real_db)[0] == 0
    staff.run()
    assert staff.selectbox(key="f_to").value == dt.date(2021, 6, 1)  # a choice, not the period's end
    assert staff.selectbox(key="f_to").options[-1] == "2022-03"
