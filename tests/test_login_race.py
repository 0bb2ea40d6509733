"""The login throttle holds when many sessions try one name at the same moment."""

from __future__ import annotations

import threading
import types

from argon2 import PasswordHasher

from rightsmap.data import auth
from rightsmap.web import staff

PASSWORD = "correct horse battery"


class ThreadSessionState(threading.local):
    """st.session_state as each browser session sees it: one per thread here."""

    def __init__(self) -> None:
        self.data: dict = {}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def __getitem__(self, key):
        return self.data[key]

    def __setitem__(self, key, value):
        self.data[key] = value

    def __delitem__(self, key):
        del self.data[key]

    def __contains__(self, key):
        return key in self.data

    def __iter__(self):
        return iter(list(self.data))

    def pop(self, key, default=None):
        return self.data.pop(key, default)


def test_parallel_attempts_on_one_name_get_only_the_free_tries(tmp_path, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_USERS", str(tmp_path / "users.json"))
    # Slow enough that all 20 attempts are in flight together, as with the real parameters.
    checked: list[str] = []

    class CountingHasher(PasswordHasher):
        """Slow enough that all 20 attempts are in flight together, as with the real parameters."""

        def verify(self, hashed, password):
            checked.append(password)
            return super().verify(hashed, password)

    monkeypatch.setattr(auth, "_hasher", CountingHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1))
    auth._dummy_hash.cache_clear()
    auth.add_user("alice", PASSWORD)
    throttle = auth.Throttle()
    monkeypatch.setattr(auth, "THROTTLE", throttle)
    state = ThreadSessionState()
    monkeypatch.setattr(staff, "st", types.SimpleNamespace(session_state=state))
    passwords = [f"wrong password {i}" for i in range(19)] + [PASSWORD]
    start = threading.Barrier(len(passwords))
    outcomes: dict[str, object] = {}

    def attempt(password: str) -> None:
        state["staff_login_name"], state["staff_login_password"] = "alice", password
        start.wait()
        staff._attempt()
        outcomes[password] = state.get(staff.SESSION_KEY) or state.get("staff_login_result")[0]

    threads = [threading.Thread(target=attempt, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    auth._dummy_hash.cache_clear()
    assert len(checked) <= throttle.free_failures, len(checked)
    throttled = [p for p, outcome in outcomes.items() if outcome == "throttled"]
    assert len(throttled) >= len(passwords) - throttle.free_failures
    logged_in = isinstance(outcomes[PASSWORD], auth.StaffSession)
    assert logged_in == (PASSWORD in checked)  # only when it was among the free tries
