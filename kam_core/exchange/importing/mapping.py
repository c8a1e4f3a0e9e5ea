"""Proposing and checking the mapping, the import's second step.

``propose_mapping(headers, kind)`` proposes which column feeds which target field, from the
synonym table of ``kam_core.exchange.import_synonyms``; the caller may edit it
(``load_mapping`` reads and checks one given as JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from kam_core.exchange.import_synonyms import SYNONYMS, fold_header
from kam_core.exchange.importing.files import _reason
from kam_core.exchange.importing.model import KINDS, REQUIRED, TARGETS, ImportFileError, RawTable


@cache
def _synonym_ranks(kind: str) -> dict[str, tuple[int, int, str]]:
    """folded header -> (rank among the target's variants, target position, target)."""
    ranks: dict[str, tuple[int, int, str]] = {}
    for position, (target, headers) in enumerate(SYNONYMS[kind].items()):
        for rank, header in enumerate(headers):
            key = fold_header(header)
            if key and key not in ranks:
                ranks[key] = (rank, position, target)
    return ranks


def propose_mapping(headers: Sequence[str], kind: str) -> dict[str, str | None]:
    """target -> the header proposed for it (None when no header matches), every target of
    ``kind`` present. Best matches first; each header feeds one target at most."""
    _check_kind(kind)
    ranks = _synonym_ranks(kind)
    matches = []
    for index, header in enumerate(headers):
        if not header:
            continue
        found = ranks.get(fold_header(header))
        if found is not None:
            rank, position, target = found
            matches.append((rank, position, index, target, header))
    mapping: dict[str, str | None] = dict.fromkeys(TARGETS[kind])
    used: set[str] = set()
    for _rank, _position, _index, target, header in sorted(matches):
        if mapping[target] is None and header not in used:
            mapping[target] = header
            used.add(header)
    return mapping


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; one of {KINDS}")


def load_mapping(path_or_dict, kind: str | None = None, headers: Sequence[str] | None = None) -> dict:
    """A mapping {"target": "Header", ...} from a JSON file (path) or a dict, checked: targets of
    ``kind`` (of any kind when None), headers among ``headers`` when given; null or "" leaves a
    target unmapped. ImportFileError("bad_mapping", {targets, headers, reason}) otherwise (targets and
    headers: lists)."""
    if isinstance(path_or_dict, Mapping):
        raw = dict(path_or_dict)
    else:
        try:
            raw = json.loads(Path(path_or_dict).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ImportFileError("bad_mapping", {"targets": [], "headers": [], "reason": _reason(exc)}) from None
    if not isinstance(raw, dict) or not all(isinstance(key, str) for key in raw):
        raise ImportFileError("bad_mapping", {"targets": [], "headers": [], "reason": "not an object"})
    allowed = set(TARGETS[kind]) if kind is not None else {target for kind_ in KINDS for target in TARGETS[kind_]}
    bad_targets = [target for target in raw if target not in allowed]
    mapping = {
        target: (value.strip() if isinstance(value, str) and value.strip() else None) for target, value in raw.items()
    }
    bad_values = [str(value) for value in raw.values() if value is not None and not isinstance(value, str)]
    known = set(headers) if headers is not None else None
    bad_headers = bad_values + [
        value for value in mapping.values() if value is not None and known is not None and value not in known
    ]
    if bad_targets or bad_headers:
        raise ImportFileError("bad_mapping", {"targets": bad_targets, "headers": bad_headers, "reason": "unknown"})
    return mapping


def _checked_mapping(table: RawTable, kind: str, mapping: Mapping[str, str | None]) -> dict[str, int]:
    """target -> column index, for the targets mapped; ImportFileError when the mapping names a
    target or header that does not exist, or leaves a required group unmapped."""
    _check_kind(kind)
    clean = load_mapping({target: header for target, header in mapping.items()}, kind, table.headers)
    columns = {target: table.headers.index(header) for target, header in clean.items() if header is not None}
    missing = [group for group in REQUIRED[kind] if not any(target in columns for target in group)]
    if missing:
        raise ImportFileError(
            "missing_required",
            {"fields": ", ".join(" / ".join(group) for group in missing), "groups": [list(group) for group in missing]},
        )
    return columns


_ESTIMATED = {
    "actualrevenue": ("estrevenue", "estimatedrevenue"),
    "actualclosedate": ("estclosedate", "estimatedclosedate"),
}


def _fallbacks(table: RawTable, kind: str, columns: Mapping[str, int]) -> dict[str, int]:
    """target -> the column an empty cell is taken from: Dynamics' estimated revenue and close
    date, when the actual ones are mapped and the estimated ones are in the file and unmapped
    (an open deal has no actual figures)."""
    if kind != "revenue":
        return {}
    used = set(columns.values())
    fallbacks = {}
    for target in ("amount", "date"):
        index = columns.get(target)
        wanted = _ESTIMATED.get(fold_header(table.headers[index])) if index is not None else None
        if wanted:
            found = [
                other
                for other, header in enumerate(table.headers)
                if other not in used and fold_header(header) in wanted
            ]
            if found:
                fallbacks[target] = found[0]
    return fallbacks
