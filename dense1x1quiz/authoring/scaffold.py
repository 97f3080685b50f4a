"""`quiz new`: a commented deck that shows every card kind and validates as written."""

from __future__ import annotations

import os
from pathlib import Path

from dense1x1quiz.authoring.deck_writer import scalar
from dense1x1quiz.authoring.draft import make_id
from dense1x1quiz.authoring.files import WriteError, why
from dense1x1quiz.errors import QuizError
from dense1x1quiz.text import one_line

TEMPLATE = """\
# A dense1x1quiz deck. Check it with `quiz validate {path_name}`, study it with `quiz study {path_name}`.
# Every card needs an `id` that is unique in this deck: review history is kept per id, so you may
# edit a card's text freely, but keep its id. Text stays exactly as written (No, 0777, 3.10 are text);
# quote it ("…") when it contains `: ` or ` #` or starts with a symbol. $…$ is LaTeX math.

deck: {deck_id}            # the deck's id: letters, digits, . _ -
title: {title}
description: What this deck is about (optional).
tags: [my-notes]           # optional; given to every card

cards:
  # basic: a front and a back; `reverse: true` adds a second card asking back → front.
  - id: dense-definition
    front: What is a dense (fully connected) layer?
    back: A layer where every input is connected to every output, $y = Wx + b$.
    reverse: false
    source: My lecture notes, week 3   # optional, shown with the answer

  # typed: you type the answer; `accept` lists other answers that count as right.
  - id: conv1x1-params
    front: "Parameters of a 1×1 convolution with $C_{{in}} = 64$, $C_{{out}} = 32$, no bias?"
    answer: "2048"
    accept: ["2,048", "2 048"]
    explain: "$C_{{in}} \\\\times C_{{out}} = 64 \\\\times 32$"
    demo: {{name: shapes, cin: 64, cout: 32}}   # optional: `s` during study runs this demo

  # choice: pick one of the options; `answer` must be one of them, word for word.
  - id: spatial-info
    front: Which layer keeps the spatial layout (H × W) of its input?
    options: [Dense layer, 1×1 convolution]
    answer: 1×1 convolution
    explain: A 1×1 convolution works on each pixel separately and keeps H × W.
    tags: [comparison]

  # cloze: {{{{c1::hidden text}}}} or {{{{c1::hidden text::hint}}}}; one card per number.
  - id: conv1x1-is-dense
    cloze: "A 1×1 convolution is a {{{{c1::dense layer}}}} applied at every {{{{c2::pixel::where?}}}}."
    explain: Same weights at every position, mixing channels only.

tables:
  # A table is shown as a table and asks multiple-choice questions about its cells.
  # The first column names the rows; every row has one cell per column.
  - id: dense-vs-1x1
    title: Dense layer vs 1×1 convolution
    columns: [Feature, Dense layer, 1×1 convolution]
    rows:
      - [Input, Flattened vector, H × W × C tensor]
      - [Spatial info, Lost, Preserved]
      - [Typical use, Final classification, Channel mixing inside a CNN]
"""


def scaffold_text(path: Path, title: str | None = None) -> str:
    """The commented example deck for `path` (deck id from the file name)."""
    deck_id = make_id(path.stem, set(), fallback="my-deck")
    stem = _utf8(path.stem)
    title = _utf8(title) if title and title.strip() else stem.replace("-", " ").replace("_", " ").strip().capitalize()
    # The file name is user text in a comment: one line, controls (and bytes not UTF-8) made visible.
    return TEMPLATE.format(path_name=one_line(path.name), deck_id=deck_id, title=scalar(title or "My deck", 2))


def _utf8(text: str) -> str:
    """Command-line text as a UTF-8 deck can hold it: bytes that were not UTF-8 (which Python keeps as
    lone surrogates) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def write_scaffold(path: Path, title: str | None = None) -> Path:
    """Write the example deck to `path`; never overwrites an existing file."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml") if not path.suffix else path
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise QuizError(f"{path}: a deck file name ends in .yaml")
    text = scaffold_text(path, title)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # O_EXCL: never clobber
    except FileExistsError:
        raise QuizError(f"{path} already exists; not overwriting it (choose another name)") from None
    except OSError as exc:
        raise WriteError(path, why(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as exc:  # disk full: leave no half deck behind to block the next try
        path.unlink(missing_ok=True)
        raise WriteError(path, why(exc)) from None
    return path


__all__ = ["TEMPLATE", "scaffold_text", "write_scaffold"]
