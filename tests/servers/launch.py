"""Start, watch and stop Geodock's local platform servers (standard library only).

Used by the pytest fixtures (``tests/conftest.py``), by ``make servers`` and by ``make run``. Each server is
a process started as ``<venv>/bin/python tests/servers/<script>.py --host 127.0.0.1 --port P --fd F --data-dir D``
in a session of its own (so that its children -- qgis_mapserver, flask -- stop with it). F is a socket already
listening on port P, which the system chose and nothing else can take: the server serves on it. A server is ready
when its health URL answers 200.

Command line::

    python tests/servers/launch.py serve [--only koordinates,geobox] [--out build/servers.json]
    python tests/servers/launch.py stop          # stops the servers a running `serve` started
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = ROOT / "build"


@dataclass(frozen=True)
class Spec:
    """How to run one server."""

    name: str
    kind: str  # the Geodock connection kind
    title: str
    venv: str
    script: str
    api_path: str  # the connection URL, below the server root
    health_path: str
    credentials: dict[str, str] = field(default_factory=dict)
    tls: bool = False
    startup_timeout: float = 90.0


SPECS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec(
            "koordinates",
            "koordinates",
            "Local Koordinates",
            ".venv-servers",
            "koordinates.py",
            "/services/api/v1/",
            "/__health__",
            {"token": "demo-koordinates-token"},
            tls=True,
        ),
        Spec(
            "geobox",
            "geobox",
            "Local Geobox",
            ".venv-servers",
            "geobox.py",
            "/v1/",
            "/__health__",
            {"username": "demo", "password": "demo-password"},
        ),
        Spec(
            "amigocloud",
            "amigocloud",
            "Local AmigoCloud",
            ".venv-servers",
            "amigocloud.py",
            "/api/v1/",
            "/__health__",
            {"token": "R:demo-amigocloud-token"},
        ),
        Spec(
            "wraptile",
            "ogcapi-processes",
            "Local wraptile",
            ".venv-wraptile",
            "ogc/wraptile_server.py",
            "/",
            "/processes",
        ),
        Spec(
            "pygeoapi",
            "ogcapi-processes",
            "Local pygeoapi",
            ".venv-pygeoapi",
            "ogc/pygeoapi_server.py",
            "/",
            "/processes?f=json",
        ),
        # An OGC API - Processes server in the earlier draft shapes (array-shaped descriptions, rel URIs).
        Spec(
            "ogc-draft",
            "ogcapi-processes",
            "Local OGC draft",
            ".venv-servers",
            "ogc/draft_server.py",
            "/",
            "/__health__",
        ),
        # Test-only HTTP server with faults (not a platform; not in servers.json).
        Spec("httpbin", "", "HTTP test server", ".venv-servers", "httpbin.py", "/", "/__health__"),
        Spec("httpbin-tls", "", "HTTPS test server", ".venv-servers", "httpbin.py", "/", "/__health__", tls=True),
        # Test-only hostile server: answers what a test scripts, records what it is sent (hostile.py).
        Spec("hostile", "", "Hostile test server", ".venv-servers", "hostile.py", "/", "/__health__"),
        Spec(
            "hostile-tls", "", "Hostile HTTPS test server", ".venv-servers", "hostile.py", "/", "/__health__", tls=True
        ),
        # Test-only auth gate in front of a real OGC server (start it with extra_args=("--upstream", root)).
        Spec("auth-gate", "", "Auth gate test server", ".venv-servers", "auth_gate.py", "/", "/__health__"),
    )
}

PLATFORMS = ("koordinates", "geobox", "amigocloud", "wraptile", "pygeoapi")

# Extra credentials the servers also accept (documented for tests; local demo values, not secrets).
GEOBOX_APIKEY = "demo-geobox-apikey"
GEOBOX_ACCESS_TOKEN = "demo-geobox-access-token"  # a ready-made Bearer token


def die_with_parent() -> None:
    """In a child process: get SIGTERM when the parent dies, however it dies (no leftover servers)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _detach_but_die_with_parent() -> None:
    os.setsid()  # a session of its own: stop() ends the server and its children together
    die_with_parent()


