"""The zip side of an Anki package (.apkg, .colpkg): which collection it holds, its media index,
and members read with a cap on what they expand to.

Packages by current Anki (2.1.50+, "latest" format) hold `collection.anki21b` (the SQLite file,
zstd-compressed), a `meta` file (protobuf `PackageMetadata`: version 3) and a `media` file (zstd-compressed
protobuf `MediaEntries`), with each media file stored under its index ("0", "1", …) and zstd-compressed
too; the `collection.anki2` beside it is a placeholder holding one note that asks to update Anki.
Older packages hold `collection.anki21` (2.1.x) or only `collection.anki2` (2.0), a JSON `media` file
(`{"0": "name.png"}`) and media stored as they are. (Anki's rslib/src/import_export/package/meta.rs and
media.rs.) zstd is read with the standard library's `compression.zstd` (Python 3.14+) or its backport,
`backports.zstd`, imported only when a package needs it.

Nothing in a package is trusted: members are read in chunks and refused once they pass a cap, whatever
sizes the zip claims, so a zip bomb stops with a message instead of filling the disk or memory.
"""

from __future__ import annotations

import itertools
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dense1x1quiz.errors import QuizError

MAX_COLLECTION_BYTES = 2 << 30  # a 20,000-note collection with 200,000 reviews is ~60 MiB
MAX_MEDIA_BYTES = 100 << 20  # one media file
MAX_INDEX_BYTES = 64 << 20  # the `meta` and `media` index files
CHUNK = 1 << 20
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

# The collection members, newest format first, with the package version (meta.rs) each one means.
COLLECTION_MEMBERS = (("collection.anki21b", 3), ("collection.anki21", 2), ("collection.anki2", 1))


def _zstd() -> Any:
    """The zstd module: the standard library's (3.14+) or backports.zstd (a dependency before 3.14)."""
    try:
        from compression import zstd  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        try:
            from backports import zstd  # type: ignore[no-redef, import-not-found, unused-ignore]
        except ImportError:
            raise QuizError(
                "reading a package from current Anki needs zstd support: pip install backports.zstd"
            ) from None
    return zstd


def _bytes(n: int) -> str:
    return f"{n / (1 << 30):.0f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MiB"


class TooBig(QuizError):
    """A package member that expands past its cap."""


def _zstd_chunks(source: _Prefixed, what: str) -> Iterator[bytes]:
    """The decompressed bytes of the zstd frames in `source`, at most CHUNK at a time (never all of
    a frame's output at once: a few bytes of zstd can stand for gigabytes)."""
    zstd = _zstd()
    decompressor = zstd.ZstdDecompressor()
    try:
        while True:
            if decompressor.eof:  # a frame ended; another may follow (zstd frames may be concatenated)
                data = decompressor.unused_data or source.read(CHUNK)
                if not data:
                    return
                decompressor = zstd.ZstdDecompressor()
            elif decompressor.needs_input:
                data = source.read(CHUNK)
                if not data:
                    raise QuizError(f"{what} is cut short (its zstd data ends early)")
            else:
                data = b""  # more output is waiting for the input already given
            out = decompressor.decompress(data, max_length=CHUNK)
            if out:
                yield out
    except zstd.ZstdError as exc:
        raise QuizError(f"{what} is not valid zstd data ({exc})") from None


class SharedZip:
    """The package's zip, opened once and kept open for its members: reading 10,000 images must not parse
    the zip's directory 10,000 times. Closed with the last reference to it (ZipFile closes on collection)."""

    def __init__(self, path: Path):
        self.path = path
        self._zip: zipfile.ZipFile | None = None

    def open(self, name: str) -> IO[bytes]:
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.path)
        return self._zip.open(name)


