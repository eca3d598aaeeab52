"""A stand-in for ``gevent``, for the ``amigocloud`` SDK's tests only (put on ``sys.path`` by the test module).

The SDK imports gevent at module level but only uses ``spawn``/``joinall`` in ``geocode_addresses``;
these run the work at once, in the calling thread.
"""


class Greenlet:
    """The result of :func:`spawn`: the function already ran; ``value`` is what it returned."""

    def __init__(self, function, *args, **kwargs):
        self.value = function(*args, **kwargs)

    def join(self, timeout=None):
        return None


def spawn(function, *args, **kwargs):
    return Greenlet(function, *args, **kwargs)


def joinall(greenlets, timeout=None, raise_error=False):
    return list(greenlets)


def sleep(seconds=0):
    import time

    time.sleep(seconds)
