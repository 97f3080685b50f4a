"""How well `quiz import` turns real notes into cards: recall and precision on a hand-labelled corpus.

    python benchmarks/import_quality.py              # the table, one row per corpus file, totals last
    python benchmarks/import_quality.py --verbose    # and, per file, every miss and every defect
    python benchmarks/import_quality.py --check      # exit 1 when a target is missed
    python benchmarks/import_quality.py 03 11        # only the files whose names start so
    python benchmarks/import_quality.py --notes DIR  # the notes folder (default: $QUIZ_NOTES_CORPUS,
                                                     # else ../shared/notes-corpus beside the checkout)

The corpus: real notes written by others, each with the cards a person studying it would want. The
labels are in this repository, `tests/fixtures/notes-corpus/NN-name.expected.yaml`, with SOURCES.md
(where each note comes from, its licence, what was cut, and the labelling rules). The notes
themselves, `NN-name.md`, are other people's files and are kept out of this repository's commits: they
live in a notes folder beside it (`--notes`), and SOURCES.md says how to get each one back (repository,
path, commit, line range). Each note is imported as a user does it
(`python -m dense1x1quiz import NOTE -o TMP/deck.yaml` in a temporary home) and every deck the import
wrote is loaded with the deck loader, so the produced cards are the study cards (reversed cards,
cloze numbers and table cells expanded).

Matching (`match_score`). Text is normalised (NFKC, lower case, `×` read as `x`, markup and
punctuation dropped) into words; a trailing plural `s` is ignored and words of five letters or more
also match a word that starts with them (`normaliz` ~ `normalization`) or is within 85% similar
(a typo). Small function words (`STOPWORDS`) are ignored. A produced card matches an expected card
when at least 75% of the expected front's words are in its prompt and at least 75% of the expected
back's words are in its answer (all of them when there are two words or fewer). Each produced card
matches at most one expected card and each expected card at most one produced card: pairs are taken
best score first.

Recall: expected cards found / expected cards. Precision ("studiable as it stands"): produced cards
without a defect / produced cards. A defect (`card_defects`) is: an empty prompt or answer; markup
left in the text outside code spans and math (`**`, `__`, `[[`, `](`, `![`, `<br`, `<details`,
`<summary`, an HTML closing tag, `==`, `::`, `<!--`, `> [!`, `#flashcards`, task-list boxes `[x]`
`[ ]`); a table card whose column has no name (`Column N`) or whose row key is an empty cell (`—`);
an answer equal to its prompt; a prompt that is only a label (`Question 3`, `Q1.`, `MCQ 2`); a prompt
shared by another card with a different answer (nobody can tell them apart); and, for a card that
matches no expected card, an answer of more than 150 words (a section dumped, not an answer: answers
the labels ask for are as long as their authors wrote them, up to 190 words in this corpus) or a
prompt made only of the note's heading words (a heading is not a question unless the labels say its
section is a definition). A card that matches an expected card is still counted as a defect if it
has one: found, but not studiable as it stands.

A ratio with nothing to count is "n/a", not a score: recall of a file labelled with no card (it
measures precision only), precision of a file where the importer made no card (its recall, 0%, says
what was missed). A file labelled with no card that gives none is right, and shows n/a twice. An n/a
figure is left out of the per-file check; the totals count every card of every file.

Targets (issue 12): recall ≥ 90% and precision ≥ 90% over the whole corpus, and no file below 70% on
either. The exit code is 0 (this is a measurement) unless `--check` is given and a target is missed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LABELS = ROOT / "tests" / "fixtures" / "notes-corpus"  # NN-name.expected.yaml + SOURCES.md
NOTES_ENV = "QUIZ_NOTES_CORPUS"


def default_notes() -> Path:
    """Where the notes are when `--notes` is not given: $QUIZ_NOTES_CORPUS, else ../shared/notes-corpus."""
    return Path(os.environ.get(NOTES_ENV) or ROOT.parent / "shared" / "notes-corpus")


KINDS = ("basic", "cloze", "choice", "reverse")
TARGET_RECALL = 0.90
TARGET_PRECISION = 0.90
TARGET_FILE = 0.70
WORD_SHARE = 0.75  # share of an expected side's words that must be found
SECTION_WORDS = 150  # an answer longer than this is a section dumped, not an answer
STOPWORDS = frozenset(
    "a an the of to in on at for and or is are was were be been it its this that these those what which "
    "how why when who whom do does did can could would should will with by as from into than then there "
    "their they we you your i our us not no s t".split()  # s, t: what is left of `'s` and `n't`
)
MARKUP = (
    *("**", "__", "[[", "](", "![", "<br", "<details", "<summary", "</", "==", "::", "<!--", "> [!", "#flashcards"),
    *("[x]", "[X]", "[ ]"),  # task-list boxes: the options were kept as a list, not made a choice card
)
GENERATED_COLUMN = re.compile(r"\bColumn \d+\b")  # a table whose header row was empty or not a header
EMPTY_CELL = re.compile(r"^\s*[—–]\s*$")  # an empty table cell, shown as a dash
LABEL_ONLY = re.compile(r"^(question|q|mcq|exercise|problem|card)\s*\d+[.):]?$", re.IGNORECASE)
CODE_OR_MATH = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)


# -- text → words ---------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The comparable words of `text`: NFKC, lower case, `×` as `x`, punctuation and markup dropped,
    a plural `s` removed, function words left out."""
    text = unicodedata.normalize("NFKC", text).lower().replace("×", "x")
    out = []
    for word in re.findall(r"[^\W_]+", text):
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _word_found(word: str, pool: set[str]) -> bool:
    if word in pool:
        return True
    if len(word) < 5:
        return False
    for other in pool:
        if len(other) >= 5 and (other.startswith(word) or word.startswith(other)):
            return True
    return any(difflib.SequenceMatcher(None, word, other).ratio() >= 0.85 for other in pool if len(other) >= 5)


