"""In-memory state of the local Geobox server: the catalog (layers, views, rasters, tilesets, files, tasks) and
the tokens handed out. Start-up records get stable uuids (see ``geobox_store.stable_uuid``)."""

from __future__ import annotations

import asyncio
import shutil
import uuid as _uuid
from pathlib import Path
from typing import Any

import data
import geobox_files as files
import geobox_store as store
from aiohttp import web
from geobox_store import ApiError, FileRecord, Layer, Raster, Task, Tileset

API = "/v1"


class State:
    """Everything the server knows: catalog records by uuid, tokens, running tasks."""

    def __init__(self, folder: Path, catalog_size: int, big_layer: int) -> None:
        self.folder = folder
        self.store = folder / "store"
        self.cache = folder / "cache"
        self.uploads = folder / "uploads"
        self.exports = folder / "exports"
        for path in (self.store, self.uploads, self.exports):
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
        shutil.rmtree(self.cache, ignore_errors=True)
        self.cache.mkdir(parents=True)
        self.tokens: set[str] = set()
        self.layers: dict[str, Layer] = {}
        self.views: dict[str, Layer] = {}
        self.rasters: dict[str, Raster] = {}
        self.tilesets: dict[str, Tileset] = {}
        self.files: dict[str, FileRecord] = {}
        self.tasks: dict[str, Task] = {}
        self.next_id = 1
        self.tile_locks: dict[str, asyncio.Lock] = {}
        self._load(data.prepare(folder / "source", points=big_layer), catalog_size)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _load(self, dataset: data.Dataset, catalog_size: int) -> None:
        world = self.store / "world.gpkg"
        shutil.copyfile(dataset.world, world)
        for name in data.WORLD_LAYERS:
            self.add_layer(name, world, name, stable=True)
        if dataset.points:
            points = self.store / "points.gpkg"
            shutil.copyfile(dataset.points, points)
            self.add_layer("points", points, "points", stable=True, description="generated points (--big-layer)")
        countries = self.layers[store.stable_uuid("layer", "countries")]
        self.add_view("countries_a", countries, "NAME LIKE 'A%'", "Countries whose name starts with A")
        self.add_view(
            "countries_large",
            countries,
            "NAME IN ('Russia', 'Canada', 'China', 'United States of America', 'Brazil', 'Australia')",
            "The six largest countries",
        )
        partner = self.add_layer(
            "partner_borders", world, "disputed_borders", stable=True, description="shared by a partner"
        )
        partner.owner_id = 2  # listed only with ``shared=true``
        partner.display_name = "Borders shared by a partner"
        for index in range(1, catalog_size + 1):
            name = f"catalog_{index:05d}"
            self.layers[store.stable_uuid("layer", name)] = Layer(
                id=self.new_id(),
                uuid=store.stable_uuid("layer", name),
                name=name,
                layer_type=countries.layer_type,
                path=countries.path,
                source_layer=countries.source_layer,
                display_name=f"Catalog layer {index}",
                description=f"generated catalog item {index} (countries data)",
                feature_count=countries.feature_count,
                extent=countries.extent,
                srid=countries.srid,
            )
        relief = Raster(
            id=self.new_id(),
            uuid=store.stable_uuid("raster", "relief"),
            name="relief",
            path=dataset.raster,
            info=files.raster_info(dataset.raster),
        )
        self.rasters[relief.uuid] = relief
        by_name = {layer.name: layer for layer in self.layers.values()}
        for name, members in (("world", ["countries", "disputed_borders"]), ("provinces", ["states_provinces"])):
            tileset = Tileset(
                id=self.new_id(),
                uuid=store.stable_uuid("tileset", name),
                name=name,
                layers=[by_name[m] for m in members],
                max_zoom=14,
            )
            self.tilesets[tileset.uuid] = tileset

    def add_layer(self, name: str, path: Path, source_layer: str, stable: bool = False, description: str = "") -> Layer:
        info = store.describe(path, source_layer)
        layer = Layer(
            id=self.new_id(),
            uuid=store.stable_uuid("layer", name) if stable else str(_uuid.uuid4()),
            name=name,
            path=path,
            source_layer=source_layer,
            description=description,
            **info,
        )
        self.layers[layer.uuid] = layer
        return layer

    def add_view(self, name: str, parent: Layer, where: str, description: str) -> Layer:
        _ds, lyr = store.open_layer(parent)
        lyr.SetAttributeFilter(where)
        count = lyr.GetFeatureCount()
        view = Layer(
            id=self.new_id(),
            uuid=store.stable_uuid("view", name),
            name=name,
            layer_type=parent.layer_type,
            path=parent.path,
            source_layer=parent.source_layer,
            description=description,
            feature_count=count,
            extent=parent.extent,
            srid=parent.srid,
            view_of=parent,
            view_filter=where,
        )
        self.views[view.uuid] = view
        return view

    def layer(self, request: web.Request) -> Layer:
        """The layer or view named by the request path (404 when unknown)."""
        uuid = request.match_info["uuid"]
        table = self.views if request.path.startswith(f"{API}/vectorLayerViews/") else self.layers
        if uuid not in table:
            raise ApiError(404, f"Layer {uuid} not found" if table is self.layers else f"View {uuid} not found")
        return table[uuid]

    def lookup(self, table: dict, request: web.Request, what: str) -> Any:
        uuid = request.match_info["uuid"]
        if uuid not in table:
            raise ApiError(404, f"{what} {uuid} not found")
        return table[uuid]
