"""Deck text on screen: LaTeX as Unicode, and nothing in a deck acts on the terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from dense1x1quiz.text import display, latex_to_unicode
from dense1x1quiz.ui.console import deck_text


@pytest.mark.parametrize(
    "latex, shown",
    [
        (r"$H \times W \times C_{in}$", "H × W × Cᵢₙ"),
        (r"$y = Wx + b$", "y = Wx + b"),
        (r"Filter: 1×1×$C_{in}$ (depth)", "Filter: 1×1×Cᵢₙ (depth)"),
        (r"$\frac{1}{N} + \frac{1}{D_K^2}$", "1/N + 1/D_K²"),
        (
            r"$$Output(i, j, k) = \sum_{c=1}^{C_{in}} W_{1,1,c,k} \cdot Input(i, j, c) + b_k$$",
            "Output(i, j, k) = ∑_(c=1)^(Cᵢₙ) W_(1,1,c,k) ⋅ Input(i, j, c) + bₖ",
        ),
        (r"$C_{in} \cdot C_{out} + C_{out}$", "Cᵢₙ ⋅ Cₒᵤₜ + Cₒᵤₜ"),
        (r"costs \$5, not $x$", "costs $5, not x"),
        ("no math here", "no math here"),
    ],
)
def test_latex_is_shown_as_unicode(latex, shown):
    assert display(latex) == shown


def test_text_commands_keep_their_words():
    assert latex_to_unicode(r"\text{params} = C_{out}") == "params = Cₒᵤₜ"


HOSTILE = [
    "[bold red]markup[/] and [link=https://example.com]a link[/link]",
    "clear screen \x1b[2J and title \x1b]0;pwned\x07",
    "bidi \u202eevil\u202c text",
    "C1 \x9b31m control",
    "bell \x07 backspace \x08",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_deck_text_never_reaches_the_terminal_as_commands(text):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=200)
    console.print(deck_text(text))
    printed = out.getvalue()
    # The only escape sequences are rich's own styling resets, and none came from the deck.
    assert "\x1b[2J" not in printed and "\x1b]0;" not in printed and "\x07" not in printed
    assert "\u202e" not in printed and "\x9b" not in printed and "\x08" not in printed
    assert "]8;" not in printed  # no OSC 8 hyperlink was made


def test_markup_is_shown_literally():
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(deck_text(HOSTILE[0]))
    assert out.getvalue() == HOSTILE[0] + "\n"


def test_controls_are_made_visible():
    assert display("a\x1b[2Jb") == "a␛[2Jb"
    assert display("x\u202ey") == "x<U+202E>y"
    assert display("line1\nline2\ttab") == "line1\nline2\ttab"
    assert display("emoji 🧠 and joiner 👩\u200d💻") == "emoji 🧠 and joiner 👩\u200d💻"


def test_a_cached_deck_shows_its_math_without_the_converter(tmp_path):
    """The deck cache keeps each LaTeX fragment's rendering, so a warm start skips unicodeit."""
    import os
    import subprocess
    import sys

    deck = tmp_path / "math.yaml"
    deck.write_text(
        "deck: m\ntitle: M\ncards:\n  - {id: a, front: 'Shape $H \\times W \\times C_{in}$?', back: y}\n",
        encoding="utf-8",
    )
    script = (
        "import sys\n"
        "from dense1x1quiz.deckcache import check_deck_cached\n"
        "from dense1x1quiz.text import display\n"
        f"deck, _ = check_deck_cached({str(deck)!r})\n"
        "print(display(deck.cards[0].prompt), 'unicodeit' in sys.modules)\n"
    )
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(tmp_path / "home")}
    runs = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs == ["Shape H × W × Cᵢₙ? True\n", "Shape H × W × Cᵢₙ? False\n"]
