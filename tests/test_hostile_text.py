"""Deck text and user text never act on the terminal, error messages and usage errors included (issue 11).

A deck id, card id, tag, key, demo name or file name, or a command-line value, holding `ESC ]52;…BEL`
(clipboard write), `ESC ]0;…` (window title), `ESC [2J`, a C1 control or a bidi override reaches
stdout and stderr only as visible text (␛, <U+009B>), and a value holding a newline stays on its line.
"""

from __future__ import annotations

import json
import string
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LIMITS = {"memory_mib": 1024, "timeout": 30}
KEYS = "id, tags, source, demo, image, front, back, reverse, accept, answer, explain, grade, options, cloze"
ID_RULE = "(letters, digits, '.', '_', '-'; at most 80)"

# Every value is written with YAML double-quoted escapes: YAML refuses most controls written raw.
HOSTILE_DECK = r"""deck: "bad\e]52;c;aGk=\a"
title: T
cards:
  - id: "c1\e[2J"
    front: Q
    back: A
    tags: ["t\e[?1049h"]
  - id: ok
    front: Q
    back: A
    "k\x9b\u202e": 1
    demo: "sh\nap\e]0;title\aes"
"""


def hostile_problems(path: Path | str) -> list[str]:
    """The problems of HOSTILE_DECK at `path`, as every command prints them."""
    return [
        f"{path}:1:7: `deck: bad␛]52;c;aGk=␇` is not a valid id {ID_RULE}",
        f"{path}:4:9: `id: c1␛[2J` is not a valid id {ID_RULE}",
        f"{path}:7:11: tag `t␛[?1049h` must be one word (letters, digits, '.', '_', '-')",
        f"{path}:11:5: unknown key `k<U+009B><U+202E>` (a card takes: {KEYS})",
        f"{path}:12:11: unknown demo `sh␊ap␛]0;title␇es` (did you mean `shapes`?); `quiz demo` lists them",
    ]


