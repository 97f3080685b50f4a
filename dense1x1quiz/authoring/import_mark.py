"""The mark `quiz import` puts on the decks it writes, and whether a deck file still is what it wrote.

The mark is a deck key the format owns (deck.py checks its shape), on one line of its own:

    imported: {from: notes.md, sha256: <64 hex digits>}

where the hash is SHA-256 of the file's bytes without that line. A person does not write such a
line by accident, and any edit to the file (a card, a comment, a space) changes the hash: so a
re-import replaces a deck in place only when it is import output nobody has edited since.
"""

from __future__ import annotations

import re
from hashlib import sha256

from dense1x1quiz.authoring.deck_writer import scalar

MARK_KEY = "imported"
_MARK_LINE_RE = re.compile(rb"^imported:[^\n]*(\n|\Z)", re.MULTILINE)  # top level: column 1
_HASH_RE = re.compile(rb"\bsha256: *([0-9a-f]{64})\b")


def mark(text: str, source: str) -> str:
    """`text`, a deck as `write_deck` wrote it, with the mark line after its leading comment lines."""
    digest = sha256(text.encode("utf-8")).hexdigest()
    line = f"{MARK_KEY}: {{from: {scalar(source, flow=True)}, sha256: {digest}}}\n"
    lines = text.splitlines(keepends=True)
    at = next((i for i, each in enumerate(lines) if not each.startswith("#")), len(lines))
    return "".join(lines[:at]) + line + "".join(lines[at:])


def mark_state(data: bytes) -> str:
    """ "intact" (the mark is there and the rest of the file hashes to it), "edited" (there is a mark,
    but the file changed since), or "absent" (no mark: a hand-written deck, or an older import's)."""
    lines = _MARK_LINE_RE.findall(data)
    if not lines:
        return "absent"
    found = _MARK_LINE_RE.search(data)
    assert found is not None
    recorded = _HASH_RE.search(found.group())
    body = data[: found.start()] + data[found.end() :]
    if len(lines) > 1 or recorded is None or sha256(body).hexdigest() != recorded.group(1).decode():
        return "edited"
    return "intact"


__all__ = ["MARK_KEY", "mark", "mark_state"]
