"""`quiz export`: a deck to an Anki package, an Anki-ready CSV/TSV, or Markdown notes."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dense1x1quiz.authoring.draft import draft_from_deck
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import Deck

EXTENSIONS = {"apkg": ".apkg", "csv": ".csv", "md": ".md"}


@dataclass
class ExportResult:
    path: Path
    notes: int  # Anki notes, or cards and tables written to Markdown
    problems: list[str] = field(default_factory=list)  # ids that would not come back the same from Markdown


def default_path(deck: Deck, fmt: str) -> Path:
    return Path(f"{deck.id}{EXTENSIONS[fmt]}")


def _is_earlier_export(path: Path, fmt: str) -> bool:
    """Whether `path` is something `quiz export` wrote (and so may be replaced): an Anki package holding
    only what genanki writes, a CSV with our own column line, Markdown with our export mark."""
    try:
        if fmt == "apkg":
            if not zipfile.is_zipfile(path):
                return False
            with zipfile.ZipFile(path) as package:
                return set(package.namelist()) <= {"collection.anki2", "media"}
        with path.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except (OSError, zipfile.BadZipFile):
        return False
    if fmt == "csv":
        from dense1x1quiz.authoring.export_csv import COLUMNS

        return head.startswith("#separator:") and any(f"#columns:{sep.join(COLUMNS)}\n" in head for sep in ",\t")
    from dense1x1quiz.authoring.export_md import EXPORT_MARK

    return f"{EXPORT_MARK[0]}: {EXPORT_MARK[1]}" in head


def export_deck(deck: Deck, fmt: str, output: Path | None = None) -> ExportResult:
    """Write `deck` as `fmt` (apkg, csv or md) to `output` (default: `<deck id>.<ext>` here).

    An existing file is replaced only if it is an earlier export in the same format.
    """
    path = output if output is not None else default_path(deck, fmt)
    if path.is_dir():
        raise QuizError(f"{path} is a folder; give a file name with -o, e.g. {path / default_path(deck, fmt)}")
    if path.exists() and not _is_earlier_export(path, fmt):
        raise QuizError(f"{path} exists and is not an earlier `quiz export --format {fmt}`; "
                        "not overwriting it (choose another -o)")
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


__all__ = ["ExportResult", "default_path", "export_deck"]
