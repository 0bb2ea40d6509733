"""The package's layers (pyproject.toml, [tool.importlinter]; README, "Architecture") and no import circles.

import-linter checks that no module imports a higher layer; it does not look for circles inside a layer,
so the circles are found here from the source itself, function-local imports included.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    # --no-cache: a copy of the package must be read afresh.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "rightsmap", tmp_path / "rightsmap", ignore=shutil.ignore_patterns("__pycache__", "locales"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_every_layer_contract_is_kept():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line"), [
    ("rightsmap/domain/vocab.py", "from rightsmap.data import db"),  # a lower layer imports a higher one
    ("rightsmap/disclosure/protect.py", "from rightsmap.cli import public"),
    ("rightsmap/records/store.py", "import streamlit"),  # Streamlit below the web layer
    ("rightsmap/attack.py", "from rightsmap.disclosure import layout"),  # the attacker reads the protector
])
def test_an_import_against_the_layers_breaks_a_contract(tmp_path, module, line):
    root = _copy(tmp_path)
    path = root / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = _lint_imports(root)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "BROKEN" in done.stdout


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of the package -> the package's modules it imports (at the top or inside a function)."""
    modules = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == package.name:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name in modules}
        # A module's own package __init__ runs before it anyway: that is no circle.
        graph[name] = {m for m in found if m in modules and m != name and not name.startswith(m + ".")}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_module_imports_itself_through_others():
    assert circles(import_graph(ROOT / "rightsmap")) == []


def test_a_circle_through_a_function_local_import_is_found(tmp_path):
    root = _copy(tmp_path)
    path = root / "rightsmap" / "data" / "crypto.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef _later():\n    from rightsmap.data import db\n",
                    encoding="utf-8")
    assert circles(import_graph(root / "rightsmap")) == [["rightsmap.data.crypto", "rightsmap.data.db"]]