@dataclass(frozen=True)
class Member:
    """One member of the package: its name in the zip and whether it is zstd-compressed."""

    package: Path
    name: str
    compressed: bool
    shared: SharedZip | None = field(default=None, compare=False, repr=False)  # else opened for each read

    def _open(self, stack: ExitStack) -> IO[bytes]:
        if self.shared is not None:
            return stack.enter_context(self.shared.open(self.name))
        return stack.enter_context(stack.enter_context(zipfile.ZipFile(self.package)).open(self.name))

    def chunks(self, cap: int, what: str) -> Iterator[bytes]:
        """The member's bytes (decompressed), refused with TooBig once they pass `cap`."""
        total = 0
        try:
            with ExitStack() as stack:
                raw = self._open(stack)
                head = raw.read(4)
                source: Iterator[bytes]
                if self.compressed and head == ZSTD_MAGIC:
                    source = _zstd_chunks(_Prefixed(head, raw), what)
                else:  # never a list: the rest is read a chunk at a time, and counted as it comes
                    source = itertools.chain([head], iter(lambda: raw.read(CHUNK), b""))
                for chunk in source:
                    total += len(chunk)
                    if total > cap:
                        raise TooBig(
                            f"{what} in {self.package} expands to more than {_bytes(cap)}; refusing to unpack it "
                            "(a damaged or hostile package?)"
                        )
                    yield chunk
        except (
            zipfile.BadZipFile,
            EOFError,
            zipfile.LargeZipFile,
            NotImplementedError,
            zlib.error,
            RuntimeError,
        ) as exc:
            # zlib.error: damaged deflate data; RuntimeError: an encrypted member
            raise QuizError(
                f"{what} in {self.package} cannot be read: the zip archive is damaged or encrypted ({exc})"
            ) from None
        except OSError as exc:
            raise QuizError(f"cannot read {self.package}: {exc.strerror or exc}") from None

    def read(self, cap: int = MAX_MEDIA_BYTES, what: str = "") -> bytes:
        """The member's whole content (decompressed), at most `cap` bytes."""
        return b"".join(self.chunks(cap, what or self.name))

    def extract(self, target: Path, cap: int, what: str) -> None:
        """Write the member's content to `target`, at most `cap` bytes."""
        with open(target, "wb") as out:
            for chunk in self.chunks(cap, what):
                out.write(chunk)


class _Prefixed:
    """A reader that gives `head` first, then the rest of `raw`."""

    def __init__(self, head: bytes, raw: IO[bytes]):
        self.head, self.raw = head, raw

    def read(self, n: int) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head + self.raw.read(max(0, n - len(head)))
        return self.raw.read(n)


@dataclass(frozen=True)
class Archive:
    """What a package holds: its collection member, package version (1, 2, 3) and media by file name."""

    path: Path
    collection: Member
    version: int
    media: dict[str, Member]


def open_archive(path: Path) -> Archive:
    """Look into the package at `path`: QuizError if it is not a zip holding an Anki collection."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise QuizError(f"{path} is not a readable zip archive (truncated or damaged: {exc})") from None
    except OSError as exc:
        raise QuizError(f"cannot read {path}: {exc.strerror or exc}") from None
    version = _meta_version(path, names)
    found = [(name, v) for name, v in COLLECTION_MEMBERS if name in names]
    if not found:
        raise QuizError(
            f"{path} is a zip archive but not an Anki package (it holds no collection.anki2, "
            "collection.anki21 or collection.anki21b)"
        )
    name, member_version = found[0]
    if version and version > member_version:
        raise QuizError(f"{path} says it is an Anki package of format {version} but holds only {name}; it is damaged")
    latest = member_version == 3
    media = _media_index(path, names, latest)
    return Archive(path, Member(path, name, latest), member_version, media)


def _meta_version(path: Path, names: set[str]) -> int:
    """The package version the `meta` member states (0 when there is none: packages before 2.1.50)."""
    if "meta" not in names:
        return 0
    from dense1x1quiz.authoring.protowire import fields

    data = Member(path, "meta", False).read(MAX_INDEX_BYTES, "the package's meta file")
    try:
        return int(next((v for n, v in fields(data) if n == 1), 0))  # PackageMetadata.version
    except ValueError:
        raise QuizError(f"{path}: its meta file is damaged") from None


def _media_index(path: Path, names: set[str], latest: bool) -> dict[str, Member]:
    """Media file name → its member. Latest packages: zstd `MediaEntries` (entry i is stored as "i" unless
    it names a legacy zip file name); older ones: JSON `{"0": "name.png"}`. Names are kept as given:
    whoever writes them out must check them."""
    if "media" not in names:
        return {}
    data = Member(path, "media", latest).read(MAX_INDEX_BYTES, "the package's media list")
    index: dict[str, str] = {}  # zip member → file name
    if latest and data[:1] != b"{":
        from dense1x1quiz.authoring.protowire import fields, text

        try:
            for i, entry in enumerate(value for number, value in fields(data) if number == 1):
                values = dict(fields(entry))  # type: ignore[arg-type]  # MediaEntry: name 1, size 2, sha1 3, legacy_zip_filename 255
                member = str(values[255]) if 255 in values else str(i)
                index[member] = text(values.get(1, b""))
        except (ValueError, TypeError, AttributeError):
            raise QuizError(f"{path}: its media list is damaged") from None
    else:
        try:
            listed = json.loads(data.decode("utf-8"))
            if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
                raise ValueError("not a map of names")
        except (ValueError, UnicodeDecodeError):
            raise QuizError(f"{path}: its media list is damaged (not the JSON map Anki writes)") from None
        index = {str(k): v for k, v in listed.items()}
    shared = SharedZip(path)
    return {name: Member(path, member, latest, shared) for member, name in index.items() if member in names and name}


__all__ = [
    "MAX_COLLECTION_BYTES",
    "MAX_MEDIA_BYTES",
    "Archive",
    "Member",
    "TooBig",
    "open_archive",
]
