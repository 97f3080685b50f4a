"""`quiz import` of Anki packages (.apkg, .colpkg, every format) and Anki's text export (issue 12, part 3).

The packages are written by Anki's own backend (tests/anki_samples.py); the decks written are asserted
byte for byte, with the report, the exit code and the image copied beside them."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from conftest import run_in_process

from dense1x1quiz.authoring import anki_archive
from dense1x1quiz.authoring.anki_cards import CardKeys, note_card_id
from dense1x1quiz.authoring.anki_package import read_package
from dense1x1quiz.deck import load_deck

pytest.importorskip("anki")

from anki_samples import PNG, write_samples  # noqa: E402  (needs anki)

PACKAGES = ("new.apkg", "legacy.apkg", "full.colpkg", "legacy.colpkg")
FORMAT = {"new.apkg": "anki21b", "legacy.apkg": "anki21", "full.colpkg": "anki21b", "legacy.colpkg": "anki21"}


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Path]:
    return write_samples(tmp_path_factory.mktemp("anki"))


def header(name: str, what: str = "an Anki package") -> str:
    return (
        f"# Written by `quiz import` from {name} ({what}). Importing it again updates this file and\n"
        "# keeps every card's id (from the Anki note's GUID, and so its review history). The `imported:`\n"
        "# line records what was written: once this file is edited, a new import replaces it only with --force.\n"
    )


def body(path: Path) -> str:
    """A deck file without its header comment and `imported:` mark (they name the file imported)."""
    return "".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith(("# ", "imported: "))
    )


ID = {guid: note_card_id(guid) for guid in ("g-basic", "g-math", "g-rev", "g-opt-yes", "g-opt-no", "g-typed")}
ID |= {guid: note_card_id(guid) for guid in ("g-cloze", "g-image", "g-translated", "g-vocab")}

DEFAULT = f"""deck: default
title: Default
cards:
  - id: {ID["g-basic"]}
    front: "What is 1 + 1?"
    back: |-
      2
      two
    tags: [geo.eu, t1]
  - id: {ID["g-math"]}
    front: "Energy?"
    back: |-
      $$E = mc^2$$
      costs \\$5
    tags: [geo.eu, t1]
  - id: {ID["g-rev"]}
    front: dog
    back: Hund
    reverse: true
    tags: [geo.eu, t1]
  - id: {ID["g-opt-yes"]}
    front: cat
    back: Katze
    reverse: true
    tags: [geo.eu, t1]
  - id: {ID["g-opt-no"]}
    front: cow
    back: Kuh
    tags: [geo.eu, t1]
  - id: {ID["g-typed"]}
    front: "Capital of France?"
    answer: Paris
    tags: [geo.eu, t1]
  - id: {ID["g-translated"]}
    front: Haus
    back: house
    reverse: true
  - id: {ID["g-vocab"]}
    front: Tisch
    back: table
"""
OPTICS = f"""deck: physics-optics
title: "Physics › Optics"
cards:
  - id: {ID["g-cloze"]}
    cloze: "{{{{c1::Paris::city}}}} is in {{{{c2::France}}}} $x^2$"
    explain: extra info
"""
PHYSICS = f"""deck: physics
title: Physics
cards:
  - id: {ID["g-image"]}
    front: Look
    back: an image
    tags: [geo.eu, t1]
    image: media/x.png
