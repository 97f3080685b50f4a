"""Writing a genanki package to a file, with its temporary database under our control.

genanki's `Package.write_to_file` builds the collection in a database made with `tempfile.mkstemp()`
in TMPDIR and never removes it (not even on success), and a full disk there surfaces as SQLite's
`OperationalError`. This does the same work with the database beside the package being written
(so the target's disk is the only one used; TMPDIR is not), removed whatever happens, and turns
SQLite's errors into OSError, which `files.write_atomically` reports in one line.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import sqlite3
import time
import zipfile


def write_package(package, path: str, timestamp: float | None = None) -> None:
    """Write the genanki `package` to `path`, as `package.write_to_file(path, timestamp)` would."""
    timestamp = time.time() if timestamp is None else timestamp
    database = f"{path}.collection"
    try:
        _write_collection(package, database, timestamp)
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", json.dumps({}))  # our decks carry no media files
    finally:
        for leftover in (database, f"{database}-journal"):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass


def _write_collection(package, database: str, timestamp: float) -> None:
    try:
        connection = sqlite3.connect(database)
        try:
            connection.execute("PRAGMA temp_store = MEMORY")  # no SQLite temporary files in TMPDIR either
            package.write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            connection.commit()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        full = isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)
        raise OSError(errno.ENOSPC if full else errno.EIO, str(exc)) from None


__all__ = ["write_package"]