def free_port() -> int:
    """A port free now (it may be taken before it is used: servers get :func:`listening_socket` instead)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening_socket() -> socket.socket:
    """A socket listening on a port the system chose: handed to a server as it is, so no other process can take
    the port between choosing it and serving on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (openssl CLI); returns (cert, key)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "localhost.pem", folder / "localhost-key.pem"
    if not cert.exists() or not key.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "30",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


@dataclass
class Server:
    """A running server."""

    spec: Spec
    port: int
    process: subprocess.Popen
    log: Path
    ca_file: Optional[Path] = None

    @property
    def root(self) -> str:
        scheme = "https" if self.spec.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The connection URL (API root) Geodock uses."""
        return self.root + self.spec.api_path

    @property
    def credentials(self) -> dict[str, str]:
        return dict(self.spec.credentials)

    def _open(self, request: urllib.request.Request, timeout: float = 10.0) -> bytes:
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None
        with urllib.request.urlopen(request, timeout=timeout, context=context) as reply:
            return reply.read()

    def fault(self, **fault: Any) -> None:
        """Queue a fault for the next matching request (see ``common.py``)."""
        data = json.dumps(fault).encode()
        request = urllib.request.Request(
            self.root + "/__faults__", data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        self._open(request)

    def clear_faults(self) -> None:
        self._open(urllib.request.Request(self.root + "/__faults__", method="DELETE"))

    def _send_json(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            self.root + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        return json.loads(self._open(request) or b"null")

    def script(self, *rules: dict[str, Any]) -> None:
        """Hostile server: answer with these rules from now on (and forget earlier requests); see hostile.py."""
        self._send_json("PUT", "/__script__", list(rules))

    def add_rules(self, *rules: dict[str, Any]) -> None:
        """Hostile server: add rules after the current ones."""
        self._send_json("POST", "/__script__", list(rules))

    def received(self) -> list[dict[str, Any]]:
        """Hostile server: every request received since the last :meth:`script`, oldest first."""
        return self._send_json("GET", "/__requests__")

    def release(self, name: str) -> None:
        """Let the answers held under ``name`` go (the ``hold`` fault, or a hostile rule's ``hold``)."""
        self._send_json("POST", f"/__release__/{name}", {})

    def stats(self) -> dict[str, int]:
        """``{"dropped", "ranged"}``: connections the server cut for a fault, and 206 answers it sent."""
        return dict(self._send_json("GET", "/__stats__"))

    def held(self, name: str) -> int:
        """How many requests the server holds under ``name`` now (see :meth:`release`)."""
        return int(self._send_json("GET", "/__holds__").get(name, 0))

    def export_timing(self, seconds: float) -> None:
        """Koordinates server: exports created from now on take ``seconds`` (see koordinates_control.py)."""
        self._send_json("POST", "/__exports__/timing", {"seconds": seconds})

    def hold_exports(self) -> None:
        """Koordinates server: exports created from now on stay ``processing`` until :meth:`release_exports`."""
        self._send_json("POST", "/__exports__/hold", {})

    def release_exports(self, *ids: int) -> list[int]:
        """Koordinates server: let the held exports ``ids`` (default: all, and hold no new one) finish."""
        return list(self._send_json("POST", "/__exports__/release", {"ids": list(ids)} if ids else {})["released"])

    def held_exports(self) -> list[int]:
        """Koordinates server: the ids of the exports held now."""
        return list(self._send_json("GET", "/__exports__/held")["held"])

    def forget_export(self, export_id: int) -> None:
        """Koordinates server: the export is gone (expired, deleted): its URLs answer 404 from now on."""
        self._send_json("DELETE", f"/__exports__/{export_id}")

    def other_origin(self) -> str:
        """This server reached under another origin (``localhost`` instead of ``127.0.0.1``)."""
        return self.root.replace("127.0.0.1", "localhost")

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def connection(self) -> dict[str, Any]:
        """This server as an entry of the connections import format."""
        entry: dict[str, Any] = {"name": self.spec.title, "kind": self.spec.kind, "url": self.url}
        if self.spec.credentials:
            entry["credentials"] = self.credentials
        return entry


def start(
    name: str, workdir: Path = BUILD / "servers", extra_args: tuple[str, ...] = (), env: Optional[dict[str, str]] = None
) -> Server:
    """Start server ``name`` on a free port and wait until it answers; raises ``RuntimeError`` if it fails."""
    spec = SPECS[name]
    python = ROOT / spec.venv / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"{spec.venv} is missing: run `make deps` first")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "logs").mkdir(exist_ok=True)
    listener = listening_socket()
    port = int(listener.getsockname()[1])
    args = [
        str(python),
        str(HERE / spec.script),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--fd",
        str(listener.fileno()),
        "--data-dir",
        str(workdir / "data" / name),
    ]
    ca_file = None
    if spec.tls:
        cert, key = make_certificate(workdir / "tls")
        args += ["--tls-cert", str(cert), "--tls-key", str(key)]
        ca_file = cert
    args += list(extra_args)
    log = workdir / "logs" / f"{name}-{port}.log"
    child_env = dict(os.environ)
    child_env.pop("PYTHONPATH", None)
    child_env.pop("VIRTUAL_ENV", None)
    child_env.update(env or {})
    with log.open("wb") as handle, listener:
        process = subprocess.Popen(
            args,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=str(HERE),
            env=child_env,
            preexec_fn=_detach_but_die_with_parent,
            pass_fds=(listener.fileno(),),
        )
    server = Server(spec, port, process, log, ca_file)
    deadline = time.monotonic() + spec.startup_timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{name} server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            server._open(urllib.request.Request(server.root + spec.health_path), timeout=2)
            return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} server did not answer within {spec.startup_timeout:.0f} s:\n{server.log_tail()}")


