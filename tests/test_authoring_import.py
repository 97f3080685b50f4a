"""`quiz import`: the shared notes become a deck that validates, word for word, mojibake or not."""

from __future__ import annotations

import codecs
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dense1x1quiz.authoring.import_deck import import_to_deck
from dense1x1quiz.authoring.markdown_import import parse_notes
from dense1x1quiz.deck import check_deck, load_deck
from dense1x1quiz.errors import QuizError

FIXTURE = Path(__file__).parent / "fixtures" / "dense-vs-1x1.md"
SHARED = Path(__file__).parents[2] / "shared/notes/dense-vs-1x1.md"
NOTES = [p for p in (SHARED, FIXTURE) if p.exists()]

Q_AND_A = [
    ("What does a 1×1 convolution do?", "Applies a fully connected layer across channels at every pixel location."),
    ("How does 1×1 conv help in model design?", "Reduces channels, adds non-linearity, and mixes features."),
    ("Is spatial info preserved in 1×1 conv?", "Yes, spatial structure (H×W) is preserved."),
    (
        "Dense vs 1×1 conv – main difference?",
        "Dense operates on flattened input, 1×1 conv works on spatial tensor and maintains structure.",
    ),
]
USE_CASES = (
    ("Purpose", "Explanation"),
    (
        ("Dimensionality Reduction", "Reduces channel size"),
        ("Feature Combination", "Merges channel info at each pixel"),
        ("Non-linearity Addition", "Allows activation functions between layers"),
        ("Replaces Dense Layers", "In fully conv nets (like GoogleNet, MobileNet)"),
    ),
)
COMPARISON = (
    ("Feature", "Dense Layer", "1x1 Convolution"),
    (
        ("Input", "Flattened vector", "3D tensor (H×W×C)"),
        ("Connectivity", "Fully connected (global)", "Local (per pixel, across channels)"),
        ("Spatial Info", "Lost", "Preserved"),
        ("Use Case", "Final classification layer", "Feature transformation in CNN"),
    ),
)

# What the undefined bytes of a Windows code page become in a browser: the Latin-1 character.
codecs.register_error("keep_byte", lambda e: (chr(e.object[e.start]), e.start + 1))


def test_the_fixture_is_a_copy_of_the_shared_notes():
    if not SHARED.exists():
        pytest.skip("../shared is not beside this checkout")
    assert FIXTURE.read_bytes() == SHARED.read_bytes()


def import_file(path: Path, tmp_path: Path, **kw):
    return import_to_deck(path, tmp_path / "out" / "deck.yaml", deck_id=kw.pop("deck_id", "notes"), **kw)


@pytest.mark.parametrize("notes", NOTES, ids=lambda p: p.parent.name)
def test_shared_notes_give_the_four_pairs_and_both_tables(notes, tmp_path):
    result = import_file(notes, tmp_path)
    deck = load_deck(result.path)  # validates
    basics = [(c.prompt, c.answer) for c in deck.cards if c.kind == "basic"]
    for pair in Q_AND_A:
        assert pair in basics
    assert [(t.title, t.columns, t.rows) for t in deck.tables] == [
        ("Use Cases of 1x1 Convolution", *USE_CASES),
        ("Comparison: Dense Layer vs 1x1 Convolution", *COMPARISON),
    ]
    assert deck.title == "Dense Layer vs 1x1 Convolution – Complete Notes"
    assert deck.id == "notes"


def test_headings_definitions_lists_and_math(tmp_path):
    deck = load_deck(import_file(FIXTURE, tmp_path).path)
    cards = {c.id: c for c in deck.cards}
    definition = cards["definition-dense-layer-fully-connected"]
    assert definition.prompt == "Dense Layer (Fully Connected Layer) — Definition"  # 🔹 and ':' dropped
    assert definition.answer == (
        "A dense layer is a fully connected layer where every input neuron is connected to every output neuron."
    )
    assert cards["what-is-1x1-convolution"].answer.endswith(
        "It processes each spatial location (pixel) independently across all channels."
    )  # ** dropped
    formula = cards["formula-dense-layer-fully-connected"].answer
    assert formula.startswith("$$\ny = Wx + b\n$$\n\n• $x$: Input vector\n")  # display math kept
    shape = [c for c in deck.cards if c.note == "input-output-shape-1x1-convolution"]
    assert [(c.kind, c.answer) for c in shape] == [
        ("cloze", r"$H \times W \times C_{in}$"),
        ("cloze", "1×1×$C_{in}$ (depth same as input channels)"),
        ("cloze", r"$H \times W \times C_{out}$"),
    ]
    summary = cards["summary-points"].answer.splitlines()
    assert summary[0] == "• 1x1 convolution = per-pixel dense layer across channels."
    assert not any("🧠" in c.prompt or "🔹" in c.prompt for c in deck.cards)
    assert not any("PyTorch" in c.answer for c in deck.cards)  # code blocks and their labels are skipped
    assert result_warnings(FIXTURE) == [
        "76: code block skipped (cards hold no code)",
        "83: code block skipped (cards hold no code)",
    ]


