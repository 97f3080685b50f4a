"""The built-in decks: they load cleanly, hold the whole notes word for word, cite their sources, link
real demos, and every number in them agrees with the cost formulas in `costs.py`."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from contextlib import closing
from pathlib import Path

import pytest

from dense1x1quiz import costs, demos
from dense1x1quiz.answers import fold, grade, parse_number, parse_shape
from dense1x1quiz.deck import check_deck, load_deck
from dense1x1quiz.model import Card, cloze_reveal
from dense1x1quiz.text import display

ROOT = Path(__file__).resolve().parent.parent
DECK_DIR = ROOT / "decks"
NOTES_COPY = Path(__file__).resolve().parent / "fixtures" / "dense-vs-1x1.md"
NOTES_SHARED = ROOT.parent / "shared" / "notes" / "dense-vs-1x1.md"
DECK_FILES = sorted(DECK_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def notes_deck():
    return load_deck(DECK_DIR / "dense-vs-1x1.yaml")


@pytest.fixture(scope="module")
def practice_deck():
    return load_deck(DECK_DIR / "1x1-in-practice.yaml")


@pytest.fixture(scope="module")
def all_cards(notes_deck, practice_deck) -> list[Card]:
    return [*notes_deck.cards, *practice_deck.cards]


def card(deck, card_id: str) -> Card:
    found = [c for c in deck.cards if c.id == card_id]
    assert found, f"{deck.id} has no card {card_id}"
    return found[0]


def notes_text() -> str:
    return NOTES_COPY.read_text(encoding="utf-8")


def norm(text: str) -> str:
    """Text as compared with the notes: Markdown emphasis and math dollars dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).replace("**", "").replace("$", "")
    return " ".join(text.split()).casefold()


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in `text` as rows of cells, the header first, the |---| line dropped."""
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= set("-: ") for cell in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


# -- loading -----------------------------------------------------------------------------------


def test_a_first_session_starts_with_the_basic_idea(cli, isolated_home):
    """`quiz study` with no deck on a new collection: the notes (what a dense layer is, then a 1×1
    convolution) come before the practice deck built on them, each deck's new cards in deck order (less
    the siblings of a card answered today, which wait until tomorrow)."""

    def first_of_each_note(name: str) -> list[str]:
        firsts: dict[str, str] = {}
        for c in load_deck(DECK_DIR / name).cards:
            firsts.setdefault(c.note, c.id)
        return list(firsts.values())

    notes, practice = first_of_each_note("dense-vs-1x1.yaml"), first_of_each_note("1x1-in-practice.yaml")
    answers = "\n3\n" * 24  # reveal, Good: each card once (a Good on a new card comes back in 10 minutes)
    result = cli("study", "--mode", "flip", "--new", "20", input=answers + "q\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.index("Dense layer (fully connected layer)") < result.stdout.index("Answer:")
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        answered = db.execute("SELECT deck, card FROM reviews ORDER BY id").fetchall()
    assert answered[:20] == [("dense-vs-1x1", card_id) for card_id in notes[:20]]
    assert answered[20:] == [("1x1-in-practice", card_id) for card_id in practice[:4]]
    assert notes[:2] == ["dense-definition", "dense-definition-name"]


def test_both_builtin_decks_exist():
    assert {"1x1-in-practice.yaml", "dense-vs-1x1.yaml"} <= {p.name for p in DECK_FILES}


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_deck_validates_with_no_error_and_no_warning(path):
    deck, problems = check_deck(path)
    assert deck is not None
    assert [str(p) for p in problems] == []


def test_at_least_sixty_cards_counting_table_cards(notes_deck, practice_deck):
    assert len(notes_deck.cards) >= 60
    assert len(practice_deck.cards) >= 60
    assert len(notes_deck.cards) + len(practice_deck.cards) >= 60


def test_every_card_kind_is_used_including_reverse_cards(all_cards):
    assert {c.kind for c in all_cards} == {"basic", "typed", "choice", "cloze", "table"}
    assert any(c.id.endswith(":reverse") for c in all_cards)


@pytest.mark.parametrize("name", ["dense-vs-1x1.yaml", "1x1-in-practice.yaml"])
def test_card_ids_are_unique_within_each_deck(name):
    ids = [c.id for c in load_deck(DECK_DIR / name).cards]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_every_card_has_a_topic_tag_besides_the_deck_tag(notes_deck, practice_deck):
    for deck in (notes_deck, practice_deck):
        for c in deck.cards:
            assert c.tags[: len(deck.tags)] == deck.tags and len(c.tags) > len(deck.tags), c.id


def test_every_demo_link_names_a_registered_demo_with_valid_parameters(all_cards):
    linked = [c for c in all_cards if c.demo is not None]
    assert len(linked) >= len(all_cards) // 2
    for c in linked:
        assert c.demo.name in demos.DEMOS, c.id
        assert demos.check_params(dict(c.demo.params)) == [], c.id


def test_every_demo_is_linked_from_some_card(all_cards):
    assert {c.demo.name for c in all_cards if c.demo} == set(demos.DEMOS)


def test_deck_text_shows_no_raw_latex_once_displayed(all_cards):
    for c in all_cards:
        texts = [cloze_reveal(c.prompt), c.answer, c.explain, *c.options]
        for text in texts:
            shown = display(text)
            assert "\\" not in shown and "$" not in shown and "{," not in shown, (c.id, shown)


def test_typed_answers_hold_no_latex(all_cards):
    for c in all_cards:
        if c.kind == "typed":
            assert "$" not in c.answer and all("$" not in a for a in c.accept), c.id


def test_cloze_answers_are_short_and_typeable(all_cards):
    """`quiz exam` asks cloze cards as typed questions graded against the hidden text alone."""
    for c in all_cards:
        if c.kind == "cloze":
            assert "$" not in c.answer and "\\" not in c.answer, c.id
            assert len(fold(c.answer).split()) <= 5, c.id


# -- the notes, whole and word for word ---------------------------------------------------------


def test_notes_fixture_is_a_copy_of_the_shared_notes():
    if not NOTES_SHARED.exists():
        pytest.skip("../shared/notes is not beside this checkout")
    assert NOTES_COPY.read_bytes() == NOTES_SHARED.read_bytes()


def test_flashcards_q1_to_q4_are_the_notes_word_for_word(notes_deck):
    pairs = re.findall(r"^\*\*Q(\d)\. (.+?)\*\*\nA\. (.+)$", notes_text(), re.MULTILINE)
    assert [n for n, _, _ in pairs] == ["1", "2", "3", "4"]
    for number, question, answer in pairs:
        c = card(notes_deck, f"flashcard-q{number}")
        assert (c.kind, c.prompt, c.answer, c.source) == ("basic", question, answer.strip(), "notes")


def test_use_case_table_is_the_notes_table(notes_deck):
    notes_table = next(t for t in markdown_tables(notes_text()) if t[0][0] == "Purpose")
    deck_table = next(t for t in notes_deck.tables if t.id == "use-cases")
    assert list(deck_table.columns) == notes_table[0]
    assert [list(r) for r in deck_table.rows] == notes_table[1:]
    assert len(deck_table.rows) == 4


def test_comparison_table_is_the_notes_table(notes_deck):
    notes_table = next(t for t in markdown_tables(notes_text()) if t[0][0] == "Feature")
    deck_table = next(t for t in notes_deck.tables if t.id == "comparison")
    assert list(deck_table.columns) == notes_table[0] == ["Feature", "Dense Layer", "1x1 Convolution"]
    assert [list(r) for r in deck_table.rows] == notes_table[1:]
    assert [r[0] for r in deck_table.rows] == ["Input", "Connectivity", "Spatial Info", "Use Case"]


def test_every_table_cell_is_asked_by_a_generated_card(notes_deck):
    for table in notes_deck.tables:
        answers = {(c.row, c.answer) for c in notes_deck.cards if c.table is table and ":which" not in c.id}
        expected = {(r, cell) for r, row in enumerate(table.rows) for cell in row[1:]}
        assert answers == expected, table.id


# Passages of the notes that the notes deck must carry verbatim (emphasis and $ aside).
NOTES_PASSAGES = [
    "A fully connected layer where every input neuron is connected to every output neuron.",
    "y = Wx + b",
    "Input vector",
    "Weight matrix",
    "Bias vector",
    "Output vector",
    "Used at the end of CNN for classification.",
    "Helps in creating complex decision boundaries.",
    "Outputs logits or probabilities for prediction.",
    "special case of convolution where the kernel size is 1×1.",
    "processes each spatial location (pixel) independently across all channels",
    "H \\times W \\times C_{in}",
    "1×1×$C_{in}$ (depth same as input channels)",
    "H \\times W \\times C_{out}",
    "Output(i, j, k) = \\sum_{c=1}^{C_{in}} W_{1,1,c,k} \\cdot Input(i, j, c) + b_k",
    "per-pixel weighted sum across all channels",
    "import torch.nn as nn",
    "conv_1x1 = nn.Conv2d(in_channels=128, out_channels=64, kernel_size=1)",
    "from tensorflow.keras.layers import Conv2D",
    "Conv2D(filters=64, kernel_size=(1,1), strides=1, padding='same')",
    "1x1 convolution = per-pixel dense layer across channels.",
    "Helps reduce model size and improve speed.",
    "Maintains spatial structure unlike dense layers.",
    "Key tool in advanced CNN architectures like ResNet, Inception, MobileNet.",
]


def deck_text(deck) -> str:
    parts = []
    for c in deck.cards:
        parts += [cloze_reveal(c.prompt), c.answer, c.explain, *c.accept, *c.options]
    return norm("\n".join(parts))


@pytest.mark.parametrize("passage", NOTES_PASSAGES)
def test_notes_passage_is_in_the_notes_deck(passage, notes_deck):
    assert norm(passage) in norm(notes_text()), "the passage must come from the notes"
    assert norm(passage) in deck_text(notes_deck)


def test_code_examples_are_typed_cards_with_the_notes_code_as_answer(notes_deck):
    code = notes_text()
    pytorch, tensorflow = card(notes_deck, "pytorch-conv1x1"), card(notes_deck, "tensorflow-conv1x1")
    assert pytorch.kind == tensorflow.kind == "typed"
    assert f"conv_1x1 = {pytorch.answer}\n" in code
    assert f"\n{tensorflow.answer}\n" in code


def test_summary_points_are_all_on_one_card(notes_deck):
    section = notes_text().split("### ✅ Summary Points")[1].split("---")[0]
    bullets = [line[2:] for line in section.splitlines() if line.startswith("* ")]
    assert len(bullets) == 4
    assert card(notes_deck, "summary-points").answer.splitlines() == bullets


def test_notes_cards_cite_the_notes(notes_deck):
    assert all(c.source.startswith("notes") for c in notes_deck.cards)


# -- the practice deck: sources, misconceptions ------------------------------------------------

SOURCE_RE = re.compile(r"\b(19|20)\d\d\b|\bdocs\b|\bsource\b")


def test_every_practice_card_has_a_source(practice_deck):
    for c in practice_deck.cards:
        assert SOURCE_RE.search(c.source), f"{c.id}: {c.source!r}"


def test_paper_sources_name_a_section_table_or_figure(practice_deck):
    for c in practice_deck.cards:
        if re.search(r"\b20\d\d\b", c.source):
            assert re.search(r"§\d|Table \d|Fig\. \d", c.source), f"{c.id}: {c.source!r}"


def test_at_least_eight_misconceptions_as_explained_choice_cards(practice_deck):
    myths = [c for c in practice_deck.cards if c.id.startswith("myth-")]
    assert len(myths) >= 8
    for c in myths:
        assert c.kind == "choice" and c.explain and len(c.options) >= 4, c.id


def test_authored_choice_answers_are_not_always_in_the_same_place(all_cards):
    """Study and exam shuffle options, but exports keep the authored order."""
    places = [c.options.index(c.answer) for c in all_cards if c.kind == "choice"]
    assert len(set(places)) == 4 and max(places.count(p) for p in set(places)) <= len(places) // 2


def test_practice_deck_covers_every_topic_of_the_brief(practice_deck):
    text = deck_text(practice_deck)
    for topic in [
        "cross channel parametric pooling",
        "mlpconv",
        "reductions",
        "3×3 and 5×5",
        "1×1, 64",
        "3×3, 64",
        "1×1, 256",
        "1/n + 1/d_k²",
        "7×7",
        "nchw",
        "nhwc",
        "(64, 128, 1, 1)",
        "(1, 1, 128, 64)",
        "(64, 128)",
        "(128, 64)",
    ]:
        assert topic in text, topic


# -- numbers against costs.py ------------------------------------------------------------------


def number(deck, card_id: str) -> float:
    value = parse_number(card(deck, card_id).answer)
    assert value is not None, card_id
    return value


def test_parameter_counts_match_costs(practice_deck):
    assert number(practice_deck, "params-example-pool-proj") == costs.conv_params(192, 32) == 6176
    assert number(practice_deck, "params-notes-layer") == costs.conv_params(128, 64) == 8256
    bottleneck = (
        costs.conv_params(256, 64, bias=False)
        + costs.conv_params(64, 64, 3, bias=False)
        + costs.conv_params(64, 256, bias=False)
    )
    assert number(practice_deck, "resnet-bottleneck-weights") == bottleneck == 69_632
    assert number(practice_deck, "resnet-basic-weights") == 2 * costs.conv_params(64, 64, 3, bias=False)
    assert number(practice_deck, "resnet-plain-256-weights") == 2 * costs.conv_params(256, 256, 3, bias=False)


def test_multiply_accumulates_match_costs(practice_deck):
    reduce = costs.conv_macs(28, 28, 192, 16)
    assert number(practice_deck, "macs-example-reduce") == reduce == 2_408_448
    assert number(practice_deck, "macs-5x5-direct") == costs.conv_macs(28, 28, 192, 32, 5)
    assert number(practice_deck, "macs-5x5-reduced") == reduce + costs.conv_macs(28, 28, 16, 32, 5)


def test_dense_layer_on_7x7x512_equals_a_7x7_convolution(practice_deck):
    dense = costs.dense_params(7 * 7 * 512, 4096)
    assert number(practice_deck, "fc6-params") == dense == costs.conv_params(512, 4096, 7)
    assert number(practice_deck, "fc6-as-conv-kernel") == 7
    assert parse_shape(card(practice_deck, "fc6-weight-reshape").answer) == (4096, 512, 7, 7)
    assert 4096 * 512 * 7 * 7 == 4096 * 25088
    assert parse_shape(card(practice_deck, "fc7-output").answer) == (costs.conv_out_size(1, 1), 1, 4096)
    out = costs.conv_out_size(12, 7)
    assert card(practice_deck, "fc-to-conv-larger-input").answer.startswith(f"{out}×{out}×4096")


def test_inception_3a_figures_match_costs(practice_deck):
    rows = dict(next(t for t in practice_deck.tables if t.id == "inception-3a").rows)
    width = {k: int(v) for k, v in rows.items()}
    weights = [
        costs.conv_params(192, width["#1×1"], bias=False),
        costs.conv_params(192, width["#3×3 reduce"], bias=False),
        costs.conv_params(width["#3×3 reduce"], width["#3×3"], 3, bias=False),
        costs.conv_params(192, width["#5×5 reduce"], bias=False),
        costs.conv_params(width["#5×5 reduce"], width["#5×5"], 5, bias=False),
        costs.conv_params(192, width["pool proj"], bias=False),
    ]
    explain = card(practice_deck, "inception-3a-figures:c1").explain
    assert f"{sum(weights):,}" in explain and f"{sum(weights) * 28 * 28:,}" in explain
    # Table 1's "159K" is 163,328 / 1,024 (159.5), not / 1,000 (163.3): the card says which K it is
    assert (sum(weights), sum(weights) // 1024) == (163_328, 159)
    assert f"$163,328 / 1,024 = {sum(weights) / 1024:.1f}$" in explain and "K is 1,024" in explain
    assert round(sum(weights) * 28 * 28 / 1e6) == 128  # Table 1's "128M" ops
    out = width["#1×1"] + width["#3×3"] + width["#5×5"] + width["pool proj"]
    assert number(practice_deck, "inception-3a-output") == out == 256


def test_resnet_bottleneck_names_every_stage_of_table_1(practice_deck):
    """256 → 64 → 256 is conv2_x only; ResNet Table 1's later stages keep the 4× squeeze."""
    explain = card(practice_deck, "resnet-bottleneck:c1").explain
    stages = [(256 * 2**k, 64 * 2**k) for k in range(4)]  # conv2_x … conv5_x
    assert stages == [(256, 64), (512, 128), (1024, 256), (2048, 512)]
    for (wide, narrow), name in zip(stages[1:], ("conv3_x", "conv4_x", "conv5_x"), strict=True):
        assert f"{wide} → {narrow} → {wide} ({name})" in explain
    row = next(r for t in practice_deck.tables if t.id == "where-1x1" for r in t.rows if r[0].startswith("ResNet"))
    assert all(f"{wide} ↔ {narrow}" in row[1] for wide, narrow in stages[1:])