def share_found(wanted: Sequence[str], text: str) -> float:
    """The share of `wanted` words found among the words of `text` (1.0 when nothing is wanted)."""
    if not wanted:
        return 1.0
    pool = set(words(text))
    return sum(_word_found(w, pool) for w in wanted) / len(wanted)


def _enough(share: float, wanted: Sequence[str]) -> bool:
    return share >= (1.0 if len(wanted) <= 2 else WORD_SHARE)


# -- cards ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One study card a person would want: key words of its front and back, and its kind."""

    front: str
    back: str
    kind: str = "basic"


@dataclass(frozen=True)
class Produced:
    """One study card the importer made (as the deck loader expands it)."""

    prompt: str
    answer: str
    kind: str = "basic"
    id: str = ""
    options: tuple[str, ...] = ()


def load_expected(path: Path) -> list[Expected]:
    """The labels in `path` as study cards (a `reverse` label is two cards: front→back, back→front).
    A malformed file raises ValueError naming the card."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise ValueError(f"{path.name}: expected a mapping with a `cards:` list")
    cards: list[Expected] = []
    for n, entry in enumerate(data["cards"], 1):
        if not isinstance(entry, dict) or set(entry) - {"front", "back", "kind"}:
            raise ValueError(f"{path.name}: card {n} must have only front, back and kind")
        front, back, kind = str(entry.get("front", "")), str(entry.get("back", "")), entry.get("kind", "basic")
        if not words(front) or not words(back) or kind not in KINDS:
            raise ValueError(f"{path.name}: card {n} needs a front and a back with words, kind one of {KINDS}")
        cards.append(Expected(front, back, kind))
    return expand(cards)


def expand(cards: Sequence[Expected]) -> list[Expected]:
    """The study cards the labels stand for: a `reverse` card is also asked back to front."""
    out = []
    for card in cards:
        out.append(card)
        if card.kind == "reverse":
            out.append(Expected(card.back, card.front, card.kind))
    return out


def match_score(expected: Expected, produced: Produced) -> float:
    """How well `produced` answers `expected` (0 when it does not match; see the module docstring)."""
    front, back = words(expected.front), words(expected.back)
    front_share, back_share = share_found(front, produced.prompt), share_found(back, produced.answer)
    if not (_enough(front_share, front) and _enough(back_share, back)):
        return 0.0
    return (front_share + back_share) / 2


def assign(expected: Sequence[Expected], produced: Sequence[Produced]) -> dict[int, int]:
    """Expected index → produced index, one to one, the best-scoring pairs first (ties: note order)."""
    pairs = sorted(
        (
            (score, e, p)
            for e, exp in enumerate(expected)
            for p, prod in enumerate(produced)
            if (score := match_score(exp, prod)) > 0
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    taken_e: dict[int, int] = {}
    taken_p: set[int] = set()
    for _, e, p in pairs:
        if e not in taken_e and p not in taken_p:
            taken_e[e] = p
            taken_p.add(p)
    return taken_e


def headings_of(note: str) -> set[str]:
    """The words of every heading in the note (ATX `#` and setext), for the "a heading is not a
    question" defect."""
    lines = note.splitlines()
    found: set[str] = set()
    for i, line in enumerate(lines):
        if re.match(r"^ {0,3}#{1,6}\s", line):
            found.update(words(line.lstrip(" #")))
        elif i and re.match(r"^ {0,3}(=+|-+)\s*$", line) and lines[i - 1].strip():
            found.update(words(lines[i - 1]))
    return found


