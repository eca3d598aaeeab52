"""Geodock's non-widget code: network client, connections, platform adapters, tasks, Processing, Browser."""
