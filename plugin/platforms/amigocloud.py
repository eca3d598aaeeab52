"""AmigoCloud: projects, datasets (cursor paging), SQL, exports, realtime events."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsFeedback

from .auth_appliers import QueryTokenAuth
from .base import PlatformAdapter


class AmigoCloudAdapter(PlatformAdapter):
    kind = "amigocloud"

    @property
    def auth(self) -> QueryTokenAuth:
        return QueryTokenAuth(self.connection.authcfg, "token")

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        me = self.client.get_json(self.url("me"), auth=self.auth, feedback=feedback, retries=0, timeout=20)
        who = me.get("email") or me.get("username") or me.get("id") if isinstance(me, dict) else None
        return f"AmigoCloud answered: signed in as {who}"
