"""Deterministic benchmark portfolios: ``generate(path, accounts, seed)``.

A fresh SQLite file is migrated to head (``db.make_engine`` + ``db.prepare``, so the programme
defaults and the 12 default criteria are there), then filled with SQLAlchemy Core bulk inserts
(``connection.execute(table.insert(), rows)``), one transaction per table, ids assigned here, rows
streamed in batches so that 10,000 accounts (about 2.6 M rows) never sit in memory at once.

Every account gets exactly the rows of ``PER_ACCOUNT`` (20 stakeholders, 12 criteria scored over
8 quarters, 5 objectives, 10 actions, a handshake with 3 joint objectives and 6 commitments, 15
engagements, 50 revenue lines ...); the handshake's history (stage events, quarterly reviews, KPI
readings) depends on its stage, which varies. Our side scales with the portfolio: one KAM per 40
accounts (at least 6), one executive per 60 (at least 7), 12 offers. The programme is a business case
as the demo's (``kam_core.demo.programme_case``): its start two years back, its targets, revenue
ambitions for the next three years of every active account Strategic by its target scores, next year's
budget line a little above them, some KAMs' own costs (``_revenue_ambition_rows``, ``_budget_line``).
Texts, sectors, countries and people come from the demo portfolio's vocabulary (``kam_core.demo.data``);
dates are relative to ``BENCH_TODAY`` (the tests' 2026-11-26), whatever the clock says.

Same (accounts, seed) -> same rows, byte for byte in every column (created_at/updated_at included).
``cached(accounts, seed)`` keeps one generated file per (size, seed, schema head) in
``bench/.cache`` and hands out copies.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, literal_column, select, update

from kam_core.common.text import fold_name
from kam_core.demo import data as demo
from kam_core.demo import programme_case
from kam_core.demo import seed as demo_seed
from kam_core.portfolio.segmentation import quadrant_of
from kam_core.programme.periods import period_of, shift_period
from kam_core.store import backups, db
from kam_core.store import models as m

BENCH_TODAY = date(2026, 11, 26)  # the tests' "today" (tests/conftest.py); KAM_TODAY must say the same
STAMP = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # created_at / updated_at of every row
QUARTERS = 8
CRITERIA = 12
BATCH = 20_000
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
START_YEAR = BENCH_TODAY.year - 2  # the programme's start, as the demo's
AMBITION_YEARS = 3  # revenue ambitions for BENCH_TODAY.year .. + 2

# Rows per account, exactly (the smoke test checks them).
PER_ACCOUNT = {
    "account": 1,
    "account_year": 3,
    "revenue_line": 50,
    "customer_unit": 3,
    "score": CRITERIA * QUARTERS,
    "account_plan": 1,
    "priority": 3,
    "value_proposition": 3,
    "swot_item": 4,
    "competitor": 2,
    "stakeholder": 20,
    "white_space_cell": 12,
    "objective": 5,
    "action": 10,
    "handshake": 1,
    "joint_objective": 3,
    "commitment": 6,
    "pairing": 2,
    "engagement": 15,
    "engagement_pairing": 15,
}
# Rows whose number follows each handshake's stage.
PER_HANDSHAKE_HISTORY = ("handshake_stage_event", "handshake_review", "kpi_reading")
WHITE_SPACE_OFFERS_PER_UNIT = PER_ACCOUNT["white_space_cell"] // PER_ACCOUNT["customer_unit"]


def kam_count(accounts: int) -> int:
    return max(6, round(accounts / 40))


def executive_count(accounts: int) -> int:
    return max(7, round(accounts / 60))


# --- vocabulary (the demo's, plus what 10,000 accounts need) -----------------------------------

OFFERS = [
    *demo.OFFERS.items(),
    ("powerquality", ("Power quality & harmonics services", "Field services")),
    ("epc", ("Energy performance contracts", "Energy management")),
]
OFFER_KEYS = [key for key, _ in OFFERS]

ORG_CHART = [
    *demo.ORG_CHART,
    ("fac", "Head of Facilities", "{unit1}", "coo", "influencer", 3),
    ("quality", "Quality Director", "Operations", "coo", "influencer", 2),
    ("projects", "Head of Capital Projects", "Engineering", "eng", "user", 3),
    ("buyer2", "Buyer, Indirect Categories", "Procurement", "cat", "buyer", 2),
    ("data", "Data & Analytics Lead", "IT", "cio", "user", 2),
]
SLOTS = {entry[0]: index for index, entry in enumerate(ORG_CHART)}
assert len(ORG_CHART) == PER_ACCOUNT["stakeholder"]

EXTRA_JOINT_OBJECTIVES = (
    ("Raise satisfaction with our service", "Customer satisfaction score", "pts", 6.5, 8.5),
    ("Cut energy cost per site", "Energy cost per site", "kEUR", 840, 700),
    ("Report energy savings every month", "Sites reporting savings monthly", "%", 20, 90),
)

ROOTS = [
    "Vel",
    "Kes",
    "Aer",
    "Lum",
    "Cir",
    "Alto",
    "Vol",
    "Iber",
    "Balt",
    "Hel",
    "Crest",
    "Quor",
    "Nord",
    "Pos",
    "Sant",
    "Alba",
    "Cor",
    "Wis",
    "Medi",
    "Orth",
    "Anim",
    "Polar",
    "Ter",
    "Mar",
    "Sol",
    "Bor",
    "Fen",
    "Gral",
    "Ost",
    "Zen",
    "Arc",
    "Dav",
    "Elm",
    "Fal",
    "Gar",
    "Hal",
    "Ivo",
    "Jor",
    "Kal",
    "Lor",
    "Mon",
    "Nex",
    "Oro",
    "Pra",
    "Rho",
    "Sil",
    "Tor",
    "Ul",
    "Var",
    "Wes",
]
ENDINGS = [
    "tara",
    "sler",
    "ivon",
    "enthis",
    "renta",
    "strata",
    "tera",
    "wind",
    "grid",
    "vane",
    "mont",
    "vant",
    "havn",
    "tavia",
    "éa",
    "mar",
    "ance",
    "elia",
    "alis",
    "byte",
    "ra",
    "ion",
    "ex",
    "ia",
    "ico",
    "ent",
    "is",
    "um",
    "ova",
    "ec",
]
SECTOR_WORDS = {
    "auto": ["Motors", "Automotive", "Mobility"],
    "post": ["Post", "Parcels", "Logistics"],
    "aero": ["Aerostructures", "Aerospace", "Propulsion"],
    "health": ["Cliniques", "Health", "Hospitals"],
    "pharma": ["Pharma", "Biologics", "Therapeutics"],
    "medtech": ["Medical", "Imaging", "Surgical"],
    "animal": ["Vet Group", "Animal Health", "Veterinary"],
    "cloud": ["Data Centres", "Cloud", "Hosting"],
    "energy": ["Energy", "Renewables", "Grid"],
    "bank": ["Bank", "Banque", "Capital"],
    "insurance": ["Assurances", "Insurance", "Mutual"],
}
LEGAL_FORMS = {
    "FR": "SA",
    "LU": "SA",
    "BE": "NV",
    "NL": "BV",
    "DE": "AG",
    "CH": "AG",
    "IT": "SpA",
    "ES": "SA",
    "GB": "plc",
    "IE": "Ltd",
    "US": "Inc.",
    "SE": "AB",
    "DK": "A/S",
    "FI": "Oy",
    "PL": "S.A.",
    "LT": "UAB",
    "SG": "Pte Ltd",
}
OUR_REGIONS = [
    "France",
    "DACH",
    "Southern Europe",
    "UK, Ireland & Nordics",
    "Benelux & Central Europe",
    "Global accounts",
    "North America",
    "Asia Pacific",
]
EXECUTIVE_TITLES = [(title, function) for _, _, title, function, _ in demo.EXECUTIVES] + [
    ("SVP Key Accounts", "Sales"),
    ("VP Field Services", "Services"),
    ("VP Energy Management", "Business unit"),
    ("VP Industrial Automation", "Business unit"),
    ("Country President", "General management"),
]
QUADRANT_SHARES = (("strategic", 0.15), ("develop", 0.25), ("maintain", 0.25), ("opportunistic", 0.35))
STAGE_SHARES = {
    "strategic": (("draft", 10), ("internally_reviewed", 10), ("presented", 15), ("agreed", 25), ("in_review", 40)),
    "other": (("draft", 45), ("internally_reviewed", 25), ("presented", 15), ("agreed", 10), ("in_review", 5)),
}
ACCOUNT_NOTES = [
    "Framework agreement renewed every three years; next renewal in negotiation.",
    "Buys through a central procurement team; sites order on call-offs.",
    "Part of a group: coordinate with the group KAM before any offer.",
]


# --- helpers -----------------------------------------------------------------------------------


def _workday(day: date, forward: bool = True) -> date:
    step = timedelta(days=1 if forward else -1)
    while day.weekday() >= 5 or (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1):
        day += step
    return day


def _day(offset: int, forward: bool = True) -> date:
    return _workday(BENCH_TODAY + timedelta(days=offset), forward)


def _money(value: float, step: float = 1000.0) -> float:
    return float(round(value / step) * step)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _pick(rng: random.Random, shares) -> str:
    draw, total = rng.random() * sum(weight for _, weight in shares), 0.0
    for value, weight in shares:
        total += weight
        if draw < total:
            return value
    return shares[-1][0]


def _quadrant(attractiveness: float, strength: float) -> str:
    return quadrant_of(attractiveness, strength)


def _slug(text: str) -> str:
    return "".join(ch for ch in fold_name(text) if ch.isascii() and ch.isalnum())


def _rng(seed: int, name: str) -> random.Random:
    """One generator per table: a table's rows do not depend on the order the others are made in."""
    return random.Random(f"{seed}:{name}")


