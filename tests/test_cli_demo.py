"""`quiz demo` as a user runs it: the list, every demo's screen at 80 columns, --json, refusals,
numpy imported only when a demo runs, and the show_demo() contract used by `quiz study`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest
from rich.cells import cell_len

from dense1x1quiz.cli import main
from dense1x1quiz.demos import DEMOS
from dense1x1quiz.errors import UsageError


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """`quiz ARGS` in this process through main() (errors mapped to exit codes as for a user)."""
    monkeypatch.setattr(sys, "argv", ["quiz", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return done.value.code or 0, out, err


def test_no_name_lists_every_demo(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "demo")
    assert code == 0 and err == ""
    lines = out.splitlines()
    for info in DEMOS.values():
        assert any(line.split()[0] == info.name and info.summary in line for line in lines if line.strip())
    assert lines[-1] == "Run one: quiz demo NAME [--json]; sizes: quiz demo --help"
    assert all(line == line.rstrip() for line in lines)


def test_no_name_json_lists_names_and_parameters(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "demo", "--json")
    document = json.loads(out)
    assert code == 0 and [d["demo"] for d in document] == list(DEMOS)
    assert next(d for d in document if d["demo"] == "inception")["params"] == [
        "height",
        "width",
        "cin",
        "batch",
        "seed",
        "layout",
    ]


@pytest.mark.parametrize("name", list(DEMOS))
def test_every_demo_fits_one_screen_at_80_columns(monkeypatch, capsys, name):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(monkeypatch, capsys, "demo", name)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"quiz demo {name} — ")
    assert max(cell_len(line) for line in lines) <= 80
    assert len(lines) <= 32, f"{name} takes {len(lines)} lines"
    assert "\x1b" not in out and all(line == line.rstrip() for line in lines)
    assert "✓" in out and "✗" not in out
    assert lines[-1].startswith("Counting:") or lines[-2].startswith("Counting:")


def test_shapes_screen_shows_the_walkthrough_figures(monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch, capsys, "demo", "shapes", "--height", "4", "--width", "4", "--cin", "3", "--cout", "2"
    )
    assert code == 0
    rows = {
        " ".join(line.split()[:2]): line.split()[2:]
        for line in out.splitlines()
        if line.startswith(("dense: ", "1×1: "))
    }
    assert rows == {
        "dense: flatten": ["1×48", "1×48"],
        "dense: weight": ["2×48", "48×2", "98"],
        "dense: output": ["1×2", "1×2", "96"],
        "1×1: weight": ["2×3×1×1", "1×1×3×2", "8"],
        "1×1: output": ["1×2×4×4", "1×4×4×2", "96"],
    }


def test_layout_nhwc_puts_the_keras_column_first(monkeypatch, capsys):
    _, out, _ = run(monkeypatch, capsys, "demo", "shapes", "--layout", "nhwc", "--height", "2", "--width", "2")
    header = next(line for line in out.splitlines() if line.startswith("step"))
    assert header.index("Keras NHWC") < header.index("PyTorch NCHW")


def test_json_is_one_document_with_every_figure(monkeypatch, capsys):
    code, out, err = run(
        monkeypatch,
        capsys,
        "demo",
        "equivalence",
        "--json",
        "--height",
        "3",
        "--width",
        "2",
        "--cin",
        "5",
        "--cout",
        "7",
        "--seed",
        "9",
    )
    assert code == 0 and err == ""
    document = json.loads(out)
    assert document["demo"] == "equivalence"
    assert document["params"] == {"batch": 2, "seed": 9, "layout": "nchw", "height": 3, "width": 2, "cin": 5, "cout": 7}
    assert document["figures"]["params"] == 5 * 7 + 7 and document["figures"]["macs"] == 2 * 3 * 2 * 5 * 7
    assert set(document["figures"]["seconds"]) == {"conv1x1", "reshape_matmul"}
    assert [c["ok"] for c in document["checks"]] == [True] * 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo", "shape"], "Error: unknown demo `shape`; did you mean `shapes`?\n"),
        (["demo", "mobilnet"], "Error: unknown demo `mobilnet`; did you mean `mobilenet`?\n"),
        (["demo", "shapes", "--height", "0"], "Error: height must be a whole number from 1 to 100,000, not 0\n"),
        (["demo", "shapes", "--batch", "-2"], "Error: batch must be a whole number from 1 to 100,000, not -2\n"),
        (
            ["demo", "spatial", "--height", "100", "--width", "100", "--json"],
            "Error: spatial: these sizes need about 95.4 GiB of arrays (limit 512 MiB)\n",
        ),
        (
            ["demo", "inception", "--cout", "3"],
            "Error: demo inception takes no `cout` (its sizes: height, width, cin, batch)\n",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(monkeypatch, capsys, args, message):
    code, out, err = run(monkeypatch, capsys, *args)
    assert (code, out, err) == (2, "", message)


def test_non_integer_size_is_a_usage_error(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "demo", "shapes", "--height", "2.5")
    assert code == 2 and out == "" and "'--height'" in err and "Traceback" not in err


def test_show_demo_contract_for_study(capsys):
    from dense1x1quiz.ui.demo import show_demo

    show_demo("fc-to-conv", {"height": "8", "width": "7", "cin": "4", "cout": "3"})  # DemoLink params
    out = capsys.readouterr().out
    assert out.startswith("quiz demo fc-to-conv — ") and "2×1" in out  # an 8×7 map gives 2×1 scores
    with pytest.raises(UsageError, match="did you mean `spatial`"):
        show_demo("spatail", {})
    with pytest.raises(UsageError, match="height must be a whole number"):
        show_demo("shapes", {"height": "big"})


def test_check_marks_failed_ok_and_coinciding(capsys):
    from dense1x1quiz.demos.result import Check, DemoResult
    from dense1x1quiz.ui.console import make_console
    from dense1x1quiz.ui.demo import render

    checks = [
        Check("equal", 0.5),
        Check("wrong copy", 0.0, expect_equal=False),
        Check("fine", 1e-7),
        Check("wrong, caught", 2.0, expect_equal=False),
    ]
    assert [c.status for c in checks] == ["failed", "coincides", "ok", "ok"]
    render(DemoResult("x", "t", {}, "c", checks), make_console())
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[3:7]] == ["✗", "=", "✓", "✓"]
    assert lines[3].split()[-1] == "0.5" and lines[5].split()[-1] == "1.0×10⁻⁷"
    assert lines[7] == "= that wrong recipe happens to be right at these sizes; try larger ones."
    assert lines[8] == "Counting: c."


def test_one_channel_makes_wrong_copies_coincide_not_fail(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "demo", "equivalence", "--cin", "1", "--cout", "1", "--json")
    statuses = [c["status"] for c in json.loads(out)["checks"]]
    assert code == 0 and statuses == ["ok", "ok", "ok", "coincides", "coincides"]


NUMPY_PROBE = textwrap.dedent("""
    import sys
    sys.argv = ["quiz", *sys.argv[1:]]
    from dense1x1quiz.cli import main
    try:
        main()
    except SystemExit:
        pass
    sys.stderr.write("NUMPY=" + str("numpy" in sys.modules) + "\\n")
