"""What kind of file `quiz import` was given, read from its content (not its name).

Only Markdown notes are imported today; a quiz deck, a CSV export (quiz's or Anki's), an Anki
package or any binary file would otherwise become a deck of nonsense cards. `file_kind` looks at
the first bytes and a few lines; `refuse_unless_notes` turns every other kind into a clear error.
"""

from __future__ import annotations

import re
from pathlib import Path

from dense1x1quiz.errors import QuizError

HEAD_BYTES = 64 * 1024  # enough lines to tell; the rest of a big file is not looked at

# Anki's text-import header lines (https://docs.ankiweb.net/importing/text-files.html#file-headers).
_ANKI_HEADER_RE = re.compile(r"#(separator|html|tags|columns|notetype|deck|guid column|notetype column|"
                             r"deck column|tags column|if matches):", re.IGNORECASE)
_DECK_ID_RE = re.compile(r"^deck:[ \t]*\S", re.MULTILINE)
_DECK_BODY_RE = re.compile(r"^(cards|tables):[ \t]*($|#|\[)", re.MULTILINE)
_MARKDOWN_RE = re.compile(r"\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\||```|Q\d*\s*[.:)]|\*\*)")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip file, or an empty one: .apkg and .colpkg are zips
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}  # bytes no text file holds (tab, LF, FF, CR are fine)


def file_kind(data: bytes) -> str:
    """One of "notes", "deck" (a quiz YAML deck), "quiz-csv" (a CSV `quiz export` wrote), "anki-text"
    (Anki's notes or cards in plain text), "anki-package" (a zip: .apkg, .colpkg) or "binary"."""
    head = data[:HEAD_BYTES]
    if head.startswith(_ZIP_MAGIC):
        return "anki-package"
    if b"\0" in head or sum(head.count(bytes([c])) for c in _TEXT_CONTROLS) > len(head) // 20:
        return "binary"  # a stray escape code in pasted notes is not enough
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\r\n", "\n")
    lines = [line for line in text.split("\n") if line.strip()]
    headers = [line for line in lines[:12] if _ANKI_HEADER_RE.match(line)]
    if headers:
        return "quiz-csv" if any(h.lower().startswith("#columns:") for h in headers) else "anki-text"
    if _DECK_ID_RE.search(text) and _DECK_BODY_RE.search(text):
        return "deck"
    if _tab_separated(lines[:200]):
        return "anki-text"
    return "notes"


def _tab_separated(lines: list[str]) -> bool:
    """Lines of tab-separated fields, one record each, none of them Markdown: a text export made
    without header lines (Anki before 2.1.54, or another flashcard program)."""
    if not lines or any(_MARKDOWN_RE.match(line) for line in lines):
        return False
    fields = [line.count("\t") for line in lines]
    return min(fields) >= 1 and fields.count(fields[0]) >= 0.9 * len(fields)


def refuse_unless_notes(path: Path, data: bytes) -> None:
    """Raise a QuizError saying what `path` is and what to do with it, unless it is Markdown notes."""
    kind = file_kind(data)
    if kind == "notes":
        return
    if kind == "deck":
        from dense1x1quiz.env import user_deck_dir

        raise QuizError(f"{path} is already a quiz deck; use it directly (quiz study {path}) "
                        f"or copy it into {user_deck_dir()}")
    raise QuizError({
        "quiz-csv": f"{path} is a CSV export for Anki (written by `quiz export`); import it in Anki, "
                    "or use the deck it was made from",
        "anki-text": f"{path} is an Anki text export (notes or cards as separated fields); "
                     "Anki text exports are not supported yet",
        "anki-package": f"{path} is a zip archive (an Anki package, .apkg or .colpkg); "
                        "Anki packages are not supported yet",
        "binary": f"{path} is not a text file (it holds binary data); quiz import reads Markdown notes",
    }[kind])


__all__ = ["file_kind", "refuse_unless_notes"]