def _versioned(**values) -> dict:
    """A row of a versioned table: version, created_at and updated_at are added by ``_insert``, as SQL
    literals (bind processing of two datetimes per row would cost a third of the generation)."""
    return values


# --- the portfolio, before any row: one profile per account -------------------------------------


@dataclass
class _Account:
    id: int
    name: str
    short: str
    sector: str
    country: str
    kam: int  # index in the KAM list
    sponsor: int | None  # index in the executive list
    status: str
    target: tuple[float, float]  # (attractiveness, strength) this quarter
    spend: float  # EUR a year, last closed year
    sow: float
    growth: float
    margin: float
    parent_id: int | None
    group_name: str | None
    people: list[str] = field(default_factory=list)  # the 20 stakeholders' names, ORG_CHART order
    units: list[tuple[str, str]] = field(default_factory=list)  # the 3 customer units: (name, kind)
    stage: str = "draft"
    reached: dict[str, date] = field(default_factory=dict)
    reviews: list[date] = field(default_factory=list)
    review_base: int = 0  # id of its first review - 1
    competitors: list[str] = field(default_factory=list)
    priorities: list = field(default_factory=list)  # demo.Prio

    @property
    def quadrant(self) -> str:
        return _quadrant(*self.target)

    @property
    def revenue(self) -> float:
        return _money(self.spend * self.sow)


@dataclass
class _World:
    seed: int
    accounts: list[_Account]
    kams: list[tuple[str, str]]  # (name, email)
    executives: list[tuple[str, str, str]]  # (name, title, function)
    offer_ids: dict[str, int]
    criteria: list[tuple[int, str, str, float]]  # (id, axis, name, weight), active ones
    periods: list[str]  # oldest first; the last is the programme's current period


def _people_names(rng: random.Random, country: str, count: int) -> list[str]:
    firsts, lasts = demo.NAME_POOLS[demo.POOL_OF_COUNTRY[country]]
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        if name in seen:
            if len(seen) >= len(firsts) * len(lasts) - 1:
                name = f"{name} {len(names)}"
            else:
                continue
        seen.add(name)
        names.append(name)
    return names


def _team(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    pools = [demo.NAME_POOLS[key] for key in ("fr", "de", "it", "es", "en", "nl", "nordic", "pl")]
    names = []
    while len(names) < count:
        firsts, lasts = rng.choice(pools)
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        if name in taken:
            name = f"{name} ({len(names) + 1})"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _stage_history(rng: random.Random, stage: str) -> tuple[dict[str, date], list[date]]:
    """The date each stage was reached and the quarterly reviews held, as the demo dates them."""
    reached: dict[str, date] = {}
    reviews: list[date] = []
    if stage in ("agreed", "in_review"):
        days = rng.randint(20, 88) if stage == "agreed" else rng.randint(100, 520)
        reached["agreed"] = _day(-days, forward=False)
        if stage == "in_review":
            due = reached["agreed"] + timedelta(days=demo.REVIEW_EVERY_DAYS)
            while due < BENCH_TODAY:
                reviews.append(_workday(due, forward=False))
                due += timedelta(days=demo.REVIEW_EVERY_DAYS)
            reached["in_review"] = reviews[0]
        known = "agreed"
    else:
        reached[stage] = _day(-rng.randint(5, 150), forward=False)
        known = stage
    cursor = reached[known]
    for earlier in reversed(m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(known)]):
        cursor = _workday(cursor - timedelta(days=rng.randint(*demo.STAGE_GAPS[earlier])), forward=False)
        reached[earlier] = cursor
    return reached, reviews


