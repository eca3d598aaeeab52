"""AmigoCloud project tokens: a connection whose URL is a project's URL works inside that project only.

A project token (``C:…``) comes with its ``project_url`` (``users/{uid}/projects/{pid}``, see the SDK); it can
read that project and nothing else (``/me`` answers 403). Such a connection's URL is the project's URL, which
is then its root: the check reads the project, the listing is the project's datasets, and no ``me/…`` call is
made.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from qgis.core import QgsFeedback
from qgis.PyQt.QtCore import QUrl

from ...errors import UnreadableResponseError
from ...i18n import tr
from ..resource_json import text

_PROJECT_PATH = re.compile(r"/users/[^/]+/projects/\d+/?$")


def project_url(connection_url: str) -> Optional[str]:
    """The project URL (no trailing slash) when ``connection_url`` is a project's URL, else None."""
    if not _PROJECT_PATH.search(QUrl(connection_url).path()):
        return None
    return connection_url.rstrip("/")


def read_project(adapter: Any, url: str, feedback: Optional[QgsFeedback], **kwargs: Any) -> dict[str, Any]:
    """The project document at ``url`` (UnreadableResponseError when it is not one)."""
    doc = adapter.client.get_json(url, auth=adapter.auth, feedback=feedback, **kwargs)
    if not isinstance(doc, dict) or "id" not in doc:
        raise UnreadableResponseError(tr("AmigoCloud answered with an unreadable project"), str(doc)[:500], url)
    return doc


def check_project(adapter: Any, url: str, feedback: Optional[QgsFeedback]) -> str:
    """One short request for the project (what a project token may read): a line saying which project."""
    doc = read_project(adapter, url, feedback, retries=0, timeout=20)
    return f"AmigoCloud answered: project token for project {text(doc.get('name')) or doc.get('id')}"


def datasets_url(url: str) -> str:
    """The dataset listing of the project at ``url``."""
    return f"{url}/datasets"
