"""The one grader: typed answers compared by meaning, and options picked by what a line says.

Each expected answer has a kind (`answer_kind`), decided from its text or declared by the deck (`grade:`):
- code: a Python call, compared as a call (answer_code.py);
- shape: numbers (`32×32×64`, `(32, 32, 64)`) or symbols (`H × W × C_in`, `(C, H, W)`) in order
  (here and answer_math.py);
- number: a number or a range, with units, magnitudes and "about" (answer_numbers.py);
- math: a formula, compared as a polynomial (answer_math.py);
- text: folded text (Unicode, case, spacing, punctuation), with a character diff for near misses.
The helper modules are imported when an answer of their kind is graded, not at start-up.

Used by `quiz study` (typed answers and options picked by text), `quiz exam` (typed, computed and choice
questions) and `problems.py`. Pure functions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

# What is read, graded and stored of one typed answer (study and exam): a longer line is cut to this,
# and the learner is told. Long enough for any real answer; a 20 MB paste no longer takes a minute
# to grade or a megabyte of the review log per answer.
MAX_ANSWER_CHARS = 4096

_SHAPE_SEP = re.compile(r"\s*(?:[x×*,]|by)\s*", re.IGNORECASE)
_SHAPE_RE = re.compile(r"[\(\[]?\s*\d+(?:\s*(?:[x×*,]|by)\s*\d+)+\s*,?\s*[\)\]]?\s*", re.IGNORECASE)
_NUMBER_RE = re.compile(
    r"[+-]?(?:\d{1,3}(?:[,\u00a0\u202f _]\d{3})+|\d+)(?:\.\d+)?(?:e[+-]?\d+)?|[+-]?\.\d+", re.IGNORECASE
)
_TIMES = str.maketrans({"·": "×", "⋅": "×", "*": "×"})
_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "g": 1_000_000_000}


def fold(text: str) -> str:
    """Text as compared: NFC, case-folded, punctuation dropped, whitespace collapsed.

    Characters that carry meaning in this subject (× · + − = / ²) are kept.
    """
    # NFKC turns subscripts into letters (Cₒᵤₜ → Cout); LaTeX's _ { } go too (C_{out} → Cout).
    text = unicodedata.normalize("NFKC", text).casefold().replace("_", "").replace("{", "").replace("}", "")
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("P") and ch not in "/-.*·":
            kept.append(" ")
        else:
            kept.append(ch)
    text = "".join(kept).replace("-", " ")
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # a full stop, not a decimal point
    text = re.sub(r"(?<=\w) x (?=\w)|(?<=\d)x(?=\d)", "×", text)  # "h x w" and "3x3" as "h×w", "3×3"
    # Every way of writing "times" is one: C_in·C_out = C_in*C_out = C_in⋅C_out = C_in×C_out.
    text = re.sub(r"\s*([×·⋅*+=/^])\s*", r"\1", text).translate(_TIMES)
    return " ".join(text.split())


def parse_shape(text: str) -> tuple[int, ...] | None:
    """`32x32x64`, `32×32×64`, `(32, 32, 64)`, `32 x 32 x 64`, `[32,32,64]` → (32, 32, 64); else None."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _SHAPE_RE.fullmatch(text) or _NUMBER_RE.fullmatch(text):  # `6,176` is a number
        return None
    body = text.strip("()[] \t").rstrip(",").strip()
    parts = _SHAPE_SEP.split(body)
    if len(parts) < 2 or not all(p.isdecimal() and len(p) < 10 for p in parts):
        return None
    return tuple(int(p) for p in parts)


