"""Twenty sessions at once, each changing a filter every 2 s, through Streamlit's websocket protocol.

The room scenario: twenty people open the public view's link (lang=en) at once and
each changes one of its filters ("From" or "To" quarter, or the "Show" measure)
every 2 s. Each session is a bench.stclient.StreamlitSession: what a browser tab
costs the server, without twenty Chromium renderers competing with the server for
the same two cores. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from bench.stclient import StreamlitSession

QUERY = "lang=en"
ROOM_PAGE = ""  # the link everybody opens: the default page, the public overview, at /
# Opening a fresh server: the public overview and deep links to the other public pages and to one staff
# page (which shows the login). Not /public: the default page's address is / (see bench/README.md).
COLD_PAGES = ("", "show", "about", "map")


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_samples: list[tuple[float, int]] = field(default_factory=list)
    rss_after_warmup: int = 0
    changes: int = 0


def _change_a_filter(session: StreamlitSession, rng: random.Random) -> None:
    """Choose a random "From" quarter in the first half, "To" in the second half, or a random measure."""
    what = rng.choice(("From", "To", "Show"))
    options = session.options[what]
    if what == "From":
        options = options[: len(options) // 2]
    elif what == "To":
        options = options[len(options) // 2:]
    session.set_selectbox(what, rng.choice(options))


async def _session(url: str, index: int, result: LoadResult, started: asyncio.Event, ready: list,
                   clock: dict, interval: float, max_changes: int, ssl_context=None) -> None:
    rng = random.Random(1000 + index)
    try:
        async with StreamlitSession(url, page_name=ROOM_PAGE, query_string=QUERY, ssl_context=ssl_context) as session:
            first = await session.run()
            if first.exceptions or not first.finished:
                result.errors.append(f"session {index} first run: {first.exceptions or 'timeout'}")
            ready.append(index)
            await started.wait()
            next_at = time.perf_counter() + rng.uniform(0, interval)
            for _ in range(max_changes):
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                if time.perf_counter() >= clock["stop_at"]:
                    break
                _change_a_filter(session, rng)
                run = await session.run()
                result.changes += 1
                result.latencies.append(run.seconds)
                if run.exceptions:
                    result.errors.append(f"session {index}: {run.exceptions[0]}")
                if not run.finished:
                    result.errors.append(f"session {index}: no script_finished within the timeout")
                next_at += interval
    except Exception as exc:  # a dropped connection is an error of the run, not of the bench
        result.errors.append(f"session {index}: {type(exc).__name__}: {exc}")


async def _sample_memory(server, result: LoadResult, stop_at: float, every: float = 2.0) -> None:
    t0 = time.perf_counter()
    while time.perf_counter() < stop_at + every:
        result.rss_samples.append((round(time.perf_counter() - t0, 1), server.rss_bytes()))
        await asyncio.sleep(every)


async def _run(server, sessions: int, seconds: float, interval: float) -> LoadResult:
    """server: .url, .rss_bytes(), and optionally .ssl_context (an https:// url through a proxy)."""
    result = LoadResult()
    started = asyncio.Event()
    ready: list[int] = []
    max_changes = int(seconds / interval) + 1
    clock = {"stop_at": float("inf")}
    tls = getattr(server, "ssl_context", None)
    tasks = [asyncio.create_task(_session(server.url, i, result, started, ready, clock, interval, max_changes, tls))
             for i in range(sessions)]
    # Everyone opens the link at once; the clock starts when every page has been drawn once.
    deadline = time.perf_counter() + 120
    while len(ready) + len(result.errors) < sessions and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    result.rss_after_warmup = server.rss_bytes()
    stop_at = clock["stop_at"] = time.perf_counter() + seconds
    sampler = asyncio.create_task(_sample_memory(server, result, stop_at))
    started.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 120)
    await sampler
    return result


def run_load(server, *, sessions: int = 20, seconds: float = 120.0, interval: float = 2.0) -> LoadResult:
    """Run the load against a started server; returns latencies (s), errors and memory samples."""
    return asyncio.run(_run(server, sessions, seconds, interval))


async def _open_all(url: str, sessions: int, ssl_context=None) -> list[str]:
    async def one(index: int) -> list[str]:
        try:
            async with StreamlitSession(url, page_name=COLD_PAGES[index % len(COLD_PAGES)],
                                        query_string=QUERY, ssl_context=ssl_context) as session:
                run = await session.run()
                return (run.exceptions + ([] if run.finished else ["no script_finished"])
                        + (["page not found"] if run.page_not_found else []))
        except Exception as exc:
            return [f"{type(exc).__name__}: {exc}"]
    results = await asyncio.gather(*(one(i) for i in range(sessions)))
    return [f"session {i}: {e}" for i, errors in enumerate(results) for e in errors]


def open_all_at_once(server, sessions: int = 20) -> list[str]:
    """Open the app in `sessions` sessions at the same moment (deep links, COLD_PAGES); their errors."""
    return asyncio.run(_open_all(server.url, sessions, getattr(server, "ssl_context", None)))
