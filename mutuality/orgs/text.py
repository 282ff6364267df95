"""Folding text for search, so that "tomas" finds "Tomás" and "helene" finds "Hélène".

Databases disagree on case and accents (SQLite's LIKE folds ASCII letters only), so names
are folded here, in Python, into a column that searches compare with plain `contains`.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` for comparison: compatibility-decomposed (NFKD), without marks, case folded.

    "Tomás Herrera" → "tomas herrera", "Straße" → "strasse", "ﬁne" → "fine". A query folded
    the same way is found in a folded name wherever the name reads the same to a person who
    types without accents.
    """
    # Decomposing first, then folding case: decomposing can make capitals ("𝕊" → "S").
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
