"""Geodock's one HTTP client, on QgsNetworkAccessManager (see :mod:`.client`)."""
