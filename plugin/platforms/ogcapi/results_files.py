"""A job's results into files: what each output is, and where it is saved.

Every shape a server answers with ends here (:func:`normalise_results`): OGC API – Processes 1.0
(``{output: value | {value, mediaType} | {href, type}}``), pygeoapi's one output ``{id, value}`` and its
``response: document`` (``{"outputs": [...]}``), a bare value, and a raw result already saved as a file
(:class:`.results_raw.RawResult`). Then (:func:`write_results`):

* inline GeoJSON → ``<output>.geojson``;
* an inline value with a file media type (``{"value": "<base64>", "mediaType": "image/png"}``, or CSV text)
  → ``<output>.<ext>``, the extension from the media type (:mod:`.results_media`), base64 decoded;
* a link (``href``) → downloaded with :func:`plugin.net.download.download` (credentials only to the
  connection's origin) as ``<name>.<ext>`` (the link's ``type`` says the extension);
* a raw result → moved in as it is;
* plain values (numbers, text, JSON) stay values.

Files whose bytes are not what their type says are kept as ``.bin`` and not loaded. Only files that hold
geodata (GeoTIFF, PNG, GeoPackage, CSV, GeoJSON, zips to unpack with :func:`plugin.results.expand_results`)
are listed in :attr:`WrittenResults.layer_files`. Every output goes into ``results-<job>.json``
(files as ``{"file": path, "mediaType": ...}``), which the results pane shows and the algorithms return.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsFeedback

from ... import log
from ...net import json_limits
from ...net.client import HttpRequest
from ...net.download import download, safe_filename
from ...net.filenames import commit_reserved, reserve, write_atomically, write_new_file
from ...results import DIRECTORY_SUFFIXES, RASTER_SUFFIXES, TABLE_SUFFIXES, VECTOR_SUFFIXES
from .process_description import GEOJSON_TYPES, GEOMETRY_TYPES
from .results_media import extension_for, is_plain_value_type, settle_file
from .results_raw import RawResult

LAYER_SUFFIXES = VECTOR_SUFFIXES | TABLE_SUFFIXES | RASTER_SUFFIXES | DIRECTORY_SUFFIXES | {".zip"}


@dataclass
class ResultItem:
    """One output of a job, classified for display and for files."""

    name: str
    kind: str  # "geojson", "link", "inline" (a file's bytes in the JSON), "raw" (a file already), "value"
    value: Any = None
    href: str = ""
    media_type: str = ""


@dataclass
class WrittenResults:
    """The files a job's results were written to, and every output (files named, values as they are)."""

    results_file: Path
    layer_files: list[Path] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # every file written, geodata or not