def parse_number(text: str) -> float | None:
    """`6176`, `6,176`, `6 176`, `6_176`, `1.5`, `4.2M`, `569 million`, `1/8` → a float; else None."""
    text = unicodedata.normalize("NFKC", text).strip().lower().replace("\u2212", "-")
    text = re.sub(r"\s*(million|mio)$", "m", text)
    text = re.sub(r"\s*(thousand)$", "k", text)
    text = re.sub(r"\s*(billion)$", "b", text)
    fraction = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", text)
    if fraction:
        den = float(fraction.group(2))
        return float(fraction.group(1)) / den if den else None
    scale = 1
    if text[-1:] in _SUFFIX and len(text) > 1 and (text[-2].isdigit() or text[-2] == " "):
        scale, text = _SUFFIX[text[-1]], text[:-1].strip()
    text = text.rstrip("×x").strip()  # "8.6×" as a ratio
    if len(text) > 40 or not _NUMBER_RE.fullmatch(text):
        return None
    digits = re.sub(r"[,\u00a0\u202f _]", "", text)
    if scale == 1:
        return float(digits)
    from decimal import Decimal  # so that 16.1k is exactly 16,100 (16.1 × 1000 = 16100.000000000002 in floats)

    return float(Decimal(digits) * scale)


KINDS = ("math", "shape", "number", "code", "text")
# What a deck may declare with `grade:` on a typed card (a shape is a kind of math there).
DECLARED_KINDS = ("math", "number", "code", "text")


def answer_kind(expected: str, declared: str | None = None) -> str:
    """How `expected` is graded: `code` (a Python call), `shape` (numbers or symbols in order: `32×32×64`,
    `H × W × C_in`, `(C, H, W)`), `number` (a number or range, with units and magnitudes), `math` (a formula)
    or `text`. A deck's `grade:` (`declared`) chooses among code, number, math (shape or formula) and text."""
    if declared == "text":
        return "text"
    if declared in (None, "", "code") and "(" in expected:
        from dense1x1quiz.answer_code import is_code_answer

        if is_code_answer(expected):
            return "code"
    if declared == "code":
        return "text"  # declared code that is no call: compared as written
    if declared in (None, "", "number"):
        if parse_shape(expected) is not None:
            return "shape"
        from dense1x1quiz.answer_numbers import parse_quantity

        if parse_quantity(expected) is not None:
            return "number"
    if declared == "number":
        return "text"
    from dense1x1quiz.answer_math import is_shape_answer, parse_formula

    if is_shape_answer(expected):
        return "shape"
    return "math" if parse_formula(expected) is not None else "text"


@dataclass(frozen=True)
class Verdict:
    """One comparison: `correct`, and `sure` when the given answer was read in the expected answer's kind
    (a number as a number, a call as a call), so a wrong one is clearly wrong; prose is never `sure` wrong."""

    correct: bool
    sure: bool
    kind: str


def judge(given: str, expected: str, tolerance: float = 0.0, declared: str | None = None) -> Verdict:
    """Whether `given` says what `expected` says, by `expected`'s kind (see `answer_kind`): calls as calls,
    shapes in order, numbers and ranges as quantities (within a relative `tolerance`), formulas as
    polynomials; text (or a given answer that cannot be read in the kind) as folded text. An expected
    answer in LaTeX (`$…$`) is read as LaTeX and, as text, also as it is shown (`Cᵢₙ`)."""
    kind = answer_kind(expected, declared)
    canonical = _reader(kind, expected)
    if canonical is not None:
        expected_form = canonical(expected)
        given_form = canonical(given)
        if given_form is not None and expected_form is not None:
            if kind == "number":
                from dense1x1quiz.answer_numbers import same_quantity

                return Verdict(same_quantity(given_form, expected_form, tolerance), True, kind)
            return Verdict(given_form == expected_form, True, kind)
    if "[" in expected and "$" not in expected:
        # Indexing code (`w[:, :, None, None]`): folding would drop the brackets, colons and commas that are
        # its meaning, so it is compared as written, spaces and case aside.
        right = _squeezed(given) == _squeezed(expected)
        return Verdict(right, True, kind)
    folded = fold(given)
    right = bool(folded) and (folded == fold(expected) or ("$" in expected and folded == fold(_shown(expected))))
    return Verdict(right, right, kind)


def _squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _reader(kind: str, expected: str):  # -> Callable[[str], object | None] | None
    """The function reading an answer of `kind` into a comparable form (None for text)."""
    if kind == "code":
        from dense1x1quiz.answer_code import parse_call

        return parse_call
    if kind == "number":
        from dense1x1quiz.answer_numbers import parse_quantity

        return parse_quantity
    if kind == "shape":
        if parse_shape(expected) is not None:
            return parse_shape
        from dense1x1quiz.answer_math import parse_symbolic_shape

        return parse_symbolic_shape
    if kind == "math":
        from dense1x1quiz.answer_math import parse_formula

        return parse_formula
    return None


