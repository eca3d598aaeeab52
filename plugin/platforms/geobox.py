"""Geobox: vector layers and views, rasters, tilesets, files and uploads, tasks."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsFeedback

from ..errors import AuthenticationError
from ..net.client import HttpRequest
from .auth_appliers import LoginTokenAuth
from .base import PlatformAdapter


class GeoboxAdapter(PlatformAdapter):
    kind = "geobox"

    @property
    def auth(self) -> LoginTokenAuth:
        return LoginTokenAuth(self.connection.authcfg, self._login)

    def _login(self, username: str, password: str, feedback: Optional[QgsFeedback]) -> str:
        request = HttpRequest(
            self.url("auth/token/"), "POST", form={"username": username, "password": password}, retries=0, timeout=30
        )
        data = self.client.send(request, feedback).json()
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise AuthenticationError("Geobox login answered without an access token", 401)
        return str(token)

    def authenticated(self, feedback: Optional[QgsFeedback] = None) -> LoginTokenAuth:
        """The auth applier with a bearer token in hand (logs in when needed)."""
        applier = self.auth
        applier.ensure_token(feedback)
        return applier

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        applier = self.authenticated(feedback)
        data = self.client.send(
            HttpRequest(
                self.url("vectorLayers/"),
                params={"f": "json", "return_count": "true"},
                auth=applier,
                retries=0,
                timeout=20,
            ),
            feedback,
        ).json()
        count = data.get("count") if isinstance(data, dict) else data
        return f"Geobox answered: {count} vector layers visible"
