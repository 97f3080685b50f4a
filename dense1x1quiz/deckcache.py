"""A cache of checked decks, so a big deck is parsed once, not at every start.

An entry is the result of `deck.check_deck_bytes` (the deck, or None, and its problems) for one
file content. It lives in `<cache>/decks/<key>.pickle`, where `<cache>` is `$DENSE1X1QUIZ_HOME/cache`
when that is set, else the platform's user cache folder, and `<key>` is a hash (BLAKE2b, SHA-256 for
big files) of the file's bytes and of everything that decides what they load to: this module's
LOADER_VERSION, the Python version, the source of the loader modules and the installed files of
PyYAML, ftfy and unicodeit. So an entry is never stale: an edited deck, an updated loader or library
simply has another key. That is also why `quiz validate` answers from it (unless given --no-cache):
the same bytes checked by the same code give the same problems. The folder is safe to delete at
any time.

An entry is never trusted blindly. It starts with a magic string, the length and the CRC-32 of its
payload (a damaged, truncated or foreign file fails that check), the payload is unpickled by an Unpickler
that can build only our model classes but Card, and plain containers (no other code can run), and the
result is checked for shape before use. Anything wrong: the entry is ignored, the deck is checked afresh
and the entry rewritten. Failing to write (read-only folder, full disk) only means no caching.

The payload is the length of a first pickle, and two pickles. First the deck's outline (its id,
title, tags and card ids) with the problems: `quiz stats` and `quiz decks` need no more, and reading
only it builds no Card. Then the deck without its cards, its cards as columns (a list per field, or a
dict of the few cards that differ from a field's default; equal strings stored once), and the Unicode
renderings of its LaTeX, for the commands that show cards. A full read skips the outline.

On a hit nothing but `model` is imported (for an outline, not even that): not PyYAML, not the
loader. The columns are checked in bulk (Card fields only, every field without a default there, one
value per card, each of its field's type), then become a `cardlist.CardList`: a lazy deck, which
builds a Card the first time it is asked for one (issue 16: building all 100,000 of a big deck before
its first card was shown took a third of a warm start). Such a Card holds only the fields that differ
from their defaults (the others are the dataclass's class attributes): attribute access, `==`,
`hash`, `replace` and `asdict` are as usual.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import MISSING, fields, replace
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from zlib import crc32

from dense1x1quiz.errors import Problem
from dense1x1quiz.userfiles import MAX_FILE_BYTES, UserFileError, open_user_file, read_user_file

if TYPE_CHECKING:  # the classes themselves are imported at the first full read or write (`_model`)
    from dense1x1quiz.cardlist import CardList
    from dense1x1quiz.model import Deck

from pickle import Unpickler, UnpicklingError

LOADER_VERSION = 5  # bump when what a deck loads to changes in a way the sources below don't show
READ_LIMIT = MAX_FILE_BYTES  # = deck.MAX_BYTES (a test checks); bigger files are refused by the loader
MAX_ENTRIES = 64  # the oldest entries beyond these are removed when a new one is written
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # a 20,000-card deck's entry is ~3 MiB
MAGIC = b"dense1x1quiz-deck-cache 5\n"
BIG_FILE = 1 << 20  # from this size on, keys use OpenSSL's SHA-256 (3× faster than BLAKE2b on big input)
PROTOCOL = 5

# The modules whose source decides what a deck file loads to.
_LOADER_SOURCES = (
    "deck.py",
    "yamltree.py",
    "model.py",
    "errors.py",
    "demos/__init__.py",
    "deckcache.py",
    "text.py",
    "cardlist.py",
)
_LIBRARIES = ("yaml", "ftfy", "unicodeit")  # third-party code whose output an entry holds
_loader_digest: bytes | None = None
# Entries checked inside `deferred_writes` and not yet written: (deck, problems as an entry stores them).
_deferred: dict[Path, tuple[Deck | None, list[tuple[int, int, str, bool]]]] | None = None
_REQUIRED = object()  # what `_card_columns` compares a field without a default to: never the field's value
_OUTLINE_LENGTH = 8  # the payload starts with the outline pickle's length: a full read skips the outline

# A Card field's annotation → the types its stored values may have (by name; None: NoneType), and whether
# each value is a tuple of strings.
_COLUMN_TYPES: dict[str, tuple[tuple[str, ...], bool]] = {
    "str": (("str",), False),
    "CardKind": (("str",), False),
    "int": (("int",), False),
    "tuple[str, ...]": (("tuple",), True),
    "Table | None": (("Table", "None"), False),
    "DemoLink | None": (("DemoLink", "None"), False),
}


class _Model:
    """The model's classes and what the cache must know of them. Built at the first full read or
    write: an outline read (`quiz stats`, `quiz decks`) needs none of it, nor the model's import."""

    def __init__(self) -> None:
        from dense1x1quiz.model import KINDS, Card, Deck, DemoLink, Table

        self.Card, self.Deck, self.Table, self.DemoLink, self.kinds = Card, Deck, Table, DemoLink, frozenset(KINDS)
        # What an entry may build (`_ModelUnpickler`): these classes, and plain containers. Not Card: an
        # entry holds each card as a plain dict, made a Card only after its checks (`_deck_of_entry`).
        self.allowed = {("dense1x1quiz.model", c.__name__): c for c in (Deck, Table, DemoLink)}
        # The cards are stored as a column per field (`_card_columns`): a field without a default is a
        # list (one value per card); one with a default is a list or, when most cards leave it at its
        # default, a dict of the cards that do not. `key` is not stored: it is (deck, id).
        self.card_defaults = {f.name: f.default for f in fields(Card) if f.default is not MISSING}
        self.card_fields = tuple(f.name for f in fields(Card) if f.init)
        self.card_required = frozenset(f.name for f in fields(Card) if f.init and f.default is MISSING)
        # The types a stored value of each field may have, from its annotation (a new field's annotation
        # must be added here: _COLUMN_TYPES raises KeyError, and every test of the cache fails).
        known = {"str": str, "int": int, "tuple": tuple, "None": type(None), "Table": Table, "DemoLink": DemoLink}
        self.card_types: dict[str, tuple[set[type], bool]] = {}
        for f in fields(Card):
            if f.init:
                names, strings = _COLUMN_TYPES[str(f.type)]
                self.card_types[f.name] = ({known[name] for name in names}, strings)


