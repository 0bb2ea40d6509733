"""A PPTX deck of the presentation's slides, for one view or for every view of a story."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from rightsmap.domain.i18n import Translator, translator
from rightsmap.exports import static_charts, static_map
from rightsmap.exports.data import ExportData, event_titles
from rightsmap.exports.slides import SLIDES, comparison_note, headline, metric_label
from rightsmap.exports.stamp import Stamp, describe_filters

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.4)
BLACK = RGBColor(0, 0, 0)
GREY = RGBColor(0x33, 0x33, 0x33)
PICTURE_TOP, PICTURE_HEIGHT = Inches(1.5), Inches(5.3)


def _text(slide: Slide, text: str, left, top, width, height, *, size: int, bold: bool = False,
          color: RGBColor = BLACK) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, color


def _slide(deck: Deck, title: str, stamp: Stamp) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    _text(slide, title, MARGIN, Inches(0.25), WIDTH - 2 * MARGIN, Inches(0.8), size=32, bold=True)
    _text(slide, stamp.text(), MARGIN, HEIGHT - Inches(0.55), WIDTH - 2 * MARGIN, Inches(0.45), size=9, color=GREY)
    slide.notes_slide.notes_text_frame.text = "\n".join(stamp.lines())
    return slide


def _picture(slide: Slide, content: bytes, max_height: int = PICTURE_HEIGHT) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(content), MARGIN, PICTURE_TOP)
    scale = min((WIDTH - 2 * MARGIN) / picture.width, max_height / picture.height)
    picture.width, picture.height = Emu(int(picture.width * scale)), Emu(int(picture.height * scale))
    picture.left = Emu(int((WIDTH - picture.width) / 2))


def _subtitle(slide: Slide, data: ExportData, _: Translator) -> None:
    _text(slide, describe_filters(data.filters, _), MARGIN, Inches(0.95), WIDTH - 2 * MARGIN, Inches(0.5),
          size=14, color=GREY)


def add_slide(deck: Deck, kind: str, data: ExportData, lang: str, stamp: Stamp) -> Slide:
    """One presentation slide (headline, map, timeline or reach) for the data."""
    _ = translator(lang)
    title = metric_label(data, _) if kind == "map" else _(SLIDES[kind])
    slide = _slide(deck, title, stamp)
    _subtitle(slide, data, _)
    if kind == "headline":
        figures = headline(data, _)
        width = (WIDTH - 2 * MARGIN) / len(figures)
        for i, figure in enumerate(figures):
            left = MARGIN + int(i * width)
            _text(slide, figure.label, left, Inches(2.2), int(width), Inches(0.9), size=20)
            _text(slide, figure.value, left, Inches(3.1), int(width), Inches(1.2), size=48, bold=True)
            if figure.change:
                _text(slide, figure.change, left, Inches(4.4), int(width), Inches(0.6), size=20, color=GREY)
        _text(slide, comparison_note(data, _), MARGIN, Inches(5.6), WIDTH - 2 * MARGIN, Inches(0.5), size=14,
              color=GREY)
    elif kind == "map":
        # The stamp is on the slide already; the picture is the map alone, at projector size.
        _picture(slide, static_map.png(data, lang, stamp, dpi=110))
    elif kind == "timeline":
        _picture(slide, static_charts.png("timeline", data, lang, stamp, scale=1.5), max_height=Inches(4.4))
        titles = event_titles(data.events, lang)
        lines = [f"{n}. {d:%Y-%m} — {t}" for n, (d, t) in enumerate(zip(data.events["event_date"], titles,
                                                                         strict=True), start=1)]
        _text(slide, "\n".join(lines[:6]), MARGIN, Inches(6.0), WIDTH - 2 * MARGIN, Inches(0.9), size=11)
    elif kind == "reach":
        _picture(slide, static_charts.png("reach", data, lang, stamp, scale=1.5))
    else:
        raise ValueError(f"unknown slide {kind!r}; known: {', '.join(SLIDES)}")
    return slide


def pptx(items: Sequence[tuple[str, ExportData]], lang: str, stamps: Sequence[Stamp], *, title: str) -> bytes:
    """A deck: a title slide, then one slide per (slide kind, data), each with its own stamp."""
    if not items:
        raise ValueError("a deck needs at least one slide")
    _ = translator(lang)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = _slide(deck, title, stamps[0])
    _text(first, describe_filters(items[0][1].filters, _), MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(0.6),
          size=18, color=GREY)
    _text(first, "\n".join(stamps[0].lines()), MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(3), size=16)
    for (kind, data), stamp in zip(items, stamps, strict=True):
        add_slide(deck, kind, data, lang, stamp)
    deck.core_properties.title = title
    deck.core_properties.subject = stamps[0].text()[:255]  # the format allows no more
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def presentation(data: ExportData, lang: str, stamp: Stamp) -> bytes:
    """The four slides of presentation mode for one view."""
    _ = translator(lang)
    return pptx([(kind, data) for kind in SLIDES], lang, [stamp] * len(SLIDES), title=_("rightsmap: presentation"))
