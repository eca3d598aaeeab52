"""Koordinates (LINZ Data Service and other Koordinates sites): layers, tables, the data catalog, exports."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsFeedback

from ..net.client import HttpRequest
from ..net.paging import parse_resource_range
from .auth_appliers import HeaderKeyAuth
from .base import PlatformAdapter


class KoordinatesAdapter(PlatformAdapter):
    kind = "koordinates"

    @property
    def auth(self) -> HeaderKeyAuth:
        return HeaderKeyAuth(self.connection.authcfg, "key")

    def service_prefixes(self) -> list[str]:
        """The API root and the site's ``/services/`` root (WFS, WMTS and XYZ tiles live there)."""
        base = self.connection.base_url
        marker = base.find("/services/")
        return [base[: marker + len("/services/")]] if marker >= 0 else [base]

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        response = self.client.send(
            HttpRequest(self.url("layers/"), params={"page_size": 1}, auth=self.auth, retries=0, timeout=20), feedback
        )
        response.json()
        total = parse_resource_range(response.header("x-resource-range"))
        return f"Koordinates answered: {total if total is not None else 'some'} layers visible"
