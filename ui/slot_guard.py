"""Slots that never let an exception reach Qt.

An exception escaping a Python slot ends in QGIS's Python error dialog with a traceback (and a test run,
where PyQt has no QGIS hook, aborts). Every method Geodock's widgets connect to a signal is wrapped with
:func:`guarded`: a failure becomes one line in the QGIS message bar and its traceback goes to the Geodock
log tab, both with secrets masked (:mod:`plugin.log`).
"""

from __future__ import annotations

import functools
import inspect
import traceback
from typing import Any, Callable, Optional, TypeVar

from qgis.core import Qgis

from ..plugin import log
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.i18n import tr

Method = TypeVar("Method", bound=Callable[..., Any])


def _positional_limit(function: Callable[..., Any]) -> Optional[int]:
    """How many positional arguments ``function`` takes (None: any number, it has ``*args``)."""
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in parameters if p.kind in kinds)


def report_failure(err: BaseException, where: str) -> None:
    """Tell the user in one line (message bar) and keep the details (Geodock log)."""
    if isinstance(err, GeodockError):
        line = log.exception(err)
    else:
        log.error(f"{where} failed\n{''.join(traceback.format_exception(type(err), err, err.__traceback__))}")
        line = log.clean(tr("Unexpected error: {0}: {1}").format(type(err).__name__, err))
    try:
        from qgis.utils import iface

        if iface is not None:
            text = tr("{0} (details in the Geodock log)").format(line)
            push_message(iface.messageBar(), text, Qgis.MessageLevel.Critical, 10)
    except Exception:  # no main window (headless), or it is going away: the log has it
        pass


def guarded(method: Method) -> Method:
    """Decorate a method Qt calls as a slot. Like PyQt, it passes on only the signal arguments the method
    takes (``clicked(bool)`` to ``def refresh(self)``); an exception is reported, never raised."""
    limit = _positional_limit(method)

    @functools.wraps(method)
    def slot(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*(args if limit is None else args[:limit]), **kwargs)
        except Exception as err:
            report_failure(err, method.__qualname__)
            return None

    return slot  # type: ignore[return-value]
