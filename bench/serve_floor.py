"""Start a script as rightsmap.cli.serve starts the app (bench/floor_page.py, for bench/run.py).

    python bench/serve_floor.py SCRIPT [streamlit run options]

The same warm-up (the public map's libraries, its base map, the protected table) and the same socket
fix as `make run`, so the floor and the app differ only in their pages. Streamlit serves /app/static
from the folder beside SCRIPT: bench/run.py copies the floor page next to a link to the app's static/.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rightsmap.cli import serve  # noqa: E402

serve.DASHBOARD = Path(sys.argv[1]).resolve()
sys.exit(serve.main(sys.argv[2:]))
