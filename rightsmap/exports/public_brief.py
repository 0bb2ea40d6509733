"""The public brief: one A4 page of public figures only, laid out by measuring its text.

Every block is placed below the one before it, at the height its text needs once wrapped to the width
it has, as the renderer measures it (Russian and Kyrgyz labels run long). Cards sit in a row with a gap
between them, so they never touch. Each card's rectangle and texts carry the gid "card-N", so a test
can check that the texts stay inside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from rightsmap.disclosure import public
from rightsmap.domain.i18n import Translator, translator
from rightsmap.exports import public_pictures, static_map
from rightsmap.exports.public_deck import definition, title_text
from rightsmap.exports.public_files import PublicData, describe, draw_map
from rightsmap.exports.stamp import Stamp

PAGE = (8.27, 11.69)  # A4, inches
MARGIN, GAP = 0.45, 0.14  # inches: page margin, gap between cards and between blocks
MAX_EVENTS = 8


class Page:
    """Places wrapped text and axes top-down on an A4 figure, measuring each block."""

    def __init__(self) -> None:
        self.fig = MplFigure(figsize=PAGE)
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        self.top = MARGIN  # the next free position, in inches from the page's top

    def wrap(self, text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
        """text broken into lines no wider than width inches at this font size."""
        font = FontProperties(family=static_map.FONT, size=size, weight="bold" if bold else "normal")
        limit = width * self.fig.dpi
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                w, _h, _d = self.renderer.get_text_width_height_descent(candidate, font, ismath=False)
                if w <= limit or not line:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    def height(self, text: str, size: float, width: float, *, bold: bool = False) -> float:
        """How tall text is once wrapped to width, in inches, as the renderer draws it."""
        artist = self._place(text, size, MARGIN, width, 0.0, bold, "#000000", None)
        height = artist.get_window_extent(self.renderer).height / self.fig.dpi
        artist.remove()
        return height

    def _place(self, text, size, left, width, top, bold, color, gid):
        return self.fig.text(left / PAGE[0], 1 - top / PAGE[1], "\n".join(self.wrap(text, size, width, bold=bold)),
                             fontsize=size, va="top", ha="left", fontweight="bold" if bold else "normal", color=color,
                             linespacing=1.3, gid=gid)

    def text(self, text: str, size: float, *, left: float = MARGIN, width: float | None = None, top: float | None = None,
             bold: bool = False, color: str = "#000000", gid: str | None = None) -> float:
        """Wrapped text from (left, top) inches; returns its height in inches (the page's top moves only
        when top is not given)."""
        width = width if width is not None else PAGE[0] - 2 * MARGIN
        artist = self._place(text, size, left, width, self.top if top is None else top, bold, color, gid)
        height = artist.get_window_extent(self.renderer).height / self.fig.dpi
        if top is None:
            self.top += height
        return height

    def axes(self, height: float, *, left: float = MARGIN, width: float | None = None, bottom_room: float = 0.0):
        """Axes height inches tall at the page's top (with bottom_room below them for tick labels)."""
        width = width if width is not None else PAGE[0] - 2 * MARGIN
        ax = self.fig.add_axes((left / PAGE[0], 1 - (self.top + height) / PAGE[1], width / PAGE[0], height / PAGE[1]))
        self.top += height + bottom_room
        return ax


def _cards(page: Page, data: PublicData, _: Translator) -> None:
    items = list(data.headlines.items())
    inner = PAGE[0] - 2 * MARGIN
    width = (inner - GAP * (len(items) - 1)) / len(items)
    pad = 0.08
    labels = [public.CHOICE_BY_KEY[key].label(_) for key, _f in items]
    label_height = max(page.height(label, 8.5, width - 2 * pad) for label in labels)
    value_size = 15
    height = pad + label_height + 0.06 + page.height("0", value_size, width, bold=True) + pad
    for i, ((key, figure), label) in enumerate(zip(items, labels, strict=True)):
        left = MARGIN + i * (width + GAP)
        gid = f"card-{i}"
        page.fig.patches.append(Rectangle((left / PAGE[0], 1 - (page.top + height) / PAGE[1]), width / PAGE[0],
                                          height / PAGE[1], transform=page.fig.transFigure, fc="#f2f2f2",
                                          ec="#999999", gid=gid))
        page.text(label, 8.5, left=left + pad, width=width - 2 * pad, top=page.top + pad, gid=gid)
        page.text(figure.text(_, percent=public.CHOICE_BY_KEY[key].percent), value_size, left=left + pad,
                  width=width - 2 * pad, top=page.top + pad + label_height + 0.06, bold=True, gid=gid)
    page.top += height + GAP


