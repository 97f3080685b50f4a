"""Markdown study notes → DeckDraft.

What becomes what (the README has the user's version):
- `**Q1. question**` + `A. answer`, `Q: …` + `A: …` lines, and `question :: answer` lines → basic cards;
  `Accept:` lines make a typed card, `Explain:` adds an explanation, a `- [ ]`/`- [x]` task list under
  a question makes a choice card, `Cloze: …` (or any paragraph with `{{c1::…}}`) a cloze card;
- a Markdown table → a deck table (header row = columns, the heading above = title);
- a heading over definition text → a basic card (front: the heading, back: the text); a heading over
  a list of `term: definition` bullets → a cloze card hiding each definition;
- `<!-- id: … -->` (also tags, source, demo, reverse, type: typed, title) before an item sets its fields;
  `<!-- deck: … -->` sets the deck's id, tags, description.
Code blocks are skipped. Math, inline or display, is kept as written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from dense1x1quiz import demos
from dense1x1quiz.authoring.draft import DeckDraft, Item, make_id
from dense1x1quiz.authoring.markdown_blocks import Block, list_items, parse_meta, split_blocks, table_cells
from dense1x1quiz.authoring.mdtext import clean_heading, md_to_text
from dense1x1quiz.authoring.sniff import refuse_unless_notes
from dense1x1quiz.deck import ID_RE, _fold, row_key, slug
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import DemoLink, Table, cloze_answer, cloze_reveal, parse_cloze
from dense1x1quiz.text import clipped, quoted_text

MAX_NOTES_BYTES = 4 * 1024 * 1024

_Q_RE = re.compile(r"(?:\*\*)?Q\d*\s*[.:)](?:\*\*)?\s*(.*?)\s*$")
_A_RE = re.compile(r"(?:\*\*)?A\d*\s*[.:)](?:\*\*)?\s*(.*?)\s*$")
_LABEL_RE = re.compile(r"(?:\*\*)?(Accept|Explain|Cloze)\s*:(?:\*\*)?\s*(.*?)\s*$", re.IGNORECASE)
_TASK_RE = re.compile(r"\[([ xX])\]\s+(.*)$")
_LABEL_LINE_RE = re.compile(r"\*\*[^*\n]+\*\*:?")
_PAIR_SEP = " :: "


@dataclass
class Repair:
    line: int
    before: str
    after: str


@dataclass
class Notes:
    """What the importer made of a notes file."""

    draft: DeckDraft
    repairs: list[Repair] = field(default_factory=list)
    decoded_as: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    pinned: set[str] = field(default_factory=set)  # ids the notes set explicitly


# -- bytes → text ---------------------------------------------------------------------------------


def read_text(path: Path) -> tuple[str, str, list[Repair]]:
    """The notes' text, the encoding it was read with, and the mojibake lines repaired (by ftfy)."""
    from dense1x1quiz.userfiles import read_user_file

    # A folder, FIFO or device is refused (never opened in a way that blocks); a bigger file is not read.
    data = read_user_file(path, MAX_NOTES_BYTES, "a notes file")
    refuse_unless_notes(path, data)  # a deck, a CSV export, an Anki package: never nonsense cards
    if b"\0" in data:
        raise QuizError(f"{path} contains NUL bytes; is it a text file?")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "Windows-1252"
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    fixed, repairs = repair_mojibake(text)
    return fixed, encoding, repairs


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """`text` with mojibake (UTF-8 read as Windows-1252/1254 and the like) fixed line by line."""
    import ftfy

    lines, repairs = text.split("\n"), []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        fixed = ftfy.fix_encoding(line)
        if fixed != line:
            lines[number - 1] = fixed
            before, after = _first_difference(line, fixed)
            repairs.append(Repair(number, before, after))
    return "\n".join(lines), repairs


def _first_difference(a: str, b: str) -> tuple[str, str]:
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            return a[i1:i2], b[j1:j2]
    return a, b


# -- blocks → draft -------------------------------------------------------------------------------


