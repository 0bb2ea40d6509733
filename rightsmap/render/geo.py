"""Region boundaries, and joining per-region values onto them.

The map needs only each region's shape as GeoJSON (region_shapes, read with json); geopandas is
imported by the functions that make GeoDataFrames, which the static map export and the tests use.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

from rightsmap.domain import config, vocab

if TYPE_CHECKING:
    import geopandas as gpd

JOINED_COLUMNS = ["code", "name", "kind", "value", "geometry", "label_lat", "label_lon"]


@functools.lru_cache(maxsize=4)
def _read_features(path: Path) -> tuple[dict, ...]:
    # The checked-in GeoJSON (RFC 7946: longitude and latitude, WGS 84), read without GDAL: pyogrio's
    # import and read were a tenth of a second of a fresh server's first page.
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    codes = [feature["properties"]["code"] for feature in features]
    unknown = set(codes) - set(vocab.REGION_CODES)
    if unknown or len(set(codes)) != len(codes):
        raise ValueError(f"{path}: unexpected or repeated region codes {sorted(unknown)}")
    return tuple(features)


@functools.lru_cache(maxsize=4)
def _read_shapes(path: Path) -> Mapping[str, dict]:
    # Read-only: shared by every session.
    return MappingProxyType({feature["properties"]["code"]: feature["geometry"] for feature in _read_features(path)})


def region_shapes(path: str | os.PathLike = config.BOUNDARIES_FILE) -> Mapping[str, dict]:
    """Each region code's polygon as a GeoJSON geometry (longitude, latitude), read once per process."""
    return _read_shapes(Path(path).resolve())


@functools.lru_cache(maxsize=4)
def _read_boundaries(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(list(_read_features(path)), crs="EPSG:4326")
    return frame[["code", "geometry"]].reset_index(drop=True)


def load_boundaries(path: str | os.PathLike = config.BOUNDARIES_FILE) -> gpd.GeoDataFrame:
    """The region polygons (columns code, geometry; EPSG:4326), read once per process."""
    # A copy, so a caller that edits the frame cannot corrupt the cached one.
    return _read_boundaries(Path(path).resolve()).copy()


def _regions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [r.code for r in vocab.REGIONS],
            "name": [r.name_en for r in vocab.REGIONS],
            "kind": [r.kind for r in vocab.REGIONS],
            "label_lat": [r.label_lat for r in vocab.REGIONS],
            "label_lon": [r.label_lon for r in vocab.REGIONS],
        }
    )


def values_by_code(values: pd.DataFrame | Mapping[str, float | None]) -> dict[str, float]:
    """Every region code (vocab order) -> its value from values (a frame of code, value, or a mapping);
    NaN where a region has none. Unknown or repeated codes are refused."""
    if isinstance(values, Mapping):
        pairs = [(code, math.nan if value is None else float(value)) for code, value in values.items()]
    else:
        if values["code"].duplicated().any():
            raise ValueError("values has more than one row for a region code")
        numbers = pd.to_numeric(values["value"], errors="raise").astype("float64")  # missing (NA) -> NaN
        pairs = list(zip(values["code"].tolist(), numbers.tolist(), strict=True))
    unknown = {code for code, _value in pairs} - set(vocab.REGION_CODES)
    if unknown:
        raise ValueError(f"unknown region codes: {sorted(unknown)}")
    given = dict(pairs)
    return {code: given.get(code, math.nan) for code in vocab.REGION_CODES}


def join(boundaries: gpd.GeoDataFrame, values: pd.DataFrame) -> gpd.GeoDataFrame:
    """One row per region code (all nine, vocab order) with its value (NaN = no data) and polygon."""
    by_code = values_by_code(values)
    frame = _regions_with(boundaries).copy()  # columns JOINED_COLUMNS, rows in vocab order
    frame["value"] = list(by_code.values())
    return frame


# The nine regions with their polygons, for the boundaries seen last (the app passes the same ones
# every time, so join then only adds the values). One tuple, replaced whole: safe across sessions.
_last_regions: tuple | None = None


def _regions_with(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """From the fixed region list: a region missing from boundaries still gets a row (no polygon),
    so the map and legend never silently drop one."""
    import geopandas as gpd

    global _last_regions
    codes, geometries = tuple(boundaries["code"]), tuple(boundaries.geometry)
    last = _last_regions
    if (last is not None and last[0] == codes and last[2] == boundaries.crs
            and all(a is b for a, b in zip(last[1], geometries, strict=True))):
        return last[3]
    polygon_of = dict(zip(codes, geometries, strict=True))
    frame = _regions_frame()
    frame["value"] = math.nan
    frame["geometry"] = [polygon_of.get(code) for code in frame["code"]]
    frame = gpd.GeoDataFrame(frame[JOINED_COLUMNS], geometry="geometry", crs=boundaries.crs)
    _last_regions = (codes, geometries, boundaries.crs, frame)
    return frame
