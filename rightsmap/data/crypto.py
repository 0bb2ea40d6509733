"""Open the database file, encrypted at rest when a key is configured (DuckDB's AES-GCM database encryption).

With a key, the file is ATTACHed to an in-memory DuckDB with the key as a bound
parameter (so it never becomes part of SQL text that an error could echo) and
made the default catalog with USE, so every query in queries/ runs unchanged.
Reading works with DuckDB's built-in crypto. Writing needs the httpfs
extension (OpenSSL): without it this module refuses to write, and never falls
back to an unencrypted or weakly encrypted file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from rightsmap.domain import config
from rightsmap.domain.vocab import N_


class DatabaseError(Exception):
    """A problem with the database file that a person can fix; the message says how (in English: see i18n.text)."""


NOT_OURS = N_("{path} is not a rightsmap database: {problem}")
CANNOT_OPEN = N_("Cannot open {path}: {problem}")

# The name the encrypted file is attached under; USE makes it the default catalog.
CATALOG = "rightsmap"
MIN_KEY_LENGTH = 16
# The test-only switch: see unsafe_crypto_for_tests().
TEST_SWITCH = "RIGHTSMAP_TEST_UNSAFE_CRYPTO"

WRONG_KEY = N_("cannot decrypt {path}: wrong key?")
NO_KEY = N_("{path} is encrypted and no key is set: set RIGHTSMAP_DB_KEY_FILE to the file that holds its key")
NOT_ENCRYPTED = N_("{path} is not encrypted, but a database key is set: encrypt it once with "
                   "`python -m rightsmap encrypt --db PATH`, or unset RIGHTSMAP_DB_KEY_FILE and RIGHTSMAP_DB_KEY")
NO_HTTPFS = N_("writing an encrypted database needs DuckDB's httpfs extension (OpenSSL), which is not installed; "
               "on a machine with internet and the same DuckDB run `python -c \"import duckdb; "
               "duckdb.sql('INSTALL httpfs')\"`, or copy httpfs.duckdb_extension from one to {path}; "
               "nothing was written")
# For developers only, so not translated.
SWITCH_IGNORED = "(RIGHTSMAP_TEST_UNSAFE_CRYPTO is ignored outside the test suite)"
KEY_TOO_SHORT = N_("the database key is too short: use at least {length} characters, for example "
                   "`python -c \"import secrets; print(secrets.token_hex(32))\"`")

# DuckDB's main file header: 8 bytes of checksum, the magic "DUCK", an 8-byte
# version, then flags; bit 0 of the first flag marks an encrypted database.
_MAGIC = slice(8, 12)
_FLAGS = slice(20, 28)


class KeyedConnection:
    """A connection whose database is the ATTACHed encrypted file, for its cursors too.

    DuckDB gives each cursor a fresh session that starts in the in-memory
    catalog, so cursor() repeats the USE. Everything else is the connection's own.
    """

    __slots__ = ("_conn",)

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._conn.cursor()
        cursor.execute(f"USE {CATALOG}")
        return cursor

    def __getattr__(self, name: str):
        return getattr(self._conn, name)

    def __enter__(self) -> KeyedConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self._conn.close()


def configured_key() -> str | None:
    """The key from RIGHTSMAP_DB_KEY_FILE or RIGHTSMAP_DB_KEY, or None; a bad key file is a DatabaseError."""
    try:
        return config.encryption_key()
    except ValueError as exc:
        raise DatabaseError(str(exc)) from None


def key_from_file(path: str | os.PathLike, setting: str) -> str:
    """The key in a file named on the command line; a bad key file is a DatabaseError."""
    try:
        return config.key_from_file(path, setting)
    except ValueError as exc:
        raise DatabaseError(str(exc)) from None


def is_encrypted(path: Path | str) -> bool | None:
    """Whether a DuckDB file is encrypted, from its plaintext header; None if it is missing or not DuckDB."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(_FLAGS.stop)
    except OSError:
        return None
    if len(header) < _FLAGS.stop or header[_MAGIC] != b"DUCK":
        return None
    return bool(int.from_bytes(header[_FLAGS], "little") & 1)


def open_file(path: Path | str, *, read_only: bool, own_instance: bool = False):
    """Open a database file with the configured key, or as a plain file when there is none."""
    return open_with(path, configured_key(), read_only=read_only, own_instance=own_instance)


def open_with(path: Path | str, key: str | None, *, read_only: bool, own_instance: bool = False):
    """Open a database file with this key (None: a plain file). Raises DatabaseError, never showing the key.

    own_instance: a plain file too is ATTACHed to a DuckDB of its own, as an encrypted one always is.
    duckdb.connect(path) hands back the instance already open on that path, which still reads the file an
    import has since replaced; an own instance reads the file there now, beside any older one still in use.
    """
    path = Path(path)
    encrypted = is_encrypted(path)
    if key is None and encrypted:
        raise DatabaseError(NO_KEY.format(path=path))
    if key is None and not own_instance:
        return duckdb.connect(str(path), read_only=read_only)
    if key is not None and encrypted is False:
        raise DatabaseError(NOT_ENCRYPTED.format(path=path))
    conn = memory()
    try:
        if not read_only and key is not None:
            enable_writing(conn, key)
        attach(conn, path, CATALOG, key, read_only=read_only)
        conn.execute(f"USE {CATALOG}")
    except BaseException:
        conn.close()
        raise
    return KeyedConnection(conn)


