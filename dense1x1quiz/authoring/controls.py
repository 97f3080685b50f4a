"""Control characters in deck text, neutralised the same way by every export (apkg, CSV, Markdown).

Deck text may hold any character but NUL: `quiz validate` accepts them, and the screen shows them
as symbols (`text.visible_controls`). An export must not let them act: a bare CR or CRLF becomes a
line break (`<br>` in a field), so no CSV/TSV record or Markdown line is split; the other C0
controls (0x1F is Anki's field separator, ESC starts terminal commands), DEL and the C1 controls
become what the screen shows for them (`␟`, `␛`, `<U+007F>`, `<U+0085>`), so no Anki note gets more
fields than its note type and no exported file acts on a terminal that prints it. Tab and line feed
are kept. Format characters (bidi marks, joiners) are kept: they are text to a browser or an editor.
"""

from __future__ import annotations

import re

_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and line feed are kept


def neutral_controls(text: str) -> str:
    """`text` with CRLF and CR as LF, and every other control but tab and LF made visible as on screen."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub(_visible, text)


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    return chr(0x2400 + code) if code < 0x20 else f"<U+{code:04X}>"  # as text.visible_controls shows them


__all__ = ["neutral_controls"]