"""
WARNINGS = (
    "warning: note type 'Vocab' is not one of Anki's basic, reversed, typed or cloze types: its 1 note became "
    "basic cards from the fields Word, Meaning\n"
    "warning: left out the field(s) 'Gender' of note type 'Vocab'\n"
    "warning: dropped 1 sound reference ([sound:a.mp3] …): quiz plays no sound\n"
)


FIRST_HISTORY = "Review history: 3 new reviews, 0 already imported; 3 cards with history."


def report(
    source: Path,
    decks: Path,
    kind: str,
    verb: str = "Wrote",
    counts: str = "10 new cards, 0 unchanged",
    history: str = FIRST_HISTORY,
    suspended: str = "1 suspended here too",
) -> str:
    lines = [
        f"Read {source}: {kind}, 10 notes, 3 reviews",
        f"{verb} {decks}/default.yaml: deck `default` (Default), 8 cards (11 study cards)",
        f"{verb} {decks}/physics-optics.yaml: deck `physics-optics` (Physics › Optics), 1 card (2 study cards)",
        f"{verb} {decks}/physics.yaml: deck `physics` (Physics), 1 card (1 study card)",
    ]
    if verb == "Wrote":
        lines.append(f"Copied 1 image into {decks}/media")
    lines += [
        counts,
        f"1 card was suspended in Anki: {suspended}",
        history,
        "Study with `quiz study default physics-optics physics`.",
    ]
    return "\n".join(lines) + "\n"


KIND = {"anki21b": "Anki package", "anki21": "Anki package (2.1 format)"}


@pytest.mark.parametrize("name", PACKAGES)
def test_a_package_of_every_format_becomes_one_deck_per_anki_deck(samples, name, isolated_home):
    source = samples[name]
    result = run_in_process("import", str(source))
    decks = isolated_home / "decks"
    assert (result.returncode, result.stderr) == (0, WARNINGS)
    assert result.stdout == report(source, decks, KIND[FORMAT[name]])
    assert sorted(p.name for p in decks.iterdir()) == ["default.yaml", "media", "physics-optics.yaml", "physics.yaml"]
    for deck, expected in (("default", DEFAULT), ("physics-optics", OPTICS), ("physics", PHYSICS)):
        text = (decks / f"{deck}.yaml").read_text(encoding="utf-8")
        assert text.startswith(header(name))
        assert body(decks / f"{deck}.yaml") == expected
    assert (decks / "media" / "x.png").read_bytes() == PNG
    validated = run_in_process(
        "validate", *(str(decks / f"{d}.yaml") for d in ("default", "physics-optics", "physics"))
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_a_second_import_adds_no_card_and_says_so(samples, isolated_home):
    decks = isolated_home / "decks"
    assert run_in_process("import", str(samples["new.apkg"])).returncode == 0
    before = {p.name: p.read_bytes() for p in decks.glob("*.yaml")}
    again = run_in_process("import", str(samples["legacy.colpkg"]))
    assert (again.returncode, again.stderr) == (0, WARNINGS)
    assert again.stdout == report(
        samples["legacy.colpkg"],
        decks,
        KIND["anki21"],
        verb="Updated",
        counts="0 new cards, 10 unchanged",
        history="Review history: 0 new reviews, 3 already imported; 3 cards with history.",
        suspended="1 left as set here",  # suspended by the first import: the choice made here stands
    )
    after = {p.name: body(decks / p.name) for p in decks.glob("*.yaml")}
    assert after == {name: body_of(data) for name, data in before.items()}


def body_of(data: bytes) -> str:
    return "".join(
        line for line in data.decode().splitlines(keepends=True) if not line.startswith(("# ", "imported: "))
    )


def test_an_edited_deck_is_not_replaced_without_force(samples, isolated_home):
    decks = isolated_home / "decks"
    assert run_in_process("import", str(samples["new.apkg"])).returncode == 0
    default = decks / "default.yaml"
    default.write_text(default.read_text(encoding="utf-8").replace("back: Hund", "back: Hund!"), encoding="utf-8")
    edited = default.read_bytes()
    result = run_in_process("import", str(samples["new.apkg"]))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {default} was edited after `quiz import` wrote it; importing again would replace it "
        f"(8 cards; 1 changed by it: {ID['g-rev']}). Use -o to write somewhere else, or --force to replace it\n"
    )
    assert default.read_bytes() == edited
    forced = run_in_process("import", str(samples["new.apkg"]), "--force")
    assert forced.returncode == 0
    assert "0 new cards, 9 unchanged, 1 changed\n" in forced.stdout
    assert body(default) == DEFAULT


def test_anki_text_export_with_its_header_lines(samples, isolated_home, tmp_path):
    out = tmp_path / "out"
    result = run_in_process("import", str(samples["notes.txt"]), "-o", str(out))
    assert result.returncode == 0
    assert result.stderr == (
        "warning: note type 'Einfach (beide Richtungen)' is not one of Anki's basic, reversed, typed or cloze "
        "types: its 1 note became basic cards from the fields Field 1, Field 2\n"
        "warning: note type 'Vocab' is not one of Anki's basic, reversed, typed or cloze types: its 1 note became "
        "basic cards from the fields Field 1, Field 2\n"
        "warning: left out the field(s) 'Field 3' of note type 'Vocab'\n"
        "warning: dropped 1 sound reference ([sound:a.mp3] …): quiz plays no sound\n"
        "warning: image 'x.png' left out of 1 note(s): Anki's text export holds no media\n"
    )
    assert result.stdout == (
        f"Read {samples['notes.txt']}: Anki text export, 10 notes\n"
        f"Wrote {out}/default.yaml: deck `default` (Default), 8 cards (10 study cards)\n"
        f"Wrote {out}/physics-optics.yaml: deck `physics-optics` (Physics › Optics), 1 card (2 study cards)\n"
        f"Wrote {out}/physics.yaml: deck `physics` (Physics), 1 card (1 study card)\n"
        "10 new cards, 0 unchanged\n"
        f"Study with `quiz study {out}/default.yaml {out}/physics-optics.yaml {out}/physics.yaml`.\n"
    )
    # The same cards and ids as from the package; what the text export cannot say is left out.
    assert body(out / "default.yaml") == DEFAULT.replace("    back: house\n    reverse: true\n", "    back: house\n")
    assert body(out / "physics-optics.yaml") == OPTICS
    assert body(out / "physics.yaml") == PHYSICS.replace("    image: media/x.png\n", "")
    assert (out / "default.yaml").read_text(encoding="utf-8").startswith(header("notes.txt", "Anki's text export"))


def test_the_kind_is_read_from_the_content_not_the_name(samples, tmp_path):
    disguised = tmp_path / "notes.md"
    disguised.write_bytes(samples["new.apkg"].read_bytes())
    result = run_in_process("import", str(disguised), "-o", str(tmp_path / "a"))
    assert result.returncode == 0
    assert result.stdout.startswith(f"Read {disguised}: Anki package, 10 notes, 3 reviews\n")
    markdown = tmp_path / "deck.apkg"
    markdown.write_text("# Notes\n\nQ: What is 2 + 2?\nA: 4\n", encoding="utf-8")
    result = run_in_process("import", str(markdown), "-o", str(tmp_path / "b.yaml"))
    assert result.returncode == 0
    assert result.stdout.startswith(f"Wrote {tmp_path / 'b.yaml'}\n")


def test_read_package_reads_what_anki_wrote(samples, tmp_path):
    from anki.collection import Collection

    col = Collection(str(tmp_path / "reference.anki2"))
    try:
        col.import_anki_package(_import_request(samples["new.apkg"]))
        expected_notes = {col.get_note(nid).guid: tuple(col.get_note(nid).fields) for nid in col.find_notes("")}
        revlog = col.db.all("select id, cid, ease, time, type from revlog order by id")
        suspended = len(col.find_cards("is:suspended"))
    finally:
        col.close()
    for name in PACKAGES:
        collection = read_package(samples[name])
        assert collection.format == FORMAT[name]
        assert {n.guid: n.fields for n in collection.notes} == expected_notes
        assert [(r.revlog_id, r.ease, r.duration_ms, r.kind) for r in collection.reviews] == [
            (row[0], row[2], row[3], row[4]) for row in revlog
        ]
        assert sum(c.suspended for c in collection.cards) == suspended == 1
        assert sorted(d.name for d in collection.decks.values()) == ["Default", "Physics", "Physics::Optics"]
        assert collection.media["x.png"]() == PNG


def _import_request(path: Path):
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    return ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True)
    )


def test_every_reviewed_anki_card_keys_a_card_in_the_decks_written(samples, tmp_path):
    out = tmp_path / "out"
    assert run_in_process("import", str(samples["new.apkg"]), "-o", str(out)).returncode == 0
    written = {card.key for path in out.glob("*.yaml") for card in load_deck(path).cards}
    collection = read_package(samples["new.apkg"])
    keys = CardKeys(collection)
    by_id = {card.card_id: card for card in collection.cards}
    assert {keys(by_id[review.card_id]) for review in collection.reviews} <= written
    assert {keys(card) for card in collection.cards} == written  # one Anki card, one quiz card


def test_the_study_screen_names_the_image(samples, isolated_home):
    assert run_in_process("import", str(samples["new.apkg"])).returncode == 0
    result = run_in_process("study", "physics", "--mode", "flip", input="\n3\n")
    image = isolated_home / "decks" / "media" / "x.png"
    assert result.returncode == 0
    assert f"🖼 image (open it in an image viewer): {image}" in result.stdout.splitlines()


# -- hostile packages ------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _refused(path: Path, tmp_path: Path, message: str) -> None:
    out = tmp_path / "out"
    result = run_in_process("import", str(path), "-o", str(out), memory_mib=1024, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert not out.exists()


def test_a_zip_that_is_not_an_anki_package(tmp_path):
    path = _zip(tmp_path / "photos.apkg", {"hello.txt": b"hi"})
    _refused(
        path,
        tmp_path,
        f"{path} is a zip archive but not an Anki package (it holds no collection.anki2, collection.anki21 or "
        "collection.anki21b)",
    )


def test_a_truncated_package(samples, tmp_path):
    path = tmp_path / "cut.apkg"
    path.write_bytes(samples["new.apkg"].read_bytes()[:2000])
    _refused(path, tmp_path, f"{path} is not a readable zip archive (truncated or damaged: File is not a zip file)")


def test_a_broken_sqlite_collection(tmp_path):
    path = _zip(tmp_path / "broken.apkg", {"collection.anki21": b"SQLite format 3\0" + b"garbage" * 500})
    _refused(
        path,
        tmp_path,
        f"the collection in {path} (collection.anki21) is damaged or not an Anki collection "
        "(SQLite: file is not a database)",
    )


def test_bad_zstd_data(tmp_path):
    path = _zip(tmp_path / "bad.apkg", {"collection.anki21b": b"\x28\xb5\x2f\xfd" + b"\xff" * 64, "meta": b"\x08\x03"})
    result = run_in_process("import", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the collection (collection.anki21b) is not valid zstd data (")


@pytest.mark.parametrize("member", ["collection.anki21", "collection.anki21b"])
def test_a_member_that_expands_past_the_cap_is_refused(tmp_path, monkeypatch, member):
    """A zip bomb (deflate) and a zstd bomb: 512 MiB of zeros in well under 1 MiB, against a 16 MiB cap,
    with 256 MiB of memory to spare: the member is never held whole."""
    path = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as out:
        if member.endswith("21b"):
            from backports import zstd

            compressor = zstd.ZstdCompressor()
            for _ in range(512):
                out.write(compressor.compress(bytes(1 << 20)))
            out.write(compressor.flush())
        else:
            for _ in range(512):
                out.write(bytes(1 << 20))
    assert path.stat().st_size < 1 << 20
    monkeypatch.setattr(anki_archive, "MAX_COLLECTION_BYTES", 16 << 20)
    result = run_in_process("import", str(path), "-o", str(tmp_path / "out"), memory_mib=256, timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: the collection ({member}) in {path} expands to more than 16 MiB; refusing to unpack it "
        "(a damaged or hostile package?)\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_package_whose_notes_are_all_unusable(tmp_path):
    db_path = tmp_path / "c.anki2"
    db = sqlite3.connect(db_path)
    db.executescript(
        "create table col (crt, models, decks); create table notes (id, guid, mid, tags, flds);"
        "create table cards (id, nid, did, ord, queue, type, due, ivl, reps, lapses, odid);"
        "insert into col values (0, '{}', '{}');"
    )
    db.commit()
    db.close()
    path = _zip(tmp_path / "empty.apkg", {"collection.anki2": db_path.read_bytes()})
    _refused(path, tmp_path, f"found no notes to make cards from in {path}")


# -- export and import agree -----------------------------------------------------------------------

ROUND_TRIP = """deck: trip
title: Round trip
tags: [fixture]
cards:
  - id: b1
    front: What is $a \\\\times b$ here?
    back: "multi\\nline"
    reverse: true
    source: Lin et al. 2013
  - id: t1
    front: Params of a 1×1 conv?
    answer: "2048"
    explain: $64 \\\\times 32$
  - id: c1
    front: Which is a 1×1 conv?
    options: ["nn.Conv2d(k=1)", "nn.Linear"]
    answer: "nn.Conv2d(k=1)"
  - id: z1
    cloze: "A 1×1 conv is a {{c1::per-pixel dense layer::layer kind}} across {{c2::channels}}. <br> literal"
    explain: see NiN
