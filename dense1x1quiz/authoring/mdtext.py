"""Inline Markdown ↔ deck text, so that `export_md` and `markdown_import` are exact inverses.

Math (`$…$`, `$$…$$`) and code spans are kept exactly as written. Elsewhere, Markdown escapes
(`\\&` → `&`) are undone and markup a terminal would show literally is dropped: emphasis markers,
links and wiki-links (their text kept), images (`[image: alt]`), inline HTML tags, entities.
`<br>` stands for a line break, so a multi-line field fits on one Markdown line.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

# The same math delimiters as text.display; code spans are opaque too.
_OPAQUE_RE = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$.+?(?<!\\)\$|`[^`]+`", re.DOTALL)
# `\$` stays as written: a `$` after a backslash is never a math delimiter (LaTeX habit).
ESCAPABLE = frozenset(string.punctuation) - {"$"}
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


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


# Inline markup a terminal would show literally; each is undone (its text kept) and text_to_md escapes
# whatever would read as one.
_WIKI_RE = re.compile(r"(!?)\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]*))?\]\]")
_LINK_RE = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"  # [text] or ![alt]
    r"(?:\(\s*<?([^()\s<>]*(?:\([^()\s]*\))?)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"  # (url "title")
    r"|\[[^\[\]\n]*\])"  # or [reference]
)
_FOOTNOTE_REF_RE = re.compile(r"\[\^[^\[\]\s]+\]")
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<(?:https?|mailto):[^<>\s]*>")
_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def _emphasis_runs(seg: str, i: int) -> tuple[int, bool, bool]:
    """The `*`/`_` run at `i`: its length, whether it can open and whether it can close emphasis
    (CommonMark's flanking rules; an intraword `_` is never emphasis)."""
    char, n = seg[i], 1
    while i + n < len(seg) and seg[i + n] == char:
        n += 1
    before = seg[i - 1] if i else " "
    after = seg[i + n] if i + n < len(seg) else " "
    opens, closes = not after.isspace(), not before.isspace()
    if char == "_":
        opens, closes = opens and not before.isalnum(), closes and not after.isalnum()
    return n, opens, closes


class _Marker:
    """A `*`/`_` run that may turn out to be emphasis (dropped) or text (kept)."""

    def __init__(self, run: str, opens: bool, closes: bool):
        self.run, self.opens, self.closes, self.used = run, opens, closes, False


# A link whose text holds a code span (`[`dict`](https://…)`): the span would otherwise cut the link in two.
_CODE_LINK_RE = re.compile(
    r"(?<![!\\])\[((?:[^\[\]`\n]|`[^`\n]+`)*`[^`\n]+`(?:[^\[\]`\n]|`[^`\n]+`)*)\]"
    r"\(\s*<?([^()\s<>]*(?:\([^()\s]*\))?)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)


def md_to_text(md: str) -> str:
    """One field of Markdown (a line or paragraph) as deck text: emphasis, links (their text kept),
    wiki-links, images (`[image: alt]`), inline HTML tags and entities undone; math and code kept."""
    if "`](" in md:
        md = _CODE_LINK_RE.sub(lambda m: m.group(1), md)
    pieces: list[object] = []
    for opaque, seg in _segments(md):
        if opaque:
            pieces.append(_BR_RE.sub("\n", seg))
            continue
        i = 0
        while i < len(seg):
            c = seg[i]
            if c == "\\" and i + 1 < len(seg) and seg[i + 1] in ESCAPABLE:
                pieces.append(seg[i + 1])
                i += 2
            elif c in "*_":
                n, opens, closes = _emphasis_runs(seg, i)
                pieces.append(_Marker(seg[i : i + n], opens, closes))
                i += n
            elif c == "<" and (m := _BR_RE.match(seg, i)):
                pieces.append("\n")
                i = m.end()
            elif c == "<" and (m := _TAG_RE.match(seg, i)):
                pieces.append(m.group().strip("<>") if m.group().startswith(("<http", "<mailto")) else "")
                i = m.end()
            elif c == "&" and (m := _ENTITY_RE.match(seg, i)):
                pieces.append(html.unescape(m.group()))
                i = m.end()
            elif c in "[!" and (m := _WIKI_RE.match(seg, i)):
                shown = (m.group(3) or m.group(2)).strip()
                pieces.append(f"[image: {shown}]" if m.group(1) else shown)
                i = m.end()
            elif c == "[" and (m := _FOOTNOTE_REF_RE.match(seg, i)):
                i = m.end()
            elif c in "[!" and (m := _LINK_RE.match(seg, i)):
                inner = md_to_text(m.group(2)).strip()
                pieces.append((f"[image: {inner}]" if inner else "[image]") if m.group(1) else inner)
                i = m.end()
            else:
                pieces.append(c)
                i += 1
    _pair_emphasis([p for p in pieces if isinstance(p, _Marker)])
    return "".join(
        p if isinstance(p, str) else ("" if p.used else p.run) for p in pieces if isinstance(p, str | _Marker)
    )


def _pair_emphasis(markers: list[_Marker]) -> None:
    """Mark each opener/closer pair of the same run (`*`…`*`, `**`…`**`, `__`…`__`) as used."""
    stack: list[_Marker] = []
    for marker in markers:
        opener = next((o for o in reversed(stack) if o.run == marker.run), None) if marker.closes else None
        if opener is not None:
            while stack[-1] is not opener:
                stack.pop()
            stack.pop()
            opener.used = marker.used = True
        elif marker.opens:
            stack.append(marker)


def md_links(md: str) -> list[str]:
    """The URLs of the links in a field of Markdown (not of images), in order."""
    if "`](" in md:
        return [m.group(2) or "" for m in _CODE_LINK_RE.finditer(md)] + md_links(_CODE_LINK_RE.sub("", md))
    return [
        m.group(3)
        for opaque, seg in _segments(md)
        if not opaque
        for m in _LINK_RE.finditer(seg)
        if not m.group(1) and m.group(3) and (m.start() == 0 or seg[m.start() - 1] != "\\")
    ]


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
            prev = seg[i - 1] if i else ""
            if c == "\\" and nxt and (nxt in ESCAPABLE or nxt == "\n"):  # a line break becomes `<`br>
                out.append("\\\\")
            elif (
                c in "*["
                or (c == "_" and not (prev.isalnum() and nxt.isalnum()))
                or (c == "|" and cell)
                or (c == "<" and (_BR_RE.match(seg, i) or _TAG_RE.match(seg, i)))
                or (c == "&" and _ENTITY_RE.match(seg, i))
            ):
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


__all__ = ["ESCAPABLE", "clean_heading", "md_links", "md_to_text", "text_to_md"]
