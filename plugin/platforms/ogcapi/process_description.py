"""An OGC API – Processes process description as dataclasses.

:class:`ProcessDescription` is parsed from ``GET /processes/{id}``; each :class:`ProcessInput` knows which
kind of value it takes (:attr:`ProcessInput.value_kind`: number, enum, bbox, feature collection, file, ...),
so the execution form, the Processing parameters and the validation all read the same model and never the
raw JSON. How values are checked and encoded: :mod:`.process_values`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ...errors import UnreadableResponseError
from ...i18n import tr
from .process_schema import (  # noqa: F401  # re-exported: callers import them from here
    CRS84,
    GEOJSON_TYPES,
    GEOMETRY_TYPES,
    InputKind,
    as_number,
    concrete_schema,
    media_types,
    schema_kind,
    takes_href,
)
from .process_shapes import link_href, normalise_description


def _occurs(data: dict[str, Any], key: str, name: str) -> Optional[int]:
    """``minOccurs``/``maxOccurs`` as a count (None for ``unbounded`` or null); anything else is unreadable."""
    value = data.get(key)
    if value is None or value == "unbounded":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise UnreadableResponseError(
        tr("input {name!r}: {key} is not a count ({value!r})").format(name=name, key=key, value=str(value)[:40])
    )


def _strings(value: Any) -> list[str]:
    """The strings of a JSON list (anything else gives none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass
class ProcessInput:
    """One input of a process: its schema boiled down to what a form and a validator need."""

    name: str
    title: str = ""
    description: str = ""
    kind: str = InputKind.STRING
    schema: dict[str, Any] = field(default_factory=dict)
    min_occurs: int = 1
    max_occurs: Optional[int] = 1  # None: unbounded
    nullable: bool = False
    default: Any = None
    has_default: bool = False
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    enum: list[Any] = field(default_factory=list)
    format: str = ""
    media_type: str = ""
    media_types: list[str] = field(default_factory=list)  # all a oneOf accepts (GeoJSON, GML, ...)
    link_option: bool = False  # a oneOf option is a link object ({"href": ...})
    item: Optional[ProcessInput] = None  # for arrays: the schema of one item
    min_items: Optional[int] = None
    max_items: Optional[int] = None
    keywords: list[str] = field(default_factory=list)
    ui: dict[str, Any] = field(default_factory=dict)  # x-ui-* hints, without the prefix

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> ProcessInput:
        """An input from its entry in a description's ``inputs`` (or a bare schema for array items)."""
        if not isinstance(data, dict):
            raise UnreadableResponseError(tr("input {name!r} is not an object").format(name=name))
        raw_schema = data.get("schema", data)
        schema, nullable = concrete_schema(raw_schema)
        item_input = cls._from_schema(name, schema, data, nullable)
        min_occurs = _occurs(data, "minOccurs", name)
        item_input.min_occurs = 1 if min_occurs is None else min_occurs
        item_input.max_occurs = _occurs(data, "maxOccurs", name) if "maxOccurs" in data else 1
        item_input.keywords = _strings(data.get("keywords"))
        item_input.media_types, item_input.link_option = media_types(raw_schema), takes_href(raw_schema)
        if item_input.max_occurs is None or item_input.max_occurs > 1:
            # Several occurrences: the value is a list of values of this schema.
            single = cls._from_schema(name, schema, data, nullable)
            single.media_types, single.link_option = item_input.media_types, item_input.link_option
            item_input = cls(
                name=name,
                title=single.title,
                description=single.description,
                kind=InputKind.ARRAY,
                schema=schema,
                min_occurs=item_input.min_occurs,
                max_occurs=item_input.max_occurs,
                nullable=single.nullable,
                default=single.default,
                has_default=single.has_default,
                item=single,
                media_types=item_input.media_types,
                min_items=item_input.min_occurs,
                max_items=item_input.max_occurs,
                keywords=item_input.keywords,
                ui=single.ui,
            )
        return item_input

    @classmethod
    def _from_schema(cls, name: str, schema: dict[str, Any], data: dict[str, Any], nullable: bool) -> ProcessInput:
        """An input from its concrete schema (kind, limits, enum, items, media type, UI hints)."""
        kind = schema_kind(schema)
        ui = {}
        for source in (schema, data):
            for key, value in source.items():
                if isinstance(key, str) and key.startswith("x-ui-"):
                    ui[key[5:]] = value
        minimum = as_number(schema.get("minimum"))
        maximum = as_number(schema.get("maximum"))
        exclusive_minimum = exclusive_maximum = False
        if as_number(schema.get("exclusiveMinimum")) is not None:
            minimum, exclusive_minimum = as_number(schema.get("exclusiveMinimum")), True
        elif schema.get("exclusiveMinimum") is True:
            exclusive_minimum = True
        if as_number(schema.get("exclusiveMaximum")) is not None:
            maximum, exclusive_maximum = as_number(schema.get("exclusiveMaximum")), True
        elif schema.get("exclusiveMaximum") is True:
            exclusive_maximum = True
        item = None
        if kind == InputKind.ARRAY and isinstance(schema.get("items"), dict):
            item = cls.from_json(f"{name}[]", {"schema": schema["items"], "minOccurs": 1, "maxOccurs": 1})
        title = str(data.get("title") or schema.get("title") or name)
        description = str(data.get("description") or schema.get("description") or "")
        return cls(
            name=name,
            title=title,
            description=description,
            kind=kind,
            schema=schema,
            nullable=nullable,
            default=schema.get("default"),
            has_default="default" in schema,
            minimum=minimum,
            maximum=maximum,
            exclusive_minimum=exclusive_minimum,
            exclusive_maximum=exclusive_maximum,
            enum=list(schema.get("enum") or []),
            format=str(schema.get("format", "")),
            media_type=str(schema.get("contentMediaType", "")),
            item=item,
            min_items=schema.get("minItems"),
            max_items=schema.get("maxItems"),
            ui=ui,
        )

    @property
    def required(self) -> bool:
        """The request must carry a value (``minOccurs >= 1``, no default)."""
        return self.min_occurs >= 1 and not self.has_default

    @property
    def optional(self) -> bool:
        """Whether the input may be left out."""
        return not self.required

    @property
    def offers_link(self) -> bool:
        """Whether the form offers "inline or link" for it: GeoJSON that a oneOf also takes in other media
        types (or as a link), and files (by value or by link)."""
        if self.kind == InputKind.FILE:
            return True
        return self.kind == InputKind.FEATURES and (len(self.media_types) > 1 or self.link_option)

    def type_label(self) -> str:
        """A short human description of the value type, for description panes and tooltips."""
        label = self.kind
        if self.kind == InputKind.ARRAY and self.item is not None:
            label = f"array of {self.item.type_label()}"
        if self.minimum is not None or self.maximum is not None:
            low = "" if self.minimum is None else f"{'>' if self.exclusive_minimum else '≥'} {self.minimum:g}"
            high = "" if self.maximum is None else f"{'<' if self.exclusive_maximum else '≤'} {self.maximum:g}"
            label += f" ({', '.join(p for p in (low, high) if p)})"
        if self.enum:
            label += ": " + " | ".join(str(v) for v in self.enum)
        if self.media_type:
            label += f" [{self.media_type}]"
        return label

    def expected_crs(self) -> str:
        """The CRS geometries are sent in: an ``x-ui-crs`` hint, else EPSG:4326 (GeoJSON's lon/lat)."""
        crs = self.ui.get("crs") or self.schema.get("x-crs")
        return str(crs) if crs else "EPSG:4326"

    def bbox_crs_options(self) -> list[str]:
        """The CRS URIs a bbox input accepts (its ``crs`` enum), CRS84 when it does not say."""
        crs_schema = (self.schema.get("properties") or {}).get("crs") or {}
        crs_schema, _ = concrete_schema(crs_schema)
        options = [str(v) for v in crs_schema.get("enum") or []]
        default = crs_schema.get("default")
        if default and str(default) not in options:
            options.insert(0, str(default))
        return options or [CRS84]


@dataclass
class ProcessOutput:
    """One output of a process: name, title, description and kind."""

    name: str
    title: str = ""
    description: str = ""
    schema: dict[str, Any] = field(default_factory=dict)
    kind: str = InputKind.JSON

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> ProcessOutput:
        """An output from its description JSON."""
        schema, _ = concrete_schema(data.get("schema", {}))
        return cls(
            name=name,
            title=str(data.get("title") or name),
            description=str(data.get("description") or ""),
            schema=schema,
            kind=schema_kind(schema),
        )


@dataclass
class ProcessDescription:
    """A process: id, title, description, keywords, inputs and outputs."""

    id: str
    title: str = ""
    description: str = ""
    version: str = ""
    keywords: list[str] = field(default_factory=list)
    job_control_options: list[str] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[ProcessInput] = field(default_factory=list)
    outputs: list[ProcessOutput] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProcessDescription:
        """A description; :class:`UnreadableResponseError` when its inputs or outputs have the wrong shape."""
        if not isinstance(data, dict):
            raise UnreadableResponseError(tr("the process description is not an object"))
        raw, data = data, normalise_description(data)  # drafts: lists with "id", {"process": ...}, WPS-style
        inputs, outputs = data["inputs"], data["outputs"]
        if not isinstance(inputs, dict) or not isinstance(outputs, dict):
            raise UnreadableResponseError(tr("the process description's inputs or outputs are not a map"))
        if not all(isinstance(v, dict) or v is None for v in list(inputs.values()) + list(outputs.values())):
            raise UnreadableResponseError(tr("an input or output of the process description is not an object"))
        return cls(
            id=str(data.get("id", "")),
            title=str(data.get("title") or data.get("id") or ""),
            description=str(data.get("description") or ""),
            version=str(data.get("version") or ""),
            keywords=_strings(data.get("keywords")),
            job_control_options=_strings(data.get("jobControlOptions")),
            links=[link for link in data.get("links") or [] if isinstance(link, dict)],
            inputs=[ProcessInput.from_json(name, value or {}) for name, value in inputs.items()],
            outputs=[ProcessOutput.from_json(name, value or {}) for name, value in outputs.items()],
            raw=raw,
        )

    def input(self, name: str) -> Optional[ProcessInput]:
        """The input called ``name``, or None."""
        return next((i for i in self.inputs if i.name == name), None)

    def execute_href(self, base: str = "") -> Optional[str]:
        """Where the description's links say to execute it (``execute`` or its OGC URI), or None."""
        return link_href(self.links, ("execute",), base)


def execute_request(values: dict[str, Any]) -> dict[str, Any]:
    """The body of ``POST /processes/{id}/execution`` (optional inputs left out stay out: server defaults)."""
    return {"inputs": values}