def _plan_world(session_criteria, accounts: int, seed: int, offer_ids: dict[str, int]) -> _World:
    rng = _rng(seed, "portfolio")
    taken: set[str] = set()
    kam_names = _team(rng, kam_count(accounts), taken)
    kams = [(name, f"{_slug(name)}.{number}@ourcompany.example") for number, name in enumerate(kam_names, start=1)]
    executives = []
    for name in _team(rng, executive_count(accounts), taken):
        title, function = rng.choice(EXECUTIVE_TITLES)
        executives.append((name, title, function))

    sectors, countries = list(demo.SECTORS), list(demo.COUNTRIES)
    names: set[str] = set()
    heads: list[int] = []
    profiles: list[_Account] = []
    sponsor_cursor = 0
    for number in range(1, accounts + 1):
        sector, country = rng.choice(sectors), rng.choice(countries)
        while True:
            short = rng.choice(ROOTS) + rng.choice(ENDINGS)
            name = f"{short} {rng.choice(SECTOR_WORDS[sector])} {LEGAL_FORMS[country]}"
            if rng.random() < 0.15:  # a few carry their city, as CRMs name them
                name = f"{name} ({rng.choice(demo.COUNTRIES[country][1])})"
            if fold_name(name) not in names:
                names.add(fold_name(name))
                break
        quadrant = _pick(rng, QUADRANT_SHARES)
        high_a, high_s = quadrant in ("strategic", "develop"), quadrant in ("strategic", "maintain")
        target = (
            round(rng.uniform(5.8, 9.2) if high_a else rng.uniform(1.5, 4.2), 2),
            round(rng.uniform(5.8, 9.0) if high_s else rng.uniform(1.2, 4.2), 2),
        )
        draw = rng.random()
        status = "prospect" if draw < 0.05 else "archived" if draw < 0.08 else "active"
        spend = _clamp(math.exp(rng.gauss(2.3, 0.9)), 0.5, 300.0) * 1e6
        sow = 0.0 if status == "prospect" else rng.uniform(0.3, 0.6) if high_s else rng.uniform(0.04, 0.25)
        parent_id, group_name = None, None
        if heads and rng.random() < 0.08:
            parent_id = rng.choice(heads)
        elif rng.random() < 0.06:
            heads.append(number)
            group_name = f"{short} Group"
        sponsor = None
        wants_sponsor = {"strategic": 0.85, "develop": 0.3}.get(quadrant, 0.05)
        if status != "archived" and rng.random() < wants_sponsor:
            sponsor = sponsor_cursor % len(executives)
            sponsor_cursor += 1
        profile = _Account(
            id=number,
            name=name,
            short=short,
            sector=sector,
            country=country,
            kam=rng.randrange(len(kams)),
            sponsor=sponsor,
            status=status,
            target=target,
            spend=spend,
            sow=sow,
            growth=rng.uniform(-0.03, 0.2),
            margin=float(rng.randint(6, 30)),
            parent_id=parent_id,
            group_name=group_name,
        )
        profile.people = _people_names(rng, country, PER_ACCOUNT["stakeholder"])
        cities = rng.sample(demo.COUNTRIES[country][1], 2)
        templates = demo.SECTORS[sector].units
        chosen = [0, 1, rng.randrange(2, len(templates))]
        words = {"city1": cities[0], "city2": cities[1], "country": demo.COUNTRIES[country][0]}
        profile.units = [(templates[i][0].format(**words), templates[i][1]) for i in chosen]
        profile.stage = _pick(rng, STAGE_SHARES["strategic" if quadrant == "strategic" else "other"])
        profile.reached, profile.reviews = _stage_history(rng, profile.stage)
        profile.competitors = [name for name, _ in rng.sample(demo.COMPETITORS, PER_ACCOUNT["competitor"])]
        profile.priorities = rng.sample(demo.SECTORS[sector].priorities, PER_ACCOUNT["priority"])
        profiles.append(profile)
    review_base = 0
    for profile in profiles:
        profile.review_base = review_base
        review_base += len(profile.reviews)
    current = period_of(BENCH_TODAY)
    return _World(
        seed=seed,
        accounts=profiles,
        kams=kams,
        executives=executives,
        offer_ids=offer_ids,
        criteria=session_criteria,
        periods=[shift_period(current, k - QUARTERS + 1) for k in range(QUARTERS)],
    )


# --- ids of per-account rows: arithmetic, so that any table can point at any other ---------------


def _unit_id(account: _Account, k: int) -> int:
    return (account.id - 1) * PER_ACCOUNT["customer_unit"] + k + 1


def _person_id(account: _Account, slot: str) -> int:
    return (account.id - 1) * PER_ACCOUNT["stakeholder"] + SLOTS[slot] + 1


def _priority_id(account: _Account, k: int) -> int:
    return (account.id - 1) * PER_ACCOUNT["priority"] + k + 1


def _objective_id(account: _Account, k: int) -> int:
    return (account.id - 1) * PER_ACCOUNT["objective"] + k + 1


def _joint_objective_id(account: _Account, k: int) -> int:
    return (account.id - 1) * PER_ACCOUNT["joint_objective"] + k + 1


def _pairing_id(account: _Account, k: int) -> int:
    return (account.id - 1) * PER_ACCOUNT["pairing"] + k + 1


def _engagement_id(account: _Account, k: int) -> int:
    return (account.id - 1) * PER_ACCOUNT["engagement"] + k + 1


def _kam_name(world: _World, account: _Account) -> str:
    return world.kams[account.kam][0]


def _sponsor_name(world: _World, account: _Account) -> str | None:
    return world.executives[account.sponsor][0] if account.sponsor is not None else None


def _words(world: _World, account: _Account) -> dict:
    sector = demo.SECTORS[account.sector]
    return {
        "name": account.name,
        "short": account.short,
        "country": demo.COUNTRIES[account.country][0],
        "unit1": account.units[0][0],
        "unit2": account.units[1][0],
        "ops": sector.ops_title,
        "eng": sector.eng_title,
        "site": sector.site_title,
        "kam": _kam_name(world, account),
        "sponsor": _sponsor_name(world, account) or "the country manager",
    }


# --- rows, table by table ------------------------------------------------------------------------


def _kam_rows(world: _World) -> Iterator[dict]:
    """Every third KAM has their own yearly cost and share of time on the programme (the others take the
    programme's)."""
    rng = _rng(world.seed, "kam")
    for number, (name, email) in enumerate(world.kams, start=1):
        own = number % 3 == 0
        yield _versioned(
            id=number,
            name=name,
            email=email,
            region=rng.choice(OUR_REGIONS),
            active=True,
            yearly_cost=float(rng.choice((130_000, 165_000, 190_000))) if own else None,
            programme_share_pct=float(rng.choice((60, 90, 100))) if own else None,
        )


def _executive_rows(world: _World) -> Iterator[dict]:
    """Each executive's limit is about the number of accounts sponsored: a few are over it."""
    rng = _rng(world.seed, "executive")
    load = [0] * len(world.executives)
    for a in world.accounts:
        if a.sponsor is not None:
            load[a.sponsor] += 1
    for number, (name, title, function) in enumerate(world.executives, start=1):
        yield _versioned(
            id=number,
            name=name,
            title=title,
            function=function,
            email=f"{_slug(name)}.{number}@ourcompany.example",
            max_accounts=int(_clamp(load[number - 1] + rng.randint(-1, 3), 1, 20)),
            active=True,
        )


