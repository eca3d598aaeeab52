"""The local Koordinates server's content: layer/table descriptions, the catalog and the crop layers.

Everything is computed once at start-up from the real data of ``data.py`` (read with ``osgeo.ogr``) and kept
in memory as plain dicts, so that a catalog page of a 10,000-item catalog answers in a few milliseconds.

Fixed items (ids are part of the test contract):

====  ==========================  =======  ==============================================
id    title                       kind     source
====  ==========================  =======  ==============================================
1     World Countries             vector   ``world.gpkg`` layer ``countries``
2     States and Provinces        vector   ``world.gpkg`` layer ``states_provinces``
3     Disputed Borders            vector   ``world.gpkg`` layer ``disputed_borders``
4     World Relief                raster   ``relief.tif``
5     Country Codes (``/tables``) table    ``tables.gpkg`` table ``country_codes``
6     Generated Points            vector   ``points_N.gpkg`` (only with ``--big-layer N``)
====  ==========================  =======  ==============================================

``--catalog-size N`` adds N generated items with ids from 1001 (layers, tables, sets, documents in turn);
they have metadata but no data (an export of one is invalid with reason ``no-data``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

API = "/services/api/v1"
LICENSE = {
    "id": 1,
    "title": "Creative Commons Attribution 4.0 International",
    "type": "cc-by",
    "jurisdiction": "",
    "version": "4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "url_html": "https://creativecommons.org/licenses/by/4.0/",
}
LICENSES = {  # id -> licence (``GET /licenses/``; ``license=<id>`` filters lists)
    1: LICENSE,
    2: {
        "id": 2,
        "title": "Creative Commons Attribution-NonCommercial 4.0 International",
        "type": "cc-by-nc",
        "jurisdiction": "",
        "version": "4.0",
        "url": "https://creativecommons.org/licenses/by-nc/4.0/",
        "url_html": "https://creativecommons.org/licenses/by-nc/4.0/",
    },
}
GROUPS = {1: "Natural Earth", 2: "Geodock Demo Data"}  # id -> name (``GET /groups/``; ``group=<id>``)
CATEGORIES = {"boundaries": "Boundaries", "elevation": "Elevation", "reference": "Reference"}  # slug -> name
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
OGR_TYPES = {
    ogr.OFTInteger: "integer",
    ogr.OFTInteger64: "integer",
    ogr.OFTReal: "double",
    ogr.OFTString: "string",
    ogr.OFTDate: "date",
    ogr.OFTDateTime: "datetime",
}


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def bbox_geojson(xmin: float, ymin: float, xmax: float, ymax: float) -> dict[str, Any]:
    """A GeoJSON MultiPolygon of a bounding box (Koordinates gives extents as MultiPolygons)."""
    ring = [[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax], [xmin, ymin]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


@dataclass
class Item:
    """One catalog item. ``doc`` is its full JSON without host-dependent URLs (see :meth:`render`)."""

    id: int
    type: str  # layer | table | set | document
    kind: str  # vector | raster | table | set | document
    title: str
    doc: dict[str, Any]
    source: Optional[Path] = None  # the data file (None for generated items)
    source_layer: Optional[str] = None  # layer name in ``source`` (vector/table)
    bbox: Optional[tuple[float, float, float, float]] = None
    created: dt.datetime = EPOCH
    updated: dt.datetime = EPOCH
    popularity: int = 0
    tags: list[str] = field(default_factory=list)
    category: str = ""
    size_estimate: int = 0
    search: str = ""  # lower-case title, for ``q``
    license_id: int = 1
    group_id: Optional[int] = None

    def __post_init__(self) -> None:
        self.search = self.title.lower()

    @property
    def path(self) -> str:
        return f"{API}/{self.type}s/{self.id}/"

    def render(self, base: str, full: bool = True) -> dict[str, Any]:
        """The item's JSON with absolute URLs on ``base`` (``https://host:port``); list items are shorter."""
        doc = dict(self.doc)
        doc["url"] = base + self.path
        doc["url_html"] = f"{base}/{self.type}/{self.id}-{slug(self.title)}/"
        if "thumbnail_url" in doc:
            doc["thumbnail_url"] = base + doc["thumbnail_url"]
            doc["description_html"] = doc["description_html"].replace("{thumb}", doc["thumbnail_url"])
        if "version" in doc:
            doc["version"] = dict(doc["version"], url=f"{base}{self.path}versions/{doc['version']['id']}/")
        if "license" in doc:
            doc["license"] = dict(doc["license"], url_api=f"{base}{API}/licenses/{doc['license']['id']}/")
        if doc.get("group"):
            doc["group"] = dict(doc["group"], url=f"{base}{API}/groups/{doc['group']['id']}/")
        if not full:
            doc.pop("description_html", None)
            if "data" in doc:
                doc["data"] = {k: v for k, v in doc["data"].items() if k not in ("fields", "extent")}
        return doc


