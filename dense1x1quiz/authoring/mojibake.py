"""Mojibake repair for notes: UTF-8 that was read as Windows-1252/1254 (and saved so), fixed line by line.

ftfy undoes the wrong decoding. When bytes were lost on the way (an emoji's byte the code page lacks),
what ftfy makes of the rest can be a character that means nothing: unassigned, private-use, or U+FFFD.
Such a character is dropped, the text around it kept (with the space ftfy may have taken into the broken
sequence), and the line reported like any other repair.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass


@dataclass
class Repair:
    """One line changed on reading: `before` became `after` (its first change; `after` is "" when dropped)."""

    line: int
    before: str
    after: str


def meaningless(char: str) -> bool:
    """Unassigned, private-use, a surrogate, or U+FFFD: never a character a person wrote in notes."""
    return char == "\ufffd" or unicodedata.category(char) in ("Cn", "Co", "Cs")


def _mojibake_char(char: str) -> bool:
    """A character that a UTF-8 byte ≥ 0x80 becomes when read as Windows-1252 or -1254."""
    if char.isascii():
        return False
    for codepage in ("cp1254", "cp1252"):
        try:
            char.encode(codepage)
            return True
        except UnicodeEncodeError:
            pass
    return False


def _drop_broken(line: str) -> str:
    """`line` without meaningless characters and the undecoded mojibake touching them (`ğŸ` + U+FFFD)."""
    keep = [not meaningless(c) for c in line]
    for k, char in enumerate(line):
        if meaningless(char):
            for step in (-1, 1):
                j = k + step
                while 0 <= j < len(line) and _mojibake_char(line[j]):
                    keep[j] = False
                    j += step
    return "".join(c for c, kept in zip(line, keep, strict=True) if kept)


def _fix_line(line: str) -> str:
    import ftfy

    fixed = ftfy.fix_encoding(line)
    if not any(meaningless(c) for c in fixed):
        return fixed
    if fixed == line:  # nothing ftfy could decode: drop the broken run where it stands
        return _drop_broken(line)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(fixed[j1:j2])
            continue
        new = "".join(c for c in fixed[j1:j2] if not meaningless(c))
        old = line[i1:i2]
        done = "".join(out)
        if new != fixed[j1:j2] and old[-1:].isspace() and not (new or done)[-1:].isspace():
            new += " "  # the space after the lost bytes was read as part of them
        out.append(new)
    return "".join(out)


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """`text` with mojibake fixed and meaningless characters dropped, and every line that changed."""
    lines, repairs = text.split("\n"), []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        fixed = _fix_line(line)
        if fixed != line:
            lines[number - 1] = fixed
            before, after = _first_difference(line, fixed)
            repairs.append(Repair(number, before, after))
    return "\n".join(lines), repairs


def _first_difference(a: str, b: str) -> tuple[str, str]:
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            return a[i1:i2], b[j1:j2]
    return a, b


__all__ = ["Repair", "meaningless", "repair_mojibake"]
