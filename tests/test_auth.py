"""Staff accounts: hashes in the file, throttled logins, session expiry, the users command, and the login form."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from rightsmap.cli import main as cli
from rightsmap.data import auth
from rightsmap.domain import config
from rightsmap.web import staff

PASSWORD = "correct horse battery"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the real parameters cost 0.25 s a hash


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """Cheap argon2id parameters, a fresh throttle for each test, and English messages."""
    monkeypatch.setattr(auth, "_hasher", FAST)
    auth._dummy_hash.cache_clear()
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    monkeypatch.setenv("RIGHTSMAP_LANG", "en")
    yield
    auth._dummy_hash.cache_clear()


@pytest.fixture()
def users(tmp_path, monkeypatch):
    """An accounts file with one user, alice, found through $RIGHTSMAP_USERS."""
    path = tmp_path / "users.json"
    monkeypatch.setenv("RIGHTSMAP_USERS", str(path))
    auth.add_user("alice", PASSWORD)
    return path


class CountingHasher:
    """The hasher, counting verify calls."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner, self.verified = inner, 0

    def verify(self, hashed, password):
        self.verified += 1
        return self.inner.verify(hashed, password)

    def __getattr__(self, name):
        return getattr(self.inner, name)


# ---- the accounts file ---------------------------------------------------------------------------------------

def test_the_file_keeps_an_argon2id_hash_never_the_password(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher())  # the parameters the app really uses
    path = tmp_path / "users.json"
    auth.add_user("alice", PASSWORD, path)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    stored = json.loads(text)["users"]["alice"]["hash"]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth.verify("alice", PASSWORD, path)


def test_verify_right_wrong_and_unknown(users):
    assert auth.verify("alice", PASSWORD)
    assert auth.verify("ALICE", PASSWORD)  # names are matched ignoring case
    assert auth.authenticate("Alice", PASSWORD) == "alice"
    assert not auth.verify("alice", PASSWORD + "!")
    assert not auth.verify("alice", "")
    assert not auth.verify("bob", PASSWORD)


def test_an_unknown_name_costs_one_hash_like_a_wrong_password(users, monkeypatch):
    counting = CountingHasher(FAST)
    monkeypatch.setattr(auth, "_hasher", counting)
    assert not auth.verify("nobody", PASSWORD)
    assert counting.verified == 1
    assert not auth.verify("alice", "wrong password")
    assert counting.verified == 2


def test_no_accounts_file_means_nobody_can_log_in(tmp_path):
    path = tmp_path / "missing.json"
    assert not auth.has_users(path)
    assert auth.list_users(path) == []
    assert not auth.verify("alice", PASSWORD, path)
    assert not path.exists()


@pytest.mark.parametrize("name", ["", "a" * 41, "has space", "алия", "a/b", "x\n", "../etc", "a:b"])
def test_bad_names_are_refused_with_what_to_use(tmp_path, name):
    with pytest.raises(auth.AuthError, match="1 to 40 Latin letters, digits"):
        auth.add_user(name, PASSWORD, tmp_path / "users.json")
    assert not (tmp_path / "users.json").exists()


def test_good_names_are_accepted(tmp_path):
    path = tmp_path / "users.json"
    for name in ("a", "aigul.k", "staff_2", "Bek-1", "x" * 40):
        auth.add_user(name, PASSWORD, path)
    assert auth.list_users(path) == ["a", "aigul.k", "Bek-1", "staff_2", "x" * 40]


def test_short_passwords_are_refused(tmp_path):
    with pytest.raises(auth.AuthError, match="at least 10 characters"):
        auth.add_user("alice", "123456789", tmp_path / "users.json")
    auth.add_user("alice", "1234567890", tmp_path / "users.json")
    assert auth.verify("alice", "1234567890", tmp_path / "users.json")


