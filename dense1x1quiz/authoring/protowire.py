"""Just enough of the protobuf wire format to read the few messages an Anki package holds (package
meta, media entries, notetype and template configs), without the protobuf package."""

from __future__ import annotations

from collections.abc import Iterator


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) for each field in a message: varints as ints, length-delimited as bytes,
    fixed 32/64-bit as ints. ValueError on data that is not a message."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, value
        elif wire == 2:
            size, at = _varint(data, at)
            if at + size > len(data):
                raise ValueError("truncated field")
            yield number, data[at : at + size]
            at += size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            if at + width > len(data):
                raise ValueError("truncated field")
            yield number, int.from_bytes(data[at : at + width], "little")
            at += width
        else:
            raise ValueError(f"unknown wire type {wire}")


def text(value: int | bytes) -> str:
    """A string field's value (bytes, UTF-8)."""
    if not isinstance(value, bytes):
        raise ValueError("not a string field")
    return value.decode("utf-8", errors="replace")


__all__ = ["fields", "text"]
