"""Streamlit's own words in the chosen language: the one place where the app touches Streamlit's frontend.

It also lets the few elements that Streamlit cuts short with "…" wrap instead (WRAPPED), puts a visible
"Filters" on the button that opens a folded sidebar, and makes our sidebar page links a navigation
landmark that marks the current page (TOUCHES).

Streamlit has no translations: its frontend writes a few words of its own in English ("Skip to main
content", "Upload", "No results", "50MB per file", "Press Enter to apply"). install() puts a small
script in the page that replaces them, as they appear, with their translation from our catalogs, and
puts the English back when the language is English again.

The words are read from Streamlit's frontend bundle of one version (READ_FROM). tests/test_streamlit_words.py
fails loudly when the installed Streamlit is another version or its bundle no longer holds one of the
source fragments below: then read the new bundle and update WORDS (rightsmap.compat.check() names
them when the server starts). The one other place that styles
Streamlit's elements is presentation mode's large type (rightsmap/web/presenting.py). ("Select all" is
not here: the app's multiselects set select_all=False, a public option, since none chosen means all.)
"""

from __future__ import annotations

import base64
import hashlib
import json

import streamlit as st

from rightsmap import compat
from rightsmap.domain.i18n import LANGUAGES, Translator, translator
from rightsmap.domain.vocab import N_

READ_FROM = compat.FRONTEND_READ_FROM  # the Streamlit version whose frontend these words were read from

# Streamlit's English -> (our message, a fragment of the frontend's source that shows the English).
WORDS: dict[str, tuple[str, str]] = {
    "Skip to main content": (N_("Skip to main content"), "children:`Skip to main content`"),
    "Upload": (N_("Upload"), "label:l?`Upload directories`:`Upload`"),
    "Drag and drop a file here": (N_("Drag and drop a file here"), "`Drag and drop a file here`"),
    "Drag and drop files here": (N_("Drag and drop files here"), "`Drag and drop files here`"),
    "No results": (N_("No results"), "`No results`"),
    "Press Enter to apply": (N_("Press Enter to apply"), "`Press Enter to ${e}`"),
    "Press Enter to submit form": (N_("Press Enter to submit form"), "`Press Enter to ${e}`"),
    "Show password": (N_("Show password"), "`Show password`"),
    "Hide password": (N_("Hide password"), "`Hide password`"),
    "Clear all": (N_("Clear all"), "`Clear all`"),
}
# Words with a figure in them: a regular expression over the whole text, its first group the figure ->
# (our message with {size}, fragment).
PATTERNS: dict[str, tuple[str, str]] = {
    r"^(\d+(?:\.\d+)?\s?[KMGT]?B) per file$": (N_("{size} per file"), "} per file`"),
}
# Streamlit's elements whose text it cuts short with "…" on one line: here they wrap instead, so a long
# Russian or Kyrgyz title is read whole. CSS selector -> the fragment of the frontend that makes the element.
WRAPPED: dict[str, str] = {
    '[data-testid="stMetricLabel"]': '"data-testid":`stMetricLabel`',
}
# The control that opens a folded sidebar (on a phone, and in presentation mode) is Streamlit's bare
# chevron, labelled "Expand sidebar" for screen readers only: it gets a visible word and the same
# accessible name, in every language (English too), so a phone user finds the filters.
OPENER = '[data-testid="stExpandSidebarButton"]'
OPENER_ENGLISH, OPENER_LABEL = "Expand sidebar", N_("Filters")
# The sidebar's page links (dashboard.py draws them with st.page_link in a container keyed NAV_KEY):
# the container becomes a navigation landmark and the current page's link says so (aria-current).
NAV_KEY = "rightsmap-nav"
FOLDED = '[data-testid="stSidebar"][data-collapsed="true"] [data-testid="stSidebarContent"]'
PAGE_LINK = '[data-testid="stPageLink-NavLink"]'
NAV_LABEL = N_("Pages")
# What the two touches above rely on in the frontend's source (checked like WORDS).
TOUCHES: dict[str, str] = {
    OPENER: '"data-testid":`stExpandSidebarButton`,"aria-label":`Expand sidebar`',
    PAGE_LINK: '"data-testid":`stPageLink-NavLink`',
    FOLDED: '"data-testid":`stSidebar`,"aria-label":`Sidebar`,"data-collapsed":r?`true`:`false`',
    '[data-testid="stMarkdownContainer"] table': '"data-testid":`stMarkdownContainer`',  # tables on a phone
}
KEY = "rightsmap-streamlit-words"  # the hidden container's key (Streamlit adds the class st-key-<key>)
# compat.check() names any of these that another Streamlit's frontend lacks, at the server's start.
compat.expect_in_frontend([*(fragment for _message, fragment in [*WORDS.values(), *PATTERNS.values()]),
                           *WRAPPED.values(), *TOUCHES.values()])

