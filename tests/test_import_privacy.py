"""Names and phone numbers in a file never reach the database, the report or the logs.

Hypothesis writes case files with extra columns of clearly synthetic names
("Testname ...") and phone numbers ("+000 ..."), sometimes in a known column
too (so the import fails), in UTF-8, Windows-1251 or XLSX. The check greps the
database file's bytes, the report and everything logged.
"""

import csv
import io
import json
import logging
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from rightsmap.cli import main as cli
from rightsmap.records import store

LETTERS = "abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщэюя"
names = st.text(alphabet=LETTERS, min_size=4, max_size=12).map(lambda s: f"Testname {s.capitalize()}")
phones = st.integers(min_value=100_000, max_value=999_999_999).map(lambda n: f"+000 {n}")
places = st.sampled_from(["г. Бишкек", "Ош", "Ошская обл.", "Сокулукский район", "Ysyk-Kol", "Djalal-Abad"])
types = st.sampled_from(["вымогательство", "extortion; threats", "угрозы", "other"])
perpetrators = st.sampled_from(["полиция", "police", "клиент", "pimp"])
dates = st.dates(min_value=__import__("datetime").date(2015, 1, 1), max_value=__import__("datetime").date(2019, 12, 31))

row = st.fixed_dictionaries({
    "date": dates.map(lambda d: d.strftime("%d.%m.%Y")), "place": places, "violation_types": types,
    "perpetrator": perpetrators, "detained": st.sampled_from(["да", "нет", ""]), "client_name": names,
    "phone": phones, "address": names.map(lambda n: f"{n} street 1"),
})


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def encode(rows: list[dict], form: str) -> tuple[bytes, str]:
    columns = list(rows[0])
    if form == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(columns)
        for r in rows:
            book.active.append([r[c] for c in columns])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "cases.xlsx"
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8" if form == "utf-8" else "cp1251"), "cases.csv"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=12), form=st.sampled_from(["utf-8", "cp1251", "xlsx"]),
       leak_into=st.sampled_from([None, "place", "violation_types", "perpetrator", "date"]),
       dry_run=st.booleans())
def test_no_name_or_phone_reaches_the_database_the_report_or_the_logs(rows, form, leak_into, dry_run):
    if leak_into:
        rows[0][leak_into] = rows[0]["client_name"]  # a name typed into the wrong column
    secrets = {r["client_name"] for r in rows} | {r["phone"] for r in rows} | {r["address"] for r in rows}
    collect = Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    old_level, root.level = root.level, logging.DEBUG
    try:
        with tempfile.TemporaryDirectory() as tmp:
            target = store.create_empty(Path(tmp) / "real.duckdb")
            content, name = encode(rows, form)
            (Path(tmp) / name).write_bytes(content)
            out, err = io.StringIO(), io.StringIO()
            args = ["import", "cases", str(Path(tmp) / name), "--db", str(target)] + (["--dry-run"] if dry_run else [])
            import contextlib

            with contextlib.redirect_stderr(err):
                code = cli.main(args, out=out)
            report = json.loads(out.getvalue())
            assert code == (2 if leak_into else 0), report["errors"]
            assert report["imported"] is (not leak_into and not dry_run)
            stored = target.read_bytes()
            texts = out.getvalue() + err.getvalue() + "\n".join(collect.lines)
            for secret in secrets:
                assert secret.encode("utf-8") not in stored
                assert secret not in texts
                assert json.dumps(secret)[1:-1] not in texts  # nor escaped in JSON
            assert set(report["dropped_columns"]) == {"client_name", "phone", "address"}
    finally:
        root.removeHandler(collect)
        root.level = old_level