def test_an_existing_name_is_refused_unless_replaced(users):
    with pytest.raises(auth.AuthError, match="already exists; pass --replace"):
        auth.add_user("alice", "another password")
    with pytest.raises(auth.AuthError, match="already exists"):
        auth.add_user("ALICE", "another password")  # differs only in case
    auth.add_user("alice", "another password", replace=True)
    assert auth.verify("alice", "another password")
    assert not auth.verify("alice", PASSWORD)
    assert auth.list_users() == ["alice"]


def test_remove_and_list(users):
    auth.add_user("bek", PASSWORD)
    assert auth.list_users() == ["alice", "bek"]
    auth.remove_user("Bek")
    assert auth.list_users() == ["alice"]
    assert not auth.verify("bek", PASSWORD)
    with pytest.raises(auth.AuthError, match="no staff account named bek"):
        auth.remove_user("bek")


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"users": []}', b'{"users": {"alice": "plain"}}',
                                     b"\xff\xfe\x00garbage"])
def test_a_damaged_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "users.json"
    path.write_bytes(content)
    for attempt in (lambda: auth.verify("alice", PASSWORD, path), lambda: auth.list_users(path),
                    lambda: auth.has_users(path), lambda: auth.add_user("bek", PASSWORD, path)):
        with pytest.raises(auth.AuthError, match="is damaged; restore it from a backup"):
            attempt()
    assert path.read_bytes() == content  # never overwritten


def test_a_stored_value_that_is_not_a_hash_is_a_clear_error(tmp_path):
    path = tmp_path / "users.json"
    path.write_text('{"version": 1, "users": {"alice": {"hash": "hunter2"}}}', encoding="utf-8")
    with pytest.raises(auth.AuthError, match="damaged"):
        auth.verify("alice", "hunter2", path)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "users.json"
    path.mkdir()
    with pytest.raises(auth.AuthError, match="cannot read the staff accounts file"):
        auth.verify("alice", PASSWORD, path)


def test_the_file_is_written_atomically_readable_only_by_its_owner(users):
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    users.chmod(0o644)
    auth.add_user("bek", PASSWORD)
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert [p.name for p in users.parent.iterdir()] == ["users.json"]  # no temporary file left behind


def test_a_login_rehashes_a_hash_with_old_parameters(tmp_path):
    path = tmp_path / "users.json"
    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    path.write_text(json.dumps({"version": 1, "users": {"alice": {"hash": old}}}), encoding="utf-8")
    assert auth.verify("alice", PASSWORD, path)
    new = json.loads(path.read_text(encoding="utf-8"))["users"]["alice"]["hash"]
    assert new != old and not FAST.check_needs_rehash(new)
    assert auth.verify("alice", PASSWORD, path)


def test_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("RIGHTSMAP_USERS", str(tmp_path / "staff.json"))
    assert config.users_path() == tmp_path / "staff.json"
    monkeypatch.delenv("RIGHTSMAP_USERS")
    assert config.users_path() == config.ROOT / "data" / "users.json"
    problems: list[str] = []
    monkeypatch.setattr(config, "SETTING_PROBLEMS", problems)
    monkeypatch.setenv("RIGHTSMAP_SESSION_MINUTES", "45")
    assert config._minutes_setting("RIGHTSMAP_SESSION_MINUTES", 30) == 45 and not problems
    for bad in ("half an hour", "0", "-5", "1e3", "99999"):
        monkeypatch.setenv("RIGHTSMAP_SESSION_MINUTES", bad)
        assert config._minutes_setting("RIGHTSMAP_SESSION_MINUTES", 30) == 30
    assert len(problems) == 5 and "using 30" in problems[0]


# ---- throttling ----------------------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_waits_grow_after_three_failures_and_are_capped():
    clock = Clock()
    throttle = auth.Throttle(clock)
    waits = []
    for _ in range(12):
        waits.append(throttle.wait_seconds("alice"))
        throttle.record_failure("alice")
        clock.now += 1000  # long enough for any wait, short of forgetting
    waits.append(throttle.wait_seconds("alice"))
    assert waits == [0.0] * 13  # each attempt came after its wait
    clock.now -= 1000
    assert throttle.wait_seconds("alice") == 300.0  # capped


