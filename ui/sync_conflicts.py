"""The conflict dialog: features changed both here and on the server; the user keeps mine or takes theirs, each.

Everything the server sent (values, ids) is shown as plain text. Nothing is chosen for the user: *Apply* is enabled
once every feature has a choice (nothing is ever overwritten silently). The dialog is narrow-friendly: one column,
wrapped text, vertical scrolling only.
"""

from __future__ import annotations

from typing import Optional

from qgis.gui import QgsGui
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..plugin.i18n import tr
from ..plugin.sync.choices import ConflictDetail
from .narrow import ButtonGrid
from .plain_text import plain_label
from .slot_guard import guarded

MINE, THEIRS = 1, 2


def state_text(detail: ConflictDetail) -> str:
    """What happened to the feature on each side, in one sentence."""
    conflict = detail.conflict
    here = tr("deleted here") if conflict.local == "deleted" else tr("changed here")
    there = tr("deleted on the server") if conflict.server == "deleted" else tr("changed on the server")
    return tr("{here}, {there}").format(here=here, there=there)


def difference_text(detail: ConflictDetail) -> str:
    """The fields (and the geometry) that differ, mine against theirs, as plain text lines."""
    lines = []
    for difference in detail.fields:
        lines.append(difference.name)
        lines.append("  " + tr("mine: {value}").format(value=difference.mine))
        lines.append("  " + tr("theirs: {value}").format(value=difference.theirs))
    if detail.geometry:
        lines.append(tr("The geometry differs"))
    if not lines and "deleted" not in (detail.conflict.local, detail.conflict.server):
        lines.append(tr("The values are the same; the server's version of the feature is newer"))
    return "\n".join(lines)


class ConflictDialog(QDialog):
    """Lists each conflicting feature of a layer with what differs; the user keeps mine or takes theirs."""

    def __init__(self, layer_name: str, details: list[ConflictDetail], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("GeodockConflictDialog")
        self.setWindowTitle(tr("Conflicts with the server"))
        self.details = details
        self.groups: dict[int, QButtonGroup] = {}
        layout = QVBoxLayout(self)
        intro = plain_label(
            tr(
                "{count} feature(s) of {layer} changed on the server since your copy was fetched or last synced. "
                "Choose for each which version to keep: nothing is sent until you apply."
            ).format(count=len(details), layer=layer_name)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        rows = QVBoxLayout(body)
        for detail in details:
            rows.addWidget(self._row(detail))
        rows.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.all_mine = QPushButton(tr("Keep all mine"))
        self.all_theirs = QPushButton(tr("Take all theirs"))
        self.all_mine.clicked.connect(self.choose_all_mine)
        self.all_theirs.clicked.connect(self.choose_all_theirs)
        layout.addWidget(ButtonGrid([self.all_mine, self.all_theirs]))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton(tr("Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.update_apply()
        self.resize(420, 480)
        QgsGui.enableAutoGeometryRestore(self)

    def _row(self, detail: ConflictDetail) -> QFrame:
        conflict = detail.conflict
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        title = tr("Feature {fid} (server id {sid})").format(fid=conflict.fid, sid=conflict.server_id)
        for text in (title, state_text(detail), difference_text(detail)):
            if text:
                label = plain_label(text)
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                box.addWidget(label)
        group = QButtonGroup(frame)
        for choice, text in ((MINE, tr("Keep mine")), (THEIRS, tr("Take theirs"))):
            radio = QRadioButton(text)
            radio.setObjectName(f"conflict_{conflict.fid}_{'mine' if choice == MINE else 'theirs'}")
            group.addButton(radio, choice)
            box.addWidget(radio)
        group.buttonClicked.connect(self.update_apply)
        self.groups[conflict.fid] = group
        return frame

    def choose(self, fid: int, keep_mine: bool) -> None:
        """Choose for feature ``fid`` (what a click on its radio button does)."""
        self.groups[fid].button(MINE if keep_mine else THEIRS).setChecked(True)
        self.update_apply()

    @guarded
    def choose_all_mine(self) -> None:
        """Keep my version of every feature."""
        for fid in self.groups:
            self.choose(fid, True)

    @guarded
    def choose_all_theirs(self) -> None:
        """Take the server's version of every feature."""
        for fid in self.groups:
            self.choose(fid, False)

    @guarded
    def update_apply(self) -> None:
        """*Apply* only once every feature has a choice."""
        self.apply_button.setEnabled(all(group.checkedId() in (MINE, THEIRS) for group in self.groups.values()))

    def choices(self) -> tuple[set[int], set[int]]:
        """``(fids to keep mine, fids to take theirs)``."""
        mine = {fid for fid, group in self.groups.items() if group.checkedId() == MINE}
        theirs = {fid for fid, group in self.groups.items() if group.checkedId() == THEIRS}
        return mine, theirs
