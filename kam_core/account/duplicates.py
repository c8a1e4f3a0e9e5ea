"""Likely duplicates: two accounts that may be one customer (typical after a CRM import, "ACME
Corp" and "Acme Corporation"), found by their names; ``kam_core.account.merge`` merges them.

Finding them: ``likely_duplicates`` compares the accounts' *core names* (``core_name``: folded
for case and accents, punctuation, legal forms such as Corp, GmbH or SAS and a few filler words
set aside) and lists the pairs that look alike, most similar first (then by name):

| reason         | when                                                                            |
| -------------- | ------------------------------------------------------------------------------- |
| same_core_name | the core names are equal (similarity 1.0)                                       |
| similar_name   | difflib's ratio of the core names reaches ``minimum`` (0.82 by default)         |
| same_group     | same parent account, or same group name (folded); such a pair is listed from    |
|                | ``minimum - 0.1``                                                               |

Archived accounts are left out. Never all pairs are compared, so that 10,000 accounts take well
under two seconds: only core names sharing the first or the last four letters of a word, and,
among the names sharing them, only the ``WINDOW`` nearest in alphabetical order (of the reversed
names, for a word's end); difflib's cheap upper bound (quick_ratio) is computed for all of them
at once, the ratio itself only where the bound reaches the threshold, and the search stops once
``limit`` pairs are found that no remaining candidate can beat. A duplicate whose every word
differs at both ends (or is one among many alike) can be missed.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from kam_core.common.text import fold_name
from kam_core.store.models import Account

# --- likely duplicates ----------------------------------------------------------------------------

DEFAULT_MINIMUM = 0.82
SAME_GROUP_SLACK = 0.1
KEY_LENGTH = 4  # candidate pairs share the first or the last KEY_LENGTH letters of a word
WINDOW = 25  # ... and are among the WINDOW nearest names sharing it
# candidate pairs bounded at once (their temporary arrays stay in the CPU caches: 330 -> 290 ms at 10,000 accounts)
CHUNK = 50_000

# Legal forms and filler words set aside by core_name.
IGNORED_WORDS = frozenset(
    [
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "co",
        "cie",
        "company",
        "companies",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "pte",
        "pty",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "se",
        "sca",
        "scs",
        "snc",
        "gmbh",
        "ag",
        "kg",
        "kgaa",
        "mbh",
        "ohg",
        "ev",
        "nv",
        "bv",
        "vof",
        "spa",
        "srl",
        "sl",
        "slu",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "group",
        "groupe",
        "gruppe",
        "grupo",
        "groep",
        "holding",
        "holdings",
        "the",
        "et",
        "and",
        "of",
        "und",
    ]
)
_NON_WORD = re.compile(r"[\W_]+")
_JOINERS = re.compile(r"[.'’]")
_ALPHABET = {character: index for index, character in enumerate("abcdefghijklmnopqrstuvwxyz0123456789 ")}
_BUCKET_OF_POINT = np.full(max(map(ord, _ALPHABET)) + 2, len(_ALPHABET), dtype=np.int64)  # code point -> bucket
_BUCKET_OF_POINT[[ord(character) for character in _ALPHABET]] = list(_ALPHABET.values())


@dataclass(frozen=True)
class DuplicatePair:
    first_id: int
    first_name: str
    second_id: int
    second_name: str
    similarity: float  # 0..1, the ratio of the core names (1.0 when equal)
    reasons: tuple[str, ...]  # among "same_core_name", "similar_name", "same_group"


@dataclass(frozen=True)
class NamedAccount:
    """What the duplicate search needs of an account."""

    id: int
    name: str
    parent_id: int | None = None
    group_name: str | None = None
    folded: str | None = None  # the name folded (``Account.name_key``), when the store has it at hand


def core_name(name: str) -> str:
    """The name without case, accents, punctuation, legal forms and filler words:
    "ACME Corp." and "Acmé Corporation" -> "acme". Dots and apostrophes join ("S.p.A." is "spa");
    a name made only of such words keeps them."""
    return _core_of_folded(fold_name(name))


def _core_of_folded(folded: str) -> str:
    words = _NON_WORD.sub(" ", _JOINERS.sub("", folded)).split()
    kept = [word for word in words if word not in IGNORED_WORDS]
    return " ".join(kept or words)


def likely_duplicates(session: Session, minimum: float = DEFAULT_MINIMUM, limit: int = 100) -> list[DuplicatePair]:
    """Pairs of accounts (archived ones left out) that look like one customer, most similar first
    (see the module's table)."""
    rows = session.execute(  # name_key is fold_name(name), kept by every write: no folding 10,000 names again
        select(Account.id, Account.name, Account.parent_id, Account.group_name, Account.name_key).where(
            Account.status != "archived"
        )
    ).all()
    return find_duplicates([NamedAccount(*row) for row in rows], minimum=minimum, limit=limit)


def _keys(core: str) -> set[str]:
    """The blocking keys of a core name: the first and the last letters of each word (words of
    three letters or more, when there are some)."""
    words = core.split()
    words = [word for word in words if len(word) >= 3] or words
    return {"<" + word[:KEY_LENGTH] for word in words} | {">" + word[-KEY_LENGTH:] for word in words}


def _groups(account: NamedAccount, folded: dict[str, str]) -> frozenset:
    """("parent", id) and ("group", folded group name) markers: two accounts sharing one are of
    the same group. ``folded`` caches the folded group names."""
    markers = [("parent", account.parent_id)] if account.parent_id is not None else []
    if account.group_name:
        if account.group_name not in folded:
            folded[account.group_name] = fold_name(account.group_name)
        if folded[account.group_name]:
            markers.append(("group", folded[account.group_name]))
    return frozenset(markers)


def _candidate_pairs(cores: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j, indexes in ``cores``) of core names sharing a blocking key: within each key's
    block, each core name with its ``WINDOW`` next ones in alphabetical order (of the reversed
    names for a word's end), so that a key shared by thousands stays linear. A pair may repeat."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, core in enumerate(cores):  # cores are sorted: so is each block
        for key in _keys(core):
            blocks[key].append(index)
    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key.startswith(">"):
            members = sorted(members, key=lambda index: cores[index][::-1])
        indexes = np.asarray(members, dtype=np.int64)
        for step in range(1, min(WINDOW, len(members) - 1) + 1):
            firsts.append(indexes[:-step])
            seconds.append(indexes[step:])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    return np.minimum(first, second), np.maximum(first, second)


def _letter_counts(cores: list[str]) -> np.ndarray:
    """Per core name, how often each letter, digit, space or other character (one bucket) occurs;
    counted in bulk over the names' code points (a loop per character cost 60 ms at 10,000 accounts)."""
    buckets = len(_ALPHABET) + 1
    if not cores:
        return np.zeros((0, buckets), dtype=np.int16)
    points = np.frombuffer("".join(cores).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = _BUCKET_OF_POINT[np.minimum(points, len(_BUCKET_OF_POINT) - 1)]  # past "z": the other bucket
    rows = np.repeat(np.arange(len(cores)), [len(core) for core in cores])
    flat = np.bincount(rows * buckets + codes, minlength=len(cores) * buckets)
    return flat.reshape(len(cores), buckets).astype(np.int16)


@dataclass(frozen=True)
class _Entry:
    account: NamedAccount
    folded: str  # the name folded, for the order of the pairs
    groups: frozenset  # ("parent", id) and ("group", folded name) markers


def _bounded_candidates(
    cores: list[str], grouped: np.ndarray, minimum: float, lowest: float
) -> tuple[list[int], list[int], list[float]]:
    """The candidate pairs (first, second, upper bound of their ratio) whose bound reaches their
    threshold (``lowest`` when both core names have group markers, else ``minimum``), each once,
    highest bound first. The bound is difflib's quick_ratio, computed in bulk."""
    firsts, seconds = _candidate_pairs(cores)
    counts = _letter_counts(cores)
    lengths = counts.sum(axis=1)
    kept_codes, kept_bounds = [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
    for start in range(0, len(firsts), CHUNK):  # in chunks: memory stays small
        first, second = firsts[start : start + CHUNK], seconds[start : start + CHUNK]
        common = np.minimum(counts[first], counts[second]).sum(axis=1)
        bound = 2.0 * common / np.maximum(lengths[first] + lengths[second], 1)
        kept = bound >= np.where(grouped[first] & grouped[second], lowest, minimum)
        kept_codes.append(first[kept] * len(cores) + second[kept])
        kept_bounds.append(bound[kept])
    codes, where = np.unique(np.concatenate(kept_codes), return_index=True)
    bounds = np.concatenate(kept_bounds)[where]
    order = np.argsort(-bounds, kind="stable")
    return (codes[order] // len(cores)).tolist(), (codes[order] % len(cores)).tolist(), bounds[order].tolist()


def find_duplicates(
    accounts: list[NamedAccount], minimum: float = DEFAULT_MINIMUM, limit: int = 100
) -> list[DuplicatePair]:
    """The duplicate search itself, on plain data (``likely_duplicates`` reads it from the store)."""
    if limit <= 0:
        return []
    by_core: dict[str, list[_Entry]] = defaultdict(list)
    group_names: dict[str, str] = {}
    for account in accounts:
        folded = account.folded or fold_name(account.name)
        by_core[_core_of_folded(folded)].append(_Entry(account, folded, _groups(account, group_names)))
    lowest = minimum - SAME_GROUP_SLACK
    found: list[tuple] = []
    best: list[float] = []  # the ``limit`` highest similarities listed so far (a heap, lowest first)

    def add(first: _Entry, second: _Entry, similarity: float, reason: str) -> None:
        same_group = bool(first.groups & second.groups)
        if similarity < minimum and not (same_group and similarity >= lowest):
            return
        if (second.folded, second.account.id) < (first.folded, first.account.id):
            first, second = second, first
        reasons = (reason, "same_group") if same_group else (reason,)
        found.append(
            (
                -similarity,
                first.folded,
                second.folded,
                first.account.id,
                second.account.id,
                DuplicatePair(
                    first.account.id,
                    first.account.name,
                    second.account.id,
                    second.account.name,
                    round(similarity, 4),
                    reasons,
                ),
            )
        )
        heapq.heappush(best, similarity)
        if len(best) > limit:
            heapq.heappop(best)

    for entries in by_core.values():
        for position, first in enumerate(entries):
            for second in entries[position + 1 :]:
                add(first, second, 1.0, "same_core_name")

    cores = sorted(by_core)
    if len(cores) > 1:
        groups = [frozenset().union(*(entry.groups for entry in by_core[core])) for core in cores]
        grouped = np.array([bool(markers) for markers in groups])
        matcher = difflib.SequenceMatcher(autojunk=False)
        current = None
        for first, second, upper in zip(*_bounded_candidates(cores, grouped, minimum, lowest)):
            if len(best) == limit and upper < best[0]:
                break  # the list is full, and no pair left can enter it
            threshold = lowest if groups[first] & groups[second] else minimum
            if upper < threshold:
                continue
            if first != current:  # difflib caches its second sequence
                matcher.set_seq2(cores[first])
                current = first
            matcher.set_seq1(cores[second])
            similarity = matcher.ratio()
            if similarity >= threshold:
                for one in by_core[cores[first]]:
                    for other in by_core[cores[second]]:
                        add(one, other, similarity, "similar_name")

    found.sort(key=lambda row: row[:5])
    return [row[-1] for row in found[:limit]]