def _notes(data: PublicData, _: Translator, max_events: int = MAX_EVENTS, every_definition: bool = True) -> list[str]:
    events = public_pictures.event_lines(data.events)
    shown = events[:max_events]
    if len(events) > len(shown):
        shown.append(_("… and {count} more events (see the events table).", count=len(events) - len(shown)))
    notes = [_("Events:"), *shown] if shown else [_("No dated events in this period.")]
    notes += public.mark_texts(data.figures(), data.k, _)
    notes.append(public_pictures.legend_note(data.figures(), _))
    keys = [data.filters.choice.key, *data.headlines] if every_definition else [data.filters.choice.key]
    notes += [definition(key, _) for key in dict.fromkeys(keys)]
    return [n for n in notes if n]


NOTE_SIZE = 6.5


def _label_width(page: Page, labels: Sequence[str], size: float) -> float:
    """The widest of labels at this font size, in inches."""
    props = FontProperties(family=static_map.FONT, size=size)
    return max(page.renderer.get_text_width_height_descent(t, props, ismath=False)[0] for t in labels) / page.fig.dpi


def figure(data: PublicData, lang: str, stamp: Stamp) -> MplFigure:
    _ = translator(lang)
    choice = data.filters.choice
    inner = PAGE[0] - 2 * MARGIN
    with static_map.drawing():
        page = Page()
        page.text(title_text(data, _), 15, bold=True)
        page.top += 0.04
        page.text(describe(data.filters, _), 9, color="#333333")
        page.top += GAP
        _cards(page, data, _)
        page.text(choice.label(_), 10, bold=True)
        page.top += 0.05
        map_ax = page.axes(2.5, width=inner - 2.2)
        draw_map(map_ax, data, _, font_size=6.5)
        # Beside the map, not over it: at this size the legend's corner covered Naryn.
        legend = map_ax.get_legend()
        legend.set_loc("center left")
        legend.set_bbox_to_anchor((1.01, 0.5))
        page.top += GAP
        page.text(_("{what}, quarter by quarter", what=choice.label(_)), 10, bold=True)
        page.top += 0.05
        quarter_labels = [_.quarter(q) for q in data.series]
        below = (_label_width(page, quarter_labels, 6.5) if len(quarter_labels) > 8
                 else page.height(quarter_labels[0], 6.5, inner)) + 0.1
        timeline_ax = page.axes(1.0, bottom_room=below)
        public_pictures.quarter_bars(timeline_ax, data.series, _, percent=choice.percent, font_size=6.5,
                                     headroom=1.45)
        public_pictures.mark_events(timeline_ax, list(data.series), data.events, font_size=6.5)
        page.top += GAP
        page.text(_("Cases by perpetrator and by violation type"), 10, bold=True)
        page.top += 0.05
        _breakdown(page, data, _)
        page.top += GAP
        stamp_lines = "\n".join(stamp.lines())
        stamp_top = PAGE[1] - MARGIN - page.height(stamp_lines, NOTE_SIZE, inner)
        # The notes take the room left above the stamp: events are cut first (the public page lists them
        # all), then the definitions other than the chosen figure's (the About page has them).
        for max_events, every in [*((n, True) for n in range(MAX_EVENTS, -1, -1)), (0, False)]:
            notes = "\n".join(_notes(data, _, max_events, every))
            if page.top + page.height(notes, NOTE_SIZE, inner) <= stamp_top - GAP:
                break
        page.text(notes, NOTE_SIZE)
        page.text(stamp_lines, NOTE_SIZE, top=stamp_top, color="#222222")
    return page.fig


def _breakdown(page: Page, data: PublicData, _: Translator) -> None:
    inner = PAGE[0] - 2 * MARGIN
    font = NOTE_SIZE
    columns: Sequence = ((data.by_perpetrator, _.perpetrator, _("By perpetrator")),
                         (data.by_type, _.violation_type, _("By violation type")))
    page.top += page.height(columns[0][2], font * 1.1, inner, bold=True) + 0.08  # the axes' own headings
    top, height = page.top, 0.11 * len(data.by_type)
    left = MARGIN
    for figures, name, heading in columns:
        label_room = _label_width(page, [name(code) for code in figures], font) + 0.1
        width = (inner - GAP) / 2 - label_room
        page.top = top
        ax = page.axes(height, left=left + label_room, width=width)
        public_pictures.breakdown_axes(ax, figures, name, heading, _, font_size=font)
        left += label_room + width + GAP
    page.top = top + height


def pdf(data: PublicData, lang: str, stamp: Stamp) -> bytes:
    _ = translator(lang)
    metadata = {"Title": title_text(data, _), "Subject": stamp.text(), "Creator": "rightsmap"}
    return static_map.render(figure(data, lang, stamp), "pdf", metadata=metadata)
