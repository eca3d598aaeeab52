"""A local pygeoapi server (OGC API - Processes + Features) for Geodock's tests and demo.

Run under ``.venv-pygeoapi`` (see ``tests/servers/launch.py``)::

    .venv-pygeoapi/bin/python tests/servers/ogc/pygeoapi_server.py --host 127.0.0.1 --port 5000 --data-dir build/pg

Writes into ``--data-dir``: ``countries.geojson`` (``ogr2ogr -f GeoJSON`` from QGIS's ``world_map.gpkg``, layer
``countries``), ``pygeoapi-config.yml`` (TinyDB job manager ``jobs.db`` + ``outputs/``, the ``hello-world``
process, the ``countries`` collection with pygeoapi's GeoJSON provider) and ``pygeoapi-openapi.yml`` (generated
from the config); then runs pygeoapi's Flask app in-process (werkzeug, threaded, no reloader, no debugger).
Async jobs (``Prefer: respond-async``) run in threads of this process.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

WORLD_MAP = Path("/usr/share/qgis/resources/data/world_map.gpkg")


def write_countries(data_dir: Path) -> Path:
    target = data_dir / "countries.geojson"
    if not target.exists():
        tmp = data_dir / "countries.tmp.geojson"
        tmp.unlink(missing_ok=True)
        subprocess.run(
            ["ogr2ogr", "-f", "GeoJSON", "-preserve_fid", str(tmp), str(WORLD_MAP), "countries"],
            check=True,
            capture_output=True,
        )
        tmp.replace(target)
    return target


def make_config(host: str, port: int, data_dir: Path, countries: Path) -> dict:
    url = f"http://{host}:{port}"
    return {
        "server": {
            "bind": {"host": host, "port": port},
            "url": url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "language": "en-US",
            "limits": {"default_items": 50, "max_items": 1000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OpenStreetMap"},
            "manager": {
                "name": "TinyDB",
                "connection": str(data_dir / "jobs.db"),
                "output_dir": str(data_dir / "outputs"),
            },
            "pretty_print": False,
        },
        "logging": {"level": "INFO"},
        "metadata": {
            "identification": {
                "title": "Geodock local pygeoapi",
                "description": "Local pygeoapi for Geodock tests: HelloWorld process and world countries",
                "keywords": ["geodock", "ogcapi"],
                "keywords_type": "theme",
                "terms_of_service": "https://creativecommons.org/licenses/by/4.0/",
                "url": url,
            },
            "license": {"name": "CC-BY 4.0 license", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "Geodock", "url": url},
            "contact": {"name": "Geodock", "position": "Developer", "email": "dev@example.org", "url": url},
        },
        "resources": {
            "countries": {
                "type": "collection",
                "title": "World countries",
                "description": "Countries of the QGIS world map (world_map.gpkg)",
                "keywords": ["countries", "world"],
                "links": [],
                "extents": {
                    "spatial": {
                        "bbox": [-180, -90, 180, 90],
                        "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                    }
                },
                "providers": [{"type": "feature", "name": "GeoJSON", "data": str(countries), "id_field": "fid"}],
            },
            "hello-world": {"type": "process", "processor": {"name": "HelloWorld"}},
        },
    }


def main(argv=None, extra_resources=None) -> int:
    """Run pygeoapi; ``extra_resources``: more config resources (``pygeoapi_binary_server.py``'s processes)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--fd", type=int, help="serve on this listening socket (bound to --port by the launcher)")
    parser.add_argument("--data-dir", type=Path, default=Path("build/servers/data/pygeoapi"))
    args = parser.parse_args(argv)

    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "outputs").mkdir(exist_ok=True)
    countries = write_countries(data_dir)

    import yaml

    config_file = data_dir / "pygeoapi-config.yml"
    openapi_file = data_dir / "pygeoapi-openapi.yml"
    config = make_config(args.host, args.port, data_dir, countries)
    config["resources"].update(extra_resources or {})
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    os.environ["PYGEOAPI_CONFIG"] = str(config_file)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi_file)

    from pygeoapi.openapi import generate_openapi_document

    openapi_file.write_text(generate_openapi_document(config_file, "yaml"))

    from pygeoapi.flask_app import APP  # reads PYGEOAPI_CONFIG / PYGEOAPI_OPENAPI at import

    if args.fd is None:
        APP.run(host=args.host, port=args.port, debug=False, use_reloader=False, use_debugger=False, threaded=True)
    else:
        from werkzeug.serving import make_server

        make_server(args.host, args.port, APP, threaded=True, fd=args.fd).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
