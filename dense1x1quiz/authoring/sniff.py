"""What kind of file `quiz import` was given, read from its content (not its name).

Only Markdown notes are imported today; a quiz deck, a CSV export (quiz's or Anki's), an Anki
package or any binary file would otherwise become a deck of nonsense cards. `file_kind` looks at
the first bytes and a few lines; `refuse_unless_notes` turns every other kind into a clear error.
"""

from __future__ import annotations

import re
from pathlib import Path

from dense1x1quiz.deck import TOP_KEYS
from dense1x1quiz.errors import QuizError

HEAD_BYTES = 64 * 1024  # enough lines to tell; the rest of a big file is not looked at

# Anki's text-import header lines (https://docs.ankiweb.net/importing/text-files.html#file-headers).
_ANKI_HEADER_RE = re.compile(
    r"#(separator|html|tags|columns|notetype|deck|guid column|notetype column|"
    r"deck column|tags column|if matches):",
    re.IGNORECASE,
)
_DECK_ID_RE = re.compile(r"deck:[ \t]*\S")
_DECK_BODY_RE = re.compile(r"(cards|tables):[ \t]*($|#|\[)")
_TOP_KEY_RE = re.compile(rf"({'|'.join(TOP_KEYS)}):(\s|$)")  # a top-level key a deck has
_YAML_ASIDE_RE = re.compile(r"\s*#|---\s*$|%")  # a comment (a Markdown heading reads so too), `---`, a directive
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")  # a CommonMark code fence, with its info string
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
    if _is_deck(text.split("\n")):
        return "deck"
    if _tab_separated(lines[:200]):
        return "anki-text"
    return "notes"


def _is_deck(lines: list[str]) -> bool:
    """A quiz deck: its first line that is not blank, a comment or `---` is a top-level key a deck has
    (`deck:`, `title:` …), and `deck:` and `cards:` (or `tables:`) are top-level keys outside fenced code
    blocks. Markdown notes rarely start so (`Q: …` is not a deck's key), and a deck shown in notes sits in
    a fenced or an indented code block."""
    first = next((line for line in lines if line.strip() and not _YAML_ASIDE_RE.match(line)), "")
    if not _TOP_KEY_RE.match(first):
        return False
    keys = _outside_fences(lines)
    return any(_DECK_ID_RE.match(line) for line in keys) and any(_DECK_BODY_RE.match(line) for line in keys)


def _outside_fences(lines: list[str]) -> list[str]:
    """The lines not inside a fenced code block (``` or ~~~, as CommonMark has them: the closing fence
    is of the opening one's character, at least as long, with nothing after it; an unclosed one runs
    to the end). In a YAML deck no line starts so, but in a block scalar's text."""
    outside, fence = [], ""
    for line in lines:
        m = _FENCE_RE.match(line)
        if not fence:
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):  # a backtick fence's info has none
                fence = m.group(1)
            else:
                outside.append(line)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
            fence = ""
    return outside


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

        raise QuizError(
            f"{path} is already a quiz deck; use it directly (quiz study {path}) or copy it into {user_deck_dir()}"
        )
    raise QuizError(
        {
            "quiz-csv": f"{path} is a CSV export for Anki (written by `quiz export`); import it in Anki, "
            "or use the deck it was made from",
            "anki-text": f"{path} is an Anki text export (notes or cards as separated fields); "
            "Anki text exports are not supported yet",
            "anki-package": f"{path} is a zip archive (an Anki package, .apkg or .colpkg); "
            "Anki packages are not supported yet",
            "binary": f"{path} is not a text file (it holds binary data); quiz import reads Markdown notes",
        }[kind]
    )


__all__ = ["file_kind", "refuse_unless_notes"]
