"""Yes/No questions whose text may hold names from files and servers: shown as plain text, default No."""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtWidgets import QMessageBox, QWidget

from ..plugin.auth import CertificateAuthority
from ..plugin.i18n import tr
from .plain_text import plain


def ask_yes_no(parent: Optional[QWidget], title: str, question: str) -> bool:
    """Ask ``question`` (plain text); True only when the user answers Yes (Enter and Escape answer No)."""
    box = plain(
        QMessageBox(
            QMessageBox.Icon.Question,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_trust(parent: Optional[QWidget], file_name: str, cas: list[CertificateAuthority]) -> bool:
    """Ask whether to add ``cas`` (from ``file_name``) to QGIS's trusted certificate authorities."""
    listed = "\n\n".join(
        tr("• {subject}\n   SHA-256 {sha256}\n   {path}").format(subject=ca.subject, sha256=ca.sha256, path=ca.path)
        for ca in cas
    )
    question = tr(
        "{file} asks QGIS to trust {count} certificate authorities:\n\n{listed}\n\n"
        "A trusted certificate authority vouches for any HTTPS site, in QGIS and in every plugin. Trust them only "
        "if you know who made them and why.\n\nTrust these certificate authorities?"
    ).format(file=file_name, count=len(cas), listed=listed)
    return ask_yes_no(parent, tr("Trust Certificate Authorities?"), question)
