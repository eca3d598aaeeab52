"""A local wraptile (OGC API - Processes) server with Geodock's demo processes, for tests and the demo.

Run under ``.venv-wraptile`` (see ``tests/servers/launch.py``)::

    .venv-wraptile/bin/python tests/servers/ogc/wraptile_server.py --host 127.0.0.1 --port 8000 --data-dir build/wt

One process, no reloader: wraptile's FastAPI app (``wraptile.main:app``, the app ``wraptile run`` serves) runs
in-process under uvicorn with the service set directly (``--service demo``, the default:
``geodock_demo:service``; ``--service testing``: wraptile's own ``wraptile.services.local.testing:service``;
or any ``module:service`` reference). Jobs run in threads of this process.

Static files: ``<data-dir>/files`` is mounted (starlette ``StaticFiles``) at ``/files``; ``export_file`` writes
``<data-dir>/files/<12 hex>/countries.geojson|countries.tif`` and links to
``http://<host>:<port>/files/<12 hex>/<name>``.
"""

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SERVICES = {
    "demo": "geodock_demo:service",
    "testing": "wraptile.services.local.testing:service",
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fd", type=int, help="serve on this listening socket (bound to --port by the launcher)")
    parser.add_argument("--data-dir", type=Path, default=Path("build/servers/data/wraptile"))
    parser.add_argument("--service", default="demo", help="demo (default), testing, or module:service")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)

    data_dir = args.data_dir.resolve()
    files_dir = data_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    files_url = f"http://{args.host}:{args.port}/files"
    # For the demo service (also read at import time, if the module is imported elsewhere).
    os.environ["GEODOCK_DEMO_FILES_DIR"] = str(files_dir)
    os.environ["GEODOCK_DEMO_FILES_URL"] = files_url
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))

    service_ref = SERVICES.get(args.service, args.service)
    module_name, _, attr = service_ref.partition(":")
    module = importlib.import_module(module_name)
    service = getattr(module, attr or "service")
    if hasattr(module, "configure_files"):
        module.configure_files(files_dir, files_url)
    service.service_ref = service_ref
    service.configure()  # LocalService: a thread pool (3 workers)

    import uvicorn
    from starlette.staticfiles import StaticFiles
    from wraptile.logging import LogMessageFilter
    from wraptile.main import app  # the app with wraptile's routes
    from wraptile.provider import ServiceProvider

    ServiceProvider.set_instance(service)
    app.mount("/files", StaticFiles(directory=str(files_dir)), name="files")
    logging.getLogger("uvicorn.access").addFilter(LogMessageFilter("/jobs"))
    if args.fd is None:
        uvicorn.run(app, host=args.host, port=args.port, reload=False, workers=1, log_level=args.log_level)
    else:
        import socket

        config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level)
        uvicorn.Server(config).run(sockets=[socket.socket(fileno=args.fd)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
