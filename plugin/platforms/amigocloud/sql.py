"""The AmigoCloud SQL API: read queries paged through the cursor, writes, errors placed at their line and
column, the project's tables, and query results as features (for "Add as layer" and ``geodock:amigocloudsql``).

Blocking calls: run them in a QgsTask or a Processing algorithm, never on the GUI thread.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeedback,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsVectorFileWriter,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ...connections import Connection
from ...errors import CancelledError, GeodockError, ValidationError
from ...i18n import tr
from ...net import json_limits
from ...net.client import HttpRequest
from .adapter import AmigoCloudAdapter
from .postgres_sql import is_empty, is_read_only

DEFAULT_PAGE_SIZE = 1000
#: Column types of the SQL API -> QVariant types of the layer fields made from them.
FIELD_TYPES = {
    "integer": QVariant.Type.LongLong,
    "bigint": QVariant.Type.LongLong,
    "float": QVariant.Type.Double,
    "double": QVariant.Type.Double,
    "number": QVariant.Type.Double,
    "decimal": QVariant.Type.Double,
    "boolean": QVariant.Type.Bool,
}
GEOJSON_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


class SqlError(GeodockError):
    """The SQL engine refused a query: its own ``message`` and, when it said where, ``line``/``column`` (1-based)."""

    def __init__(
        self, message: str, position: Optional[int] = None, query: str = "", details: str = "", url: str = ""
    ) -> None:
        self.position = position
        self.line, self.column = line_column(query, position) if position else (None, None)
        where = tr(" (line {line}, column {column})").format(line=self.line, column=self.column) if self.line else ""
        super().__init__(f"{message}{where}", details, url)
        self.engine_message = message


@dataclass
class SqlColumn:
    """A result column: its name and the SQL API's type for it."""

    name: str
    type: str = "string"


@dataclass
class SqlPage:
    """One page of a read query: its columns, its rows (lists in column order), the total and the next URL."""

    columns: list[SqlColumn]
    rows: list[list[Any]]
    count: Optional[int] = None
    next: Optional[str] = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SqlPage:
        """A page from the SQL API's answer (columns named from the first row when the answer gives none)."""
        columns = [SqlColumn(str(c.get("name")), str(c.get("type") or "string")) for c in data.get("columns") or []]
        rows = data.get("data") or []
        if not columns and rows:
            columns = [SqlColumn(str(name)) for name in rows[0]]
        names = [c.name for c in columns]
        return cls(columns, [[row.get(name) for name in names] for row in rows], data.get("count"), data.get("next"))


@dataclass
class TableInfo:
    """A dataset of a project as the SQL API sees it."""

    dataset_id: str
    name: str
    table_name: str
    columns: list[SqlColumn] = field(default_factory=list)


@dataclass
class QueryFeatures:
    """A query result as QGIS features (EPSG:4326, as AmigoCloud stores geometries)."""

    fields: QgsFields
    wkb_type: QgsWkbTypes.Type  # type: ignore[valid-type]  # QGIS 3.22's enum class; stubs make it a variable
    features: list[QgsFeature]
    geometry_column: Optional[str]
    skipped: int = 0  # rows whose geometry did not fit the layer's geometry type


def is_write(query: str) -> bool:
    """Whether ``query`` may change anything: true unless it is provably one read statement
    (:func:`.postgres_sql.is_read_only`); a query with no statement at all is not a write."""
    return not is_empty(query) and not is_read_only(query)


def line_column(query: str, position: Optional[int]) -> tuple[Optional[int], Optional[int]]:
    """The 1-based line and column of the 1-based character ``position`` of ``query``."""
    if not position or position < 1:
        return None, None
    before = query[: position - 1]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1)
    return line, column


def sql_url(connection: Connection, project_id: str) -> str:
    """The SQL endpoint of ``connection``'s project ``project_id``."""
    return AmigoCloudAdapter(connection).url(f"projects/{int(project_id)}/sql")


def _sql_error(err: ValidationError, query: str) -> SqlError:
    """The engine's message and position out of a 400 answer (``{"error": [...], "detail", "position"}``)."""
    body: Any = None
    _head, _sep, text = err.details.partition("\n")
    try:
        body = json_limits.loads(text)
    except ValueError:
        pass
    if not isinstance(body, dict):
        return SqlError(err.message, None, query, err.details, err.url)
    message = body.get("detail") or body.get("error") or err.message
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message)
    position = body.get("position")
    return SqlError(str(message), int(position) if isinstance(position, int) else None, query, err.details, err.url)


# Query results as features ---------------------------------------------------------------------------------


