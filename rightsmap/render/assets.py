"""Leaflet served from this machine: copy it from the installed package into static/."""

from __future__ import annotations

import importlib.resources
import os
import tempfile
from pathlib import Path

from rightsmap.domain import config

LEAFLET_JS_URL = config.STATIC_URL + "/leaflet/leaflet.js"
LEAFLET_CSS_URL = config.STATIC_URL + "/leaflet/leaflet.css"
# leaflet.css refers to images/ relative to itself (layer and marker icons).
_FILES = ("leaflet.js", "leaflet.css")
_IMAGES = "images"


def leaflet_source() -> Path:
    """The folder of Leaflet files shipped by the django-js-lib-leaflet package."""
    try:
        root = importlib.resources.files("js_lib_leaflet")
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "Leaflet files not found: the package django-js-lib-leaflet is not installed. "
            "Run: pip install -r requirements.txt"
        ) from exc
    source = Path(str(root)) / "static" / "js_lib_leaflet"
    if not (source / "leaflet.js").is_file():
        raise RuntimeError(
            f"Leaflet files missing from {source}. "
            "Reinstall with: pip install --force-reinstall -r requirements.txt"
        )
    return source


def _copy_if_changed(src: Path, dst: Path) -> bool:
    """Copy src over dst atomically unless dst already has the same bytes; True if copied."""
    data = src.read_bytes()
    if dst.is_file() and dst.stat().st_size == len(data) and dst.read_bytes() == data:
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    # Another process may be copying too: each writes its own temp file and
    # os.replace swaps it in whole, so a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def ensure_leaflet(static_dir: str | os.PathLike = config.STATIC_DIR) -> None:
    """Put leaflet.js, leaflet.css and images/ under static_dir/leaflet/ if missing or stale."""
    source = leaflet_source()
    target = Path(static_dir) / "leaflet"
    for name in _FILES:
        _copy_if_changed(source / name, target / name)
    for image in sorted((source / _IMAGES).iterdir()):
        if image.is_file():
            _copy_if_changed(image, target / _IMAGES / image.name)
