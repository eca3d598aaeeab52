"""ui.slot_guard: a failing slot becomes a message-bar line and a Geodock log entry, never an exception in Qt."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtWidgets import QCheckBox

from geodock.plugin import log
from geodock.plugin.errors import NotFoundError
from geodock.ui.slot_guard import guarded

SECRET = "s3cr3t-slot-token"


class Box(QCheckBox):
    def __init__(self, error: Exception | None = None) -> None:
        super().__init__("box")
        self.error = error
        self.calls: list[tuple] = []

    @guarded
    def no_arguments(self) -> None:
        self.calls.append(())
        if self.error is not None:
            raise self.error

    @guarded
    def with_state(self, checked: bool) -> None:
        self.calls.append((checked,))


@pytest.fixture
def escaped(monkeypatch):
    """Exceptions that reached PyQt (recorded instead of aborting the process)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(value))
    return seen


@pytest.fixture
def geodock_log():
    lines: list[str] = []

    def keep(message, tag, level):
        if tag == log.TAG:
            lines.append(message)

    QgsApplication.messageLog().messageReceived.connect(keep)
    yield lines
    QgsApplication.messageLog().messageReceived.disconnect(keep)


def bar_texts(iface) -> list[str]:
    """Critical messages pushed to the message bar (pytest-qgis's iface records them)."""
    return iface.messageBar().get_messages(Qgis.MessageLevel.Critical)


def test_a_failing_slot_is_reported_with_secrets_masked(qgis_iface, escaped, geodock_log):
    qgis_iface.messageBar().clear_messages()
    log.remember_secret(SECRET)
    box = Box(ValueError(f"bad value near token={SECRET}"))
    box.clicked.connect(box.no_arguments)
    box.click()
    assert box.calls == [()]
    assert escaped == []
    (text,) = bar_texts(qgis_iface)
    assert "Unexpected error: ValueError: bad value" in text and "Geodock log" in text
    assert any("Traceback" in line and "no_arguments" in line for line in geodock_log)
    assert SECRET not in text and not any(SECRET in line for line in geodock_log)


def test_a_geodock_error_shows_its_own_message(qgis_iface, escaped, geodock_log):
    qgis_iface.messageBar().clear_messages()
    box = Box(NotFoundError("The layer is gone from the server", 404, "GET /layers/7 -> 404"))
    box.clicked.connect(box.no_arguments)
    box.click()
    assert escaped == []
    (text,) = bar_texts(qgis_iface)
    assert "The layer is gone from the server" in text and "Unexpected" not in text
    assert any("GET /layers/7 -> 404" in line for line in geodock_log)


def test_signal_arguments_are_passed_as_far_as_the_slot_takes_them(qgis_iface, escaped):
    qgis_iface.messageBar().clear_messages()
    box = Box()
    box.clicked.connect(box.no_arguments)  # clicked(bool) to a slot without arguments
    box.toggled.connect(box.with_state)
    box.click()
    assert sorted(box.calls) == [(), (True,)]
    assert escaped == [] and bar_texts(qgis_iface) == []


def _connected_methods(tree) -> set[str]:
    """Names of ``self.<name>`` methods a module connects to signals, directly or through a lambda."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect":
            for arg in node.args:
                targets = (
                    [arg]
                    if not isinstance(arg, ast.Lambda)
                    else [call.func for call in ast.walk(arg.body) if isinstance(call, ast.Call)]
                )
                for target in targets:
                    is_self = isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    if is_self and target.value.id == "self":
                        names.add(target.attr)
    return names


def test_every_slot_the_widgets_connect_is_guarded():
    import geodock.ui

    unguarded = []
    for path in sorted(Path(geodock.ui.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text())
        connected = _connected_methods(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in connected:
                decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
                if "guarded" not in decorators:
                    unguarded.append(f"{path.name}: {node.name}")
    assert unguarded == []
