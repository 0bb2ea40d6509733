"""Imported text shown as plain text: no control characters, no links that Markdown makes by itself.

Pure functions with no dependencies, shared by the importer (which refuses control characters), the
exports (which strip them, in case a database predates that check) and the app's Markdown.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. They break the PPTX (XML) and PNG
# exports and can reorder or hide text in a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}]"  # the same class for DuckDB's regexp_matches

# Streamlit's Markdown (remark-gfm) turns www.…, http(s)://… and e-mail addresses in text into links,
# after backslash escapes are resolved, so escaping does not stop it. A word joiner (U+2060, invisible,
# and no break) inside each trigger does.
_JOINER = "\u2060"
_TRIGGERS = re.compile(r"(?i)(?<=www)(?=\.)|(?<=[a-z]:)(?=//)|(?<=@)")


def strip_controls(text: str) -> str:
    return CONTROL.sub("", text)


def has_controls(text: str) -> bool:
    return CONTROL.search(text) is not None


def no_autolinks(text: str) -> str:
    """The text with a word joiner where Markdown would start a link by itself."""
    return _TRIGGERS.sub(_JOINER, text)
