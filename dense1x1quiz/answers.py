"""Grading typed answers: text folding, shapes compared as shapes, numbers as numbers, near misses.

Used by `quiz study` (typed cards) and `quiz exam` (typed and computed questions). Pure functions.
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


def same_answer(given: str, expected: str, tolerance: float = 0.0) -> bool:
    """Whether `given` says what `expected` says: as shapes, as numbers (within a relative
    `tolerance`), or as folded text."""
    shape_e = parse_shape(expected)
    if shape_e is not None:
        return parse_shape(given) == shape_e
    number_e = parse_number(expected)
    if number_e is not None:
        number_g = parse_number(given)
        if number_g is None:
            return False
        if tolerance:
            return abs(number_g - number_e) <= tolerance * abs(number_e)
        return number_g == number_e
    return bool(fold(given)) and fold(given) == fold(expected)


@dataclass(frozen=True)
class Grade:
    """How a typed answer compares: `correct`, or a `near` miss (a slip of a character or two)."""

    correct: bool
    near: bool
    closest: str  # the accepted answer it was compared with most closely


def grade(given: str, answers: list[str] | tuple[str, ...], tolerance: float = 0.0) -> Grade:
    """Grade `given` against accepted `answers` (the first is the canonical one)."""
    for answer in answers:
        if same_answer(given, answer, tolerance):
            return Grade(True, False, answer)
    best, best_ratio = answers[0], 0.0
    for answer in answers:
        ratio = difflib.SequenceMatcher(None, fold(given), fold(answer)).ratio()
        if ratio > best_ratio:
            best, best_ratio = answer, ratio
    distance = edit_distance(fold(given), fold(best))
    near = bool(fold(given)) and 0 < distance <= max(1, len(fold(best)) // 8)
    return Grade(False, near, best)


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
    "MAX_ANSWER_CHARS",
    "Grade",
    "char_diff",
    "edit_distance",
    "fold",
    "grade",
    "parse_number",
    "parse_shape",
    "same_answer",
]
