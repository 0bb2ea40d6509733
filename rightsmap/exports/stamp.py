"""The stamp every export carries: filters and period, view, data source, date generated, suppression note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rightsmap.domain.filters import Filters, month_text
from rightsmap.domain.i18n import Translator, translator
from rightsmap.exports.data import VIEWS, ExportData


@dataclass(frozen=True)
class Stamp:
    filters: str
    view: str
    source: str
    generated: str
    suppression: str

    def lines(self) -> list[str]:
        return [self.filters, self.view, self.source, self.generated, self.suppression]

    def text(self) -> str:
        """The stamp on one line, for footers."""
        return " | ".join(self.lines())


def describe_filters(filters: Filters, _: Translator) -> str:
    """Regions · period · violation types · perpetrators, in words."""
    default = Filters()
    regions = (_("all regions") if filters.regions == default.regions
               else ", ".join(_.region(code) for code in filters.regions))
    period = _("{first} to {last}", first=month_text(filters.month_from), last=month_text(filters.month_to))
    types = (_("all violation types") if filters.types == default.types
             else ", ".join(_.violation_type(code) for code in filters.types))
    perpetrators = (_("all perpetrators") if filters.perpetrators == default.perpetrators
                    else ", ".join(_.perpetrator(code) for code in filters.perpetrators))
    return " · ".join([regions, period, types, perpetrators])


def make(data: ExportData, lang: str, *, generated: dt.date | None = None) -> Stamp:
    _ = translator(lang)
    if data.source.sample:
        source = _("sample data (synthetic, illustrative)")
    elif data.source.latest_batch is None:
        source = _("imported data")
    else:
        source = _("imported data, last batch {batch}", batch=data.source.latest_batch)
    return Stamp(
        filters=_("Filters: {filters}", filters=describe_filters(data.filters, _)),
        view=_("View: {view}", view=_(VIEWS[data.view])),
        source=_("Data: {source}", source=source),
        generated=_("Generated {date}", date=(generated or dt.date.today()).isoformat()),
        suppression=_("Small counts are not suppressed in this view: do not publish it outside the network."),
    )
