"""Execution requests saved and opened as JSON files (the Processes dock's Save / Open, Run again, and
:func:`.execute_options.read_request` for Processing's ``REQUEST_FILE``).

The file is the Eozilla / cuiman execution request file: ``{"process_id", "inputs", "outputs", "response",
"subscriber"}``, plus Geodock's optional ``"mode": "async" | "sync"`` (absent: async). :func:`execute_body` takes
the part a server gets. The body itself is built by :func:`.execute_options.build_request`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...i18n import tr
from ...net import json_limits
from ...net.filenames import write_atomically
from .process_description import ProcessDescription
from .process_values import validate_inputs

RESPONSES = ("raw", "document")
BODY_KEYS = ("inputs", "outputs", "response", "subscriber")
MAX_REQUEST_BYTES = 50 * 1024 * 1024  # a request file larger than this is not read


@dataclass
class SavedRequest:
    """An execution request file's content: the process, the execute body and the mode."""

    process_id: str
    body: dict[str, Any] = field(default_factory=dict)
    asynchronous: bool = True

    def to_json(self) -> dict[str, Any]:
        """The request file's JSON."""
        return {"process_id": self.process_id, **self.body, "mode": "async" if self.asynchronous else "sync"}


def execute_body(saved: SavedRequest) -> dict[str, Any]:
    """The part of a saved request a server gets."""
    return {key: saved.body[key] for key in BODY_KEYS if key in saved.body}


def write_request_file(path: Path, saved: SavedRequest) -> None:
    """Write ``saved`` to ``path`` as indented JSON (replacing the file the user chose to save over)."""
    text = json.dumps(saved.to_json(), indent=2, ensure_ascii=False) + "\n"
    write_atomically(Path(path), text.encode("utf-8"))


def read_request_file(path: Path) -> SavedRequest:
    """The request in ``path``; ValueError with a one-line reason when it cannot be read or is not one."""
    path = Path(path)
    try:
        too_large = path.stat().st_size > MAX_REQUEST_BYTES
        text = "" if too_large else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(tr("{file} cannot be read: {error}").format(file=path.name, error=err)) from None
    if too_large:
        raise ValueError(tr("{file} is too large for an execution request").format(file=path.name))
    try:
        data = json_limits.loads(text)
    except json_limits.JsonTooDeepError as err:
        raise ValueError(tr("{file} cannot be read: {error}").format(file=path.name, error=err.msg)) from None
    except ValueError as err:
        raise ValueError(tr("{file} is not JSON: {error}").format(file=path.name, error=err)) from None
    return parse_request(data, path.name)


def parse_request(data: Any, name: str = "") -> SavedRequest:
    """A request file's JSON as a :class:`SavedRequest`; ValueError when its shape is wrong."""
    what = name or tr("The request")
    if not isinstance(data, dict):
        raise ValueError(tr("{file} is not an execution request (not a JSON object)").format(file=what))
    process_id = data.get("process_id", data.get("processID", ""))
    if not isinstance(process_id, str):
        raise ValueError(tr("{file}: process_id is not text").format(file=what))
    shapes = {"inputs": dict, "outputs": dict, "response": str, "subscriber": dict}
    for key, kind in shapes.items():
        if key in data and data[key] is not None and not isinstance(data[key], kind):
            raise ValueError(tr("{file}: {key} has the wrong type").format(file=what, key=key))
    if "response" in data and data["response"] not in RESPONSES:
        raise ValueError(tr("{file}: response is neither raw nor document").format(file=what))
    mode = data.get("mode", "async")
    if mode not in ("async", "sync"):
        raise ValueError(tr("{file}: mode is neither async nor sync").format(file=what))
    body = {key: data[key] for key in BODY_KEYS if data.get(key) is not None}
    body.setdefault("inputs", {})
    return SavedRequest(process_id, body, mode == "async")


def request_problems(saved: SavedRequest, description: ProcessDescription) -> list[str]:
    """What makes ``saved`` unfit for ``description`` (another process, unknown or invalid inputs, unknown
    outputs), one line each; empty when it fits."""
    problems = []
    if saved.process_id and saved.process_id != description.id:
        problems.append(
            tr("The request is for the process {other}, not {process}").format(
                other=saved.process_id, process=description.id
            )
        )
    problems.extend(validate_inputs(description, saved.body.get("inputs") or {}))
    known = {o.name for o in description.outputs}
    for name in saved.body.get("outputs") or {}:
        if known and name not in known:
            problems.append(tr("{process} has no output named {name}").format(process=description.id, name=name))
    return problems