_SCRIPT = """
<style>.st-key-%(key)s { display: none; }
%(wrapped)s { white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
/* A table of text (ui.text_table_markdown) fits a phone: a long word ("Вымогательство") breaks rather
   than pushing the table past the screen's edge. */
@media (max-width: 640px) {
  [data-testid="stMarkdownContainer"] table { width: 100%%; }
  [data-testid="stMarkdownContainer"] :is(th, td) { overflow-wrap: anywhere; hyphens: auto; padding: .35rem .4rem; }
}
/* A folded sidebar is off the screen but Streamlit leaves it visible: keyboard focus went to links no one
   sees, and axe found a scrollable region there (scrollable-region-focusable). Folded, it is hidden. */
%(folded)s { visibility: hidden; }
%(opener)s { width: auto !important; gap: .25rem; padding-right: .5rem; }
%(opener)s::after { content: %(opener_label)s; font-size: 1rem; font-weight: 600; }
</style>
<script>
(() => {
  const words = %(words)s, patterns = %(patterns)s.map(([source, template]) => [new RegExp(source), template]);
  const state = window.__rightsmapWords || (window.__rightsmapWords = {originals: new Map(), written: new Map()});
  const translate = (english) => {
    if (Object.prototype.hasOwnProperty.call(words, english)) return words[english];
    for (const [pattern, template] of patterns) {
      const match = english.match(pattern);
      if (match) return template.replace("{size}", match[1]);
    }
    return null;
  };
  // A text node or an aria-label: its English (kept while it is shown translated) and what we wrote.
  const read = (target) => target.nodeType === 3 ? target.nodeValue : target.getAttribute("aria-label");
  const write = (target, text) => target.nodeType === 3 ? (target.nodeValue = text)
                                                        : target.setAttribute("aria-label", text);
  const visit = (target) => {
    const now = read(target);
    if (now === null) return;
    if (state.written.has(target) && state.written.get(target) !== now) {  // the frontend wrote new text
      state.originals.delete(target);
      state.written.delete(target);
    }
    const original = state.originals.get(target) ?? now, trimmed = original.trim();
    const shown = translate(trimmed);
    const text = shown === null ? original : original.replace(trimmed, shown);
    if (now !== text) write(target, text);
    if (shown === null) { state.originals.delete(target); state.written.delete(target); }
    else { state.originals.set(target, original); state.written.set(target, text); }
  };
  const walk = (root) => {
    if (root.nodeType === 3) { visit(root); return; }
    if (root.nodeType !== 1) return;
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) visit(node);
    if (root.hasAttribute("aria-label")) visit(root);
    root.querySelectorAll("[aria-label]").forEach(visit);
  };
  for (const target of [...state.originals.keys()]) {  // a new language: what is shown translated first
    if (target.isConnected || target.ownerElement) visit(target);
    else { state.originals.delete(target); state.written.delete(target); }
  }
  const markNav = () => {  // our page links: a landmark, and the current page's link marked
    for (const nav of document.querySelectorAll(".st-key-%(nav_key)s")) {
      if (nav.getAttribute("role") !== "navigation") nav.setAttribute("role", "navigation");
      if (nav.getAttribute("aria-label") !== %(nav_label)s) nav.setAttribute("aria-label", %(nav_label)s);
      for (const link of nav.querySelectorAll(%(page_link)s)) {
        // The default page's link has an empty href: its address is the app's root, beside the pages.
        const here = new URL(link.getAttribute("href") || ".", location.href).pathname === location.pathname;
        if (here && link.getAttribute("aria-current") !== "page") link.setAttribute("aria-current", "page");
        if (!here && link.hasAttribute("aria-current")) link.removeAttribute("aria-current");
      }
    }
  };
  // The page's language, for screen readers' voices and the browser's hyphenation.
  if (document.documentElement.lang !== %(lang)s) document.documentElement.lang = %(lang)s;
  walk(document.body);
  markNav();
  if (state.observer) state.observer.disconnect();
  state.observer = new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "childList") change.addedNodes.forEach(walk);
      else if (change.type === "characterData" || change.attributeName === "aria-label") visit(change.target);  // "href": a link reused (markNav)
    }
    markNav();
  });
  state.observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                         attributes: true, attributeFilter: ["aria-label", "href"]});
})();
</script>
"""


def script(_: Translator) -> str:
    """The page's script for the language: English words map to their translation (none in English)."""
    if _.lang == "en":
        words, patterns = {}, []
    else:
        words = {english: _(message) for english, (message, _fragment) in WORDS.items()}
        patterns = [[source, _(message)] for source, (message, _fragment) in PATTERNS.items()]
    words[OPENER_ENGLISH] = _(OPENER_LABEL)  # in English too: the visible word is the button's name
    wrapped = ", ".join(f"{selector}, {selector} *" for selector in WRAPPED)
    return _SCRIPT % {"key": KEY, "words": _json(words), "patterns": _json(patterns), "wrapped": wrapped,
                      "opener": OPENER, "folded": FOLDED, "opener_label": _json(_(OPENER_LABEL)), "nav_key": NAV_KEY,
                      "nav_label": _json(_(NAV_LABEL)), "page_link": _json(PAGE_LINK), "lang": _json(_.lang)}


def csp_hashes() -> list[str]:
    """The Content-Security-Policy sources that allow this page script, one per language (deploy/Caddyfile).

    A strict policy blocks inline scripts; the proxy allows exactly these by their SHA-256, so a changed
    script or catalog changes the hashes at the proxy's next start, and nothing else inline runs.
    """
    hashes = []
    for lang in LANGUAGES:
        body = script(translator(lang)).split("<script>", 1)[1].rsplit("</script>", 1)[0]
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return hashes


def _json(value: object) -> str:
    # No "<" inside the script: Streamlit's sanitiser drops a script whose text looks like a tag.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def install(_: Translator) -> None:
    """Translate Streamlit's own words on this page (call once per run, from the entry script)."""
    with st.sidebar.container(key=KEY):
        st.html(script(_), unsafe_allow_javascript=True)
