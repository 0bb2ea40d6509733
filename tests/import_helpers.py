"""Shared by the import tests: small files written in code, and running the data commands in-process."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from rightsmap.cli import main as cli

CASES_HEADER = "date;place;violation_types;perpetrator;detained;detention_days;extorted_som;raid"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(args), out=out)
    return code, out.getvalue()


def run_import(kind: str, file: Path, db: Path, *extra: str) -> tuple[int, dict]:
    code, text = run("import", kind, str(file), "--db", str(db), *extra)
    return code, json.loads(text)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
