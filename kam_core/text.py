"""Text folding shared by uniqueness rules and matching (names, imports)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold_name(name: str) -> str:
    """Fold a name for case- and accent-insensitive comparison: 'ACMÉ  Corp' -> 'acme corp'."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", without_accents.casefold()).strip()
