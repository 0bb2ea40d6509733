"""dashboard.py, run under the profiler that bench/profile_pages.py installs (AppTest runs scripts in a thread)."""

import builtins
import runpy
from pathlib import Path

profiler = getattr(builtins, "_rightsmap_profiler", None)
if profiler is not None and not profiler.is_running:
    profiler.start()
try:
    runpy.run_path(str(Path(__file__).resolve().parents[1] / "dashboard.py"), run_name="__main__")
finally:
    if profiler is not None and profiler.is_running:
        profiler.stop()
