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

import re
from dataclasses import dataclass, field
from pathlib import Path

from dense1x1quiz import demos
from dense1x1quiz.authoring import obsidian_sr as sr
from dense1x1quiz.authoring.draft import DeckDraft, Item, make_id
from dense1x1quiz.authoring.markdown_blocks import Block, ListItem, parse_meta, split_blocks
from dense1x1quiz.authoring.mdtext import _is_emoji, clean_heading, md_links, md_to_text
from dense1x1quiz.authoring.mojibake import Repair, repair_mojibake
from dense1x1quiz.authoring.sniff import refuse_unless_notes
from dense1x1quiz.deck import ID_RE, _fold, row_key, slug
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import DemoLink, Table, cloze_answer, cloze_reveal, parse_cloze
from dense1x1quiz.text import clipped, quoted_text

MAX_NOTES_BYTES = 4 * 1024 * 1024
ESSAY_WORDS = 150  # a heading's section longer than this is an essay or a lecture, not a definition to recall

_Q_RE = re.compile(r"(?:\*\*)?(?:Q|Question)\s*\d*\s*[.:)](?:\*\*)?\s*(.*?)\s*$", re.IGNORECASE)
_A_RE = re.compile(r"(?:\*\*)?A\d*\s*[.:)](?:\*\*)?\s*(.*?)\s*$")
_LABEL_RE = re.compile(r"(?:\*\*)?(Accept|Explain|Cloze)\s*:(?:\*\*)?\s*(.*?)\s*$", re.IGNORECASE)
_TASK_RE = re.compile(r"\[([ xX])\]\s+(.*)$")
_LABEL_LINE_RE = re.compile(r"\*\*[^*\n]+\*\*:?")
_PAIR_SEP = " :: "
_BR_END_RE = re.compile(r"\s*(?:<br\s*/?>\s*)+$", re.IGNORECASE)
_LABEL_HEADING_RE = re.compile(r"(?:MCQ|Question|Q|Problem|Exercise|Quiz)\s*(?:No\.?\s*)?#?\s*\d+[.:)]?", re.IGNORECASE)
_OPTION_RE = re.compile(r"\(?([A-Ha-h])[.)]\s+(.+)$")
_CORRECT_RE = re.compile(
    r"(?:\*\*)?(?:correct\s+answer|correct\s+option|answer|ans)(?:\*\*)?\s*[:：-]\s*(?:\*\*)?(.*?)(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_SUMMARY_RE = re.compile(r"<summary>(.*?)</summary>(.*)", re.IGNORECASE | re.DOTALL)
_ANSWER_SUMMARY_RE = re.compile(r"(?:show |see |reveal )?(?:the )?(?:answer|solution)s?:?", re.IGNORECASE)
_BOLD_WHOLE_RE = re.compile(r"\*\*[^*]+\*\*")
_MARKUP_ONLY_RE = re.compile(r"[\s*_~=-]*")


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
    awaiting: bool = False  # the question is complete: the next paragraph or list is its answer
    details: bool = False  # a `<details>` block: everything up to `</details>` is the answer
    until_break: bool = False  # a bold question: its answer runs to a `<br>`, rule or next question
    reverse: bool = False
    tags: list[str] = field(default_factory=list)


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
        self.title_block: Block | None = None  # the lone top heading: the deck's title
        self.in_title_section = False
        self.label_heading: tuple[int, str] | None = None  # a label heading (`### MCQ 1`): (line, text)
        self.label_blocks: list[Block] = []
        self.sr = False  # an Obsidian Spaced Repetition note: only its flashcards are cards
        self.sr_tags: list[str] = []  # its tags in force for the next cards
        self.output_depth = 0  # the quote depth of a code output callout being skipped (0: none)
        self.sr_until = 0  # the line an open SR card's paragraph ends before (0: no card goes on)
        self.sr_raw: list[str] = []  # an open SR cloze's text as written, to add a block below it
        self.deck_tags: list[str] = []  # from front matter
        self.front_title = ""
        self.last_end = 0  # the line after the last block read
        self.answer_open_to_more = False  # the open question's answer may go on in a list or table
        self.section_links: list[str] = []  # URLs of the links in the section's text: its card's source
        self.heading_asked = False  # the section's heading was a multiple-choice question
        self.label_under: str | None = None  # the title a top-level bold label (`**How it works**`) is under

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.name}:{line}: {message}")

    # -- questions and answers --

    def paragraph(self, block: Block) -> None:
        lines = [_BR_END_RE.sub("", raw) for raw in block.lines]
        if self.sr:
            self.sr_paragraph(block, lines)
            return
        tags = [tag for raw in lines for tag in sr.tag_line(raw.strip()) or []]
        lines = [raw for raw in lines if not sr.tag_line(raw.strip())]  # Obsidian tags: not content
        self.deck_tags.extend(tags)
        if not lines:
            return
        if (
            self.open
            and (self.open.awaiting or self.open.details or (self.open.until_break and self.open.answer))
            and not self.starts_item(lines[0])
            and not _bold_question(lines[0])
        ):
            target = self.open.answer if self.open.answer is not None else []
            target.extend(([""] if target else []) + [raw.strip() for raw in lines])
            self.open.answer, self.open.awaiting = target, False
            self.answer_open_to_more = not self.open.details
            return
        self.answer_open_to_more = False
        if len(lines) == 1 and (question := _bold_question(lines[0])):
            self.close()  # a paragraph that is one bold question: the paragraphs below answer it
            self.open = _Open(block.line, self.take_meta(), front=[question], awaiting=True, until_break=True)
            return
        leftover: list[str] = []
        for offset, raw in enumerate(lines):
            line_no = block.line + offset
            stripped = raw.strip()
            if m := _Q_RE.fullmatch(stripped):
                self.close()
                question = m.group(1)
                bold = stripped.startswith("**") and question.endswith("**")
                if bold:  # **Q1. question**
                    question = question[:-2].rstrip()
                self.open = _Open(line_no, self.take_meta(), front=[question])
                self.open.filling = self.open.front
                self.open.awaiting = bold or question.endswith("?")
            elif (
                (m := _A_RE.fullmatch(stripped)) and self.open and self.open.answer is None and self.open.cloze is None
            ):
                self.open.answer = [m.group(1)]
                self.open.filling = self.open.answer
                self.open.awaiting = False
            elif m := _LABEL_RE.fullmatch(stripped):
                self.label(m.group(1).lower(), m.group(2), line_no)
            elif _PAIR_SEP in raw and "{{c" not in raw:
                self.close()
                front, _, back = stripped.partition(_PAIR_SEP)
                self.open = _Open(line_no, self.take_meta(), front=[front], answer=[back])
                self.close()
            elif self.open and self.open.awaiting and self.open.answer is None and offset > 0:
                self.open.answer = [stripped]  # `**Q. question**` with its answer on the next line
                self.open.filling, self.open.awaiting = self.open.answer, False
            elif self.open and self.open.filling is not None and offset > 0:
                self.open.filling.append(stripped)
            else:
                self.close()
                leftover.append(raw)
        if self.open:
            self.open.filling = None  # a blank line ends a field
            self.answer_open_to_more = self.open.answer is not None and not self.open.options
        if leftover:
            text = "\n".join(s.strip() for s in leftover)
            if _LABEL_LINE_RE.fullmatch(text):
                return  # a bold label such as **PyTorch** above a code block: not a definition
            if any(parse_cloze(text)):  # deletions, or a broken one to warn about
                self.close()
                self.open = _Open(block.line, self.take_meta(), cloze=[text])
            else:
                self.section_links.extend(md_links(text))
                self.definition(block, ("text", md_to_text(text)))

    @staticmethod
    def starts_item(line: str) -> bool:
        """Whether a line starts a card of its own (so it is not the answer of the question before)."""
        stripped = line.strip()
        return bool(_Q_RE.fullmatch(stripped) or _LABEL_RE.fullmatch(stripped) or _PAIR_SEP in line)

    # -- Obsidian Spaced Repetition --

    def sr_paragraph(self, block: Block, lines: list[str]) -> None:
        """A paragraph of an Obsidian SR note: tag lines, `::`/`:::` lines, `?`/`??` cards, `==clozes==`,
        found as the plugin's parser finds them (obsidian_sr.read_cards). The last card stays open for a
        list, table, code or math block right below it (no blank line between: the plugin's card goes
        on); `sr_next` ends it otherwise."""
        self.close()
        body: list[tuple[int, str, list[str]]] = []  # (line, text, the tags it starts with)
        for offset, raw in enumerate(lines):
            stripped = raw.strip()
            if (tags := sr.tag_line(stripped)) is not None:
                self.sr_tags = [t for t in tags if sr.uses_sr("", (t.lstrip("#"),))] or self.sr_tags
                continue
            card_tags, stripped = sr.leading_tags(stripped)
            body.append((block.line + offset, stripped, card_tags))
        found = sr.read_cards([text for _, text, _ in body])
        for n, (separator, first, card) in enumerate(found):
            line_no, _, card_tags = body[first]
            tags = card_tags or self.sr_tags
            if separator == "==":
                self.sr_raw = card
                self.open = _Open(
                    line_no, self.take_meta(), cloze=[sr.highlight_cloze("\n".join(card)) or ""], tags=tags
                )
            else:
                front, back = sr.split_card(separator, card)
                self.open = _Open(line_no, self.take_meta(), front=front, answer=back or None, tags=tags)
                self.open.reverse = separator in (":::", "??")
            if separator in ("?", "??", "==") and n == len(found) - 1:
                self.sr_until = block.end  # the card may go on in the block right below
            else:
                self.sr_close()

    def sr_next(self, block: Block) -> bool:
        """A block right below an open card's paragraph: a list, table, code or math block goes on its
        back (or its cloze text), as the plugin reads every line up to a blank one. Anything else, or a
        blank line between, ends the card. True when `block` was taken."""
        until, self.sr_until = self.sr_until, 0
        card = self.open
        if card is None or not until:
            return False
        if block.line != until or block.kind not in ("list", "table", "code", "math"):
            self.sr_close()
            return False
        if block.kind == "list":
            text = self.bullets(block.items)
        elif block.kind == "table":
            text = "\n".join(" | ".join(cell.strip() for cell in cells) for _, cells in block.rows)
        else:
            text = "\n".join(block.lines).strip("\n")
        if card.cloze is not None:
            self.sr_raw.append(text)
            card.cloze = [sr.highlight_cloze("\n".join(self.sr_raw)) or ""]
        else:
            card.answer = [*(card.answer or []), text]
        self.sr_close()
        return True

    def sr_close(self) -> None:
        """End an Obsidian SR card: one with nothing after its `?` line is what the plugin shows with an
        empty back, nothing to study."""
        card, self.sr_until, self.sr_raw = self.open, 0, []
        if card is not None and card.cloze is None and not card.answer and card.front:
            self.open = None
            name = quoted_text(clipped(md_to_text("\n".join(card.front)).strip(), 40))
            self.warn(card.line, f"card {name} has nothing after its `?` line (a blank line ends a card); skipped")
            return
        self.close()

    def sr_table(self, block: Block) -> None:
        """A table in an Obsidian SR note: like any block of its text, one cloze card with a deletion per
        `==highlight==` (the whole table shown around it), or nothing when nothing is highlighted."""
        self.close()
        text = "\n".join(" | ".join(cell.strip() for cell in cells) for _, cells in block.rows)
        cloze = sr.highlight_cloze(text)
        if cloze is not None:
            self.open = _Open(block.line, self.take_meta(), cloze=[cloze], tags=self.sr_tags)
            self.close()

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
        self.answer_open_to_more = False
        if card is None:
            return
        if card.tags:
            card.meta = {**card.meta, "tags": " ".join([card.meta.get("tags", ""), *self.sr_card_tags(card.tags)])}
        if "source" not in card.meta:
            urls = md_links("\n".join([*card.front, *(card.answer or []), *(card.cloze or [])]))
            if urls:
                card.meta = {**card.meta, "source": " ".join(dict.fromkeys(urls))}
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
        if not front or not answer or _MARKUP_ONLY_RE.fullmatch(answer):
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
            reverse = card.reverse or card.meta.get("reverse", "").lower() in ("yes", "true")
            self.add(
                Item("", "basic", front=front, answer=back, reverse=reverse, accept=accept, line=card.line), card.meta
            )

    @staticmethod
    def sr_card_tags(tags: list[str]) -> list[str]:
        return [t for t in (sr.deck_tag(tag) for tag in tags) if t]

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
        self.label_under = None
        text = clean_heading(block.lines[0])
        self.in_title_section = False
        if block is self.title_block:
            self.title = text or None
            self.in_title_section = bool(text)
            self.section_line, self.section_tables = block.line, 0
            return
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        if text:
            self.headings.append((block.level, text))
        self.section_line, self.section_tables = block.line, 0
        if _LABEL_HEADING_RE.fullmatch(text) and not self.sr:
            self.label_heading = (block.line, text)

    def section_name(self) -> tuple[str, str] | None:
        """The current section's card front and id hint, or None outside any section."""
        if not self.headings:
            return (self.title, self.title) if self.in_title_section and self.title else None
        name = self.headings[-1][1]
        if len(self.headings) == 1 and self.label_under:
            return f"{self.label_under} — {name}", f"{name} {self.label_under}"
        front = name if name.endswith("?") or len(self.headings) < 2 else f"{self.headings[-2][1]} — {name}"
        hint = name if front == name else f"{name} {self.headings[-2][1]}"  # specific part first: ids are cut
        return front, hint

    def definition(self, block: Block, part: tuple[str, object]) -> None:
        if self.sr:
            return  # Obsidian SR makes cards from its flashcard syntax only
        if self.section_name() is None:
            self.warn(block.line, "text with no heading above it; skipped")
            return
        self.section.append(part)

    def flush_section(self) -> None:
        """The definition text under the current heading becomes a card."""
        if self.label_heading is not None:
            self.flush_label()
        parts, self.section = self.section, []
        links, self.section_links = self.section_links, []
        named = self.section_name()
        asked, self.heading_asked = self.heading_asked, False
        if not parts or named is None or asked:
            return
        if self.section_tables:
            return  # text beside a table is its caption or footnote; the table is the section's cards
        if any(kind == "list" and _is_link_list(part) for kind, part in parts):  # type: ignore[arg-type]
            return  # a reading list (links to follow) holds nothing to recall
        front, hint = named
        if len(parts) == 1 and parts[0][0] == "list":
            cloze = self.term_cloze(front, parts[0][1])  # type: ignore[arg-type]
            if cloze:
                self.add(Item("", "cloze", cloze=cloze, line=self.section_line), hint=hint)
                return
        for kind, part in parts:
            if kind == "list":
                self.bullet_cards(part, front)  # type: ignore[arg-type]
        back = "\n\n".join(str(p) if kind == "text" else self.bullets(p) for kind, p in parts)  # type: ignore[arg-type]
        if len(back.split()) > ESSAY_WORDS:
            self.warn(
                self.section_line,
                f"section {quoted_text(clipped(front, 40))} is {len(back.split())} words, "
                "an essay rather than a definition; no card made from it",
            )
            return
        announce = next((m for kind, p in parts if kind == "text" and (m := _ANNOUNCES_RE.search(str(p)))), None)
        if announce:
            said = quoted_text(clipped(" ".join(announce.group(0).split()), 40))
            self.warn(
                self.section_line,
                f"section {quoted_text(clipped(front, 40))} introduces the lesson ({said}), "
                "not a definition; no card made from it",
            )
            return
        if _MARKUP_ONLY_RE.fullmatch(back):  # only markup (a stray `**`): a card with an empty back would not validate
            self.warn(self.section_line, f"question {quoted_text(clipped(front, 40))} has no answer; skipped")
            return
        meta = self.take_meta()
        if links and "source" not in meta:
            meta["source"] = " ".join(dict.fromkeys(links))
        self.add(Item("", "basic", front=front, answer=back, line=self.section_line), meta, hint=hint)

    def flush_label(self) -> None:
        """A label heading's section (`### MCQ 1`): the question under it, its options, `Correct answer:`."""
        (line, name), blocks = self.label_heading, self.label_blocks  # type: ignore[misc]
        self.label_heading, self.label_blocks = None, []
        question: list[str] = []
        options: list[tuple[str, str]] = []  # (letter, Markdown)
        answer = ""
        explain: list[str] = []  # what the notes say after the answer: why it is right
        for block in blocks:
            texts = [it.text for it in block.items] if block.kind == "list" else block.lines
            for raw in texts:
                for piece in raw.split("\n"):
                    stripped = _BR_END_RE.sub("", piece).strip()
                    if not stripped:
                        continue
                    if answer:
                        explain.append(stripped)
                    elif m := _CORRECT_RE.fullmatch(stripped):
                        answer = m.group(1)
                    elif (m := _OPTION_RE.fullmatch(stripped)) and (question or block.kind == "list"):
                        options.append((m.group(1).lower(), m.group(2)))
                    elif block.kind == "list" and question and not answer:
                        options.append((chr(ord("a") + len(options)), stripped))
                    elif not options and not answer:
                        question.append(stripped)
        front = md_to_text("\n".join(question)).strip()
        if _Q_RE.fullmatch(front):
            front = _Q_RE.fullmatch(front).group(1)  # type: ignore[union-attr]
        right = md_to_text(answer).strip()
        why = md_to_text("\n".join(explain)).strip()
        shown = [md_to_text(o).strip() for _, o in options]
        pick = right.split(maxsplit=1)[0].strip("().:").lower() if right else ""
        chosen = next((shown[i] for i, (letter, _) in enumerate(options) if letter == pick and len(pick) == 1), None)
        chosen = chosen or next((o for o in shown if _fold(o) == _fold(right)), None)
        if not front:
            self.warn(line, f"{quoted_text(name)} has no question under it; skipped")
        elif chosen and len({_fold(o) for o in shown}) == len(shown) >= 2:
            item = Item("", "choice", front=front, answer=chosen, options=tuple(shown), explain=why, line=line)
            self.add(item, self.take_meta())
        elif right:
            self.add(
                Item("", "basic", front=front, answer="\n\n".join(filter(None, [right, why])), line=line),
                self.take_meta(),
            )
        else:
            self.warn(line, f"question {quoted_text(clipped(front, 40))} has no answer; skipped")

    @staticmethod
    def bullets(items: list[ListItem]) -> str:
        """List items as text lines: `•` or their number, indented by depth, continuation lines kept."""
        lines = []
        for item in items:
            text = md_to_text(item.text.strip()).replace("\n", "\n" + "  " * item.depth + "  ")
            lines.append("  " * item.depth + f"{item.marker} {text}")
        return "\n".join(lines)

    def bullet_cards(self, items: list[ListItem], context: str) -> None:
        """Cards inside a list of notes: a defined term (`**Term**: definition`, `term: definition`, or a
        `**Term**` bullet over sub-bullets that define it), its front naming the heading or parent bullet
        it is under (`Decision tree — Construction`), and a bullet that asks (`…?`) over sub-bullets that
        answer it. A value that is only a number, formula or code (`Stride: $1$`) defines nothing."""
        for at, item in enumerate(items):
            children = []
            for child in items[at + 1 :]:
                if child.depth <= item.depth:
                    break
                children.append(ListItem(child.depth - item.depth - 1, child.marker, child.text, child.line))
            below = self.bullets(children) if children else ""
            while len(below.split()) > ESSAY_WORDS and len(children) > 1:
                children = children[: len(children) - 1]  # the first sub-bullets define it; the rest is detail
                below = self.bullets(children) + "\n…"
            text = item.text.strip()
            term, definition = _defined_term(text)
            if m := _STANDS_FOR_RE.match(md_to_text(text.split("\n")[0]).strip()):
                parent = next((p for p in reversed(items[:at]) if p.depth < item.depth), None)
                named = m.group(1) or (_bullet_topic(parent.text) if parent else "") or context
                front, back = f"{named} stands for", m.group(2).strip()  # an acronym's expansion
            elif not children and (named_as := _naming_cloze(text)):
                self.add(Item("", "cloze", cloze=named_as, line=item.line), {})  # `X is called Y.`: a term to recall
                continue
            elif term and (definition or below):
                parent = next((p for p in reversed(items[:at]) if p.depth < item.depth), None)
                topic = (_bullet_topic(parent.text) if parent else "") or context
                front = f"{topic} — {term}"
                back = md_to_text(definition).strip() if definition else below
            elif children and text.endswith("?") and "\n" not in text:
                front, back = md_to_text(text).strip(), below
            elif (
                children
                and text.endswith(":")
                and "\n" not in text
                and _prose_words(md_to_text(text)) >= 4
                and all(_prose_words(md_to_text(c.text)) >= 3 and "\n" not in c.text for c in children if not c.depth)
            ):  # its own sub-bullets are sentences; theirs may be values or steps
                front, back = md_to_text(text).strip().rstrip(":").strip(), below  # it announces its sub-bullets
            else:
                continue
            if _prose_words(back) >= 2 and len(back.split()) <= ESSAY_WORDS:
                self.add(Item("", "basic", front=front, answer=back, line=item.line), {})

    @staticmethod
    def term_cloze(front: str, items: list[ListItem]) -> str | None:
        """`term: definition` bullets as a cloze hiding each definition, or None if the list is not like that."""
        pairs = [md_to_text(item.text).partition(": ") for item in items]
        if (
            len(items) < 2
            or any(item.depth or "\n" in item.text for item in items)
            or any(not sep or not t.strip() or not d.strip() for t, sep, d in pairs)
        ):
            return None
        lines = [f"• {t}: {{{{c{n}::{d}}}}}" for n, (t, _, d) in enumerate(pairs, 1)]
        text = front + "\n" + "\n".join(lines)
        ok = all(cloze_answer(text, n) == d for n, (_, _, d) in enumerate(pairs, 1))
        return text if ok and len(parse_cloze(text)[0]) == len(pairs) else None

    def list_block(self, block: Block) -> None:
        items = [(item.depth, item.text.strip()) for item in block.items]
        if self.task_list(block, items):
            return
        if self.open and self.open.answer is None and (self.open.awaiting or self.open.details) and not self.open.cloze:
            self.open.answer = [self.bullets(block.items)]  # the question's answer is this list
            self.open.awaiting = False
            self.answer_open_to_more = not self.open.details
            return
        if self.open and self.answer_open_to_more and self.open.answer is not None:
            self.open.answer.append(self.bullets(block.items))  # an answer going on in a list
            return
        self.close()
        plain = []
        for item in block.items:
            sep = "::" if self.sr else _PAIR_SEP
            if sep in item.text and "{{c" not in item.text and item.depth == 0:
                reverse = self.sr and ":::" in item.text
                front, _, back = item.text.strip().partition(":::" if reverse else sep)
                self.open = _Open(item.line, self.take_meta(), front=[front], answer=[back], tags=self.sr_tags)
                self.open.reverse = reverse
                self.close()
            else:
                plain.append(item)
        if plain and self.sr:  # highlights in a list: the plugin's cloze card is the list's text
            cloze = sr.highlight_cloze(self.bullets(plain))
            if cloze is not None:
                self.open = _Open(plain[0].line, self.take_meta(), cloze=[cloze], tags=self.sr_tags)
                self.close()
        elif plain:
            self.definition(block, ("list", plain))

    # -- tables --

    def table(self, block: Block) -> None:
        if self.sr:
            self.sr_table(block)
            return
        if self.open and self.open.answer is not None and self.answer_open_to_more:
            shown = [" | ".join(md_to_text(c).strip() for c in cells) for _, cells in block.rows]
            self.open.answer.append("\n".join(shown))  # an answer going on in a table
            return
        self.close()
        meta = self.take_meta()
        header = block.rows[0][1]
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
        for row_line, raw_cells in block.rows[1:]:
            cells = [md_to_text(c).strip() or "—" for c in raw_cells]
            cells = (cells + ["—"] * len(columns))[: len(columns)]
            key = row_key(cells[0], len(rows))
            if key in keys:  # ids come from the first cell: a repeated one is told apart, not dropped
                name, n = cells[0], 2
                while row_key(f"{name} ({n})", len(rows)) in keys:
                    n += 1
                cells[0] = f"{name} ({n})"
                key = row_key(cells[0], len(rows))
                self.warn(
                    row_line, f"row {quoted_text(name)} repeats an earlier row's name; kept as {quoted_text(cells[0])}"
                )
            keys.add(key)
            rows.append(tuple(cells))
        if not rows:
            self.warn(block.line, "a table with no rows; skipped")
            return
        self.section_tables += 1
        title = (
            md_to_text(meta.get("title", "")).strip()
            or (self.headings[-1][1] if self.headings else "")
            or (self.title or "" if self.in_title_section else "")
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
        headings = [b for b in blocks if b.kind == "heading"]
        if headings:
            top = min(b.level for b in headings)
            if headings[0].level == top and sum(b.level == top for b in headings) == 1:
                self.title_block = headings[0]  # a lone top heading names the deck
        skip_to = 0
        for at, block in enumerate(blocks):
            if at < skip_to:
                continue
            if self.output_depth and block.kind == "para" and block.level >= self.output_depth:
                continue  # what the code above printed: with the code skipped it shows nothing to recall
            self.output_depth = 0
            if self.sr_until and self.sr_next(block):
                self.last_end = block.end
                continue
            if not self.sr and block.kind == "heading" and (found := _lettered_choice(blocks, at)):
                item, skip_to = found
                self.heading(block)
                self.heading_asked = True  # the heading is the question: its section is no definition
                if item is None:
                    name = quoted_text(clipped(clean_heading(block.lines[0]), 40))
                    self.warn(block.line, f"question {name} has options but no answer naming one; skipped")
                self.add(item)
                continue
            if not self.sr and (asked := _question_over_tasks(blocks, at)):
                question, skip_to = asked
                if block.kind == "heading":
                    self.heading(block)
                    self.heading_asked = True  # the heading is the question: its section is no definition
                else:
                    self.close()
                self.open = _Open(block.line, self.take_meta(), front=question)
                continue
            if self.label_heading is not None and block.kind == "table":
                self.flush_label()  # a multiple choice holds no table: its question ended above it
            if self.label_heading is not None and block.kind not in ("heading", "comment"):
                self.label_blocks.append(block)
            elif block.kind == "heading":
                self.heading(block)
            elif block.kind == "front":
                self.front_matter(block)
            elif block.kind == "comment":
                meta = parse_meta(block)
                if "deck" in meta:
                    self.deck_meta = meta
                elif meta:
                    self.close()
                    self.meta = meta
            elif block.kind == "para" and (label := self.bold_label(block, blocks[at + 1 : at + 2])):
                # a paragraph that is one bold label (`**How it works**`) is a sub-heading of its section
                # level 7, below any heading: the next heading or label ends its section
                title = self.title if not [h for h in self.headings if h[0] < 7] else None
                self.heading(Block("heading", [label], block.line, 7, end=block.end))
                self.label_under = title  # a bare `How it works` needs the title it is under
            elif block.kind == "para":
                self.paragraph(block)
            elif block.kind == "callout":
                self.callout(block)
            elif block.kind == "html":
                self.html(block)
            elif block.kind == "math":
                if self.open and (self.open.awaiting or self.answer_open_to_more or self.open.details):
                    self.open.answer = [*(self.open.answer or []), "\n".join(block.lines)]
                    self.open.awaiting, self.answer_open_to_more = False, not self.open.details
                    continue
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
            self.last_end = block.end
        self.sr_close() if self.sr else self.close()
        self.flush_section()
        meta = self.deck_meta
        deck = meta.get("deck", "")
        if deck and not ID_RE.match(deck):
            self.warn(1, f"deck id {quoted_text(deck)} is not a valid id; ignored")
            deck = ""
        title = md_to_text(meta.get("title", "")).strip() or self.front_title or self.title or deck_id
        description = md_to_text(meta.get("description", "")).strip() or "\n\n".join(self.description).strip()
        deck_tags = [t for t in (sr.deck_tag(t) if self.sr else t.lstrip("#") for t in self.deck_tags) if t]
        return DeckDraft(
            deck or deck_id,
            title,
            description,
            self.tags(" ".join([meta.get("tags", ""), *deck_tags]), 1),
            tuple(self.items),
            tuple(self.tables),
        )

    def bold_label(self, block: Block, after: list[Block]) -> str:
        """The label of a paragraph that is one bold phrase, not a question (`**How it works**`), over
        text, a list or a quote: the notes' sub-heading. "" otherwise, or inside a question's answer."""
        if self.sr or (self.open and (self.open.awaiting or self.open.details or self.open.until_break)):
            return ""
        text = re.sub(r"\s+\*\*$", "**", "".join(c for c in block.lines[0].strip() if not _is_emoji(c)).strip())
        if len(block.lines) != 1 or _bold_question(text) or not _BOLD_WHOLE_RE.fullmatch(text.rstrip(":").strip()):
            return ""
        label = clean_heading(text)
        if not label or label.endswith("?") or _Q_RE.fullmatch(label) or _CORRECT_RE.fullmatch(text):
            return ""
        return label if after and after[0].kind in ("para", "list", "math") else ""

    def front_matter(self, block: Block) -> None:
        """YAML front matter: `title` names the deck, `tags` tag it; never a card."""
        import yaml

        try:
            data = yaml.safe_load("\n".join(block.lines))
        except yaml.YAMLError:
            self.warn(block.line, "front matter is not valid YAML; ignored")
            return
        if not isinstance(data, dict):
            return
        title = data.get("title")
        if isinstance(title, str | int | float):
            self.front_title = md_to_text(str(title)).strip()
        tags = data.get("tags") or data.get("tag") or []
        tags = tags.replace(",", " ").split() if isinstance(tags, str) else tags
        if isinstance(tags, list):
            self.deck_tags.extend(str(t).lstrip("#") for t in tags if isinstance(t, str | int))
            self.sr = self.sr or sr.uses_sr("", tuple(self.deck_tags))

    def callout(self, block: Block) -> None:
        """A callout's title line (`> [!NOTE] Title`): not content; a title asking a question opens one;
        a callout titled as output (`> [!success]- Code Output`) shows what code printed: skipped."""
        title = block.lines[0]
        if _OUTPUT_TITLE_RE.fullmatch(title.strip()):
            self.output_depth = block.level
            return
        if title.endswith("?") and not self.sr:
            self.close()
            self.open = _Open(block.line, self.take_meta(), front=[title], awaiting=True)

    def html(self, block: Block) -> None:
        """An HTML block: `<details><summary>Q</summary>A</details>` is a card; other tags are dropped."""
        raw = "\n".join(block.lines)
        if m := _SUMMARY_RE.search(raw):
            rest, closed = m.group(2), "</details>" in m.group(2).lower()
            answer = re.sub(r"</details>.*", "", rest, flags=re.IGNORECASE | re.DOTALL).strip()
            if _ANSWER_SUMMARY_RE.fullmatch(md_to_text(m.group(1)).strip()) and self.open and self.open.answer is None:
                # `<summary>Answer</summary>` under a question: the question above is the front
                self.open.answer = [answer] if answer else None
                self.open.details, self.open.awaiting = not closed, False
                if closed:
                    self.close()
                return
            self.close()
            self.open = _Open(
                block.line, self.take_meta(), front=[m.group(1).strip()], answer=[answer] if answer else None
            )
            self.open.details = not closed
            if closed:
                self.close()
            return
        if self.open and self.open.details and "</details>" in raw.lower():
            self.close()
            return
        if self.open and self.open.until_break and self.open.answer:
            self.close()
        text = md_to_text(raw).strip()
        if text and not self.sr:
            self.definition(block, ("text", text))


_LETTER_OPTION_RE = re.compile(r"\(?([A-Ha-h])\s*[.):]\s+(.+)$", re.DOTALL)
_NUMBERED_RE = re.compile(r"\d{1,3}[.)]\s+(.+)$")


def _options_of(block: Block) -> list[tuple[str, str]]:
    """A list (or a paragraph of lines) of lettered options `A: …`, `b) …`, `(C) …` as (letter, Markdown),
    or [] when it is not one: two or more, lettered a, b, c… in order."""
    texts = [item.text.strip() for item in block.items] if block.kind == "list" else block.lines
    found = [_LETTER_OPTION_RE.fullmatch(t.strip()) for t in texts] if block.kind in ("list", "para") else []
    if len(found) < 2 or not all(found):
        return []
    letters = [m.group(1).lower() for m in found if m]
    if letters != [chr(ord("a") + i) for i in range(len(letters))]:
        return []
    return [(m.group(1).lower(), m.group(2).strip()) for m in found if m]


def _answer_letter(block: Block) -> str:
    """The letter an `Answer: D` / `Correct answer: (b)` line names (a heading, a paragraph line or a
    line of an HTML block such as `<details>`), or ""."""
    for raw in block.lines:
        text = md_to_text(raw).strip() if block.kind == "html" else raw.strip()
        if (m := _CORRECT_RE.fullmatch(text)) and (letter := m.group(1).strip("().: ")):
            if len(letter) == 1 and letter.isalpha():
                return letter.lower()
    return ""


def _lettered_choice(blocks: list[Block], at: int) -> tuple[Item | None, int] | None:
    """A heading that asks (`###### 3. What's the output?`, `Q3. …`, or ending in `?`), then the blocks a
    question needs (code, a paragraph), lettered options (`- A: …`) and an answer naming a letter
    (`Answer: D`, often as a heading inside `<details>`), then its explanation: a choice card whose front
    keeps the code (the question may be the code). Returns the item (None for options without an answer:
    nothing to study) and the index of the block after it; None when the section is no such question."""
    heading = blocks[at]
    text = clean_heading(heading.lines[0]) if heading.lines else ""
    if m := (_Q_RE.fullmatch(text) or _NUMBERED_RE.fullmatch(text)):
        text = m.group(1)
    elif not text.endswith("?"):
        return None
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    letter, explain, end = "", [], at + 1
    while end < len(blocks):
        block = blocks[end]
        answer = _answer_letter(block) if block.kind in ("heading", "para", "html") else ""
        if block.kind == "hr" or (block.kind == "heading" and not answer):
            break
        if answer and options and not letter:
            letter = answer
        elif letter and block.kind in ("para", "list", "math"):
            explain.append(block)
        elif not options and (found := _options_of(block)):
            options = found
        elif not options and block.kind == "code":
            stem.append("\n".join(block.lines).rstrip("\n"))
        elif not options and block.kind in ("para", "math"):
            stem.append(md_to_text("\n".join(block.lines)).strip())
        elif block.kind not in ("html", "comment"):
            return None  # something a multiple choice does not hold: leave the section as it is
        end += 1
    shown = [md_to_text(o).strip() for _, o in options]
    chosen = next((shown[i] for i, (mark, _) in enumerate(options) if mark == letter), "")
    if options and not letter:
        return None, end
    if not chosen or len({_fold(o) for o in shown}) != len(shown) or not all(shown):
        return None
    notes = [md_to_text("\n".join(b.lines) if b.kind != "list" else _Builder.bullets(b.items)) for b in explain]
    front = "\n\n".join([text, *stem])
    explained = "\n\n".join(n.strip() for n in notes if n.strip())
    return Item("", "choice", front, chosen, options=tuple(shown), explain=explained, line=heading.line), end


# `Stands for Root mean square prop.` (under the heading it expands) or `RMS stands for root mean square`
_STANDS_FOR_RE = re.compile(r"(?:(\S+(?: \S+){0,2}) )?stands for (.+?)\.?$", re.IGNORECASE)
# a title that is only "output" (`Code Output`, `Output:`), not a topic such as `Output size`
_OUTPUT_TITLE_RE = re.compile(r"(?:(?:code|program|console|sample|example)\s+)?(?:output|stdout)s?\s*:?", re.IGNORECASE)

# `In this section, we will take a look at …`, `In this lesson I'm going to cover …`: text that announces
# what the lesson will do introduces it; it defines nothing a card could ask
_ANNOUNCES_RE = re.compile(
    r"\bin this (?:section|chapter|lesson|tutorial|article|post|notebook|video|course|page),?\s+"
    r"(?:we|I)(?:'ll|'re going to|'m going to|\s+will|\s+are going to|\s+am going to|\s+shall)\b",
    re.IGNORECASE,
)

# `A 1 x 1 conv used this way is called a bottleneck.`: one sentence that names a term, the term last
_NAMING_RE = re.compile(
    r"(?P<what>[^.!?\n]*?\b(?:is|are) (?:also |often |usually )?(?:called|known as|referred to as|named))"
    r"\s+(?P<term>[^\s.,;:!?][^.,;:!?\n]*?)\s*\.?",
    re.IGNORECASE,
)
_PRONOUN_RE = re.compile(r"(?:it|this|that|they|these|those|which|he|she)\b", re.IGNORECASE)


def _naming_cloze(text: str) -> str:
    """A bullet that is one sentence naming a term (`<what> is called <term>.`, also `is known as`,
    `is referred to as`) as a cloze hiding the term, or "". The sentence must say what is named (two
    words or more, not a pronoun: "This is called X" names nothing it shows) and end with the term
    (four words at most: "is called X because …" explains rather than names)."""
    m = _NAMING_RE.fullmatch(text.strip())
    if not m or _prose_words(md_to_text(m.group("what"))) < 3 or _PRONOUN_RE.match(m.group("what").strip()):
        return ""
    term = m.group("term").strip()
    if len(term.split()) > 4 or not md_to_text(term).strip():
        return ""
    return f"{m.group('what').strip()} {{{{c1::{term}}}}}."


_BOLD_TERM_RE = re.compile(r"\*\*([^*\n]+?)\*\*(.*)$", re.DOTALL)
_PLAIN_TERM_RE = re.compile(r"([^:.;!?\n\[\]()<>]{1,60}?)\s*:\s+(.+)$", re.DOTALL)
_DEFINES_RE = re.compile(r"\s*(?:[:：—–]|-\s)\s*(.*)$", re.DOTALL)


def _defined_term(text: str) -> tuple[str, str]:
    """A bullet that names a term: (term, its definition or "" when the sub-bullets give it), else
    ("", ""). `**Term**: def`, `**Term:** def`, `**Term** — def`, `**Term**` (with a note after it
    ending in `:`, `**Attention**, scaled:`), and `term: def` where the term is a few words."""
    if m := _BOLD_TERM_RE.match(text):
        term, rest = clean_heading(m.group(1)), m.group(2).strip()
        if m.group(1).rstrip().endswith(":") and rest:
            return term, rest
        if d := _DEFINES_RE.match(rest):
            return (term, d.group(1).strip()) if d.group(1).strip() else (term, "")
        if not rest:
            return term, ""
        if rest.endswith(":") and "\n" not in rest:
            return f"{term} {md_to_text(rest).strip().rstrip(':')}".replace(" ,", ","), ""
        return "", ""
    if (m := _PLAIN_TERM_RE.match(text)) and len(m.group(1).split()) <= 5 and m.group(1).strip("`$ "):
        if "=" in m.group(1) or re.fullmatch(r"\s*\$[^$]+\$\s*", m.group(1)):
            return "", ""  # `Stride $S = 1$: …` is a case of a formula, `$W$: weights` a symbol's legend
        return clean_heading(m.group(1)), m.group(2).strip()
    return "", ""


def _is_link_list(items: list[ListItem]) -> bool:
    """Whether a list is a reading list: every item without sub-items starts with a link."""
    leaves = [item for at, item in enumerate(items) if at + 1 == len(items) or items[at + 1].depth <= item.depth]
    return bool(leaves) and all(_LINK_START_RE.match(item.text.strip()) for item in leaves)


_LINK_START_RE = re.compile(r"!?\[[^\]\n]+\]\([^)\s]+[^)]*\)|<https?://|https?://|\[\[")


def _prose_words(text: str) -> int:
    """How many words of letters `text` has outside math and code (a bare value or formula has none)."""
    bare = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]*`|\[image[^\]]*\]", " ", text, flags=re.DOTALL)
    return sum(1 for w in bare.split() if re.search(r"[^\W\d_]{2}", w))


def _bullet_topic(text: str) -> str:
    """What a parent bullet is about, to name its sub-bullets' terms: its term, or its first line if short."""
    term, _ = _defined_term(text.strip())
    first = clean_heading(text.strip().split("\n")[0])
    return term or (first if len(first.split()) <= 8 else "")


def _is_choice_list(block: Block) -> bool:
    """A task list with two or more boxes, exactly one of them checked: a multiple choice's options."""
    marks = [_TASK_RE.match(item.text.strip()) for item in block.items] if block.kind == "list" else []
    return len(marks) >= 2 and all(marks) and sum(m.group(1) != " " for m in marks if m) == 1


def _question_over_tasks(blocks: list[Block], at: int) -> tuple[list[str], int] | None:
    """A multiple-choice question without `Q:` starting at `blocks[at]`, directly over a task list with
    one box checked: a heading that asks (`#### Q3. …`, or ending in `?` or `:`), a paragraph ending in
    `?`, or a numbered question (a one-item list ending in `?` or `:`). Returns the question's lines (a
    heading's label `Q3.` dropped; a paragraph such as an image between the heading and the options joins
    the question) and the index of the task list, or None. A to-do list under a plain heading is no quiz."""
    block = blocks[at]
    if block.kind == "heading":
        text = block.lines[0].strip()
        if m := _Q_RE.fullmatch(text):
            text = m.group(1)
        elif not text.endswith(("?", ":")):
            return None
        between = blocks[at + 1 : at + 2] if at + 1 < len(blocks) and blocks[at + 1].kind == "para" else []
        after = at + 1 + len(between)
        if text and after < len(blocks) and _is_choice_list(blocks[after]):
            return [text, *(line for b in between for line in b.lines)], after
        return None
    if block.kind == "para" and not _Q_RE.fullmatch(block.lines[0].strip()):  # `Q: …` has its own path
        lines, ends = block.lines, ("?", "?")  # a paragraph ending in `:` is often a to-do list's title
    elif block.kind == "list" and len(block.items) == 1 and block.items[0].marker[:1].isdigit():
        lines, ends = block.items[0].text.strip().split("\n"), ("?", ":")
    else:
        return None
    if lines and lines[-1].strip().endswith(ends) and at + 1 < len(blocks) and _is_choice_list(blocks[at + 1]):
        return lines, at + 1
    return None


def _bold_question(line: str) -> str:
    """The question of a line that is all one bold question (`**What is X? 👶**`), else ""."""
    text = re.sub(r"\s+\*\*$", "**", "".join(c for c in line.strip() if not _is_emoji(c)).strip())
    if not _BOLD_WHOLE_RE.fullmatch(text):
        return ""
    question = clean_heading(text)
    return question if question.endswith("?") else ""


def parse_notes(text: str, deck_id: str, name: str = "notes") -> Notes:
    """Markdown text → Notes (draft and warnings naming `name:line`). `deck_id` is used unless the notes
    set one with `<!-- deck: … -->`."""
    builder = _Builder(name)
    text, schedules = sr.strip_schedule(text)
    blocks = split_blocks(text)
    paragraphs = [b.lines for b in blocks if b.kind == "para"]
    paragraphs += [item.text.split("\n") for b in blocks if b.kind == "list" for item in b.items]
    builder.sr = sr.uses_sr(text) or bool(schedules) or sr.has_card_syntax(paragraphs)
    if schedules:
        builder.warn(
            1,
            f"{schedules} Obsidian Spaced Repetition schedule comment{'s' if schedules != 1 else ''} "
            "(<!--SR:…-->) ignored; the cards start as new",
        )
    draft = builder.build(blocks, deck_id)
    return Notes(draft, warnings=builder.warnings, pinned=builder.pinned)


def import_notes(path: Path, deck_id: str) -> Notes:
    """Read and convert a notes file (mojibake repaired)."""
    text, encoding, repairs = read_text(path)
    notes = parse_notes(text, deck_id, str(path))
    notes.repairs, notes.decoded_as = repairs, encoding
    return notes


__all__ = ["Notes", "Repair", "import_notes", "parse_notes", "read_text", "repair_mojibake"]
