"""bench/elements.py: its command line, and the floor page drawing the parts of the page it names.

The timings themselves are a benchmark (bench/README.md); these checks make sure the tool measures the
page it says it measures, and refuses a wrong argument with a message instead of a traceback.
"""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from bench import elements
from rightsmap.domain import config

FLOOR_PAGE = config.ROOT / "bench" / "floor_page.py"
UNCHANGING = "A line of text that never changes"


def _floor_page_sections() -> tuple[str, ...]:
    tree = ast.parse(FLOOR_PAGE.read_text(encoding="utf-8"))
    found = [ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "SECTIONS" for t in node.targets)]
    assert len(found) == 1, "bench/floor_page.py must define SECTIONS once"
    return found[0]


def test_the_tool_and_the_floor_page_know_the_same_sections():
    assert elements.SECTIONS == _floor_page_sections()


@pytest.mark.parametrize(("given", "extra"), [
    ("captions:30", "captions:30"),
    ("headlines", "headlines"),
    ("captions:15+timeline", "captions:15,timeline"),
    ("sections", "headlines,timeline,breakdown,marks,events"),
])
def test_a_variant_becomes_the_floor_page_s_parts(given, extra):
    assert elements.variant(given) == extra


@pytest.mark.parametrize("given", ["captions:0", "captions:201", "captions:x", "captions:", "legend", "", "map"])
def test_a_wrong_part_is_named(given):
    with pytest.raises(ValueError, match=repr(given)):
        elements.variant(given)


@pytest.mark.parametrize(("argv", "message"), [
    (["bogus"], "'bogus' is not a part of the page"),
    (["headlines+nothing"], "'nothing' is not a part of the page"),
    (["--changes", "99"], "'99' is not a whole number from 2 to 30"),
    (["--rounds", "two"], "'two' is not a whole number from 1 to 6"),
    (["--json", "/no/such/folder/out.json"], "there is no folder /no/such/folder"),
])
def test_a_bad_argument_stops_with_a_message_before_any_server_starts(argv, message, capsys, monkeypatch):
    monkeypatch.setattr(elements, "measure", lambda *a: pytest.fail("measured despite a bad argument"))
    with pytest.raises(SystemExit) as stopped:
        elements.main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_failed_measurement_stops_with_a_message(capsys, monkeypatch):
    def fail(*args):
        raise RuntimeError("bench/floor_page.py exited with code 1; see /tmp/logs")

    monkeypatch.setattr(elements, "measure", fail)
    assert elements.main(["headlines"]) == 1
    err = capsys.readouterr().err
    assert "measuring stopped: bench/floor_page.py exited with code 1; see /tmp/logs" in err
    assert "Traceback" not in err


def _floor(monkeypatch, sample_db, extra: str | None) -> AppTest:
    monkeypatch.setenv("RIGHTSMAP_DB", str(sample_db))
    if extra is None:
        monkeypatch.delenv("RIGHTSMAP_FLOOR_EXTRA", raising=False)
    else:
        monkeypatch.setenv("RIGHTSMAP_FLOOR_EXTRA", extra)
    at = AppTest.from_file(str(FLOOR_PAGE), default_timeout=60)
    at.query_params["lang"] = "en"  # as the bench opens it
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_floor_page_alone_draws_the_map_and_its_caption_only(monkeypatch, sample_db):
    at = _floor(monkeypatch, sample_db, None)
    assert [c.value for c in at.caption if UNCHANGING in c.value] == []
    assert len(at.metric) == 0 and len(at.markdown) == 0 and len(at.error) == 0
    assert len(at.get("component_instance")) == 1


def test_the_floor_page_draws_the_parts_it_is_given(monkeypatch, sample_db):
    at = _floor(monkeypatch, sample_db, "captions:3," + ",".join(elements.SECTIONS))
    assert [c.value for c in at.caption if UNCHANGING in c.value] == [
        f"{UNCHANGING}, number {n}." for n in (1, 2, 3)]
    assert len(at.metric) == 4  # the headline figures
    markdown = [m.value for m in at.markdown]
    assert any(text.startswith("<svg") for text in markdown)  # the chart
    assert any(text.startswith("| Group |") for text in markdown)  # the breakdown
    assert len(at.error) == 0


def test_the_floor_page_says_which_part_it_does_not_know(monkeypatch, sample_db):
    at = _floor(monkeypatch, sample_db, "legend")
    assert [e.value for e in at.error] == ["bench/floor_page.py: no such extra 'legend'"]
