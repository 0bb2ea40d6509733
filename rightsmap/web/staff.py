"""The staff login in Streamlit: who is logged in, the login form, and the log-out button.

A staff page starts with `if staff.current_user() is None: staff.login_form(); st.stop()`.
Session state whose key starts with "staff" belongs to the staff view: it is cleared on
log-out and when the session expires, so staff pages should keep their state under such keys.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from rightsmap.data import auth
from rightsmap.domain import config
from rightsmap.domain.vocab import N_
from rightsmap.web import preload, ui

SESSION_KEY = "staff"
STAFF_PREFIX = "staff"
_NOTICE_KEY = "staff_notice"  # set when a session expired; shown once on the login form
_RESULT_KEY = "staff_login_result"  # the last attempt's outcome, set by the form's callback
_NAME_KEY = "staff_login_name"
_PASSWORD_KEY = "staff_login_password"
_SEAT_KEY = "staff_seat"
T = TypeVar("T")

BROKEN = N_("The staff accounts file cannot be read. Ask the administrator to check the server's log.")

_now = time.monotonic  # the clock for sessions; tests replace it
_log = logging.getLogger(__name__)


class SessionEnded(Exception):
    """A staff action found the session over: expired, logged out, or the account removed."""


@dataclasses.dataclass
class Seat:
    """One login as an object that outlives the script's run: an action run later (a deferred download)
    asks it whether the session still holds at that moment, not when the page was drawn."""

    name: str
    last_seen: float
    ended: bool = False

    def check(self) -> None:
        """Raise SessionEnded unless the session is live and the account still exists."""
        if self.ended or auth.expired(auth.StaffSession(self.name, self.last_seen), _now(), config.SESSION_MINUTES):
            raise SessionEnded(N_("your staff session has ended; log in again"))
        try:
            exists = auth.user_exists(self.name)
        except auth.AuthError:
            exists = False
        if not exists:
            raise SessionEnded(N_("your staff session has ended; log in again"))


def _clear_staff_state() -> None:
    seat = st.session_state.get(_SEAT_KEY)
    if isinstance(seat, Seat):
        seat.ended = True  # actions drawn for this session stop working, whoever still holds them
    for key in [k for k in st.session_state if str(k).startswith(STAFF_PREFIX)]:
        del st.session_state[key]


def current_user() -> str | None:
    """The logged-in staff member's name, or None. Counts this run as activity."""
    session = st.session_state.get(SESSION_KEY)
    if not isinstance(session, auth.StaffSession):
        return None
    now = _now()
    if auth.expired(session, now, config.SESSION_MINUTES):
        _clear_staff_state()
        st.session_state[_NOTICE_KEY] = config.SESSION_MINUTES
        return None
    try:
        still_there = auth.user_exists(session.name)
    except auth.AuthError:
        still_there = False
    if not still_there:  # the account was removed (or the file broke) since the login
        _clear_staff_state()
        return None
    st.session_state[SESSION_KEY] = dataclasses.replace(session, last_seen=now)
    seat = st.session_state.get(_SEAT_KEY)
    if not isinstance(seat, Seat) or seat.ended or seat.name != session.name:
        seat = st.session_state[_SEAT_KEY] = Seat(session.name, now)
    seat.last_seen = now
    return session.name


def acting_user() -> str | None:
    """The first line of a staff action's callback: the live name, or None and the action is not done.

    Callbacks run before the page, so the page's own check has not run yet for this click: a button
    drawn before the session expired or the account was removed must not act after it.
    """
    return current_user()


def guarded(make: Callable[[], T]) -> Callable[[], T]:
    """make, run only while this page's staff session still holds: for deferred downloads, which run
    when clicked, outside any script run."""
    seat = st.session_state.get(_SEAT_KEY)

    def run() -> T:
        if not isinstance(seat, Seat):
            raise SessionEnded(N_("your staff session has ended; log in again"))
        seat.check()
        return make()

    return run