def _account_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "account")
    for a in world.accounts:
        yield _versioned(
            id=a.id,
            name=a.name,
            name_key=fold_name(a.name),
            crm_id=f"ACC-{a.id:06d}",
            parent_id=a.parent_id,
            group_name=a.group_name,
            sector=demo.SECTORS[a.sector].label,
            country=a.country,
            kam_id=a.kam + 1,
            sponsor_id=None if a.sponsor is None else a.sponsor + 1,
            status=a.status,
            potential_3y=_money(3 * a.spend * (1 + max(a.growth, 0.0)) ** 2, 100_000),
            margin_pct=a.margin,
            notes=rng.choice(ACCOUNT_NOTES) if rng.random() < 0.2 else None,
            programme_since=START_YEAR + 1 if _late_entrant(a) else None,
        )


def _account_year_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "account_year")
    number = 0
    for a in world.accounts:
        for back in (2, 1, 0):
            number += 1
            spend = a.spend / 1.04**back
            revenue = a.spend * a.sow / (1 + a.growth) ** back * (1 + rng.gauss(0, 0.02))
            yield _versioned(
                id=number,
                account_id=a.id,
                year=BENCH_TODAY.year - 1 - back,
                revenue=_money(_clamp(revenue, 0.0, 0.9 * spend)),
                category_spend=_money(spend, 10_000),
            )


def _in_programme(a: _Account) -> bool:
    """Active and Strategic by its scores this quarter: in the programme, with revenue ambitions."""
    return a.status == "active" and a.quadrant == "strategic"


def _late_entrant(a: _Account) -> bool:
    """One programme account in ten entered a year after the programme's start."""
    return _in_programme(a) and a.id % 10 == 3


def _ambition_amounts(a: _Account) -> list[tuple[int, float]]:
    """(year, revenue ambition) for the next three years: the last closed year's revenue grown 5 points
    above the account's own growth each year."""
    return [
        (BENCH_TODAY.year + k, _money(a.revenue * (1 + a.growth + 0.05) ** (k + 1), 10_000))
        for k in range(AMBITION_YEARS)
    ]


def _revenue_ambition_rows(world: _World) -> Iterator[dict]:
    number = 0
    for a in world.accounts:
        if _in_programme(a):
            for year, amount in _ambition_amounts(a):
                number += 1
                yield _versioned(id=number, account_id=a.id, year=year, amount=amount)


def _target_rows(world: _World) -> Iterator[dict]:
    """The demo's seven targets: the six ready-made ones and a custom one, baseline the year before the
    programme's start, target at its horizon's end."""
    values = {**programme_case.TARGET_VALUES, "strategic_revenue_share": (60.0, 65.0)}
    for position, metric in enumerate(m.TARGET_METRICS):
        yield _versioned(
            id=position + 1,
            metric=metric,
            name=demo.TARGET_NAMES[metric],
            unit=demo.TARGET_UNITS.get(metric, programme_case.SYMBOL_UNITS.get(metric, "")),
            baseline_value=values[metric][0],
            baseline_year=START_YEAR - 1,
            target_value=values[metric][1],
            target_year=START_YEAR - 1 + programme_case.HORIZON_YEARS,
            position=position,
        )


def _target_actual_rows(world: _World) -> Iterator[dict]:
    custom = m.TARGET_METRICS.index("custom") + 1
    for number, value in enumerate(programme_case.CUSTOM_ACTUALS, start=1):
        yield _versioned(id=number, target_id=custom, year=START_YEAR - 2 + number, value=value)


def _revenue_line_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "revenue_line")
    number = 0
    kinds = ["invoice"] * 30 + ["won"] * 10 + ["opportunity"] * 10
    assert len(kinds) == PER_ACCOUNT["revenue_line"]
    for a in world.accounts:
        yearly = max(a.spend * a.sow, 20_000.0)
        for kind in kinds:
            number += 1
            offer = demo.OFFERS.get(rng.choice(OFFER_KEYS), ("Service contract", ""))[0]
            if kind == "invoice":
                row = dict(
                    crm_id=f"INV-{number:08d}",
                    label=f"Invoice - {offer}",
                    amount=_money(yearly * rng.uniform(0.01, 0.05), 100),
                    line_date=_day(-rng.randint(5, 1060)),
                    probability_pct=None,
                )
            elif kind == "won":
                what = rng.choice(["site project", "extension", "framework", "pilot"])
                row = dict(
                    crm_id=f"OPP-{number:08d}",
                    label=f"Won - {offer}, {what}",
                    amount=_money(yearly * rng.uniform(0.03, 0.12)),
                    line_date=_day(-rng.randint(20, 1080)),
                    probability_pct=None,
                )
            else:
                what = rng.choice(["new site", "renewal", "retrofit programme"])
                row = dict(
                    crm_id=f"OPP-{number:08d}",
                    label=f"Opportunity - {offer}, {what}",
                    amount=_money(a.spend * rng.uniform(0.005, 0.03)),
                    line_date=_day(rng.randint(-60, 240)),
                    probability_pct=float(rng.choice([10, 20, 30, 40, 50, 60, 70, 80])),
                )
            yield _versioned(id=number, account_id=a.id, kind=kind, **row)


def _customer_unit_rows(world: _World) -> Iterator[dict]:
    for a in world.accounts:
        for k, (name, kind) in enumerate(a.units):
            yield _versioned(id=_unit_id(a, k), account_id=a.id, name=name, kind=kind)


def _score_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "score")
    number = 0
    by_axis = {axis: [c for c in world.criteria if c[1] == axis] for axis in m.AXES}
    for a in world.accounts:
        path = [a.target]
        for _ in range(QUARTERS - 1):  # older quarters drift away from today's position
            previous = path[-1]
            path.append(
                (_clamp(previous[0] + rng.gauss(0, 0.25), 1.0, 9.5), _clamp(previous[1] + rng.gauss(0, 0.25), 1.0, 9.5))
            )
        path.reverse()
        for axis_index, axis in enumerate(m.AXES):
            criteria = by_axis[axis]
            offsets = [rng.uniform(-1.0, 1.0) for _ in criteria]
            weight = sum(c[3] for c in criteria) or 1.0
            mean = sum(c[3] * o for c, o in zip(criteria, offsets)) / weight
            wording = [rng.randrange(2) for _ in criteria]
            for k, period in enumerate(world.periods):
                target = path[k][axis_index]
                for criterion, offset, words in zip(criteria, offsets, wording):
                    value = round(_clamp(target + offset - mean + rng.gauss(0, 0.2), 0.0, 10.0), 1)
                    band = 0 if value < 3.5 else 1 if value < 6.5 else 2
                    texts = demo.RATIONALES.get(criterion[2])
                    number += 1
                    yield _versioned(
                        id=number,
                        account_id=a.id,
                        criterion_id=criterion[0],
                        period=period,
                        value=value,
                        rationale=texts[band][words] if texts else demo.GENERIC_RATIONALES[band],
                    )


