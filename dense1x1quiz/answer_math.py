"""Formulas and symbolic shapes read into a canonical form, so answers are compared by meaning.

A formula (`C_in·C_out + C_out`, `$C_{in} \\cdot C_{out} + C_{out}$`, `Cᵢₙ·Cₒᵤₜ + Cₒᵤₜ`, `Cout(Cin+1)`) is read by a
small recursive-descent parser into a polynomial: a dict from monomials (sorted `(symbol, exponent)` pairs;
negative exponents for a division by a symbol) to rational coefficients. Two formulas mean the same when
their polynomials are equal, so sums and products commute and `Cout(Cin+1)` equals `Cin·Cout + Cout`. An
equation (`y = Wx + b`) is its two sides, in either order. Nothing is evaluated (no `eval`, no sympy).

Symbols: one letter and an optional subscript, in any spelling: `C_in`, `C_{in}`, `Cᵢₙ`, `Cin` (a letter
glued to `in` or `out`), `D_K`; case is ignored (`cin` is `C_in`). A run of two or more lowercase letters
that is not such a subscript (`conv`, `input`) is a word, and text with words is not a formula. Products are
written `·` `*` `×` `\\cdot` `\\times`, with a lone `x` between two factors, or by juxtaposition (`C_in C_out`,
`HW`); powers as `^2`, `^{2}` or `²`; `\\frac{a}{b}` and `/` divide (by a product only).

A shape is a sequence, not a product: `H × W × C_in` and `(C, H, W)` are ordered, so `W × H × C_in` differs.
An expected answer is a shape when it is two or more single symbols or numbers separated only by `×`
(`\\times`, a lone `x`) or only by commas (in parentheses or not), with nothing else: `H·W·C_in·C_out` (dots)
is a product, `(C_in + 1)·C_out` is a formula. A given shape may separate its parts by any of `×` `x` `*` `·`
`,` or nothing (`CHW`, `H W C`).
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

MAX_CHARS = 300  # a formula typed by a learner; longer text is not read as one
MAX_TERMS = 256  # a power of a sum expands; beyond this it is not an answer
MAX_POWER = 8
MAX_BITS = 4096  # the largest coefficient a power may make (a 1,233-digit number)

Monomial = tuple[tuple[str, int], ...]
Polynomial = dict[Monomial, Fraction]

_SUBSCRIPTS = str.maketrans("ₐₑₒₓₔₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥᵦᵧᵨᵩᵪ₀₁₂₃₄₅₆₇₈₉", "aeoxəhklmnpstijruvβγρφχ0123456789")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿⁱ", "0123456789-+ni")
_SUB_RUN = re.compile("[ₐₑₒₓₔₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥᵦᵧᵨᵩᵪ₀₁₂₃₄₅₆₇₈₉]+")
_SUP_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿⁱ]+")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_TEXT = re.compile(r"\\(?:text|mathrm|mathit|mathbf|operatorname)\s*\{([^{}]*)\}")
_LATEX_WORDS = {
    "cdot": "·",
    "times": "×",
    "left": "",
    "right": "",
    "quad": " ",
    "qquad": " ",
    "div": "/",
    "ast": "*",
}
_PLAIN = str.maketrans("−⋅∙∗÷[]", "-··*/()")
_SUBSCRIPT_WORDS = ("out", "in")  # what a letter may carry glued on: `Cin`, `Cout`
_TIMES = "×"
_SCRIPT = re.compile(r"-?\d+|[a-z]+|[A-Z]")  # `C_in`, `D_K`, `x_1`, `W^2`


class _NotMath(Exception):
    """The text is not a formula this parser reads."""


# -- reading the text into tokens -----------------------------------------------------------------


def _normalise(text: str) -> str:
    """LaTeX and Unicode spellings made plain: `$C_{in} \\cdot 2^{3}$` → `C_{in} · 2^{3}`, `Cᵢₙ` → `C_{in}`."""
    text = text.replace("\\$", "$").strip()
    text = text.strip("$").strip()
    text = _SUB_RUN.sub(lambda m: "_{" + m.group().translate(_SUBSCRIPTS) + "}", text)
    text = _SUP_RUN.sub(lambda m: "^{" + m.group().translate(_SUPERSCRIPTS) + "}", text)
    text = unicodedata.normalize("NFKC", text)
    for _ in range(3):  # nested \frac, innermost first
        text = _FRAC.sub(r"((\1)/(\2))", text)
    text = _TEXT.sub(r"\1", text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _LATEX_WORDS.get(m.group(1), "\\" + m.group(1)), text)
    return text.translate(_PLAIN)


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<word>\\?[A-Za-z]+)"
    r"|(?P<script>[_^])"
    r"|(?P<op>[-+*/·×=(),{}])"
    r")"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value) pairs: `num`, `sym` (a canonical symbol name), `x` (a lone lowercase x: a symbol, or
    "times" between two factors), `op`, and `pow` (an integer exponent)."""
    if len(text) > MAX_CHARS:
        raise _NotMath
    text = _normalise(text)
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise _NotMath
        pos = m.end()
        if m.group("num"):
            out.append(("num", m.group("num")))
        elif m.group("word"):
            out.extend(_symbols(m.group("word")))
        elif m.group("script"):
            value, pos = _script(text, pos)
            if m.group("script") == "_":
                if not out or out[-1][0] not in ("sym", "x"):
                    raise _NotMath
                out[-1] = ("sym", out[-1][1] + "_" + value.casefold())
            else:
                out.append(("pow", value))
        else:
            op = m.group("op")
            if op in "{}":  # a group brace in LaTeX (`{C_{out}}`) is a parenthesis
                op = "(" if op == "{" else ")"
            out.append(("op", op))
    return out


