"""What a shared cached value may depend on and may be (the rules rightsmap.web.cache's decorators enforce).

- A key names everything: a cached function is no closure and takes named, hashable arguments only.
- A build may not read the session: ui.translator() answers the build's own `lang` argument (build_language),
  and raises when there is none; other reads of the session raise (refuse_in_build).
- A shared value cannot be changed in place: tuples, frozen dataclasses, Arrow tables, read-only mappings,
  and frames as Frame, which hands each caller its own copy.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


class HiddenDependency(RuntimeError):
    """A cached value read something that is not part of its key."""


BUILD: contextvars.ContextVar[tuple[str, str | None] | None] = contextvars.ContextVar("rightsmap_build", default=None)


def build_language() -> str | None:
    """The language a cached value is being built in; None outside a build (then it is the session's)."""
    build = BUILD.get()
    if build is None:
        return None
    name, lang = build
    if lang is None:
        raise HiddenDependency(f"{name} reads the language: give it a `lang` argument, so that its key has it")
    return lang


def refuse_in_build(what: str) -> None:
    """Raise when a cached value is being built: `what` (read from the session) would not be in its key."""
    build = BUILD.get()
    if build is not None:
        raise HiddenDependency(f"{build[0]} reads {what}: pass it as an argument, so that its key has it")


@dataclasses.dataclass(frozen=True, eq=False)
class Frame:
    """A DataFrame in a shared cache. Nobody gets the stored one: each caller gets its own copy, shallow,
    which pandas' copy-on-write (the default since pandas 3) keeps apart: a caller's change never reaches it."""

    stored: pd.DataFrame = dataclasses.field(repr=False)

    def frame(self) -> pd.DataFrame:
        return self.stored.copy(deep=False)


_IMMUTABLE = (str, bytes, int, float, complex, type(None), dt.date, dt.time, dt.timedelta, np.generic, pa.Table,
              Frame, range)


def immutable(value: object) -> bool:
    """Whether value can be shared by sessions: nothing in it can be changed in place."""
    if isinstance(value, _IMMUTABLE):
        return True
    if isinstance(value, tuple | frozenset):
        return all(immutable(v) for v in value)
    if isinstance(value, MappingProxyType):
        return all(immutable(v) for v in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.__dataclass_params__.frozen and all(  # type: ignore[attr-defined]
            immutable(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def shared(value: Any, name: str) -> Any:
    """value as a shared cache keeps it: a frame as a Frame; anything else that can change is refused."""
    if isinstance(value, pd.DataFrame):
        return Frame(value)
    if not immutable(value):
        raise TypeError(f"{name} returned a {type(value).__name__} that can be changed in place; a shared cache "
                        "keeps tuples, frozen dataclasses, Arrow tables, read-only mappings or Frames")
    return value


def handed_out(value: Any) -> Any:
    return value.frame() if isinstance(value, Frame) else value


def parameters(fn: Callable, skip: int) -> tuple[inspect.Signature, tuple[str, ...]]:
    """fn's signature and parameter names after the first `skip`; refused when something would escape the key:
    a closure's variables, *args or **kwargs."""
    if fn.__closure__:
        raise TypeError(f"{fn.__qualname__} reads {', '.join(fn.__code__.co_freevars)} from around it: "
                        "pass them as arguments, so that they are part of its key")
    signature = inspect.signature(fn)
    parameters = list(signature.parameters.values())[skip:]
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        raise TypeError(f"{fn.__qualname__}: name every argument, so that each is part of its key")
    return signature, tuple(p.name for p in parameters)


def bind(signature: inspect.Signature, names: tuple[str, ...], skip: int, args: tuple, kwargs: dict) -> tuple:
    """The arguments in the order of the parameters, defaults filled in; hashable, or a TypeError."""
    if not kwargs and len(args) == len(names):  # all given, in order: as bind would have them, in a fifth the time
        values = tuple(args)
    else:
        bound = signature.bind(*([None] * skip), *args, **kwargs)
        bound.apply_defaults()
        values = tuple(bound.arguments[name] for name in names)
    hash(values)  # a key: typed, hashable values only (a DataFrame is not one)
    return values


class Derived:
    """What pages make from their cached figures, kept by a key that names everything it depends on.

    A dictionary that forgets the least recently used of its `size` values, not st.cache_resource:
    Streamlit hashes a key's every part on each call (1-4 ms for a key with a period's quarters, each
    call, against microseconds here). Use it through @kept, which makes the key; it must be made of plain
    values (str, numbers, dates, tuples of them, frozen dataclasses).
    """

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()  # unlocked: two sessions may build the same value at once, and keep one
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
