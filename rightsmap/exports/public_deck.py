"""The public deck (PPTX) for a meeting with officials: only public figures, stamped on every slide.

Title slide (region and period), headline figures, the map, the chosen figure quarter by quarter with its
numbered events, cases by perpetrator and by violation type, and reach against violations. Each picture
is drawn without a title or stamp (the slide carries them); each slide explains the marks it shows, and
its speaker notes give the definitions and the figures behind the picture as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches

from rightsmap.data import metrics
from rightsmap.disclosure import public
from rightsmap.disclosure.layout import ALL
from rightsmap.domain.i18n import Translator, translator
from rightsmap.exports import public_pictures, static_map
from rightsmap.exports.deck import GREY, HEIGHT, MARGIN, WIDTH, _text
from rightsmap.exports.public_files import PublicData, describe, map_figure
from rightsmap.exports.stamp import Stamp

CONTENT_TOP, CONTENT_BOTTOM = Inches(1.55), HEIGHT - Inches(1.2)
MAX_EVENTS = 9  # beside the timeline; the public page lists them all


def title_text(data: PublicData, _: Translator) -> str:
    """Names the region and the period, as the deck's first slide and the brief's title do."""
    f = data.filters
    region = _("Kyrgyzstan, all regions") if f.region == ALL else _.region(f.region)
    return _("Rights violations against sex workers: {region}, {first} to {last}", region=region,
             first=_.quarter(f.quarter_from), last=_.quarter(f.quarter_to))


def definition(key: str, _: Translator) -> str:
    """A public choice's label and the definition of what it counts."""
    choice = public.CHOICE_BY_KEY[key]
    return f"{choice.label(_)}: {_(metrics.METRICS[choice.measure].definition)}"


def _slide(deck: Deck, title: str, data: PublicData, stamp: Stamp, _: Translator,
           figures: Sequence[public.Figure], notes: Sequence[str]) -> Slide:
    """A slide with its title, the filters, the marks its figures need, the stamp, and speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    # A bold Cyrillic character is about 0.7 em wide, and a line across the slide is 900 pt: longer titles
    # (Russian and Kyrgyz run long) get a smaller size rather than a second line over the filters.
    size = max(16, min(30, int(900 / (0.7 * max(len(title), 1)))))
    if title:
        _text(slide, title, MARGIN, Inches(0.2), WIDTH - 2 * MARGIN, Inches(0.8), size=size, bold=True)
    _text(slide, describe(data.filters, _), MARGIN, Inches(1.0), WIDTH - 2 * MARGIN, Inches(0.45), size=16,
          color=GREY)
    marks = public.mark_texts(list(figures), data.k, _)
    if marks:
        # Up to three lines of 10 pt (the Kyrgyz and Russian notes run long), clear of the stamp below.
        _text(slide, "\n".join(marks), MARGIN, HEIGHT - Inches(1.15), WIDTH - 2 * MARGIN, Inches(0.6), size=10)
    # Three lines of 8 pt (the Kyrgyz stamp needs them) between the marks and the slide's foot.
    _text(slide, stamp.text(), MARGIN, HEIGHT - Inches(0.5), WIDTH - 2 * MARGIN, Inches(0.45), size=8, color=GREY)
    slide.notes_slide.notes_text_frame.text = "\n".join([*notes, *marks, "", *stamp.lines()])
    return slide


def _picture(slide: Slide, content: bytes, left: int, width: int) -> None:
    """A picture fitted into the content area's column from left, width wide, centred in it."""
    picture = slide.shapes.add_picture(io.BytesIO(content), Emu(left), CONTENT_TOP)
    scale = min(width / picture.width, (CONTENT_BOTTOM - CONTENT_TOP) / picture.height)
    picture.width, picture.height = Emu(int(picture.width * scale)), Emu(int(picture.height * scale))
    picture.left = Emu(int(left + (width - picture.width) / 2))


def _png(fig) -> bytes:
    return static_map.render(fig, "png", dpi=110)