_the_model: _Model | None = None


def _model() -> _Model:
    global _the_model
    if _the_model is None:
        _the_model = _Model()
    return _the_model


class DeckOutline(NamedTuple):
    """A deck without its cards' content: what `quiz stats` needs, read from an entry without
    building a single Card (a 20,000-card deck: ~3 ms instead of ~90)."""

    id: str
    title: str
    path: str
    tags: tuple[str, ...]
    card_ids: tuple[str, ...]


def outline(deck: Deck) -> DeckOutline:
    """The outline of a loaded deck."""
    return DeckOutline(deck.id, deck.title, deck.path, deck.tags, deck.card_ids)


def cache_dir() -> Path:
    """The cache folder: `$DENSE1X1QUIZ_HOME/cache`, else the platform's user cache folder."""
    configured = os.environ.get("DENSE1X1QUIZ_HOME")
    if configured:
        return Path(configured).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("dense1x1quiz", appauthor=False))


def check_deck_cached(path: str | Path) -> tuple[Deck | None, list[Problem]]:
    """What `deck.check_deck(path)` returns, from the cache when the file's content was checked before."""
    try:  # not a regular file, unreadable or too big: refused, never opened in a way that blocks
        data = read_user_file(path, READ_LIMIT, "a deck")
    except UserFileError:
        from dense1x1quiz.deck import check_deck  # it reports why the file cannot be read

        return check_deck(path)
    entry = _entry_path(data)
    cached = _deferred.get(entry) if _deferred is not None else None
    if cached is None:
        cached = read_entry(entry)
    if cached is not None:
        deck, problems = cached
        return (None if deck is None else replace(deck, path=str(path))), _problems(path, problems)
    deck, found = _check_bytes(path, data)
    if _deferred is not None:  # written by `write_deferred`, after the first card is shown
        _deferred[entry] = (deck, [(p.line, p.col, p.message, p.warning) for p in found])
    else:
        write_entry(entry, deck, found)
    return deck, found