def result_warnings(path: Path) -> list[str]:
    notes = parse_notes(path.read_text(encoding="utf-8"), "x", "")
    return [w.removeprefix(":") for w in notes.warnings]


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_mojibake_notes_give_the_same_deck_and_say_what_was_repaired(codepage, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    garbled = text.encode("utf-8").decode(codepage, errors="keep_byte")
    brain = {"cp1252": "ðŸ§\xa0", "cp1254": "ğŸ§\xa0"}[codepage]  # 🧠 as each code page shows it
    assert "â€“" in garbled and "Ã—" in garbled and brain in garbled
    bad = tmp_path / "garbled.md"
    bad.write_text(garbled, encoding="utf-8")
    clean = import_file(FIXTURE, tmp_path / "a")
    repaired = import_file(bad, tmp_path / "b")
    assert repaired.deck.cards == clean.deck.cards
    assert repaired.deck.title == clean.deck.title
    lines = {r.line: (r.before, r.after) for r in repaired.notes.repairs}
    assert lines[1] == ("â€“", "–")
    assert len(lines) == sum(1 for line in text.splitlines() if not line.isascii())


def test_mojibake_with_lost_bytes_still_gives_the_same_cards(tmp_path):
    """Bytes a code page lacks are often replaced by '?' or U+FFFD; they sit in emoji, which headings drop."""
    text = FIXTURE.read_text(encoding="utf-8")
    bad = tmp_path / "lossy.md"
    bad.write_text(text.encode("utf-8").decode("cp1252", errors="replace"), encoding="utf-8")
    clean, lossy = import_file(FIXTURE, tmp_path / "a"), import_file(bad, tmp_path / "b")
    assert [(c.id, c.prompt, c.answer) for c in lossy.deck.cards] == [
        (c.id, c.prompt, c.answer) for c in clean.deck.cards
    ]


NOTES_V1 = textwrap.dedent("""\
    # Conv notes

    Q: What is a 1×1 convolution?
    A: A dense layer applied at every pixel.

    Q: Does it keep H × W?
    A: Yes.

    Spatial info :: preserved by 1×1 conv

    ## Kernel size

    The kernel of a 1×1 convolution is one pixel wide.
""")


def test_reimport_keeps_ids_and_reports_added_changed_removed(tmp_path):
    notes = tmp_path / "conv.md"
    out = tmp_path / "conv.yaml"
    notes.write_text(NOTES_V1)
    first = import_to_deck(notes, out)
    ids = [c.id for c in first.deck.cards]
    assert ids == ["what-is-a-1x1-convolution", "does-it-keep-h-w", "spatial-info", "kernel-size"]
    assert first.deck.id == "conv" and not first.updated

    same = import_to_deck(notes, out)
    assert (same.changes.added, same.changes.changed, same.changes.removed, same.changes.unchanged) == ([], [], [], 4)

    notes.write_text(
        NOTES_V1.replace("What is a 1×1 convolution?", "What is a 1×1 convolution, really?")
        .replace("A: Yes.", "A: Yes, it keeps H × W.")
        .replace("Spatial info :: preserved by 1×1 conv\n", "")
        + "\nQ: Who used it first?\nA: Network in Network (2013).\n"
    )
    second = import_to_deck(notes, out)
    assert second.updated
    assert second.changes.changed == ["what-is-a-1x1-convolution", "does-it-keep-h-w"]
    assert second.changes.removed == ["spatial-info"]
    assert second.changes.added == ["who-used-it-first"]
    cards = {c.id: c for c in load_deck(out).cards}
    assert cards["what-is-a-1x1-convolution"].prompt == "What is a 1×1 convolution, really?"  # same id, new text


def test_an_existing_file_that_is_not_a_deck_is_never_overwritten_without_force(tmp_path):
    notes = tmp_path / "conv.md"
    notes.write_text(NOTES_V1)
    precious = tmp_path / "precious.yaml"
    precious.write_text("shopping: [milk, eggs]\n")
    with pytest.raises(QuizError, match="exists and is not a usable deck .*not overwriting it"):
        import_to_deck(notes, precious)
    assert precious.read_text() == "shopping: [milk, eggs]\n"
    import_to_deck(notes, precious, force=True)
    assert load_deck(precious).id == "conv"


def test_notes_with_nothing_to_learn_are_an_error(tmp_path):
    notes = tmp_path / "empty.md"
    notes.write_text("just a line of prose\n")
    with pytest.raises(QuizError, match="found nothing to make cards from"):
        import_to_deck(notes, tmp_path / "x.yaml")
    assert not (tmp_path / "x.yaml").exists()


def test_every_flashcard_form_and_metadata(tmp_path):
    notes = tmp_path / "forms.md"
    notes.write_text(
        textwrap.dedent("""\
        # Forms

        <!-- deck: forms-deck
        tags: conv -->

        **Q1. Bold question?**
        A. Bold answer.

        Q: Typed question?
        A: 2048
        Accept: 2,048
        Explain: $64 \\times 32$

        <!-- id: pick
        tags: quiz extra
        demo: shapes cin=64 -->
        Q: Pick one
        - [ ] wrong
        - [x] right

        Front text :: back text

        Cloze: A {{c1::1×1}} conv mixes {{c2::channels}}.

        <!-- id: bad id!
        demo: nope -->
        Q: Meta with problems?
        A: Still imported.

        Q: Unanswered?

        | Layer | Params |
        |---|---|
        | dense | $n_{in} n_{out}$ |
        | conv \\| 1×1 | $C_{in} C_{out}$ |
    """)
    )
    result = import_to_deck(notes, tmp_path / "forms.yaml")
    deck = load_deck(result.path)
    assert deck.id == "forms-deck" and deck.tags == ("conv",)
    got = {c.id: c for c in deck.cards}
    assert (got["bold-question"].prompt, got["bold-question"].answer) == ("Bold question?", "Bold answer.")
    typed = got["typed-question"]
    assert (typed.kind, typed.answer, typed.accept, typed.explain) == ("typed", "2048", ("2,048",), r"$64 \times 32$")
    pick = got["pick"]
    assert (pick.kind, pick.options, pick.answer, pick.tags) == (
        "choice",
        ("wrong", "right"),
        "right",
        ("conv", "quiz", "extra"),
    )
    assert pick.demo.name == "shapes" and pick.demo.params == (("cin", 64),)
    assert (got["front-text"].prompt, got["front-text"].answer) == ("Front text", "back text")
    assert [c.answer for c in deck.cards if c.kind == "cloze"] == ["1×1", "channels"]
    assert got["meta-with-problems"].demo is None
    assert [t.rows for t in deck.tables] == [(("dense", "$n_{in} n_{out}$"), ("conv | 1×1", "$C_{in} C_{out}$"))]
    warnings = [w.split(":", 2)[2].strip() for w in result.notes.warnings]
    assert warnings == [
        "id 'bad id!' is not a valid id; made a new one",
        "demo link dropped: unknown demo 'nope'",
        "question 'Unanswered?' has no answer; skipped",
    ]


def test_a_broken_table_is_repaired_or_skipped_so_the_deck_validates(tmp_path):
    notes = tmp_path / "tables.md"
    notes.write_text(
        textwrap.dedent("""\
        # T

        ## Odd table

        | A | | A |
        |---|---|---|
        | x | 1 |
        | x | 2 | 3 | 4 |
        | y | | z |

        ## One column

        | only |
        |---|
        | a |
    """)
    )
    result = import_to_deck(notes, tmp_path / "t.yaml")
    (table,) = load_deck(result.path).tables
    assert table.columns == ("A", "Column 2", "A (3)")
    # A row repeating an earlier row's first cell is kept under a name of its own (it was dropped once).
    assert table.rows == (("x", "1", "—"), ("x (2)", "2", "3"), ("y", "—", "z"))
    assert [w.split(":", 2)[2].strip() for w in result.notes.warnings] == [
        "row 'x' repeats an earlier row's name; kept as 'x (2)'",
        "a table needs at least two columns; skipped",
    ]


MARKDOWN_BITS = st.sampled_from(
    [
        "# Title",
        "## Heading 🧠",
        "### Sub:",
        "Q: question?",
        "A: answer",
        "**Q1. bold?**",
        "A. bold answer",
        "front :: back",
        " :: ",
        "Accept: x",
        "Explain: why",
        "Cloze: {{c1::}}",
        "Cloze: a {{c1::b}}",
        "{{c2::x::hint}} text",
        "- [ ] a",
        "- [x] a",
        "- [x] b",
        "* item",
        "* term: def",
        "  * nested",
        "| a | b |",
        "|---|---|",
        "| a | |",
        "| | |",
        "$$",
        "x = y",
        "```",
        "---",
        "<!-- id: x -->",
        "<!-- id: bad id -->",
        "<!-- deck: d\ntags: a b# -->",
        "<!-- demo: shapes height=0 -->",
        "<!-- title: T -->",
        "plain text",
        "",
        "",
        "**",
        "\\*",
        "$a$",
        "Q:",
        "A:",
    ]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MARKDOWN_BITS, max_size=25))
