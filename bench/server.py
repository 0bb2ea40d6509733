"""Start `streamlit run` on a free 127.0.0.1 port, wait until it answers, read its memory, stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One app server process: `script` (relative to the repo) reading the database at db_path."""

    def __init__(self, script: str, db_path: Path, log_dir: Path, *, env: dict[str, str] | None = None,
                 as_app: bool = False):
        self.script = script
        self.as_app = as_app  # started as the app is (bench/serve_floor.py): its warm-up, not only its socket
        self.db_path = db_path
        self.log_dir = log_dir
        self.extra_env = env or {}
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.started_at = 0.0
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> Server:
        # The app starts as `make run` starts it (rightsmap.cli.serve: streamlit run, Nagle off, a warm-up);
        # the floor page the same way; any other script (the naive page) with the socket fix but no warm-up.
        if self.script == "dashboard.py":
            launcher = ["-m", "rightsmap.cli.serve"]
        else:
            launcher = [str(ROOT / "bench" / ("serve_floor.py" if self.as_app else "serve_script.py")), self.script]
        command = [sys.executable, *launcher,
                   "--server.headless", "true", "--server.address", HOST, "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        env = {**os.environ, "RIGHTSMAP_DB": str(self.db_path), **self.extra_env}
        # As `make run` does before it starts the app (untimed): rightsmap's bytecode, up to date.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "rightsmap")], check=True,
                       stdout=subprocess.DEVNULL)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        name = Path(self.script).stem
        with (self.log_dir / f"{name}-{self.port}.log").open("wb") as log:
            self.started_at = time.perf_counter()
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.script} exited with code {self.process.returncode}; see {self.log_dir}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.script} did not answer within {timeout:.0f} s")

    def rss_bytes(self) -> int:
        """Resident memory of the server process."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