def memory() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB to attach files to: it never spills to disk nor downloads an extension by itself."""
    # No temporary files: DuckDB 2.0 leaves them unencrypted unless temp_file_encryption is on, which
    # in turn needs httpfs even for reading. The aggregates here fit in memory many times over.
    conn = duckdb.connect(config={"temp_directory": ""})
    # DuckDB would try to download httpfs on an encrypted write: nothing leaves the machine unasked.
    conn.execute("SET autoinstall_known_extensions = false")
    return conn


def attach(conn: duckdb.DuckDBPyConnection, path: Path | str, alias: str, key: str | None, *, read_only: bool) -> None:
    """ATTACH a file under alias, with the key bound as a parameter; errors become DatabaseErrors."""
    options = ["READ_ONLY"] if read_only else []
    params = {"path": str(path)}
    if key is not None:
        options.append("ENCRYPTION_KEY $key")
        params["key"] = key
    clause = f" ({', '.join(options)})" if options else ""
    try:
        conn.execute(f"ATTACH $path AS {alias}{clause}", params)
    except duckdb.Error as exc:
        raise problem(path, exc, key) from None


def enable_writing(conn: duckdb.DuckDBPyConnection, key: str) -> None:
    """Let this connection write encrypted files securely (httpfs), or refuse; call before any ATTACH."""
    if len(key) < MIN_KEY_LENGTH:
        raise DatabaseError(KEY_TOO_SHORT.format(length=MIN_KEY_LENGTH))
    try:
        conn.execute("LOAD httpfs")
        return
    except duckdb.Error:
        pass
    if unsafe_crypto_for_tests():
        print(f"rightsmap: warning: {TEST_SWITCH}=1: writing with DuckDB's built-in crypto, which is NOT secure "
              "(test suite only)", file=sys.stderr)
        conn.execute("SET force_mbedtls_unsafe = 'true'")
        return
    message = NO_HTTPFS.format(path=httpfs_file(conn))
    if os.environ.get(TEST_SWITCH):
        message = f"{message} {SWITCH_IGNORED}"
    raise DatabaseError(message)


def unsafe_crypto_for_tests() -> bool:
    """Whether the test suite asked DuckDB to write encrypted files with its built-in Mbed TLS. NOT secure.

    Without httpfs, DuckDB refuses to write encrypted files because its built-in
    Mbed TLS random numbers are not safe for it; force_mbedtls_unsafe overrides
    that. The tests need the override on machines where httpfs cannot be
    installed (no internet). Files written so are NOT securely encrypted, so the
    override must never be reachable in a deployment. It takes two things:
    RIGHTSMAP_TEST_UNSAFE_CRYPTO=1, and pytest running a test at this moment
    (pytest sets PYTEST_CURRENT_TEST during each test, and its subprocesses
    inherit it), in this process or in a parent of it: setting both variables by
    hand does nothing unless pytest is really running above. A variable copied
    from a test configuration into production therefore does nothing, and
    there is deliberately no command-line flag or app setting for it. Each use
    prints a warning.
    """
    return (os.environ.get(TEST_SWITCH) == "1" and bool(os.environ.get("PYTEST_CURRENT_TEST"))
            and _inside_pytest())


def _inside_pytest() -> bool:
    """Whether pytest runs in this process or in one of its parents (a test's subprocess): variables can be
    set by hand, a running pytest above the process cannot be, short of running the test suite."""
    if "_pytest" in sys.modules:
        return True
    pid = os.getppid()
    for _ in range(16):
        if pid <= 1:
            return False
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            return False
        if any(Path(part.decode(errors="replace")).name in ("pytest", "py.test") for part in command) or (
                b"-m" in command and b"pytest" in command):
            return True
        pid = int(stat.rsplit(b")", 1)[1].split()[1])  # the parent's id, after the command's name
    return False


def httpfs_file(conn: duckdb.DuckDBPyConnection) -> Path:
    """Where this DuckDB looks for the httpfs extension: EXTENSION_DIR/VERSION/PLATFORM/httpfs.duckdb_extension."""
    directory, version, platform = conn.execute(
        "SELECT current_setting('extension_directory'), (SELECT library_version FROM pragma_version()), "
        "(SELECT platform FROM pragma_platform())").fetchall()[0]
    base = Path(directory).expanduser() if directory else Path.home() / ".duckdb" / "extensions"
    return base / version / platform / "httpfs.duckdb_extension"


def problem(path: Path | str, exc: BaseException, *keys: str | None) -> DatabaseError:
    """The DatabaseError for a DuckDB error on an encrypted file, with any key scrubbed from its text."""
    text = scrub(str(exc), *keys)
    if isinstance(exc, duckdb.InvalidInputException) and "encryption key" in text.lower():
        return DatabaseError(WRONG_KEY.format(path=path))
    if "without a key" in text:
        return DatabaseError(NO_KEY.format(path=path))
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if isinstance(exc, duckdb.IOException):
        return DatabaseError(CANNOT_OPEN.format(path=path, problem=line))
    return DatabaseError(NOT_OURS.format(path=path, problem=line))


def scrub(text: str, *keys: str | None) -> str:
    """The text with every key replaced by a placeholder (DuckDB errors can quote what they were given)."""
    for key in keys:
        if key:
            text = text.replace(key, "[key]")
    return text
