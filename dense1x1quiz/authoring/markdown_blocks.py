"""Markdown text → blocks: a small subset of CommonMark plus GFM tables, enough for study notes.

Blocks are headings, paragraphs, display math, lists, tables, code, rules and `<!-- … -->` comments;
inline text inside them is left as written (mdtext turns it into deck text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING_RE = re.compile(r" {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_FENCE_RE = re.compile(r" {0,3}(```+|~~~+)")
_HR_RE = re.compile(r" {0,3}([-*_])(?:\s*\1){2,}\s*$")
LIST_RE = re.compile(r"(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_TABLE_SEP_RE = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
META_KEYS = ("deck", "id", "title", "description", "tags", "source", "demo", "reverse", "type")


@dataclass
class Block:
    """A Markdown block: heading, para, math, list, table, code, hr or comment; `line` counts from 1."""

    kind: str
    lines: list[str]
    line: int
    level: int = 0


def split_blocks(text: str) -> list[Block]:
    """Markdown text as a list of blocks (a small subset of CommonMark + GFM tables)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0

    def take_until(start: int, end_test) -> int:
        j = start
        while j < len(lines) and not end_test(lines[j]):
            j += 1
        return j

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif m := _FENCE_RE.match(line):
            fence = m.group(1)
            j = take_until(i + 1, lambda s, f=fence: s.strip().startswith(f))
            blocks.append(Block("code", lines[i : j + 1], i + 1))
            i = j + 1
        elif stripped.startswith("<!--"):
            j = take_until(i, lambda s: "-->" in s)
            j = i if j == len(lines) else j  # never closed: one line, not the rest of the notes
            blocks.append(Block("comment", lines[i : j + 1], i + 1))
            i = j + 1
        elif m := _HEADING_RE.match(line):
            blocks.append(Block("heading", [m.group(2)], i + 1, len(m.group(1))))
            i += 1
        elif _HR_RE.match(line):
            blocks.append(Block("hr", [line], i + 1))
            i += 1
        elif stripped.startswith("$$") and not (len(stripped) > 4 and stripped.endswith("$$")):
            j = take_until(i + 1, lambda s: s.strip().endswith("$$"))
            blocks.append(Block("math", [s.strip() for s in lines[i : j + 1]], i + 1))
            i = j + 1
        elif (
            stripped.startswith("|")
            and i + 1 < len(lines)
            and _TABLE_SEP_RE.match(lines[i + 1])
            and "-" in lines[i + 1]
        ):
            j = take_until(i + 2, lambda s: not s.strip().startswith("|"))
            blocks.append(Block("table", lines[i:j], i + 1))
            i = j
        elif LIST_RE.match(line):
            j = i + 1
            while j < len(lines):
                if lines[j].strip() and (LIST_RE.match(lines[j]) or lines[j].startswith((" ", "\t"))):
                    j += 1
                elif not lines[j].strip() and j + 1 < len(lines) and LIST_RE.match(lines[j + 1]):
                    j += 1
                else:
                    break
            blocks.append(Block("list", [s for s in lines[i:j] if s.strip()], i + 1))
            i = j
        else:
            j = i + 1
            while j < len(lines) and lines[j].strip() and not _interrupts(lines, j):
                j += 1
            blocks.append(Block("para", lines[i:j], i + 1))
            i = j
    return blocks


def _interrupts(lines: list[str], j: int) -> bool:
    line = lines[j]
    return bool(
        _HEADING_RE.match(line)
        or _FENCE_RE.match(line)
        or _HR_RE.match(line)
        or LIST_RE.match(line)
        or line.strip().startswith(("<!--", "$$"))
        or (line.strip().startswith("|") and j + 1 < len(lines) and _TABLE_SEP_RE.match(lines[j + 1]))
    )


def list_items(block: Block) -> list[tuple[int, str]]:
    """A list block's items as (depth, Markdown text); continuation lines join their item."""
    items: list[tuple[int, str]] = []
    for line in block.lines:
        m = LIST_RE.match(line)
        if m:
            items.append((len(m.group(1).expandtabs(4)) // 2, m.group(2).strip()))
        elif items:
            depth, text = items[-1]
            items[-1] = (depth, text + "\n" + line.strip())
    return items


def table_cells(line: str) -> list[str]:
    """One table row's cells as Markdown (`\\|` is a literal pipe)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def parse_meta(block: Block) -> dict[str, str]:
    """`<!-- key: value … -->` as a dict of the keys the importer knows (others ignored)."""
    body = "\n".join(block.lines).strip().removeprefix("<!--").split("-->")[0]
    meta = {}
    for line in body.split("\n"):
        key, sep, value = line.strip().partition(":")
        if sep and key.strip().lower() in META_KEYS:
            meta[key.strip().lower()] = value.strip()
    return meta


__all__ = ["LIST_RE", "META_KEYS", "Block", "list_items", "parse_meta", "split_blocks", "table_cells"]
