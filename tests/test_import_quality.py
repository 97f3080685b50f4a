"""benchmarks/import_quality.py: the scoring itself, on cards whose right answers are known, and the
corpus's bookkeeping (every label has a source with a licence, every note a label)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import import_quality as iq  # noqa: E402

LICENCES = {"MIT", "BSD-2-Clause", "CC BY 4.0", "CC BY-SA 4.0", "GPL-3.0", "AGPL-3.0"}

NOTE = """# Convolutions

## Pointwise

**What does a 1×1 convolution do?**

It mixes the channels at each pixel.

## Pooling layers

A long section that an importer might dump whole.
"""

EXPECTED = [
    iq.Expected("What does a 1x1 convolution do", "mixes the channels at each pixel"),
    iq.Expected("What is max pooling", "maximum value in each window"),
    iq.Expected("weights", "stride", "reverse"),
]


def test_words_are_normalised_for_matching():
    assert iq.words("What is **ReLU**? A 1×1 conv's weights, `W`.") == ["relu", "1x1", "conv", "weight", "w"]


def test_a_card_matches_when_three_quarters_of_each_side_are_found():
    exp = iq.Expected("output shape of a pointwise convolution", "H W C_out")
    assert iq.match_score(exp, iq.Produced("Pointwise convolution: output shape?", "H × W × C_out")) == 1.0
    # 3 of 4 front words (75%) and all back words: a match
    assert iq.match_score(exp, iq.Produced("Output shape of a convolution?", "H W C_out")) == 0.875
    # 2 of 4 front words (50%): no match, however good the answer
    assert iq.match_score(exp, iq.Produced("Output shape of a layer?", "H W C_out")) == 0.0
    # the answer must hold the back's words, not the prompt
    assert iq.match_score(exp, iq.Produced("output shape pointwise convolution H W C_out", "yes")) == 0.0


def test_scoring_on_known_cards():
    produced = [
        iq.Produced("What does a 1×1 convolution do?", "It **mixes** the channels at each pixel."),
        iq.Produced("Pooling layers", " ".join(["word"] * 151)),
        iq.Produced("Question 3", "stride"),
        iq.Produced("stride", "weights"),
        iq.Produced("Which layer?", "one"),
        iq.Produced("Which layer?", "two"),
    ]
    score = iq.score_cards("note.md", NOTE, iq.expand(EXPECTED), produced)
    assert (score.expected, score.produced, score.found, score.studiable) == (4, 6, 2, 1)
    assert (score.recall, score.precision) == (0.5, 1 / 6)
    assert [(e.front, e.back) for e in score.missed] == [
        ("What is max pooling", "maximum value in each window"),
        ("weights", "stride"),
    ]
    assert [(c.prompt[:16], reasons) for c, reasons in score.defects] == [
        ("What does a 1×1 ", ["markup left in the answer: **"]),
        ("Pooling layers", ["answer is a section (151 words)", "a heading, not a question (no expected card)"]),
        ("Question 3", ["prompt is only a label"]),
        ("Which layer?", ["2 cards share this prompt"]),
        ("Which layer?", ["2 cards share this prompt"]),
    ]


def test_each_card_is_matched_once():
    twice = [iq.Expected("What is a kernel", "small matrix of weights")] * 2
    score = iq.score_cards("n.md", "", twice, [iq.Produced("What is a kernel?", "A small matrix of weights.")])
    assert (score.found, score.studiable) == (1, 1)


def test_labels_are_read_strictly(tmp_path):
    good = tmp_path / "a.expected.yaml"
    good.write_text("cards:\n  - {front: q1, back: a1, kind: reverse}\n  - {front: q2, back: a2}\n", encoding="utf-8")
    assert iq.load_expected(good) == [
        iq.Expected("q1", "a1", "reverse"),
        iq.Expected("a1", "q1", "reverse"),
        iq.Expected("q2", "a2", "basic"),
    ]
    bad = tmp_path / "b.expected.yaml"
    bad.write_text("cards:\n  - {front: q, back: a, kind: typed}\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        iq.load_expected(bad)
    assert str(err.value) == (
        "b.expected.yaml: card 1 needs a front and a back with words, kind one of "
        "('basic', 'cloze', 'choice', 'reverse')"
    )


def test_the_benchmark_runs_the_importer_and_checks_targets(tmp_path, capsys):
    labels, notes = tmp_path / "labels", tmp_path / "notes"
    labels.mkdir()
    notes.mkdir()
    (notes / "01-qa.md").write_text("Q: What does a 1x1 convolution mix?\nA: The channels.\n", encoding="utf-8")
    (labels / "01-qa.expected.yaml").write_text(
        "cards:\n  - {front: 1x1 convolution mix, back: channels}\n", encoding="utf-8"
    )
    args = ["--labels", str(labels), "--notes", str(notes), "--check"]
    assert iq.main(args) == 0
    assert capsys.readouterr().out == (
        "| file | expected | produced | found | recall | studiable | precision |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n"
        "| 01-qa.md | 1 | 1 | 1 | 100% | 1 | 100% |\n"
        "| **total** | 1 | 1 | 1 | 100% | 1 | 100% |\n"
        "\n"
        "targets met\n"
    )
    (labels / "01-qa.expected.yaml").write_text(
        "cards:\n  - {front: 1x1 convolution mix, back: channels}\n  - {front: stride, back: step}\n",
        encoding="utf-8",
    )
    assert iq.main(args) == 1
    assert capsys.readouterr().out.splitlines()[-1] == ("targets missed: recall 50% < 90%; 01-qa.md: recall 50% < 70%")
    assert iq.main([*args[:-1]]) == 0  # a measurement: without --check the exit code is 0


def test_a_missing_note_is_named(tmp_path, capsys):
    (tmp_path / "02-x.expected.yaml").write_text("cards: []\n", encoding="utf-8")
    assert iq.main(["--labels", str(tmp_path), "--notes", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err == (
        f"{tmp_path / 'none' / '02-x.md'} is missing (labelled in 02-x.expected.yaml; SOURCES.md says where it "
        "comes from); give the notes folder with --notes or $QUIZ_NOTES_CORPUS\n"
    )


def _sources() -> dict[str, list[str]]:
    rows = {}
    for line in (iq.LABELS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0].endswith(".md") and cells[0] != "file":
            rows[cells[0]] = cells
    return rows


def test_every_label_file_has_a_source_with_a_licence():
    rows = _sources()
    labelled = {p.name.removesuffix(".expected.yaml") + ".md" for p in iq.LABELS.glob("*.expected.yaml")}
    assert len(labelled) >= 20
    assert set(rows) == labelled
    for name, (_, repo, path, commit, licence, cut) in rows.items():
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", repo) and path and cut, name
        assert re.fullmatch(r"[0-9a-f]{40}", commit), name
        assert licence.split(" (")[0] in LICENCES, name
        iq.load_expected(iq.LABELS / name.replace(".md", ".expected.yaml"))  # parses, every card complete


def test_every_note_in_the_notes_folder_is_labelled():
    notes = iq.default_notes()
    if not notes.is_dir():
        pytest.skip(f"the notes are not in this checkout; set ${iq.NOTES_ENV} to the notes folder")
    present = {p.name for p in notes.glob("[0-9]*.md")}
    assert present == set(_sources())
    for name in present:
        assert len((notes / name).read_text(encoding="utf-8").splitlines()) <= 330, name


def test_a_long_answer_is_a_defect_only_when_no_label_asks_for_it():
    long = "The kernel is a small matrix of weights. " + "More detail. " * 80  # 168 words
    wanted = [iq.Expected("What is a kernel", "small matrix of weights")]
    card = iq.Produced("What is a kernel?", long)
    assert iq.score_cards("n.md", "", wanted, [card]).defects == []
    assert iq.score_cards("n.md", "", [], [card]).defects == [(card, ["answer is a section (168 words)"])]


def test_a_note_labelled_with_no_card_is_right_when_it_gives_none_and_wrong_when_it_gives_one():
    note = "## Intro\n\nIn this section, we will look at strides.\n"
    nothing = iq.score_cards("02-prose.md", note, [], [])
    heading = iq.score_cards("03-prose.md", note, [], [iq.Produced("Intro", "In this section, we will look.")])
    assert iq.table([nothing, heading]).splitlines()[2:] == [
        "| 02-prose.md | 0 | 0 | 0 | n/a | 0 | n/a |",
        "| 03-prose.md | 0 | 1 | 0 | n/a | 0 | 0% |",
        "| **total** | 0 | 1 | 0 | n/a | 0 | 0% |",
    ]
    assert iq.missed_targets([nothing]) == []
    assert iq.missed_targets([nothing, iq.score_cards("04-qa.md", "", [iq.Expected("a b", "c")], [])]) == [
        "recall 0% < 90%",
        "04-qa.md: recall 0% < 70%",
    ]
    assert iq.missed_targets([heading])[-1] == "03-prose.md: precision 0% < 70%"