def slug(text: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def set_facets(item: Item, category: str, license_id: int = 1, group_id: Optional[int] = None) -> Item:
    """Give ``item`` its category, licence and group (its JSON says the same as the filters see)."""
    item.category, item.license_id, item.group_id = category, license_id, group_id
    item.doc["categories"] = [{"name": CATEGORIES[category], "slug": category}]
    item.doc["license"] = dict(LICENSES[license_id])
    item.doc["group"] = {"id": group_id, "name": GROUPS[group_id]} if group_id else None
    return item


DESCRIPTION_HTML = (
    "<p>{title}: real data from Natural Earth (public domain), served by Geodock's local Koordinates server.</p>"
    '<p><img src="{{thumb}}" alt="preview" onerror="alert(1)"></p>'
    "<script>alert('this script must never run in the client')</script>"
    '<p>See <a href="https://www.naturalearthdata.com/" onclick="steal()">Natural Earth</a>.</p>'
)


def _common(item_id: int, type_: str, kind: str, title: str, days: int) -> dict[str, Any]:
    created = EPOCH + dt.timedelta(days=days)
    published = created + dt.timedelta(days=3)
    return {
        "id": item_id,
        "type": type_,
        "kind": kind,
        "title": title,
        "name": title,
        "description": f"{title}: real data from Natural Earth (public domain).",
        "description_html": DESCRIPTION_HTML.format(title=title),
        "created_at": iso(created),
        "first_published_at": iso(published),
        "published_at": iso(published),
        "updated_at": iso(published),
        "public": True,
        "group": None,
        "license": dict(LICENSE),
        "categories": [{"name": "Boundaries", "slug": "boundaries"}],
        "tags": ["natural-earth", "world"],
        "thumbnail_url": f"/media/thumbnails/{type_}-{item_id}.png",
        "collected_at": None,
        "attribution": "Natural Earth",
        "publisher": {"id": "local", "name": "Geodock local Koordinates", "html_url": "https://127.0.0.1/"},
    }


def _version(item_id: int, created: str, status: str = "ok") -> dict[str, Any]:
    return {
        "id": item_id * 10,
        "status": status,
        "created_at": created,
        "reference_date": created,
        "progress": 1.0,
        "data_import": False,
        "supplier_reference": "",
        "created_by": None,
    }


def vector_item(item_id: int, title: str, path: Path, layer_name: str, days: int, kind: str = "vector") -> Item:
    """A layer or table described from its real data (feature count, fields, extent)."""
    ds = ogr.Open(str(path))
    layer = ds.GetLayerByName(layer_name)
    defn = layer.GetLayerDefn()
    count = layer.GetFeatureCount()
    fields = [{"name": "fid", "type": "integer"}]
    geometry_type = None
    bbox = None
    if kind == "vector":
        geometry_type = ogr.GeometryTypeToName(layer.GetGeomType()).lower().replace(" ", "")
        geometry_type = {"multipolygon": "multipolygon", "multilinestring": "multilinestring", "point": "point"}.get(
            geometry_type, geometry_type
        )
        fields.append({"name": layer.GetGeometryColumn() or "geom", "type": "geometry"})
        xmin, xmax, ymin, ymax = layer.GetExtent()
        bbox = (xmin, ymin, xmax, ymax)
    for index in range(defn.GetFieldCount()):
        fdefn = defn.GetFieldDefn(index)
        fields.append({"name": fdefn.GetName(), "type": OGR_TYPES.get(fdefn.GetType(), "string")})
    type_ = "table" if kind == "table" else "layer"
    doc = _common(item_id, type_, kind, title, days)
    doc["data"] = {
        "crs": "EPSG:4326" if kind == "vector" else None,
        "crs_display": "WGS 84" if kind == "vector" else None,
        "geometry_type": geometry_type,
        "geometry_field": (layer.GetGeometryColumn() or "geom") if kind == "vector" else None,
        "feature_count": count,
        "fields": fields,
        "extent": bbox_geojson(*bbox) if bbox else None,
        "primary_key_fields": ["fid"],
        "encoding": "utf-8",
        "source_revision": 1,
    }
    doc["version"] = _version(item_id, doc["created_at"])
    size = int(
        path.stat().st_size * count / max(1, sum(ds.GetLayer(i).GetFeatureCount() for i in range(ds.GetLayerCount())))
    )
    ds = None
    return Item(
        item_id,
        type_,
        kind,
        title,
        doc,
        path,
        layer_name,
        bbox,
        EPOCH + dt.timedelta(days=days),
        EPOCH + dt.timedelta(days=days + 3),
        popularity=100 - item_id,
        tags=doc["tags"],
        category="boundaries",
        size_estimate=max(1024, size // 2),
    )


def raster_item(item_id: int, title: str, path: Path, days: int) -> Item:
    info = gdal.Open(str(path))
    gt = info.GetGeoTransform()
    xmin, ymax = gt[0], gt[3]
    xmax, ymin = xmin + gt[1] * info.RasterXSize, ymax + gt[5] * info.RasterYSize
    doc = _common(item_id, "layer", "raster", title, days)
    doc["data"] = {
        "crs": "EPSG:4326",
        "crs_display": "WGS 84",
        "geometry_type": None,
        "feature_count": None,
        "fields": [],
        "extent": bbox_geojson(xmin, ymin, xmax, ymax),
        "primary_key_fields": [],
        "raster_resolution": abs(gt[1]),
        "band_count": info.RasterCount,
        "pixel_width": info.RasterXSize,
        "pixel_height": info.RasterYSize,
        "data_type": gdal.GetDataTypeName(info.GetRasterBand(1).DataType).lower(),
    }
    doc["version"] = _version(item_id, doc["created_at"])
    info = None
    return Item(
        item_id,
        "layer",
        "raster",
        title,
        doc,
        path,
        None,
        (xmin, ymin, xmax, ymax),
        EPOCH + dt.timedelta(days=days),
        EPOCH + dt.timedelta(days=days + 3),
        popularity=100 - item_id,
        tags=doc["tags"],
        category="elevation",
        size_estimate=path.stat().st_size * 4,
    )


WORDS = (
    "Aerial",
    "Parcel",
    "Road",
    "River",
    "Contour",
    "Building",
    "Coastline",
    "Lake",
    "Forest",
    "Railway",
    "Address",
    "Census",
)
PLACES = (
    "Auckland",
    "Wellington",
    "Otago",
    "Canterbury",
    "Waikato",
    "Tasman",
    "Nelson",
    "Southland",
    "Northland",
    "Marlborough",
)


def generated_item(item_id: int, index: int) -> Item:
    """A metadata-only catalog item (no data); cheap, deterministic."""
    kinds = (("layer", "vector"), ("layer", "raster"), ("table", "table"), ("set", "set"), ("document", "document"))
    type_, kind = kinds[index % len(kinds)]
    title = f"{WORDS[index % len(WORDS)]} {PLACES[(index // len(WORDS)) % len(PLACES)]} {index:05d}"
    days = 30 + (index * 7919) % 1500
    doc = _common(item_id, type_, kind, title, days)
    doc["description_html"] = f"<p>{title} (generated catalog item)</p>"
    doc["tags"] = [WORDS[index % len(WORDS)].lower()]
    if type_ == "layer":
        x, y = -170 + (index * 37) % 330, -60 + (index * 17) % 120
        doc["data"] = {
            "crs": "EPSG:4326",
            "geometry_type": "polygon" if kind == "vector" else None,
            "feature_count": (index * 31) % 5000 if kind == "vector" else None,
            "fields": [],
            "extent": bbox_geojson(x, y, x + 5, y + 5),
            "primary_key_fields": [],
        }
        doc["version"] = _version(item_id, doc["created_at"])
    elif type_ == "table":
        doc["data"] = {"crs": None, "geometry_type": None, "feature_count": index % 900, "fields": [], "extent": None}
        doc["version"] = _version(item_id, doc["created_at"])
    elif type_ == "set":
        doc["items"] = []
    return Item(
        item_id,
        type_,
        kind,
        title,
        doc,
        None,
        None,
        None,
        EPOCH + dt.timedelta(days=days),
        EPOCH + dt.timedelta(days=days + (index % 40)),
        popularity=(index * 7) % 1000,
        tags=doc["tags"],
        category="boundaries",
    )


def build_items(dataset: Any, catalog_size: int = 0) -> dict[int, Item]:
    """All catalog items by id."""
    items = [
        set_facets(vector_item(1, "World Countries", dataset.world, "countries", 10), "boundaries", 1, 1),
        set_facets(vector_item(2, "States and Provinces", dataset.world, "states_provinces", 20), "boundaries", 1, 1),
        set_facets(vector_item(3, "Disputed Borders", dataset.world, "disputed_borders", 30), "boundaries", 1, 1),
        set_facets(raster_item(4, "World Relief", dataset.raster, 40), "elevation", 2, 1),
        set_facets(
            vector_item(5, "Country Codes", dataset.table, "country_codes", 50, kind="table"), "reference", 1, 2
        ),
    ]
    items[3].tags.append("relief")  # the doc's list: the JSON shows it too
    if dataset.points:
        items.append(vector_item(6, "Generated Points", dataset.points, "points", 60))
    for index in range(catalog_size):
        category = tuple(CATEGORIES)[index % len(CATEGORIES)]
        items.append(set_facets(generated_item(1001 + index, index), category, 1 + index % 2, (None, 1, 2)[index % 3]))
    return {item.id: item for item in items}


# ---------------------------------------------------------------------------------------------- crop layers

REGIONS = {  # fixed bounding polygons (lon/lat)
    1: ("New Zealand", (165.8, -47.4, 178.7, -34.1)),
    2: ("Europe", (-25.0, 34.0, 45.0, 72.0)),
    3: ("Africa", (-18.0, -35.0, 52.0, 38.0)),
    4: ("South Pacific Ocean", (-170.0, -60.0, -90.0, -40.0)),
}
UNIONS = {  # unions of real country geometries, by ISO A2 code
    1: ("Australia and New Zealand", ("AU", "NZ")),
    2: ("Scandinavia", ("NO", "SE", "DK", "FI")),
    3: ("Iberia", ("ES", "PT")),
}


@dataclass
class CropLayer:
    id: int
    name: str
    features: dict[int, tuple[str, dict[str, Any]]]  # id -> (name, GeoJSON geometry)
    source_layer: Optional[int] = None

    def extent(self) -> dict[str, Any]:
        geoms = [ogr.CreateGeometryFromJson(json.dumps(g)) for _, g in self.features.values()]
        env = [g.GetEnvelope() for g in geoms]
        return bbox_geojson(
            min(e[0] for e in env), min(e[2] for e in env), max(e[1] for e in env), max(e[3] for e in env)
        )


def build_crop_layers(world: Path) -> dict[int, CropLayer]:
    """Crop layer 1 "Regions" (fixed boxes) and 2 "Country Groups" (unions of real countries)."""
    regions = {fid: (name, bbox_geojson(*box)) for fid, (name, box) in REGIONS.items()}
    ds = ogr.Open(str(world))
    layer = ds.GetLayerByName("countries")
    by_code: dict[str, ogr.Geometry] = {}
    for feature in layer:
        geom = feature.GetGeometryRef()
        if geom is not None:
            by_code[feature.GetField("iso_a2")] = geom.Clone()
    groups = {}
    for fid, (name, codes) in UNIONS.items():
        union = ogr.Geometry(ogr.wkbMultiPolygon)
        for code in codes:
            geom = by_code[code]
            parts = (
                [geom.GetGeometryRef(i) for i in range(geom.GetGeometryCount())]
                if geom.GetGeometryType() in (ogr.wkbMultiPolygon, ogr.wkbMultiPolygon25D)
                else [geom]
            )
            for part in parts:
                union.AddGeometry(part)
        merged = ogr.ForceToMultiPolygon(union.UnionCascaded())
        groups[fid] = (name, json.loads(merged.ExportToJson()))
    return {1: CropLayer(1, "Regions", regions), 2: CropLayer(2, "Country Groups", groups, source_layer=1)}
