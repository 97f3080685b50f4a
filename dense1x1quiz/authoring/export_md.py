"""Deck → Markdown notes that `quiz import` reads back into the same cards (ids included).

Every field is one line (line breaks become `<br>`); ids, tags, sources and demo links ride in
`<!-- … -->` comments, which Markdown viewers hide.
"""

from __future__ import annotations

from dense1x1quiz.authoring.controls import neutral_controls
from dense1x1quiz.authoring.draft import DeckDraft, Item
from dense1x1quiz.authoring.mdtext import clean_heading
from dense1x1quiz.authoring.mdtext import text_to_md as _text_to_md
from dense1x1quiz.model import DemoLink, Table


def text_to_md(text: str, cell: bool = False) -> str:
    """`mdtext.text_to_md` on the text with its controls neutralised (a card that holds some is then
    reported by `roundtrip_problems`, as it does not come back the same)."""
    return _text_to_md(neutral_controls(text), cell)


def _meta_value(text: str) -> str:
    return text_to_md(text).replace("-->", "--\\>")


# Marks a file as written by `quiz export` (so a later export may replace it); `quiz import` ignores it.
EXPORT_MARK = ("written-by", "quiz export")


def _meta(pairs: list[tuple[str, str]]) -> str:
    lines = [f"{key}: {value}" for key, value in pairs if value]
    return "<!-- " + "\n".join(lines) + " -->"


def _demo(demo: DemoLink | None) -> str:
    if demo is None:
        return ""
    return " ".join([demo.name, *(f"{k}={v}" for k, v in demo.params)])


def _common(entry: Item | Table) -> list[tuple[str, str]]:
    """Fields every card and table may have (empty ones are left out of the comment)."""
    return [("tags", " ".join(entry.tags)), ("source", _meta_value(entry.source)), ("demo", _demo(entry.demo))]


def _heading(level: int, text: str) -> tuple[str, bool]:
    """A heading line for `text`, and whether the importer reads it back as exactly `text`."""
    md = text_to_md(text)
    return f"{'#' * level} {md}", clean_heading(md) == text and "\n" not in text


def _item(item: Item) -> list[str]:
    meta = [
        ("id", item.id),
        ("type", {"typed": "" if item.accept else "typed", "basic": "basic" if item.accept else ""}.get(item.kind, "")),
        ("reverse", "yes" if item.reverse else ""),
    ]  # with `Accept:` lines a card is typed, unless it says `type: basic`
    lines = [_meta(meta + _common(item))]
    if item.kind == "cloze":
        lines.append(f"Cloze: {text_to_md(item.cloze)}")
    else:
        lines.append(f"Q: {text_to_md(item.front)}")
        if item.kind == "choice":
            lines += [f"- [{'x' if o == item.answer else ' '}] {text_to_md(o)}" for o in item.options]
            lines.append("")
        else:
            lines.append(f"A: {text_to_md(item.answer)}")
        lines += [f"Accept: {text_to_md(a)}" for a in item.accept]
    if item.explain and item.kind != "basic":
        lines.append(f"Explain: {text_to_md(item.explain)}")
    return lines + [""]


def _table(table: Table) -> list[str]:
    heading, exact = _heading(3, table.title)
    meta = [("id", table.id), *_common(table), ("title", "" if exact else _meta_value(table.title))]
    lines = [heading, "", _meta(meta)]
    lines.append("| " + " | ".join(text_to_md(c, cell=True) for c in table.columns) + " |")
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    lines += ["| " + " | ".join(text_to_md(c, cell=True) for c in row) + " |" for row in table.rows]
    return lines + [""]


def deck_to_markdown(draft: DeckDraft) -> str:
    """The deck as Markdown notes."""
    heading, exact = _heading(1, draft.title)
    deck_meta = [
        ("deck", draft.id),
        ("tags", " ".join(draft.tags)),
        ("description", _meta_value(draft.description)),
        EXPORT_MARK,
    ]
    if not exact:
        deck_meta.append(("title", _meta_value(draft.title)))
    lines = [heading, "", _meta(deck_meta), ""]
    if draft.items:
        lines += ["## Cards", ""]
        for item in draft.items:
            lines += _item(item)
    if draft.tables:
        lines += ["## Tables", ""]
        for table in draft.tables:
            lines += _table(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def roundtrip_problems(draft: DeckDraft, markdown: str) -> list[str]:
    """Ids of items that would not come back unchanged from `markdown` (expected: none)."""
    from dataclasses import replace

    from dense1x1quiz.authoring.markdown_import import parse_notes

    back = parse_notes(markdown, draft.id).draft
    again = {e.id: replace(e, line=0) for e in back.entries}
    return [e.id for e in draft.entries if again.get(e.id) != replace(e, line=0)]


__all__ = ["deck_to_markdown", "roundtrip_problems"]
