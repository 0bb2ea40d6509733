"""Staff accounts: argon2id password hashes in a local JSON file, failed-login throttling, and session expiry.

No Streamlit here (the login form is in staff.py). Nothing in this module logs or prints a password or a hash.
The accounts file looks like {"version": 1, "users": {"NAME": {"hash": "$argon2id$..."}}}; it is written
atomically with mode 0600. User names are matched ignoring case, and two names that differ only in case
cannot both exist.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rightsmap.domain import config
from rightsmap.domain.vocab import N_

NAME_MAX = 40
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # argon2 takes any length; a bound keeps a pasted megabyte from costing the server
_NAME = re.compile(r"[A-Za-z0-9._-]{1,40}")
FILE_VERSION = 1

_hasher = PasswordHasher()  # argon2id with the RFC 9106 low-memory parameters
_file_lock = threading.Lock()  # one writer at a time within the server process
_log = logging.getLogger(__name__)


class AuthError(Exception):
    """A staff account could not be added, removed or checked; the message says what to do."""


# ---- the accounts file ---------------------------------------------------------------------------------------

def _path(path: str | os.PathLike | None) -> Path:
    return Path(path).expanduser().resolve() if path else config.users_path()


def _damaged(path: Path) -> AuthError:
    return AuthError(N_("the staff accounts file {path} is damaged; restore it from a backup, or move it away and "
                        "add the accounts again with `python -m rightsmap users add NAME`").format(path=path))


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The accounts by name; none if the file does not exist."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise _damaged(path) from None
    except OSError as exc:
        raise AuthError(N_("cannot read the staff accounts file {path}: {reason}").format(
            path=path, reason=exc.strerror or type(exc).__name__)) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise _damaged(path) from None
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict) or not all(
            isinstance(name, str) and isinstance(entry, dict) and isinstance(entry.get("hash"), str)
            for name, entry in users.items()):
        raise _damaged(path)
    return users


def _save(path: Path, users: dict[str, dict[str, Any]]) -> None:
    """Write the accounts atomically (a temporary file, then os.replace), readable only by this account."""
    text = json.dumps({"version": FILE_VERSION, "users": users}, indent=1, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)  # mkstemp already makes it 0600; say so where it matters
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _cannot_write(path, exc) from None


def _cannot_write(path: Path, exc: OSError) -> AuthError:
    return AuthError(N_("cannot write the staff accounts file {path}: {reason}").format(
        path=path, reason=exc.strerror or type(exc).__name__))


def _find(users: dict[str, Any], name: str) -> str | None:
    """The stored spelling of a name, matched ignoring case (an exact match wins)."""
    if name in users:
        return name
    folded = name.casefold()
    return next((stored for stored in users if stored.casefold() == folded), None)


# ---- accounts ------------------------------------------------------------------------------------------------

def validate_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise AuthError(N_("a user name is 1 to {limit} Latin letters, digits, dots, underscores or hyphens "
                           "(no spaces)").format(limit=NAME_MAX))


def validate_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise AuthError(N_("the password is too short: use at least {minimum} characters").format(
            minimum=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise AuthError(N_("the password is too long: use at most {maximum} characters").format(
            maximum=PASSWORD_MAX))


def add_user(name: str, password: str, path: str | os.PathLike | None = None, *, replace: bool = False) -> None:
    """Add an account, or with replace=True set a new password for an existing one."""
    validate_name(name)
    validate_password(password)
    target = _path(path)
    hashed = _hasher.hash(password)  # before the lock: hashing is the slow part
    with _file_lock:
        users = _load(target)
        existing = _find(users, name)
        if existing is not None and not replace:
            raise _already_exists(existing)
        if existing is not None:
            del users[existing]
        users[name] = {"hash": hashed}
        _save(target, users)


def check_addable(name: str, path: str | os.PathLike | None = None, *, replace: bool = False) -> None:
    """Raise the error add_user would for this name, before anybody types a password."""
    validate_name(name)
    existing = _find(_load(_path(path)), name)
    if existing is not None and not replace:
        raise _already_exists(existing)


def _already_exists(name: str) -> AuthError:
    return AuthError(N_("a staff account named {name} already exists; pass --replace to set a new "
                        "password").format(name=name))


def remove_user(name: str, path: str | os.PathLike | None = None) -> None:
    target = _path(path)
    with _file_lock:
        users = _load(target)
        existing = _find(users, name)
        if existing is None:
            raise AuthError(N_("no staff account named {name} in {path}").format(name=name, path=target))
        del users[existing]
        _save(target, users)


def list_users(path: str | os.PathLike | None = None) -> list[str]:
    return sorted(_load(_path(path)), key=str.casefold)


def has_users(path: str | os.PathLike | None = None) -> bool:
    """Whether anybody can log in; if not, the login form explains `python -m rightsmap users add NAME`."""
    return bool(_load(_path(path)))


def user_exists(name: str, path: str | os.PathLike | None = None) -> bool:
    return _find(_load(_path(path)), name) is not None


@functools.cache
def _dummy_hash() -> str:
    # Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
    return _hasher.hash("not a password of anybody's")


def authenticate(name: str, password: str, path: str | os.PathLike | None = None) -> str | None:
    """The account's stored name if the password is right, else None. Costs one hash either way."""
    target = _path(path)
    users = _load(target)
    stored = _find(users, name) if isinstance(name, str) else None
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        password = ""  # still hashed below, and never right: no account has an empty password
    hashed = users[stored]["hash"] if stored is not None else _dummy_hash()
    try:
        _hasher.verify(hashed, password)
    except InvalidHashError:
        raise _damaged(target) from None
    except VerificationError:
        return None
    if stored is None or not password:
        return None
    if _hasher.check_needs_rehash(hashed):
        _rehash(target, stored, hashed, password)
    return stored


