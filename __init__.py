"""Geodock: remote geodata platforms (Koordinates, Geobox, AmigoCloud, OGC API – Processes) in QGIS."""


def classFactory(iface):
    """QGIS entry point: the plugin instance (imports stay light; nothing touches the network)."""
    from .ui.main import GeodockPlugin

    return GeodockPlugin(iface)
