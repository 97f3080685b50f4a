"""Small Unicode drawings of tensor blocks, joined left to right by labelled arrows. Pure strings.

A feature map H×W×C is a box with H×W written in it and 1–3 stacked edges for its depth (more
channels, more edges); a flat vector is a thin bar. Every part is a list of lines; `row` joins them.
"""

from __future__ import annotations

from dense1x1quiz.demos.result import Drawing


def _depth(channels: int) -> int:
    return 1 if channels <= 64 else 2 if channels <= 512 else 3


def tensor(h: int, w: int, c: int, caption: str = "") -> list[str]:
    """A feature map: a box `h×w` with `c` channels stacked behind it, caption below."""
    face, depth_label = f"{h:,}×{w:,}", f"×{c:,}"
    inner = max(len(face), len(depth_label), 3) + 2
    d = _depth(c)
    lines = _slabs(inner, d)
    lines[d] = "│" + face.center(inner) + lines[d][inner + 1 :]
    lines[d + 1] = "│" + depth_label.center(inner) + lines[d + 1][inner + 1 :]
    return _with_caption(lines, caption)


def _slabs(inner: int, d: int) -> list[str]:
    """`d` boxes offset up-and-right; the front box has two text rows (d and d+1)."""
    width = inner + 2 + d
    grid = [[" "] * width for _ in range(d + 4)]

    def box(top: int, left: int) -> None:
        right, bottom = left + inner + 1, top + 3
        for x in range(left, right + 1):
            grid[top][x] = grid[bottom][x] = "─"
        for y in range(top, bottom + 1):
            grid[y][left] = grid[y][right] = "│"
        grid[top][left], grid[top][right] = "┌", "┐"
        grid[bottom][left], grid[bottom][right] = "└", "┘"
        for y in range(top + 1, bottom):  # the front face hides what is behind it
            for x in range(left + 1, right):
                grid[y][x] = " "

    for k in range(d - 1, -1, -1):  # back to front
        box(d - 1 - k, k)
    rows = ["".join(r).rstrip() for r in grid if "".join(r).strip()]
    return [r.ljust(width) for r in rows]


def vector(n: int, caption: str = "") -> list[str]:
    """A flat vector of `n` numbers: a thin bar with its length written beside it."""
    label = f"{n:,}"
    lines = ["┌┐", "││ " + label, "││", "└┘"]
    return _with_caption(lines, caption)


def matrix(rows: int, cols: int, caption: str = "") -> list[str]:
    """A 2-D array `rows × cols` as a plain box."""
    face = f"{rows:,}×{cols:,}"
    inner = len(face) + 2
    lines = ["┌" + "─" * inner + "┐", "│" + face.center(inner) + "│", "│" + " " * inner + "│", "└" + "─" * inner + "┘"]
    return _with_caption(lines, caption)


def arrow(label: str, length: int = 0, above: int = 1) -> list[str]:
    """`──label──▶` drawn on row `above + 1`, the label on the row above it."""
    length = max(length, len(label) + 2)
    return [""] * above + [label.center(length + 1), "─" * length + "▶"]


def label(text: str, line: int = 2) -> list[str]:
    """A row label written on `line` (the arrows' line), to the left of a drawing."""
    return [""] * line + [text]


def _with_caption(lines: list[str], caption: str) -> list[str]:
    width = max(len(s) for s in lines + [caption])
    out = [s.ljust(width) for s in lines]
    if caption:
        out.append(caption.center(width).rstrip().ljust(width))
    return out


def row(*parts: list[str], gap: int = 1, top: int = 0) -> list[str]:
    """Parts side by side, top-aligned, `gap` spaces apart; trailing blanks stripped."""
    height = max(len(p) for p in parts)
    widths = [max((len(s) for s in p), default=0) for p in parts]
    out = []
    for y in range(height):
        cells = [(p[y] if y < len(p) else "").ljust(w) for p, w in zip(parts, widths, strict=True)]
        out.append((" " * gap).join(cells).rstrip())
    return [" " * top + s if s else s for s in out]


def drawing(*rows: list[str]) -> Drawing:
    """Rows of parts stacked into one Drawing block."""
    lines = [line for r in rows for line in r]
    return Drawing(tuple(lines))


__all__ = ["arrow", "drawing", "label", "matrix", "row", "tensor", "vector"]
