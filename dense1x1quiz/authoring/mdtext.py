"""Inline Markdown ↔ deck text, so that `export_md` and `markdown_import` are exact inverses.

Math (`$…$`, `$$…$$`) and code spans are kept exactly as written. Elsewhere, Markdown escapes
(`\\&` → `&`) are undone and `**strong**` markers dropped (a terminal shows them literally).
`<br>` stands for a line break, so a multi-line field fits on one Markdown line.
"""

from __future__ import annotations

import re
import string
import unicodedata

# The same math delimiters as text.display; code spans are opaque too.
_OPAQUE_RE = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$.+?(?<!\\)\$|`[^`]+`", re.DOTALL)
# `\$` stays as written: a `$` after a backslash is never a math delimiter (LaTeX habit).
ESCAPABLE = frozenset(string.punctuation) - {"$"}
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_STRONG = object()


def _segments(text: str) -> list[tuple[bool, str]]:
    """`text` cut into (opaque, piece) runs."""
    out, at = [], 0
    for m in _OPAQUE_RE.finditer(text):
        if m.start() > at:
            out.append((False, text[at : m.start()]))
        out.append((True, m.group()))
        at = m.end()
    if at < len(text):
        out.append((False, text[at:]))
    return out


def md_to_text(md: str) -> str:
    """One field of Markdown (a line or paragraph) as deck text."""
    pieces: list[object] = []
    for opaque, seg in _segments(md):
        if opaque:
            pieces.append(_BR_RE.sub("\n", seg))
            continue
        i = 0
        while i < len(seg):
            if seg[i] == "\\" and i + 1 < len(seg) and seg[i + 1] in ESCAPABLE:
                pieces.append(seg[i + 1])
                i += 2
            elif seg.startswith("**", i):
                pieces.append(_STRONG)
                i += 2
            elif m := _BR_RE.match(seg, i):
                pieces.append("\n")
                i = m.end()
            else:
                pieces.append(seg[i])
                i += 1
    markers = [i for i, p in enumerate(pieces) if p is _STRONG]
    if len(markers) % 2:  # an unpaired `**` is literal text
        pieces[markers[-1]] = "**"
    return "".join(p for p in pieces if p is not _STRONG)  # type: ignore[misc]


def text_to_md(text: str, cell: bool = False) -> str:
    """Deck text as one line of Markdown that `md_to_text` turns back into `text`
    (`cell`: also escape `|`, for a table cell)."""
    out = []
    for opaque, seg in _segments(text):
        if opaque:
            out.append(seg.replace("\n", "<br>").replace("|", "\\|" if cell else "|"))
            continue
        i = 0
        while i < len(seg):
            c = seg[i]
            nxt = seg[i + 1] if i + 1 < len(seg) else ""
            if c == "\\" and nxt and (nxt in ESCAPABLE or nxt == "\n"):  # a line break becomes `<`br>
                out.append("\\\\")
            elif c == "*" or (c == "|" and cell) or (c == "<" and _BR_RE.match(seg, i)):
                out.append("\\" + c)
            elif c == "\n":
                out.append("<br>")
            else:
                out.append(c)
            i += 1
    return "".join(out)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    if char in "\ufe0f\ufe0e\u200d\u20e3" or 0x1F3FB <= code <= 0x1F3FF:
        return True
    return code >= 0x2300 and unicodedata.category(char) in ("So", "Sk")


def clean_heading(md: str) -> str:
    """A heading's text: emoji decoration, `**`, escapes and a trailing colon removed."""
    text = "".join(c for c in md if not _is_emoji(c))
    text = " ".join(md_to_text(text).split())
    return text.rstrip(":").strip()


__all__ = ["ESCAPABLE", "clean_heading", "md_to_text", "text_to_md"]
