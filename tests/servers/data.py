"""Real data for the local platform servers, made with GDAL's command line tools (``gdal-bin``).

Everything comes from the Natural Earth data QGIS ships (``world_map.gpkg``), so the servers serve real
geometries and attributes, offline. Files are made once per data folder and reused.

:func:`prepare` returns a :class:`Dataset` naming:

* ``world``  -- a GeoPackage with ``countries`` (240 multipolygons), ``states_provinces`` (4,556) and
  ``disputed_borders`` (46 multilines), all EPSG:4326;
* ``table``  -- a GeoPackage with the non-spatial table ``country_codes`` (iso_a2, name, fips);
* ``raster`` -- a GeoTIFF (EPSG:4326, 0.5 degree cells, 720 x 360, Byte) rasterised from the countries;
* ``points`` -- (only when asked) a GeoPackage layer ``points`` of N generated points with attributes.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

WORLD_MAP = Path("/usr/share/qgis/resources/data/world_map.gpkg")
WORLD_LAYERS = ("countries", "states_provinces", "disputed_borders")


@dataclass(frozen=True)
class Dataset:
    world: Path
    table: Path
    raster: Path
    points: Optional[Path]

    @property
    def table_layer(self) -> str:
        return "country_codes"


def _run(*command: str) -> None:
    subprocess.run(list(command), check=True, capture_output=True)


def prepare(folder: Path, points: int = 0) -> Dataset:
    """Make (or reuse) the data files in ``folder``; ``points`` > 0 adds the generated points layer."""
    folder.mkdir(parents=True, exist_ok=True)
    world = folder / "world.gpkg"
    if not world.exists():
        tmp = folder / "world.tmp.gpkg"
        tmp.unlink(missing_ok=True)
        for layer in WORLD_LAYERS:
            _run(
                "ogr2ogr",
                "-f",
                "GPKG",
                "-update",
                "-append" if tmp.exists() else "-overwrite",
                str(tmp),
                str(WORLD_MAP),
                layer,
                "-nln",
                layer,
            )
        tmp.rename(world)
    table = folder / "tables.gpkg"
    if not table.exists():
        tmp = folder / "tables.tmp.gpkg"
        tmp.unlink(missing_ok=True)
        _run(
            "ogr2ogr",
            "-f",
            "GPKG",
            str(tmp),
            str(WORLD_MAP),
            "-nln",
            "country_codes",
            "-nlt",
            "NONE",
            "-sql",
            "SELECT iso_a2, NAME AS name, FIPS_10_ AS fips FROM countries ORDER BY NAME",
        )
        tmp.rename(table)
    raster = folder / "relief.tif"
    if not raster.exists():
        tmp = folder / "relief.tmp.tif"
        tmp.unlink(missing_ok=True)
        _run(
            "gdal_rasterize",
            "-a",
            "class",
            "-sql",
            "SELECT geom, (fid % 10) * 25 + 10 AS class FROM countries",
            "-tr",
            "0.5",
            "0.5",
            "-te",
            "-180",
            "-90",
            "180",
            "90",
            "-ot",
            "Byte",
            "-a_nodata",
            "0",
            "-co",
            "COMPRESS=DEFLATE",
            "-co",
            "TILED=YES",
            str(WORLD_MAP),
            str(tmp),
        )
        tmp.rename(raster)
    points_path = None
    if points > 0:
        points_path = folder / f"points_{points}.gpkg"
        if not points_path.exists():
            make_points(points_path, points)
    return Dataset(world=world, table=table, raster=raster, points=points_path)


def make_points(path: Path, count: int, seed: int = 7) -> None:
    """A GeoPackage layer ``points`` of ``count`` random points over land-ish latitudes (EPSG:4326)."""
    rng = random.Random(seed)
    source = path.with_suffix(".csv")
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "x", "y", "value", "label"])
        for index in range(count):
            writer.writerow(
                [
                    index + 1,
                    round(rng.uniform(-170, 170), 6),
                    round(rng.uniform(-60, 75), 6),
                    rng.randint(0, 1000),
                    f"p{index + 1}",
                ]
            )
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    _run(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(tmp),
        str(source),
        "-nln",
        "points",
        "-a_srs",
        "EPSG:4326",
        "-oo",
        "X_POSSIBLE_NAMES=x",
        "-oo",
        "Y_POSSIBLE_NAMES=y",
        "-oo",
        "AUTODETECT_TYPE=YES",
        "-oo",
        "KEEP_GEOM_COLUMNS=NO",
    )
    tmp.rename(path)
    source.unlink()


def feature_count(path: Path, layer: str) -> int:
    """Feature count of ``layer`` in ``path``, read with ogrinfo (for tests and servers alike)."""
    out = subprocess.run(["ogrinfo", "-so", str(path), layer], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Feature Count:"):
            return int(line.split(":")[1])
    raise ValueError(f"no feature count for {layer} in {path}")


def clean(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