def _shown(text: str) -> str:
    """Deck text with its LaTeX as the screen shows it (`$C_{in}$` → `Cᵢₙ`)."""
    from dense1x1quiz.text import render_math

    return render_math(text)


def same_answer(given: str, expected: str, tolerance: float = 0.0, declared: str | None = None) -> bool:
    """Whether `given` says what `expected` says (`judge`): as a call, a shape, a number or range
    (within a relative `tolerance`), a formula, or folded text."""
    return judge(given, expected, tolerance, declared).correct


@dataclass(frozen=True)
class Grade:
    """How a typed answer compares: `correct`, or a `near` miss (a slip of a character or two in words).

    `sure`: the grader is certain of the verdict (right by text or meaning, or a number, shape, formula or
    call that was read and differs); a paraphrase of prose is not. `kind` is the canonical answer's kind
    (`answer_kind`) and `similarity` the folded texts' likeness (0–1) to the closest answer."""

    correct: bool
    near: bool
    closest: str  # the accepted answer it was compared with most closely
    sure: bool = True
    kind: str = "text"
    similarity: float = 1.0


def grade(
    given: str, answers: list[str] | tuple[str, ...], tolerance: float = 0.0, declared: str | None = None
) -> Grade:
    """Grade `given` against accepted `answers` (the first is the canonical one; an answer in LaTeX also
    counts as it is shown), each compared by its own kind (`judge`). `declared` is a deck's `grade:`."""
    written = list(answers)
    candidates = list(dict.fromkeys(written + [_shown(a) for a in written if "$" in a]))
    sure = False
    kind = answer_kind(written[0], declared)
    for answer in candidates:
        verdict = judge(given, answer, tolerance, declared)
        if verdict.correct:
            return Grade(True, False, answer, True, verdict.kind, 1.0)
        sure = sure or verdict.sure
    best, best_ratio = candidates[0], -1.0
    for answer in candidates:
        ratio = difflib.SequenceMatcher(None, fold(given), fold(answer)).ratio()
        if ratio > best_ratio:
            best, best_ratio = answer, ratio
    distance = edit_distance(fold(given), fold(best))
    near = bool(fold(given)) and 0 < distance <= max(1, len(fold(best)) // 8)
    return Grade(False, near, best, sure, kind, max(best_ratio, 0.0))


def option_index(given: str, options: list[str] | tuple[str, ...], tolerance: float = 0.0) -> int | None:
    """The option (0-based) a line names: its number (from 1), its text (as written or as shown), or its
    meaning (`65536` names `65,536`, `Cᵢₙ · Cₒᵤₜ` names `$C_{in} \\cdot C_{out}$`) when exactly one option
    has it; else None. The study screen and the exam both pick options with it."""
    text = given.strip()
    if text.isdecimal() and len(text) < 7 and 1 <= int(text) <= len(options):  # not "²", not 5,000 digits
        return int(text) - 1
    folded = fold(text)
    if not folded:
        return None
    for i, option in enumerate(options):
        if folded == fold(option) or ("$" in option and folded == fold(_shown(option))):
            return i
    same = [i for i, option in enumerate(options) if grade(text, [option], tolerance).correct]
    return same[0] if len(same) == 1 else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def char_diff(given: str, expected: str) -> list[tuple[str, str]]:
    """(op, text) runs turning `given` into `expected`: op is 'same', 'extra' (typed, not wanted) or
    'missing' (wanted, not typed)."""
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, given, expected, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", given[i1:i2]))
            continue
        if i2 > i1:
            runs.append(("extra", given[i1:i2]))
        if j2 > j1:
            runs.append(("missing", expected[j1:j2]))
    return runs


__all__ = [
    "DECLARED_KINDS",
    "KINDS",
    "MAX_ANSWER_CHARS",
    "Grade",
    "Verdict",
    "answer_kind",
    "char_diff",
    "edit_distance",
    "fold",
    "grade",
    "judge",
    "option_index",
    "parse_number",
    "parse_shape",
    "same_answer",
]
