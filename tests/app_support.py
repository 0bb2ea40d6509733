"""Opening the dashboard in AppTest, as a visitor or as a logged-in staff member."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from streamlit.testing.v1 import AppTest

from rightsmap.data import auth
from rightsmap.domain import config
from rightsmap.web import staff

STAFF_NAME = "tester"
STAFF_PASSWORD = "a long test password"


def log_in(at: AppTest, name: str = STAFF_NAME) -> AppTest:
    """Start the session as logged in (the account must exist in $RIGHTSMAP_USERS; conftest makes one)."""
    at.session_state[staff.SESSION_KEY] = auth.StaffSession(name=name, last_seen=staff._now())
    return at


def open_dashboard(page: str | None = None, *, staff_view: bool = True, query: Mapping[str, str] | None = None,
                   check: bool = True) -> AppTest:
    """The dashboard run once, then switched to page (a file under pages/) if given."""
    at = AppTest.from_file(str(config.ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(dict(query or {}))
    if staff_view:
        log_in(at)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at


def switch_to_address(at: AppTest, url_path: str) -> AppTest:
    """Open the page registered at an address (switch_page only finds pages that are files; a locked staff
    page is a function). Uses AppTest's registry of pages, as switch_page itself does."""
    for page_hash, info in at._registered_pages.items():
        if info.get("url_pathname") == url_path:
            at._page_hash = page_hash
            return at
    raise ValueError(f"no page at /{url_path}; known: {[i.get('url_pathname') for i in at._registered_pages.values()]}")


def map_reports(monkeypatch, report: dict | Callable[..., dict]) -> list[dict]:
    """Make every map on the page report `report` (what a click sends back); returns what was sent to it.

    The maps reach the browser through rightsmap.web.mapview, which sends streamlit-folium's component
    the arguments st_folium computed; this stands in for that component.
    """
    from rightsmap.web import mapview

    sent: list[dict] = []

    def component(**kwargs):
        sent.append(kwargs)
        return report(**kwargs) if callable(report) else report

    monkeypatch.setattr(mapview, "_COMPONENT", component)
    return sent


def drawn_layers(monkeypatch) -> list:
    """The folium regions layers the maps render from now on (their rendering cache emptied first)."""
    from rightsmap.web import mapview

    layers = []
    render = mapview.render

    def recording(layer, **kwargs):
        layers.append(layer)
        return render(layer, **kwargs)

    mapview._arguments.clear()
    monkeypatch.setattr(mapview, "render", recording)
    return layers
