"""Trust boundary, result archives: nothing in a result makes GDAL fetch a URL, and hostile entries are refused.

A job's results come from the server. A GDAL VRT in them (``/vsicurl/http://intranet/...``), an OGR VRT
disguised as ``.json`` (GDAL picks drivers by content), or a ``.aux.xml`` sidecar naming an external overview
would make GDAL request whatever URL they name the moment the layer is opened. They are not opened; the other
files of the archive still are. The archive limits (entry count, ``..`` spelt with backslashes or the way
Windows reads it, names that collide) each give one clear :class:`ArchiveError` and leave nothing behind.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
from helpers import wait_until
from qgis.core import QgsApplication, QgsProject

PASSWORD = "pa55word-archive-0123456789"
OGC_API = "/ogc/"
GOOD = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"name": "Oslo"}, "geometry": {"type": "Point", "coordinates": [10.7, 59.9]}}
    ],
}


def _raster_vrt(url: str) -> str:
    return (
        '<VRTDataset rasterXSize="10" rasterYSize="10"><VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
        f'<SourceFilename relativeToVRT="0">/vsicurl/{url}</SourceFilename><SourceBand>1</SourceBand>'
        "</SimpleSource></VRTRasterBand></VRTDataset>"
    )


def _vector_vrt(url: str) -> str:
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="x">'
        f"<SrcDataSource>/vsicurl/{url}</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
    )


def _geotiff() -> bytes:
    from osgeo import gdal

    path = "/vsimem/geodock-trust-archive.tif"
    dataset = gdal.GetDriverByName("GTiff").Create(path, 8, 8, 1, gdal.GDT_Byte)
    dataset.SetGeoTransform([10.0, 0.1, 0.0, 60.0, 0.0, -0.1])
    dataset.GetRasterBand(1).Fill(7)
    dataset = None
    handle = gdal.VSIFOpenL(path, "rb")
    gdal.VSIFSeekL(handle, 0, 2)
    size = gdal.VSIFTellL(handle)
    gdal.VSIFSeekL(handle, 0, 0)
    data = gdal.VSIFReadL(1, size, handle)
    gdal.VSIFCloseL(handle)
    gdal.Unlink(path)
    return bytes(data)


def _result_zip(root: str) -> bytes:
    aux = (
        '<PAMDataset><Metadata domain="OVERVIEWS">'
        f'<MDI key="OVERVIEW_FILE">/vsicurl/{root}/steal-overview.tif</MDI></Metadata></PAMDataset>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("result/good.geojson", json.dumps(GOOD))
        archive.writestr("result/plain.tif", _geotiff())
        archive.writestr("result/evil.vrt", _raster_vrt(f"{root}/steal-raster.tif"))
        archive.writestr("result/disguised.json", _vector_vrt(f"{root}/steal-vector.csv"))
        archive.writestr("result/sidecar.tif", _geotiff())
        archive.writestr("result/sidecar.tif.aux.xml", aux)
    return buffer.getvalue()


def test_a_result_archive_never_makes_gdal_fetch_a_url(hostile, connections, clean_jobs, tmp_path):
    from geodock.plugin.job_model import Job, JobState
    from geodock.plugin.jobs import JobManager

    lines: list[str] = []
    record = lambda message, tag, level: lines.append(message) if tag == "Geodock" else None  # noqa: E731
    QgsApplication.messageLog().messageReceived.connect(record)
    entry = {
        "name": "Hostile archive",
        "kind": "ogcapi-processes",
        "url": hostile.root + OGC_API,
        "credentials": {"username": "me", "password": PASSWORD},
    }
    connections.import_json({"connections": [entry]})
    hostile.script(
        {"path": OGC_API + "jobs/j1", "json": {"jobID": "j1", "status": "successful", "progress": 100}},
        {
            "path": OGC_API + "jobs/j1/results",
            "json": {"archive": {"href": "{root}/files/result.zip", "type": "application/zip"}},
        },
        {
            "path": "/files/result.zip",
            "body_b64": base64.b64encode(_result_zip(hostile.root)).decode(),
            "content_type": "application/zip",
        },
    )
    manager = JobManager()
    manager.start(None, resume_delay=3600)
    try:
        job = Job(
            "ogcapi-processes",
            entry["name"],
            "j1",
            "Hostile results",
            "process",
            state=JobState.RUNNING,
            result={"job_url": hostile.root + OGC_API + "jobs/j1"},
            folder=str(tmp_path / "out"),
        )
        manager.submit(job)
        wait_until(lambda: job.download in ("done", "failed"), 60, "the results")
        wait_until(lambda: "layer(s) added" in job.message or "No layer" in job.message, 30, "layers added")
    finally:
        manager.stop()
        QgsApplication.messageLog().messageReceived.disconnect(record)
    assert job.download == "done", job.message
    stolen = [r["path"] for r in hostile.received() if r["path"].startswith("/steal")]
    assert not stolen, f"GDAL fetched URLs named in the results: {stolen}"
    group = QgsProject.instance().layerTreeRoot().findGroup("Hostile results")
    assert group is not None
    assert sorted(layer.name() for layer in group.findLayers()) == ["good", "plain"]  # the others not opened
    assert any("evil.vrt was not opened" in line for line in lines), lines
    assert any("disguised.json was not opened" in line for line in lines), lines
    assert any("sidecar.tif was not opened" in line and "sidecar.tif.aux.xml" in line for line in lines), lines
    folder = tmp_path / "out" / "result" / "result"
    assert (folder / "evil.vrt").exists()  # kept on disk for the user to look at, just not opened


# Archive limits ---------------------------------------------------------------------------------------


def _zip(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), b"" if name.endswith("/") else b"data")
    return path


def _everything(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.mark.parametrize(
    "names, words",
    [
        (["ok.txt", "..\\evil.txt"], "outside the folder"),
        (["ok.txt", "a\\..\\..\\evil.txt"], "outside the folder"),
        (["ok.txt", ".. \\evil.txt"], "outside the folder"),  # Windows reads ".. " as ".."
        (["ok.txt", "...\\evil.txt"], "outside the folder"),
        (["ok.txt", "a\\b\\.. .\\..\\..\\evil.txt"], "outside the folder"),
        (["\\\\server\\share\\evil.txt"], "absolute path"),
        (["C:evil.txt"], "absolute path"),
        (["ok.txt:hidden-stream"], "malformed name"),
        (["same.txt", "same.txt"], "twice"),
        (["Same.txt", "same.TXT"], "twice"),  # one file on Windows and macOS
        (["a", "a/b.txt"], "both a file and a folder"),
    ],
)
@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile warns while writing the hostile archive
def test_hostile_names_are_refused_before_anything_is_written(tmp_path, names, words):
    from geodock.plugin.archive import ArchiveError, extract_zip

    inside = tmp_path / "inside"
    inside.mkdir()
    archive = _zip(inside / "hostile.zip", names)
    before = _everything(tmp_path)
    with pytest.raises(ArchiveError) as info:
        extract_zip(archive, inside / "out")
    assert words in info.value.message and "hostile.zip" in info.value.message
    assert _everything(tmp_path) == before


def test_too_many_entries_are_refused(tmp_path):
    from geodock.plugin.archive import ArchiveError, extract_zip

    archive = _zip(tmp_path / "many.zip", [f"f{i}.txt" for i in range(51)])
    with pytest.raises(ArchiveError) as info:
        extract_zip(archive, tmp_path / "out", max_entries=50)
    assert "51 entries (at most 50)" in info.value.message
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.extracting").exists()
    assert len(extract_zip(archive, tmp_path / "out", max_entries=51)) == 51


def test_a_header_that_lies_about_the_size_writes_no_more_than_it_says(tmp_path):
    """The directory says 10 bytes for an entry of 4 MiB: extraction stops at 10 bytes (the entry then fails
    its CRC), so the lie is a typed error and nothing is left behind."""
    from geodock.plugin.archive import ArchiveError, extract_zip

    archive = tmp_path / "liar.zip"
    payload = bytes(range(256)) * (16 * 1024)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        handle.writestr("x.bin", payload)
    raw = bytearray(archive.read_bytes())
    assert raw[:4] == b"PK\x03\x04"
    central = raw.rindex(b"PK\x01\x02")
    for offset in (22, central + 24):  # the uncompressed size, in the local header and the central directory
        raw[offset : offset + 4] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    with zipfile.ZipFile(archive) as check:
        assert check.getinfo("x.bin").file_size == 10
    with pytest.raises(ArchiveError) as info:
        extract_zip(archive, tmp_path / "out")
    assert "liar.zip" in info.value.message
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.extracting").exists()
