"""Stories: saved to and loaded from a file, carried in a URL, and every bad input refused with a clear message."""

from __future__ import annotations

import base64
import json

import pytest

from rightsmap.domain.filters import Filters, parse_month
from rightsmap.exports import story
from rightsmap.exports.story import Story, StoryError, View

RAIDS = View.of(Filters(regions=("KG-GB",), month_from=parse_month("2016-01"), month_to=parse_month("2017-12")),
                metric="raid_events", slide="map")
EXTORTION = View.of(Filters(types=("extortion",)), metric="cases_of_type", violation_type="extortion", slide="map")
TIMELINE = View.of(Filters(month_from=parse_month("2016-06")), slide="timeline")
STORY = Story("Raids in Bishkek, 2016–2017", (RAIDS, EXTORTION, TIMELINE))


def test_a_story_survives_its_file():
    text = STORY.to_json()
    assert json.loads(text)["format"] == "rightsmap-story"
    assert story.from_json(text) == STORY
    assert story.from_json(text.encode("utf-8")) == STORY
    assert story.from_json("\ufeff" + text) == STORY  # a BOM from an editor is fine


def test_a_story_survives_its_url_parameter():
    param = STORY.to_param()
    assert set(param) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert story.from_param(param) == STORY


def test_a_view_keeps_its_filters_metric_and_slide():
    loaded = story.from_param(STORY.to_param()).views[0]
    assert loaded.to_filters() == Filters(regions=("KG-GB",), month_from=parse_month("2016-01"),
                                          month_to=parse_month("2017-12"))
    assert (loaded.metric, loaded.violation_type, loaded.slide) == ("raid_events", None, "map")
    assert story.from_param(STORY.to_param()).views[1].violation_type == "extortion"


def test_view_of_drops_a_violation_type_the_metric_does_not_use():
    assert View.of(Filters(), metric="cases", violation_type="threats").violation_type is None


def _file(**changes) -> str:
    value = STORY.to_dict()
    value.update(changes)
    return json.dumps(value)


def _view(**changes) -> str:
    return _file(views=[{**RAIDS.to_dict(), **changes}])


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    (json.dumps({"name": "x", "views": []}), "not a rightsmap story"),
    (_file(version=99), "version 99"),
    (_file(extra=1), "unknown field extra"),
    (_file(name=""), "needs a name"),
    (_file(name="x" * 500), "longer than"),
    (_file(views=[]), "at least one view"),
    (_file(views="map"), "must be a list"),
    (_file(views=[RAIDS.to_dict()] * 51), "at most 50"),
    (_file(views=[1]), "view 1 is not a JSON object"),
    (_view(slide="finale"), "view 1: unknown slide 'finale'"),
    (_view(metric="secrets"), "view 1: unknown metric 'secrets'"),
    (_view(metric="cases_of_type"), "needs a violation_type"),
    (_view(violation_type="threats"), "only used with the metric cases_of_type"),
    (_view(filters={"regions": "KG-ZZ"}), "KG-ZZ"),
    (_view(filters={"from": "2030-01"}), "2030-01"),
    (_view(filters={"names": "x"}), "unknown filter names"),
    (_view(filters={"regions": ["KG-GB"]}), "must be text"),
    (_view(filters="KG-GB"), "filters must be a JSON object"),
    (_view(colour="red"), "unknown field colour"),
])  # fmt: skip
def test_a_bad_story_file_gets_a_clear_message(text, message):
    with pytest.raises(StoryError, match=message):
        story.from_json(text)


def test_a_file_that_is_not_text_or_too_large_is_refused():
    with pytest.raises(StoryError, match="not UTF-8"):
        story.from_json(b"\xff\xfe\x00garbage")
    with pytest.raises(StoryError, match="too large"):
        story.from_json(" " * (story.MAX_BYTES + 1))


@pytest.mark.parametrize("param, message", [
    ("%%%", "damaged"),
    (base64.urlsafe_b64encode(b"\xff\xfe").decode(), "damaged"),
    (base64.urlsafe_b64encode(b'{"format": "rightsmap-story"}').decode(), "damaged: story version None"),
    ("A" * (story.MAX_BYTES + 1), "too long"),
])  # fmt: skip
def test_a_bad_story_link_gets_a_clear_message(param, message):
    with pytest.raises(StoryError, match=message):
        story.from_param(param)


def test_a_damaged_link_is_not_read_as_a_shorter_story():
    param = STORY.to_param()
    with pytest.raises(StoryError, match="damaged"):
        story.from_param(param[: len(param) // 2])
