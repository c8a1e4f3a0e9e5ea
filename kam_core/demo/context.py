"""What the parts of the demo seed share (``kam_core.demo.seed``): small helpers (rounding,
dates, scores from figures) and ``_Seed``, the session, the random source and the rows created so far.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from kam_core.common.text import fold_name
from kam_core.demo.data import COUNTRIES, OFFERS, AccountSpec, Prio, Sector
from kam_core.store import models as m

_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"})


# --- helpers ---------------------------------------------------------------------------------


def _clamp(value, low, high):
    return max(low, min(high, value))


def _slug(text: str) -> str:
    folded = fold_name(text.translate(_ASCII))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def _email(name: str, domain: str) -> str:
    first, _, last = name.partition(" ")
    return f"{_slug(first)}.{_slug(last)}@{domain}"


def _workday(day: date, forward: bool = True) -> date:
    """Move a weekend day or a year-end holiday (24 Dec - 1 Jan) to the next (or previous) working day."""
    step = timedelta(days=1 if forward else -1)
    while day.weekday() >= 5 or (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1):
        day += step
    return day


def _country_label(iso: str) -> str:
    """The country's name without a leading article, for unit names such as 'Netherlands distribution centre'."""
    return COUNTRIES[iso][0].removeprefix("the ")


def _money(value: float, step: float = 1000.0) -> float:
    return float(round(value / step) * step)


def _round_like(value: float, reference: float) -> float:
    size = abs(reference)
    if size < 10:
        return round(value, 2)
    if size < 100:
        return round(value, 1)
    if size < 1000:
        return float(round(value))
    return float(round(value, -1))


def _kpi_round(value: float, unit: str, reference: float) -> float:
    from kam_core.demo import data_fr

    counted = unit == "count" or unit in data_fr.COUNTED_UNITS
    return float(round(value)) if counted else _round_like(value, reference)


def _quadrant(attractiveness: float, strength: float) -> str:
    if attractiveness >= 5:
        return "strategic" if strength >= 5 else "develop"
    return "maintain" if strength >= 5 else "opportunistic"


def _fmt_m(value_m: float) -> str:
    return f"{value_m:.1f}" if value_m < 10 else f"{value_m:.0f}"


def _size_score(spend_m: float) -> float:
    """Anchors: < 1 M EUR -> 0-2, 5 M EUR -> 5, > 20 M EUR -> 8-10."""
    if spend_m <= 20:
        score = 1.5 + 5 * math.log10(max(spend_m, 0.1))
    else:
        score = 8 + 1.5 * math.log10(spend_m / 20) / math.log10(5)
    return _clamp(score, 0.5, 9.8)


def _sow_score(sow: float) -> float:
    """Anchors: < 10% -> 0-2, 30% -> 5, > 50% -> 8-10."""
    score = 20 * sow if sow < 0.1 else 2 + 15 * (sow - 0.1)
    return _clamp(score, 0.0, 9.8)


def _margin_score(margin: float) -> float:
    """Anchors: < 10% -> 0-2, about 20% -> 5, > 30% -> 8-10."""
    return _clamp(5 + (margin - 20) * 0.3, 0.5, 9.8)


@dataclass
class _Seed:
    """Everything the parts of the seed share: the session, the random source, what was created."""

    session: Session
    rng: random.Random
    today: date
    criteria: list[m.Criterion]
    language: str = "en"  # the programme's: its French customers' texts are French in a French one
    specs: dict[str, AccountSpec] = field(default_factory=dict)
    kams: dict[str, m.Kam] = field(default_factory=dict)
    executives: dict[str, m.Executive] = field(default_factory=dict)
    offers: dict[str, m.Offer] = field(default_factory=dict)
    accounts: dict[str, m.Account] = field(default_factory=dict)
    spend_growth: dict[str, float] = field(default_factory=dict)
    revenue: dict[str, float] = field(default_factory=dict)  # last closed year, EUR
    # the revenue objective's target (EUR) and its due year, for an account planned to grow its revenue
    revenue_goals: dict[str, tuple[float, int]] = field(default_factory=dict)
    units: dict[str, list[m.CustomerUnit]] = field(default_factory=dict)
    priorities: dict[str, list[tuple[m.Priority, Prio]]] = field(default_factory=dict)
    competitors: dict[str, list[m.Competitor]] = field(default_factory=dict)
    objectives: dict[str, list[m.Objective]] = field(default_factory=dict)
    people: dict[str, dict[str, m.Stakeholder]] = field(default_factory=dict)  # account -> slot -> person
    pairings: list[_Pair] = field(default_factory=list)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def add(self, rows) -> None:
        self.session.add_all(rows)

    def flush(self) -> None:
        self.session.flush()

    def sector(self, key: str) -> Sector:
        """The account's sector, in French for a French customer of a French programme."""
        return texts_for(self, key).SECTORS[self.specs[key].sector]

    def offer_name(self, key: str) -> str:
        """An offer's name as the programme has it: French in a French programme."""
        from kam_core.demo import data_fr

        return data_fr.OFFER_NAMES[key][0] if self.language == "fr" else OFFERS[key][0]

    def kam_name(self, key: str) -> str:
        return self.kams[self.specs[key].kam].name

    def sponsor_name(self, key: str) -> str | None:
        sponsor = self.specs[key].sponsor
        return self.executives[sponsor].name if sponsor else None

    def unit_name(self, key: str) -> str:
        return self.rng.choice(self.units[key]).name

    def offer_keys(self, key: str) -> list[str]:
        return [k for k in OFFERS if k not in self.sector(key).not_relevant]


@dataclass
class _Pair:
    account: str
    pairing: m.Pairing
    executive: m.Executive
    person: m.Stakeholder
    pattern: str = "on_track"  # on_track, late (for its cadence) or never (met)


def texts_for(ctx: _Seed, key: str):
    """Where an account's texts come from: ``data_fr`` for a French customer (France, Luxembourg) in a
    programme created in French, else ``data``."""
    from kam_core.demo import data, data_fr

    french = ctx.language == "fr" and data.POOL_OF_COUNTRY.get(ctx.specs[key].country) == "fr"
    return data_fr if french else data