def test_the_wait_after_each_failure():
    clock = Clock()
    throttle = auth.Throttle(clock)
    seen = []
    for _ in range(8):
        throttle.record_failure("Alice")
        seen.append(throttle.wait_seconds("alice"))  # the same name in another case
    assert seen == [0, 0, 2, 4, 8, 16, 32, 64]
    clock.now += 63.5
    assert throttle.wait_seconds("ALICE") == pytest.approx(0.5)
    assert throttle.wait_seconds("bek") == 0  # other names are not held up


def test_a_success_resets_the_count():
    throttle = auth.Throttle(Clock())
    for _ in range(5):
        throttle.record_failure("alice")
    assert throttle.wait_seconds("alice") > 0
    throttle.record_success("alice")
    assert throttle.wait_seconds("alice") == 0
    throttle.record_failure("alice")
    assert throttle.wait_seconds("alice") == 0


def test_failures_are_forgotten_after_an_hour_without_one():
    clock = Clock()
    throttle = auth.Throttle(clock)
    for _ in range(6):
        throttle.record_failure("alice")
    clock.now += 3601
    throttle.record_failure("alice")
    assert throttle.wait_seconds("alice") == 0


def test_guessing_many_names_makes_everybody_wait():
    clock = Clock()
    throttle = auth.Throttle(clock)
    for number in range(20):
        throttle.record_failure(f"guess{number}")
        clock.now += 1
    assert throttle.wait_seconds("alice") == 0  # 20 a minute is still allowed
    throttle.record_failure("guess20")
    assert throttle.wait_seconds("alice") == pytest.approx(40)  # until the first of the 21 is a minute old
    clock.now += 40
    assert throttle.wait_seconds("alice") == 0


def test_the_throttle_counts_failures_from_many_threads():
    throttle = auth.Throttle(Clock(), base_delay=1.0, max_delay=10.0**9, global_limit=10**6)

    def fail() -> None:
        for _ in range(100):
            throttle.record_failure("alice")

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.wait_seconds("alice") == min(2.0 ** (800 - 3), 10.0**9)
    assert throttle._by_name["alice"][0] == 800


# ---- sessions ------------------------------------------------------------------------------------------------

def test_a_session_expires_after_the_minutes_without_activity():
    session = auth.StaffSession("alice", last_seen=100.0)
    assert not auth.expired(session, 100.0 + 30 * 60)
    assert auth.expired(session, 100.0 + 30 * 60 + 1)
    assert auth.expired(session, 100.0 + 5 * 60 + 1, minutes=5)
    assert not auth.expired(session, 100.0 + 5 * 60, minutes=5)
    with pytest.raises(AttributeError):
        session.name = "bek"  # frozen


# ---- the users command ---------------------------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def users_command(*args: str, capsys, stdin: io.StringIO | None = None, monkeypatch=None, typed=()):
    """Run `python -m rightsmap users ARGS`; typed are the answers to the hidden password prompts."""
    answers = list(typed)
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", stdin if stdin is not None else Terminal())
    out = io.StringIO()
    code = cli.main(["users", *args], out=out)
    captured = capsys.readouterr()
    return code, out.getvalue() + captured.out, captured.err, prompts


def test_add_asks_twice_in_a_terminal(tmp_path, capsys, monkeypatch):
    path = tmp_path / "users.json"
    code, out, err, prompts = users_command("add", "alice", "--users", str(path), capsys=capsys,
                                            monkeypatch=monkeypatch, typed=[PASSWORD, PASSWORD])
    assert code == 0, err
    assert len(prompts) == 2 and "alice" in prompts[0]
    assert "Added the staff account alice" in out
    assert PASSWORD not in out + err
    assert auth.verify("alice", PASSWORD, path)