def _ambition(a: _Account) -> str:
    revenue_m = a.revenue / 1e6
    sow = round(100 * a.sow)
    return (
        f"By {BENCH_TODAY.year + 3}, be {a.short}'s reference partner for energy and operations: "
        f"{revenue_m * 1.35:.1f} M EUR a year (from {revenue_m:.1f} M EUR), share of wallet from {sow}% to "
        f"{min(sow + 12, 75)}%, starting with '{a.priorities[0].title}'."
    )


def _account_plan_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "account_plan")
    events = [spec.event for spec in demo.ACCOUNTS if spec.event]
    for a in world.accounts:
        sector, words = demo.SECTORS[a.sector], _words(world, a)
        yield _versioned(
            id=a.id,
            account_id=a.id,
            business=sector.business.format(**words),
            markets=sector.markets.format(**words),
            recent_events=rng.choice(events) if rng.random() < 0.5 else None,
            ambition=_ambition(a) if rng.random() < 0.8 else None,
        )


def _priority_rows(world: _World) -> Iterator[dict]:
    for a in world.accounts:
        for k, prio in enumerate(a.priorities):
            yield _versioned(
                id=_priority_id(a, k), account_id=a.id, rank=k + 1, title=prio.title, description=prio.description
            )


def _value_proposition_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "value_proposition")
    for a in world.accounts:
        for k, prio in enumerate(a.priorities):
            yield _versioned(
                id=_priority_id(a, k),
                priority_id=_priority_id(a, k),
                offer_id=world.offer_ids[prio.offer],
                what_we_bring=prio.what_we_bring,
                customer_value=prio.customer_value,
                value_amount=_money(a.spend * prio.value_share * rng.uniform(0.8, 1.2), 10_000),
            )


def _swot_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "swot_item")
    number = 0
    for a in world.accounts:
        position = "strong" if a.target[1] >= 5 else "weak"
        for kind in m.SWOT_KINDS:
            texts = [text for text, when in demo.SWOT_TEXTS[kind] if when in ("any", position)]
            number += 1
            text = rng.choice(texts).format(
                unit=a.units[0][0],
                competitor=a.competitors[0],
                priority=a.priorities[0].title,
                offer=demo.OFFERS[a.priorities[-1].offer][0],
                n=rng.randint(2, 9),
            )
            yield _versioned(id=number, account_id=a.id, kind=kind, text=text[:300], position=0)


def _competitor_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "competitor")
    strengths = dict(demo.COMPETITORS)
    number = 0
    for a in world.accounts:
        share = 100 * (1 - a.sow) * rng.uniform(0.35, 0.55)
        for name in a.competitors:
            number += 1
            yield _versioned(
                id=number, account_id=a.id, name=name, share_pct=float(round(share)), strengths=strengths[name]
            )
            share *= rng.uniform(0.4, 0.7)


ATTITUDES = ((-2, 5), (-1, 15), (0, 35), (1, 30), (2, 15))


def _stakeholder_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "stakeholder")
    for a in world.accounts:
        words = _words(world, a)
        domain = f"{_slug(a.short)}.example"
        for slot_index, (_slot, title, unit, reports_to, role, influence) in enumerate(ORG_CHART):
            name = a.people[slot_index]
            first, _, last = name.partition(" ")
            relationship = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
            person_id = (a.id - 1) * PER_ACCOUNT["stakeholder"] + slot_index + 1
            yield _versioned(
                id=person_id,
                account_id=a.id,
                crm_id=f"CON-{person_id:07d}",
                name=name,
                title=title.format(**words)[:120],
                unit=unit.format(**words)[:120],
                email=f"{_slug(first)[:1]}.{_slug(last)}.{slot_index}@{domain}",
                reports_to_id=_person_id(a, reports_to) if reports_to else None,
                role=role,
                influence=influence,
                attitude=_pick(rng, ATTITUDES),
                relationship=relationship,
                owner=words["kam"] if influence >= 4 else rng.choice(demo.OUR_TEAM),
                last_contact=_day(-rng.randint(3, 220), forward=False) if rng.random() < 0.9 else None,
            )


def _white_space_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "white_space_cell")
    number = 0
    for a in world.accounts:
        relevant = [k for k in OFFER_KEYS if k not in demo.SECTORS[a.sector].not_relevant]
        p_sold, p_competitor = min(0.7, a.sow * 1.3), 0.3 * (1 - a.sow)
        for k in range(PER_ACCOUNT["customer_unit"]):
            for offer in sorted(rng.sample(relevant, WHITE_SPACE_OFFERS_PER_UNIT)):
                number += 1
                draw = rng.random()
                status = (
                    "sold"
                    if draw < p_sold
                    else "competitor"
                    if draw < p_sold + p_competitor
                    else "not_relevant"
                    if draw < p_sold + p_competitor + 0.08
                    else "open"
                )
                value = None if status == "not_relevant" else _money(a.spend * rng.uniform(0.01, 0.06), 10_000)
                yield _versioned(
                    id=number,
                    account_id=a.id,
                    unit_id=_unit_id(a, k),
                    offer_id=world.offer_ids[offer],
                    status=status,
                    value=value,
                    competitor=rng.choice(a.competitors) if status == "competitor" else None,
                )


OBJECTIVE_KINDS_OF = {quadrant: [*kinds, "revenue"] for quadrant, kinds in demo.OBJECTIVE_ORDER.items()}


def _objective_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "objective")
    for a in world.accounts:
        revenue_m = a.revenue / 1e6
        for k, kind in enumerate(OBJECTIVE_KINDS_OF[a.quadrant]):
            if kind == "revenue" and k == 4:
                offer = demo.OFFERS[a.priorities[-1].offer][0]
                title, target = f"Win the {offer} framework at {a.short}", "Framework signed"
            elif kind == "revenue":
                goal = revenue_m * rng.uniform(1.05, 1.4)
                title = f"Grow yearly revenue with {a.short} from {revenue_m:.1f} to {goal:.1f} M EUR"
                target = f"{goal:.1f} M EUR a year"
            elif kind == "share_of_wallet":
                start = round(100 * a.sow)
                end = start + rng.randint(5, 15)
                title, target = f"Raise our share of wallet at {a.short} from {start}% to {end}%", f"{end}% of spend"
            elif kind == "relationship":
                title = f"Build a regular relationship with {a.short}'s {demo.SECTORS[a.sector].ops_title}"
                target = "Two executive meetings a year"
            else:
                title, target = f"Run a joint pilot on '{a.priorities[0].title}'", "Pilot results signed off"
            due = _day(rng.randint(-60, 640))
            status = (
                rng.choice(["achieved", "missed"])
                if due < BENCH_TODAY
                else rng.choices(["on_track", "at_risk", "not_started"], weights=[5, 2, 2])[0]
            )
            owner = _sponsor_name(world, a) if kind == "relationship" and a.sponsor is not None else _kam_name(world, a)
            yield _versioned(
                id=_objective_id(a, k),
                account_id=a.id,
                kind=kind,
                title=title[:200],
                target=target,
                owner=owner,
                due_date=due,
                status=status,
            )


