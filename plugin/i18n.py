"""Translation of Geodock's user-facing text: one :func:`tr` for plugin/ and ui/, and the translator.

Every message goes through :func:`tr` (context ``@default``); a table of titles marks its entries with
``QT_TRANSLATE_NOOP("@default", ...)`` and passes them through :func:`tr` where they are shown. ``make translations``
collects them into ``i18n/geodock_<lang>.ts`` (pylupdate5) and compiles ``i18n/geodock_<lang>.qm`` (lrelease);
:func:`install_translator` loads the one for QGIS's language when the plugin starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTranslator

__all__ = ["CONTEXT", "QT_TRANSLATE_NOOP", "install_translator", "qm_file", "remove_translator", "tr"]

CONTEXT = "@default"  # pylupdate5's context for a bare tr(): the .ts, the .qm and this lookup agree
I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"

_translator: Optional[QTranslator] = None


def tr(text: str) -> str:
    """``text`` in QGIS's language when Geodock has a translation for it, else as written."""
    return QCoreApplication.translate(CONTEXT, text)


def language() -> str:
    """QGIS's user-interface language as two letters (``"fr"``), from its locale or the user's override."""
    locale = QgsApplication.locale() or str(QgsSettings().value("locale/userLocale", "") or "")
    return locale[:2].lower()


def qm_file(lang: str) -> Path:
    """The compiled translation for ``lang`` (it may not exist)."""
    return I18N_DIR / f"geodock_{lang}.qm"


def install_translator(lang: Optional[str] = None) -> bool:
    """Load Geodock's translation for ``lang`` (default: QGIS's language) into the application; False when
    there is none (English, or a language Geodock is not translated into). Calling it again replaces it."""
    global _translator
    remove_translator()
    path = qm_file(lang or language())
    if not path.is_file():
        return False
    translator = QTranslator()
    if not translator.load(str(path)):
        return False
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return True


def remove_translator() -> None:
    """Remove the translation :func:`install_translator` loaded, if any (plugin unload)."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
