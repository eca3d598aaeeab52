"""Remote HTML (platform descriptions) made safe to show in a ``QTextBrowser``.

An allow-list of tags and attributes: scripts, styles, event handlers, frames, forms and embedded objects
are dropped with their content, and every reference to a remote resource (``img``, stylesheets, ``style``
attributes with ``url(...)``, ``background``...) goes, so showing a description never fetches anything.
Plain ``<a href>`` links to ``http`` and ``https`` stay (no ``file:``, ``smb:``, ``data:``, ``mailto:``...);
the details pane opens them only on click.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import urlsplit

# Tags kept (their attributes are dropped unless listed in _ATTRIBUTES).
_ALLOWED = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# Tags dropped together with everything inside them.
_DROP_WITH_CONTENT = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "template",
    "svg", "math", "form", "select", "textarea", "button", "audio", "video", "canvas", "head", "title",
}  # fmt: skip
_VOID = {"br", "hr"}
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "abbr": {"title"}}
_LINK_SCHEMES = ("http://", "https://")


def safe_link(href: str) -> Optional[str]:
    """``href`` when it is an absolute http(s) link, else None (no ``javascript:``, ``file:``, ``data:``...)."""
    value = "".join(ch for ch in (href or "").strip() if ch >= " ")
    try:
        parts = urlsplit(value)
    except ValueError:  # a malformed address (an unclosed IPv6 bracket...)
        return None
    return value if value.lower().startswith(_LINK_SCHEMES) and parts.netloc else None


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0  # depth inside a _DROP_WITH_CONTENT element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag in _DROP_WITH_CONTENT:
            if tag not in _VOID:
                self.dropping += 1
            return
        if self.dropping or tag not in _ALLOWED:
            return
        kept = []
        for name, value in attrs:
            if name not in _ATTRIBUTES.get(tag, ()):
                continue
            if name == "href":
                value = safe_link(value or "")
                if value is None:
                    continue
            kept.append(f' {name}="{html.escape(value or "", quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag in _DROP_WITH_CONTENT:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in _ALLOWED or tag in _VOID or tag not in self.open:
            return
        while self.open:  # close what was left open inside it
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize_html(text: str) -> str:
    """``text`` (remote HTML or plain text) as HTML that references nothing remote and runs nothing."""
    if not text:
        return ""
    if "<" not in text:  # plain text: keep its paragraphs
        return "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n\n") if part.strip())
    parser = _Sanitizer()
    parser.feed(text)
    return parser.result()


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# Elements that end a line when remote HTML is read as text.
_BLOCKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}


def inert_text(text: str) -> str:
    """``text`` with no markup left in it: each ``<`` that could open a tag (``<img``, ``</``, ``<!``, ``<?``)
    becomes ``‹``. Whatever shows it, as plain or as rich text, then shows words, never an image or a link."""
    return _TAG_START.sub("‹", text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag in _DROP_WITH_CONTENT and tag not in _VOID:
            self.dropping += 1
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(data)


def html_to_text(text: str) -> str:
    """Remote HTML (or plain text) as inert plain text: the words it shows, one paragraph a line."""
    if "<" not in text and "&" not in text:
        return text.strip()
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.out).splitlines())
    return inert_text("\n".join(line for line in lines if line))
