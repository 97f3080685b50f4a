"""`quiz export`: a deck to an Anki package, an Anki-ready CSV/TSV, or Markdown notes.

The output is a file (`-o FILE`, default `<deck id>.<format>` here) or standard output (`-o -`, or
`/dev/stdout` written out). A file is written atomically and replaces only an earlier export of the
same format; a FIFO, socket or device is refused before any work. Standard output gets exactly the
file's bytes; an Anki package is binary, so it goes there only when stdout is not a terminal.
"""

from __future__ import annotations

import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from dense1x1quiz.authoring.draft import draft_from_deck
from dense1x1quiz.authoring.files import WriteError, check_output_path, is_stdout, why
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import Deck
from dense1x1quiz.userfiles import open_user_file

EXTENSIONS = {"apkg": ".apkg", "csv": ".csv", "md": ".md"}


@dataclass
class ExportResult:
    path: Path
    notes: int  # Anki notes, or cards and tables written to Markdown
    problems: list[str] = field(default_factory=list)  # ids that would not come back the same from Markdown

    @property
    def to_stdout(self) -> bool:
        """Whether the export went to standard output (`-o -`)."""
        return is_stdout(self.path)


def default_path(deck: Deck, fmt: str) -> Path:
    return Path(f"{deck.id}{EXTENSIONS[fmt]}")


def _is_earlier_export(path: Path, fmt: str) -> bool:
    """Whether `path` is something `quiz export` wrote (and so may be replaced): an Anki package holding
    only what genanki writes, a CSV with our own column line, Markdown with our export mark. Only a
    regular file is opened (never in a way that blocks), and only its head (or a zip's directory) is read."""
    try:
        with open_user_file(path) as f:
            if fmt == "apkg":
                if not zipfile.is_zipfile(f):
                    return False
                with zipfile.ZipFile(f) as package:
                    return set(package.namelist()) <= {"collection.anki2", "media"}
            head = f.read(4096).decode("utf-8", errors="replace")
    except (QuizError, OSError, zipfile.BadZipFile):
        return False
    if fmt == "csv":
        from dense1x1quiz.authoring.export_csv import COLUMNS

        return head.startswith("#separator:") and any(f"#columns:{sep.join(COLUMNS)}\n" in head for sep in ",\t")
    from dense1x1quiz.authoring.export_md import EXPORT_MARK

    return f"{EXPORT_MARK[0]}: {EXPORT_MARK[1]}" in head


def export_deck(deck: Deck, fmt: str, output: Path | None = None, stdout: BinaryIO | None = None) -> ExportResult:
    """Write `deck` as `fmt` (apkg, csv or md) to `output` (default: `<deck id>.<ext>` here; `-` is
    standard output, or `stdout` when given).

    An existing file is replaced only if it is an earlier export in the same format.
    """
    if is_stdout(output):
        return _export_to_stdout(deck, fmt, stdout if stdout is not None else sys.stdout.buffer)
    path = output if output is not None else default_path(deck, fmt)
    target = check_output_path(path, " (give a file name with -o, or -o - for standard output)")
    if target.is_dir():
        raise QuizError(f"{path} is a folder; give a file name with -o, e.g. {path / default_path(deck, fmt)}")
    if target.exists() and not _is_earlier_export(target, fmt):
        raise QuizError(
            f"{path} exists and is not an earlier `quiz export --format {fmt}`; not overwriting it (choose another -o)"
        )
    return _export_to_file(deck, fmt, path)


def _export_to_file(deck: Deck, fmt: str, path: Path) -> ExportResult:
    draft = draft_from_deck(deck)
    if fmt == "apkg":
        from dense1x1quiz.authoring.export_apkg import export_apkg
        from dense1x1quiz.env import now

        return ExportResult(path, export_apkg(draft, path, timestamp=now().timestamp()))
    if fmt == "csv":
        from dense1x1quiz.authoring.export_csv import export_csv

        return ExportResult(path, export_csv(draft, path))
    from dense1x1quiz.authoring.export_md import deck_to_markdown, roundtrip_problems
    from dense1x1quiz.authoring.files import write_text_atomically

    text = deck_to_markdown(draft)
    write_text_atomically(path, text)
    return ExportResult(path, len(draft.items) + len(draft.tables), roundtrip_problems(draft, text))


def _export_to_stdout(deck: Deck, fmt: str, out: BinaryIO) -> ExportResult:
    """The export written to a temporary folder (TMPDIR), then copied to `out`: nothing reaches `out`
    unless the whole export was made."""
    import tempfile

    if fmt == "apkg" and _is_terminal(out):
        raise QuizError(f"an .apkg is binary; redirect it: quiz export {deck.id} -o - > {deck.id}.apkg")
    temporary = tempfile.gettempdir()
    try:
        with tempfile.TemporaryDirectory(prefix="quiz-export-") as folder:
            result = _export_to_file(deck, fmt, Path(folder) / default_path(deck, fmt).name)
            with open(result.path, "rb") as f:
                _copy(f, out)
    except (WriteError, OSError) as exc:
        if getattr(exc, "on_stdout", False):  # stdout failed, not TMPDIR: `cli.run` says so, for every command
            raise
        cause = exc.why if isinstance(exc, WriteError) else why(exc)
        where = f"the temporary folder TMPDIR={temporary}"
        raise QuizError(
            "cannot write the export: "
            + (f"no space left in {where}" if cause == "the disk is full" else f"{cause} in {where}")
        ) from None
    result.path = Path("-")
    return result


def _copy(source: BinaryIO, out: BinaryIO) -> None:
    import shutil

    shutil.copyfileobj(source, out)
    out.flush()


def _is_terminal(out: BinaryIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["ExportResult", "default_path", "export_deck"]
