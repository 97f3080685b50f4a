"""Everything that draws on the terminal, and the only package that imports rich.

One module per screen family: `console` (consoles and safe text), `decks` (quiz decks / validate),
and one module for each of study, stats, demo and exam screens.
"""
