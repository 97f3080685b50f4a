"""`quiz import` on notes written by others: Markdown as CommonMark reads it, Obsidian Spaced Repetition
syntax, mojibake that lost bytes. Each example is small and in the style of a real notes file."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

from dense1x1quiz.authoring.import_deck import import_to_deck
from dense1x1quiz.authoring.markdown_import import parse_notes
from dense1x1quiz.deck import load_deck

SHARED = Path(__file__).parent / "fixtures" / "dense-vs-1x1.md"


def cards(md: str) -> list[tuple[str, ...]]:
    """(kind, front or cloze, answer…) of each item the notes give, in order."""
    notes = parse_notes(textwrap.dedent(md), "t", "n.md")
    out = []
    for i in notes.draft.items:
        if i.kind == "cloze":
            out.append(("cloze", i.cloze))
        elif i.kind == "choice":
            out.append(("choice", i.front, i.answer, *i.options))
        else:
            out.append((i.kind + (" reverse" if i.reverse else ""), i.front, i.answer))
    return out


def test_setext_headings_make_sections_and_the_lone_top_one_is_the_title():
    notes = parse_notes("Backprop\n========\n\nChain rule\n----------\n\nGradients multiply along a path.\n", "t")
    assert notes.draft.title == "Backprop"
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Chain rule", "Gradients multiply along a path.")]


def test_a_note_with_one_heading_gives_its_section_as_a_card():
    notes = parse_notes("# Stride\n\nHow far the kernel moves between two outputs.\n", "t")
    assert notes.draft.title == "Stride"
    assert [(i.front, i.answer) for i in notes.draft.items] == [
        ("Stride", "How far the kernel moves between two outputs.")
    ]


def test_two_top_headings_are_both_sections_and_neither_is_the_title():
    notes = parse_notes("# Pooling\n\nTakes the max.\n\n# Padding\n\nAdds zeros.\n", "t")
    assert notes.draft.title == "t"
    assert [(i.front, i.answer) for i in notes.draft.items] == [
        ("Pooling", "Takes the max."),
        ("Padding", "Adds zeros."),
    ]


def test_a_table_without_outer_pipes_is_a_table():
    notes = parse_notes("## Activations\n\nName | Range\n--- | ---\nReLU | [0, ∞)\ntanh | (-1, 1)\n", "t")
    (table,) = notes.draft.tables
    assert (table.title, table.columns, table.rows) == (
        "Activations",
        ("Name", "Range"),
        (("ReLU", "[0, ∞)"), ("tanh", "(-1, 1)")),
    )


def test_indented_code_is_code_and_block_quotes_are_text():
    notes = parse_notes("## Im2col\n\n    x = im2col(img)\n\n> Unrolls patches into columns.\n", "t")
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Im2col", "Unrolls patches into columns.")]
    assert notes.warnings == ["notes:3: code block skipped (cards hold no code)"]


def test_numbered_and_nested_lists_keep_order_numbers_and_continuation_lines():
    md = """\
    ## Training loop

    1. Forward pass
       computes the loss.
    2. Backward pass
       - gradients by the chain rule
    3. Step
    """
    assert cards(md) == [
        (
            "basic",
            "Training loop",
            "1. Forward pass\n  computes the loss.\n2. Backward pass\n  • gradients by the chain rule\n3. Step",
        )
    ]


def test_front_matter_names_and_tags_the_deck_and_is_never_a_card():
    md = "---\ntitle: CNN basics\ntags: [vision, cnn]\n---\n\n## Kernel\n\nA small weight window.\n"
    notes = parse_notes(md, "t")
    assert (notes.draft.title, notes.draft.tags) == ("CNN basics", ("vision", "cnn"))
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Kernel", "A small weight window.")]


def test_display_math_followed_by_text_does_not_swallow_later_headings():
    md = "## Softmax\n\n$$p_i = e^{z_i} / \\sum_j e^{z_j}$$ turns scores into probabilities.\n\n## ReLU\n\nmax(0, x).\n"
    assert cards(md) == [
        ("basic", "Softmax", "$$p_i = e^{z_i} / \\sum_j e^{z_j}$$ turns scores into probabilities."),
        ("basic", "ReLU", "max(0, x)."),
    ]


def test_an_answer_going_on_in_a_list_or_table_is_kept_whole():
    md = """\
    Q: What does a 1×1 convolution buy?
    A: Three things:
    - fewer channels
    - a non-linearity

    Q: Shapes?
    A: Here:

    | in | out |
    |---|---|
    | 64 | 32 |
    """
    assert cards(md) == [
        ("basic", "What does a 1×1 convolution buy?", "Three things:\n• fewer channels\n• a non-linearity"),
        ("basic", "Shapes?", "Here:\nin | out\n64 | 32"),
    ]


def test_markup_is_removed_from_card_text_and_a_link_url_goes_to_source():
    md = """\
    ## Dropout

    **Dropout** zeroes __random__ units *while training*, see [the paper](https://jmlr.org/papers/v15/srivastava14a.html),
    [[Regularisation]] and [[Ensembles|ensembling]]; `p=0.5` and $p$ kept. ![diagram](drop.png)

    [ref]: https://example.org
    """
    notes = parse_notes(textwrap.dedent(md), "t")
    (item,) = notes.draft.items
    assert item.answer == (
        "Dropout zeroes random units while training, see the paper,\n"
        "Regularisation and ensembling; `p=0.5` and $p$ kept. [image: diagram]"
    )
    assert item.source == "https://jmlr.org/papers/v15/srivastava14a.html"


def test_a_callout_title_line_is_not_content_and_a_question_callout_is_a_card():
    md = """\
    ## Batch norm

    > [!NOTE] Remember
    > Normalises each channel over the batch.

    > [!question]- Why does it help?
    > Smoother loss surface.
    """
    assert cards(md) == [
        ("basic", "Why does it help?", "Smoother loss surface."),
        ("basic", "Batch norm", "Normalises each channel over the batch."),
    ]


def test_bold_question_with_the_answer_on_the_next_line_and_trailing_br():
    md = """\
    **Q. What is a receptive field?**
    The input region one output sees.

    **Q1. What does stride 2 do?** <br/>
    Halves each spatial side.
    """
    assert cards(md) == [
        ("basic", "What is a receptive field?", "The input region one output sees."),
        ("basic", "What does stride 2 do?", "Halves each spatial side."),
    ]


def test_a_label_heading_over_a_question_options_and_correct_answer_is_a_choice_card():
    md = """\
    ### MCQ 1

    Which layer has no weights?

    A) Dense
    B) Max pooling
    C) 1×1 convolution

    **Correct answer:** B

    ### Question 2

    What does padding "same" keep?

    - the channels
    - the spatial size

    Correct answer: the spatial size
    """
    assert cards(md) == [
        ("choice", "Which layer has no weights?", "Max pooling", "Dense", "Max pooling", "1×1 convolution"),
        ("choice", 'What does padding "same" keep?', "the spatial size", "the channels", "the spatial size"),
    ]


def test_details_summary_is_a_card():
    md = """\
    <details><summary>What is a depthwise convolution?</summary>One filter per input channel.</details>

    <details>
    <summary>What follows it in MobileNet?</summary>

    A 1×1 (pointwise) convolution.

    </details>
    """
    assert cards(md) == [
        ("basic", "What is a depthwise convolution?", "One filter per input channel."),
        ("basic", "What follows it in MobileNet?", "A 1×1 (pointwise) convolution."),
    ]


def test_obsidian_tags_lines_and_html_blocks_are_not_card_text():
    md = '## Strides\n\n#cnn #basics\n\n<div align="center"><img src="s.png"></div>\n\nStep between windows.\n'
    notes = parse_notes(md, "t")
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Strides", "Step between windows.")]
    assert notes.draft.tags == ("cnn", "basics")


# -- Obsidian Spaced Repetition (examples from its documentation, docs/docs/en/flashcards/ in
#    github.com/st3v3nmw/obsidian-spaced-repetition: qanda-cards.md, basic-cloze-cards.md, decks.md) --


def test_obsidian_sr_single_and_multi_line_cards_both_directions():
    md = """\
    #flashcards

    the question goes on this side::answer goes here!

    info 1:::info 2

    As per the definition
    of "multiline" the prompt
    can be on multiple lines
    ?
    same goes for
    the answer

    info 1A
    info 1B
    info 1C
    ??
    info 2A
    info 2B
    """
    assert cards(md) == [
        ("basic", "the question goes on this side", "answer goes here!"),
        ("basic reverse", "info 1", "info 2"),
        (
            "basic",
            'As per the definition\nof "multiline" the prompt\ncan be on multiple lines',
            "same goes for\nthe answer",
        ),
        ("basic reverse", "info 1A\ninfo 1B\ninfo 1C", "info 2A\ninfo 2B"),
    ]


def test_obsidian_sr_highlight_clozes_with_hints_and_groups():
    md = """\
    #flashcards
    The first female ==prime minister== of Australia was ==Julia Gillard==

    Kaleida, funded to the tune of ==$40 million==^[USD]
    by Apple Computer and IBM in ==1991==^[year]

    This is ==in group 1==[^1], this ==in group 2==[^2]
    and this also ==in group 1==[^1]
    """
    assert cards(md) == [
        ("cloze", "The first female {{c1::prime minister}} of Australia was {{c2::Julia Gillard}}"),
        (
            "cloze",
            "Kaleida, funded to the tune of {{c1::$40 million::USD}}\nby Apple Computer and IBM in {{c2::1991::year}}",
        ),
        ("cloze", "This is {{c1::in group 1}}, this {{c2::in group 2}}\nand this also {{c1::in group 1}}"),
    ]


def test_obsidian_sr_deck_tags_apply_to_later_cards_or_to_one_card_and_schedules_are_noted(tmp_path):
    notes = tmp_path / "decks.md"
    notes.write_text(
        textwrap.dedent("""\
        #flashcards/deckA
        Question1 (in deckA)::Answer1
        Question2 (also in deckA)::Answer2 <!--SR:!2024-03-01,12,250-->

        #flashcards/deckB Question4 (in deckB)::Answer4

        Question6 (in deckA)::Answer6

        ## Prose is not a card in an SR note

        Just text.
        """)
    )
    result = import_to_deck(notes, tmp_path / "decks.yaml")
    deck = load_deck(result.path)
    assert [(c.prompt, c.answer, c.tags) for c in deck.cards] == [
        ("Question1 (in deckA)", "Answer1", ("deckA",)),
        ("Question2 (also in deckA)", "Answer2", ("deckA",)),
        ("Question4 (in deckB)", "Answer4", ("deckB",)),
        ("Question6 (in deckA)", "Answer6", ("deckA",)),
    ]
    assert result.notes.warnings == [
        f"{notes}:1: 1 Obsidian Spaced Repetition schedule comment (<!--SR:…-->) ignored; the cards start as new"
    ]


def test_obsidian_sr_reverse_card_gives_two_study_cards(tmp_path):
    notes = tmp_path / "rev.md"
    notes.write_text("---\ntags: flashcards\n---\ninfo 1:::info 2\n")
    deck = load_deck(import_to_deck(notes, tmp_path / "rev.yaml").path)
    assert [(c.prompt, c.answer) for c in deck.cards] == [("info 1", "info 2"), ("info 2", "info 1")]


# -- mojibake whose bytes were lost --


def lossy_1254(text: str) -> str:
    """The notes as they first reached us: UTF-8 read as Windows-1254, the third byte of each 4-byte
    character (the emoji) lost on the way."""
    data, out, i = text.encode("utf-8"), bytearray(), 0
    while i < len(data):
        if data[i] >= 0xF0:
            out += data[i : i + 2] + data[i + 3 : i + 4]
            i += 4
        else:
            out.append(data[i])
            i += 1
    return bytes(out).decode("cp1254", errors="replace")


def test_mojibake_with_a_lost_byte_never_puts_a_meaningless_character_in_the_deck(tmp_path):
    text = SHARED.read_text(encoding="utf-8")
    bad = tmp_path / "lost.md"
    bad.write_text(lossy_1254(text), encoding="utf-8")
    result = import_to_deck(bad, tmp_path / "lost.yaml", deck_id="lost")
    deck = load_deck(result.path)
    written = (tmp_path / "lost.yaml").read_text(encoding="utf-8")
    assert not [c for c in written if c == "\ufffd" or unicodedata.category(c) in ("Cn", "Co", "Cs")]
    assert [t.title for t in deck.tables] == [
        "Use Cases of 1x1 Convolution",
        "Comparison: Dense Layer vs 1x1 Convolution",
    ]
    repairs = {r.line: (r.before, r.after) for r in result.notes.repairs}
    assert repairs[50] == (" ğŸ¯", "")  # the table's heading: its emoji dropped, one space before "Use" kept
    assert len(repairs) == sum(not line.isascii() for line in text.splitlines()) == 23  # every one listed


def test_the_import_report_lists_every_repaired_line(tmp_path, cli):
    bad = tmp_path / "lost.md"
    bad.write_text(lossy_1254(SHARED.read_text(encoding="utf-8")), encoding="utf-8")
    result = cli("import", str(bad), "-o", str(tmp_path / "lost.yaml"))
    assert result.returncode == 0
    listed = [line for line in result.stderr.splitlines() if line.startswith("  line ")]
    assert len(listed) == 23 and "more lines" not in result.stderr
    assert "  line 50: dropped ' ğŸ¯'" in listed


def test_a_question_over_a_details_answer_block_is_a_card():
    md = """\
    Question 1.
    A node is a what? [1]

    <details><summary><b>Answer</b></summary>
    Processing unit.

    </details>
    <br><br>
    """
    assert cards(md) == [("basic", "A node is a what? [1]", "Processing unit.")]


def test_a_bold_question_paragraph_is_answered_by_the_paragraphs_below_it_up_to_a_break():
    md = """\
    ## Classification

    **What is sigmoid? What does it do? 👶**

    A squashing function.

    Sigmoid(x) = 1/(1+e^{-x})

    <br/>

    **Is logistic regression linear? 👶**

    Yes, a generalized linear model.
    """
    assert cards(md) == [
        ("basic", "What is sigmoid? What does it do?", "A squashing function.\n\nSigmoid(x) = 1/(1+e^{-x})"),
        ("basic", "Is logistic regression linear?", "Yes, a generalized linear model."),
    ]


def test_a_note_with_cards_in_obsidian_sr_syntax_is_read_as_one_without_its_tag():
    # A vault using "folders as decks" has no #flashcards tag: the lecture text above is not a card,
    # the cards below are (as the plugin shows them).
    lecture = "# Caching\n\nA cache keeps recent results close to the reader so reads are cheap.\n\n## Review\n\n"
    assert cards(lecture + "What does a cache trade for speed?::memory\n") == [
        ("basic", "What does a cache trade for speed?", "memory"),
    ]
    assert cards(lecture + "Why can a cache serve stale data\n?\nIt answers before the source changes.\n") == [
        ("basic", "Why can a cache serve stale data", "It answers before the source changes."),
    ]
    assert cards(lecture + "What is a cache line::64 bytes\n<!--SR:!2025-03-01,4,250-->\n") == [
        ("basic", "What is a cache line", "64 bytes"),
    ]


def test_cpp_scope_operators_and_quiz_pairs_do_not_make_a_note_obsidian_sr():
    md = """\
    ## Vectors

    A std::vector grows by doubling its capacity.

    size :: the number of elements held
    """
    assert cards(md) == [
        ("basic", "size", "the number of elements held"),
        ("basic", "Vectors", "A std::vector grows by doubling its capacity."),
    ]


def test_a_question_over_a_task_list_with_one_box_checked_is_a_choice_card():
    md = """\
    ## Sorting quiz

    #### Q1. Which sort is stable?

    - [ ] heap sort
    - [x] merge sort

    #### Q2. What does this plot show?

    ![plot](img/q2.png)

    - [X] a log scale
    - [ ] a linear scale

    Which sort needs extra memory?

    - [x] merge sort
    - [ ] insertion sort

    3. Quicksort's worst case is:

    - [ ] n log n
    - [x] n squared
    """
    assert cards(md) == [
        ("choice", "Which sort is stable?", "merge sort", "heap sort", "merge sort"),
        ("choice", "What does this plot show?\n[image: plot]", "a log scale", "a log scale", "a linear scale"),
        ("choice", "Which sort needs extra memory?", "merge sort", "merge sort", "insertion sort"),
        ("choice", "Quicksort's worst case is:", "n squared", "n log n", "n squared"),
    ]


def test_a_to_do_list_under_a_plain_heading_is_no_quiz():
    md = """\
    ## Release

    - [x] tag the version
    - [ ] upload the wheel
    """
    assert cards(md) == [("basic", "Release", "• [x] tag the version\n• [ ] upload the wheel")]


def test_a_question_heading_with_code_lettered_options_and_a_hidden_answer_is_a_choice_card():
    md = """\
    ##### 7. What does this print?

    ```python
    xs = [1, 2]
    print(xs * 2)
    ```

    - A: `[2, 4]`
    - B: `[1, 2, 1, 2]`

    <details><summary><b>Answer</b></summary>
    <p>

    #### Answer: B

    Multiplying a list repeats it.

    </p>
    </details>

    ---

    ##### 8. Which loop never ends?

    - A: `while True: pass`
    - B: `for _ in range(3): pass`
    """
    notes = parse_notes(textwrap.dedent(md), "t", "n.md")
    first = notes.draft.items[0]
    assert (first.kind, first.front, first.answer, first.options, first.explain) == (
        "choice",
        "What does this print?\n\nxs = [1, 2]\nprint(xs * 2)",
        "`[1, 2, 1, 2]`",
        ("`[2, 4]`", "`[1, 2, 1, 2]`"),
        "Multiplying a list repeats it.",
    )
    # options but no answer named: nothing to study (not a cloze of the options)
    assert len(notes.draft.items) == 1
    assert notes.warnings == [
        "n.md:23: question '8. Which loop never ends?' has options but no answer naming one; skipped"
    ]


def test_a_section_longer_than_150_words_is_an_essay_not_a_card():
    sentence = "The encoder reads the whole sentence before the decoder writes a word. "
    short = "A weighted sum of values, weighted by query-key similarity."
    md = f"## Attention\n\n{short}\n\n## History\n\n{sentence * 13}\n"
    notes = parse_notes(md, "t", "n.md")
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Attention", short)]
    assert notes.warnings == [
        "n.md:5: section 'History' is 156 words, an essay rather than a definition; no card made from it"
    ]


def test_defined_terms_and_asking_or_announcing_bullets_in_a_list_are_cards_of_their_own():
    md = """\
    ## Trees

    - **Pruning**: cutting back branches that fit noise.
    - Split criterion: the impurity a split lowers most
    - **Ensembles**
      - Many trees vote on the answer.
      - **Bagging** — each tree sees a bootstrap sample.
    - Why do deep trees overfit?
      - They can grow one leaf per sample.
    - Depth: $3$
    - $d$: the depth of the tree
    - Leaf size $n = 5$: a common default
    - Shallow trees are preferred when:
      - the data set is small and noisy
    - Then:
      - prune again
    """
    assert cards(md)[:6] == [
        ("basic", "Trees — Pruning", "cutting back branches that fit noise."),
        ("basic", "Trees — Split criterion", "the impurity a split lowers most"),
        (
            "basic",
            "Trees — Ensembles",
            "• Many trees vote on the answer.\n• Bagging — each tree sees a bootstrap sample.",
        ),
        ("basic", "Ensembles — Bagging", "each tree sees a bootstrap sample."),
        ("basic", "Why do deep trees overfit?", "• They can grow one leaf per sample."),
        ("basic", "Shallow trees are preferred when", "• the data set is small and noisy"),
    ]
    # a bare value, a symbol's legend, a formula's case and a one-word `Then:` define nothing
    assert [c[1] for c in cards(md)[6:]] == ["Trees"]


def test_a_link_whose_text_is_code_keeps_the_code_and_gives_its_url_as_source():
    md = "## Maps\n\nUse [`dict`](https://docs.python.org/3/library/stdtypes.html) for lookups.\n"
    (item,) = parse_notes(md, "t", "n.md").draft.items
    assert (item.front, item.answer, item.source) == (
        "Maps",
        "Use `dict` for lookups.",
        "https://docs.python.org/3/library/stdtypes.html",
    )


def test_a_link_with_a_colon_in_its_text_is_no_defined_term():
    md = "## Study plan\n\n- Videos\n  - [Core: Hash Tables](https://example.org/hash)\n- Practise daily\n"
    assert cards(md) == [("basic", "Study plan", "• Videos\n  • Core: Hash Tables\n• Practise daily")]


def test_obsidian_sr_highlights_in_a_table_make_one_cloze_of_the_table():
    md = """\
    #flashcards

    | Port | Protocol |
    | ---- | -------- |
    | 22   | ==SSH==  |
    | ==443== | HTTPS |
    | 25   | SMTP     |
    """
    assert cards(md) == [("cloze", "Port | Protocol\n22 | {{c1::SSH}}\n{{c2::443}} | HTTPS\n25 | SMTP")]


def test_a_reading_list_and_the_text_beside_a_table_are_not_definitions():
    md = """\
    ## Further reading

    _Worth an evening each._

    - Articles
      - [Hashing in practice](https://example.org/a), a blog
    - [Open addressing explained](https://example.org/b)

    ## Costs

    | Operation | Average |
    | --------- | ------- |
    | Lookup    | O(1)    |
    | Delete    | O(1)    |

    _Amortised over many operations._
    """
    notes = parse_notes(textwrap.dedent(md), "t", "n.md")
    assert notes.draft.items == ()
    assert [(t.title, t.rows) for t in notes.draft.tables] == [("Costs", (("Lookup", "O(1)"), ("Delete", "O(1)")))]


def test_a_bold_label_paragraph_is_a_sub_heading_of_its_section():
    md = """\
    ### Bagging

    **How it works**

    Each model trains on a bootstrap sample; their votes are averaged.

    **Compared with boosting**

    * bagging trains in parallel, boosting in sequence

    **PyTorch**

    ```python
    model = nn.Linear(3, 1)
    ```

    #### Cost

    Linear in the number of models.
    """
    assert cards(md) == [
        ("basic", "Bagging — How it works", "Each model trains on a bootstrap sample; their votes are averaged."),
        ("basic", "Bagging — Compared with boosting", "• bagging trains in parallel, boosting in sequence"),
        ("basic", "Cost", "Linear in the number of models."),
    ]


def test_an_mkdocs_admonition_title_line_is_not_content():
    md = '## Setup\n\n!!! warning "Before you start"\n\n    Back up your vault.\n\n## Sync\n\nCopies notes both ways.\n'
    notes = parse_notes(md, "t", "n.md")
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Sync", "Copies notes both ways.")]


def test_a_term_over_long_sub_bullets_keeps_the_first_ones_that_fit_a_card():
    detail = "more depth helps only while gradients still reach the first layers " * 9  # 99 words
    md = f"## ResNets\n\n- **Skip connection**\n  - Adds a layer's input to its output.\n  - {detail}\n  - {detail}\n"
    assert cards(md)[0] == (
        "basic",
        "ResNets — Skip connection",
        f"• Adds a layer's input to its output.\n• {detail.strip()}\n…",
    )


def test_mdx_module_lines_are_not_text():
    mdx = "import CourseList from '../_courses/CourseList.md'\n\n<CourseList />"
    md = f"## Courses\n\n{mdx}\n\n## Heap\n\nA tree kept in order.\n"
    notes = parse_notes(md, "t", "n.md")
    assert [(i.front, i.answer) for i in notes.draft.items] == [("Heap", "A tree kept in order.")]


def test_a_bullet_saying_what_an_acronym_stands_for_is_a_card():
    md = """\
    ### LSTM

    - Stands for **Long short-term memory**.
    - GRU stands for gated recurrent unit
    """
    assert cards(md)[:2] == [
        ("basic", "LSTM stands for", "Long short-term memory"),
        ("basic", "GRU stands for", "gated recurrent unit"),
    ]


def test_a_bullet_announcing_sentences_is_a_card_even_when_their_sub_bullets_are_values():
    md = """\
    ## Mixed precision

    - Casting weights to half precision saves memory:
      - The activations take half the bytes:
        - fp32: 4 bytes
        - fp16: 2 bytes
      - Gradients are scaled so that small values survive
    """
    assert cards(md)[0] == (
        "basic",
        "Casting weights to half precision saves memory",
        "• The activations take half the bytes:\n  • fp32: 4 bytes\n  • fp16: 2 bytes\n"
        "• Gradients are scaled so that small values survive",
    )
    # the inner bullet announces values, not sentences: no card of its own
    assert [c[1] for c in cards(md)] == ["Casting weights to half precision saves memory", "Mixed precision"]


def test_a_bullet_naming_a_term_is_a_cloze_hiding_the_term():
    md = """\
    ## Regularisation

    - Adding the squared weights to the loss is called weight decay.
    - This is called shrinkage.
    - Dropout is called a regulariser because it adds noise while training.
    - A layer that drops random units is known as `Dropout`
    """
    # "This is called …" shows nothing it names; "… because …" explains rather than names
    assert [c for c in cards(md) if c[0] == "cloze"] == [
        ("cloze", "Adding the squared weights to the loss is called {{c1::weight decay}}."),
        ("cloze", "A layer that drops random units is known as {{c1::`Dropout`}}."),
    ]


def test_text_announcing_what_the_lesson_will_do_is_an_introduction_not_a_card():
    md = """\
    # Pooling

    So far we slid kernels over images and summed what they saw.
    In this section, we will look at pooling, which summarises a window instead.

    ## Max pooling

    Keeps the largest value in each window.

    ## Average pooling

    In this lesson I'm going to show the mean of each window.
    """
    notes = parse_notes(textwrap.dedent(md), "t", "n.md")
    assert [(i.front, i.answer) for i in notes.draft.items] == [
        ("Max pooling", "Keeps the largest value in each window.")
    ]
    assert notes.warnings == [
        "n.md:1: section 'Pooling' introduces the lesson ('In this section, we will'), "
        "not a definition; no card made from it",
        "n.md:10: section 'Average pooling' introduces the lesson (\"In this lesson I'm going to\"), "
        "not a definition; no card made from it",
    ]


# -- Obsidian SR cards as its parser (src/parser.ts) reads them: a blank line ends a card, a separator
#    inside inline code is text, a single-line card stands alone in its paragraph --


def test_obsidian_sr_a_card_ends_at_a_blank_line_and_goes_on_in_a_block_right_below_it():
    md = """\
    #flashcards

    Which unit measures reads
    ?

    Not an answer: the card above ended at the blank line.

    Read size per unit
    ?
    | unit | size |
    |---|---|
    | RCU | 4 KB |

    Write types
    ?
    - standard
    - transactional

    Print hello in Python
    ??
    ```python
    print("hello")
    ```
    """
    notes = parse_notes(textwrap.dedent(md), "t", "n.md")
    assert cards(md) == [
        ("basic", "Read size per unit", "unit | size\nRCU | 4 KB"),
        ("basic", "Write types", "• standard\n• transactional"),
        ("basic reverse", "Print hello in Python", 'print("hello")'),
    ]
    assert notes.warnings == [
        "n.md:3: card 'Which unit measures reads' has nothing after its `?` line (a blank line ends a card); skipped"
    ]


def test_obsidian_sr_separators_in_inline_code_are_text_and_a_single_line_card_stands_alone():
    md = """\
    #flashcards
    Write a pair as `front::back` in a note.

    A line before a card is not part of it
    Capital of France::Paris
    Largest planet
    ?
    Jupiter
    """
    assert cards(md) == [("basic", "Capital of France", "Paris"), ("basic", "Largest planet", "Jupiter")]


def test_obsidian_sr_default_cloze_pattern_and_highlights_in_a_list():
    md = """\
    #flashcards
    The capital is ==1;;Canberra;;a city==, the largest city ==2;;Sydney==, in ==1;;the ACT==.

    The longest river is the ==Murray;;a river==.

    - the first planet is ==Mercury==
    - the second is ==Venus==
    """
    assert cards(md) == [
        (
            "cloze",
            "The capital is {{c1::Canberra::a city}}, the largest city {{c2::Sydney}}, in {{c1::the ACT}}.",
        ),
        ("cloze", "The longest river is the {{c1::Murray::a river}}."),
        ("cloze", "• the first planet is {{c1::Mercury}}\n• the second is {{c2::Venus}}"),
    ]


def test_a_label_heading_keeps_the_text_after_its_answer_as_the_explanation_and_a_table_below_as_a_table():
    md = """\
    # Layers quiz

    ### MCQ 1

    Which layer has no weights?

    A) Dense
    B) Max pooling

    Correct answer: B

    Pooling only keeps the largest value of each window.

    | layer | weights |
    |---|---|
    | Dense | many |
    | Pooling | none |

    ### Question 2

    What does padding "same" keep?

    Correct answer: the spatial size

    Zeros go around the border.
    """
    notes = parse_notes(textwrap.dedent(md), "t", "n.md")
    assert [(i.kind, i.front, i.answer, i.options, i.explain) for i in notes.draft.items] == [
        (
            "choice",
            "Which layer has no weights?",
            "Max pooling",
            ("Dense", "Max pooling"),
            "Pooling only keeps the largest value of each window.",
        ),
        ("basic", 'What does padding "same" keep?', "the spatial size\n\nZeros go around the border.", (), ""),
    ]
    assert [(t.columns, t.rows) for t in notes.draft.tables] == [
        (("layer", "weights"), (("Dense", "many"), ("Pooling", "none")))
    ]
    assert notes.warnings == []


def test_a_code_output_callout_is_skipped_with_its_code_and_an_output_topic_is_not():
    md = """\
    ## Reversing

    > [!info]
    > Reverses the list in place.
    >
    > ```python
    > xs = [1, 2]
    > xs.reverse()
    > print(xs)
    > ```
    > > [!success]- Code Output
    > > [2, 1]

    ## Output size

    > [!note] Output size
    > Input size minus kernel size plus one.
    """
    assert cards(md) == [
        ("basic", "Reversing", "Reverses the list in place."),
        ("basic", "Output size", "Input size minus kernel size plus one."),
    ]
