"""Obsidian Spaced Repetition's flashcard syntax, with its default settings
(https://github.com/st3v3nmw/obsidian-spaced-repetition, docs/docs/en/flashcards/):

- a note holds flashcards when it is tagged `#flashcards` (or `#flashcards/deck/sub`, in its text or its
  front matter); a tag line applies to the cards after it, a tag at the start of a card to that card.
  With the plugin's "folders as decks" setting a note needs no tag: a note whose text has cards in the
  plugin's syntax (`words::answer` with no space before `::`, or a line `?`/`??` inside a paragraph) is
  read as one too;
- `question::answer` (one card), `question:::answer` (a card each way);
- lines, a line `?`, lines (one card); the same with `??` (a card each way);
- `==text==` is a cloze deletion: `==2;;text;;hint==` in group 2 with a hint (the plugin's default pattern
  `==[123;;]answer[;;hint]==`), also `==text==^[hint]` and `==text==[^2]` (the footnote pattern its
  documentation's examples use); bold and
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
# inside a highlight, the plugin's default pattern `==[123;;]answer[;;hint]==`: `==2;;answer;;hint==`
_DEFAULT_PARTS_RE = re.compile(r"(?:(\d+);;)?(.+?)(?:;;(.*))?", re.DOTALL)


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


def inline_separator(line: str) -> str:
    """`:::` or `::` when `line` is a single-line card as the plugin reads it, else "". As its parser
    does: the longer separator first, and only when its first occurrence is outside inline code."""
    for separator in (":::", "::"):
        at = line.find(separator)
        if at >= 0 and not (line[:at].count("`") % 2 and line[at + len(separator) :].count("`") % 2):
            return separator
    return ""


def read_cards(lines: list[str]) -> list[tuple[str, int, list[str]]]:
    """The flashcards in a run of lines with no blank line, as the plugin's parser (src/parser.ts) finds
    them: (separator, index of the card's first line, the card's lines). The separator is `::`/`:::`
    for a single-line card (its line alone: the lines before it are no card), `?`/`??` for a multi-line
    card (the lines since the last card, split at that line), `==` for a cloze. A line holding a
    single-line card ends the card before it, whatever it was."""
    found: list[tuple[str, int, list[str]]] = []
    text: list[str] = []
    kind, first = "", 0
    for at, line in enumerate(lines):
        text.append(line)
        if separator := inline_separator(line):
            found.append((separator, at, [line]))
            text, kind, first = [], "", at + 1
        elif line.strip() in ("?", "??") and len("\n".join(text)) > 1:  # a front before it
            kind = line.strip()
        elif not kind and _HIGHLIGHT_RE.search(line):
            kind = "=="
    if kind:
        found.append((kind, first, text))
    return found


def split_card(separator: str, lines: list[str]) -> tuple[list[str], list[str]]:
    """A card's front and back lines: at the first `::`/`:::` of a single-line card, at the first line
    that is the separator of a multi-line one."""
    if separator in ("::", ":::"):
        front, _, back = lines[0].partition(separator)
        return [front], [back]
    at = next(i for i, line in enumerate(lines) if line.strip() == separator)
    return lines[:at], lines[at + 1 :]


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
        parts = _DEFAULT_PARTS_RE.fullmatch(m.group(1))
        group, answer, inner_hint = parts.groups() if parts else (None, m.group(1), None)
        number = m.group(3) or group or str(next(counter))
        hint = m.group(2) or inner_hint
        return f"{{{{c{number}::{answer}{'::' + hint if hint else ''}}}}}"

    return _HIGHLIGHT_RE.sub(deletion, text)


__all__ = [
    "SR_COMMENT_RE",
    "deck_tag",
    "has_card_syntax",
    "highlight_cloze",
    "inline_separator",
    "leading_tags",
    "read_cards",
    "split_card",
    "strip_schedule",
    "tag_line",
    "uses_sr",
]
