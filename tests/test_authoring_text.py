"""The text layers of authoring: YAML scalars and inline Markdown round-trip any text exactly."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dense1x1quiz.authoring.deck_writer import scalar
from dense1x1quiz.authoring.draft import make_id
from dense1x1quiz.authoring.mdtext import _BR_RE, _segments, clean_heading, md_to_text, text_to_md
from dense1x1quiz.yamltree import parse

# Text that is hard on YAML and Markdown: quotes, escapes, math, markers, line breaks, controls, emoji.
TRICKY = st.lists(
    st.sampled_from(
        list("ab $\\*_|<>`:#-\"'{}[],\n\t\r")
        + ["<br>", "**", "$$", "\x85", "\u2028", "\ufeff", "\x7f", "\x00", "×", "🧠", "é", "No", "0777"]
    ),
    max_size=30,
).map("".join)


def br_in_math(text: str) -> bool:
    """A literal `<br>` inside $math$ or `code`: the one thing Markdown export cannot carry (it warns)."""
    return any(opaque and _BR_RE.search(seg) for opaque, seg in _segments(text))


def read_back(yaml_value: str) -> str:
    root, problems = parse(f"key: {yaml_value}\n")
    assert not problems
    return root.pairs["key"][1].text


@settings(max_examples=200, deadline=None)
@given(st.one_of(TRICKY, st.text(max_size=40)))
def test_every_text_survives_the_yaml_writer(text):
    assert read_back(scalar(text, indent=2)) == text
    root, _ = parse(f"key: [{scalar(text, flow=True)}, x]\n")
    assert root.pairs["key"][1].items[0].text == text


def test_scalar_styles_are_readable():
    assert scalar("Dense layer") == "Dense layer"
    assert scalar("No") == "No"  # the loader keeps it as text
    assert scalar("a: b") == '"a: b"'
    assert scalar("line one\nline two", indent=4) == "|-\n    line one\n    line two"
    assert scalar("tab\there\u2028") == '"tab\\there\\u2028"'


@settings(max_examples=200, deadline=None)
@given(st.one_of(TRICKY, st.text(max_size=40)))
def test_inline_markdown_round_trips(text):
    assume(not br_in_math(text))
    assert md_to_text(text_to_md(text)) == text
    assert "\n" not in text_to_md(text)


@settings(max_examples=150, deadline=None)
@given(st.one_of(TRICKY, st.text(max_size=40)))
def test_table_cells_round_trip(text):
    from dense1x1quiz.authoring.markdown_blocks import table_cells

    text = text.strip()  # the importer strips cells, as Markdown does
    assume(not br_in_math(text))
    cells = table_cells(f"| {text_to_md(text, cell=True)} | x |")
    assert len(cells) == 2
    assert md_to_text(cells[0]) == text


def test_markdown_to_text():
    assert md_to_text(r"It processes **each pixel** independently") == "It processes each pixel independently"
    assert md_to_text(r"Q\&A, $a \& b$, `__init__`") == r"Q&A, $a \& b$, `__init__`"
    assert md_to_text("one<br>two") == "one\ntwo"
    assert md_to_text("an unpaired ** stays") == "an unpaired ** stays"


def test_heading_decoration_is_dropped():
    assert clean_heading("🔁 Flashcard Q\\&A") == "Flashcard Q&A"
    assert clean_heading("🔹 Definition:") == "Definition"
    assert clean_heading("✅ Summary Points") == "Summary Points"
    assert clean_heading("1×1 conv → 90° turn") == "1×1 conv → 90° turn"  # symbols that are not emoji stay


def test_ids_are_slugs_unique_within_the_deck():
    taken: set[str] = set()
    assert make_id("What does a 1×1 convolution do?", taken) == "what-does-a-1x1-convolution-do"
    assert make_id("What does a 1 × 1 convolution do", taken) == "what-does-a-1x1-convolution-do-2"
    assert make_id("🧠", taken) == "card"
    long = make_id("a very long question about dense layers and convolutions in networks", taken)
    assert long == "a-very-long-question-about-dense-layers"
