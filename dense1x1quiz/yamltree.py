"""A strict, safe YAML reader for decks: text in, a tree of plain strings with positions out.

PyYAML's event stream is used directly (never its constructors), so
- every scalar stays the text the author wrote (`No`, `on`, `0777`, `3.10`, `~` are strings);
- anchors, aliases and tags are refused where they appear, so no alias bomb can expand and no
  tag can build an object;
- duplicate keys, several documents and nesting deeper than a deck needs are reported with their
  line and column.
"""

from __future__ import annotations

from types import MappingProxyType

import yaml

from dense1x1quiz.text import quoted

try:  # libyaml's parser when present: the same events, several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _Loader

MAX_DEPTH = 5  # top mapping → cards → card → options / demo; tables → rows → row


class YamlError(Exception):
    """A problem at a position; `line` and `col` count from 1."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


_NO_ITEMS: tuple = ()
# Shared by every scalar: read-only, so sharing is safe.
_NO_PAIRS: MappingProxyType[str, tuple[Node, Node]] = MappingProxyType({})


class Node:
    """A YAML value: `kind` is 'map', 'seq' or 'str'.

    Slotted, and scalars share one empty `items`/`pairs`: a 20,000-card deck has ~200,000 nodes.
    """

    __slots__ = ("kind", "line", "col", "text", "plain", "items", "pairs")

    def __init__(self, kind: str, line: int, col: int, text: str = "", plain: bool = False):
        self.kind = kind
        self.line = line
        self.col = col
        self.text = text  # for 'str'
        self.plain = plain  # an unquoted scalar (so an empty one means "no value")
        self.items: list[Node] = [] if kind == "seq" else _NO_ITEMS  # type: ignore[assignment]
        # for 'map': key → (key node, value node)
        self.pairs: dict[str, tuple[Node, Node]] = {} if kind == "map" else _NO_PAIRS  # type: ignore[assignment]

    @property
    def is_null(self) -> bool:
        """An empty plain scalar, as in `back:` with nothing after it."""
        return self.kind == "str" and self.plain and self.text == ""

    def describe(self) -> str:
        return {"map": "a mapping", "seq": "a list", "str": "text"}[self.kind]

    def __repr__(self) -> str:
        return f"Node({self.kind!r}, {self.line}, {self.col}, {self.text!r})"


def _pos(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _marked(event: yaml.Event, problems: list[YamlError]) -> None:
    """Report the anchor and the tag on `event` (both are refused)."""
    if event.anchor is not None:
        problems.append(YamlError(*_pos(event), f"anchors (&{event.anchor}) are not allowed in a deck"))
    if event.tag is not None:
        problems.append(YamlError(*_pos(event), f"tags ({event.tag}) are not allowed in a deck"))


def parse(text: str) -> tuple[Node | None, list[YamlError]]:
    """The single document in `text` as a Node tree (None when the text holds no document), and the
    problems that did not stop reading: anchors, aliases (read as empty values), tags, duplicate keys.

    Raises YamlError for problems that do: syntax, several documents, too deep nesting.
    """
    loader = _Loader(text)
    try:
        return _build(loader.get_event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = str(exc.problem or exc.context)
        if "nesting depth" in problem:
            problem = f"nesting deeper than a deck needs ({MAX_DEPTH} levels)"
        raise YamlError(line, col, f"YAML syntax: {problem}") from None
    except yaml.YAMLError as exc:  # errors without a position (e.g. from the reader)
        raise YamlError(1, 1, f"YAML: {exc}") from None
    finally:
        loader.dispose()


def _build(get_event) -> tuple[Node | None, list[YamlError]]:
    """The event loop of `parse`. It runs once per scalar of a deck, so it is written for speed:
    exact class tests instead of isinstance, the innermost container and its pending key in locals."""
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    problems: list[YamlError] = []
    stack: list[tuple[Node | None, Node | None]] = []  # enclosing containers and their pending keys
    parent: Node | None = None  # the innermost open container
    key: Node | None = None  # its pending key, for a mapping
    root: Node | None = None
    documents = 0
    while True:
        event = get_event()
        cls = event.__class__
        if cls is scalar_event:
            if event.anchor is not None or event.tag is not None:
                _marked(event, problems)
            mark = event.start_mark
            node = Node("str", mark.line + 1, mark.column + 1, event.value, not event.style)
        elif cls is map_start or cls is seq_start:
            if event.anchor is not None or event.tag is not None:
                _marked(event, problems)
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise YamlError(
                    mark.line + 1, mark.column + 1, f"nesting deeper than a deck needs ({MAX_DEPTH} levels)"
                )
            node = Node("map" if cls is map_start else "seq", mark.line + 1, mark.column + 1)
        elif cls in ends:
            parent, key = stack.pop()
            continue
        elif cls is alias_event:
            problems.append(YamlError(*_pos(event), f"aliases (*{event.anchor}) are not allowed in a deck"))
            node = Node("str", *_pos(event), plain=True)
        elif cls is doc_start:
            documents += 1
            if documents > 1:
                raise YamlError(*_pos(event), "a deck file holds one YAML document; found a second one")
            continue
        elif cls is stream_end or event is None:
            return root, problems
        else:  # stream start, document end
            continue
        # Put the node into the innermost open container.
        if parent is None:
            root = node
        elif parent.kind == "seq":
            parent.items.append(node)
        elif key is None:
            if node.kind != "str":
                raise YamlError(node.line, node.col, "a key must be plain text, not " + node.describe())
            first = parent.pairs.get(node.text)
            if first is not None:
                problems.append(
                    YamlError(node.line, node.col, f"duplicate key {quoted(node.text)} (first at line {first[0].line})")
                )
            key = node
        else:
            parent.pairs.setdefault(key.text, (key, node))  # a duplicate key's value is dropped
            key = None
        if node.kind != "str":
            stack.append((parent, key))
            parent, key = node, None


__all__ = ["MAX_DEPTH", "Node", "YamlError", "parse"]