def _is_geojson(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    return kind in ("FeatureCollection", "Feature") or (kind in GEOMETRY_TYPES and "coordinates" in value)


def _qualified_list(items: list[Any]) -> Optional[dict[str, Any]]:
    """``[{"id": name, "value"|"href": ...}, ...]`` (drafts, pygeoapi documents) as ``{name: value}``, else None."""
    if not items or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        return None
    return {str(i["id"]): {k: v for k, v in i.items() if k != "id"} for i in items}


def normalise_results(data: Any) -> dict[str, Any]:
    """``/results`` (or a synchronous answer) as ``{output name: value}``.

    pygeoapi answers one output as ``{"id": name, "value": value}`` and a ``document`` response as
    ``{"outputs": [<results>]}``; a raw result is one output (its name, else ``result``); a bare GeoJSON object
    or a non-object is one output named ``result``.
    """
    if isinstance(data, RawResult):
        return {data.output or "result": data}
    if isinstance(data, dict) and set(data) == {"outputs"} and isinstance(data["outputs"], list):
        listed = _qualified_list(data["outputs"])
        if listed is not None:
            return listed
        if len(data["outputs"]) == 1:  # pygeoapi: {"outputs": [what the raw response would be]}
            return normalise_results(data["outputs"][0])
    if isinstance(data, dict) and set(data) <= {"id", "value", "mediaType"} and "id" in data and "value" in data:
        return {str(data["id"]): data["value"]}
    if not isinstance(data, dict) or _is_geojson(data) or "href" in data:
        return {"result": data}
    return dict(data)


def _as_geojson(value: Any) -> dict[str, Any]:
    """A GeoJSON object as a FeatureCollection."""
    if value.get("type") == "FeatureCollection":
        return dict(value)
    feature = value if value.get("type") == "Feature" else {"type": "Feature", "geometry": value}
    return {"type": "FeatureCollection", "features": [dict(feature, properties=feature.get("properties") or {})]}


def classify(name: str, value: Any) -> ResultItem:
    """What an output value is: a link or bytes to save, GeoJSON to make a layer of, or a plain value."""
    if isinstance(value, RawResult):
        return ResultItem(name, "raw", value, media_type=value.media_type)
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        return ResultItem(name, "link", value, value["href"], str(value.get("type") or ""))
    media = ""
    encoding = ""
    if (
        isinstance(value, dict)
        and "value" in value
        and ("mediaType" in value or "encoding" in value or len(value) == 1)
    ):
        media = str(value.get("mediaType") or "")
        encoding = str(value.get("encoding") or "").lower()
        value = value["value"]
        if isinstance(value, str) and media in GEOJSON_TYPES:
            try:
                value = json_limits.loads(value)
            except ValueError:
                pass
    if _is_geojson(value):
        return ResultItem(name, "geojson", _as_geojson(value), media_type=media or "application/geo+json")
    if isinstance(value, str) and (encoding == "base64" or not is_plain_value_type(media)):
        return ResultItem(name, "inline", value, media_type=media, href=encoding)
    return ResultItem(name, "value", value, media_type=media)


def results_file_name(job_id: str) -> str:
    """The name of the results JSON of ``job_id``."""
    return f"results-{safe_filename(job_id or 'job', 'job')}.json"


def _inline_bytes(item: ResultItem) -> Optional[bytes]:
    """The bytes of an inline file value: base64 decoded (binary types, or ``encoding: base64``), else UTF-8."""
    text = str(item.value)
    binary = item.href == "base64" or extension_for(item.media_type) not in (".csv", ".txt", ".xml", ".gml", ".kml")
    if not binary:
        return text.encode("utf-8")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        log.warning(f"Output {item.name}: {item.media_type} value is not base64; shown as a value")
        return None


def _move_in(raw: RawResult, folder: Path) -> Path:
    """The raw result's file, moved into ``folder`` under a new name when it was saved elsewhere."""
    if raw.path.parent.resolve() == folder.resolve():
        return raw.path
    final, made = reserve(folder / raw.path.name)
    staged = final.with_name(final.name + ".part")
    shutil.move(str(raw.path), str(staged))
    return commit_reserved(staged, final, made)


def _root(adapter: Any) -> str:
    """scheme://host:port/ of the connection (credentials only go to its own origin)."""
    parts = adapter.connection.base_url.split("/")
    return "/".join(parts[:3]) + "/"


def _download_link(adapter: Any, item: ResultItem, folder: Path, feedback: Optional[QgsFeedback]) -> Path:
    """Download a link output as ``<name>.<ext of its type>`` (credentials only to the connection's origin)."""
    same_server = adapter is not None and item.href.startswith(_root(adapter))
    request = HttpRequest(item.href, auth=adapter.auth if same_server else None, accept="*/*", timeout=120)
    name = str(item.value.get("title") or "") or item.href.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    name = safe_filename(name, safe_filename(item.name, "result"))
    if item.media_type:
        wanted = extension_for(item.media_type)
        if not name.lower().endswith(wanted) and not (wanted == ".tif" and name.lower().endswith(".tiff")):
            name += wanted
    client = adapter.client if adapter is not None else None
    if client is None:
        from ...net.client import shared_client

        client = shared_client()
    result = download(client, request, folder, filename=name, feedback=feedback)
    return settle_file(result.path, item.media_type) if item.media_type else result.path


def _save(adapter: Any, item: ResultItem, folder: Path, feedback: Optional[QgsFeedback]) -> Optional[Path]:
    """The file an output is saved as (None: it stays a value)."""
    if item.kind == "geojson":
        return write_new_file(folder / f"{safe_filename(item.name, 'result')}.geojson", json.dumps(item.value).encode())
    if item.kind == "raw":
        return _move_in(item.value, folder)
    if item.kind == "link":
        return _download_link(adapter, item, folder, feedback)
    if item.kind == "inline":
        data = _inline_bytes(item)
        if data is None:
            return None
        name = safe_filename(item.name, "result") + extension_for(item.media_type)
        return settle_file(write_new_file(folder / name, data), item.media_type)
    return None


def write_results(
    adapter: Any,
    data: Any,
    folder: Path,
    job_id: str,
    feedback: Optional[QgsFeedback] = None,
) -> WrittenResults:
    """Write a job's results into ``folder``: files (see the module docstring) and the results JSON of all outputs.

    ``adapter`` (an :class:`.adapter.OgcProcessesAdapter`, or None when no output is a link) downloads links.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = WrittenResults(folder / results_file_name(job_id))
    items = [classify(name, value) for name, value in normalise_results(data).items()]
    for index, item in enumerate(items):
        if feedback is not None:
            if feedback.isCanceled():
                break
            feedback.setProgress(100.0 * index / max(1, len(items)))
        path = _save(adapter, item, folder, feedback)
        if path is None:
            written.outputs[item.name] = item.value
            continue
        written.files.append(path)
        if path.suffix.lower() in LAYER_SUFFIXES:
            written.layer_files.append(path)
        entry: dict[str, Any] = {"file": str(path), "mediaType": item.media_type or "application/geo+json"}
        if item.kind == "link":
            entry = {"file": str(path), "href": item.href, "type": item.media_type}
        written.outputs[item.name] = entry
    payload = {"jobID": job_id, "outputs": written.outputs}
    # Geodock's own record of this job's results (the results pane reads it by name): rewritten on purpose.
    write_atomically(written.results_file, json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"))
    return written
