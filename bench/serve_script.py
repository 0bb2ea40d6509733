"""Run another Streamlit script (the naive page) on the same server footing as the app: Nagle off.

    python bench/serve_script.py bench/naive_page.py [streamlit run options]

rightsmap.cli.serve fixes Streamlit's listening socket so that replies are not held back for the
browser's delayed ACK (about 40 ms a run); the reference page gets the same fix, so the ratios
compare the pages, not the sockets. It gets no warm-up: that is the app's own work.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rightsmap.cli import serve  # noqa: E402

serve.bind_tcp_sockets()
from streamlit.web import cli  # noqa: E402

sys.argv = ["streamlit", "run", *sys.argv[1:]]
sys.exit(cli.main())
