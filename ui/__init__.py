"""Geodock's widgets: the plugin's toolbar and menu, dock panels and dialogs."""