def test_no_card_says_the_papers_count_weights_only(all_cards):
    """Neither the GoogLeNet nor the ResNet paper says whether its counts include biases."""
    texts = [" ".join((c.prompt, c.answer, c.explain)) for c in all_cards]
    assert [t for t in texts if re.search(r"as (the|Table 1) (paper|does)|papers count", t)] == []


def test_no_card_asking_for_a_name_holds_the_name_in_its_question(all_cards):
    """A reverse card's question is its card's back: a back that names the front gives it away. No name
    the card takes (its answer, a part of it in parentheses, an accepted form) has all its words there."""
    for c in all_cards:
        if c.kind == "basic" and (c.id.endswith(":reverse") or c.id.endswith("-name")):
            asked = set(fold(c.prompt).split())
            names = [part for a in (c.answer, *c.accept) for part in re.split(r"[()]", a) if fold(part)]
            assert [n for n in names if set(fold(n).split()) <= asked] == [], c.id


def test_mobilenet_ratio_matches_costs(practice_deck):
    ratio = costs.separable_ratio(256, 3)
    answer = card(practice_deck, "mobilenet-ratio-256").answer
    assert f"{ratio:.3f}" in answer and f"{1 / ratio:.1f} times" in answer
    explain = card(practice_deck, "mobilenet-8-to-9").explain
    low, high = costs.separable_ratio(1024), costs.separable_ratio(128)
    assert f"{high:.3f} to {low:.3f}" in explain and f"{1 / high:.1f} to {1 / low:.1f} times" in explain