""")


def _numpy_loaded(*args: str) -> bool:
    done = subprocess.run([sys.executable, "-c", NUMPY_PROBE, *args], capture_output=True, text=True, timeout=60)
    return done.stderr.strip().splitlines()[-1] == "NUMPY=True"


def test_numpy_is_imported_only_when_a_demo_runs(tmp_path):
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "deck: d\ntitle: D\ncards:\n  - id: a\n    front: q\n    back: a\n"
        "    demo: {name: shapes, height: 4, cout: 3}\n",
        encoding="utf-8",
    )
    assert not _numpy_loaded("--help")
    assert not _numpy_loaded("validate", str(deck))
    assert not _numpy_loaded("demo")
    assert not _numpy_loaded("demo", "nope")
    assert _numpy_loaded("demo", "shapes", "--height", "2", "--width", "2")


def test_piped_output_has_no_escape_codes_even_with_colour_allowed(quiz):
    import os

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", "demo", "nonlinearity", "--height", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and "\x1b" not in done.stdout and "✓" in done.stdout


def test_readme_transcript_is_real_output(monkeypatch, capsys):
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ quiz demo equivalence\n", 1)[1].split("```", 1)[0]
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run(monkeypatch, capsys, "demo", "equivalence")

    # A check's max |difference| is float32 rounding, and which rounding depends on the CPU's BLAS
    # kernel (0 or 1.2×10⁻⁶ on one machine, 1.4×10⁻⁶ on another): each must be noise, then reads as ε.
    check = re.compile(r"^(✓ .*≈ 0) +(\S+)$", re.MULTILINE)
    superscript = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

    def value(figure: str) -> float:
        mantissa, _, exponent = figure.partition("×10⁻")
        return float(mantissa) * 10.0 ** -int(exponent.translate(superscript) or 0)

    figures = [value(m[2]) for m in check.finditer(out)]
    assert len(figures) == 3 and all(f < 1e-4 for f in figures)

    def stable(text: str) -> list[str]:  # the timings change from run to run (and may wrap onto a second line)
        text = re.sub(r"Measured:.*?\(median of 3\)\.\n", "", text, flags=re.DOTALL)
        return check.sub(r"\1 ε", text).splitlines()

    assert stable(out) == stable(block)
