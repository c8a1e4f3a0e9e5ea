"""Default programme settings and scoring criteria, installed in every new database.

The criteria follow the classic key-account portfolio matrix: attractiveness of the
account to us (vertical axis) and our relative strength as the customer sees it
(horizontal axis). Weights on each axis sum to 100; each criterion carries an anchored
scale (what a 0-2, a 5 and an 8-10 mean) so that scores from different KAMs compare.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from kam_core.i18n import DEFAULT_LANGUAGE, programme_language, translate
from kam_core.programme.periods import period_of
from kam_core.store.models import Criterion, Programme

# current_period and name are not here: install_defaults computes the period from today, and the
# name comes from the catalog in the programme's language.
DEFAULT_PROGRAMME: dict = {
    "currency": "EUR",
    "attractiveness_threshold": 5.0,
    "strength_threshold": 5.0,
    "strategic_capacity": 12,  # a 30-account demo programme: the strategic list must stay short
    "accounts_per_kam": 4,
}

# (code, axis, position, weight): the texts of each criterion - name, description and its anchored
# scale (what a 0-2, a 5 and an 8-10 mean) - are the catalog's ``default.criterion.<code>.<field>``,
# in the language the programme is created in; once installed they are data, edited on the settings page.
_CRITERIA: tuple[tuple[str, str, int, int], ...] = (
    # --- attractiveness of the account to us, over a 3-year horizon (weights sum to 100)
    ("size", "attractiveness", 1, 25),
    ("growth", "attractiveness", 2, 15),
    ("profitability", "attractiveness", 3, 20),
    ("strategic_fit", "attractiveness", 4, 15),
    ("co_innovation", "attractiveness", 5, 10),
    ("access", "attractiveness", 6, 15),
    # --- our relative strength, as the customer sees it (weights sum to 100)
    ("share_of_wallet", "strength", 1, 25),
    ("relationship", "strength", 2, 20),
    ("offer_fit", "strength", 3, 20),
    ("competition", "strength", 4, 15),
    ("reputation", "strength", 5, 10),
    ("perceived_value", "strength", 6, 10),
)
_TEXTS = ("name", "description", "anchor_low", "anchor_mid", "anchor_high")


def default_criteria(language: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The default criteria, their texts in ``language``, in (axis, position) order."""
    return [
        {
            "axis": axis,
            "position": position,
            "weight": float(weight),
            **{field: translate(f"default.criterion.{code}.{field}", language) for field in _TEXTS},
        }
        for code, axis, position, weight in _CRITERIA
    ]


def default_criterion_code(axis: str, position: int) -> str | None:
    """Which default criterion sits at (axis, position): its code, whatever language it was named in."""
    return next((code for code, a, p, _ in _CRITERIA if (a, p) == (axis, position)), None)


def default_programme(language: str = DEFAULT_LANGUAGE) -> dict:
    return {**DEFAULT_PROGRAMME, "name": translate("default.programme.name", language)}


DEFAULT_CRITERIA: list[dict] = default_criteria(DEFAULT_LANGUAGE)


def defaults_missing(session: Session) -> bool:
    """Whether ``install_defaults`` has anything to insert (a read: no write lock needed to know)."""
    return session.get(Programme, 1) is None or session.exec(select(Criterion.id).limit(1)).first() is None


def install_defaults(session: Session, *, today: date, language: str | None = None) -> None:
    """Insert the programme row (id 1) and the default criteria when they are missing, named in
    ``language`` (by default the programme's language, ``KAM_LANGUAGE``: ``programme_language()``).

    Idempotent: an existing programme row is left untouched, and criteria are only
    installed when the criterion table is empty (so edited criteria are never duplicated).
    """
    language = language or programme_language()
    if session.get(Programme, 1) is None:
        session.add(Programme(id=1, current_period=period_of(today), **default_programme(language)))
    if session.exec(select(Criterion.id).limit(1)).first() is None:
        session.add_all(Criterion(**criterion) for criterion in default_criteria(language))
    session.flush()
