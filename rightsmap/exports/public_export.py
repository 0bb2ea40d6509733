"""One public export's bytes, by kind: the CSV and the map (public_files), the brief and the deck.

The drawing modules are imported on the first export, not with the public page (matplotlib, python-pptx).
"""

from __future__ import annotations

import datetime as dt

from rightsmap.exports.public_files import KINDS, PublicData, csv_bytes, map_figure, stamp


def export(kind: str, data: PublicData, lang: str, *, generated: dt.date | None = None) -> bytes:
    """The bytes of one public export, stamped."""
    stamp_ = stamp(data, lang, generated=generated)
    if kind == "data.csv":
        return csv_bytes(data, lang, stamp_)
    from rightsmap.exports import pngtext, static_map

    if kind == "map.png":
        return pngtext.with_text(static_map.render(map_figure(data, lang, stamp_), "png", dpi=150),
                                 "Description", stamp_.text())
    if kind == "map.svg":
        return static_map.render(map_figure(data, lang, stamp_), "svg", metadata={"Description": stamp_.text()})
    if kind == "brief.pdf":
        from rightsmap.exports import public_brief

        return public_brief.pdf(data, lang, stamp_)
    if kind == "deck.pptx":
        from rightsmap.exports import public_deck

        return public_deck.pptx(data, lang, stamp_)
    raise ValueError(f"the public view exports {', '.join(KINDS)}; not {kind!r}")