def _geojson_geometry(value: Any) -> Optional[QgsGeometry]:
    from osgeo import ogr

    text = value if isinstance(value, str) else json.dumps(value)
    geometry = ogr.CreateGeometryFromJson(text)
    if geometry is None:
        return None
    result = QgsGeometry()
    result.fromWkb(bytes(geometry.ExportToIsoWkb()))
    return result


def _wkb_geometry(value: Any) -> Optional[QgsGeometry]:
    text = str(value)
    if text.upper().startswith("SRID="):
        text = text.split(";", 1)[1]
    try:
        data = bytes.fromhex(text)
    except ValueError:
        return None
    if len(data) > 5 and data[0] == 1 and int.from_bytes(data[1:5], "little") & 0x20000000:  # EWKB with SRID
        kind = int.from_bytes(data[1:5], "little") & ~0x20000000
        data = data[:1] + kind.to_bytes(4, "little") + data[9:]
    result = QgsGeometry()
    result.fromWkb(data)
    return None if result.isNull() else result


def _looks_like_geojson(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("type") in GEOJSON_TYPES
    return isinstance(value, str) and value.lstrip().startswith("{") and '"type"' in value and '"coordinates"' in value


def geometry_column(page: SqlPage) -> Optional[tuple[int, str]]:
    """``(index, "wkb" | "geojson")`` of the first geometry column of a result, or None."""
    for index, column in enumerate(page.columns):
        if column.type == "geometry":
            return index, "wkb"
    for index, column in enumerate(page.columns):
        sample = next((row[index] for row in page.rows if row[index] not in (None, "")), None)
        named = column.name.lower().startswith("st_asgeojson")
        if (named and sample is None) or (sample is not None and _looks_like_geojson(sample)):
            return index, "geojson"
    return None


def _qfield(column: SqlColumn, used: set[str]) -> QgsField:
    name = column.name or "field"
    base, number = name, 1
    while name.lower() in used:
        number += 1
        name = f"{base}_{number}"
    used.add(name.lower())
    return QgsField(name, FIELD_TYPES.get(column.type.lower(), QVariant.Type.String))


def _attribute(value: Any, qfield: QgsField) -> Any:
    if value is None:
        return None
    if qfield.type() == QVariant.Type.String and isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


class AmigoCloudSql:
    """The SQL capability of an AmigoCloud connection (:class:`..capabilities.SqlRunner`): every call blocks."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _adapter(self) -> AmigoCloudAdapter:
        """A new adapter, made on the calling (worker) thread as each call's own."""
        return AmigoCloudAdapter(self.connection)

    def run_select(
        self,
        project_id: str,
        query: str,
        feedback: Optional[QgsFeedback] = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> SqlPage:
        """The first page of read ``query`` (``limit`` rows); follow :attr:`SqlPage.next` with :func:`next_page`."""
        if not query.strip():
            raise SqlError(tr("The query is empty"))
        adapter = self._adapter()
        request = HttpRequest(
            sql_url(self.connection, project_id),
            params={"query": query, "offset": 0, "limit": limit},
            auth=adapter.auth,
        )
        try:
            return SqlPage.from_json(adapter.client.send(request, feedback).json())
        except ValidationError as err:
            raise _sql_error(err, query) from None

    def next_page(self, url: str, query: str = "", feedback: Optional[QgsFeedback] = None) -> SqlPage:
        """The page at cursor URL ``url`` (a previous page's ``next``)."""
        adapter = self._adapter()
        try:
            return SqlPage.from_json(adapter.client.get_json(url, auth=adapter.auth, feedback=feedback))
        except ValidationError as err:
            raise _sql_error(err, query) from None

    def iter_pages(
        self,
        project_id: str,
        query: str,
        feedback: Optional[QgsFeedback] = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[SqlPage]:
        """Every page of read ``query``, following the cursor; progress on ``feedback`` when the count is known."""
        page = self.run_select(project_id, query, feedback, limit)
        done = len(page.rows)
        yield page
        while page.next:
            if feedback is not None:
                if feedback.isCanceled():
                    raise CancelledError()
                if page.count:
                    feedback.setProgress(min(99.0, 100.0 * done / page.count))
            page = self.next_page(page.next, query, feedback)
            done += len(page.rows)
            yield page

    def execute_write(self, project_id: str, query: str, feedback: Optional[QgsFeedback] = None) -> int:
        """Run write ``query`` (``POST {"query"}``); returns the number of rows affected."""
        if not query.strip():
            raise SqlError(tr("The query is empty"))
        adapter = self._adapter()
        request = HttpRequest(sql_url(self.connection, project_id), "POST", json={"query": query}, auth=adapter.auth)
        try:
            data = adapter.client.send(request, feedback).json() or {}
        except ValidationError as err:
            raise _sql_error(err, query) from None
        return int(data.get("count") or 0)

    def list_tables(self, project_id: str, feedback: Optional[QgsFeedback] = None) -> list[TableInfo]:
        """The project's datasets with their SQL table names and columns."""
        adapter = self._adapter()
        url: Optional[str] = adapter.url(f"projects/{int(project_id)}/datasets")
        params: Optional[dict[str, Any]] = {"limit": 100}
        tables: list[TableInfo] = []
        while url:
            data = adapter.client.get_json(url, params=params, auth=adapter.auth, feedback=feedback) or {}
            for item in data.get("results") or []:
                dataset_url = item.get("url") or adapter.url(f"projects/{int(project_id)}/datasets/{item.get('id')}")
                schema = adapter.client.get_json(
                    f"{dataset_url.rstrip('/')}/schema", auth=adapter.auth, feedback=feedback
                )
                columns = [SqlColumn(str(c.get("name")), str(c.get("type") or "")) for c in schema.get("schema") or []]
                table = schema.get("table_name") or f"dataset_{item.get('id')}"
                tables.append(TableInfo(str(item.get("id")), str(item.get("name")), str(table), columns))
            url, params = data.get("next"), None
        return tables

    def query_features(
        self,
        project_id: str,
        query: str,
        feedback: Optional[QgsFeedback] = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> QueryFeatures:
        """All rows of read ``query`` as features, the geometry taken from a geometry column (hex WKB) or a
        ``ST_AsGeoJSON(...)`` column; without one, the features have no geometry."""
        fields = QgsFields()
        features: list[QgsFeature] = []
        geometry: Optional[tuple[int, str]] = None
        attribute_indexes: list[int] = []
        wkb_type = QgsWkbTypes.Type.NoGeometry
        skipped = 0
        geometry_name: Optional[str] = None
        for number, page in enumerate(self.iter_pages(project_id, query, feedback, limit)):
            if number == 0:
                geometry = geometry_column(page)
                geometry_name = page.columns[geometry[0]].name if geometry else None
                used: set[str] = set()
                attribute_indexes = [i for i in range(len(page.columns)) if not geometry or i != geometry[0]]
                for index in attribute_indexes:
                    fields.append(_qfield(page.columns[index], used))
            for row in page.rows:
                feature = QgsFeature(fields)
                feature.setAttributes([_attribute(row[i], fields.at(n)) for n, i in enumerate(attribute_indexes)])
                if geometry is not None and row[geometry[0]] not in (None, ""):
                    value = row[geometry[0]]
                    shape = _wkb_geometry(value) if geometry[1] == "wkb" else _geojson_geometry(value)
                    if shape is not None and not shape.isNull():
                        if wkb_type == QgsWkbTypes.Type.NoGeometry:
                            wkb_type = QgsWkbTypes.multiType(shape.wkbType())
                        if QgsWkbTypes.geometryType(shape.wkbType()) != QgsWkbTypes.geometryType(wkb_type):
                            skipped += 1
                            continue
                        shape.convertToMultiType()
                        feature.setGeometry(shape)
                features.append(feature)
        if geometry is not None and wkb_type == QgsWkbTypes.Type.NoGeometry:
            wkb_type = QgsWkbTypes.Type.Unknown
        return QueryFeatures(fields, wkb_type, features, geometry_name, skipped)

    def query_to_geopackage(
        self,
        project_id: str,
        query: str,
        output: Path,
        feedback: Optional[QgsFeedback] = None,
        layer_name: str = "query",
    ) -> Path:
        """Write all rows of ``query`` to GeoPackage ``output`` (table ``layer_name``, EPSG:4326); returns it."""
        result = self.query_features(project_id, query, feedback)
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = layer_name
        options.fileEncoding = "UTF-8"
        wkb_type = result.wkb_type if result.wkb_type != QgsWkbTypes.Type.Unknown else QgsWkbTypes.Type.NoGeometry
        writer = QgsVectorFileWriter.create(
            str(output),
            result.fields,
            wkb_type,
            QgsCoordinateReferenceSystem("EPSG:4326"),
            QgsCoordinateTransformContext(),
            options,
        )
        if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
            raise GeodockError(
                tr("Could not write {file}: {reason}").format(file=output.name, reason=writer.errorMessage())
            )
        if not writer.addFeatures(result.features):
            message = writer.errorMessage()
            del writer
            raise GeodockError(
                tr("Could not write the query's rows to {file}: {reason}").format(file=output.name, reason=message)
            )
        del writer
        return output
