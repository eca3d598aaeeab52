"""Any OGC API – Processes server (wraptile, pygeoapi, ...): processes, jobs, results."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsFeedback

from .auth_appliers import AuthConfigAuth
from .base import PlatformAdapter


class OgcProcessesAdapter(PlatformAdapter):
    kind = "ogcapi-processes"

    @property
    def auth(self) -> AuthConfigAuth:
        return AuthConfigAuth(self.connection.authcfg)

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        data = self.client.get_json(
            self.url("processes"), params={"f": "json"}, auth=self.auth, feedback=feedback, retries=0, timeout=20
        )
        processes = data.get("processes", []) if isinstance(data, dict) else []
        return f"OGC API – Processes answered: {len(processes)} processes"
