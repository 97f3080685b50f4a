"""The command line forgives and helps (issue 14, Input): choices in any case, "did you mean" for a
mistyped deck or tag, `quiz tags`, `quiz --version`, and shell completion of commands, decks and demos."""

import json
import textwrap

import pytest
from test_imports import imported_modules

from dense1x1quiz import __version__
from dense1x1quiz.cli import run

DECK = textwrap.dedent("""\
    deck: tagged
    title: Tagged deck
    cards:
      - {id: one, front: Kernel of a pointwise conv?, back: 1×1, tags: [mobilenet, params]}
      - {id: two, front: Who made 1×1 convolutions famous?, back: Network In Network, tags: [MobileNet, nin]}
      - {id: three, front: What does a dense layer see?, back: A flat vector}
    """)


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "tagged.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def outcome(result):
    return result.returncode, result.stdout, result.stderr


# -- --version and choices in any case ------------------------------------------------------------


def test_version(cli):
    assert outcome(cli("--version")) == (0, f"quiz {__version__}\n", "")


def test_choices_are_read_in_any_case(cli, deck):
    for layout in ("NHWC", "Nhwc"):
        result = cli("demo", "equivalence", "--layout", layout, "--json")
        assert result.returncode == 0 and json.loads(result.stdout)["params"]["layout"] == "nhwc"
    upper = cli("export", deck, "--format", "CSV", "-o", "-")
    assert upper.returncode == 0 and upper.stdout == cli("export", deck, "--format", "csv", "-o", "-").stdout
    now = {"DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z"}  # the cram order is seeded by the time
    study = cli("study", deck, "--mode", "FLIP", "--cram", input="\n1\nq\n", env=now)
    assert study.returncode == 0 and "Studied 1 card in 0s: 0 right, 1 wrong" in study.stdout
    assert outcome(cli("study", deck, "--mode", "Flip", "--cram", input="\n1\nq\n", env=now)) == outcome(study)


# -- did you mean ---------------------------------------------------------------------------------


def test_a_mistyped_deck_name_gets_the_closest_deck(cli):
    result = cli("study", "dense-vs-1x")
    assert outcome(result) == (
        2,
        "",
        "Error: no deck named 'dense-vs-1x'; did you mean 'dense-vs-1x1'? "
        "(decks: 1x1-in-practice, dense-vs-1x1; or give a path to a .yaml file)\n",
    )
    assert cli("stats", "1X1-IN-PRACTISE").stderr.startswith(
        "Error: no deck named '1X1-IN-PRACTISE'; did you mean '1x1-in-practice'? (decks: "
    )
    assert "did you mean" not in cli("exam", "zzz").stderr  # nothing close: no guess


def test_a_mistyped_tag_gets_the_closest_tag(cli, deck):
    result = cli("study", deck, "--tag", "mobilnet", input="")
    assert outcome(result) == (
        0,
        "No cards to study: no card has the tag `mobilnet`; study without --tag, or with a tag the cards carry.\n",
        "Warning: no card has the tag `mobilnet`; did you mean `mobilenet`? (`quiz tags` lists them)\n",
    )
    assert cli("study", deck, "--tag", "MOBILENET", "--tag", "nin", input="q\n").stderr == ""  # known, any case
    result = cli("exam", deck, "--tag", "prams")
    assert outcome(result) == (
        1,
        "",
        "Error: no question has the tag `prams`; did you mean `params`? (decks: tagged)\n",
    )


# -- quiz tags ------------------------------------------------------------------------------------


def test_tags_lists_each_tag_with_its_cards(cli, deck):
    assert outcome(cli("tags", deck)) == (
        0,
        "tag        cards\nmobilenet      2\nnin            1\nparams         1\n",
        "",
    )
    assert json.loads(cli("tags", deck, "--json").stdout) == [
        {"tag": "mobilenet", "cards": 2},
        {"tag": "nin", "cards": 1},
        {"tag": "params", "cards": 1},
    ]


def test_tags_of_decks_without_tags(cli, tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text("deck: bare\ntitle: Bare\ncards:\n  - {id: a, front: q, back: a}\n", encoding="utf-8")
    assert outcome(cli("tags", str(path))) == (0, "No tags: no card of these decks has one.\n", "")
    assert outcome(cli("tags", str(path), "--json")) == (0, "[]\n", "")


def test_tags_of_every_deck_counts_the_built_in_ones(cli):
    every = json.loads(cli("tags", "--json").stdout)
    one = {t["tag"]: t["cards"] for t in json.loads(cli("tags", "dense-vs-1x1", "--json").stdout)}
    other = {t["tag"]: t["cards"] for t in json.loads(cli("tags", "1x1-in-practice", "--json").stdout)}
    assert every == [{"tag": tag, "cards": one.get(tag, 0) + other.get(tag, 0)} for tag in sorted({*one, *other})]
    assert one and other


# -- shell completion -----------------------------------------------------------------------------


def complete(monkeypatch, capsys, words: str) -> list[str]:
    """What bash completion offers for the last word of `words` (typer's protocol, as the script asks)."""
    monkeypatch.setenv("_QUIZ_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split(" ")) - 1))
    assert run([], prog_name="quiz") == 0
    return capsys.readouterr().out.split()


def test_completion_of_commands_options_decks_and_demos(monkeypatch, capsys, isolated_home):
    (isolated_home / "decks").mkdir(parents=True)
    (isolated_home / "decks" / "mine.yaml").write_text(DECK.replace("deck: tagged", "deck: mine"), encoding="utf-8")
    assert complete(monkeypatch, capsys, "quiz st") == ["study", "stats"]
    assert complete(monkeypatch, capsys, "quiz ta") == ["tags"]
    assert complete(monkeypatch, capsys, "quiz study dense") == ["dense-vs-1x1"]
    assert complete(monkeypatch, capsys, "quiz exam ") == ["1x1-in-practice", "dense-vs-1x1", "mine"]
    assert complete(monkeypatch, capsys, "quiz tags mi") == ["mine"]
    assert complete(monkeypatch, capsys, "quiz demo b") == ["bottleneck"]
    assert complete(monkeypatch, capsys, "quiz study --mode ") == ["auto", "flip", "type", "choice"]


def test_show_completion_prints_the_shells_script(capsys):
    assert run(["--show-completion", "bash"], prog_name="quiz") == 0
    script = capsys.readouterr().out
    assert "_QUIZ_COMPLETE=complete_bash $1" in script
    assert script.endswith("\ncomplete -o default -F _quiz_completion quiz\n")


def test_completing_a_demo_name_imports_no_numpy_and_help_imports_no_command(tmp_path, monkeypatch):
    home = tmp_path / "home"
    help_modules = {m for m in imported_modules(["--help"], home) if m.startswith("dense1x1quiz")}
    assert help_modules == {"dense1x1quiz", "dense1x1quiz.cli"}  # (the wrapper runs __main__ as a script)
    monkeypatch.setenv("_QUIZ_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "quiz demo eq")
    monkeypatch.setenv("COMP_CWORD", "2")
    modules = imported_modules([], home)
    assert "dense1x1quiz.demos" in modules and not {m for m in modules if m.split(".")[0] in ("numpy", "rich")}


def test_the_readmes_tags_transcript_is_what_the_command_prints(cli):
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ quiz tags dense-vs-1x1\n", 1)[1].split("```", 1)[0]
    assert outcome(cli("tags", "dense-vs-1x1")) == (0, shown, "")