def write_connections(servers: list[Server], path: Path) -> None:
    """Write the servers in the connections import format, with the local CA the QGIS way to trust."""
    payload: dict[str, Any] = {"connections": [server.connection() for server in servers if server.spec.kind]}
    cas = sorted({str(server.ca_file) for server in servers if server.ca_file})
    if cas:
        payload["certificate_authorities"] = cas
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2))


def serve(names: list[str], out: Path) -> int:
    """Start ``names``, print a table, write ``out``, and run until SIGINT/SIGTERM."""
    pid_file = BUILD / "servers.pid"
    started: list[Server] = []
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        for name in names:
            started.append(start(name))
        write_connections(started, out)
        pid_file.write_text(str(os.getpid()))
        print(f"{'platform':<14} {'url':<48} demo credentials")
        for server in started:
            creds = ", ".join(f"{k}={v}" for k, v in server.credentials.items()) or "(none)"
            print(f"{server.spec.name:<14} {server.url:<48} {creds}")
        print(f"connections: {out}  (stop with: make servers-stop)", flush=True)
        while not stopping:
            for server in started:
                if not server.alive():
                    print(f"{server.spec.name} stopped unexpectedly:\n{server.log_tail()}", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        for server in started:
            server.stop()
        if pid_file.exists() and pid_file.read_text().strip() == str(os.getpid()):
            pid_file.unlink()


def stop_serving() -> int:
    pid_file = BUILD / "servers.pid"
    if not pid_file.exists():
        print("no servers running (build/servers.pid is absent)")
        return 0
    pid = int(pid_file.read_text().strip())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink()
        return 0
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print("servers stopped")
            return 0
        time.sleep(0.1)
    print(f"launcher {pid} did not stop", file=sys.stderr)
    return 1


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    serve_p = sub.add_parser("serve")
    serve_p.add_argument("--only", default=",".join(PLATFORMS))
    serve_p.add_argument("--out", type=Path, default=BUILD / "servers.json")
    sub.add_parser("stop")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve([name for name in args.only.split(",") if name], args.out)
    return stop_serving()


if __name__ == "__main__":
    sys.exit(main())