@contextmanager
def deferred_writes() -> Iterator[None]:
    """Within the block, a miss's entry is kept in memory (and served from there), not written: it is
    written by `write_deferred` (`quiz study` calls it once its first card is on the screen), else when
    the block ends, normally or with an error (a broken deck's problems are cached too). Writing a
    100,000-card deck's entry takes over a second: this way a first run shows its first card that much
    sooner (issue 16). Ctrl-C before the first card writes nothing, and a killed run leaves no entry
    half written (`write_entry` renames a whole file)."""
    global _deferred
    outer, _deferred = _deferred, {}
    try:
        yield
    except Exception:
        write_deferred()
        raise
    else:
        write_deferred()
    finally:
        _deferred = outer


def write_deferred() -> None:
    """Write the entries `deferred_writes` holds back (none outside it)."""
    while _deferred:
        entry, (deck, plain) = _deferred.popitem()
        write_entry(entry, deck, [Problem("", line, col, message, warning) for line, col, message, warning in plain])


def check_deck_outline_cached(path: str | Path) -> tuple[DeckOutline | None, list[Problem]]:
    """`check_deck_cached`, giving the deck's outline: on a hit no Card is built."""
    try:
        data = read_user_file(path, READ_LIMIT, "a deck")
    except UserFileError:
        data = None  # check_deck_cached below says why the file cannot be read
    cached = read_outline(_entry_path(data)) if data is not None else None
    if cached is not None:
        head, stored = cached
        deck_outline = None if head is None else DeckOutline(head[0], head[1], str(path), head[2], head[3])
        return deck_outline, _problems(path, stored)
    deck, problems = check_deck_cached(path)  # a miss: the full check, which writes the entry
    return (None if deck is None else outline(deck)), problems


def _entry_path(data: bytes) -> Path:
    return cache_dir() / "decks" / f"{entry_key(data)}.pickle"


def _problems(path: str | Path, stored: list[tuple[int, int, str, bool]]) -> list[Problem]:
    """Problems as an entry stores them (without the file's path: it may have moved), for `path`."""
    return [Problem(str(path), line, col, message, warning) for line, col, message, warning in stored]


def _check_bytes(path: str | Path, data: bytes) -> tuple[Deck | None, list[Problem]]:
    from dense1x1quiz.deck import check_deck_bytes  # imported on a miss only: it brings in PyYAML

    return check_deck_bytes(path, data)


def entry_key(data: bytes) -> str:
    """The cache key of a deck file's bytes: they and the loader's digest, hashed."""
    if len(data) < BIG_FILE:
        small = hashlib.blake2b(_loader(), digest_size=32)
        small.update(data)
        return "b" + small.hexdigest()
    big = hashlib.sha256(_loader())  # 3× faster than BLAKE2b on big input
    big.update(data)
    return "s" + big.hexdigest()


def _frame(payload: bytes) -> bytes:
    """An entry: the magic string, the payload's length and CRC-32, the payload."""
    return MAGIC + len(payload).to_bytes(8, "big") + crc32(payload).to_bytes(4, "big") + payload


def _unframe(blob: bytes) -> memoryview | None:
    """The payload of an entry, or None when the entry is foreign, truncated or damaged."""
    head = len(MAGIC) + 12
    if len(blob) <= head or not blob.startswith(MAGIC):
        return None
    payload = memoryview(blob)[head:]
    length, check = blob[len(MAGIC) : head - 4], blob[head - 4 : head]
    if int.from_bytes(length, "big") != len(payload) or crc32(payload) != int.from_bytes(check, "big"):
        return None
    return payload


def _loader() -> bytes:
    """A digest of everything besides the file that decides what it loads to."""
    global _loader_digest
    if _loader_digest is None:
        h = hashlib.blake2b(f"{LOADER_VERSION} {sys.version_info[:2]} {PROTOCOL}".encode(), digest_size=32)
        package = Path(__file__).parent
        for name in _LOADER_SOURCES:
            try:
                h.update(name.encode() + b"\0" + (package / name).read_bytes())
            except OSError:  # an installation without sources: the version alone decides
                h.update(name.encode() + b"\0missing")
        h.update(_library_stamp())
        _loader_digest = h.digest()
    return _loader_digest


