"""The one place the app touches Streamlit's frontend (rightsmap.web.streamlit_words) fails loudly here when a
new Streamlit changes what it reads: another version, or a word no longer in the frontend's bundle."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit

from rightsmap.domain.i18n import translator
from rightsmap.web import streamlit_words

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"


def test_the_words_were_read_from_the_installed_streamlit():
    assert streamlit.__version__ == streamlit_words.READ_FROM, (
        f"Streamlit {streamlit.__version__} is installed; rightsmap/web/streamlit_words.py was read from "
        f"{streamlit_words.READ_FROM}. Check its WORDS against the new frontend, then update READ_FROM.")


def test_every_word_is_still_in_streamlit_s_frontend():
    source = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in BUNDLE.glob("*.js"))
    fragments = [fragment for _message, fragment in [*streamlit_words.WORDS.values(),
                                                     *streamlit_words.PATTERNS.values()]]
    fragments += list(streamlit_words.WRAPPED.values())
    fragments += list(streamlit_words.TOUCHES.values())
    assert [f for f in fragments if f not in source] == [], "Streamlit's frontend changed these words"


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_the_script_carries_every_word_translated(lang):
    _ = translator(lang)
    script = streamlit_words.script(_)
    words = json.loads(re.search(r"const words = (\{.*?\}), patterns", script).group(1))
    assert set(words) == {*streamlit_words.WORDS, streamlit_words.OPENER_ENGLISH}
    assert words[streamlit_words.OPENER_ENGLISH] == _("Filters")
    assert all(words[e] and words[e] != e for e in words), words
    assert _("{size} per file").replace("{size}", "50MB") in _("{size} per file").format(size="50MB")


def test_english_changes_nothing_but_names_the_sidebar_button():
    script = streamlit_words.script(translator("en"))
    assert 'const words = {"Expand sidebar": "Filters"}, patterns = []' in script
