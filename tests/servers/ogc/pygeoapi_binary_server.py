"""A local pygeoapi with processes that answer with binary results (GeoTIFF, PNG, zip, CSV, GeoPackage).

The same pygeoapi as ``pygeoapi_server.py`` (hello-world, the countries collection) plus the processes of
``geodock_pygeoapi_processes.py``: ``geodock-binary`` (sync and async) and ``geodock-binary-sync`` (sync only).
A server of its own, so that the plain pygeoapi keeps exactly the processes its tests expect. Run under
``.venv-pygeoapi``, with the arguments of ``pygeoapi_server.py``.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import pygeoapi_server  # noqa: E402

RESOURCES = {
    "geodock-binary": {"type": "process", "processor": {"name": "geodock_pygeoapi_processes.BinaryProcessor"}},
    "geodock-binary-sync": {"type": "process", "processor": {"name": "geodock_pygeoapi_processes.SyncBinaryProcessor"}},
}

if __name__ == "__main__":
    sys.exit(pygeoapi_server.main(extra_resources=RESOURCES))