@example(["# Title", "# Title", "**", "**"])  # a heading over nothing but markup: once a card with an empty back
def test_whatever_the_notes_the_deck_written_validates(tmp_path, lines):
    notes = tmp_path / "fuzz.md"
    notes.write_text("\n".join(lines))
    out = tmp_path / "fuzz.yaml"
    out.unlink(missing_ok=True)
    try:
        result = import_to_deck(notes, out, deck_id="fuzz")
    except QuizError as exc:
        assert "found nothing to make cards from" in str(exc)
        assert not out.exists()
        return
    deck, problems = check_deck(out)
    assert deck is not None and not [p for p in problems if not p.warning]
    assert len(deck.cards) == len(result.deck.cards)


def test_a_heading_over_nothing_but_markup_is_skipped_with_a_warning_naming_its_line(tmp_path):
    notes = tmp_path / "n.md"
    notes.write_text("# Title\n# Empty\n**\n**\n\n# Full\n\nText.\n")
    result = import_to_deck(notes, tmp_path / "n.yaml", deck_id="n")
    assert result.notes.warnings == [f"{notes}:2: question 'Empty' has no answer; skipped"]
    deck, problems = check_deck(tmp_path / "n.yaml")
    assert deck is not None and not problems
    assert [(c.prompt, c.answer) for c in deck.cards] == [("Full", "Text.")]