def _figure_lines(figures: dict, name, percent: bool, _: Translator) -> list[str]:
    return [f"{name(key)}: {f.text(_, percent=percent)}" for key, f in figures.items()]


def pptx(data: PublicData, lang: str, stamp: Stamp) -> bytes:
    _ = translator(lang)
    choice = data.filters.choice
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    full = WIDTH - 2 * MARGIN

    first = _slide(deck, "", data, stamp, _, [], [_("Definitions:"), definition(choice.key, _)])
    _text(first, title_text(data, _), MARGIN, Inches(1.7), full, Inches(2.0), size=40, bold=True)
    _text(first, _("Public figures: small counts are hidden, and enough others that none can be worked out."),
          MARGIN, Inches(3.9), full, Inches(1.0), size=20)
    _text(first, _("View: {view}", view=_("public (disclosure control applied)")), MARGIN, Inches(5.0), full,
          Inches(0.6), size=20, bold=True)

    headlines = list(data.headlines.items())
    slide = _slide(deck, _("Headline figures"), data, stamp, _, [f for _k, f in headlines],
                   [_("Definitions:"), *(definition(key, _) for key, _f in headlines)])
    width = int(full / len(headlines))
    for i, (key, figure) in enumerate(headlines):
        c = public.CHOICE_BY_KEY[key]
        left = MARGIN + i * width
        _text(slide, c.label(_), left, Inches(1.9), width - Inches(0.2), Inches(1.5), size=18)
        _text(slide, figure.text(_, percent=c.percent), left, Inches(3.6), width - Inches(0.2), Inches(1.2), size=44,
              bold=True)

    by_region = list(data.by_region.values())
    slide = _slide(deck, choice.label(_), data, stamp, _, by_region,
                   [definition(choice.key, _), _("The figures behind the map:"),
                    *_figure_lines(data.by_region, _.region, choice.percent, _)])
    _picture(slide, _png(map_figure(data, lang, None)), MARGIN, int(full * 0.7))
    _text(slide, "\n".join(_figure_lines(data.by_region, _.region, choice.percent, _)), MARGIN + int(full * 0.72),
          CONTENT_TOP + Inches(0.2), int(full * 0.28), Inches(4.5), size=14)

    series = list(data.series.values())
    events = public_pictures.event_lines(data.events)
    shown = events[:MAX_EVENTS]
    if len(events) > len(shown):
        shown.append(_("… and {count} more events (see the events table).", count=len(events) - len(shown)))
    slide = _slide(deck, _("{what}, quarter by quarter", what=choice.label(_)), data, stamp, _, series,
                   [definition(choice.key, _), _("Events:") if events else _("No dated events in this period."),
                    *events, public_pictures.legend_note(series, _)])
    picture = public_pictures.timeline(data.series, data.events, _, percent=choice.percent,
                                       size=(9, 4.6) if shown else (12, 4.6))
    _picture(slide, _png(picture), MARGIN, int(full * (0.68 if shown else 1)))
    if shown:
        _text(slide, "\n".join(shown), MARGIN + int(full * 0.7), CONTENT_TOP, int(full * 0.3),
              CONTENT_BOTTOM - CONTENT_TOP, size=12)

    breakdown = [*data.by_perpetrator.values(), *data.by_type.values()]
    slide = _slide(deck, _("Cases by perpetrator and by violation type"), data, stamp, _, breakdown,
                   [definition("cases", _), _(metrics.METRICS["cases_of_type"].definition),
                    public_pictures.legend_note(breakdown, _)])
    _picture(slide, _png(public_pictures.breakdown(data.by_perpetrator, data.by_type, _)), MARGIN, full)

    reach = [*data.cases_series.values(), *data.reached_series.values()]
    slide = _slide(deck, _("Reach against violations"), data, stamp, _, reach,
                   [definition("cases", _), definition("reached", _), public_pictures.legend_note(reach, _)])
    _picture(slide, _png(public_pictures.reach(data.cases_series, data.reached_series, _)), MARGIN, full)

    deck.core_properties.title = title_text(data, _)[:255]
    deck.core_properties.subject = stamp.text()[:255]  # the format allows no more
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