def _action_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "action")
    number = 0
    for a in world.accounts:
        words = {
            **_words(world, a),
            "offer": demo.OFFERS[a.priorities[0].offer][0],
            "unit": a.units[0][0],
            "competitor": a.competitors[0],
        }
        kinds = OBJECTIVE_KINDS_OF[a.quadrant]
        for k in range(PER_ACCOUNT["action"]):
            objective = k % PER_ACCOUNT["objective"]
            number += 1
            due = _day(rng.randint(-120, 150))
            draw = rng.random()
            if due < BENCH_TODAY:  # about four in ten past actions are still open: overdue
                status = (
                    "done" if draw < 0.55 else "cancelled" if draw < 0.6 else "open" if draw < 0.85 else "in_progress"
                )
            else:
                status = "open" if draw < 0.6 else "in_progress" if draw < 0.95 else "done"
            done_on = (
                min(BENCH_TODAY - timedelta(days=1), due + timedelta(days=rng.randint(-10, 5)))
                if status == "done"
                else None
            )
            title = rng.choice(demo.ACTION_TEXTS[kinds[objective]]).format(**words)
            yield _versioned(
                id=number,
                account_id=a.id,
                objective_id=_objective_id(a, objective) if draw < 0.8 or k < 5 else None,
                title=title[:200],
                owner=words["kam"] if k % 3 else rng.choice(demo.OUR_TEAM),
                due_date=due,
                status=status,
                done_on=done_on,
            )


def _handshake_rows(world: _World) -> Iterator[dict]:
    for a in world.accounts:
        agreed = a.stage in ("agreed", "in_review")
        next_review = None
        if agreed:
            last = a.reviews[-1] if a.reviews else a.reached["agreed"]
            next_review = _workday(last + timedelta(days=demo.REVIEW_EVERY_DAYS))
        yield _versioned(
            id=a.id,
            account_id=a.id,
            stage=a.stage,
            stage_since=a.reached[a.stage],
            vision=demo.SECTORS[a.sector].vision.format(short=a.short),
            signatory_id=_person_id(a, "coo") if agreed else None,
            sponsor_id=None if a.sponsor is None else a.sponsor + 1,
            kam_id=a.kam + 1,
            next_review_on=next_review,
        )


def _stage_event_rows(world: _World) -> Iterator[dict]:
    number = 0
    for a in world.accounts:
        words = {
            "kam": _kam_name(world, a),
            "sponsor": _sponsor_name(world, a) or "the country manager",
            "ceo": a.people[SLOTS["ceo"]],
            "signatory": a.people[SLOTS["coo"]],
        }
        for stage in m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(a.stage) + 1]:
            number += 1
            yield _versioned(
                id=number,
                handshake_id=a.id,
                stage=stage,
                reached_on=a.reached[stage],
                note=demo.STAGE_NOTES[stage].format(**words),
            )


def _joint_objectives(world: _World, a: _Account) -> list[tuple[str, str, str, float, float, date]]:
    """(title, kpi, unit, baseline, target, due) of the account's 3 joint objectives (same every call)."""
    rng = _rng(world.seed, f"joint_objective:{a.id}")
    pool = list(demo.SECTORS[a.sector].joint_objectives)
    pool += EXTRA_JOINT_OBJECTIVES[: max(0, PER_ACCOUNT["joint_objective"] - len(pool))]
    start = a.reached.get("agreed", a.reached[a.stage])
    result = []
    for title, kpi, unit, baseline, target in rng.sample(pool, PER_ACCOUNT["joint_objective"]):
        gap = target - baseline
        base = round(baseline + gap * rng.uniform(-0.2, 0.2), 1)
        goal = round(base + gap * rng.uniform(0.85, 1.15), 1)
        if unit == "%":
            base, goal = _clamp(base, 0.0, 100.0), _clamp(goal, 0.0, 100.0)
        if goal == base:
            base, goal = float(baseline), float(target)
        due = _workday(start + timedelta(days=rng.randint(540, 760)))
        result.append((title, kpi, unit, float(base), float(goal), due))
    return result


def _joint_objective_rows(world: _World) -> Iterator[dict]:
    for a in world.accounts:
        for k, (title, kpi, unit, base, goal, due) in enumerate(_joint_objectives(world, a)):
            yield _versioned(
                id=_joint_objective_id(a, k),
                handshake_id=a.id,
                title=title,
                kpi=kpi,
                unit=unit,
                baseline=base,
                target=goal,
                due_date=due,
            )


def _review_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "handshake_review")
    for a in world.accounts:
        for k, day in enumerate(a.reviews):
            yield _versioned(
                id=a.review_base + k + 1,
                handshake_id=a.id,
                review_date=day,
                notes=rng.choice(demo.REVIEW_NOTES).format(unit=a.units[0]),
                decisions=rng.choice(demo.REVIEW_DECISIONS),
                next_review_on=_workday(day + timedelta(days=demo.REVIEW_EVERY_DAYS)),
            )


def _kpi_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "kpi_reading")
    number = 0
    for a in world.accounts:
        if a.stage not in ("agreed", "in_review"):
            continue
        for k, (_title, _kpi, _unit, base, goal, _due) in enumerate(_joint_objectives(world, a)):
            number += 1
            yield _versioned(
                id=number,
                objective_id=_joint_objective_id(a, k),
                review_id=None,
                reading_date=a.reached["agreed"],
                value=base,
            )
            progress = 0.0
            for r, day in enumerate(a.reviews):
                progress = min(0.95, progress + rng.uniform(0.05, 0.25))
                number += 1
                yield _versioned(
                    id=number,
                    objective_id=_joint_objective_id(a, k),
                    review_id=a.review_base + r + 1,
                    reading_date=day,
                    value=round(base + (goal - base) * progress, 1),
                )


def _commitment_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "commitment")
    number = 0
    their_slots = ("coo", "cpo", "eng", "energy", "cio", "cfo")
    for a in world.accounts:
        start = a.reached.get("agreed", a.reached[a.stage])
        ours = rng.sample(demo.OUR_COMMITMENTS, 3)
        theirs = rng.sample(demo.THEIR_COMMITMENTS, 3)
        owners = {
            "kam": _kam_name(world, a),
            "sponsor": _sponsor_name(world, a) or _kam_name(world, a),
            "engineer": rng.choice(demo.OUR_TEAM),
        }
        for k in range(PER_ACCOUNT["commitment"]):
            number += 1
            side = "ours" if k < 3 else "theirs"
            if side == "ours":
                description, who = ours[k]
                owner = owners[who]
            else:
                description, owner = theirs[k - 3], a.people[SLOTS[rng.choice(their_slots)]]
            due = _workday(start + timedelta(days=rng.randint(20, 200)))
            draw = rng.random()
            if a.stage not in ("agreed", "in_review"):
                status, done_on = "open", None
            elif due < BENCH_TODAY:
                status = (
                    "done" if draw < 0.6 else "dropped" if draw < 0.65 else "open" if draw < 0.85 else "in_progress"
                )
                done_on = (
                    min(BENCH_TODAY - timedelta(days=1), due + timedelta(days=rng.randint(-10, 10)))
                    if status == "done"
                    else None
                )
            else:
                status, done_on = ("open" if draw < 0.6 else "in_progress"), None
            yield _versioned(
                id=number,
                handshake_id=a.id,
                objective_id=_joint_objective_id(a, rng.randrange(3)) if rng.random() < 0.5 else None,
                side=side,
                description=description,
                owner=owner,
                due_date=due,
                status=status,
                done_on=done_on,
            )


