"""The public brief (PDF) and deck (PPTX): every number in them is a figure `summary --public` gives for the
same filters, and none is a small count; their layout holds in Russian, Kyrgyz and English."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from rightsmap.cli import main as cli
from rightsmap.data import db, metrics
from rightsmap.disclosure import public
from rightsmap.disclosure.layout import ALL
from rightsmap.disclosure.public_filters import PublicFilters, parse_quarter
from rightsmap.domain.i18n import translator
from rightsmap.exports import public_files
from rightsmap.render import maps

CASES = (
    ("cases:police", None, "2015-Q1", "2019-Q4"),
    ("cases", "KG-N", "2016-Q1", "2017-Q4"),
    ("coverage_pct", "KG-GB", "2017-Q1", "2018-Q2"),
)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Numbers that are not figures: quarters (2017-Q2, 2017 Q2), months (2017-06) and dates, event numbers ([3]).
NOT_FIGURES = re.compile(r"\d{4}-Q\d|\d{4} Q\d|Q\d \d{4}|\d{4}-\d{2}(?:-\d{2})?|\[\d+\]")


def export(sample_db: Path, tmp_path: Path, kind: str, show: str, region: str | None, first: str, last: str,
           lang: str = "en") -> bytes:
    out = tmp_path / kind
    args = ["export", kind, "--public", "--show", show, "--from", first, "--to", last, "--lang", lang,
            "--out", str(out), "--db", str(sample_db)]
    assert cli.main([*args, *(["--region", region] if region else [])], out=io.StringIO()) == 0
    return out.read_bytes()


def deck_text(content: bytes) -> str:
    deck = Presentation(io.BytesIO(content))
    parts = []
    for slide in deck.slides:
        parts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def figures_of(summary: dict) -> list[dict]:
    """Every figure of a `summary --public` answer."""
    found = [*summary["headlines"].values(), summary["chosen"]]
    for key in ("by_region", "by_quarter", "by_perpetrator", "by_type", "cases_by_quarter", "reached_by_quarter"):
        found += summary[key].values()
    return found


def words_that_are_not_figures(sample_db: Path, show: str, region: str | None, first: str, last: str) -> list[str]:
    """The stamp, the notes on marks, the definitions, the events and the map legend's classes: text with
    numbers in it that are not figures, removed before the figures are compared."""
    _ = translator("en")
    filters = PublicFilters(quarter_from=parse_quarter(first), quarter_to=parse_quarter(last),
                            region=region or ALL, show=show)
    with db.connect(sample_db) as conn:
        cells, k = cli.figures.protected_cells(conn)
        events = public_files.public_events(metrics.all_events(conn), filters, "en")
    data = public_files.gather(cells, k, filters, sample=True, events=events)
    texts = [*public_files.stamp(data, "en").lines(), *public.mark_texts(data.figures(), k, _)]
    texts += [_(m.definition) for m in metrics.METRICS.values()]
    texts += [title for _date, title in events]
    values = [v for v in public.map_values(data.by_region).values() if v is not None]
    texts += [c.label for c in maps.classify(values, percent=filters.choice.percent, translate=_)]
    return sorted(texts, key=len, reverse=True)


def numbers_in(text: str, remove: list[str]) -> list[float]:
    text = " ".join(text.split())
    for words in remove:  # whole words only: the legend's class "0" is not every zero
        text = re.sub(r"(?<![\w,.])" + re.escape(" ".join(words.split())) + r"(?![\w,.])", " ", text)
    text = NOT_FIGURES.sub(" ", text)
    return [float(token.replace(",", "")) for token in NUMBER.findall(text)]


@pytest.mark.parametrize(("show", "region", "first", "last"), CASES)
def test_every_number_in_the_public_brief_and_deck_is_a_figure_of_summary_public(
        sample_db, tmp_path, summary, show, region, first, last):
    answer = summary("--public", "--show", show, "--from", first, "--to", last, *(["--region", region] if region else []))
    k = answer["k"]
    allowed = {f.get("value", f.get("bound")) for f in figures_of(answer)} - {None}
    remove = words_that_are_not_figures(sample_db, show, region, first, last)
    for kind, read in (("deck.pptx", deck_text), ("brief.pdf", pdf_text)):
        text = read(export(sample_db, tmp_path, kind, show, region, first, last))
        assert "public (disclosure control applied)" in text, kind
        numbers = numbers_in(text, remove)
        assert len(numbers) >= 9, (kind, numbers)  # at least the map's figures
        assert set(numbers) <= allowed, (kind, sorted(set(numbers) - allowed))
        # Only protected figures: no exact count from 1 to k-1 anywhere.
        assert not [n for n in numbers if 0 < n < k and n == int(n)], kind
    chosen = answer["chosen"]
    if chosen["status"] != "hidden":
        shown_text = deck_text(export(sample_db, tmp_path, "deck.pptx", show, region, first, last))
        assert f'{chosen.get("value", chosen.get("bound")):,.{1 if show == "coverage_pct" else 0}f}' in shown_text


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_the_brief_s_text_stays_on_the_page_and_in_its_cards_and_no_block_touches_another(sample_db, lang):
    """Long Russian and Kyrgyz labels wrap: measured by the renderer, every text is inside the page, each
    card's texts inside the card, cards apart, and no block (text or chart) overlaps another."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from rightsmap.exports import public_brief

    # The longest choice and region names make the longest titles and labels.
    filters = PublicFilters(quarter_from=parse_quarter("2016-Q1"), quarter_to=parse_quarter("2018-Q4"),
                            region="KG-Y", show="cases_of_type:degrading_treatment")
    with db.connect(sample_db) as conn:
        cells, k = cli.figures.protected_cells(conn)
        events = public_files.public_events(metrics.all_events(conn), filters, lang)
    data = public_files.gather(cells, k, filters, sample=True, events=events)
    fig = public_brief.figure(data, lang, public_files.stamp(data, lang))
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    page = fig.bbox
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_window_extent"))
             if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 50
    for t in texts:
        box = t.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, t.get_text()
    cards = {p.get_gid(): p.get_window_extent(renderer) for p in fig.patches if (p.get_gid() or "").startswith("card")}
    assert len(cards) == len(data.headlines)
    for t in fig.texts:
        if t.get_gid() in cards:
            box, card = t.get_window_extent(renderer), cards[t.get_gid()]
            assert card.x0 < box.x0 and box.x1 < card.x1 and card.y0 < box.y0 and box.y1 < card.y1, t.get_text()
    ordered = sorted(cards.values(), key=lambda b: b.x0)
    assert all(a.x1 < b.x0 for a, b in zip(ordered, ordered[1:], strict=False)), "cards touch"
    # Blocks: the page's own texts (outside cards), the cards, and each chart with its labels and titles.
    blocks = [(t.get_text()[:30], t.get_window_extent(renderer)) for t in fig.texts if t.get_gid() not in cards]
    blocks += [(gid, box) for gid, box in cards.items()]
    blocks += [(f"axes {i}", ax.get_tightbbox(renderer)) for i, ax in enumerate(fig.axes)]
    for i, (name_a, a) in enumerate(blocks):
        for name_b, b in blocks[i + 1:]:
            assert not _boxes_overlap(a, b), (lang, name_a, name_b)


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
@pytest.mark.parametrize("quarters", [8, 20])
def test_the_slides_quarter_labels_never_touch(lang, quarters):
    """The deck's timeline and reach pictures: every quarter's label clear of its neighbours."""
    import datetime as dt
    from itertools import pairwise

    from rightsmap.exports import public_pictures

    _ = translator(lang)
    series = {dt.date(2016 + n // 4, n % 4 * 3 + 1, 1): public.Figure(public.EXACT, float(30 + n))
              for n in range(quarters)}
    for fig, ax in ((f := public_pictures.timeline(series, [], _, size=(8.5, 4.6)), f.axes[0]),
                    (f := public_pictures.reach(series, series, _), f.axes[1])):
        fig.draw_without_rendering()
        boxes = sorted((t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()), key=lambda b: b.x0)
        assert len(boxes) == quarters
        assert all(left.x1 < right.x0 for left, right in pairwise(boxes)), [t.get_text() for t in ax.get_xticklabels()]
