"""The strict check of a figure the public view shows, shared by the AppTest and the browser tests."""

from __future__ import annotations

import re

# "1,982", "≥ 319", "78.9%": a figure as the public view writes it in English (a chart may drop the comma).
_FIGURE = re.compile(r"(?P<mark><|≥ )?(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)(?P<percent>%)?")


def disclosure_problem(text: str, k: int) -> str | None:
    """Why a figure shown in the public view gives a small count away, or None if it does not."""
    text = text.strip()
    if text in ("hidden", "no data"):
        return None
    match = _FIGURE.fullmatch(text)
    if match is None:
        return "not a figure as the public view writes one"
    number = float(match["number"].replace(",", ""))
    if match["percent"]:
        # Coverage, a share of the plan: shown only when both its counts are published.
        return "a bound on a percentage" if match["mark"] else None
    if match["mark"] == "<":  # issue 18: a withheld count is "hidden", never "<k" (which says "1 to k-1")
        return "an upper bound, which tells a small count from a hidden one"
    if match["mark"]:  # "≥ N": N is the published part, a sum of published counts
        return None if number >= k else "a lower bound below k"
    return None if number == 0 or number >= k else "an exact count from 1 to k-1"
