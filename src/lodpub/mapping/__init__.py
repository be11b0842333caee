"""Record -> quads. ``LetterMapper`` turns one ``Letter`` into its named graph and the shared
entities it needs; ``dataset`` builds the dataset description."""

from .iris import Iris
from .letter import LetterMapper, MappedLetter

__all__ = ["Iris", "LetterMapper", "MappedLetter"]