def _library_stamp() -> bytes:
    """The installed libraries whose output is in an entry (PyYAML parses, ftfy words the mojibake
    warnings, unicodeit renders the math), found without importing them (a hit must not load them):
    the names, sizes and modification times of their packages' files, so upgrading or reinstalling
    one gives new keys."""
    from importlib.machinery import PathFinder

    stamp = []
    for package in _LIBRARIES:
        spec = PathFinder.find_spec(package)
        folders = (spec.submodule_search_locations or ([spec.origin] if spec.origin else [])) if spec else []
        stamp.append(f"{package}: {len(folders)}")
        for folder in folders:
            try:
                with os.scandir(folder) as entries:
                    files = [(e.name, e.stat()) for e in entries if e.is_file()]
            except OSError:  # a single-module library (its spec's origin is a file), or unreadable
                try:
                    files = [(str(folder), os.stat(folder))]
                except (OSError, TypeError):
                    files = []
            stamp += sorted(f"{name} {info.st_size} {info.st_mtime_ns}" for name, info in files)
    return "\n".join(stamp).encode()


class _ModelUnpickler(Unpickler):
    """Builds our model classes and plain containers only: a foreign pickle cannot call anything."""

    def find_class(self, module: str, name: str) -> type:
        try:
            return _model().allowed[(module, name)]
        except KeyError:
            raise UnpicklingError(f"{module}.{name} is not allowed in a deck cache entry") from None


def _payload(entry: Path) -> memoryview | None:
    """The payload of `entry` if its frame is whole (magic, length, CRC-32), else None."""
    try:  # the cache folder is the user's: a FIFO or device there is passed over, never waited on
        with open_user_file(entry) as f:
            return _unframe(f.read())
    except (UserFileError, OSError):
        return None


def read_entry(entry: Path) -> tuple[Deck | None, list[tuple[int, int, str, bool]]] | None:
    """The (deck, problems) stored in `entry`, or None when it is missing, damaged, foreign or odd."""
    payload = _payload(entry)
    if payload is None:
        return None
    gc_was_on = gc.isenabled()
    gc.disable()  # hundreds of thousands of new objects, none cyclic: collections would only slow it down
    try:
        skip = _OUTLINE_LENGTH + int.from_bytes(payload[:_OUTLINE_LENGTH], "big")  # the outline (write_entry)
        # A BytesIO of the entry's bytes object (which `_unframe` views) shares them; one of a slice
        # would copy the payload.
        blob = payload.obj
        assert isinstance(blob, bytes)
        stream = io.BytesIO(blob)
        stream.seek(len(blob) - len(payload) + skip)
        value = _ModelUnpickler(stream).load()
    except Exception:  # any damage a matching checksum could still hide: treat as a miss
        return None
    finally:
        # A deck lives as long as the process: what exists now is moved out of the collector's sight, or
        # every later collection scans the 20,000 cards again. Without this, the 20,000-card first card
        # missed its budget (0.21× for ≤ 0.2×, benchmarks/run.py, issue 17).
        gc.freeze()
        if gc_was_on:
            gc.enable()
    built = _deck_of_entry(value)
    if built is None:
        return None
    deck, problems, math = built
    from dense1x1quiz.text import remember_math

    remember_math(math)  # the deck's LaTeX, converted when the entry was written
    return deck, problems


def read_outline(entry: Path) -> tuple[tuple | None, list[tuple[int, int, str, bool]]] | None:
    """The outline stored first in `entry`: ((id, title, tags, card ids) or None, problems), or None
    when the entry is missing, damaged, foreign or odd. Only strings and tuples are built."""
    payload = _payload(entry)
    if payload is None:
        return None
    try:
        length = int.from_bytes(payload[:_OUTLINE_LENGTH], "big")
        value = _ModelUnpickler(io.BytesIO(payload[_OUTLINE_LENGTH : _OUTLINE_LENGTH + length])).load()
    except Exception:
        return None
    if not (type(value) is tuple and len(value) == 2 and _plain_problems(value[1])):
        return None
    head = value[0]
    if head is None:
        return value
    if not (
        type(head) is tuple
        and len(head) == 4
        and type(head[0]) is str
        and type(head[1]) is str
        and _strings(head[2])
        and _strings(head[3])
    ):
        return None
    return value


