"""`quiz demo` screens: the demo list, and one demo's blocks (drawings, tables, checks, notes).

On a terminal a demo that is still running after half a second shows a spinner (on stderr, erased
after), and one taller than the terminal goes through the pager (ui/pager.py). `--svg FILE` records
the screen as an SVG picture instead, written atomically (authoring/files.py refuses devices and FIFOs).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text as RichText

from dense1x1quiz.demos import DEMOS
from dense1x1quiz.demos.result import Check, DemoResult, Drawing, Table, Text, sci
from dense1x1quiz.ui.console import make_console

_TRAILING_BLANKS = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$")


def print_demo_list() -> None:
    """Every demo with its one-line summary and how to run it."""
    console = make_console()
    table = RichTable(box=None, pad_edge=False, show_header=False)
    table.add_column("demo", no_wrap=True, style="bold")
    table.add_column("summary")
    for info in DEMOS.values():
        table.add_row(info.name, info.summary)
    with console.capture() as capture:
        console.print(table)
        console.print(RichText("Run one: quiz demo NAME [--json]; sizes: quiz demo --help", style="dim"))
    _write_stripped(console, capture.get())


SVG_WIDTH = 80  # columns of a demo's picture: every demo fits one 80-column screen (README)


def show_demo(name: str, params: dict[str, int | str], *, pager: bool = True) -> bool:
    """Run demo `name` with `params` and draw it on stdout. UsageError for bad names or sizes.
    `pager`: a screen taller than the terminal goes through the pager. True when it did."""
    return render(_run(name, params), make_console(), pager=pager)


def save_demo_svg(name: str, params: dict[str, int | str], path: Path) -> None:
    """Run demo `name` and write its screen as an SVG picture to `path` (`-`: standard output)."""
    check_svg_path(path)  # before the demo runs: a device or a folder is refused at once
    console = Console(record=True, width=SVG_WIDTH, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    _render(_run(name, params), console)
    write_svg(console, path, f"quiz demo {name}")


def check_svg_path(path: Path) -> None:
    """Refuse an SVG target that is not a file to write (a device, a FIFO, a folder: QuizError)."""
    from dense1x1quiz.authoring.files import check_output_path, is_stdout
    from dense1x1quiz.errors import QuizError

    if is_stdout(path):
        return
    if check_output_path(path).is_dir():
        raise QuizError(f"{path} is a folder; give the SVG file's name (--svg {path / 'screen.svg'})")


def write_svg(console: Console, path: Path, title: str) -> None:
    """What `console` recorded, as an SVG picture at `path` (atomically; `-` is standard output)."""
    from dense1x1quiz.authoring.files import is_stdout, write_text_atomically

    check_svg_path(path)
    svg = console.export_svg(title=title)
    if is_stdout(path):
        sys.stdout.write(svg)
        return
    write_text_atomically(path, svg)


def _run(name: str, params: dict[str, int | str]) -> DemoResult:
    from dense1x1quiz.demos.runner import run_demo
    from dense1x1quiz.ui.pager import working

    with working(f"Running quiz demo {name} …"):  # bottleneck and inception take seconds
        return run_demo(name, params)


def render(result: DemoResult, console: Console, *, pager: bool = False) -> bool:
    """Draw one demo's result; lines carry no trailing blanks (rich pads tables and wrapped text).
    `pager`: through the pager when it is taller than the terminal `console` writes to (True then)."""
    with console.capture() as capture:
        _render(result, console)
    text = "".join(_TRAILING_BLANKS.sub(r"\1", line) + "\n" for line in capture.get().splitlines())
    if pager and console.is_terminal and text.count("\n") > console.height:
        from dense1x1quiz.ui.pager import page

        page(text)
        return True
    console.file.write(text)
    console.file.flush()
    return False


def _write_stripped(console: Console, text: str) -> None:
    for line in text.splitlines():
        console.file.write(_TRAILING_BLANKS.sub(r"\1", line) + "\n")
    console.file.flush()


def _render(result: DemoResult, console: Console) -> None:
    """Title, blocks in order (consecutive checks as one table), counting convention."""
    console.print(RichText.assemble((f"quiz demo {result.name}", "bold"), f" — {result.title}"))
    pending: list[Check] = []
    for block in result.blocks:
        if isinstance(block, Check):
            pending.append(block)
            continue
        if pending:
            _print_checks(console, pending)
            pending = []
        if isinstance(block, (Drawing, Table)):
            console.print()
        if isinstance(block, Drawing):
            for line in block.lines:
                console.print(RichText(line), no_wrap=True, crop=True, overflow="crop")
        elif isinstance(block, Table):
            console.print(_table(block))
        elif isinstance(block, Text):
            console.print(RichText(block.text, style=block.style))
    if pending:
        _print_checks(console, pending)
    console.print(RichText(f"Counting: {result.convention}.", style="dim"))


def _print_checks(console: Console, checks: list[Check]) -> None:
    console.print()
    console.print(_checks(checks))
    note = _coincidence_note(checks)
    if note is not None:
        console.print(note)


def _table(block: Table) -> RichTable:
    table = RichTable(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        padding=(0, 1),
        title=block.title or None,
        title_justify="left",
        title_style="bold",
    )
    for column, align in zip(block.columns, block.alignment(), strict=True):
        table.add_column(column, justify="right" if align == "r" else "left", no_wrap=True)
    for cells in block.rows:
        table.add_row(*(RichText(c) for c in cells))
    return table


def _checks(checks: list[Check]) -> RichTable:
    table = RichTable(box=None, pad_edge=False, show_header=True, padding=(0, 1))
    table.add_column("", no_wrap=True)
    table.add_column("check", no_wrap=False)
    table.add_column("expect", no_wrap=True)
    table.add_column("max |diff|", justify="right", no_wrap=True)
    marks = {
        "ok": RichText("✓", style="green"),
        "failed": RichText("✗", style="bold red"),
        "coincides": RichText("=", style="yellow"),
    }
    for check in checks:
        expect = "≈ 0" if check.expect_equal else "> 0"
        table.add_row(marks[check.status], RichText(check.label), expect, RichText(sci(check.max_diff)))
    return table


def _coincidence_note(checks: list[Check]) -> RichText | None:
    if any(c.status == "coincides" for c in checks):
        return RichText("= that wrong recipe happens to be right at these sizes; try larger ones.", style="yellow")
    return None


__all__ = ["check_svg_path", "print_demo_list", "render", "save_demo_svg", "show_demo", "write_svg"]
