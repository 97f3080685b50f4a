"""The deck format: what loads, what every bad input is told, and that nothing changes an answer."""

from __future__ import annotations

import textwrap
import time

import pytest

from dense1x1quiz.deck import check_deck, load_deck
from dense1x1quiz.errors import DeckError
from dense1x1quiz.model import cloze_prompt

HEAD = "deck: t\ntitle: T\n"


def write(tmp_path, text: str | bytes, name: str = "deck.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def messages(path) -> list[str]:
    """Every problem as `line:col: message`, without the file name."""
    _, problems = check_deck(path)
    return [str(p).removeprefix(f"{path}:") for p in problems]


GOOD = """\
    deck: sample
    title: Sample deck
    tags: [base]
    cards:
      - id: basic1
        front: What does a $1 \\times 1$ conv keep?
        back: The spatial size.
        reverse: true
        tags: [shape]
        demo: {name: shapes, cin: 64, layout: nhwc, seed: 0}
      - id: typed1
        front: Output shape?
        answer: 56×56×64
        accept: [56 x 56 x 64]
        source: He et al. 2015
      - id: choice1
        front: Pick one
        options: [No, Yes, on]
        answer: No
        explain: Plain YAML 1.1 would have made these booleans.
      - id: cloze1
        cloze: "A 1×1 conv has {{c1::C_in·C_out::weights}} weights and {{c2::C_out}} biases"
    tables:
      - id: cmp
        title: Dense vs 1×1
        columns: [Feature, Dense, 1×1 conv]
        rows:
          - [Input, Flattened vector, 3D tensor]
          - [Spatial info, Lost, Preserved]
          - [Use, Final classification, Feature transformation]
"""


def test_a_good_deck_loads_every_card_kind(tmp_path):
    deck = load_deck(write(tmp_path, GOOD))
    assert (deck.id, deck.title) == ("sample", "Sample deck")
    ids = [c.id for c in deck.cards]
    assert ids[:6] == ["basic1", "basic1:reverse", "typed1", "choice1", "cloze1:c1", "cloze1:c2"]
    assert ids[6:10] == ["cmp:input:dense", "cmp:input:dense:which", "cmp:input:1x1-conv", "cmp:input:1x1-conv:which"]
    assert len(ids) == 6 + 3 * 2 * 2
    basic, reverse, typed, choice, c1, c2 = deck.cards[:6]
    assert (reverse.prompt, reverse.answer) == (basic.answer, basic.prompt)
    assert basic.note == reverse.note == "basic1"
    assert basic.tags == ("base", "shape")
    assert basic.demo is not None and basic.demo.name == "shapes"
    assert dict(basic.demo.params) == {"cin": 64, "layout": "nhwc", "seed": 0}
    assert (typed.kind, typed.answer, typed.accept, typed.source) == (
        "typed",
        "56×56×64",
        ("56 x 56 x 64",),
        "He et al. 2015",
    )
    assert (choice.options, choice.answer) == (("No", "Yes", "on"), "No")
    assert (c1.answer, c2.answer) == ("C_in·C_out", "C_out")
    assert cloze_prompt(c1.cloze, 1) == "A 1×1 conv has [weights] weights and C_out biases"
    assert cloze_prompt(c2.cloze, 2) == "A 1×1 conv has C_in·C_out weights and […] biases"


def test_basic_and_cloze_cards_take_other_right_answers(tmp_path):
    """`accept:` on a basic card is for its front (not its reverse card, which asks for the front);
    on a cloze it maps each deletion to its own."""
    deck = load_deck(
        write(
            tmp_path,
            """\
            deck: acc
            title: Accepted answers
            cards:
              - {id: b, front: What does a 1×1 conv do?, back: Mixes channels per pixel, reverse: true,
                 accept: [A per-pixel dense layer]}
              - id: k
                cloze: 'kernel size {{c1::1×1}}, stride {{c2::1}}, {{c3::same}}'
                accept: {c1: ['1', '(1, 1)'], c2: ['one']}
            """,
        )
    )
    basic, reverse, c1, c2, c3 = deck.cards
    assert (basic.id, basic.accept) == ("b", ("A per-pixel dense layer",))
    assert (reverse.id, reverse.accept) == ("b:reverse", ())
    assert [(c.id, c.answer, c.accept) for c in (c1, c2, c3)] == [
        ("k:c1", "1×1", ("1", "(1, 1)")),
        ("k:c2", "1", ("one",)),
        ("k:c3", "same", ()),
    ]


def test_table_cards_ask_cells_and_columns_with_distinct_options(tmp_path):
    deck = load_deck(write(tmp_path, GOOD))
    cards = {c.id: c for c in deck.cards}
    lost = cards["cmp:spatial-info:dense"]
    assert lost.prompt == "Dense vs 1×1\nFeature: Spatial info\nDense: ?"
    assert lost.answer == "Lost"
    assert lost.options == ("Lost", "Final classification", "Flattened vector")
    which = cards["cmp:spatial-info:1x1-conv:which"]
    assert which.prompt == "Dense vs 1×1\nFeature: Spatial info\nWhich column says «Preserved»?"
    assert (which.answer, which.options) == ("1×1 conv", ("Dense", "1×1 conv"))
    for card in deck.cards:
        if card.options:
            assert card.answer in card.options
            assert len({o.casefold() for o in card.options}) == len(card.options)


def test_table_cards_skip_columns_without_distractors(tmp_path):
    deck = load_deck(
        write(
            tmp_path,
            HEAD
            + """\
tables:
  - id: t
    title: Same
    columns: [k, v]
    rows: [[a, x], [b, X]]
""",
        )
    )
    assert deck.cards == ()


@pytest.mark.parametrize(
    "scalar",
    ["No", "on", "off", "yes", "0777", "1:30", "3.10", "2001-12-14", "~", "null", "1e3", "0x1F", ".inf", "12_000"],
)
def test_plain_scalars_stay_exactly_as_written(tmp_path, scalar):
    deck = load_deck(write(tmp_path, HEAD + f"cards:\n  - id: a\n    front: {scalar}\n    answer: {scalar}\n"))
    assert (deck.cards[0].prompt, deck.cards[0].answer) == (scalar, scalar)


# One bad deck per error kind: (deck text, the exact problems reported as line:col: message).
BAD = {
    "yaml syntax": (HEAD + "cards: [\n", ["4:1: YAML syntax: did not find expected node content"]),
    "duplicate key": (HEAD + "title: again\ncards: []\n", ["3:1: duplicate key `title` (first at line 2)"]),
    "anchor and alias": (
        HEAD + "cards:\n  - &c {id: a, front: x, back: y}\n  - *c\n",
        [
            "4:5: anchors (&c) are not allowed in a deck",
            "5:5: aliases (*c) are not allowed in a deck",
            "5:5: a card must be a mapping (id:, front:, …), not text",
        ],
    ),
    "python tag": (
        HEAD + "cards:\n  - id: a\n    front: !!python/object/apply:os.system [ls]\n    back: y\n",
        [
            "5:12: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed in a deck",
            "5:12: `front` must be text, not a list",
        ],
    ),
    "local tag": (
        HEAD + "cards:\n  - id: a\n    front: !foo x\n    back: y\n",
        ["5:12: tags (!foo) are not allowed in a deck"],
    ),
    "unknown key with a hint": (
        HEAD + "cards:\n  - id: a\n    fornt: x\n    back: y\n",
        [
            "4:5: missing `front`",
            "5:5: unknown key `fornt`; did you mean `front`?",
        ],
    ),
    "unknown top-level key": (
        HEAD + "cardz: []\n",
        [
            "1:1: a deck needs `cards:` or `tables:`",
            "3:1: unknown key `cardz`; did you mean `cards`?",
        ],
    ),
    "key of another kind": (
        HEAD + "cards:\n  - id: a\n    front: x\n    answer: y\n    reverse: true\n",
        ["7:5: `reverse` does not belong on a typed card (a typed card takes front, answer, accept, explain, grade)"],
    ),
    "missing fields": (
        HEAD + "cards:\n  - front: x\n    back:\n",
        [
            "4:5: missing `id`",
            "4:5: `back` has no value",
        ],
    ),
    "missing deck id and title": ("cards: []\n", ["1:1: missing `deck`", "1:1: missing `title`"]),
    "duplicate ids": (
        HEAD + "cards:\n  - {id: a, front: x, back: y}\n  - {id: a, front: z, back: w}\n",
        ["5:10: duplicate id `a` (first at line 4)"],
    ),
    "bad id": (
        HEAD + "cards:\n  - {id: 'a b', front: x, back: y}\n",
        ["4:10: `id: a b` is not a valid id (letters, digits, '.', '_', '-'; at most 80)"],
    ),
    "choice answer not among options": (
        HEAD + "cards:\n  - id: a\n    front: q\n    options: [x, y]\n    answer: X2\n",
        ["7:13: the answer 'X2' is not among the options"],
    ),
    "duplicate options": (
        HEAD + "cards:\n  - id: a\n    front: q\n    options: [x, y, ' X']\n    answer: x\n",
        ["6:21: duplicate option ' X' (same as 'x')"],
    ),
    "cloze without deletion": (
        HEAD + "cards:\n  - id: a\n    cloze: nothing hidden\n",
        ["5:12: cloze text has no deletion; mark one as {{c1::hidden text}} or {{c1::text::hint}}"],
    ),
    "row with wrong cells": (
        HEAD + "tables:\n  - id: t\n    title: T\n    columns: [a, b]\n    rows:\n      - [x, y]\n      - [z]\n",
        ["9:9: this row has 1 cells; the table has 2 columns"],
    ),
    "unknown demo": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, demo: shape}\n",
        ["4:38: unknown demo `shape` (did you mean `shapes`?); `quiz demo` lists them"],
    ),
    "bad demo parameter": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, demo: {name: shapes, cin: -3}}\n",
        ["4:38: demo shapes: cin must be a whole number from 1 to 100,000, not '-3'"],
    ),
    "parameter the demo does not take": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, demo: {name: inception, cout: 3}}\n",
        ["4:38: demo inception takes no `cout` (its sizes: height, width, cin, batch)"],
    ),
    "superscript digit as a size": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, demo: {name: shapes, cin: '²'}}\n",
        ["4:38: demo shapes: cin must be a whole number from 1 to 100,000, not '²'"],
    ),
    "columns with the same id": (
        HEAD + "tables:\n  - id: t\n    title: T\n    columns: [Name, Params, params]\n"
        "    rows: [[a, b, c], [d, e, f]]\n",
        ["6:29: duplicate column 'params' (same id as 'Params')"],
    ),
    "negative seed": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, demo: {name: shapes, seed: '-1'}}\n",
        ["4:38: demo shapes: seed must be a whole number from 0 to 100,000, not '-1'"],
    ),
    "bad flag": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, reverse: yes}\n",
        ["4:41: `reverse` must be true or false, not 'yes'"],
    ),
    "top level not a mapping": (
        "- a\n- b\n",
        ["1:1: the top level of a deck must be a mapping (deck:, title:, cards:), not a list"],
    ),
    "several documents": (
        HEAD + "cards: []\n---\ndeck: u\n",
        ["4:1: a deck file holds one YAML document; found a second one"],
    ),
    "too deep": (
        HEAD + "cards:\n  - id: a\n    front: [[[[x]]]]\n",
        ["5:14: nesting deeper than a deck needs (5 levels)"],
    ),
    "comments only": ("# nothing\n", ["1:1: holds no deck (the file has only comments or blank lines)"]),
    "cloze accept as a list": (
        HEAD + "cards:\n  - {id: a, cloze: 'k {{c1::1×1}}', accept: ['1']}\n",
        ["4:45: `accept` on a cloze card maps a deletion to its other answers, e.g. {c1: [...]}"],
    ),
    "cloze accept for no deletion": (
        HEAD + "cards:\n  - {id: a, cloze: 'k {{c1::1×1}} {{c2::x}}', accept: {c3: ['1'], one: ['1']}}\n",
        [
            "4:56: `accept` names `c3`, which is not a deletion of this cloze (c1, c2)",
            "4:67: `accept` names `one`, which is not a deletion of this cloze (c1, c2)",
        ],
    ),
    "empty accepted answer on a basic card": (
        HEAD + "cards:\n  - {id: a, front: x, back: y, accept: ['']}\n",
        ["4:41: every entry of `accept` must be non-empty text"],
    ),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_each_bad_deck_gets_its_exact_message(tmp_path, kind):
    text, expected = BAD[kind]
    path = write(tmp_path, text)
    assert messages(path) == expected
    with pytest.raises(DeckError):
        load_deck(path)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "1:1: is empty"),
        (b"deck: t\ntitle: caf\xe9\n", "2:11: is not UTF-8 text (byte 0xe9); save the file as UTF-8"),
        (b"deck: t\ntitle: a\x00b\n", "2:9: contains a NUL character; is this a text file?"),
    ],
)
def test_bytes_that_are_not_a_deck(tmp_path, data, expected):
    assert messages(write(tmp_path, data)) == [expected]