"""


def test_a_deck_exported_as_apkg_imports_back_as_the_same_cards(tmp_path):
    deck_file = tmp_path / "trip.yaml"
    deck_file.write_text(ROUND_TRIP, encoding="utf-8")
    package = tmp_path / "trip.apkg"
    assert run_in_process("export", str(deck_file), "--format", "apkg", "-o", str(package)).returncode == 0
    out = tmp_path / "out"
    result = run_in_process("import", str(package), "-o", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    (written,) = out.glob("*.yaml")

    def cards(path: Path) -> list[tuple]:
        return sorted(
            (c.kind, c.prompt, c.answer, c.options, c.cloze, c.explain, c.source, c.tags, c.id.partition(":")[2])
            for c in load_deck(path).cards
        )

    assert cards(written) == cards(deck_file)  # the same cards, ids aside (GUIDs'), sibling suffixes alike
    assert len(cards(written)) == 6


def test_card_keys_of_a_reimported_package_stay(samples):
    first = CardKeys(read_package(samples["new.apkg"]))
    second = CardKeys(read_package(samples["legacy.colpkg"]))
    a, b = read_package(samples["new.apkg"]), read_package(samples["legacy.colpkg"])
    assert [first(c) for c in a.cards] == [second(c) for c in b.cards]


def test_html_fields_become_clean_text():
    from dense1x1quiz.authoring.anki_html import from_html

    cases = {
        "What is <b>1&nbsp;+ 1</b>?": "What is 1 + 1?",
        "a<div>b</div><div>c</div>": "a\nb\nc",
        "<div>a</div><div><br></div><div>b</div>": "a\n\nb",
        "<ul><li>one</li><li>two</li></ul>after": "- one\n- two\nafter",
        "x<ol><li>one</li><li>two</li></ol>": "x\n1. one\n2. two",
        "\\(x^2\\) and \\[a &lt; b\\] cost $5": "$x^2$ and $$a < b$$ cost \\$5",
        "<script>alert(1)</script><style>p{}</style>ok": "ok",
        "  spaced \n out  ": "spaced out",
        "say [sound:a.mp3] it": "say it",
    }
    assert {html: from_html(html).text for html in cases} == cases
    field = from_html('Look <img src="a b.png"> [sound:x.mp3]<img src="c.jpg">')
    assert (field.text, field.images, field.sounds) == ("Look", ["a b.png", "c.jpg"], ["x.mp3"])


@pytest.mark.parametrize(
    ("value", "ok"),
    [("media/x.png", True), ("x.png", True), ("../x.png", False), ("/etc/passwd", False), ("a\\\\b.png", False)],
)
def test_the_image_key_is_a_path_below_the_deck(tmp_path, value, ok):
    deck = tmp_path / "d.yaml"
    deck.write_text(
        f'deck: d\ntitle: D\ncards:\n  - {{id: a, front: q, back: a, image: "{value}"}}\n', encoding="utf-8"
    )
    result = run_in_process("validate", str(deck))
    if ok:
        assert result.returncode == 0
        assert load_deck(deck).cards[0].image == value
    else:
        shown = value.replace("\\\\", "\\")
        assert result.returncode == 1
        assert (
            f"{deck}:4:39: `image: {shown}` must be a file beside the deck or in a folder below it, written with "
            "`/` (e.g. media/diagram.png); no absolute path, `..` or backslash"
        ) in result.stdout + result.stderr


def test_an_image_never_goes_through_a_symbolic_link(samples, tmp_path):
    out = tmp_path / "out"
    (out / "media").mkdir(parents=True)
    victim = tmp_path / "victim.png"
    victim.write_bytes(b"mine")
    (out / "media" / "x.png").symlink_to(victim)
    result = run_in_process("import", str(samples["new.apkg"]), "-o", str(out))
    assert result.returncode == 0
    assert f"warning: {out}/media/x.png is a symbolic link or not a file; the image was left out\n" in result.stderr
    assert victim.read_bytes() == b"mine"
    assert "image:" not in (out / "physics.yaml").read_text(encoding="utf-8")


def test_cards_borrowed_by_a_filtered_deck_stay_in_their_home_deck(tmp_path):
    from anki_samples import build_collection

    col = build_collection(tmp_path)
    try:
        filtered = col.decks.new_filtered("Cram")
        col.sched.rebuild_filtered_deck(filtered)
        assert col.db.scalar("select count() from cards where odid != 0") > 0
        col.export_collection_package(str(tmp_path / "cram.colpkg"), include_media=True, legacy=False)
    finally:
        if col.db is not None:
            col.close()
    out = tmp_path / "out"
    result = run_in_process("import", str(tmp_path / "cram.colpkg"), "-o", str(out))
    assert result.returncode == 0
    assert sorted(p.name for p in out.glob("*.yaml")) == ["default.yaml", "physics-optics.yaml", "physics.yaml"]
    assert body(out / "default.yaml") == DEFAULT


def test_deck_id_names_the_one_deck_a_text_export_makes(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("#separator:tab\n#html:true\nfront one\tback one\nfront two\tback <b>two</b>\n", encoding="utf-8")
    result = run_in_process("import", str(notes), "--deck-id", "mine", "-o", str(tmp_path / "mine.yaml"))
    assert (result.returncode, result.stderr) == (0, "")
    assert body(tmp_path / "mine.yaml") == (
        "deck: mine\ntitle: notes\ncards:\n"
        f"  - id: {note_card_id('front one')}\n    front: front one\n    back: back one\n"
        f"  - id: {note_card_id('front two')}\n    front: front two\n    back: back two\n"
    )


def test_deck_id_with_a_package_of_several_decks_is_a_usage_error(samples, tmp_path):
    result = run_in_process("import", str(samples["new.apkg"]), "--deck-id", "mine", "-o", str(tmp_path / "out"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: --deck-id 'mine' names one deck, but {samples['new.apkg']} makes 3\n"
    assert not (tmp_path / "out").exists()


def test_damaged_deflate_data_is_a_clear_refusal(tmp_path):
    """Deflate data that zlib cannot read (not only a bad CRC) is refused as a damaged archive, not a bug."""
    path = _zip(tmp_path / "damaged.apkg", {"collection.anki21": b"SQLite format 3\0" + bytes(range(256)) * 64})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("collection.anki21")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8  # an invalid deflate block type from the first byte on
    path.write_bytes(bytes(data))
    result = run_in_process("import", str(path), "-o", str(tmp_path / "out"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(
        f"Error: the collection (collection.anki21) in {path} cannot be read: the zip archive is damaged or encrypted ("
    ), result.stderr
