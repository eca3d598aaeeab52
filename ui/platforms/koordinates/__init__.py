"""koordinates: one platform's own part of Geodock."""