def test_misconception_figures_match_costs(practice_deck):
    conv, dense = (parse_number(n) for n in card(practice_deck, "myth-same-as-flattened-dense").answer.split(" vs "))
    assert conv == costs.conv_params(64, 32, bias=False)
    assert dense == costs.dense_params(32 * 32 * 64, 32 * 32 * 32, bias=False)
    assert number(practice_deck, "myth-one-weight-per-filter") == costs.conv_params(256, 1, bias=False)
    size = costs.conv_out_size(28, 1)
    assert parse_shape(card(practice_deck, "myth-shrinks-hw").answer) == (size, size, 16)


def test_notes_output_shape_example(notes_deck):
    size = costs.conv_out_size(32, 1)
    assert parse_shape(card(notes_deck, "conv1x1-output-example").answer) == (size, size, 64)


# -- typed answers a learner would give are accepted -------------------------------------------

ACCEPTED = {
    ("dense-vs-1x1", "dense-formula"): ["y = Wx + b", "y=Wx+b", "Y = WX + B"],
    ("dense-vs-1x1", "conv1x1-filter-depth"): ["C_in", "Cin", "cᵢₙ", "input channels"],
    ("dense-vs-1x1", "conv1x1-output-example"): ["32x32x64", "32 × 32 × 64", "(32, 32, 64)"],
    ("dense-vs-1x1", "pytorch-conv1x1"): [
        "nn.Conv2d(in_channels=128, out_channels=64, kernel_size=1)",
        "nn.Conv2d(128,64,1)",
        "nn.Conv2d(128, 64, kernel_size = 1)",
    ],
    ("dense-vs-1x1", "tensorflow-conv1x1"): [
        "Conv2D(filters=64, kernel_size=(1,1), strides=1, padding='same')",
        'Conv2D(64, (1, 1), padding="same")',
        "Conv2D(64, 1, padding='same')",
    ],
    ("1x1-in-practice", "params-formula"): [
        "Cin*Cout + Cout",
        "C_in × C_out + C_out",
        "Cout*(Cin+1)",
        "cin x cout + cout",
    ],
    ("1x1-in-practice", "params-example-pool-proj"): ["6176", "6,176", "6 176"],
    ("1x1-in-practice", "macs-formula"): ["H*W*Cin*Cout", "H x W x C_in x C_out", "h·w·cin·cout"],
    ("1x1-in-practice", "macs-5x5-direct"): ["120,422,400", "120422400"],
    ("1x1-in-practice", "mobilenet-ratio"): ["1/N + 1/D_K^2", "1/N+1/Dk^2", "1/N + 1/D_K²"],
    ("1x1-in-practice", "mobilenet-8-to-9"): ["8 to 9", "8-9", "between 8 and 9"],
    ("1x1-in-practice", "fc6-weight-reshape"): ["(4096, 512, 7, 7)", "4096x512x7x7", "[4096, 512, 7, 7]"],
    ("1x1-in-practice", "pytorch-conv-weight-shape"): ["(64, 128, 1, 1)", "64x128x1x1", "64, 128, 1, 1"],
    ("1x1-in-practice", "keras-conv-kernel-shape"): ["(1, 1, 128, 64)", "1x1x128x64"],
    # cloze cards, typed in `quiz exam` and graded against the hidden text alone
    ("dense-vs-1x1", "conv1x1-shapes:c1"): ["H x W x C_in", "H × W × Cin", "h x w x c_{in}"],
    ("dense-vs-1x1", "conv1x1-shapes:c2"): ["C_in", "Cin"],
    ("dense-vs-1x1", "conv1x1-definition-cloze:c1"): ["1x1", "1 x 1", "1×1", "1", "(1, 1)"],
    ("dense-vs-1x1", "tensorflow-conv1x1-cloze:c3"): ["(1,1)", "(1, 1)", "1x1", "1"],
    ("dense-vs-1x1", "pytorch-conv1x1-cloze:c3"): ["1", "(1, 1)", "(1,1)", "1x1", "1×1"],
    ("dense-vs-1x1", "summary-architectures:c2"): ["Inception", "GoogLeNet", "googlenet", "GoogleNet"],
    ("dense-vs-1x1", "dense-definition-name"): ["Dense layer", "fully connected layer", "FC layer"],
    ("dense-vs-1x1", "conv1x1-definition-name"): ["1x1 convolution", "1×1 conv", "pointwise convolution"],
    ("dense-vs-1x1", "flashcard-q1"): ["A per-pixel weighted sum across all channels (plus a bias per output channel)"],
    ("1x1-in-practice", "flatten-order:c1"): ["C, H, W", "CHW", "(C, H, W)", "C×H×W"],
    ("1x1-in-practice", "flatten-order:c2"): ["H, W, C", "HWC", "(H, W, C)"],
    ("1x1-in-practice", "nin-cccp:c2"): ["1×1", "1x1", "1"],
    ("1x1-in-practice", "vgg-fc-to-conv:c2"): ["1×1", "1"],
    ("1x1-in-practice", "fcn-kernels-cover-input:c2"): ["1×1", "1"],
    ("1x1-in-practice", "resnet-bottleneck:c3"): ["1x1, 256", "1×1,256"],
    ("1x1-in-practice", "inception-3a-figures:c1"): ["159K", "159k", "159,000"],
    ("1x1-in-practice", "inception-3a-figures:c2"): ["128M", "128 million"],
    ("1x1-in-practice", "mobilenet-totals:c2"): ["569 million", "569M", "569,000,000"],
    ("1x1-in-practice", "mobilenet-totals:c3"): ["94.86%", "94.86"],
    ("1x1-in-practice", "resnet-50:c2"): ["3.8 billion", "3.8B"],
    ("1x1-in-practice", "vgg-fc-to-conv:c1"): ["7x7", "7 × 7", "7", "(7, 7)"],
}


