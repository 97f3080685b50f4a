"""Deck files → Deck: strict loading and validation, every problem with file:line:col.

The format (documented in the README) in brief:

    deck: my-deck              # id: letters, digits, . _ -
    title: My deck
    description: optional
    tags: [optional, applied-to-every-card]
    cards:
      - {id: a, front: …, back: …, reverse: true}      # basic (reverse adds a second card; accept: [...] too)
      - {id: b, front: …, answer: …, accept: [...]}    # typed
      - {id: c, front: …, options: [...], answer: …}   # choice
      - {id: d, cloze: "… {{c1::text::hint}} …"}       # cloze, one card per number
    tables:
      - {id: t, title: …, columns: [...], rows: [[...], ...]}

Every card may also have `tags`, `source`, `demo` (a name or {name: …, params…}), and typed,
choice and cloze cards an `explain` shown after the answer; a typed card may say how it is graded
(`grade: math|number|code|text`; by default the kind follows from the answer, see answers.py).
"""

from __future__ import annotations

import difflib
import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dense1x1quiz import demos
from dense1x1quiz.errors import DeckError, Problem
from dense1x1quiz.model import Card, CardFields, Deck, DemoLink, Table, cloze_answer, cloze_numbers, parse_cloze
from dense1x1quiz.text import clipped, quoted, quoted_text
from dense1x1quiz.userfiles import MAX_FILE_BYTES, UserFileError, read_user_file, size_text
from dense1x1quiz.yamltree import Node, YamlError, parse

MAX_BYTES = MAX_FILE_BYTES
# Cards one deck may make (a cloze makes one per number, a table several per row): a 16 MiB deck of
# clozes could make ~860,000, and studying or exporting those needs more than 1 GiB. At the cap the
# heaviest command stays well under it (README: Strictness).
MAX_CARDS = 100_000
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}\Z")
_LINE_BREAK_RE = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # what YAML counts as a line break

TOP_KEYS = ("deck", "title", "description", "tags", "imported", "cards", "tables")
IMPORTED_KEYS = ("from", "sha256")  # the mark `quiz import` writes (authoring/import_mark.py)
_SHA256_RE = re.compile(r"[0-9a-f]{64}\Z")
COMMON_KEYS = ("id", "tags", "source", "demo", "image")
KIND_KEYS = {
    "basic": ("front", "back", "reverse", "accept"),
    "typed": ("front", "answer", "accept", "explain", "grade"),
    "choice": ("front", "options", "answer", "explain"),
    "cloze": ("cloze", "explain", "accept"),
}
GRADE_KINDS = ("math", "number", "code", "text")  # answers.DECLARED_KINDS (not imported: the loader stays small)
TABLE_KEYS = ("id", "title", "columns", "rows", "tags", "source", "demo")
CARD_KEYS = tuple(dict.fromkeys(COMMON_KEYS + sum(KIND_KEYS.values(), ())))
_KIND_KEY_SETS = {kind: frozenset(COMMON_KEYS + keys) for kind, keys in KIND_KEYS.items()}  # checked per card

# UTF-8 read as Windows-1252/1254: a lead byte's character followed by continuation bytes'.
_MOJIBAKE_RE = re.compile(
    "[\u00c2-\u00f4\u011e\u011f\u0130\u0131\u015e\u015f]"
    "[\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]+"
)


def load_deck(path: str | Path) -> Deck:
    """The deck at `path`; raises DeckError listing every problem (warnings are not errors)."""
    deck, problems = check_deck(path)
    if deck is None or any(not p.warning for p in problems):
        raise DeckError(problems)
    return deck


def check_deck(path: str | Path) -> tuple[Deck | None, list[Problem]]:
    """The deck at `path` (None if unusable) and every problem and warning found in it."""
    reader = _DeckReader(str(path))
    with _gc_paused():
        deck = reader.read(Path(path))
    return deck, sorted(reader.problems, key=lambda p: (p.line, p.col))


