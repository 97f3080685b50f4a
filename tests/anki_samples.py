"""Anki packages and text exports written by Anki's own backend (the `anki` package, test extra), for the
import tests: every stock note type, HTML, MathJax, a subdeck, an image, a sound, review history, a
suspended card, a renamed and translated stock type, and a note type of the user's own."""

from __future__ import annotations

from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"

# (note type, fields, deck, guid) — fixed GUIDs, so the card ids written are known.
NOTES = [
    ("Basic", ["What is <b>1&nbsp;+ 1</b>?", "2<br>two"], "Default", "g-basic"),
    ("Basic", ["Energy?", "<div>\\[E = mc^2\\]</div><div>costs $5</div>"], "Default", "g-math"),
    ("Basic (and reversed card)", ["dog", "Hund"], "Default", "g-rev"),
    ("Basic (optional reversed card)", ["cat", "Katze", "y"], "Default", "g-opt-yes"),
    ("Basic (optional reversed card)", ["cow", "Kuh", ""], "Default", "g-opt-no"),
    ("Basic (type in the answer)", ["Capital of France?", "Paris"], "Default", "g-typed"),
    (
        "Cloze",
        ["{{c1::Paris::city}} is in {{c2::France}} \\(x^2\\)", "extra <i>info</i>"],
        "Physics::Optics",
        "g-cloze",
    ),
    ("Basic", ['Look <img src="x.png">', "an image [sound:a.mp3]"], "Physics", "g-image"),
    ("Einfach (beide Richtungen)", ["Haus", "house"], "Default", "g-translated"),
    ("Vocab", ["Tisch", "table", "der"], "Default", "g-vocab"),
]


def build_collection(folder: Path):
    """A collection in `folder` holding NOTES, with answers and one suspended card; returns it open."""
    from anki.collection import Collection

    col = Collection(str(folder / "collection.anki2"))
    models = col.models
    models.copy(models.by_name("Basic (and reversed card)"))  # added as "… copy"
    translated = models.by_name("Basic (and reversed card) copy")
    translated["name"] = "Einfach (beide Richtungen)"
    models.rename_field(translated, translated["flds"][0], "Vorderseite")
    models.rename_field(translated, translated["flds"][1], "Rückseite")
    models.update_dict(translated)
    vocab = models.new("Vocab")
    for name in ("Word", "Meaning", "Gender"):
        models.add_field(vocab, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Gender}} {{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"
    models.add_template(vocab, template)
    models.add_dict(vocab)
    (folder / "x.png").write_bytes(PNG)
    col.media.add_file(str(folder / "x.png"))
    for notetype, fields, deck, guid in NOTES:
        note = col.new_note(models.by_name(notetype))
        for i, value in enumerate(fields):
            note.fields[i] = value
        note.guid = guid
        note.tags = ["t1", "geo::eu"] if notetype.startswith("Basic") else []
        col.add_note(note, col.decks.id(deck))
    cards = [col.get_card(cid) for cid in col.find_cards("", order="c.id")]
    col.sched.suspend_cards([cards[0].id])
    for card in cards[1:4]:
        card.start_timer()
        col.sched.answerCard(card, 3)
    return col


def write_samples(folder: Path) -> dict[str, Path]:
    """new.apkg (current format), legacy.apkg, full.colpkg, legacy.colpkg, notes.txt (text export)."""
    from anki.collection import Collection, ExportAnkiPackageOptions
    from anki.import_export_pb2 import ExportLimit

    paths = {name: folder / name for name in ("new.apkg", "legacy.apkg", "full.colpkg", "legacy.colpkg", "notes.txt")}
    col = build_collection(folder)
    try:
        for name, legacy in (("new.apkg", False), ("legacy.apkg", True)):
            options = ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy
            )
            col.export_anki_package(out_path=str(paths[name]), options=options, limit=None)
        col.export_note_csv(
            out_path=str(paths["notes.txt"]),
            limit=ExportLimit(whole_collection={}),
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
        col.export_collection_package(str(paths["full.colpkg"]), include_media=True, legacy=False)  # closes it
        col = Collection(str(folder / "collection.anki2"))
        col.export_collection_package(str(paths["legacy.colpkg"]), include_media=True, legacy=True)
    finally:
        if col.db is not None:
            col.close()
    return paths