def test_keep_ids_matches_edited_cards_to_their_old_ids_in_any_order():
    from dense1x1quiz.authoring.draft import DeckDraft, Item
    from dense1x1quiz.authoring.reimport import keep_ids

    def basic(card_id, front, back):
        return Item(card_id, "basic", front=front, answer=back)

    old = DeckDraft(
        "d",
        "D",
        items=(
            basic("conv", "What does a 1×1 convolution do?", "Mixes channels at every pixel."),
            basic("dense", "What does a dense layer do?", "Connects every input to every output."),
            basic("gone", "An old question", "An old answer"),
        )
        + tuple(basic(f"filler-{i}", f"filler question {i}", f"filler answer {i}") for i in range(3000)),
    )
    new = DeckDraft(
        "d",
        "D",
        items=(
            basic("brand-new", "Who introduced 1×1 convolutions?", "Network in Network, 2013."),
            basic(
                "what-does-a-dense-layer-do-now",
                "What does a dense layer do, exactly?",
                "Connects every input to every output neuron.",
            ),
            basic("what-does-a-1x1-conv-do", "What does a 1×1 conv do?", "Mixes channels at each pixel."),
        )
        + tuple(basic(f"x{i}", f"filler question {i}", f"filler answer {i} (edited)") for i in range(3000)),
    )
    kept, changes = keep_ids(new, old)
    assert [i.id for i in kept.items[:3]] == ["brand-new", "dense", "conv"]
    assert [i.id for i in kept.items[3:6]] == ["filler-0", "filler-1", "filler-2"]
    assert (changes.added, changes.removed, len(changes.changed)) == (["brand-new"], ["gone"], 3002)


def test_an_unclosed_comment_hides_one_line_not_the_rest_of_the_notes():
    notes = parse_notes("# T\n\n<!-- a note to self\n\nQ: still read?\nA: yes\n", "t")
    assert [(i.front, i.answer) for i in notes.draft.items] == [("still read?", "yes")]


def test_a_cloze_line_and_a_question_in_one_paragraph_are_both_kept():
    notes = parse_notes("A {{c1::cloze}} here.\nQ: first?\nA: one\n", "t")
    assert [(i.kind, i.front or i.cloze) for i in notes.draft.items] == [
        ("basic", "first?"),
        ("cloze", "A {{c1::cloze}} here."),
    ]


def test_the_notes_are_never_overwritten_by_their_deck_even_with_force(tmp_path):
    notes = tmp_path / "conv.md"
    notes.write_text(NOTES_V1)
    with pytest.raises(QuizError, match="is the notes file itself"):
        import_to_deck(notes, notes, force=True)
    assert notes.read_text() == NOTES_V1