def _attempt() -> None:
    """The login button's callback: it runs before the script, so it may clear the password field."""
    name = str(st.session_state.get(_NAME_KEY) or "").strip()
    password = st.session_state.get(_PASSWORD_KEY) or ""
    st.session_state[_PASSWORD_KEY] = ""  # never kept, whatever the outcome
    if not name or not password:
        st.session_state[_RESULT_KEY] = ("empty", 0)
        return
    wait = auth.THROTTLE.admit(name)  # counted before the hash, so parallel attempts cannot all get through
    if wait > 0:
        st.session_state[_RESULT_KEY] = ("throttled", max(1, math.ceil(wait)))
        return
    try:
        stored_name = auth.authenticate(name, password)
    except auth.AuthError as exc:
        _log.error("staff login impossible: %s", exc)
        st.session_state[_RESULT_KEY] = ("broken", 0)
        return
    if stored_name is None:
        st.session_state[_RESULT_KEY] = ("wrong", 0)
        return
    auth.THROTTLE.record_success(name)
    _clear_staff_state()
    st.session_state[SESSION_KEY] = auth.StaffSession(name=stored_name, last_seen=_now())


def login_form() -> None:
    """The login form, with why the last attempt failed or the session ended."""
    _ = ui.translator()
    minutes = st.session_state.pop(_NOTICE_KEY, None)
    if minutes is not None:
        st.info(_("Your staff session ended after {minutes} minutes without activity. Log in again.",
                  minutes=minutes), icon=":material/timer_off:")
    try:
        anybody = auth.has_users()
    except auth.AuthError as exc:
        # The details (a server path) go to the server's log, not to a page anybody can open.
        _log.error("staff login impossible: %s", exc)
        st.error(_(BROKEN))
        return
    if not anybody:
        st.info(_("No staff accounts exist yet. On the server, create one with `python -m rightsmap users add NAME`."))
        return
    outcome, seconds = st.session_state.pop(_RESULT_KEY, (None, 0))
    if outcome == "throttled":
        st.error(_("Too many failed logins. Try again in {seconds} seconds.", seconds=seconds))
    elif outcome == "wrong":
        st.error(_("Wrong user name or password."))
    elif outcome == "empty":
        st.warning(_("Enter your user name and password."))
    elif outcome == "broken":
        st.error(_(BROKEN))
    with st.form("staff_login_form"):
        st.text_input(_("User name"), key=_NAME_KEY, max_chars=auth.NAME_MAX, autocomplete="username")
        st.text_input(_("Password"), key=_PASSWORD_KEY, type="password", max_chars=auth.PASSWORD_MAX,
                      autocomplete="current-password")
        st.form_submit_button(_("Log in"), on_click=_attempt, type="primary")
    # The staff pages' charts need Altair, which the public view never imports: import it while the
    # person types, so their first page after the login does not wait for it.
    preload.preload_in_background(preload.PRELOAD_STAFF)


def logout_button() -> None:
    """A "Log out" button in the sidebar; its callback ends the session before the page is drawn again."""
    _ = ui.translator()
    st.sidebar.button(_("Log out"), key="staff_logout", on_click=_clear_staff_state, icon=":material/logout:")


def login_page() -> None:
    """What a staff page's address shows to somebody who is not logged in."""
    _ = ui.translator()
    st.title(_("Staff login"))
    st.markdown(_("This page shows exact counts and is for the network's staff. Log in to open it; "
                  "the public view needs no login."))
    login_form()


def require() -> str:
    """The first line of every staff page: the logged-in name, or the login form and nothing else.

    The navigation already hides staff pages from visitors; this also covers a page file that
    Streamlit runs on its own (see ui.ensure_entry_script_ran) or a future page wired wrongly.
    """
    ui.ensure_entry_script_ran()
    name = current_user()
    if name is None:
        login_page()
        st.stop()
    return name