def acting(text: str) -> list[str]:
    """The characters of `text` that could act on a terminal: C0 controls but the newline, DEL, C1
    controls, format characters (bidi overrides and isolates), line separators, lone surrogates."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or unicodedata.category(c) in ("Cf", "Cs", "Zl", "Zp")
    ]


def assert_inert(result) -> tuple[str, str]:
    """stdout and stderr of a `quiz(..., text=False)`, checked byte for byte: no ESC or BEL byte,
    valid UTF-8 (so no lone 8-bit C1 byte) with no C1 control, bidi override or other acting
    character; returned as text."""
    for stream in (result.stdout, result.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream
        text = stream.decode("utf-8")  # strict
        assert acting(text) == [], text
        assert "Traceback" not in text and "internal error" not in text
    return result.stdout.decode(), result.stderr.decode()


@pytest.fixture
def hostile(tmp_path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_DECK, encoding="utf-8")
    return path


# -- a broken deck's messages, every command -------------------------------------------------


@pytest.mark.parametrize("command", ["study", "exam", "stats", "export"])
def test_a_broken_decks_messages_show_its_text_inert(command, hostile, cli):
    result = cli(command, str(hostile), text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, out) == (1, "")
    assert err == "Error: " + "\n".join(hostile_problems(hostile)) + "\n"


def test_validate_shows_the_same_lines(hostile, cli):
    result = cli("validate", str(hostile), text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, out, err) == (1, "", "".join(p + "\n" for p in hostile_problems(hostile)))


def test_decks_lists_a_broken_user_deck_with_a_hostile_file_name(isolated_home, cli):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    name = "h\x1b]0;t\x07\x9b\u202e\n.yaml"
    (folder / name).write_text(HOSTILE_DECK, encoding="utf-8")
    result = cli("decks", text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, err) == (0, "")
    row = out.splitlines()[-1].split()
    assert row[:7] == ["h␛]0;t␇<U+009B><U+202E>␊.yaml", "–", "–", "–", "–", "broken:", "`deck:"]
    assert out.splitlines()[-1].endswith(f"is not a valid id {ID_RULE}  user")


def test_decks_json_escapes_c1_and_bidi_and_keeps_ordinary_text(isolated_home, cli):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    name = "h\x1b\x9b\u202e×ᵢ.yaml"
    (folder / name).write_text(HOSTILE_DECK, encoding="utf-8")
    result = cli("decks", "--json", text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, err) == (0, "")
    assert '"path": "' + str(folder) + '/h\\u001b\\u009b\\u202e×ᵢ.yaml"' in out  # C1 and bidi escaped, × kept
    entry = json.loads(out)[-1]
    assert entry["path"] == str(folder / name) and entry["deck"] == "h\x1b\x9b\u202e×ᵢ"
    assert entry["error"] == hostile_problems(folder / "h␛<U+009B><U+202E>×ᵢ.yaml")[0]


def test_a_deck_file_name_holding_controls_and_bytes_that_are_not_utf8(tmp_path, cli):
    name = b"d\x1b]0;t\x07\x9b\n.yaml"  # not UTF-8: Python keeps \x9b as a lone surrogate
    path = tmp_path.joinpath(name.decode("utf-8", "surrogateescape"))
    path.write_text("deck: d\ntitle: D\ncards:\n  - {id: a, front: x, back: y, zz: 1}\n")
    shown = f"{tmp_path}/d␛]0;t␇<U+DC9B>␊.yaml"
    for command in ("study", "validate"):
        result = cli(command, bytes(tmp_path) + b"/" + name, text=False, **LIMITS)
        out, err = assert_inert(result)
        prefix = "Error: " if command == "study" else ""
        assert (result.returncode, out) == (1, "")
        assert err == f"{prefix}{shown}:4:32: unknown key `zz` (a card takes: {KEYS})\n"


# -- command-line text -------------------------------------------------------------------------


def test_demo_name_from_the_command_line(cli):
    result = cli("demo", "\x1b]0;x\x07\n\x9b\u202e", text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, out) == (2, "")
    assert err == "Error: unknown demo `␛]0;x␇␊<U+009B><U+202E>`; `quiz demo` lists them\n"


def test_an_unknown_deck_name(cli):
    result = cli("stats", "no\x1b[2J\n\u202e", text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, out) == (2, "")
    assert err == (
        "Error: no deck named 'no␛[2J␊<U+202E>' (decks: 1x1-in-practice, dense-vs-1x1; "
        "or give a path to a .yaml file)\n"
    )


def test_an_exam_tag_that_no_question_has(cli):
    result = cli("exam", "--tag", "t\x1b]52;c;aGk=\x07", text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, out) == (1, "")
    assert err == "Error: no question has the tag `t␛]52;c;aGk=␇` (decks: dense-vs-1x1, 1x1-in-practice)\n"


def test_a_missing_path_given_to_export_and_import(tmp_path, cli):
    export = cli("export", str(tmp_path / "x\x1b[?1049h\n.yaml"), text=False, **LIMITS)
    assert assert_inert(export) == ("", f"Error: no deck file at {tmp_path}/x␛[?1049h␊.yaml\n")
    assert export.returncode == 2
    notes = cli("import", str(tmp_path / "n\x1b[2J\x9b.md"), text=False, **LIMITS)
    assert assert_inert(notes) == ("", f"Error: no such file: {tmp_path}/n␛[2J<U+009B>.md\n")
    assert notes.returncode == 1


def test_new_with_a_file_name_that_holds_controls_and_bytes_that_are_not_utf8(tmp_path, cli):
    name = b"n\x1b]0;t\x07\x9b"
    result = cli("new", bytes(tmp_path) + b"/" + name, text=False, **LIMITS)
    out, err = assert_inert(result)
    shown = f"{tmp_path}/n␛]0;t␇<U+DC9B>.yaml"
    assert (result.returncode, err) == (0, "")
    assert out == (
        f"Wrote {shown}: an example deck with every card kind.\n"
        f"Edit it, check it with `quiz validate {shown}`, study it with `quiz study {shown}`.\n"
    )
    written = bytes(tmp_path) + b"/" + name + b".yaml"
    assert cli("validate", written).stdout == "1 deck OK: 17 cards\n"  # the deck holds only UTF-8
    assert b'title: "N\\x1b]0;t\\x07\xef\xbf\xbd"\n' in Path(written.decode("utf-8", "surrogateescape")).read_bytes()


USAGE = "Usage: python -m dense1x1quiz {usage}\nTry 'python -m dense1x1quiz {command}-h' for help.\n\nError: {error}\n"


@pytest.mark.parametrize(
    ("args", "usage", "command", "error"),
    [
        (
            ["study", "--mode", "\x1b]0;x\x07\u202e"],
            "study [OPTIONS] [DECK]",
            "study ",
            "Invalid value for '--mode': '\\x1b]0;x\\x07\\u202e' is not one of 'auto', 'flip', 'type', 'choice'.",
        ),
        (
            ["study", "--new", "\x1b[2J\u2066"],
            "study [OPTIONS] [DECK]",
            "study ",
            "Invalid value for '--new': '\\x1b[2J\\u2066' is not a valid int range.",
        ),
        (["stats", "--z\x1b[2J\u202e"], "stats [OPTIONS] [DECK]", "stats ", "No such option: --z\\x1b[2J<U+202E>"),
        (
            ["st\x1b[2J\u202eudy"],
            "[OPTIONS] COMMAND [ARGS]...",
            "",
            "No such command 'st\\x1b[2J\\u202eudy'. Did you mean 'study'?",
        ),
        (
            ["export", "a", "b\u202e\x9b"],
            "export [OPTIONS] {DECK}",
            "export ",
            "Got unexpected extra argument(s) (b<U+202E>\\x9b)",
        ),
    ],
)
def test_usage_errors_keep_clicks_text_with_controls_visible(args, usage, command, error, cli):
    result = cli(*args, text=False, **LIMITS)
    assert assert_inert(result) == ("", USAGE.format(usage=usage, command=command, error=error))
    assert result.returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["nope"],
        ["-x"],
        ["stats", "--jsn"],
        ["study", "--mode", "zz"],
        ["exam", "-n", "0"],
        ["--help"],
        ["demo", "--help"],
    ],
)
def test_ordinary_usage_errors_and_help_read_as_typer_prints_them(args, capsys, cli):
    import typer.main

    from dense1x1quiz.cli import app

    with pytest.raises(SystemExit) as exit:
        typer.main.get_command(app).main(args=args, prog_name="python -m dense1x1quiz")
    typer_out = capsys.readouterr()
    result = cli(*args, **LIMITS)
    assert (result.returncode, result.stdout, result.stderr) == (exit.value.code, typer_out.out, typer_out.err)


# -- the property: whatever the text and wherever it goes, nothing acts on the terminal ---------

# Heavy in what acts on a terminal (ESC, BEL, C1, CR, LF, US, NUL, bidi), with some ordinary letters.
ALPHABET = st.sampled_from(
    [
        "\x1b",
        "\x07",
        "\x9b",
        "\x9d",
        "\x85",
        "\r",
        "\n",
        "\x1f",
        "\x00",
        "\t",
        "\x7f",
        "\u202e",
        "\u2066",
        "\u2028",
        "\u200f",
        "[",
        "]",
        "2J",
        ";",
        "'",
        '"',
        "`",
        ":",
        " ",
        "a",
        "é",
        "×",
        "-",
    ]
)
HOSTILE = st.sampled_from(["\x1b", "\x07", "\x9b", "\x85", "\r", "\n", "\x1f", "\x00", "\u202e", "\u2066"])
hostile_text = st.tuples(st.lists(ALPHABET, max_size=8), HOSTILE, st.lists(ALPHABET, max_size=8)).map(
    lambda parts: "".join(parts[0]) + parts[1] + "".join(parts[2])
)


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, every character not a letter as an escape."""
    keep = set(string.ascii_letters + string.digits + " -")
    return '"' + "".join(c if c in keep else f"\\u{ord(c):04x}" for c in text) + '"'


