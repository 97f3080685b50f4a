"""dense1x1quiz: flashcards and live demos on dense layers vs 1×1 convolutions."""

__version__ = "0.1.0"
