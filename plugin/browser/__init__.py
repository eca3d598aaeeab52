"""The QGIS Browser panel: Geodock's data item provider, its items and the drop handler for Geodock URIs."""
