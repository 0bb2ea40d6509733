"""`make upgrade-check`: would the newest Streamlit and streamlit-folium break the app? Run it before a new pin.

In a scratch virtualenv (default /tmp/rightsmap-upgrade, made anew), installs requirements-dev.txt, then
upgrades streamlit and streamlit-folium to the newest on PyPI, and runs there, in order:
  1. rightsmap.compat.check(): names every private internal the app touches that the new versions
     lack (rightsmap/compat.py), with what the app falls back to;
  2. tests/test_compat.py, tests/test_streamlit_words.py and tests/test_mapview.py (the version-pin
     tests are left out: they fail by design until the pins move);
  3. the browser suite (`pytest -m browser`);
  4. a quick bench (`bench/run.py --quick`), written to the scratch folder, not to bench/results.json.
Every step runs even when one before it failed; the summary lists each step's result and the versions.
Not part of `make test`: it needs PyPI and takes about as long as the browser suite plus 3 minutes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPGRADED = ("streamlit", "streamlit-folium")
CHECK = ("import sys\n"
         "from rightsmap import compat\n"
         "from rightsmap.web import mapview, streamlit_words  # the modules that register what they touch\n"
         "missing = compat.check()\n"
         "print('compat.check(): ' + ('every touch point is there' if not missing else 'missing: ' + '; '.join(missing)))\n"
         "sys.exit(1 if missing else 0)\n")
PIN_TESTS = "not the_pins_are_the_versions and not the_words_were_read_from_the_installed_streamlit"


def run(name: str, command: list[str], results: list[tuple[str, int, float]], **kwargs) -> int:
    print(f"\n=== {name}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    code = subprocess.run(command, cwd=ROOT, check=False, **kwargs).returncode
    results.append((name, code, time.monotonic() - started))
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", type=Path, default=Path("/tmp/rightsmap-upgrade"))
    parser.add_argument("--python", default=sys.executable, help="the interpreter to make the venv with")
    parser.add_argument("--no-browser", action="store_true", help="leave out the browser suite")
    parser.add_argument("--no-bench", action="store_true", help="leave out the quick bench")
    args = parser.parse_args(argv)

    results: list[tuple[str, int, float]] = []
    if args.venv.exists():
        shutil.rmtree(args.venv)
    python = str(args.venv / "bin" / "python")
    steps = [
        ("venv", [args.python, "-m", "venv", str(args.venv)]),
        ("install the pins", [python, "-m", "pip", "install", "--quiet", "-r", "requirements-dev.txt"]),
        ("upgrade " + " and ".join(UPGRADED), [python, "-m", "pip", "install", "--quiet", "--upgrade", *UPGRADED]),
    ]
    for name, command in steps:
        if run(name, command, results) != 0:
            return summary(results, python)
    run("compat.check()", [python, "-c", CHECK], results)
    run("compat tests", [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_compat.py",
                         "tests/test_streamlit_words.py", "tests/test_mapview.py", "-k", PIN_TESTS], results)
    if not args.no_browser:
        run("browser suite", [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser"], results)
    if not args.no_bench:
        run("quick bench", [python, "bench/run.py", "--quick", "--out", str(args.venv / "results.json")], results)
    return summary(results, python)


def summary(results: list[tuple[str, int, float]], python: str) -> int:
    versions = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True,
                              check=False).stdout.splitlines()
    print("\n=== upgrade check")
    for line in versions:
        if line.split("==")[0].lower() in {*UPGRADED, "folium", "branca", "jinja2"}:
            print(f"  {line}")
    for name, code, seconds in results:
        print(f"  {'ok    ' if code == 0 else 'FAILED'} {name} ({seconds:.0f} s)")
    return 0 if all(code == 0 for _name, code, _seconds in results) else 1


if __name__ == "__main__":
    sys.exit(main())