def deck_with(slot: str, text: str) -> str:
    """A deck whose `slot` holds `text`; every such deck is broken (each slot's value is refused)."""
    value = yaml_quoted(text)
    deck_id = value if slot == "deck id" else "d"
    card = {
        "card id": f"{{id: {value}, front: x, back: y}}",
        "tag": f"{{id: a, front: x, back: y, tags: [{value}]}}",
        "unknown key": f"{{id: a, front: x, back: y, {value}: 1}}",
        "demo name": f"{{id: a, front: x, back: y, demo: {value}}}",
        "answer": f"{{id: a, front: x, options: [p, q], answer: {value}}}",
        "deck id": "{id: a, front: x, back: y}",
        "file name": "{id: a, front: x, back: y, zz: 1}",  # the message quotes the path
    }[slot]
    return f"deck: {deck_id}\ntitle: T\ncards:\n  - {card}\n"


def run_in_process(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `quiz ARGS` run by `cli.main` in this process."""
    from dense1x1quiz import cli

    monkeypatch.setattr(sys, "argv", ["quiz", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit:
        cli.main()
    out = capsys.readouterr()
    return exit.value.code, out.out, out.err


def assert_nothing_acts(code: int, out: str, err: str, codes: tuple[int, ...]) -> None:
    assert code in codes, (code, out, err)
    assert acting(out) == [] and acting(err) == [], (out, err)
    assert "Traceback" not in err and "internal error" not in err, err


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(
    slot=st.sampled_from(["deck id", "card id", "tag", "unknown key", "demo name", "answer", "file name"]),
    text=hostile_text,
    command=st.sampled_from([["validate"], ["study"], ["exam"], ["stats"], ["export"], ["decks"], ["decks", "--json"]]),
)
def test_property_deck_text_never_reaches_the_terminal(
    slot, text, command, tmp_path, isolated_home, capsys, monkeypatch
):
    folder = isolated_home / "decks" if command[0] == "decks" else tmp_path / "given"
    for old in folder.glob("*.yaml") if folder.is_dir() else []:
        old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    name = (text.replace("/", "-").replace("\x00", "-") if slot == "file name" else "deck") + ".yaml"
    path = folder / name
    path.write_text(deck_with(slot, text), encoding="utf-8")
    args = command if command[0] == "decks" else [*command, str(path)]
    code, out, err = run_in_process(args, capsys, monkeypatch)
    assert_nothing_acts(code, out, err, (0,) if command[0] == "decks" else (1,))
    if command == ["decks", "--json"]:
        assert json.loads(out)[-1]["path"] == str(path)  # escaped, not altered
    if command[0] != "decks":
        assert len(err.splitlines()) == 1  # one problem, one line, whatever newlines the value holds


@PROPERTY
@given(
    text=hostile_text,
    where=st.sampled_from(
        [
            ["demo", "{}"],
            ["study", "--mode", "{}"],
            ["stats", "{}"],
            ["export", "{}"],
            ["{}"],
            ["stats", "--{}"],
            ["exam", "--tag", "{}"],
            ["import", "{}"],
            ["study", "--limit", "{}"],
            ["exam", "--seed", "{}"],
            ["validate", "--{}"],
            ["decks", "{}"],
        ]
    ),
)
def test_property_command_line_text_never_reaches_the_terminal(text, where, capsys, monkeypatch):
    text = text.replace("\x00", "\x01")  # a command line cannot hold NUL: argv entries are C strings
    args = [part.replace("{}", text) for part in where]
    code, out, err = run_in_process(args, capsys, monkeypatch)
    assert_nothing_acts(code, out, err, (1, 2))


# -- a long value is quoted in part, and reads as cut --------------------------------------------------

LONG_DECK = r"""deck: "\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;\e]0;"
title: T
cards:
  - id: ok
    front: Q
    back: A
    tags: ["a b\e]52;c;aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\a\e[?1049h"]
    reverse: "yes please, both ways round"
"""


def test_a_long_value_a_message_quotes_in_part_ends_with_an_ellipsis(tmp_path, cli):
    """A value cut to its first characters ends with `…` (it used to end mid-value, looking complete:
    ten `␛]0;` read as the whole deck id)."""
    path = tmp_path / "long.yaml"
    path.write_text(LONG_DECK, encoding="utf-8")
    result = cli("validate", str(path), text=False, **LIMITS)
    out, err = assert_inert(result)
    assert (result.returncode, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:1:7: `deck: {'␛]0;' * 10}…` is not a valid id {ID_RULE}",
        f"{path}:7:11: tag `a b␛]52;c;aGVsbG8gd29ybGQgaGVsbG8gd29ybG…` must be one word "
        "(letters, digits, '.', '_', '-')",
        f"{path}:8:14: `reverse` must be true or false, not 'yes please, both way…'",
    ]


def test_a_long_mojibake_line_and_a_long_question_without_answer_read_as_cut(tmp_path, cli):
    deck = tmp_path / "moji.yaml"
    deck.write_text(
        'deck: m\ntitle: T\ncards:\n  - {id: a, front: "Dense â€“ 1Ã—1 and a rather long line of text that goes '
        'on and on past eighty characters", back: A}\n',
        encoding="utf-8",
    )
    validated = cli("validate", str(deck), **LIMITS)
    assert validated.returncode == 0, validated.stderr
    assert validated.stderr.splitlines() == [
        f"{deck}:4:27: warning: looks like mojibake (UTF-8 read as Windows-1252/1254): 'â€“'; probably meant: "
        "'- {id: a, front: \"Dense – 1×1 and a rather long line of text that goes on and on…'"
    ]
    notes = tmp_path / "notes.md"
    notes.write_text(
        "Q: What does a one by one convolution do to the channels of a tensor?\n\nQ: Short?\nA: Yes.\n",
        encoding="utf-8",
    )
    imported = cli("import", str(notes), "-o", str(tmp_path / "out.yaml"), **LIMITS)
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.splitlines() == [
        f"{notes}:1: question 'What does a one by one convolution do to…' has no answer; skipped"
    ]
