"""A strict, safe YAML reader for decks: text in, a tree of plain strings with positions out.

PyYAML's event stream is used directly (never its constructors), so
- every scalar stays the text the author wrote (`No`, `on`, `0777`, `3.10`, `~` are strings);
- anchors, aliases and tags are refused where they appear, so no alias bomb can expand and no
  tag can build an object;
- duplicate keys, several documents and nesting deeper than a deck needs are reported with their
  line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:  # libyaml's parser when present: the same events, several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 5  # top mapping → cards → card → options / demo; tables → rows → row


class YamlError(Exception):
    """A problem at a position; `line` and `col` count from 1."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass
class Node:
    """A YAML value: `kind` is 'map', 'seq' or 'str'."""

    kind: str
    line: int
    col: int
    text: str = ""  # for 'str'
    plain: bool = False  # an unquoted scalar (so an empty one means "no value")
    items: list[Node] = field(default_factory=list)  # for 'seq'
    pairs: dict[str, tuple[Node, Node]] = field(default_factory=dict)  # for 'map': key → (key node, value)

    @property
    def is_null(self) -> bool:
        """An empty plain scalar, as in `back:` with nothing after it."""
        return self.kind == "str" and self.plain and self.text == ""

    def describe(self) -> str:
        return {"map": "a mapping", "seq": "a list", "str": "text"}[self.kind]


def _pos(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def parse(text: str) -> tuple[Node | None, list[YamlError]]:
    """The single document in `text` as a Node tree (None when the text holds no document), and the
    problems that did not stop reading: anchors, aliases (read as empty values), tags, duplicate keys.

    Raises YamlError for problems that do: syntax, several documents, too deep nesting.
    """
    events = yaml.parse(text, Loader=_Loader)
    stack: list[tuple[Node, Node | None]] = []  # open containers; for maps, the pending key node
    root: Node | None = None
    documents = 0
    problems: list[YamlError] = []
    try:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError(*_pos(event), "a deck file holds one YAML document; found a second one")
                continue
            if isinstance(event, yaml.AliasEvent):
                problems.append(YamlError(*_pos(event), f"aliases (*{event.anchor}) are not allowed in a deck"))
                _attach(stack, Node("str", *_pos(event), plain=True), problems)
                continue
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if event.anchor is not None:
                    problems.append(YamlError(*_pos(event), f"anchors (&{event.anchor}) are not allowed in a deck"))
                if event.tag is not None:
                    problems.append(YamlError(*_pos(event), f"tags ({event.tag}) are not allowed in a deck"))
                line, col = _pos(event)
                if isinstance(event, yaml.ScalarEvent):
                    node = Node("str", line, col, text=event.value, plain=not event.style)  # libyaml says "" for plain
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise YamlError(line, col, f"nesting deeper than a deck needs ({MAX_DEPTH} levels)")
                    node = Node("map" if isinstance(event, yaml.MappingStartEvent) else "seq", line, col)
                root = _attach(stack, node, problems) or root
                if node.kind != "str":
                    stack.append((node, None))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = str(exc.problem or exc.context)
        if "nesting depth" in problem:
            problem = f"nesting deeper than a deck needs ({MAX_DEPTH} levels)"
        raise YamlError(line, col, f"YAML syntax: {problem}") from None
    except yaml.YAMLError as exc:  # errors without a position (e.g. from the reader)
        raise YamlError(1, 1, f"YAML: {exc}") from None
    return root, problems


def _attach(stack: list[tuple[Node, Node | None]], node: Node, problems: list[YamlError]) -> Node | None:
    """Put `node` into the innermost open container; returns it when it is the document root."""
    if not stack:
        return node
    parent, pending_key = stack[-1]
    if parent.kind == "seq":
        parent.items.append(node)
    elif pending_key is None:
        if node.kind != "str":
            raise YamlError(node.line, node.col, "a key must be plain text, not " + node.describe())
        if node.text in parent.pairs:
            first = parent.pairs[node.text][0]
            problems.append(YamlError(node.line, node.col, f"duplicate key `{node.text}` (first at line {first.line})"))
        stack[-1] = (parent, node)
    else:
        parent.pairs.setdefault(pending_key.text, (pending_key, node))  # a duplicate key's value is dropped
        stack[-1] = (parent, None)
    return None


__all__ = ["MAX_DEPTH", "Node", "YamlError", "parse"]
