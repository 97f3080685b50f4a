"""Markdown text → blocks, on markdown-it-py (CommonMark + GFM tables, front matter, `$$` math, footnotes).

Blocks are headings, paragraphs, display math, lists, tables, code, rules, HTML and `<!-- … -->` comments,
front matter and callout titles (Obsidian `> [!NOTE]`, MkDocs `!!! note`), each with the line it starts
on (from markdown-it's line maps). Inline text is the source as written, without its container markers
(`>`, list indent); mdtext turns it into deck text. Only `quiz import` imports this module
(markdown-it costs its import time there alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

META_KEYS = ("deck", "id", "title", "description", "tags", "source", "demo", "reverse", "type")
_CALLOUT_RE = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?[ \t]*(.*)$")
# MDX (Docusaurus) module lines: `import Courses from '../_courses/Courses.md'`, `export const x = 1;`
_MDX_LINE_RE = re.compile(
    r"(?:import\s+[\w{}\s,*]+\s+from\s+['\"][^'\"]+['\"]|export\s+(?:const|default|function)\b.*);?\s*"
)
# Python-Markdown / MkDocs admonitions (`!!! note "Title"`, collapsible `??? tip`): the title line is no content
_ADMONITION_RE = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z][\w-]*(?:[ \t]+\"([^\"\n]*)\")?[ \t]*$")
_OPEN_COMMENT_RE = re.compile(r"^ {0,3}<!--", re.MULTILINE)


@dataclass
class ListItem:
    """One list entry: nesting depth (0 = top), its marker as shown (`•`, `3.`), its text, its line."""

    depth: int
    marker: str
    text: str
    line: int


@dataclass
class Block:
    """A Markdown block; `line` counts from 1. Kinds: heading, para, math, list, table, code, hr, comment,
    html, front (front matter), callout (a callout's title line). A list has `items`, a table `rows`
    (line, cells), the first row being the header."""

    kind: str
    lines: list[str]
    line: int
    level: int = 0
    items: list[ListItem] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    end: int = 0  # the line after the block (markdown-it's map end + 1)


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable("table")
    md.use(front_matter_plugin).use(dollarmath_plugin, allow_space=True, allow_digits=True)
    md.use(footnote_plugin)
    # Only the block structure is used (inline text is kept as written): skip inline parsing.
    md.disable(["normalize", "inline", "footnote_tail"], ignoreInvalid=True)  # line ends: read_text
    return md


def _close_comments(text: str) -> str:
    """`text` with each `<!--` line that is never closed blanked: CommonMark would hide every later line."""
    last_close = text.rfind("-->")
    starts = [m.start() for m in _OPEN_COMMENT_RE.finditer(text) if text.find("-->", m.start()) < 0]
    if not starts or last_close > starts[-1]:
        starts = [s for s in starts if s > last_close]
    for at in reversed(starts):
        end = text.find("\n", at)
        text = text[:at] + text[(end if end >= 0 else len(text)) :]
    return text


def split_blocks(text: str) -> list[Block]:
    """Markdown text as a list of blocks, in document order."""
    tokens = _parser().parse(_close_comments(text))
    blocks: list[Block] = []
    i, quote_depth, list_depth = 0, 0, 0
    skip_depth = 0  # inside a footnote definition: not card text
    items: list[ListItem] = []
    open_items: list[ListItem] = []
    pending_callout = False
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        line = tok.map[0] + 1 if tok.map else 0
        end = tok.map[1] + 1 if tok.map else 0
        if kind in ("footnote_reference_open", "footnote_block_open"):
            skip_depth += 1
        elif kind in ("footnote_reference_close", "footnote_block_close"):
            skip_depth -= 1
        elif skip_depth:
            pass
        elif kind == "front_matter":
            blocks.append(Block("front", tok.content.split("\n"), line, end=end))
        elif kind == "heading_open":
            blocks.append(Block("heading", [tokens[i + 1].content], line, int(tok.tag[1]), end=end))
            i += 2
        elif kind == "blockquote_open":
            quote_depth += 1
            pending_callout = True
        elif kind == "blockquote_close":
            quote_depth -= 1
            pending_callout = False
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0:
                items = []
                blocks.append(Block("list", [], line, items=items, end=end))
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            marker = f"{tok.info}{tok.markup}" if tok.info else "•"
            item = ListItem(list_depth - 1, marker, "", line)
            items.append(item)
            open_items.append(item)
        elif kind == "list_item_close":
            open_items.pop()
        elif kind == "paragraph_open":
            content = tokens[i + 1].content
            i += 2
            if pending_callout and (m := _CALLOUT_RE.match(content.split("\n", 1)[0])):
                blocks.append(Block("callout", [m.group(2).strip()], line, level=quote_depth, end=end))
                content = content.split("\n", 1)[1] if "\n" in content else ""
                line += 1
            pending_callout = False
            if not open_items and (m := _ADMONITION_RE.match(content.split("\n", 1)[0])):
                blocks.append(Block("callout", [(m.group(1) or "").strip()], line, level=quote_depth, end=end))
                content = content.split("\n", 1)[1] if "\n" in content else ""
                line += 1
            if not open_items and content.strip() and all(_MDX_LINE_RE.fullmatch(x) for x in content.split("\n")):
                pass  # MDX module lines are code, not text
            elif open_items:
                item = open_items[-1]
                item.text = f"{item.text}\n{content}" if item.text else content
            elif content.strip():
                blocks.append(Block("para", content.split("\n"), line, level=quote_depth, end=end))
        elif kind == "math_block" or kind == "math_block_label":
            math = f"$${tok.content}$$"
            if open_items:
                open_items[-1].text += "\n" + math
            else:
                blocks.append(Block("math", math.split("\n"), line, end=end))
        elif kind == "table_open":
            rows: list[tuple[int, list[str]]] = []
            j = i + 1
            while tokens[j].type != "table_close":
                if tokens[j].type == "tr_open":
                    row_map = tokens[j].map
                    row_line = row_map[0] + 1 if row_map else line
                    rows.append((row_line, []))
                elif tokens[j].type == "inline":
                    rows[-1][1].append(tokens[j].content)
                j += 1
            i = j
            if not open_items:
                blocks.append(Block("table", [], line, rows=rows, end=end))
        elif kind in ("fence", "code_block"):
            if not open_items:
                blocks.append(Block("code", tok.content.split("\n"), line, end=end))
        elif kind == "hr":
            blocks.append(Block("hr", [tok.markup], line, end=end))
        elif kind == "html_block":
            body = tok.content.rstrip("\n")
            if open_items:
                open_items[-1].text += "\n" + body
            else:
                blocks.append(
                    Block("comment" if body.lstrip().startswith("<!--") else "html", body.split("\n"), line, end=end)
                )
        i += 1
    return blocks


def list_items(block: Block) -> list[tuple[int, str]]:
    """A list block's items as (depth, Markdown text); continuation lines join their item."""
    return [(item.depth, item.text.strip()) for item in block.items]


def table_cells(line: str) -> list[str]:
    """One table row's cells as Markdown, as GFM reads them (`\\|` is a literal pipe)."""
    for count in range(line.count("|") + 1, 0, -1):  # GFM needs the delimiter row to match the header
        tokens = _parser().parse(f"{line}\n|{'-|' * count}\n")
        if tokens and tokens[0].type == "table_open":
            return [t.content for t in tokens if t.type == "inline"]
    return [line.strip()]


def parse_meta(block: Block) -> dict[str, str]:
    """`<!-- key: value … -->` as a dict of the keys the importer knows (others ignored)."""
    body = "\n".join(block.lines).strip().removeprefix("<!--").split("-->")[0]
    meta = {}
    for line in body.split("\n"):
        key, sep, value = line.strip().partition(":")
        if sep and key.strip().lower() in META_KEYS:
            meta[key.strip().lower()] = value.strip()
    return meta


__all__ = ["META_KEYS", "Block", "ListItem", "list_items", "parse_meta", "split_blocks", "table_cells"]