def _pairing_executives(world: _World, a: _Account) -> tuple[int, int]:
    """Our two executives paired at the account (ids): its sponsor (or one of ours) with the CEO, another
    with the COO."""
    count = len(world.executives)
    first = a.sponsor if a.sponsor is not None else (a.id * 7) % count
    return first + 1, (first + 1 + a.id % (count - 1)) % count + 1


def _pairing_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "pairing")
    for a in world.accounts:
        for k, (executive_id, slot) in enumerate(zip(_pairing_executives(world, a), ("ceo", "coo"))):
            yield _versioned(
                id=_pairing_id(a, k),
                executive_id=executive_id,
                stakeholder_id=_person_id(a, slot),
                cadence_days=rng.choice([90, 180]) if slot == "ceo" else rng.choice([30, 60, 90]),
                strength=rng.randint(1, 5),
            )


# 10 held, 1 cancelled in the last year; 4 planned in the next four months
ENGAGEMENT_PLAN = ["held"] * 10 + ["cancelled"] + ["planned"] * 4
assert len(ENGAGEMENT_PLAN) == PER_ACCOUNT["engagement"]


def _engagement_rows(world: _World) -> Iterator[dict]:
    rng = _rng(world.seed, "engagement")

    def pick(texts, customer: bool, words: dict) -> str:
        return rng.choice([text for text, when in texts if customer or when == "any"]).format(**words)

    for a in world.accounts:
        customer = a.status == "active"
        executives = [world.executives[i - 1] for i in _pairing_executives(world, a)]
        people = [
            (a.people[SLOTS[slot]], ORG_CHART[SLOTS[slot]][1].format(**_words(world, a))) for slot in ("ceo", "coo")
        ]
        kinds = demo.ENGAGEMENT_KINDS if customer else demo.PROSPECT_ENGAGEMENT_KINDS
        for k, status in enumerate(ENGAGEMENT_PLAN):
            pair = k % 2
            person, title = people[pair]
            words = {
                "cust": person,
                "priority": a.priorities[0].title,
                "site": a.units[k % 2][0],
                "offer": demo.OFFERS[a.priorities[-1].offer][0],
                "country": demo.COUNTRIES[a.country][0],
            }
            executive = executives[pair]
            attendees = (
                f"Ours: {executive[0]} ({executive[1]}), {_kam_name(world, a)} (KAM). Customer: {person} ({title})"
            )[:500]
            row = dict(
                kind=rng.choice(kinds), status=status, attendees=attendees, ask=None, outcome=None, next_step=None
            )
            if status == "planned":
                row.update(
                    on_date=_day(rng.randint(3, 120)),
                    objective=pick(demo.PLANNED_OBJECTIVES, customer, words),
                    ask=pick(demo.ASKS, customer, words),
                )
            else:
                row.update(
                    on_date=_day(-rng.randint(3, 365), forward=False),
                    objective=pick(demo.HELD_OBJECTIVES, customer, words),
                )
                if status == "held":
                    row.update(
                        outcome=pick(demo.OUTCOMES, customer, words), next_step=pick(demo.NEXT_STEPS, customer, words)
                    )
                else:
                    row.update(outcome=rng.choice(demo.CANCEL_REASONS).format(**words))
            row["objective"] = row["objective"][:300]
            yield _versioned(id=_engagement_id(a, k), account_id=a.id, **row)


def _engagement_pairing_rows(world: _World) -> Iterator[dict]:
    for a in world.accounts:
        for k in range(PER_ACCOUNT["engagement"]):
            yield {"engagement_id": _engagement_id(a, k), "pairing_id": _pairing_id(a, k % 2)}


TABLES = [  # in foreign-key order
    ("kam", _kam_rows),
    ("executive", _executive_rows),
    ("account", _account_rows),
    ("account_year", _account_year_rows),
    ("revenue_ambition", _revenue_ambition_rows),
    ("revenue_line", _revenue_line_rows),
    ("customer_unit", _customer_unit_rows),
    ("score", _score_rows),
    ("account_plan", _account_plan_rows),
    ("priority", _priority_rows),
    ("value_proposition", _value_proposition_rows),
    ("swot_item", _swot_rows),
    ("competitor", _competitor_rows),
    ("stakeholder", _stakeholder_rows),
    ("white_space_cell", _white_space_rows),
    ("objective", _objective_rows),
    ("action", _action_rows),
    ("handshake", _handshake_rows),
    ("handshake_stage_event", _stage_event_rows),
    ("joint_objective", _joint_objective_rows),
    ("handshake_review", _review_rows),
    ("kpi_reading", _kpi_rows),
    ("commitment", _commitment_rows),
    ("pairing", _pairing_rows),
    ("engagement", _engagement_rows),
    ("engagement_pairing", _engagement_pairing_rows),
    ("programme_target", _target_rows),
    ("target_actual", _target_actual_rows),
]


# --- writing -------------------------------------------------------------------------------------