def card_defects(card: Produced, others: Sequence[Produced], heading_words: set[str], matched: bool) -> list[str]:
    """Why `card` cannot be studied as it stands ([] when it can); see the module docstring."""
    reasons = []
    prompt, answer = card.prompt.strip(), card.answer.strip()
    if not words(prompt):
        reasons.append("empty prompt")
    if not words(answer):
        reasons.append("empty answer")
    for name, text in (("prompt", prompt), ("answer", answer), ("options", "\n".join(card.options))):
        bare = CODE_OR_MATH.sub(" ", text)
        left = [m for m in MARKUP if m in bare]
        if left:
            reasons.append(f"markup left in the {name}: {' '.join(left)}")
    if GENERATED_COLUMN.search(prompt) or GENERATED_COLUMN.search(answer):
        reasons.append("a table column without a name (`Column N`)")
    cells = [line.split(":", 1)[1] for line in prompt.splitlines() if ":" in line] if card.kind == "table" else []
    if any(EMPTY_CELL.match(cell) for cell in cells):
        reasons.append("an empty table cell in the prompt")
    if words(prompt) and words(prompt) == words(answer):
        reasons.append("answer repeats the prompt")
    if LABEL_ONLY.match(prompt):
        reasons.append("prompt is only a label")
    same = [o for o in others if o is not card and o.prompt.strip() == prompt and o.answer.strip() != answer]
    if prompt and same:
        reasons.append(f"{len(same) + 1} cards share this prompt")
    if not matched and len(answer.split()) > SECTION_WORDS:
        reasons.append(f"answer is a section ({len(answer.split())} words)")
    prompt_words = words(prompt)
    if not matched and "?" not in prompt and prompt_words and set(prompt_words) <= heading_words:
        reasons.append("a heading, not a question (no expected card)")
    return reasons


# -- scoring a file -------------------------------------------------------------------------------