def _strings(value: object) -> bool:
    return type(value) is tuple and all(type(item) is str for item in value)


def _plain_problems(problems: object) -> bool:
    """Whether `problems` is a list of (line, col, message, warning), as `write_entry` stores them."""
    return type(problems) is list and all(
        type(p) is tuple
        and len(p) == 4
        and type(p[0]) is int
        and type(p[1]) is int
        and type(p[2]) is str
        and type(p[3]) is bool
        for p in problems
    )


def _deck_of_entry(value: object) -> tuple[Deck | None, list[tuple[int, int, str, bool]], dict[str, str]] | None:
    """(deck, problems, math renderings) from an unpickled entry, or None when it has not the shape
    `write_entry` gives it: (the deck without its cards, its cards' columns, problems, math)."""
    if not (
        type(value) is tuple
        and len(value) == 4
        and type(value[1]) is tuple
        and _plain_problems(value[2])
        and type(value[3]) is dict
        and all(type(k) is str and type(v) is str for k, v in value[3].items())
    ):
        return None
    shell, columns, problems, math = value
    if shell is None:
        return (None, problems, math) if columns == () else None
    model = _model()
    if type(shell) is not model.Deck or type(shell.cards) is not tuple or shell.cards or type(shell.id) is not str:
        return None
    if not all(type(t) is model.Table for t in shell.tables):
        return None
    cards = _cards_of_columns(columns)
    if cards is None:
        return None
    object.__setattr__(shell, "cards", cards)  # the shell is ours alone: made by this read
    return shell, problems, math


def _cards_of_columns(columns: tuple) -> CardList | None:
    """The lazy card list (cardlist.CardList) of stored columns (n, dense, sparse; `_card_columns`), or
    None unless every column is a Card field's, the fields without a default are all there, each dense
    column has a value per card and each sparse one only cards' positions, and every value has its
    field's type (checked in bulk: map, set and chain run in C). No Card is built here."""
    if not (len(columns) == 3 and type(columns[0]) is int and type(columns[1]) is dict and type(columns[2]) is dict):
        return None
    n, dense, sparse = columns
    model = _model()
    names = set(dense) | set(sparse)
    if n < 0 or set(dense) & set(sparse) or not names.issubset(model.card_fields):
        return None
    if not model.card_required.issubset(dense):
        return None
    for name, col in dense.items():
        if type(col) is not list or len(col) != n or not _typed(model, name, col):
            return None
    for name, col in sparse.items():
        if type(col) is not dict or not _typed(model, name, list(col.values())):
            return None
        if col and not (set(map(type, col)) == {int} and min(col) >= 0 and max(col) < n):
            return None
    if not model.kinds.issuperset(dense["kind"]):
        return None
    from dense1x1quiz.cardlist import CardList

    return CardList(n, dense, sparse)


def _typed(model: _Model, name: str, values: list) -> bool:
    """Whether each of `values` has a type field `name` may hold."""
    allowed, strings = model.card_types[name]
    if not allowed.issuperset(map(type, values)):
        return False
    # Tuples of strings: each distinct tuple's items (the writer made equal tuples one object).
    return not strings or set(map(type, chain.from_iterable(set(values)))) <= {str}


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """The cyclic garbage collector paused (when `pause`) while many objects, none cyclic, are made: it
    would only rescan them again and again (a deck's cards here; a row and a dict per card in
    `quiz stats --json`, a fifth of that command at 100,000 cards)."""
    was_on = pause and gc.isenabled()
    if was_on:
        gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def write_entry(entry: Path, deck: Deck | None, problems: list[Problem]) -> None:
    """Store a check's result in `entry` (atomically: a reader sees the old file or the new one)."""
    plain = [(p.line, p.col, p.message, p.warning) for p in problems]
    buffer = io.BytesIO()
    # A state dict per card, none cyclic: collections would only rescan the deck (a quarter of the time).
    with collector_paused():
        try:
            import pickle  # writing happens after a parse, which costs far more

            # First the outline (plain strings and tuples: `read_outline` reads only it) after its length
            # (a full read skips it), then the deck without its cards, and its cards' columns.
            head = None if deck is None else (deck.id, deck.title, deck.tags, deck.card_ids)
            outline_pickle = pickle.dumps((head, plain), protocol=PROTOCOL)
            buffer.write(len(outline_pickle).to_bytes(_OUTLINE_LENGTH, "big"))
            buffer.write(outline_pickle)
            shell = None if deck is None else replace(deck, cards=())
            pickle.Pickler(buffer, protocol=PROTOCOL).dump((shell, _card_columns(deck), plain, _math_renderings(deck)))
        except Exception:  # pragma: no cover - every model value pickles; never fail a load over the cache
            return
    payload = buffer.getvalue()
    temp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as f:
            f.write(_frame(payload))
        os.replace(temp, entry)
        _prune(entry.parent)
    except BaseException as exc:  # OSError: no caching; Ctrl-C during a deferred write: no temp file left
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass
        if not isinstance(exc, OSError):
            raise