@dataclass
class _Open:
    """A question being read: fields fill as their lines arrive."""

    line: int
    meta: dict[str, str]
    front: list[str] = field(default_factory=list)
    answer: list[str] | None = None
    accept: list[str] = field(default_factory=list)
    explain: list[str] | None = None
    options: list[tuple[bool, str]] = field(default_factory=list)
    cloze: list[str] | None = None
    filling: list[str] | None = None  # the field continuation lines go to


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.items: list[Item] = []
        self.tables: list[Table] = []
        self.taken: set[str] = set()
        self.pinned: set[str] = set()  # ids set by `<!-- id: … -->`
        self.warnings: list[str] = []
        self.meta: dict[str, str] = {}  # for the next item
        self.deck_meta: dict[str, str] = {}
        self.open: _Open | None = None
        self.title: str | None = None
        self.description: list[str] = []
        self.headings: list[tuple[int, str]] = []  # (level, text) below the title
        self.section_line = 0
        self.section: list[tuple[str, object]] = []  # definition parts: ("text", str) or ("list", items)
        self.section_tables = 0

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.name}:{line}: {message}")

    # -- questions and answers --

    def paragraph(self, block: Block) -> None:
        leftover: list[str] = []
        for offset, raw in enumerate(block.lines):
            line_no = block.line + offset
            if m := _Q_RE.fullmatch(raw.strip()):
                self.close()
                question = m.group(1)
                if raw.strip().startswith("**") and question.endswith("**"):  # **Q1. question**
                    question = question[:-2].rstrip()
                self.open = _Open(line_no, self.take_meta(), front=[question])
                self.open.filling = self.open.front
            elif (
                (m := _A_RE.fullmatch(raw.strip()))
                and self.open
                and self.open.answer is None
                and self.open.cloze is None
            ):
                self.open.answer = [m.group(1)]
                self.open.filling = self.open.answer
            elif m := _LABEL_RE.fullmatch(raw.strip()):
                self.label(m.group(1).lower(), m.group(2), line_no)
            elif _PAIR_SEP in raw and "{{c" not in raw:
                self.close()
                front, _, back = raw.strip().partition(_PAIR_SEP)
                self.open = _Open(line_no, self.take_meta(), front=[front], answer=[back])
                self.close()
            elif self.open and self.open.filling is not None and offset > 0:
                self.open.filling.append(raw.strip())
            else:
                self.close()
                leftover.append(raw)
        if self.open:
            self.open.filling = None  # a blank line ends a field
        if leftover:
            text = "\n".join(s.strip() for s in leftover)
            if _LABEL_LINE_RE.fullmatch(text):
                return  # a bold label such as **PyTorch** above a code block: not a definition
            if any(parse_cloze(text)):  # deletions, or a broken one to warn about
                self.close()
                self.open = _Open(block.line, self.take_meta(), cloze=[text])
            else:
                self.definition(block, ("text", md_to_text(text)))

    def label(self, label: str, value: str, line_no: int) -> None:
        if label == "cloze":
            self.close()
            self.open = _Open(line_no, self.take_meta(), cloze=[value])
            self.open.filling = self.open.cloze
        elif self.open is None:
            self.warn(line_no, f"`{label.capitalize()}:` with no question above it; ignored")
        elif label == "accept":
            self.open.accept.append(value)
            self.open.filling = None
        else:
            self.open.explain = [value]
            self.open.filling = self.open.explain

    def task_list(self, block: Block, items: list[tuple[int, str]]) -> bool:
        """Options of a multiple-choice question, if this list is a task list under an open question."""
        tasks = [_TASK_RE.match(text) for _, text in items]
        if not (self.open and self.open.answer is None and self.open.cloze is None and all(tasks)):
            return False
        self.open.options = [(t.group(1) != " ", t.group(2).strip()) for t in tasks if t]
        self.open.filling = None
        return True

    def close(self) -> None:
        """Finish the open question as an item (or drop it with a warning if it cannot be one)."""
        card, self.open = self.open, None
        if card is None:
            return
        text = lambda lines: md_to_text("\n".join(lines)).strip() if lines else ""  # noqa: E731
        explain = text(card.explain)
        if card.cloze is not None:
            self.add(self.cloze_item(text(card.cloze), explain, card.line, card.meta))
            return
        front, answer = text(card.front), text(card.answer)
        if card.options:
            options = [md_to_text(o) for _, o in card.options]
            right = [md_to_text(o) for ok, o in card.options if ok]
            folded = {_fold(o) for o in options}
            if (
                len(right) != 1
                or len(folded) != len(options)
                or len(options) < 2
                or not all(o.strip() for o in options)
            ):
                self.warn(
                    card.line,
                    "a multiple-choice question needs two or more different options "
                    "and exactly one marked [x]; skipped",
                )
                return
            self.add(
                Item(
                    "", "choice", front=front, answer=right[0], options=tuple(options), explain=explain, line=card.line
                ),
                card.meta,
            )
            return
        if not front or not answer:
            self.warn(
                card.line,
                f"question {quoted_text(clipped(front, 40))} has no answer; skipped"
                if front
                else "an answer with no question; skipped",
            )
            return
        accept = tuple(a for a in (md_to_text(a).strip() for a in card.accept) if a)
        kind = card.meta.get("type", "").lower()
        if (accept or kind == "typed") and kind != "basic":  # `type: basic`: a basic card with other right answers
            self.add(
                Item("", "typed", front=front, answer=answer, accept=accept, explain=explain, line=card.line), card.meta
            )
        else:
            back = f"{answer}\n\n{explain}" if explain else answer
            reverse = card.meta.get("reverse", "").lower() in ("yes", "true")
            self.add(
                Item("", "basic", front=front, answer=back, reverse=reverse, accept=accept, line=card.line), card.meta
            )

    def cloze_item(self, text: str, explain: str, line: int, meta: dict[str, str]) -> Item | None:
        deletions, problems = parse_cloze(text)
        if problems:
            self.warn(line, f"{problems[0].message}; skipped")
            return None
        if not deletions or any(not d.hidden.strip() for d in deletions):
            self.warn(line, "a cloze needs at least one non-empty deletion like {{c1::text}}; skipped")
            return None
        self.meta = meta
        return Item("", "cloze", cloze=text, explain=explain, line=line)

    def take_meta(self) -> dict[str, str]:
        meta, self.meta = self.meta, {}
        return meta

    def add(self, item: Item | None, meta: dict[str, str] | None = None, hint: str = "") -> None:
        """Give the item its id (from metadata, else a slug of `hint` or its text), tags, source and demo."""
        if item is None:
            return
        meta = meta if meta is not None else self.take_meta()
        hint = hint or item.front or item.cloze
        item_id = self.item_id(meta.get("id", ""), hint, item.line)
        tags = self.tags(meta.get("tags", ""), item.line)
        demo = self.demo(meta.get("demo", ""), item.line)
        source = md_to_text(meta.get("source", "")).strip()
        self.items.append(Item(**{**item.__dict__, "id": item_id, "tags": tags, "demo": demo, "source": source}))

    def item_id(self, wanted: str, text: str, line: int) -> str:
        if wanted and ID_RE.match(wanted) and wanted not in self.taken:
            self.taken.add(wanted)
            self.pinned.add(wanted)
            return wanted
        if wanted:
            self.warn(
                line,
                f"id {quoted_text(wanted)} is {'taken' if wanted in self.taken else 'not a valid id'}; made a new one",
            )
        return make_id(cloze_reveal(text), self.taken)

    def tags(self, value: str, line: int) -> tuple[str, ...]:
        tags = []
        for tag in value.replace(",", " ").split():
            tag = tag.lstrip("#")
            fixed = tag if ID_RE.match(tag) else slug(tag)
            if fixed != tag:
                self.warn(
                    line, f"tag {quoted_text(tag)} is not one word; " + (f"used {fixed!r}" if fixed else "dropped")
                )
            if fixed:
                tags.append(fixed)
        return tuple(dict.fromkeys(tags))

    def demo(self, value: str, line: int) -> DemoLink | None:
        if not value:
            return None
        name, *args = value.split()
        params = dict(a.partition("=")[::2] for a in args)
        problems = [f"unknown demo {quoted_text(name)}"] if name not in demos.DEMOS else []
        problems += demos.check_params(params, name)
        if problems:
            self.warn(line, f"demo link dropped: {'; '.join(problems)}")
            return None
        return DemoLink(name, tuple((k, v.lower() if k == "layout" else int(v)) for k, v in params.items()))

    # -- sections --

    def heading(self, block: Block) -> None:
        self.close()
        self.flush_section()
        text = clean_heading(block.lines[0])
        if self.title is None:
            self.title = text or None
            return
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        if text:
            self.headings.append((block.level, text))
        self.section_line, self.section_tables = block.line, 0

    def definition(self, block: Block, part: tuple[str, object]) -> None:
        if not self.headings:
            if self.title is not None and not self.items and not self.tables and part[0] == "text":
                self.description.append(str(part[1]))
            else:
                self.warn(block.line, "text with no heading above it; skipped")
            return
        self.section.append(part)

    def flush_section(self) -> None:
        """The definition text under the current heading becomes a card."""
        parts, self.section = self.section, []
        if not parts or not self.headings:
            return
        name = self.headings[-1][1]
        front = name if name.endswith("?") or len(self.headings) < 2 else f"{self.headings[-2][1]} — {name}"
        hint = name if front == name else f"{name} {self.headings[-2][1]}"  # specific part first: ids are cut
        if len(parts) == 1 and parts[0][0] == "list":
            cloze = self.term_cloze(front, parts[0][1])  # type: ignore[arg-type]
            if cloze:
                self.add(Item("", "cloze", cloze=cloze, line=self.section_line), hint=hint)
                return
        back = "\n\n".join(str(p) if kind == "text" else self.bullets(p) for kind, p in parts)  # type: ignore[arg-type]
        if not back.strip():  # only markup (a stray `**`): a card with an empty back would not validate
            self.warn(self.section_line, f"question {quoted_text(clipped(front, 40))} has no answer; skipped")
            return
        self.add(Item("", "basic", front=front, answer=back, line=self.section_line), hint=hint)

    @staticmethod
    def bullets(items: list[tuple[int, str]]) -> str:
        return "\n".join("  " * depth + "• " + md_to_text(text) for depth, text in items)

    @staticmethod
    def term_cloze(front: str, items: list[tuple[int, str]]) -> str | None:
        """`term: definition` bullets as a cloze hiding each definition, or None if the list is not like that."""
        pairs = [md_to_text(text).partition(": ") for _, text in items]
        if (
            len(items) < 2
            or any(d for d, _ in items)
            or any(not sep or not t.strip() or not d.strip() for t, sep, d in pairs)
        ):
            return None
        lines = [f"• {t}: {{{{c{n}::{d}}}}}" for n, (t, _, d) in enumerate(pairs, 1)]
        text = front + "\n" + "\n".join(lines)
        ok = all(cloze_answer(text, n) == d for n, (_, _, d) in enumerate(pairs, 1))
        return text if ok and len(parse_cloze(text)[0]) == len(pairs) else None

    def list_block(self, block: Block) -> None:
        items = list_items(block)
        if self.task_list(block, items):
            return
        self.close()
        plain = []
        for depth, text in items:
            if _PAIR_SEP in text and "{{c" not in text and depth == 0:
                front, _, back = text.partition(_PAIR_SEP)
                self.open = _Open(block.line, self.take_meta(), front=[front], answer=[back])
                self.close()
            else:
                plain.append((depth, text))
        if plain:
            self.definition(block, ("list", plain))

    # -- tables --

    def table(self, block: Block) -> None:
        self.close()
        meta = self.take_meta()
        header = table_cells(block.lines[0])
        columns: list[str] = []
        for i, cell in enumerate(header, 1):
            name = md_to_text(cell).strip() or f"Column {i}"
            while _fold(name) in {_fold(c) for c in columns} or slug(name) in {slug(c) for c in columns if slug(c)}:
                name = f"{name} ({i})"
            columns.append(name)
        if len(columns) < 2:
            self.warn(block.line, "a table needs at least two columns; skipped")
            return
        rows: list[tuple[str, ...]] = []
        keys: set[str] = set()
        for offset, line in enumerate(block.lines[2:], 2):
            cells = [md_to_text(c).strip() or "—" for c in table_cells(line)]
            if len(cells) > len(columns):
                self.warn(
                    block.line + offset, f"row has {len(cells)} cells, the table {len(columns)}; extra cells dropped"
                )
            cells = (cells + ["—"] * len(columns))[: len(columns)]
            key = row_key(cells[0], len(rows))
            if key in keys:
                self.warn(block.line + offset, f"row {quoted_text(cells[0])} repeats an earlier row's name; skipped")
                continue
            keys.add(key)
            rows.append(tuple(cells))
        if not rows:
            self.warn(block.line, "a table with no rows; skipped")
            return
        self.section_tables += 1
        title = (
            md_to_text(meta.get("title", "")).strip()
            or (self.headings[-1][1] if self.headings else "")
            or f"Table {len(self.tables) + 1}"
        )
        if self.section_tables > 1 and "title" not in meta:
            title = f"{title} ({self.section_tables})"
        table_id = self.item_id(meta.get("id", ""), title, block.line)
        self.tables.append(
            Table(
                table_id,
                title,
                tuple(columns),
                tuple(rows),
                self.tags(meta.get("tags", ""), block.line),
                md_to_text(meta.get("source", "")).strip(),
                self.demo(meta.get("demo", ""), block.line),
                block.line,
            )
        )

    # -- the whole file --

    def build(self, blocks: list[Block], deck_id: str) -> DeckDraft:
        for block in blocks:
            if block.kind == "heading":
                self.heading(block)
            elif block.kind == "comment":
                meta = parse_meta(block)
                if "deck" in meta:
                    self.deck_meta = meta
                elif meta:
                    self.close()
                    self.meta = meta
            elif block.kind == "para":
                self.paragraph(block)
            elif block.kind == "math":
                self.close()
                self.definition(block, ("text", "\n".join(block.lines)))
            elif block.kind == "list":
                self.list_block(block)
            elif block.kind == "table":
                self.table(block)
            elif block.kind == "hr":
                self.close()
            elif block.kind == "code":
                self.close()
                self.warn(block.line, "code block skipped (cards hold no code)")
        self.close()
        self.flush_section()
        meta = self.deck_meta
        deck = meta.get("deck", "")
        if deck and not ID_RE.match(deck):
            self.warn(1, f"deck id {quoted_text(deck)} is not a valid id; ignored")
            deck = ""
        title = md_to_text(meta.get("title", "")).strip() or self.title or deck_id
        description = md_to_text(meta.get("description", "")).strip() or "\n\n".join(self.description).strip()
        return DeckDraft(
            deck or deck_id,
            title,
            description,
            self.tags(meta.get("tags", ""), 1),
            tuple(self.items),
            tuple(self.tables),
        )


def parse_notes(text: str, deck_id: str, name: str = "notes") -> Notes:
    """Markdown text → Notes (draft and warnings naming `name:line`). `deck_id` is used unless the notes
    set one with `<!-- deck: … -->`."""
    builder = _Builder(name)
    draft = builder.build(split_blocks(text), deck_id)
    return Notes(draft, warnings=builder.warnings, pinned=builder.pinned)


def import_notes(path: Path, deck_id: str) -> Notes:
    """Read and convert a notes file (mojibake repaired)."""
    text, encoding, repairs = read_text(path)
    notes = parse_notes(text, deck_id, str(path))
    notes.repairs, notes.decoded_as = repairs, encoding
    return notes


__all__ = ["Notes", "Repair", "import_notes", "parse_notes", "read_text", "repair_mojibake"]