def _script(text: str, pos: int) -> tuple[str, int]:
    """The subscript or exponent after `_` or `^`: `{…}` or one run of letters/digits (`-2` for a power)."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos < len(text) and text[pos] == "{":
        end = text.find("}", pos)
        if end < 0:
            raise _NotMath
        value = text[pos + 1 : end].replace(" ", "")
        pos = end + 1
    else:
        m = _SCRIPT.match(text, pos)
        if m is None:
            raise _NotMath
        value, pos = m.group(), m.end()
    if not re.fullmatch(r"-?\w+", value):
        raise _NotMath
    return value, pos


def _symbols(word: str) -> list[tuple[str, str]]:
    """A run of letters as symbols: `HWCinCout` → H, W, C_in, C_out; `Wx` → W, x; `conv` is a word."""
    if word.startswith("\\"):  # \alpha, \sigma: one symbol
        return [("sym", word[1:].casefold())]
    out: list[tuple[str, str]] = []
    i = 0
    lower_run = 0
    while i < len(word):
        letter = word[i]
        rest = word[i + 1 :]
        sub = next((s for s in _SUBSCRIPT_WORDS if rest.casefold().startswith(s) and not _more_lower(rest, s)), "")
        if sub:
            out.append(("sym", f"{letter.casefold()}_{sub}"))
            i += 1 + len(sub)
            lower_run = 0
            continue
        lower_run = lower_run + 1 if letter.islower() else 0
        if lower_run >= 2:  # two lowercase letters in a row: a word, not a product of symbols
            raise _NotMath
        out.append(("x" if letter == "x" else "sym", letter.casefold()))
        i += 1
    return out


def _more_lower(rest: str, sub: str) -> bool:
    """Whether a lowercase letter follows a glued subscript (`Cinput` is not C_in·put)."""
    after = rest[len(sub) : len(sub) + 1]
    return after.islower() and not rest[: len(sub)].isupper()


# -- polynomials ---------------------------------------------------------------------------------


def _mono(symbols: dict[str, int]) -> Monomial:
    return tuple(sorted((s, e) for s, e in symbols.items() if e))


def _const(value: Fraction) -> Polynomial:
    return {(): value} if value else {}


def _add(a: Polynomial, b: Polynomial, sign: int = 1) -> Polynomial:
    out = dict(a)
    for mono, coef in b.items():
        out[mono] = out.get(mono, Fraction(0)) + sign * coef
        if not out[mono]:
            del out[mono]
    return out


def _mul(a: Polynomial, b: Polynomial) -> Polynomial:
    out: Polynomial = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            powers = dict(ma)
            for s, e in mb:
                powers[s] = powers.get(s, 0) + e
            mono = _mono(powers)
            out[mono] = out.get(mono, Fraction(0)) + ca * cb
            if not out[mono]:
                del out[mono]
    if len(out) > MAX_TERMS:
        raise _NotMath
    return out


def _inverse(p: Polynomial) -> Polynomial:
    """1/p for a single term (a division by a sum is not a polynomial)."""
    if len(p) != 1:
        raise _NotMath
    ((mono, coef),) = p.items()
    return {tuple((s, -e) for s, e in mono): 1 / coef}


def _power(p: Polynomial, exponent: int) -> Polynomial:
    if exponent < 0:
        return _power(_inverse(p), -exponent)
    if exponent > MAX_POWER:
        raise _NotMath
    # Powers of powers (`9^8^8^8`) grow as 8^k digits: a coefficient past MAX_BITS is no typed answer,
    # and computing it would hang the grader.
    bits = max((max(c.numerator.bit_length(), c.denominator.bit_length()) for c in p.values()), default=0)
    if bits * exponent > MAX_BITS:
        raise _NotMath
    out: Polynomial = {(): Fraction(1)}
    for _ in range(exponent):
        out = _mul(out, p)
    return out


class _Parser:
    """sum ('=' sum)? ; sum: ±term (± term)* ; term: power ((·|*|×|/|x|juxtaposed) power)* ;
    power: atom ('^' integer)* ; atom: number | symbol | '(' sum ')'"""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def equation(self) -> tuple[Polynomial, ...]:
        sides = [self.sum()]
        while self.peek() == ("op", "="):
            self.take()
            sides.append(self.sum())
        if self.peek()[0] != "end" or len(sides) > 2:
            raise _NotMath
        return tuple(sides)

    def sum(self) -> Polynomial:
        sign = 1
        if self.peek() in (("op", "+"), ("op", "-")):
            sign = -1 if self.take()[1] == "-" else 1
        total = _mul(_const(Fraction(sign)), self.term())
        while self.peek() in (("op", "+"), ("op", "-")):
            sign = -1 if self.take()[1] == "-" else 1
            total = _add(total, self.term(), sign)
        return total

    def starts_factor(self, offset: int = 0) -> bool:
        kind, value = self.tokens[self.pos + offset] if self.pos + offset < len(self.tokens) else ("end", "")
        return kind in ("num", "sym", "x") or (kind, value) == ("op", "(")

    def term(self) -> Polynomial:
        product = self.power()
        while True:
            kind, value = self.peek()
            if kind == "op" and value in "·*×/":
                self.take()
                factor = self.power()
                product = _mul(product, _inverse(factor) if value == "/" else factor)
            elif kind == "x" and self.starts_factor(1):  # `H x W`: times
                self.take()
                product = _mul(product, self.power())
            elif self.starts_factor():
                product = _mul(product, self.power())
            else:
                return product

    def power(self) -> Polynomial:
        base = self.atom()
        while self.peek()[0] == "pow":
            text = self.take()[1]
            if not re.fullmatch(r"-?\d{1,2}", text):
                raise _NotMath
            base = _power(base, int(text))
        return base

    def atom(self) -> Polynomial:
        kind, value = self.take()
        if kind == "num":
            return _const(Fraction(value))
        if kind in ("sym", "x"):
            return {((value, 1),): Fraction(1)}
        if (kind, value) == ("op", "("):
            inside = self.sum()
            if self.take() != ("op", ")"):
                raise _NotMath
            return inside
        raise _NotMath


def _canonical(p: Polynomial) -> tuple:
    return tuple(sorted(p.items()))


def parse_formula(text: str) -> tuple | None:
    """The canonical form of a formula or equation (hashable; equal forms mean the same), or None when
    `text` is not one: words, unbalanced parentheses, a division by a sum, a number alone."""
    try:
        tokens = _tokens(text)
        if not tokens or ("op", ",") in tokens or not any(k in ("sym", "x") for k, _ in tokens):
            return None
        sides = _Parser(tokens).equation()
    except (_NotMath, ZeroDivisionError, ValueError, RecursionError):
        return None
    return tuple(sorted(_canonical(side) for side in sides))


# -- shapes ---------------------------------------------------------------------------------------


def _shape_parts(tokens: list[tuple[str, str]]) -> tuple[list[str], set[str]] | None:
    """The atoms of a shape and the separators written between them, or None when it is not one."""
    if tokens[:1] == [("op", "(")] and tokens[-1:] == [("op", ")")]:
        tokens = tokens[1:-1]
    if tokens[-1:] == [("op", ",")]:  # `(C, H, W,)`
        tokens = tokens[:-1]
    atoms: list[str] = []
    seps: set[str] = set()
    expect_atom = True
    for i, (kind, value) in enumerate(tokens):
        if kind == "x" and not expect_atom and i + 1 < len(tokens) and tokens[i + 1][0] in ("sym", "num", "x"):
            seps.add(_TIMES)
            expect_atom = True
        elif kind in ("sym", "x", "num"):
            if not expect_atom:
                seps.add("")  # juxtaposed: `CHW`
            atoms.append(value if kind != "num" else str(Fraction(value)))
            expect_atom = False
        elif kind == "op" and value in "×*·," and not expect_atom:
            seps.add(value)
            expect_atom = True
        else:
            return None
    if expect_atom or len(atoms) < 2:
        return None
    return atoms, seps


def parse_symbolic_shape(text: str) -> tuple[str, ...] | None:
    """A shape written with symbols, as its ordered parts: `H×W×Cᵢₙ`, `HxWxCin`, `(H, W, C_in)`, `HWCin`
    → ('h', 'w', 'c_in'); None when `text` is not a sequence of two or more symbols or numbers."""
    try:
        tokens = _tokens(text)
    except _NotMath:
        return None
    parts = _shape_parts(tokens) if tokens else None
    return tuple(parts[0]) if parts else None


_LAYOUT = re.compile(r"[A-Z]{2,5}")


def is_shape_answer(text: str) -> bool:
    """Whether an expected answer is written as a shape (see the module doc): single symbols or numbers,
    at least one a symbol, separated only by `×` or only by commas; or a run of two to five capitals with
    nothing else (`CHW`, `NHWC`: a tensor layout, whose order is its meaning)."""
    try:
        tokens = _tokens(text)
    except _NotMath:
        return False
    parts = _shape_parts(tokens) if tokens else None
    if parts is None:
        return False
    atoms, seps = parts
    if _LAYOUT.fullmatch(text.strip()):  # `CHW`, `NHWC`: a layout names an order, not a product
        return True
    return seps in ({_TIMES}, {","}) and any(not a[0].isdigit() for a in atoms)


__all__ = ["MAX_CHARS", "is_shape_answer", "parse_formula", "parse_symbolic_shape"]