def check_deck_bytes(path: str | Path, data: bytes) -> tuple[Deck | None, list[Problem]]:
    """`check_deck` on the bytes of the file at `path`, already read (the deck cache reads them once,
    to hash them); `data` holds at most the first MAX_BYTES + 1 bytes."""
    reader = _DeckReader(str(path))
    with _gc_paused():
        deck = reader.check_bytes(data)
    return deck, sorted(reader.problems, key=lambda p: (p.line, p.col))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a deck is read: the tree and the cards hold no cycles, and
    the collector would otherwise scan a big deck's ~200,000 new objects over and over (~30% of
    the time of loading a 20,000-card deck)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def slug(text: str) -> str:
    """A lowercase ASCII id fragment: `1x1 Convolution` → `1x1-convolution`."""
    text = text.replace("×", "x").replace("·", "-")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]


def row_key(first_cell: str, index: int) -> str:
    """A table row's part of its cards' ids: the slug of its first cell (`row3` if that has none)."""
    return slug(first_cell) or f"row{index + 1}"


def column_key(header: str, index: int) -> str:
    """A table column's part of its cards' ids: the slug of its header (`col2` if that has none)."""
    return slug(header) or f"col{index}"


def _fold(text: str) -> str:
    """How options are compared for sameness."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class _DeckReader:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.ids: dict[str, int] = {}  # authored card and table ids → line
        self.source = ""  # the file's text, to point into a scalar (`at_offset`)

    def error(self, where: Node | tuple[int, int], message: str) -> None:
        line, col = (where.line, where.col) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, col, message))

    def warn(self, line: int, col: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, col, message, warning=True))

    # -- bytes to tree -------------------------------------------------------------------------

    def read(self, path: Path) -> Deck | None:
        try:  # a folder, FIFO or device is refused, never opened in a way that blocks or read to its end
            data = read_user_file(path, MAX_BYTES, "a deck")
        except UserFileError as exc:
            self.error((1, 1), exc.reason)
            return None
        return self.check_bytes(data)

    def check_bytes(self, data: bytes) -> Deck | None:
        text = self.decode(data)
        if text is None:
            return None
        self.source = text
        try:
            root, yaml_problems = parse(text)
        except YamlError as exc:
            self.error((exc.line, exc.col), exc.message)
            return None
        for problem in yaml_problems:
            self.error((problem.line, problem.col), problem.message)
        if root is None:
            self.error((1, 1), "holds no deck (the file has only comments or blank lines)")
            return None
        self.find_mojibake(text)
        return self.deck(root)

    def decode(self, data: bytes) -> str | None:
        if len(data) > MAX_BYTES:
            self.error((1, 1), f"is larger than a deck may be ({size_text(MAX_BYTES)})")
            return None
        if not data.strip():
            self.error((1, 1), "is empty")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col = _line_col(data[: exc.start].decode("utf-8", "replace"), exc.start)
            self.error((line, col), f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
            return None
        text = text.removeprefix("\ufeff")
        if "\x00" in text:
            self.error(_line_col(text, text.index("\x00")), "contains a NUL character; is this a text file?")
            return None
        return text

    def find_mojibake(self, text: str) -> None:
        if not _MOJIBAKE_RE.search(text):
            return
        import ftfy  # only when the cheap pattern has matched

        for number, line in enumerate(text.splitlines(), 1):
            match = _MOJIBAKE_RE.search(line)
            if match and ftfy.fix_text(match.group()) != match.group():
                fixed = ftfy.fix_text(line).strip()
                self.warn(
                    number,
                    match.start() + 1,
                    f"looks like mojibake (UTF-8 read as Windows-1252/1254): {quoted_text(match.group())}; "
                    f"probably meant: {quoted_text(clipped(fixed, 80))}",
                )

    # -- tree to deck --------------------------------------------------------------------------

    def deck(self, root: Node) -> Deck | None:
        if root.kind != "map":
            self.error(
                root, f"the top level of a deck must be a mapping (deck:, title:, cards:), not {root.describe()}"
            )
            return None
        self.unknown_keys(root, TOP_KEYS, "deck")
        deck_id = self.ident(root, "deck", required=True) or "?"
        title = self.text(root, "title", required=True) or deck_id
        description = self.text(root, "description") or ""
        deck_tags = self.tags(root)
        self.import_mark(root)
        cards: list[Card] = []
        tables: list[Table] = []
        counted, first_over = 0, None  # past the cap, cards are counted (cheaply), not built nor checked
        for item in self.seq(root, "cards"):
            if first_over is None:
                cards.extend(self.card(item, deck_id, deck_tags))
                first_over = item if len(cards) > MAX_CARDS else None
            else:
                counted += _cards_made(item)
        for item in self.seq(root, "tables"):
            if first_over is not None:
                counted += _table_cards_made(item)
                continue
            table = self.table(item, deck_tags)
            if table:
                tables.append(table)
                cards.extend(self.table_cards(table, deck_id))
                first_over = item if len(cards) > MAX_CARDS else None
        if first_over is not None:
            made = len(cards) + counted
            self.error(
                first_over,
                f"a deck may make at most {MAX_CARDS:,} cards; this one makes {made:,} — "
                "split it (cards from here on were counted, not checked)",
            )
        if "cards" not in root.pairs and "tables" not in root.pairs:
            self.error(root, "a deck needs `cards:` or `tables:`")
        return Deck(deck_id, title, self.path, description, tuple(cards), tuple(tables), deck_tags)

    def import_mark(self, root: Node) -> None:
        """`imported: {from: NOTES, sha256: HASH}`, written by `quiz import`: checked for shape only (a
        deck edited since its import is still a good deck; a re-import compares the hash)."""
        value = self.value(root, "imported")
        if value is None:
            return
        if value.kind != "map":
            self.error(
                value,
                "`imported` is the mark `quiz import` writes ({from: NOTES, sha256: HASH}), "
                f"not {value.describe()}; remove the line if you did not mean it",
            )
            return
        self.unknown_keys(value, IMPORTED_KEYS, "`imported` mark")
        self.text(value, "from", required=True)
        digest = self.text(value, "sha256", required=True)
        if digest is not None and not _SHA256_RE.match(digest):
            self.error(self.value(value, "sha256") or value, "`sha256` must be 64 hex digits (0-9, a-f)")

    def claim_id(self, node: Node, key: str = "id") -> str | None:
        """The item's id, reported as a duplicate when another card or table of the deck has it."""
        item_id = self.ident(node, key, required=True)
        if item_id is not None:
            first = self.ids.setdefault(item_id, node.line)
            if first != node.line:
                self.error(self.value(node, key) or node, f"duplicate id `{item_id}` (first at line {first})")
        return item_id

    def unknown_keys(self, node: Node, allowed: tuple[str, ...], what: str) -> None:
        for key, (key_node, _) in node.pairs.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"; did you mean `{close[0]}`?" if close else f" (a {what} takes: {', '.join(allowed)})"
                self.error(key_node, f"unknown key {quoted(key)}{hint}")

    def at_offset(self, node: Node, offset: int) -> Node | tuple[int, int]:
        """Where character `offset` of a scalar's text is in the file: exact when the scalar is written
        on its line as plain or quoted text without escapes up to there, else the scalar's start."""
        lines = _LINE_BREAK_RE.split(self.source, maxsplit=node.line)
        line = lines[node.line - 1] if len(lines) >= node.line else ""
        mark = 0 if node.plain else 1  # the opening quote
        if mark and line[node.col - 1 : node.col] not in ("'", '"'):
            return node  # a block scalar: its text starts on a later line
        start = node.col - 1 + mark
        if line[start : start + offset] != node.text[:offset]:
            return node
        return node.line, node.col + mark + offset

    def value(self, node: Node, key: str) -> Node | None:
        pair = node.pairs.get(key)
        return None if pair is None or pair[1].is_null else pair[1]

    def text(self, node: Node, key: str, required: bool = False) -> str | None:
        value = self.value(node, key)
        if value is None:
            if required:
                self.error(node, f"missing `{key}`" if key not in node.pairs else f"`{key}` has no value")
            return None
        if value.kind != "str":
            self.error(value, f"`{key}` must be text, not {value.describe()}")
            return None
        if not value.text.strip():
            self.error(value, f"`{key}` is empty")
            return None
        return value.text

    def ident(self, node: Node, key: str, required: bool = False) -> str | None:
        text = self.text(node, key, required)
        if text is not None and not ID_RE.match(text):
            self.error(
                self.value(node, key) or node,
                f"{quoted(f'{key}: {clipped(text, 40)}')} is not a valid id "
                "(letters, digits, '.', '_', '-'; at most 80)",
            )
            return None
        return text

    def seq(self, node: Node, key: str) -> list[Node]:
        value = self.value(node, key)
        if value is None:
            return []
        if value.kind != "seq":
            self.error(value, f"`{key}` must be a list, not {value.describe()}")
            return []
        return value.items

    def strings(self, node: Node, key: str) -> list[tuple[str, Node]]:
        items = []
        for item in self.seq(node, key):
            if item.kind != "str" or item.is_null or not item.text.strip():
                self.error(item, f"every entry of `{key}` must be non-empty text")
            else:
                items.append((item.text, item))
        return items

    def tags(self, node: Node, inherited: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.value(node, "tags")
        if value is not None and value.kind == "str":
            found = [value.text]
        else:
            found = [t for t, _ in self.strings(node, "tags")]
        for tag in found:
            if not ID_RE.match(tag):
                self.error(
                    value or node, f"tag {quoted(clipped(tag, 40))} must be one word (letters, digits, '.', '_', '-')"
                )
        return tuple(dict.fromkeys((*inherited, *found)))

    def flag(self, node: Node, key: str) -> bool:
        value = self.value(node, key)
        if value is None:
            return False
        if value.kind == "str" and value.text in ("true", "false"):
            return value.text == "true"
        self.error(value, f"`{key}` must be true or false, not {quoted_text(clipped(value.text, 20))}")
        return False

    def grading(self, node: Node) -> str:
        """A typed card's `grade:` (how its answer is compared), or "" (decided from the answer)."""
        value = self.value(node, "grade")
        if value is None:
            return ""
        if value.kind == "str" and value.text in GRADE_KINDS:
            return value.text
        self.error(
            value,
            f"`grade` must be one of {', '.join(GRADE_KINDS)}, not {quoted_text(clipped(value.text, 20))}"
            " (leave it out to grade by the answer's kind)",
        )
        return ""

    def image(self, node: Node) -> str:
        """`image:`, a file beside the deck or below its folder (`media/x.png`): a relative path with `/`
        between its parts, none of them empty, `.` or `..`, no backslash or control character."""
        text = self.text(node, "image")
        if text is None:
            return ""
        parts = text.split("/")
        if (
            any(part in ("", ".", "..") for part in parts)
            or "\\" in text
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in text)
            or len(text) > 1024
        ):
            self.error(
                self.value(node, "image") or node,
                f"{quoted(f'image: {clipped(text, 40)}')} must be a file beside the deck or in a folder below it, "
                "written with `/` (e.g. media/diagram.png); no absolute path, `..` or backslash",
            )
            return ""
        return text

    def demo(self, node: Node) -> DemoLink | None:
        value = self.value(node, "demo")
        if value is None:
            return None
        params: dict[str, str] = {}
        if value.kind == "str":
            name = value.text
        elif value.kind == "map":
            name = self.text(value, "name", required=True) or ""
            for key, (_, param) in value.pairs.items():
                if key != "name":
                    if param.kind != "str":
                        self.error(param, f"demo parameter {quoted(key)} must be a number or a word")
                    else:
                        params[key] = param.text
        else:
            self.error(value, "`demo` must be a demo name or a mapping with `name:` and parameters")
            return None
        if name and name not in demos.DEMOS:
            self.error(value, f"unknown demo {quoted(name)}{demos.suggest(name)}; `quiz demo` lists them")
            return None
        problems = demos.check_params(params, name)
        for problem in problems:
            self.error(value, problem if problem.startswith(f"demo {name} ") else f"demo {name}: {problem}")
        if problems:
            return None
        typed = tuple((k, v.lower() if k == "layout" else int(v)) for k, v in params.items())
        return DemoLink(name, typed) if name else None

    # -- cards ---------------------------------------------------------------------------------

    def card(self, node: Node, deck_id: str, deck_tags: tuple[str, ...]) -> list[Card]:
        if node.kind != "map":
            self.error(node, f"a card must be a mapping (id:, front:, …), not {node.describe()}")
            return []
        kind = (
            "cloze"
            if "cloze" in node.pairs
            else "choice"
            if "options" in node.pairs
            else "typed"
            if "answer" in node.pairs
            else "basic"
        )
        self.unknown_keys(node, CARD_KEYS, "card")
        for key, (key_node, _) in node.pairs.items():
            if key not in _KIND_KEY_SETS[kind] and key in CARD_KEYS:
                self.error(key_node, f"`{key}` does not belong on a {kind} card ({self.kind_hint(kind)})")
        card_id = self.claim_id(node)
        common = CardFields(
            deck=deck_id,
            tags=self.tags(node, deck_tags),
            source=self.text(node, "source") or "",
            demo=self.demo(node),
            line=node.line,
            note=card_id or "",
            image=self.image(node),
        )
        explain = self.text(node, "explain") or ""
        if kind == "cloze":
            return self.cloze_cards(node, card_id, explain, common)
        front = self.text(node, "front", required=True)
        if kind == "basic":
            back = self.text(node, "back", required=True)
            reverse = self.flag(node, "reverse")
            # `accept`: other right answers to the front (never offered as distractors, right when typed);
            # the reverse card asks for the front, which they do not answer.
            accept = tuple(t for t, _ in self.strings(node, "accept"))
            if card_id is None or front is None or back is None:
                return []
            cards = [Card(id=card_id, kind="basic", prompt=front, answer=back, accept=accept, **common)]
            if reverse:
                cards.append(Card(id=f"{card_id}:reverse", kind="basic", prompt=back, answer=front, **common))
            return cards
        answer = self.text(node, "answer", required=True)
        if kind == "typed":
            accept = tuple(t for t, _ in self.strings(node, "accept"))
            grading = self.grading(node)
            if card_id is None or front is None or answer is None:
                return []
            return [
                Card(
                    id=card_id,
                    kind="typed",
                    prompt=front,
                    answer=answer,
                    accept=accept,
                    explain=explain,
                    grade=grading,
                    **common,
                )
            ]
        options = self.options(node)
        if answer is not None and options and answer not in options:
            near = difflib.get_close_matches(answer, options, n=1)
            hint = f"; did you mean {quoted_text(near[0])}?" if near else ""
            self.error(
                self.value(node, "answer") or node, f"the answer {quoted_text(answer)} is not among the options{hint}"
            )
            return []
        if card_id is None or front is None or answer is None or not options:
            return []
        return [
            Card(
                id=card_id,
                kind="choice",
                prompt=front,
                answer=answer,
                options=tuple(options),
                explain=explain,
                **common,
            )
        ]

    @staticmethod
    def kind_hint(kind: str) -> str:
        return f"a {kind} card takes {', '.join(KIND_KEYS[kind])}"

    def options(self, node: Node) -> list[str]:
        options = self.strings(node, "options")
        seen: dict[str, str] = {}
        for text, item in options:
            if _fold(text) in seen:
                self.error(item, f"duplicate option {quoted_text(text)} (same as {quoted_text(seen[_fold(text)])})")
                return []
            seen[_fold(text)] = text
        if len(options) < 2:
            self.error(self.value(node, "options") or node, "a choice card needs at least two options")
            return []
        return [text for text, _ in options]

    def cloze_cards(self, node: Node, card_id: str | None, explain: str, common: CardFields) -> list[Card]:
        text = self.text(node, "cloze", required=True)
        if text is None or card_id is None:
            return []
        value = self.value(node, "cloze") or node
        deletions, problems = parse_cloze(text)
        for problem in problems:
            self.error(self.at_offset(value, problem.offset), problem.message)
        if problems:
            return []
        numbers = cloze_numbers(text)
        if not numbers:
            self.error(value, "cloze text has no deletion; mark one as {{c1::hidden text}} or {{c1::text::hint}}")
            return []
        if any(not d.hidden.strip() for d in deletions):
            self.error(value, "a cloze deletion is empty: {{c1::}}")
            return []
        accept = self.cloze_accept(node, numbers)
        return [
            Card(
                id=f"{card_id}:c{n}",
                kind="cloze",
                prompt=text,
                answer=cloze_answer(text, n),
                accept=accept.get(n, ()),
                cloze=text,
                cloze_number=n,
                explain=explain,
                **common,
            )
            for n in numbers
        ]

    def cloze_accept(self, node: Node, numbers: list[int]) -> dict[int, tuple[str, ...]]:
        """A cloze's `accept: {c1: [...], ...}`: other right answers per deletion (`1` for a kernel size `1×1`)."""
        value = self.value(node, "accept")
        if value is None:
            return {}
        if value.kind != "map":
            self.error(value, "`accept` on a cloze card maps a deletion to its other answers, e.g. {c1: [...]}")
            return {}
        found = {}
        for key, (key_node, _) in value.pairs.items():
            number = re.fullmatch(r"c([1-9]\d{0,5})", key)
            if number is None or int(number.group(1)) not in numbers:
                hidden = ", ".join(f"c{n}" for n in numbers)
                self.error(key_node, f"`accept` names {quoted(key)}, which is not a deletion of this cloze ({hidden})")
                continue
            found[int(number.group(1))] = tuple(t for t, _ in self.strings(value, key))
        return found

    # -- tables --------------------------------------------------------------------------------

    def table(self, node: Node, deck_tags: tuple[str, ...]) -> Table | None:
        if node.kind != "map":
            self.error(node, f"a table must be a mapping (id:, title:, columns:, rows:), not {node.describe()}")
            return None
        self.unknown_keys(node, TABLE_KEYS, "table")
        table_id = self.claim_id(node)
        title = self.text(node, "title", required=True)
        columns = [t for t, _ in self.strings(node, "columns")]
        if "columns" in node.pairs and len(columns) < 2:
            self.error(node.pairs["columns"][1], "a table needs at least two columns")
        elif "columns" not in node.pairs:
            self.error(node, "missing `columns`")
        column_keys: dict[str, str] = {}
        for i, (header, item) in enumerate(self.strings(node, "columns") if len(columns) >= 2 else []):
            first = column_keys.setdefault(column_key(header, i), header)
            if first != header:  # two columns would give their cards the same ids
                self.error(item, f"duplicate column {quoted_text(header)} (same id as {quoted_text(first)})")
                columns = []
        rows: list[tuple[str, ...]] = []
        keys: dict[str, int] = {}
        for row in self.seq(node, "rows"):
            if row.kind != "seq":
                self.error(row, f"a table row must be a list of cells, not {row.describe()}")
                continue
            cells = [c.text for c in row.items if c.kind == "str" and not c.is_null]
            if len(cells) != len(row.items):
                self.error(row, "every cell of a row must be text")
                continue
            if columns and len(cells) != len(columns):
                self.error(row, f"this row has {len(cells)} cells; the table has {len(columns)} columns")
                continue
            key = row_key(cells[0], len(rows))
            if key in keys:
                self.error(row, f"duplicate row {quoted_text(cells[0])} (first at line {keys[key]})")
                continue
            keys[key] = row.line
            rows.append(tuple(cells))
        if "rows" not in node.pairs:
            self.error(node, "missing `rows`")
        if table_id is None or title is None or len(columns) < 2 or not rows:
            return None
        return Table(
            table_id,
            title,
            tuple(columns),
            tuple(rows),
            self.tags(node, deck_tags),
            self.text(node, "source") or "",
            self.demo(node),
            node.line,
        )

    def table_cards(self, table: Table, deck_id: str) -> list[Card]:
        """Multiple-choice cards from a table.

        For each row and value column: "what is in this cell?" with distractors from the same column
        (`table:row:column`). For tables with two or more value columns, also "which column says
        this?" with the column headers as options (`table:row:column:which`), when the row's cells differ.
        """
        cards = []
        key_col = table.columns[0]
        value_cols = list(range(1, len(table.columns)))
        for r, row in enumerate(table.rows):
            row_id = f"{table.id}:{row_key(row[0], r)}"
            common = CardFields(
                deck=deck_id,
                note=row_id,
                tags=table.tags,
                source=table.source,
                demo=table.demo,
                line=table.line,
                image="",
            )
            header = f"{table.title}\n{key_col}: {row[0]}"
            for c in value_cols:
                col_id = column_key(table.columns[c], c)
                options = self.distractors(table, r, c)
                if len(options) >= 2:
                    cards.append(
                        Card(
                            id=f"{row_id}:{col_id}",
                            kind="table",
                            prompt=f"{header}\n{table.columns[c]}: ?",
                            answer=row[c],
                            options=tuple(options),
                            table=table,
                            row=r,
                            **common,
                        )
                    )
                distinct = len({_fold(row[i]) for i in value_cols}) == len(value_cols)
                if len(value_cols) >= 2 and distinct:
                    cards.append(
                        Card(
                            id=f"{row_id}:{col_id}:which",
                            kind="table",
                            prompt=f"{header}\nWhich column says «{row[c]}»?",
                            answer=table.columns[c],
                            options=tuple(table.columns[i] for i in value_cols),
                            table=table,
                            row=r,
                            **common,
                        )
                    )
        return cards

    @staticmethod
    def distractors(table: Table, r: int, c: int, most: int = 3) -> list[str]:
        """The right cell, then up to `most` different cells of the same column, taken from the rows
        after this one (wrapping around), so each row's options are stable and never repeat."""
        answer = table.rows[r][c]
        options, seen = [answer], {_fold(answer)}
        n = len(table.rows)
        for k in range(1, n):
            cell = table.rows[(r + k) % n][c]
            if _fold(cell) not in seen:
                options.append(cell)
                seen.add(_fold(cell))
            if len(options) > most:
                break
        return options


def _cards_made(node: Node) -> int:
    """How many cards the card item `node` makes, counted without checking it: one per cloze number,
    two for a basic card with `reverse: true`, else one (none for an item that is not a mapping)."""
    if node.kind != "map":
        return 0
    cloze = node.pairs.get("cloze")
    if cloze is not None:
        return len(cloze_numbers(cloze[1].text)) if cloze[1].kind == "str" else 0
    reverse = node.pairs.get("reverse")
    return 2 if reverse is not None and reverse[1].kind == "str" and reverse[1].text == "true" else 1


def _table_cards_made(node: Node) -> int:
    """At most how many cards the table item `node` makes, counted without checking it: per row, one per
    value column, twice that with two value columns or more (`table_cards`)."""
    columns = node.pairs.get("columns") if node.kind == "map" else None
    rows = node.pairs.get("rows") if node.kind == "map" else None
    if columns is None or rows is None or columns[1].kind != "seq" or rows[1].kind != "seq":
        return 0
    values = len(columns[1].items) - 1
    return len(rows[1].items) * max(values, 0) * (2 if values >= 2 else 1)


__all__ = ["MAX_BYTES", "MAX_CARDS", "check_deck", "check_deck_bytes", "column_key", "load_deck", "row_key", "slug"]
