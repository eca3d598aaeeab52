"""Execute options of an OGC API – Processes request, and execution requests saved as JSON files.

:class:`ExecuteOptions` holds what a user may ask besides the inputs:

* ``outputs``: the outputs to return (a subset of the process's; empty: all, no ``outputs`` key is sent);
* ``response``: ``raw`` or ``document`` ("": the server's default, nothing sent);
* ``transmission``: ``value`` or ``reference`` for every selected output ("": the server's default);
* ``mode``: ``auto``, ``async`` or ``sync``. Only a mode the process's ``jobControlOptions`` allow may be
  asked (:func:`allowed_modes`; a description without them allows both). ``async`` sends
  ``Prefer: respond-async``; ``sync`` sends no ``Prefer`` (OGC API – Processes 1.0 runs a process
  synchronously when the client states no preference and the process can; ``respond-sync`` is no registered
  preference, servers ignore it); ``auto`` is async when allowed, else sync.

The form (``ui/``) and the Processing algorithms build a request the same way::

    options = ExecuteOptions(outputs=["file"], response="raw", mode="sync")
    problems = check_options(description, options)          # [] or readable problems
    body = build_request(inputs, options, description)      # the JSON body of POST .../execution
    adapter.execute(description.id, body, feedback, asynchronous=options.asynchronous(description),
                    folder=folder, output_name=raw_output_name(body, description))

An execution request file is read by :func:`read_request` in the format :mod:`.execution_request` writes (the
dock's *Save request*): ``{"process_id", "inputs", "outputs", "response", "subscriber", "mode"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ...errors import GeodockError
from ...i18n import tr
from .process_description import ProcessDescription

RESPONSES = ("raw", "document")
TRANSMISSIONS = ("value", "reference")
MODES = ("auto", "async", "sync")


class RequestFileError(GeodockError):
    """An execution request file that cannot be used (unreadable, not JSON, wrong shape, another process)."""


@dataclass
class ExecuteOptions:
    """What to ask besides the inputs (see the module docstring); the defaults ask for nothing special."""

    outputs: list[str] = field(default_factory=list)
    response: str = ""
    transmission: str = ""
    mode: str = "auto"

    def asynchronous(self, description: Optional[ProcessDescription] = None) -> bool:
        """Whether to send ``Prefer: respond-async`` (``auto``: when the process allows asynchronous runs)."""
        if self.mode in ("async", "sync"):
            return self.mode == "async"
        return "async" in allowed_modes(description)


@dataclass
class ExecutionRequest:
    """An execution request as read from a file: the inputs, the options, and the process it names."""

    inputs: dict[str, Any]
    options: ExecuteOptions
    process: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # other OGC keys (``subscriber``), sent as they are


def allowed_modes(description: Optional[ProcessDescription]) -> list[str]:
    """The modes a process allows, in ``["async", "sync"]`` order (both when its description says nothing)."""
    controls = set(description.job_control_options) if description is not None else set()
    modes = [mode for mode, control in (("async", "async-execute"), ("sync", "sync-execute")) if control in controls]
    return modes or ["async", "sync"]


def check_options(description: Optional[ProcessDescription], options: ExecuteOptions) -> list[str]:
    """Readable problems of ``options`` for the process of ``description`` ([] when none)."""
    problems = []
    if options.response and options.response not in RESPONSES:
        problems.append(tr("Unknown response {value!r} (raw or document)").format(value=options.response))
    if options.transmission and options.transmission not in TRANSMISSIONS:
        problems.append(
            tr("Unknown transmission mode {value!r} (value or reference)").format(value=options.transmission)
        )
    if options.mode not in MODES:
        problems.append(tr("Unknown execution mode {value!r} (auto, async or sync)").format(value=options.mode))
    elif options.mode != "auto" and options.mode not in allowed_modes(description):
        how = tr("asynchronously") if options.mode == "async" else tr("synchronously")
        problems.append(
            tr("The process cannot run {how} (its jobControlOptions allow: {allowed})").format(
                how=how, allowed=", ".join(allowed_modes(description))
            )
        )
    if description is not None and description.outputs:
        known = {output.name for output in description.outputs}
        unknown = [name for name in options.outputs if name not in known]
        if unknown:
            problems.append(
                tr("The process has no output {names} (it has: {known})").format(
                    names=", ".join(unknown), known=", ".join(sorted(known))
                )
            )
    return problems


def build_request(
    inputs: dict[str, Any],
    options: Optional[ExecuteOptions] = None,
    description: Optional[ProcessDescription] = None,
    extra: Optional[dict[str, Any]] = None,
) -> dict[str, Any]:
    """The JSON body of ``POST /processes/{id}/execution``: the inputs and what ``options`` ask.

    A transmission mode is asked per output: with no output selected it is asked for every output of
    ``description`` (without a description, it cannot be asked and the server's default applies).
    """
    body: dict[str, Any] = {"inputs": inputs}
    options = options or ExecuteOptions()
    names = list(options.outputs)
    if options.transmission and not names and description is not None:
        names = [output.name for output in description.outputs]
    if names:
        mode = {"transmissionMode": options.transmission} if options.transmission else {}
        body["outputs"] = {name: dict(mode) for name in names}
    if options.response:
        body["response"] = options.response
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    return body


def raw_output_name(body: dict[str, Any], description: Optional[ProcessDescription] = None) -> str:
    """The output a raw answer is (the one asked for, or the process's only one); "" when it could be several."""
    outputs = body.get("outputs")
    if isinstance(outputs, dict) and len(outputs) == 1:
        return str(next(iter(outputs)))
    if description is not None and len(description.outputs) == 1:
        return description.outputs[0].name
    return ""


def _transmissions(body: dict[str, Any]) -> set[str]:
    """The transmission modes an execute body asks for."""
    outputs = body.get("outputs") if isinstance(body.get("outputs"), dict) else {}
    return {str(v["transmissionMode"]) for v in outputs.values() if isinstance(v, dict) and v.get("transmissionMode")}


def options_from_request(body: dict[str, Any], mode: str = "auto") -> ExecuteOptions:
    """The options an execute body asks for (``outputs``, ``response``, its one transmission mode) and ``mode``."""
    outputs = body.get("outputs") if isinstance(body.get("outputs"), dict) else {}
    modes = _transmissions(body)
    return ExecuteOptions(
        outputs=[str(name) for name in outputs],
        response=str(body.get("response") or ""),
        transmission=modes.pop() if len(modes) == 1 else "",
        mode=mode,
    )


def read_request(path: Path, description: ProcessDescription) -> ExecutionRequest:
    """The execution request file ``path`` (:mod:`.execution_request`'s format, the one the dock saves), checked
    against ``description``: :class:`RequestFileError` with every problem (bad JSON, wrong shape, another
    process, unknown outputs, an invalid input value, several transmission modes).

    Its ``mode`` is kept when the process allows it; ``async`` (also what a file without ``mode`` reads as) for a
    process that only runs synchronously becomes ``auto``; ``sync`` for one that cannot is a problem.
    """
    from .execution_request import read_request_file, request_problems

    try:
        saved = read_request_file(Path(path))
    except ValueError as err:
        raise RequestFileError(str(err)) from None
    body = saved.body
    problems = request_problems(saved, description)
    if len(_transmissions(body)) > 1:
        problems.append(tr("Geodock asks for one transmission mode for all outputs"))
    if any(not isinstance(v, dict) for v in (body.get("outputs") or {}).values()):
        problems.append(tr("The request's outputs are not objects of output options"))
    allowed = allowed_modes(description)
    mode = "sync" if not saved.asynchronous else ("async" if "async" in allowed else "auto")
    options = options_from_request(body, mode)
    problems += check_options(description, options)
    if problems:
        raise RequestFileError("; ".join(dict.fromkeys(problems)))
    extra = {key: body[key] for key in ("subscriber",) if key in body}
    return ExecutionRequest(dict(body.get("inputs") or {}), options, saved.process_id, extra)


def process_of_request(path: Path) -> str:
    """The process id an execution request file names ("" when none); :class:`RequestFileError` when unreadable."""
    from .execution_request import read_request_file

    try:
        return read_request_file(Path(path)).process_id
    except ValueError as err:
        raise RequestFileError(str(err)) from None
