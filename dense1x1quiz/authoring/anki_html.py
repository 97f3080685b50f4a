"""Deck text → Anki field HTML: escaped, line breaks as <br>, `$…$` as MathJax `\\(…\\)`, controls
neutralised (`controls.neutral_controls`), cloze deletions written so that Anki reads them as quiz does.
And back (`from_html`, for `quiz import` of Anki notes): field HTML → deck text."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

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


@dataclass
class FieldText:
    """A field as deck text, with what it referred to that text cannot hold."""

    text: str
    images: list[str] = field(default_factory=list)  # `<img src>` values, in order
    sounds: list[str] = field(default_factory=list)  # `[sound:…]` file names (dropped from the text)


# Tags after which (or before which) the text goes on on a new line, as a browser shows it.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tr ul".split()
)
_HIDDEN_TAGS = frozenset(("script", "style", "head", "title", "template"))
_BOUNDARY = "\x00"  # where a block starts or ends: a line break unless the text is at a line's start already
_SOUND_RE = re.compile(r"\[sound:([^\]]*)\]")
_DOLLAR_RE = re.compile(r"(?<!\\)\$")  # a dollar sign our `$…$` math would take for a delimiter
# A run of HTML's white space that is not already one space (what becomes one space): a lone space, the
# commonest run, is left alone rather than replaced by itself.
_SPACES_RE = re.compile(r"[\t\r\n\f][ \t\r\n\f]*| [ \t\r\n\f]+")
_BOUNDARIES_RE = re.compile(" *\x00[\x00 ]*")
_LINE_START_BOUNDARY_RE = re.compile("(^|\n)\x00")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


class _FieldHandler:
    """What a field's tags and text become (the handlers `_FieldParser` gets from `HTMLParser`, and
    `_simple_parts` calls itself)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.images: list[str] = []
        self.hidden = 0  # inside <script>, <style> …: text not shown
        self.lists: list[int] = []  # open <ul> (-1) and <ol> (items so far)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append(_BOUNDARY)
            if tag in ("ul", "ol"):
                self.lists.append(-1 if tag == "ul" else 0)
            elif tag == "li":
                if self.lists and self.lists[-1] >= 0:
                    self.lists[-1] += 1
                self.parts.append(f"{self.lists[-1]}. " if self.lists and self.lists[-1] > 0 else "- ")
        elif tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.images.append(src)
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_BOUNDARY)
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(_SPACES_RE.sub(" ", data.replace(_BOUNDARY, "")))  # white space: one space


class _FieldParser(_FieldHandler, HTMLParser):
    def __init__(self) -> None:
        _FieldHandler.__init__(self)
        HTMLParser.__init__(self, convert_charrefs=True)


# Tags without attributes that `_simple_parts` reads itself, as `HTMLParser` would: no hidden (raw text)
# elements, no <img> (attributes), lower case only.
_SIMPLE_TAGS = _BLOCK_TAGS | frozenset("br b i u s em strong sub sup span small code mark td th tbody thead".split())
_TAG_RE = re.compile(r"<(/?)([a-z][a-z0-9]*)( ?/)?>")


def _simple_parts(field_html: str) -> _FieldHandler | None:
    """The handler after reading `field_html`, if its markup is only tags of `_SIMPLE_TAGS` without
    attributes (`<b>`, `</b>`, `<br/>`, `<br />`) and no character references; else None (the parser's
    job). The same handler calls, in the same order, as `HTMLParser` makes (tests/test_anki_import.py)."""
    if "&" in field_html:
        return None
    handler, at = _FieldHandler(), 0
    for m in _TAG_RE.finditer(field_html):
        closing, tag, empty = m.groups()
        if tag not in _SIMPLE_TAGS or (closing and empty):
            return None
        if m.start() > at:
            data = field_html[at : m.start()]
            if "<" in data:
                return None
            handler.handle_data(data)
        if closing:
            handler.handle_endtag(tag)
        elif empty:
            handler.handle_startendtag(tag, [])
        else:
            handler.handle_starttag(tag, [])
        at = m.end()
    if at < len(field_html):
        data = field_html[at:]
        if "<" in data:
            return None
        handler.handle_data(data)
    return handler


def _lines(parts: list[str]) -> str:
    """The parsed parts joined, each run of block boundaries a line break unless at a line's start."""
    text = "".join(parts)
    if _BOUNDARY not in text:  # no block tag: nothing to do (the patterns below all need one)
        return text
    text = _BOUNDARIES_RE.sub(_BOUNDARY, text)
    return _LINE_START_BOUNDARY_RE.sub(r"\1", text).replace(_BOUNDARY, "\n")


def _math(text: str) -> str:
    """MathJax delimiters as ours: `\\(…\\)` → `$…$`, `\\[…\\]` → `$$…$$`; a dollar sign outside them → `\\$`."""
    if "\\" not in text and "$" not in text:  # no delimiter and no dollar sign: nothing to change
        return text
    out, at = [], 0
    for m in _MATHJAX_RE.finditer(text):
        out.append(_DOLLAR_RE.sub(r"\\$", text[at : m.start()]))
        inner = m.group()[2:-2].strip()
        out.append(f"$${inner}$$" if m.group().startswith("\\[") else f"${inner}$")
        at = m.end()
    out.append(_DOLLAR_RE.sub(r"\\$", text[at:]))
    return "".join(out)


def from_html(field_html: str, html_field: bool = True) -> FieldText:
    """An Anki field as deck text: `<br>` and block tags (`<div>`, `<p>`, `<li>` …) → line breaks, entities
    decoded (`&nbsp;` → space), other tags dropped with their text kept, `<img src>` collected, `[sound:…]`
    dropped (and collected), MathJax `\\(…\\)` / `\\[…\\]` → `$…$` / `$$…$$`, blank lines and spaces at the
    ends of lines trimmed. `html_field=False`: the field is plain text (Anki's `#html:false`)."""
    if html_field and "<" not in field_html and "&" not in field_html:  # no markup: what the parser would give
        text, images = _SPACES_RE.sub(" ", field_html.replace(_BOUNDARY, "")), []
    elif html_field:
        handler = _simple_parts(field_html)
        if handler is None:
            parser = handler = _FieldParser()
            parser.feed(field_html)
            parser.close()
        text, images = _lines(handler.parts), handler.images
    else:
        text, images = field_html.replace("\r\n", "\n"), []
    sounds = _SOUND_RE.findall(text)
    if sounds:
        text = _SOUND_RE.sub("", text)
        if html_field:
            text = re.sub("  +", " ", text)  # the spaces around a sound that was dropped (HTML shows one anyway)
    text = _math(text.replace("\xa0", " "))
    text = "\n".join([line.strip() for line in text.split("\n")]) if "\n" in text else text.strip()
    if "\n\n\n" in text:
        text = _BLANK_LINES_RE.sub("\n\n", text)
    text = text.strip("\n")
    return FieldText(text, images, sounds)


def stable_id(*parts: str) -> int:
    """A stable 31-bit positive id for Anki models and decks, from names."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (int.from_bytes(digest[:4], "big") & 0x3FFFFFFF) + (1 << 30)


__all__ = ["FieldText", "cloze_to_html", "from_html", "stable_id", "to_html"]
