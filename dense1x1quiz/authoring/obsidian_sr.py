"""Obsidian Spaced Repetition's flashcard syntax, with its default settings
(https://github.com/st3v3nmw/obsidian-spaced-repetition, docs/docs/en/flashcards/):

- a note holds flashcards when it is tagged `#flashcards` (or `#flashcards/deck/sub`, in its text or its
  front matter); a tag line applies to the cards after it, a tag at the start of a card to that card.
  With the plugin's "folders as decks" setting a note needs no tag: a note whose text has cards in the
  plugin's syntax (`words::answer` with no space before `::`, or a line `?`/`??` inside a paragraph) is
  read as one too;
- `question::answer` (one card), `question:::answer` (a card each way);
- lines, a line `?`, lines (one card); the same with `??` (a card each way);
- `==text==` is a cloze deletion (`==text==^[hint]` with a hint, `==text==[^2]` in group 2); bold and
  `{{curly}}` clozes are off by default in the plugin, so they are not clozes here either;
- `<!--SR:!2024-01-31,3,250-->` holds the plugin's schedule (due date, interval, ease).
"""

from __future__ import annotations

import re

SR_COMMENT_RE = re.compile(r"[ \t]*<!--SR:[^\n]*?-->")
_SR_TAG_RE = re.compile(r"(?<![\w/#])#flashcards(?:/[\w/-]+)?(?![\w/-])", re.IGNORECASE)
TAG_RE = re.compile(r"#[^\s#!\"$%&'()*+,.:;<=>?@^`{|}~\[\]\\]+")
_LEADING_TAGS_RE = re.compile(r"((?:#[^\s#!\"$%&'()*+,.:;<=>?@^`{|}~\[\]\\]+\s+)+)")
_HIGHLIGHT_RE = re.compile(r"==(?=\S)(.+?)(?<=\S)==(?:\^\[([^\]\n]*)\])?(?:\[\^(\d+)\])?")


def strip_schedule(text: str) -> tuple[str, int]:
    """`text` without the plugin's `<!--SR:…-->` schedule comments (lines kept), and how many there were."""
    return SR_COMMENT_RE.subn("", text)


def uses_sr(text: str, front_tags: tuple[str, ...] = ()) -> bool:
    """Whether the note is one the plugin reads flashcards from (tagged #flashcards)."""
    return any(t.lower().split("/")[0] == "flashcards" for t in front_tags) or bool(_SR_TAG_RE.search(text))


_SEPARATOR_RE = re.compile(r"(?<!:):{2,3}(?!:)")
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`|\{\{c\d+::")


def _single_line_card(line: str) -> bool:
    """`question::answer` or `question:::answer` as the plugin writes it: no space before the colons
    (quiz's own `question :: answer` has one), and `::` not joining two names (C++'s `std::vector`)."""
    line = _CODE_SPAN_RE.sub("`…`", line)
    for m in _SEPARATOR_RE.finditer(line):
        before, after = line[: m.start()], line[m.end() :]
        if not before.strip() or not after.strip() or before[-1].isspace():
            continue
        if len(m.group()) == 2 and before[-1].isalnum() and after[0].isalnum():
            continue
        return True
    return False


def has_card_syntax(paragraphs: list[list[str]]) -> bool:
    """Whether any paragraph (its lines, as written) holds a card in the plugin's own syntax: a
    `question::answer` line or a `?`/`??` line between two lines of text."""
    for lines in paragraphs:
        for i, raw in enumerate(lines):
            if _single_line_card(raw):
                return True
            if raw.strip() in ("?", "??") and 0 < i < len(lines) - 1:
                return True
    return False


def deck_tag(tag: str) -> str:
    """A `#flashcards/deck/sub` tag as a quiz tag (`deck.sub`); bare `#flashcards` and other tags: ""."""
    parts = tag.lstrip("#").split("/")
    if parts[0].lower() != "flashcards":
        return ""
    return ".".join(p for p in parts[1:] if p)


def tag_line(line: str) -> list[str] | None:
    """The tags of a line made only of `#tags`, or None."""
    words = line.split()
    return words if words and all(TAG_RE.fullmatch(w) for w in words) else None


def leading_tags(line: str) -> tuple[list[str], str]:
    """Tags at the start of a card's first line, and the rest of the line."""
    m = _LEADING_TAGS_RE.match(line)
    return (m.group(1).split(), line[m.end() :]) if m else ([], line)


def highlight_cloze(text: str) -> str | None:
    """`text` with its `==highlights==` as cloze deletions `{{cN::text::hint}}`, or None if it has none."""
    if not _HIGHLIGHT_RE.search(text):
        return None
    counter = iter(range(1, 10_000))

    def deletion(m: re.Match[str]) -> str:
        number = m.group(3) or str(next(counter))
        hint = f"::{m.group(2)}" if m.group(2) else ""
        return f"{{{{c{number}::{m.group(1)}{hint}}}}}"

    return _HIGHLIGHT_RE.sub(deletion, text)


__all__ = [
    "SR_COMMENT_RE",
    "deck_tag",
    "has_card_syntax",
    "highlight_cloze",
    "leading_tags",
    "strip_schedule",
    "tag_line",
    "uses_sr",
]
