"""A staff page's own choices in its link, beside the shared filters: a copied link reopens the same view.

The shared filters travel in the URL through rightsmap.web.ui. A page's own choices (the map's metric and
clicked region, the Timelines series, step and "compare regions" switch) travel here, as codes, never
as labels, so a link opens the same view in any language. A page seeds its widgets from the link
before drawing them (seed) and writes their values back after (mirror). A value that is not a known
code falls back to the default, and a notice names that default by its label in the chosen language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from rightsmap.domain.filters import Notice
from rightsmap.domain.i18n import Translator
from rightsmap.domain.vocab import N_
from rightsmap.web.ui import OPENING_LINK

ON, OFF = "1", "0"
_SEEDED = "link_seeded_pages"  # pages that took their choices from the link once in this session


@dataclass(frozen=True)
class Choice:
    """One choice of a page: its URL parameter, its widget's key, its known codes and its default.

    default_label is the default's name as a message (translated when the notice is shown). A switch
    (a toggle) holds True or False in its widget and "1" in the link.
    """

    param: str
    key: str
    codes: tuple[str, ...]
    default: str | None
    default_label: str
    switch: bool = False

    def parse(self, raw: str) -> object:
        """The widget's value for a link's text; ValueError for an unknown code."""
        text = str(raw).strip()
        if self.switch:
            if text not in (ON, OFF):
                raise ValueError(text)
            return text == ON
        if text not in self.codes:
            raise ValueError(text)
        return text

    def code(self, value: object) -> str | None:
        """The link's text for a widget's value; None when it is the default (left out of the link)."""
        if self.switch:
            return ON if value else None
        return None if value is None or value == self.default else str(value)


BAD_CODE = N_("Ignored {key}={value} in the link: not a known code. Showing {default}.")


def seed(page: str, choices: Sequence[Choice]) -> list[Notice]:
    """Before a page draws its widgets: each widget that has no state yet takes its value from the link.

    The first time a page is drawn in a session it also reads the link the session was opened with (a
    staff link opened before the login keeps its choices). Returns notices for values that fell back.
    """
    params: dict[str, str] = dict(st.query_params.to_dict())
    seeded: set[str] = st.session_state.setdefault(_SEEDED, set())
    if page not in seeded:
        params = {**st.session_state.get(OPENING_LINK, {}), **params}
        seeded.add(page)
    notices: list[Notice] = []
    for choice in choices:
        raw = params.get(choice.param)
        if raw is None or choice.key in st.session_state:
            continue
        try:
            st.session_state[choice.key] = choice.parse(raw)
        except ValueError:
            notices.append(Notice(BAD_CODE, (("key", choice.param), ("value", str(raw)[:30]),
                                             ("default", choice.default_label)), translated=("default",)))
    return notices


def mirror(choices: Sequence[Choice], values: Mapping[str, object]) -> None:
    """Make the link hold these choices' values (by parameter); a default or missing value is left out."""
    for choice in choices:
        code = choice.code(values.get(choice.param))
        if code is None:
            if choice.param in st.query_params:
                del st.query_params[choice.param]
        elif st.query_params.get(choice.param) != code:
            st.query_params[choice.param] = code


def show_notices(notices: Sequence[Notice], _: Translator) -> None:
    for notice in notices:
        st.warning(notice.text(_), icon=":material/link_off:")