@pytest.mark.parametrize(
    ("key", "given"),
    [(k, g) for k, gs in ACCEPTED.items() for g in gs],
    ids=lambda v: "/".join(v) if isinstance(v, tuple) else v,
)
def test_learner_answers_are_accepted(key, given, notes_deck, practice_deck):
    deck = notes_deck if key[0] == "dense-vs-1x1" else practice_deck
    c = card(deck, key[1])
    assert grade(given, [c.answer, *c.accept]).correct


@pytest.mark.parametrize(
    ("card_id", "given"),
    [
        ("params-example-pool-proj", "6144"),  # weights only: the bias is asked for
        ("params-formula", "Cin*Cout"),
        ("macs-5x5-reduced", "120422400"),
        ("pytorch-conv-weight-shape", "(128, 64, 1, 1)"),  # Keras order, not PyTorch's
        ("keras-dense-kernel-shape", "(64, 128)"),
        ("mobilenet-ratio", "1/D_K^2"),
        ("flatten-order:c1", "HWC"),  # the other order
        ("flatten-order:c2", "CHW"),
        ("vgg-fc-to-conv:c1", "1"),  # a kernel size, but not this one
        ("vgg-fc-to-conv:c2", "7"),
        ("nin-cccp:c2", "3"),
    ],
)
def test_wrong_answers_are_rejected(card_id, given, practice_deck):
    c = card(practice_deck, card_id)
    assert not grade(given, [c.answer, *c.accept]).correct


