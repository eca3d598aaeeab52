"""Koordinates export checks: ``POST /exports/validate/`` answers and their reasons in words, export formats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ...i18n import tr


def reason_text(reason: str) -> str:
    """An invalid reason code of ``/exports/validate/`` in words."""
    words = {
        "outside-extent": tr("it lies entirely outside the crop extent"),
        "no-data": tr("it has no data that can be exported"),
        "not-found": tr("it does not exist on the server (or you may not see it)"),
        "no-format": tr("no export format is chosen for its kind of data"),
        "unsupported-format": tr("the chosen format cannot hold this kind of data"),
        "invalid-crs": tr("the coordinate reference system is unknown to the server"),
        "no-items": tr("nothing is selected for export"),
        "too-large": tr("it is too large to export"),
        "not-licensed": tr("its licence does not allow exports"),
        "price": tr("it must be paid for"),
    }
    return words.get(reason, reason.replace("-", " "))


@dataclass
class ExportFormat:
    """An export format the server offers for a kind of data."""

    value: str  # MIME-like value sent to the server
    name: str  # display name


@dataclass
class ItemCheck:
    """The validation of one item of an export."""

    item: str  # item URL
    is_valid: bool
    reasons: list[str]  # codes
    license: str = ""
    license_url: str = ""
    size_estimate: Optional[int] = None

    @property
    def reason_texts(self) -> list[str]:
        """The item's reasons in words."""
        return [reason_text(r) for r in self.reasons]


@dataclass
class Validation:
    """The answer of ``POST /exports/validate/``."""

    is_valid: bool
    reasons: list[str]
    items: list[ItemCheck]
    size_estimate_zipped: Optional[int]

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Validation:
        """The validation from the server's JSON."""
        items = []
        for entry in doc.get("items") or []:
            licence = entry.get("license") if isinstance(entry.get("license"), dict) else {}
            items.append(
                ItemCheck(
                    item=str(entry.get("item", "")),
                    is_valid=bool(entry.get("is_valid")),
                    reasons=[str(r) for r in entry.get("invalid_reasons") or []],
                    license=str(licence.get("title") or ""),
                    license_url=str(licence.get("url") or licence.get("url_html") or ""),
                    size_estimate=entry.get("size_estimate_zipped"),
                )
            )
        return cls(
            is_valid=bool(doc.get("is_valid")),
            reasons=[str(r) for r in doc.get("invalid_reasons") or []],
            items=items,
            size_estimate_zipped=doc.get("size_estimate_zipped"),
        )

    def problems(self, names: Optional[dict[str, str]] = None) -> list[str]:
        """Every reason in words, one line each (``names`` maps item URLs to titles)."""
        names = names or {}
        lines = [reason_text(r).capitalize() for r in self.reasons]
        for item in self.items:
            label = names.get(item.item) or item_label(item.item)
            lines += [f"{label}: {text}" for text in item.reason_texts]
        return lines

    @property
    def licenses(self) -> list[str]:
        """The licences of the items, each once."""
        return sorted({item.license for item in self.items if item.license})


def item_label(url: str) -> str:
    """A readable label of an item URL (``layer 5``)."""
    parts = [p for p in url.split("/") if p]
    return f"{parts[-2].rstrip('s')} {parts[-1]}" if len(parts) >= 2 else url