@dataclass
class FileScore:
    name: str
    expected: int
    produced: int
    found: int
    studiable: int
    error: str = ""  # the importer's message when it made no deck
    missed: list[Expected] = field(default_factory=list)
    defects: list[tuple[Produced, list[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.studiable / self.produced if self.produced else None


def score_cards(
    name: str, note: str, expected: Sequence[Expected], produced: Sequence[Produced], error: str = ""
) -> FileScore:
    """Recall and precision of `produced` against `expected` for one note (pure: no import here)."""
    pairs = assign(expected, produced)
    matched = set(pairs.values())
    heading_words = headings_of(note)
    defects = []
    for p, card in enumerate(produced):
        reasons = card_defects(card, produced, heading_words, p in matched)
        if reasons:
            defects.append((card, reasons))
    missed = [exp for e, exp in enumerate(expected) if e not in pairs]
    return FileScore(
        name, len(expected), len(produced), len(pairs), len(produced) - len(defects), error, missed, defects
    )


def import_note(note: Path, workdir: Path, checkout: Path = ROOT) -> tuple[list[Produced], str]:
    """Run `quiz import NOTE -o WORKDIR/deck.yaml` (home in WORKDIR) with this checkout's package and
    load every deck it wrote. Returns the study cards and, when it made none, what it said."""
    from dense1x1quiz.deck import load_deck
    from dense1x1quiz.errors import QuizError

    home = workdir / "home"
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(home), "NO_COLOR": "1", "PYTHONPATH": str(checkout)}
    env.pop("DENSE1X1QUIZ_NOW", None)
    done = subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", "import", str(note), "-o", str(workdir / "out" / "deck.yaml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=checkout,
        timeout=120,
    )
    # the deck written with -o, and any the importer put in the user deck folder (an import of many decks)
    decks = sorted([*(workdir / "out").rglob("*.yaml"), *(home / "decks").rglob("*.yaml")])
    cards: list[Produced] = []
    said = (done.stderr.strip().splitlines() or [""])[-1]
    for path in decks:
        try:
            deck = load_deck(path)
        except QuizError as exc:  # the import wrote a deck its own loader refuses
            said = f"{path.name}: {exc}"
            continue
        cards.extend(Produced(shown_prompt(c), c.answer, c.kind, c.id, tuple(c.options)) for c in deck.cards)
    return cards, ("" if cards else said or f"exit {done.returncode}, no deck written")


def shown_prompt(card) -> str:  # noqa: ANN001 (a dense1x1quiz Card, imported lazily)
    """The question as the study screen shows it: a cloze card's text with its own deletion hidden and
    the others filled in (as session.py does), not the raw `{{c1::…}}` text every sibling shares."""
    from dense1x1quiz.model import cloze_prompt

    return cloze_prompt(card.cloze, card.cloze_number) if card.kind == "cloze" and card.cloze else card.prompt


def corpus_files(labels: Path, notes: Path, only: Sequence[str] = ()) -> list[tuple[Path, Path]]:
    """(note, labels) pairs for every label file whose name starts with one of `only` (all by default).
    A labelled note missing from `notes` raises FileNotFoundError naming it."""
    pairs = []
    for label in sorted(labels.glob("*.expected.yaml")):
        name = label.name.removesuffix(".expected.yaml") + ".md"
        if only and not any(name.startswith(prefix) for prefix in only):
            continue
        note = notes / name
        if not note.is_file():
            raise FileNotFoundError(
                f"{note} is missing (labelled in {label.name}; SOURCES.md says where it comes from)"
            )
        pairs.append((note, label))
    return pairs


def score_file(note: Path, expected: Sequence[Expected], checkout: Path = ROOT) -> FileScore:
    """Import `note` with `checkout`'s dense1x1quiz and score what it made against `expected`."""
    with tempfile.TemporaryDirectory(prefix="import-quality-") as tmp:
        produced, error = import_note(note, Path(tmp), checkout)
    return score_cards(note.name, note.read_text(encoding="utf-8"), expected, produced, error)


# -- report ---------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"  # nothing to count: no score (module docstring)


def table(scores: Sequence[FileScore]) -> str:
    """The figures as a Markdown table, one row per file and a total row."""
    rows = [
        "| file | expected | produced | found | recall | studiable | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in [*scores, totals(scores)]:
        cells = (s.expected, s.produced, s.found, _pct(s.recall), s.studiable, _pct(s.precision))
        name = "**total**" if s.name == "total" else s.name
        rows.append(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(rows)


def totals(scores: Sequence[FileScore]) -> FileScore:
    return FileScore(
        "total",
        sum(s.expected for s in scores),
        sum(s.produced for s in scores),
        sum(s.found for s in scores),
        sum(s.studiable for s in scores),
    )


def missed_targets(scores: Sequence[FileScore]) -> list[str]:
    """Each target the scores miss, in words ([] when all are met)."""
    total, problems = totals(scores), []
    if total.recall is not None and total.recall < TARGET_RECALL:
        problems.append(f"recall {_pct(total.recall)} < {TARGET_RECALL:.0%}")
    if total.precision is not None and total.precision < TARGET_PRECISION:
        problems.append(f"precision {_pct(total.precision)} < {TARGET_PRECISION:.0%}")
    for s in scores:
        low = [
            f"{what} {_pct(v)}"
            for what, v in (("recall", s.recall), ("precision", s.precision))
            if v is not None and v < TARGET_FILE
        ]
        if low:
            problems.append(f"{s.name}: {', '.join(low)} < {TARGET_FILE:.0%}")
    return problems


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def details(score: FileScore) -> str:
    """Every expected card not found and every produced card not studiable, with why."""
    lines = [f"## {score.name}: recall {_pct(score.recall)}, precision {_pct(score.precision)}"]
    if score.error:
        lines.append(f"  import made no deck: {_short(score.error, 200)}")
    for exp in score.missed:
        lines.append(f"  not found ({exp.kind}): {_short(exp.front, 70)} → {_short(exp.back, 50)}")
    for card, reasons in score.defects:
        lines.append(f"  not studiable [{'; '.join(reasons)}]: {_short(card.prompt, 60)} → {_short(card.answer, 40)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="file name prefixes (default: the whole corpus)")
    parser.add_argument("--notes", type=Path, default=None, help=f"folder of the notes (default: ${NOTES_ENV})")
    parser.add_argument("--labels", type=Path, default=LABELS, help="folder of NN-name.expected.yaml")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="the source tree whose dense1x1quiz imports (default: this one)"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and defect per file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures and failures as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.checkout.resolve()))  # that checkout's dense1x1quiz, for its deck loader
    notes_dir = args.notes or default_notes()
    try:
        pairs = corpus_files(args.labels, notes_dir, args.only)
    except FileNotFoundError as exc:
        print(f"{exc}; give the notes folder with --notes or ${NOTES_ENV}", file=sys.stderr)
        return 2
    if not pairs:
        print(f"no labelled notes in {args.labels}", file=sys.stderr)
        return 2
    try:  # every label file is read before any import runs: a typo there stops the run at once
        labelled = [(note, load_expected(label)) for note, label in pairs]
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    scores = [score_file(note, expected, args.checkout.resolve()) for note, expected in labelled]
    print(table(scores))
    if args.verbose:
        for s in scores:
            if s.missed or s.defects or s.error:
                print()
                print(details(s))
    problems = missed_targets(scores)
    print()
    print("targets met" if not problems else "targets missed: " + "; ".join(problems))
    if args.json:
        args.json.write_text(
            json.dumps([_as_json(s) for s in scores], indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 1 if args.check and problems else 0


def _as_json(s: FileScore) -> dict:
    return {
        "file": s.name,
        "expected": s.expected,
        "produced": s.produced,
        "found": s.found,
        "studiable": s.studiable,
        "error": s.error,
        "missed": [{"front": e.front, "back": e.back, "kind": e.kind} for e in s.missed],
        "defects": [{"prompt": c.prompt, "answer": c.answer, "reasons": r} for c, r in s.defects],
    }


if __name__ == "__main__":
    sys.exit(main())