# -- framework facts checked against the frameworks themselves ---------------------------------


def test_keras_to_pytorch_transpose_is_the_only_right_option(practice_deck):
    """A Keras kernel k[i, j, c, o] must land at PyTorch w[o, c, i, j]."""
    import numpy as np

    c = card(practice_deck, "keras-conv-to-pytorch-conv")
    k = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)  # (kH, kW, C_in, C_out), all values distinct
    expected = np.einsum("ijco->ocij", k)
    for option in c.options:
        axes = re.fullmatch(r"kernel\.transpose\(([\d, ]+)\)", option)
        right = axes is not None and np.array_equal(k.transpose(*map(int, axes.group(1).split(","))), expected)
        assert right == (option == c.answer), option


def test_pytorch_shapes_and_equivalences_hold_in_torch(practice_deck):
    torch = pytest.importorskip("torch")
    nn = torch.nn
    assert tuple(nn.Conv2d(128, 64, kernel_size=1).weight.shape) == parse_shape(
        card(practice_deck, "pytorch-conv-weight-shape").answer
    )
    assert tuple(nn.Linear(128, 64).weight.shape) == parse_shape(
        card(practice_deck, "pytorch-linear-weight-shape").answer
    )
    assert sum(p.numel() for p in nn.Conv2d(128, 64, 1).parameters()) == number(practice_deck, "params-notes-layer")

    torch.manual_seed(0)
    linear, conv = nn.Linear(8, 4), nn.Conv2d(8, 4, 1)
    assert card(practice_deck, "linear-to-conv1x1-weight").answer == "linear.weight[:, :, None, None]"
    assert "x.permute(0, 2, 3, 1)" in card(practice_deck, "linear-on-channels-last").answer
    with torch.no_grad():
        conv.weight.copy_(linear.weight[:, :, None, None])
        conv.bias.copy_(linear.bias)
        x = torch.randn(2, 8, 5, 6)
        per_pixel = linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        assert torch.allclose(conv(x), per_pixel, atol=1e-6)

        # the dense head on a C×7×7 map as a 7×7 convolution (small C for speed), and on a 12×12 map
        dense, head = nn.Linear(3 * 7 * 7, 5), nn.Conv2d(3, 5, 7)
        head.weight.copy_(dense.weight.reshape(5, 3, 7, 7))
        head.bias.copy_(dense.bias)
        x = torch.randn(2, 3, 7, 7)
        assert torch.allclose(dense(x.flatten(1)), head(x).flatten(1), atol=1e-5)
        assert tuple(head(torch.randn(1, 3, 12, 12)).shape[2:]) == (6, 6)