def verify(name: str, password: str, path: str | os.PathLike | None = None) -> bool:
    """Whether the password is right for the name; False for an unknown name or no accounts file."""
    return authenticate(name, password, path) is not None


def _rehash(path: Path, name: str, old_hash: str, password: str) -> None:
    """Store a hash with the current parameters; a failure here must not stop the login."""
    new_hash = _hasher.hash(password)
    try:
        with _file_lock:
            users = _load(path)
            if users.get(name, {}).get("hash") != old_hash:
                return  # changed meanwhile (a new password); leave it
            users[name] = {**users[name], "hash": new_hash}
            _save(path, users)
    except AuthError:
        _log.warning("could not update a password hash to the current parameters in %s", path)


# ---- throttling failed logins --------------------------------------------------------------------------------

class Throttle:
    """Failed logins per user name (ignoring case) and across all names, with growing waits.

    After `free_failures` failures for a name, each further attempt for it must wait
    `base_delay * 2**(failures - free_failures)` seconds after the last failure, up to `max_delay`.
    More than `global_limit` failures within `global_window` seconds across all names make
    everybody wait, so guessing many names does not get round the per-name wait. A name's
    failures are forgotten after `forget_after` seconds without one, or on a successful login.
    One instance (THROTTLE) is shared by every session of the server process.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, free_failures: int = 3,
                 base_delay: float = 2.0, max_delay: float = 300.0, global_limit: int = 20,
                 global_window: float = 60.0, forget_after: float = 3600.0) -> None:
        self._clock = clock
        self.free_failures = free_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.global_limit = global_limit
        self.global_window = global_window
        self.forget_after = forget_after
        self._lock = threading.Lock()
        self._by_name: dict[str, tuple[int, float]] = {}  # key -> (failures, time of the last one)
        self._recent: deque[float] = deque(maxlen=global_limit + 1)  # times of the latest failures, any name

    @staticmethod
    def _key(name: str) -> str:
        return str(name).strip().casefold()[:NAME_MAX + 1]

    def _name_wait(self, key: str, now: float) -> float:
        failures, last = self._by_name.get(key, (0, now))
        if failures < self.free_failures:
            return 0.0
        delay = min(self.base_delay * 2 ** (failures - self.free_failures), self.max_delay)
        return last + delay - now

    def _global_wait(self, now: float) -> float:
        if len(self._recent) <= self.global_limit:
            return 0.0
        return self._recent[0] + self.global_window - now

    def wait_seconds(self, name: str) -> float:
        """How long an attempt for this name must wait; 0 if it may go ahead."""
        with self._lock:
            now = self._clock()
            return max(0.0, self._name_wait(self._key(name), now), self._global_wait(now))

    def admit(self, name: str) -> float:
        """Count an attempt for this name before its password is checked; 0 if it may go ahead, else the wait.

        The check and the count happen under one lock, so however many sessions race on one name, at
        most `free_failures` of them reach the password check before the waits begin. An admitted
        attempt counts as a failure until record_success says otherwise.
        """
        with self._lock:
            now = self._clock()
            key = self._key(name)
            wait = max(0.0, self._name_wait(key, now), self._global_wait(now))
            if wait <= 0:
                self._count_failure(key, now)
            return wait

    def record_failure(self, name: str) -> None:
        with self._lock:
            self._count_failure(self._key(name), self._clock())

    def _count_failure(self, key: str, now: float) -> None:
        failures, last = self._by_name.get(key, (0, now))
        if now - last > self.forget_after:
            failures = 0
        self._by_name[key] = (failures + 1, now)
        self._recent.append(now)
        if len(self._by_name) > 1000:  # many names guessed: drop the ones long quiet
            self._by_name = {k: v for k, v in self._by_name.items() if now - v[1] <= self.forget_after}

    def record_success(self, name: str) -> None:
        """Forget the name's failures, the admitted attempt that succeeded among them."""
        with self._lock:
            if self._by_name.pop(self._key(name), None) is not None and self._recent:
                self._recent.pop()


THROTTLE = Throttle()


# ---- sessions ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffSession:
    """Who is logged in, and when they were last active (seconds on the clock staff.py uses)."""

    name: str
    last_seen: float


def expired(session: StaffSession, now: float, minutes: float | None = None) -> bool:
    """Whether the session saw no activity for longer than `minutes` (default: config.SESSION_MINUTES)."""
    limit = config.SESSION_MINUTES if minutes is None else minutes
    return now - session.last_seen > limit * 60
