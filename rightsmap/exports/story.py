"""Stories: a named sequence of saved views, each with its own filters, map metric and slide.

A story travels as a small JSON file or inside a URL (?story=<urlsafe base64 of
the compact JSON>). Everything loaded is checked; a bad file or link raises
StoryError with a message a person can act on, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from rightsmap.data.metrics import MAP_METRICS
from rightsmap.domain.filters import URL_KEYS, Filters, from_query_params
from rightsmap.domain.vocab import VIOLATION_TYPES
from rightsmap.exports.slides import SLIDES

FORMAT = "rightsmap-story"
VERSION = 1
MAX_BYTES = 64 * 1024  # a story is a few hundred bytes; refuse anything that is not plausibly one
MAX_VIEWS = 50
MAX_NAME = 120


class StoryError(ValueError):
    """A story file or link that cannot be used; the message says what is wrong."""


@dataclass(frozen=True)
class View:
    """One saved view: filters (as the URL's query parameters), the map metric, and the slide shown."""

    filters: dict[str, str] = field(default_factory=dict)
    metric: str = "cases"
    violation_type: str | None = None
    slide: str = "headline"

    def __post_init__(self) -> None:
        _check_types(self)
        if self.slide not in SLIDES:
            raise StoryError(f"unknown slide {self.slide!r}; use one of {', '.join(SLIDES)}")
        if self.metric not in MAP_METRICS:
            raise StoryError(f"unknown metric {self.metric!r}; use one of {', '.join(MAP_METRICS)}")
        if self.metric == "cases_of_type":
            if self.violation_type not in VIOLATION_TYPES:
                raise StoryError(f"the metric cases_of_type needs a violation_type, one of {', '.join(VIOLATION_TYPES)}")
        elif self.violation_type is not None:
            raise StoryError("violation_type is only used with the metric cases_of_type")
        unknown = sorted(set(self.filters) - set(URL_KEYS))
        if unknown:
            raise StoryError(f"unknown filter {', '.join(unknown)}; use {', '.join(URL_KEYS)}")
        if not all(isinstance(v, str) for v in self.filters.values()):
            raise StoryError("each filter must be text, such as \"KG-GB,KG-GO\" or \"2017-05\"")
        _, notices = from_query_params(self.filters)
        if notices:
            raise StoryError("; ".join(str(n) for n in notices))

    @classmethod
    def of(cls, filters: Filters, *, metric: str = "cases", violation_type: str | None = None,
           slide: str = "headline") -> View:
        return cls(filters.to_query_params(), metric, violation_type if metric == "cases_of_type" else None, slide)

    def to_filters(self) -> Filters:
        return from_query_params(self.filters)[0]

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"filters": dict(self.filters), "metric": self.metric, "slide": self.slide}
        if self.violation_type is not None:
            result["violation_type"] = self.violation_type
        return result


def _check_types(view: View) -> None:
    """Text where text belongs: a list or an object from a file or link must not reach a lookup."""
    for name in ("slide", "metric"):
        if not isinstance(getattr(view, name), str):
            raise StoryError(f"{name} must be text, such as \"{'map' if name == 'slide' else 'cases'}\"")
    if view.violation_type is not None and not isinstance(view.violation_type, str):
        raise StoryError("violation_type must be text, such as \"extortion\"")
    if not isinstance(view.filters, dict):
        raise StoryError("filters must be a JSON object")


@dataclass(frozen=True)
class Story:
    name: str
    views: tuple[View, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise StoryError("a story needs a name")
        if len(self.name) > MAX_NAME:
            raise StoryError(f"the story's name is longer than {MAX_NAME} characters")
        if not self.views:
            raise StoryError("a story needs at least one view")
        if len(self.views) > MAX_VIEWS:
            raise StoryError(f"a story holds at most {MAX_VIEWS} views")

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "name": self.name, "views": [v.to_dict() for v in self.views]}

    def to_json(self) -> str:
        """The story file: readable JSON, UTF-8."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_param(self) -> str:
        """The story for a URL's ?story= parameter: compact JSON in urlsafe base64, without padding."""
        compact = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(compact).decode("ascii").rstrip("=")


def from_dict(value: Any) -> Story:
    if not isinstance(value, dict):
        raise StoryError("a story is a JSON object with a name and a list of views")
    if value.get("format") != FORMAT:
        raise StoryError(f"not a rightsmap story (expected \"format\": \"{FORMAT}\")")
    if value.get("version") != VERSION:
        raise StoryError(f"story version {value.get('version')!r} is not supported; this rightsmap reads {VERSION}")
    unknown = sorted(set(value) - {"format", "version", "name", "views"})
    if unknown:
        raise StoryError(f"unknown field {', '.join(unknown)} in the story")
    views = value.get("views")
    if not isinstance(views, list):
        raise StoryError("the story's views must be a list")
    parsed = []
    for number, view in enumerate(views, start=1):
        if not isinstance(view, dict):
            raise StoryError(f"view {number} is not a JSON object")
        extra = sorted(set(view) - {"filters", "metric", "violation_type", "slide"})
        if extra:
            raise StoryError(f"view {number}: unknown field {', '.join(extra)}")
        filters = view.get("filters", {})
        if not isinstance(filters, dict):
            raise StoryError(f"view {number}: filters must be a JSON object")
        try:
            parsed.append(View(filters=dict(filters), metric=view.get("metric", "cases"),
                               violation_type=view.get("violation_type"), slide=view.get("slide", "headline")))
        except StoryError as exc:
            raise StoryError(f"view {number}: {exc}") from None
    return Story(name=value.get("name", ""), views=tuple(parsed))  # checked by Story


def from_json(text: str | bytes) -> Story:
    """A story from the content of a story file."""
    if len(text) > MAX_BYTES:
        raise StoryError(f"the file is larger than {MAX_BYTES // 1024} KB, too large to be a story")
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return from_dict(json.loads(text.removeprefix("\ufeff")))
    except UnicodeDecodeError:
        raise StoryError("the file is not UTF-8 text; a story file is JSON") from None
    except json.JSONDecodeError as exc:
        raise StoryError(f"the file is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise StoryError("the file nests too deeply to be a story") from None


def from_param(param: str) -> Story:
    """A story from a URL's ?story= parameter."""
    if len(param) > MAX_BYTES:
        raise StoryError("the story in the link is too long")
    try:
        raw = base64.urlsafe_b64decode(param.strip() + "=" * (-len(param.strip()) % 4))
    except (binascii.Error, ValueError):
        raise StoryError("the story in the link is damaged (not base64); copy the whole link again") from None
    try:
        return from_json(raw)
    except StoryError as exc:
        raise StoryError(f"the story in the link is damaged: {exc}") from None