def _fast_pragmas(dbapi_connection, _record) -> None:
    """Generation only: a lost file is regenerated, so durability is not needed while writing."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB of page cache: index inserts stay in memory
        cursor.execute("PRAGMA temp_store=MEMORY")
    finally:
        cursor.close()


def _insert(engine, table_name: str, rows: Iterable[dict]) -> int:
    """One transaction per table, executemany in batches of BATCH rows."""
    table = m.SQLModel.metadata.tables[table_name]
    statement = table.insert()
    if "version" in table.c:
        stamp = literal_column(f"'{STAMP.strftime('%Y-%m-%d %H:%M:%S.%f')}'")  # as SQLAlchemy stores datetimes
        statement = statement.values(version=literal_column("1"), created_at=stamp, updated_at=stamp)
    count = 0
    with engine.begin() as connection:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                connection.execute(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(statement, batch)
            count += len(batch)
    return count


def _reference_data(engine, accounts: int) -> tuple[dict[str, int], list[tuple[int, str, str, float]]]:
    """Offers (12), the criteria to score (the active ones, topped up to 12) and the programme's settings."""
    offers = m.SQLModel.metadata.tables["offer"]
    criteria = m.SQLModel.metadata.tables["criterion"]
    with engine.begin() as connection:
        connection.execute(
            offers.insert(),
            [
                dict(id=number, name=name, family=family, active=True, version=1, created_at=STAMP, updated_at=STAMP)
                for number, (_key, (name, family)) in enumerate(OFFERS, start=1)
            ],
        )
        active = connection.execute(
            select(criteria.c.id, criteria.c.axis, criteria.c.name, criteria.c.weight, criteria.c.position)
            .where(criteria.c.active)
            .order_by(criteria.c.axis, criteria.c.position, criteria.c.id)
        ).all()
        extra = 0
        while len(active) + extra < CRITERIA:  # a programme with fewer criteria: add unweighted ones
            extra += 1
            axis = m.AXES[extra % 2]
            connection.execute(
                criteria.insert(),
                [
                    dict(
                        version=1,
                        created_at=STAMP,
                        updated_at=STAMP,
                        axis=axis,
                        name=f"Benchmark criterion {extra}",
                        description=None,
                        weight=0.0,
                        position=100 + extra,
                        anchor_low="Low",
                        anchor_mid="Middle",
                        anchor_high="High",
                        active=True,
                    )
                ],
            )
        if extra:
            active = connection.execute(
                select(criteria.c.id, criteria.c.axis, criteria.c.name, criteria.c.weight, criteria.c.position)
                .where(criteria.c.active)
                .order_by(criteria.c.axis, criteria.c.position, criteria.c.id)
            ).all()
        active = active[:CRITERIA]
        strategic = round(QUADRANT_SHARES[0][1] * accounts)
        programme = m.SQLModel.metadata.tables["programme"]
        connection.execute(update(criteria).values(created_at=STAMP, updated_at=STAMP))  # installed "now"
        connection.execute(
            update(programme)
            .where(programme.c.id == 1)
            .values(
                created_at=STAMP,
                updated_at=STAMP,
                name=f"Benchmark programme ({accounts:,} accounts)",
                current_period=period_of(BENCH_TODAY),
                strategic_capacity=int(_clamp(strategic, 12, 500)),
                accounts_per_kam=int(_clamp(math.ceil(strategic / kam_count(accounts)) + 1, 1, 50)),
                # the business case, as the demo's: started two years ago, the company's dates ahead
                ambition=demo.PROGRAMME_AMBITION,
                final_ambition=demo.PROGRAMME_FINAL_AMBITION,
                start_year=START_YEAR,
                horizon_years=programme_case.HORIZON_YEARS,
                **programme_case.ROI_INPUTS,
                strategic_plan_on=_day(programme_case.STRATEGIC_PLAN_IN_DAYS),
                budget_on=_day(programme_case.BUDGET_IN_DAYS),
            )
        )
    offer_ids = {key: number for number, key in enumerate(OFFER_KEYS, start=1)}
    return offer_ids, [(row.id, row.axis, row.name, row.weight) for row in active]


def _budget_line(engine, world: _World) -> None:
    """Next year's key-account budget line, a little above the sum of the programme accounts' ambitions."""
    budget_year = BENCH_TODAY.year + 1
    planned = sum(
        amount
        for a in world.accounts
        if _in_programme(a)
        for year, amount in _ambition_amounts(a)
        if year == budget_year
    )
    programme = m.SQLModel.metadata.tables["programme"]
    with engine.begin() as connection:
        connection.execute(
            update(programme)
            .where(programme.c.id == 1)
            .values(
                updated_at=STAMP,
                budget_year=budget_year,
                budget_amount=_money(planned * programme_case.BUDGET_ABOVE_AMBITIONS, 100_000),
            )
        )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate(path: Path, accounts: int, seed: int = 7) -> dict[str, int]:
    """A fresh SQLite file at ``path``, migrated to head, holding ``accounts`` accounts; returns rows per
    table (every table of the schema). Overwrites ``path``."""
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    path = Path(path)
    _remove(path)
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        db.prepare(engine)
        event.listen(engine, "connect", _fast_pragmas)
        engine.dispose()  # new connections get the generation pragmas
        offer_ids, criteria = _reference_data(engine, accounts)
        world = _plan_world(criteria, accounts, seed, offer_ids)
        for name, rows in TABLES:
            _insert(engine, name, rows(world))
        _budget_line(engine, world)
        counts = table_counts(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return counts


def table_counts(engine) -> dict[str, int]:
    from sqlalchemy import func

    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in sorted(m.SQLModel.metadata.tables.items())
        }


def expected_counts(accounts: int) -> dict[str, int]:
    """Rows per table that depend on the portfolio's size only (not the handshakes' stages)."""
    counts = {name: per * accounts for name, per in PER_ACCOUNT.items()}
    counts.update(kam=kam_count(accounts), executive=executive_count(accounts), offer=len(OFFERS), programme=1)
    counts.update(programme_target=len(m.TARGET_METRICS), target_actual=len(programme_case.CUSTOM_ACTUALS))
    return counts


# --- cache ---------------------------------------------------------------------------------------


def _generator_digest() -> str:
    modules = (__file__, demo_seed.__file__, demo.__file__, programme_case.__file__)
    source = b"".join(Path(module).read_bytes() for module in modules)
    return hashlib.sha256(source).hexdigest()[:16]


def cache_path(accounts: int, seed: int = 7, cache_dir: Path = CACHE_DIR) -> Path:
    return Path(cache_dir) / f"{accounts}-{seed}-{db.head_revision()}.db"


def in_cache(accounts: int, seed: int = 7, cache_dir: Path = CACHE_DIR) -> tuple[Path, dict] | None:
    """The generated file for (accounts, seed, schema head) and its info, when the cache holds one made by
    this version of the generator; else None."""
    path = cache_path(accounts, seed, cache_dir)
    sidecar = path.with_suffix(".json")
    if path.exists() and sidecar.exists():
        info = json.loads(sidecar.read_text())
        if info.get("generator") == _generator_digest():
            return path, {**info, "cached": True}
    return None


def cached(accounts: int, seed: int = 7, cache_dir: Path = CACHE_DIR) -> tuple[Path, dict]:
    """The generated file for (accounts, seed, schema head), made when missing or made by another version of
    this generator; returns (path, info: counts, generate_s, cached)."""
    found = in_cache(accounts, seed, cache_dir)
    if found is not None:
        return found
    path = cache_path(accounts, seed, cache_dir)
    sidecar = path.with_suffix(".json")
    digest = _generator_digest()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    started = time.perf_counter()
    counts = generate(partial, accounts, seed)
    elapsed = time.perf_counter() - started
    _remove(path)
    partial.rename(path)
    _remove(partial)
    info = {
        "accounts": accounts,
        "seed": seed,
        "generator": digest,
        "generate_s": round(elapsed, 2),
        "counts": counts,
        "rows": sum(counts.values()),
    }
    sidecar.write_text(json.dumps(info, indent=1))
    return path, {**info, "cached": False}


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a generated file (plain file copy: generated files are checkpointed, no WAL beside them)."""
    _remove(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if Path(f"{source}-wal").exists():
        return backups.copy_sqlite(source, target)
    shutil.copyfile(source, target)
    return target


if __name__ == "__main__":  # python -m bench.generate 2000 [seed]
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    chosen_seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    where, details = cached(size, chosen_seed)
    print(
        where, "cached" if details["cached"] else f"generated in {details['generate_s']} s", f"{details['rows']:,} rows"
    )
