"""Translation of Geodock's user-facing text: one :func:`tr` for plugin/ and ui/."""

from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "@default"  # pylupdate5's context for a bare tr(): the .ts, the .qm and this lookup agree


def tr(text: str) -> str:
    """``text`` in QGIS's language when Geodock has a translation for it, else as written."""
    return QCoreApplication.translate(CONTEXT, text)