def test_oversized_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    import dense1x1quiz.deck as deck_module

    monkeypatch.setattr(deck_module, "MAX_BYTES", 100)
    path = write(tmp_path, HEAD + "description: " + "x" * 200 + "\n")
    assert messages(path) == ["1:1: is larger than a deck may be (100 bytes)"]


def test_mojibake_is_a_warning_with_the_repair(tmp_path):
    text = HEAD + "cards:\n  - {id: a, front: 'H Ã— W â€“ Cin', back: y}\n"
    deck, problems = check_deck(write(tmp_path, text))
    assert deck is not None and len(deck.cards) == 1
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "warning: looks like mojibake (UTF-8 read as Windows-1252/1254): 'Ã—'; "
        "probably meant: \"- {id: a, front: 'H × W – Cin', back: y}\"",
    ]
    assert all(p.warning for p in problems)


def test_turkish_mojibake_of_an_emoji_is_found(tmp_path):
    emoji_1254 = "🧠".encode().decode("cp1254", errors="replace")
    _, problems = check_deck(write(tmp_path, HEAD + f"description: '{emoji_1254} notes'\ncards: []\n"))
    assert [p.line for p in problems] == [3] and problems[0].warning


@pytest.mark.parametrize(
    "text, expected",
    [
        # billion laughs: refused at the first anchor, nothing expands
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            "1:4: anchors (&a) are not allowed in a deck",
        ),
        ("[" * 5000 + "]" * 5000, "1:1001: YAML syntax: nesting deeper than a deck needs (5 levels)"),
        ("- " * 5000 + "x\n", "1:11: nesting deeper than a deck needs (5 levels)"),
        (
            HEAD + "cards:\n  - {id: a, front: x, back: y, demo: {name: shapes, cin: " + "9" * 4301 + "}}\n",
            "4:38: demo shapes: cin must be a whole number from 1 to 100,000, not '" + "9" * 4301 + "'",
        ),
    ],
)
def test_hostile_input_gets_its_message_without_hanging(tmp_path, text, expected):
    path = write(tmp_path, text)
    start = time.perf_counter()
    found = messages(path)
    assert time.perf_counter() - start < 2.0  # a guard against hanging, not a speed figure
    assert expected in found


def test_a_4301_digit_number_stays_text(tmp_path):
    digits = "9" * 4301
    deck = load_deck(write(tmp_path, HEAD + f"cards:\n  - {{id: a, front: x, answer: {digits}}}\n"))
    assert deck.cards[0].answer == digits


def test_every_problem_of_a_file_is_reported_in_line_order(tmp_path):
    path = write(
        tmp_path,
        HEAD + "cards:\n  - id: a\n    fornt: x\n  - id: a\n    front: q\n    options: [x]\n"
        "    answer: x\n  - id: c\n    cloze: none\n",
    )
    lines = [int(m.split(":")[0]) for m in messages(path)]
    assert lines == sorted(lines) and len(lines) >= 5
