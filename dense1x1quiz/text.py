"""Deck text made fit for a terminal: inline LaTeX as Unicode, control characters made visible.

Deck text is untrusted. `display()` is applied to every string a deck supplies before it is shown;
the `ui/` package then puts it on screen as plain text (never as rich markup), so `[red]`, `[link=…]` and
escape sequences appear literally.
"""

from __future__ import annotations

import re
import unicodedata

MATH_RE = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)
# Constructs unicodeit leaves alone; rewritten first so the result reads well.
_FRAC_RE = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_TEXT_RE = re.compile(r"\\(?:text|mathrm|mathit|mathbf|operatorname)\{([^{}]*)\}")
_LEFTOVER_SCRIPT_RE = re.compile(r"([_^])\{([^{}]*)\}")
_SPACING_RE = re.compile(r"\\[,;:! ]|\\q?quad\b")
# Characters kept although they are format characters: joiners inside emoji and scripts.
_KEEP_FORMAT = {"\u200c", "\u200d"}


def latex_to_unicode(math: str) -> str:
    """One LaTeX math fragment (without its `$`s) as readable Unicode: `C_{in}` → `Cᵢₙ`."""
    import unicodeit  # a maintained LaTeX→Unicode table; imported only when a deck has math

    def wrap(term: str) -> str:  # parenthesise a fraction's part unless it is one symbol
        return term if re.fullmatch(r"[\w.]+|\\?\w+(_\{?\w+\}?)?(\^\{?\w+\}?)?", term) else f"({term})"

    def frac(m: re.Match[str]) -> str:
        return f"{wrap(m.group(1))}/{wrap(m.group(2))}"

    def script(m: re.Match[str]) -> str:
        return m.group(1) + (m.group(2) if len(m.group(2)) == 1 else f"({m.group(2)})")

    text = _SPACING_RE.sub(" ", math)
    for _ in range(3):  # nested \frac, innermost first
        text = _FRAC_RE.sub(frac, text)
    text = _TEXT_RE.sub(r"\1", text)
    text = unicodeit.replace(text)  # ~1.5 ms a fragment; the deck cache keeps the results
    # Scripts with no Unicode sub/superscript form (e.g. `_{c=1}`) are written out plainly, innermost
    # first (`W_{a_{b}}` → `W_(a_b)`).
    for _ in range(3):
        text = _LEFTOVER_SCRIPT_RE.sub(script, text)
    return re.sub(r"[ \t]+", " ", text.replace("\\{", "{").replace("\\}", "}")).strip()


# Fragments already converted. The deck cache fills it from its entry (`remember_math`), so a
# cached deck's first card is shown without importing unicodeit (a tenth of the start-up).
_rendered: dict[str, str] = {}


def math_fragments(text: str) -> list[str]:
    """The LaTeX inside each `$…$` and `$$…$$` of `text`."""
    return [m.group(1) or m.group(2) for m in MATH_RE.finditer(text)] if "$" in text else []


def remember_math(renderings: dict[str, str]) -> None:
    """Take `fragment → Unicode` pairs computed earlier by `latex_to_unicode`."""
    _rendered.update(renderings)


def render_math(text: str) -> str:
    """Every `$…$` and `$$…$$` in `text` converted by `latex_to_unicode`; `\\$` stays a dollar."""
    if "$" not in text:
        return text

    def convert(m: re.Match[str]) -> str:
        fragment = m.group(1) or m.group(2)
        shown = _rendered.get(fragment)
        if shown is None:
            shown = _rendered[fragment] = latex_to_unicode(fragment)
        return shown

    return MATH_RE.sub(convert, text).replace("\\$", "$")


def visible_controls(text: str, keep: str = "\n\t") -> str:
    """Control and bidi/format characters shown as visible symbols instead of acting on the terminal.

    C0 controls become Unicode control pictures (ESC → ␛, a newline → ␊); DEL, C1 controls and format
    characters such as U+202E RIGHT-TO-LEFT OVERRIDE become `<U+202E>`. The characters in `keep`
    (newlines and tabs unless told otherwise) are kept.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if ch in keep:
            out.append(ch)
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code >= 0x7F and _hidden(ch):
            out.append(f"<U+{code:04X}>")
        else:
            out.append(ch)
    return "".join(out)


def _hidden(ch: str) -> bool:
    """Whether a character at or above U+0020 acts on a terminal or hides itself: DEL, a C1 control,
    a format, private-use or surrogate character, a line or paragraph separator."""
    code = ord(ch)
    if code < 0xA0:
        return code >= 0x7F
    return ch not in _KEEP_FORMAT and unicodedata.category(ch) in ("Cf", "Co", "Cs", "Zl", "Zp")


# Messages quote deck and user text (ids, keys, tags, file names, command-line values). Each value is
# made one line with `quoted` or `one_line` where the message is composed, and what is printed passes
# `visible_lines` (or `one_line`) on its way out, so nothing from outside the program acts on the terminal.


def one_line(text: str) -> str:
    """`text` fit for a one-line message: every control visible, line breaks and tabs too (␊, ␉)."""
    return visible_controls(text, keep="")


def clipped(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and `…` when it is longer: a value a message quotes only in
    part must read as cut, not as the whole value."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(value: object) -> str:
    """A deck or user value that names something (a key, an id, a demo) as a message quotes it:
    between backticks, on one line, controls visible."""
    return f"`{one_line(str(value))}`"


def quoted_text(value: object) -> str:
    """A deck or user value that is free text (an answer, an option, a file's words) as a message
    quotes it: on one line, controls visible, between single quotes (double quotes, as `repr` does,
    when it holds a single quote and no double one)."""
    text = one_line(str(value))
    mark = '"' if "'" in text and '"' not in text else "'"
    return f"{mark}{text}{mark}"


def visible_lines(text: str) -> str:
    """A message of one or more lines as printed: its own line breaks kept, every other control visible."""
    return visible_controls(text, keep="\n")


def json_safe(document: str) -> str:
    """JSON text written with `ensure_ascii=False`, with every character that `one_line` would make
    visible (C1 controls, bidi overrides, …) written as a `\\uXXXX` escape; other text stays as is
    (`×`, `ᵢ`). JSON already escapes C0 controls."""
    return _NON_ASCII_RE.sub(_json_escape, document)


_NON_ASCII_RE = re.compile(r"[^\x00-\x7e]")


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if not _hidden(ch):
        return ch
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # beyond the BMP, JSON writes a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def display(text: str) -> str:
    """Deck text as it should appear on screen: math rendered, controls made harmless."""
    return visible_controls(render_math(text))


__all__ = [
    "MATH_RE",
    "clipped",
    "display",
    "json_safe",
    "latex_to_unicode",
    "math_fragments",
    "one_line",
    "quoted",
    "quoted_text",
    "remember_math",
    "render_math",
    "visible_controls",
    "visible_lines",
]