def test_add_refuses_passwords_that_differ(tmp_path, capsys, monkeypatch):
    path = tmp_path / "users.json"
    code, out, err, _ = users_command("add", "alice", "--users", str(path), capsys=capsys, monkeypatch=monkeypatch,
                                      typed=[PASSWORD, PASSWORD + "x"])
    assert code == 2
    assert err.strip() == "rightsmap: error: the two passwords differ; nothing was changed"
    assert not path.exists()


def test_add_reads_one_line_when_piped(users, capsys, monkeypatch):
    code, out, err, prompts = users_command("add", "bek", capsys=capsys, monkeypatch=monkeypatch,
                                            stdin=io.StringIO("a piped password\nignored\n"))
    assert code == 0, err
    assert prompts == []
    assert auth.verify("bek", "a piped password")
    assert "a piped password" not in out + err


@pytest.mark.parametrize("args, stdin, message", [
    (["add", "bek"], "short\n", "the password is too short: use at least 10 characters"),
    (["add", "bek"], "", "no password on standard input"),
    (["add", "bad name"], f"{PASSWORD}\n", "a user name is 1 to 40 Latin letters"),
    (["add", "ALICE"], "another password\n", "a staff account named alice already exists; pass --replace"),
    (["remove", "bek"], "", "no staff account named bek"),
    (["add", "bek", PASSWORD], "", "unrecognized arguments"),  # never as an argument
])
def test_errors_are_one_line_with_exit_code_2(users, capsys, monkeypatch, args, stdin, message):
    before = users.read_bytes()
    code, out, err, _ = users_command(*args, capsys=capsys, monkeypatch=monkeypatch, stdin=io.StringIO(stdin))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert PASSWORD not in err.replace("unrecognized arguments: " + PASSWORD, "")
    assert users.read_bytes() == before


def test_a_bad_name_is_refused_before_the_password_is_asked(tmp_path, capsys, monkeypatch):
    code, _, err, prompts = users_command("add", "bad name", "--users", str(tmp_path / "u.json"), capsys=capsys,
                                          monkeypatch=monkeypatch, typed=[PASSWORD, PASSWORD])
    assert code == 2 and prompts == []


