"""Numbers and ranges as quantities: `16,448 parameters`, `about 102.8 million`, `1.028e8`, `8 to 9 times`.

A quantity is a number, or a range of two, optionally marked approximate (`~`, `≈`, `about`,
`approximately`, `approx.`, `around`, `roughly`), with a magnitude (`K`/`thousand`, `M`/`million`/`mio`/`mn`,
`B`/`bn`/`billion`, `T`/`trillion`, `e8`, `× 10^8`), thousands separators (`,` or a space, as
`answers.parse_number` reads them) and words after it (units: `parameters`, `params`, `times`, `x`, `%`),
which are ignored. Text with another number in it, or words before the number, is not a quantity.

How an expected quantity is matched:
- exact (`16,448`): the same value (or within the question's relative tolerance);
- approximate (`about 102.8 million`): within half a unit of its last written digit, so `102.8M`,
  `102,800,000`, `1.028e8` and `102.76M` are right (|Δ| ≤ 50,000), `102.7M` and `10.28M` are not;
- a range (`8 to 9`, `8–9`, `8-9x`, `between 8 and 9 times`): the same two ends, in either order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_APPROX = re.compile(r"^(?:~|≈|∼|about|approximately|approx\.?|around|roughly|circa|ca\.|nearly|almost)\s*")
_NUM = r"[+-]?(?:\d{1,3}(?:[,\u00a0\u202f _]\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
_MAGNITUDES = {
    "k": 3,
    "thousand": 3,
    "m": 6,
    "mio": 6,
    "mn": 6,
    "million": 6,
    "millions": 6,
    "b": 9,
    "bn": 9,
    "billion": 9,
    "billions": 9,
    "t": 12,
    "trillion": 12,
}
_MAG = "|".join(sorted(_MAGNITUDES, key=len, reverse=True))


def _one(n: str) -> str:
    """One number of a quantity, its groups named after `n`: digits, `e8`, a magnitude, `× 10^8`."""
    return (
        rf"(?P<{n}>{_NUM})(?:e(?P<{n}e>[+-]?\d{{1,3}}))?(?:\s*(?P<{n}m>{_MAG})(?![a-z]))?"
        rf"(?:\s*[x×*·]\s*10\s*\^\s*\(?(?P<{n}p>[+-]?\d{{1,3}})\)?)?"
    )


_QUANTITY = re.compile(
    rf"(?:between\s+)?{_one('a')}(?:\s*(?:-|–|—|to|and)\s*{_one('b')})?(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
MAX_CHARS = 120


@dataclass(frozen=True)
class Quantity:
    """`low` == `high` for one number; `half_unit` is how far an approximate value may be off (0: exact)."""

    low: Decimal
    high: Decimal
    approximate: bool = False
    half_unit: Decimal = Decimal(0)

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def _value(match: re.Match[str], n: str) -> tuple[Decimal, Decimal]:
    """The value of one number of the match and half a unit of its last written digit."""
    digits = re.sub(r"[,\u00a0\u202f _]", "", match.group(n))
    exponent = int(match.group(n + "e") or 0) + int(match.group(n + "p") or 0)
    magnitude = match.group(n + "m")
    if magnitude:
        exponent += _MAGNITUDES[magnitude.lower()]
    value = Decimal(digits).scaleb(exponent)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return value, Decimal(5).scaleb(exponent - decimals - 1)


def parse_quantity(text: str) -> Quantity | None:
    """`text` as a quantity (see the module doc), or None."""
    text = unicodedata.normalize("NFKC", text.translate(_SUPERSCRIPTS)).strip().replace("\u2212", "-")
    if not text or len(text) > MAX_CHARS:
        return None
    lowered = text.lower()
    approximate = False
    while True:
        m = _APPROX.match(lowered)
        if not m or not m.group():
            break
        approximate, lowered = True, lowered[m.end() :]
    if "/" in lowered:  # a fraction: `1/8`
        fraction = re.fullmatch(r"([+-]?\d{1,12}(?:\.\d{1,12})?)\s*/\s*(\d{1,12}(?:\.\d{1,12})?)", lowered)
        if fraction is None or not Decimal(fraction.group(2)):
            return None
        value = Decimal(fraction.group(1)) / Decimal(fraction.group(2))
        return Quantity(value, value, approximate, Decimal(0))
    m = _QUANTITY.fullmatch(lowered)
    if m is None or re.search(r"\d", m.group("rest")) or not _units(m.group("rest")):
        return None
    try:
        low, half = _value(m, "a")
        high = _value(m, "b")[0] if m.group("b") else low
    except (InvalidOperation, ValueError):
        return None
    if m.group("b") and high < low:
        low, high = high, low
    return Quantity(low, high, approximate, half if approximate else Decimal(0))


def _units(rest: str) -> bool:
    """Whether what follows a number is units or words (`parameters`, `x`, `%`, `times faster`), no more
    than a few of them."""
    words = re.findall(r"[^\W\d_]+|%|×", rest)
    leftover = re.sub(r"[^\W\d_]+|%|×|[\s.,;:!()]", "", rest)
    return not leftover and len(words) <= 4


def same_quantity(given: Quantity, expected: Quantity, tolerance: float = 0.0) -> bool:
    """Whether `given` says `expected` (see the module doc); `tolerance` is relative."""
    if given.is_range != expected.is_range:
        return False
    allowed = expected.half_unit
    if expected.is_range or not expected.approximate:
        allowed = Decimal(0)

    def close(g: Decimal, e: Decimal) -> bool:
        return abs(g - e) <= max(allowed, abs(e) * Decimal(repr(tolerance)))

    return close(given.low, expected.low) and close(given.high, expected.high)


__all__ = ["Quantity", "parse_quantity", "same_quantity"]
