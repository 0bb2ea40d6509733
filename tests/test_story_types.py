"""A story link or file with a list or an object where a value belongs gives the story's error, not a TypeError."""

from __future__ import annotations

import base64
import copy
import json

import pytest

from rightsmap.exports import story

GOOD = {"format": "rightsmap-story", "version": 1, "name": "Raids",
        "views": [{"filters": {"regions": "KG-GB"}, "metric": "cases_of_type", "violation_type": "extortion",
                   "slide": "map"}]}
WRONG = [[], ["map"], {}, {"a": 1}, 1, 1.5, True, None]
PLACES = [("format",), ("version",), ("name",), ("views",), ("views", 0), ("views", 0, "filters"),
          ("views", 0, "metric"), ("views", 0, "violation_type"), ("views", 0, "slide"),
          ("views", 0, "filters", "regions")]


def _with(place: tuple, value) -> dict:
    changed = copy.deepcopy(GOOD)
    inner = changed
    for key in place[:-1]:
        inner = inner[key]
    inner[place[-1]] = value
    return changed


def _param(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_the_good_story_is_read():
    assert story.from_param(_param(GOOD)).views[0].slide == "map"


@pytest.mark.parametrize("place", PLACES, ids=lambda place: "/".join(map(str, place)))
@pytest.mark.parametrize("value", WRONG, ids=repr)
def test_a_wrong_type_anywhere_is_a_story_error(place, value):
    changed = _with(place, value)
    valid = {(("views", 0, "violation_type"), "None"), (("views", 0), "{}"), (("views", 0, "filters"), "{}")}
    if changed == GOOD or (place, repr(value)) in valid:  # a view of defaults, no filters, no type: all allowed
        pytest.skip("not a wrong value here")
    with pytest.raises(story.StoryError):
        story.from_param(_param(changed))
    with pytest.raises(story.StoryError):
        story.from_json(json.dumps(changed))
