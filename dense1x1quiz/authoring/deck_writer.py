"""DeckDraft → YAML text that `deck.load_deck` reads back exactly.

Our loader keeps every scalar as the text written, so the writer only has to get the YAML syntax
right: plain scalars for simple words, literal blocks for readable multi-line text, and
double-quoted scalars (with escapes for anything YAML would not keep) for everything else.
"""

from __future__ import annotations

import re

from dense1x1quiz.authoring.draft import DeckDraft, Item
from dense1x1quiz.model import DemoLink, Table

# Safe unquoted: starts with a letter or digit, no `: `, ` #`, flow or quote characters.
_PLAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/()+=-]*\Z")
# What PyYAML accepts literally in a stream, minus characters YAML treats as line breaks or BOM.
_UNSAFE_RE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back as exactly `text`."""
    return '"' + re.sub(r'[\\"]|' + _UNSAFE_RE.pattern, lambda m: _escape(m.group()), text) + '"'


def scalar(text: str, indent: int = 0, flow: bool = False) -> str:
    """`text` as the most readable YAML scalar that reads back exactly: plain, a literal block
    (multi-line text outside flow collections; `indent` is the block's indentation) or quoted."""
    if _PLAIN_RE.match(text) and not text.endswith(" ") and ": " not in text and " #" not in text:
        return text
    if not flow and _literal_ok(text):
        pad = " " * indent
        return "|-\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))
    return quoted(text)


def _literal_ok(text: str) -> bool:
    # A literal block keeps lines verbatim, but cannot start with a space or an empty line
    # (indentation is detected from the first line) and `|-` drops trailing line breaks.
    return (
        "\n" in text
        and not _UNSAFE_RE.search(text.replace("\n", ""))
        and "\t" not in text
        and not text.startswith((" ", "\n"))
        and not text.endswith("\n")
    )


def flow_list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(scalar(v, flow=True) for v in values) + "]"


def _demo(demo: DemoLink) -> str:
    if not demo.params:
        return scalar(demo.name)
    params = ", ".join(f"{k}: {scalar(str(v), flow=True)}" for k, v in demo.params)
    return f"{{name: {scalar(demo.name, flow=True)}, {params}}}"


def _item_lines(item: Item) -> list[str]:
    fields: list[tuple[str, str | None]] = [("id", scalar(item.id))]
    if item.kind == "cloze":
        fields.append(("cloze", scalar(item.cloze, 6)))
    else:
        fields.append(("front", scalar(item.front, 6)))
    if item.kind == "basic":
        fields.append(("back", scalar(item.answer, 6)))
        if item.reverse:
            fields.append(("reverse", "true"))
    if item.kind == "choice":
        fields.append(("options", flow_list(item.options)))
    if item.kind in ("typed", "choice"):
        fields.append(("answer", scalar(item.answer, 6)))
    if item.accept:
        fields.append(("accept", flow_list(item.accept)))
    if item.explain and item.kind != "basic":
        fields.append(("explain", scalar(item.explain, 6)))
    fields += _common(item.tags, item.source, item.demo)
    if item.image:
        fields.append(("image", scalar(item.image, 6)))
    return _entry(fields)


def _common(tags: tuple[str, ...], source: str, demo: DemoLink | None) -> list[tuple[str, str | None]]:
    fields: list[tuple[str, str | None]] = []
    if tags:
        fields.append(("tags", flow_list(tags)))
    if source:
        fields.append(("source", scalar(source, 6)))
    if demo:
        fields.append(("demo", _demo(demo)))
    return fields


def _table_lines(table: Table) -> list[str]:
    fields: list[tuple[str, str | None]] = [
        ("id", scalar(table.id)),
        ("title", scalar(table.title, 6)),
        ("columns", flow_list(table.columns)),
        ("rows", None),
    ]
    fields += _common(table.tags, table.source, table.demo)
    lines = _entry(fields)
    at = next(i for i, line in enumerate(lines) if line.strip() == "rows:") + 1
    lines[at:at] = [f"      - {flow_list(row)}" for row in table.rows]
    return lines


def _entry(fields: list[tuple[str, str | None]]) -> list[str]:
    lines = []
    for i, (key, value) in enumerate(fields):
        lead = "  - " if i == 0 else "    "
        lines.append(f"{lead}{key}:" + (f" {value}" if value is not None else ""))
    return lines


def write_deck(draft: DeckDraft, header: str = "") -> str:
    """The deck as YAML text; `header` becomes comment lines at the top."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"deck: {scalar(draft.id)}", f"title: {scalar(draft.title, 2)}"]
    if draft.description:
        lines.append(f"description: {scalar(draft.description, 2)}")
    if draft.tags:
        lines.append(f"tags: {flow_list(draft.tags)}")
    if draft.items or not draft.tables:
        lines.append("cards:")
        for item in draft.items:
            lines += _item_lines(item)
    if draft.tables:
        lines.append("tables:")
        for table in draft.tables:
            lines += _table_lines(table)
    return "\n".join(lines) + "\n"


__all__ = ["flow_list", "quoted", "scalar", "write_deck"]
