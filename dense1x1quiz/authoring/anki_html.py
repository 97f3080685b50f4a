"""Deck text → Anki field HTML: escaped, line breaks as <br>, `$…$` as MathJax `\\(…\\)`."""

from __future__ import annotations

import hashlib
import html

from dense1x1quiz.text import MATH_RE  # the same `$…$` / `$$…$$` rule as on screen


def to_html(text: str) -> str:
    """Deck text as an Anki field: never interpreted as HTML, math shown by Anki's MathJax."""
    out, at = [], 0
    for m in MATH_RE.finditer(text):
        out.append(_plain(text[at:m.start()]))
        if m.group(1) is not None:
            out.append(r"\[" + html.escape(m.group(1), quote=False) + r"\]")
        else:
            out.append(r"\(" + html.escape(m.group(2), quote=False) + r"\)")
        at = m.end()
    out.append(_plain(text[at:]))
    return "".join(out)


def _plain(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def stable_id(*parts: str) -> int:
    """A stable 31-bit positive id for Anki models and decks, from names."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (int.from_bytes(digest[:4], "big") & 0x3FFFFFFF) + (1 << 30)


__all__ = ["stable_id", "to_html"]