def _math_renderings(deck: Deck | None) -> dict[str, str]:
    """Every LaTeX fragment of the deck's text with its Unicode rendering."""
    if deck is None:
        return {}
    from dense1x1quiz.text import latex_to_unicode, math_fragments

    # The texts gathered in C (attrgetter, chain) into a set: each distinct one scanned once (800,000
    # texts at 100,000 cards, many of them repeated; a Python loop over the cards took three times as long).
    cards = deck.cards
    texts = set(chain.from_iterable(map(attrgetter("prompt", "answer", "explain", "cloze", "source"), cards)))
    texts.update(chain.from_iterable(map(attrgetter("accept"), cards)))
    texts.update(chain.from_iterable(map(attrgetter("options"), cards)))
    texts.update((deck.title, deck.description))
    for table in deck.tables:
        texts.update((table.title, *table.columns, *(cell for row in table.rows for cell in row)))
    fragments = {fragment for text in texts if "$" in text for fragment in math_fragments(text)}
    return {fragment: latex_to_unicode(fragment) for fragment in fragments}


def _card_columns(deck: Deck | None) -> tuple:
    """The deck's cards as columns, (n, dense, sparse): `dense` maps a field to its values, one per card;
    `sparse` maps a field that most cards leave at its default to {position: value} of the others; a
    field every card leaves at its default is in neither. Equal strings and tuples are made one object,
    which pickle stores once (a third smaller, and faster to read). `()` without a deck."""
    if deck is None:
        return ()
    model = _model()
    cards = deck.cards
    n = len(cards)
    dense: dict[str, list] = {}
    sparse: dict[str, dict[int, object]] = {}
    shared: dict[object, object] = {}
    one = shared.setdefault
    for name in model.card_fields:
        values = list(map(attrgetter(name), cards))
        if name != "table":  # a table's cards share its one Table object already
            values = [one(v, v) for v in values]
        default = model.card_defaults.get(name, _REQUIRED)
        # Every default is a singleton ("", (), 0, -1, None): `is not` finds the values that differ.
        changed = [i for i, v in enumerate(values) if v is not default] if default is not _REQUIRED else None
        if changed is None or 2 * len(changed) > n:
            dense[name] = values
        elif changed:
            sparse[name] = {i: values[i] for i in changed}
    return (n, dense, sparse)


def _prune(folder: Path) -> None:
    """Keep the newest entries, at most MAX_ENTRIES and MAX_TOTAL_BYTES (each edit of a deck leaves
    one behind); the newest is always kept."""
    entries = []
    for p in folder.glob("*.pickle"):
        try:
            stat = p.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime, stat.st_size, p))
    total = 0
    for n, (_, size, path) in enumerate(sorted(entries, key=lambda e: e[0], reverse=True)):
        total += size
        if n and (n >= MAX_ENTRIES or total > MAX_TOTAL_BYTES):
            path.unlink(missing_ok=True)


__all__ = [
    "LOADER_VERSION",
    "MAX_ENTRIES",
    "MAX_TOTAL_BYTES",
    "READ_LIMIT",
    "cache_dir",
    "check_deck_cached",
    "entry_key",
    "read_entry",
    "write_entry",
]
