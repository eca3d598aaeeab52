"""Geodock's Processing provider (``geodock``) and its algorithms."""
