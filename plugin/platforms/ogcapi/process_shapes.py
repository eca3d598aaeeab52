"""The shapes OGC API – Processes servers give their answers in, made into the one shape Geodock reads.

* Process descriptions: OGC API – Processes 1.0 gives ``inputs`` and ``outputs`` as maps of id → description
  with a JSON ``schema``. Earlier drafts (still served) give them as lists of objects with an ``id``, some wrap
  the whole description in ``{"process": {...}}``, and the oldest describe a value WPS-style
  (``input``/``output`` with ``literalDataDomains``, ``formats`` or ``supportedCRS``) instead of a schema.
  :func:`normalise_description` turns all of these into the 1.0 shape.
* Links: a ``rel`` may be a short name (``results``, ``execute``) or an OGC URI
  (``http://www.opengis.net/def/rel/ogc/1.0/results``); :func:`link_href` finds either.
* A process list may have no ``links`` at all, or be a bare list: :func:`process_list` gives the 1.0 shape.
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urljoin

OGC_REL = "http://www.opengis.net/def/rel/ogc/1.0/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

# WPS literal data types → JSON schema types (the oldest drafts name them, often as XML schema URIs).
_LITERAL_TYPES = {
    "double": "number",
    "float": "number",
    "decimal": "number",
    "number": "number",
    "integer": "integer",
    "int": "integer",
    "long": "integer",
    "nonnegativeinteger": "integer",
    "positiveinteger": "integer",
    "boolean": "boolean",
    "bool": "boolean",
}
_LITERAL_FORMATS = {"date": "date", "datetime": "date-time", "date-time": "date-time"}


def rel_matches(rel: Any, name: str) -> bool:
    """Whether a link's ``rel`` is ``name``, short (``results``) or as an OGC relation URI (any version)."""
    if not isinstance(rel, str):
        return False
    if rel == name:
        return True
    return "/def/rel/ogc/" in rel and rel.rstrip("/").rsplit("/", 1)[-1] == name


def link_href(links: Any, names: tuple[str, ...], base: str = "") -> Optional[str]:
    """The href of the first link whose ``rel`` is one of ``names`` (``application/json`` first, then untyped,
    then other JSON, HTML last), resolved against ``base``; None when there is none."""
    candidates = []
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or not isinstance(link.get("href"), str) or not link["href"].strip():
            continue
        if any(rel_matches(link.get("rel"), name) for name in names):
            media = str(link.get("type") or "").split(";")[0].strip().lower()
            rank = 0 if media == "application/json" else 1 if not media else 2 if "json" in media else 3
            candidates.append((rank, link["href"].strip()))
    if not candidates:
        return None
    href = min(candidates, key=lambda c: c[0])[1]
    return urljoin(base, href) if base else href


def process_list(data: Any) -> Any:
    """A ``/processes`` answer in the 1.0 shape (``{"processes": [...]}``); a bare list is wrapped."""
    return {"processes": data} if isinstance(data, list) else data


# Descriptions ----------------------------------------------------------------------------------------------