def test_replace_list_and_remove(users, capsys, monkeypatch):
    code, out, err, _ = users_command("add", "alice", "--replace", capsys=capsys, monkeypatch=monkeypatch,
                                      typed=["a new password", "a new password"])
    assert code == 0, err
    assert "Set a new password for alice" in out
    assert auth.verify("alice", "a new password")
    code, out, _, _ = users_command("list", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and out.splitlines() == ["alice"]
    code, out, _, _ = users_command("remove", "alice", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "Removed the staff account alice" in out
    code, out, _, _ = users_command("list", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "No staff accounts in" in out and "users add NAME" in out


def test_a_piped_password_from_the_shell(tmp_path):
    path = tmp_path / "users.json"
    done = subprocess.run([sys.executable, "-m", "rightsmap", "users", "add", "aigul", "--users", str(path)],
                          input=f"{PASSWORD}\n", capture_output=True, text=True, cwd=config.ROOT, timeout=120,
                          env={**os.environ, "RIGHTSMAP_LANG": "en"})
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert auth.list_users(path) == ["aigul"] and auth.verify("aigul", PASSWORD, path)


def test_a_damaged_file_is_one_line_on_the_command_line(users, capsys, monkeypatch):
    users.write_text("{oops", encoding="utf-8")
    for args in (["list"], ["remove", "alice"], ["add", "bek"]):
        code, _, err, _ = users_command(*args, capsys=capsys, monkeypatch=monkeypatch,
                                        stdin=io.StringIO(f"{PASSWORD}\n"))
        assert code == 2
        assert "is damaged" in err and len(err.strip().splitlines()) == 1


# ---- the login form ------------------------------------------------------------------------------------------

SCRIPT = """
import streamlit as st
from rightsmap.web import staff

st.session_state.setdefault("lang", "en")
name = staff.current_user()
if name is None:
    staff.login_form()
else:
    st.markdown(f"welcome {name}")
    st.session_state.setdefault("staff_page_data", "secret")
    staff.logout_button()
"""


@pytest.fixture()
def login(tmp_path, monkeypatch):
    """The login form in a tiny app, with a clock the test moves."""
    script = tmp_path / "staff_app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    clock = Clock()
    monkeypatch.setattr(staff, "_now", clock)
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle(clock))
    at = AppTest.from_file(str(script), default_timeout=30)
    at.clock = clock
    return at


def attempt(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="staff_login_name").input(name)
    at.text_input(key="staff_login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def welcomed(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("welcome")]


def test_with_no_accounts_the_form_says_how_to_create_one(login, tmp_path, monkeypatch):
    monkeypatch.setenv("RIGHTSMAP_USERS", str(tmp_path / "none.json"))
    login.run()
    assert "python -m rightsmap users add NAME" in login.info[0].value
    assert not login.text_input


def test_a_wrong_password_is_refused_and_cleared(login, users):
    login.run()
    attempt(login, "alice", "not the password")
    assert [e.value for e in login.error] == ["Wrong user name or password."]
    assert login.text_input(key="staff_login_password").value == ""
    assert not welcomed(login)
    attempt(login, "nobody", "not the password")
    assert [e.value for e in login.error] == ["Wrong user name or password."]  # the same for an unknown name


def test_the_right_password_logs_in_and_log_out_ends_it(login, users):
    login.run()
    attempt(login, "Alice", PASSWORD)
    assert welcomed(login) == ["welcome alice"]
    assert PASSWORD not in repr(login.session_state)  # the typed password is not kept
    login.sidebar.button[0].click().run()  # Log out
    assert not welcomed(login)
    assert "staff" not in login.session_state and "staff_page_data" not in login.session_state
    assert login.text_input(key="staff_login_name").value == ""


def test_an_idle_session_expires_with_a_notice(login, users):
    login.run()
    attempt(login, "alice", PASSWORD)
    login.clock.now += 29 * 60
    login.run()
    assert welcomed(login) == ["welcome alice"]  # activity keeps the session alive
    login.clock.now += 29 * 60
    login.run()
    assert welcomed(login) == ["welcome alice"]
    login.clock.now += 30 * 60 + 1
    login.run()
    assert not welcomed(login)
    assert login.info[0].value == ("Your staff session ended after 30 minutes without activity. Log in again.")
    assert "staff_page_data" not in login.session_state


def test_a_removed_account_ends_its_session(login, users):
    login.run()
    attempt(login, "alice", PASSWORD)
    auth.add_user("bek", PASSWORD)
    auth.remove_user("alice")
    login.run()
    assert not welcomed(login)


def test_after_three_failures_even_the_right_password_waits(login, users):
    login.run()
    for _ in range(3):
        attempt(login, "alice", "not the password")
    attempt(login, "alice", PASSWORD)
    assert [e.value for e in login.error] == ["Too many failed logins. Try again in 2 seconds."]
    assert not welcomed(login)
    login.clock.now += 2
    attempt(login, "alice", PASSWORD)
    assert welcomed(login) == ["welcome alice"]


def test_a_damaged_accounts_file_shows_no_server_details(login, users):
    users.write_text("{oops", encoding="utf-8")
    login.run()
    assert not login.exception
    shown = " ".join(e.value for e in login.error)
    assert "cannot be read" in shown and str(users) not in shown


def test_no_password_reaches_any_log(login, users, caplog):
    import logging

    caplog.set_level(logging.DEBUG)  # everything Streamlit and rightsmap log, at every level
    login.run()
    attempt(login, "alice", "a wrong secret 123")
    attempt(login, "alice", PASSWORD)
    assert welcomed(login) == ["welcome alice"]
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    assert "a wrong secret 123" not in caplog.text and PASSWORD not in caplog.text
