"""Staff actions check the live session when they act, not when the page was drawn.

A button drawn while logged in must do nothing once the session expired or the account was removed:
import, undo, every download of the staff view, and saving a story.
"""

from __future__ import annotations

import pytest
from app_support import STAFF_NAME, STAFF_PASSWORD, open_dashboard
from import_helpers import CASES_HEADER, run_import, write
from streamlit.runtime.media_file_manager import MediaFileManager

from rightsmap.data import auth
from rightsmap.domain import config
from rightsmap.records import store
from rightsmap.records.importing.report import list_batches
from rightsmap.web import staff

FOUR_CASES = (CASES_HEADER + "\n" + "\n".join(["05.01.2017;Бишкек;extortion;police;да;3;100;нет"] * 3)
              + "\n06.02.2017;Ош;threats;pimp;;;;\n")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(staff, "_now", clock)
    return clock


@pytest.fixture()
def own_account(tmp_path, monkeypatch):
    """An accounts file of this test's own, so that removing the account touches no other test."""
    monkeypatch.setenv("RIGHTSMAP_USERS", str(tmp_path / "users.json"))
    auth.add_user(STAFF_NAME, STAFF_PASSWORD)


@pytest.fixture()
def real_db(tmp_path, monkeypatch):
    target = store.create_empty(tmp_path / "real.duckdb")
    monkeypatch.setenv("RIGHTSMAP_DB", str(target))
    return target


@pytest.fixture()
def deferred(monkeypatch):
    """The callables that download buttons register, by file id (AppTest cannot click a download)."""
    registered = {}
    original = MediaFileManager.add_deferred

    def recording(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        registered[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return registered


def end_session(how: str, clock: Clock) -> None:
    if how == "expired":
        clock.now += config.SESSION_MINUTES * 60 + 1
    else:
        auth.remove_user(STAFF_NAME)


def previewed(tmp_path):
    at = open_dashboard("pages/data.py", query={"lang": "en"})
    at.file_uploader[0].set_value(("cases.csv", FOUR_CASES.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button(key="import_confirm")
    return at


@pytest.mark.parametrize("how", ["expired", "removed"])
def test_an_import_previewed_before_the_session_ended_is_not_written(real_db, own_account, clock, tmp_path, how):
    at = previewed(tmp_path)
    end_session(how, clock)
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert list_batches(real_db).empty
    assert "Imported as batch" not in " ".join(s.value for s in at.success)


def test_the_import_still_works_in_a_live_session(real_db, own_account, clock, tmp_path):
    at = previewed(tmp_path)
    clock.now += config.SESSION_MINUTES * 60 - 1
    at.button(key="import_confirm").click().run()
    assert len(list_batches(real_db)) == 1


@pytest.mark.parametrize("how", ["expired", "removed"])
def test_an_undo_drawn_before_the_session_ended_removes_nothing(real_db, own_account, clock, tmp_path, how):
    code, report = run_import("cases", write(tmp_path / "c.csv", FOUR_CASES), real_db)
    assert code == 0, report
    at = open_dashboard("pages/data.py", query={"lang": "en"})
    at.selectbox(key="undo_batch").set_value(1).run()
    end_session(how, clock)
    at.button(key="undo_confirm").click().run()
    assert not at.exception
    assert list(list_batches(real_db)["id"]) == [1]


@pytest.mark.parametrize("how", ["expired", "removed"])
def test_a_download_panel_opened_before_the_session_ended_makes_no_file(sample_db, own_account, clock, deferred,
                                                                         monkeypatch, how):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard("pages/overview.py", query={"lang": "en"})
    at.session_state["downloads-open"] = True
    at.run()
    buttons = {b.proto.deferred_file_id for b in at.get("download_button")}
    assert buttons and buttons <= deferred.keys()
    table = next(iter(sorted(buttons)))
    assert deferred[table]()  # while the session lives, a click makes the file
    end_session(how, clock)
    for file_id in buttons:
        with pytest.raises(staff.SessionEnded):
            deferred[file_id]()


def test_a_log_out_ends_the_downloads_drawn_before_it(sample_db, own_account, clock, deferred, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard("pages/overview.py", query={"lang": "en"})
    at.session_state["downloads-open"] = True
    at.run()
    file_id = at.get("download_button")[0].proto.deferred_file_id
    at.sidebar.button(key="staff_logout").click().run()
    with pytest.raises(staff.SessionEnded):
        deferred[file_id]()


def test_a_story_save_drawn_before_the_account_was_removed_saves_nothing(sample_db, own_account, clock, deferred,
                                                                         monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    at = open_dashboard("pages/present.py", query={"lang": "en"})
    at.button(key="present_add").click().run()
    save = next(b for b in at.get("download_button") if b.key == "present_story_save")
    assert b'"views"' in deferred[save.proto.deferred_file_id]().encode()
    end_session("removed", clock)
    with pytest.raises(staff.SessionEnded):
        deferred[save.proto.deferred_file_id]()