def _literal_schema(domains: list[Any]) -> dict[str, Any]:
    """A JSON schema from a WPS-style ``literalDataDomains`` list (its default domain, else the first)."""
    domain = next((d for d in domains if isinstance(d, dict) and d.get("default")), None)
    domain = domain or next((d for d in domains if isinstance(d, dict)), {})
    data_type = domain.get("dataType") or {}
    name = data_type.get("name") if isinstance(data_type, dict) else data_type
    key = str(name or "string").lower().rsplit("#", 1)[-1].rsplit(":", 1)[-1]
    schema: dict[str, Any] = {"type": _LITERAL_TYPES.get(key, "string")}
    if key in _LITERAL_FORMATS:
        schema["format"] = _LITERAL_FORMATS[key]
    definition = domain.get("valueDefinition")
    allowed = definition.get("allowedValues") if isinstance(definition, dict) else definition
    if isinstance(allowed, list):
        values = [v for v in allowed if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
        ranges = [v for v in allowed if isinstance(v, dict)]
        if values:
            schema["enum"] = values
        elif ranges:
            low, high = ranges[0].get("minimumValue"), ranges[0].get("maximumValue")
            if isinstance(low, (int, float)) and not isinstance(low, bool):
                schema["minimum"] = low
            if isinstance(high, (int, float)) and not isinstance(high, bool):
                schema["maximum"] = high
    if "defaultValue" in domain:
        schema["default"] = domain["defaultValue"]
    return schema


def _format_schema(formats: list[Any]) -> dict[str, Any]:
    """A JSON schema from a WPS-style ``formats`` list: one option per media type (GeoJSON as objects)."""
    options: list[dict[str, Any]] = []
    for entry in formats:
        media = entry.get("mediaType") or entry.get("mimeType") if isinstance(entry, dict) else entry
        if not isinstance(media, str) or not media:
            continue
        if "geo+json" in media or "vnd.geo+json" in media:
            options.append({"type": "object", "format": "geojson-feature-collection", "contentMediaType": media})
        else:
            options.append({"type": "string", "contentMediaType": media})
    if not options:
        return {"type": "string", "contentMediaType": "application/octet-stream"}
    return options[0] if len(options) == 1 else {"oneOf": options}


def _bbox_schema(crs_list: list[Any]) -> dict[str, Any]:
    """A 1.0 bbox schema from a WPS-style ``supportedCRS`` list (strings or ``{"crs", "default"}``)."""
    uris: list[str] = []
    for entry in crs_list:
        uri = entry.get("crs") if isinstance(entry, dict) else entry
        if isinstance(uri, str) and uri:
            uris.insert(0 if isinstance(entry, dict) and entry.get("default") else len(uris), uri)
    return {
        "type": "object",
        "format": "ogc-bbox",
        "properties": {
            "bbox": {"type": "array", "items": {"type": "number"}},
            "crs": {"type": "string", "enum": uris or [CRS84], "default": (uris or [CRS84])[0]},
        },
    }


def legacy_schema(definition: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of a WPS-style value definition (``literalDataDomains``, ``formats``, ``supportedCRS``)."""
    if isinstance(definition.get("literalDataDomains"), list):
        return _literal_schema(definition["literalDataDomains"])
    if isinstance(definition.get("supportedCRS"), list):
        return _bbox_schema(definition["supportedCRS"])
    if isinstance(definition.get("formats"), list):
        return _format_schema(definition["formats"])
    return {"type": "string"}


def _entry(entry: dict[str, Any], value_key: str) -> dict[str, Any]:
    """One input or output in the 1.0 shape (a ``schema``; the WPS-style ``input``/``output`` made into one)."""
    out = {k: v for k, v in entry.items() if k not in ("id", value_key)}
    if "schema" not in out and isinstance(entry.get(value_key), dict):
        out["schema"] = legacy_schema(entry[value_key])
    return out


def _as_map(items: Any, value_key: str) -> Any:
    """Inputs or outputs as a map of id → description (a draft's list with ``id`` made into one)."""
    if isinstance(items, list):
        return {str(i["id"]): _entry(i, value_key) for i in items if isinstance(i, dict) and i.get("id") is not None}
    if isinstance(items, dict):
        return {
            name: _entry(value, value_key) if isinstance(value, dict) and value_key in value else value
            for name, value in items.items()
        }
    return items


def normalise_description(data: Any) -> Any:
    """A process description in the OGC API – Processes 1.0 shape, whichever shape the server gave."""
    if not isinstance(data, dict):
        return data
    inner = data.get("process")
    if isinstance(inner, dict) and "inputs" not in data:  # {"process": {...}, "links": [...], ...}
        outer_links = data["links"] if isinstance(data.get("links"), list) else []
        inner_links = inner["links"] if isinstance(inner.get("links"), list) else []
        data = {**{k: v for k, v in data.items() if k != "process"}, **inner}
        data["links"] = inner_links + [link for link in outer_links if link not in inner_links]
    out = dict(data)
    out["inputs"] = _as_map(data.get("inputs") or {}, "input")
    out["outputs"] = _as_map(data.get("outputs") or {}, "output")
    return out


# Links remembered from earlier answers ------------------------------------------------------------------------

_REMEMBERED: dict[str, str] = {}
_REMEMBER_AT_MOST = 1000


def remember_link(resource: str, rel: str, href: Optional[str]) -> None:
    """Remember where ``resource``'s links say ``rel`` is (a description's ``execute``, a job's ``results``)."""
    if not href:
        return
    if len(_REMEMBERED) >= _REMEMBER_AT_MOST:
        _REMEMBERED.pop(next(iter(_REMEMBERED)))
    _REMEMBERED[f"{resource.split('?')[0].rstrip('/')} {rel}"] = href


def remembered_link(resource: str, rel: str) -> Optional[str]:
    """Where ``resource``'s links said ``rel`` is, or None when no answer said so."""
    return _REMEMBERED.get(f"{resource.split('?')[0].rstrip('/')} {rel}")


def forget_links() -> None:
    """Forget every remembered link (a server changed, or a test starts afresh)."""
    _REMEMBERED.clear()