def mobilenet_v1() -> list[tuple[str, int, int]]:
    """(layer type, weights, MACs) of MobileNet v1 1.0-224 as in Table 1 of Howard et al. 2017
    (weights only, as the paper counts; the last depthwise layer keeps 7×7)."""
    layers = [("conv 3×3", costs.conv_params(3, 32, 3, bias=False), costs.conv_macs(112, 112, 3, 32, 3))]
    size = 112
    for c_in, c_out, stride in [
        (32, 64, 1),
        (64, 128, 2),
        (128, 128, 1),
        (128, 256, 2),
        (256, 256, 1),
        (256, 512, 2),
        *[(512, 512, 1)] * 5,
        (512, 1024, 2),
        (1024, 1024, 1),
    ]:
        size = costs.conv_out_size(size, 3, stride, 1)
        layers.append(
            (
                "conv dw 3×3",
                costs.conv_params(c_in, c_in, 3, groups=c_in, bias=False),
                costs.conv_macs(size, size, c_in, c_in, 3, groups=c_in),
            )
        )
        layers.append(
            ("conv 1×1", costs.conv_params(c_in, c_out, bias=False), costs.conv_macs(size, size, c_in, c_out))
        )
    layers.append(("fc", costs.dense_params(1024, 1000, bias=False), costs.dense_macs(1024, 1000)))
    return layers


def test_mobilenet_figures_match_a_count_of_the_network(practice_deck):
    layers = mobilenet_v1()
    params, macs = sum(p for _, p, _ in layers), sum(m for _, _, m in layers)
    totals = card(practice_deck, "mobilenet-totals:c1").cloze
    assert f"{params / 1e6:.1f} million" in totals and f"{macs / 1e6:.0f} million" in totals
    table = next(t for t in practice_deck.tables if t.id == "mobilenet-table-2")
    kinds = {"Conv 1×1": "conv 1×1", "Conv DW 3×3": "conv dw 3×3", "Fully Connected": "fc"}
    for row_type, mult_adds, weights in table.rows:
        share_macs = 100 * sum(m for k, _, m in layers if k == kinds[row_type]) / macs
        share_params = 100 * sum(p for k, p, _ in layers if k == kinds[row_type]) / params
        assert (f"{share_macs:.2f}%", f"{share_params:.2f}%") == (mult_adds, weights), row_type
        if row_type == "Conv 1×1":
            assert mult_adds in totals and weights in totals
