"""Deck text → Anki field HTML: escaped, line breaks as <br>, `$…$` as MathJax `\\(…\\)`, controls
neutralised (`controls.neutral_controls`), cloze deletions written so that Anki reads them as quiz does."""

from __future__ import annotations

import hashlib
import html
import re

from dense1x1quiz.authoring.controls import neutral_controls
from dense1x1quiz.model import parse_cloze
from dense1x1quiz.text import MATH_RE  # the same `$…$` / `$$…$$` rule as on screen

_MATHJAX_RE = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)


def to_html(text: str) -> str:
    """Deck text as an Anki field: never interpreted as HTML, math shown by Anki's MathJax."""
    text = neutral_controls(text)
    out, at = [], 0
    for m in MATH_RE.finditer(text):
        out.append(_plain(text[at : m.start()]))
        if m.group(1) is not None:
            out.append(r"\[" + html.escape(m.group(1), quote=False) + r"\]")
        else:
            out.append(r"\(" + html.escape(m.group(2), quote=False) + r"\)")
        at = m.end()
    out.append(_plain(text[at:]))
    return "".join(out)


def _plain(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def cloze_to_html(text: str) -> str:
    """A cloze text as an Anki Cloze field, its deletions written so that Anki ends each where ours does.

    Anki ends a deletion at the first `}}` and its hidden text at the first `::`. Inside a deletion,
    such pairs are split as Anki's manual says ("Cloze Conflicts"): with a space inside math, which
    TeX ignores (`{{c1::\\(W_{a_{b} }\\)}}`), and with an empty HTML comment elsewhere (`}<!-- -->}`);
    a deletion whose text ends with `}` gets the same separator before its closing `}}`.
    """
    field = to_html(text)  # escaping adds no brace or colon, so the deletions are where they were
    math = [m.span() for m in _MATHJAX_RE.finditer(field)]
    out, at = [], 0
    for deletion in parse_cloze(field)[0]:
        out += [
            field[at : deletion.start],
            f"{{{{c{deletion.number}::",
            _separated(field, deletion.hidden_start, deletion.hidden, math, colons=True),
        ]
        if deletion.hint_start >= 0:
            out += ["::", _separated(field, deletion.hint_start, deletion.hint, math, colons=False)]
        out.append("}}")
        at = deletion.end
    return "".join(out) + field[at:]


def _separated(field: str, start: int, part: str, math: list[tuple[int, int]], colons: bool) -> str:
    """`part` (which starts at `start` in `field`) with no `}}` (nor `::` if `colons`) left in it, and
    not ending in `}`."""

    def gap(offset: int) -> str:
        at = start + offset
        return " " if any(a <= at < b for a, b in math) else "<!-- -->"

    pattern = r"\}(?=\})|\}\Z|:(?=:)" if colons else r"\}(?=\})|\}\Z"
    return re.sub(pattern, lambda m: m.group() + gap(m.start()), part)


def stable_id(*parts: str) -> int:
    """A stable 31-bit positive id for Anki models and decks, from names."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (int.from_bytes(digest[:4], "big") & 0x3FFFFFFF) + (1 << 30)


__all__ = ["cloze_to_html", "stable_id", "to_html"]
