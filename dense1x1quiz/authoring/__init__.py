"""Writing decks: scaffold a new deck, import Markdown notes, export to Anki, CSV and Markdown.

Every writer goes through `draft.DeckDraft` (a deck as authored, not as studied) and
`deck_writer.write_deck`, whose YAML the strict loader reads back exactly.
"""
