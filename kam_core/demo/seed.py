"""A deterministic demo portfolio: about 30 fictional key accounts, fully planned.

``seed_demo`` fills every table of ``kam_core.store.models`` from the data tables of
``kam_core.demo.data``, a ``random.Random(rng_seed)`` and dates computed from ``today``: the
same seed and the same day always give the same rows (only ``created_at``/``updated_at`` differ).

We are the supplier: a maker of energy-management and industrial equipment that also
sells digital and field services. Every company and person in the data is invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from kam_core.common.text import fold_name
from kam_core.demo import data, data_fr
from kam_core.demo.context import (
    _clamp,
    _country_label,
    _email,
    _fmt_m,
    _margin_score,
    _money,
    _quadrant,
    _Seed,
    _size_score,
    _slug,
    _sow_score,
    _workday,
    texts_for,
)
from kam_core.demo.data import (
    ACCOUNTS,
    COMPETITORS,
    COUNTRIES,
    EXECUTIVES,
    HANDSHAKES,
    INCOMPLETE_SCORES,
    KAMS,
    NAME_POOLS,
    NO_SUPPORTIVE_DECISION_MAKER,
    OBJECTIVE_ORDER,
    OFFERS,
    ORG_CHART,
    OUR_TEAM,
    POOL_OF_COUNTRY,
    SECTORS,
    AccountSpec,
)
from kam_core.demo.programme_case import seed_programme_case
from kam_core.demo.relationships import _engagements, _handshakes, _pairings
from kam_core.i18n import LANGUAGES, programme_language, translate
from kam_core.programme.defaults import default_criterion_code, install_defaults
from kam_core.programme.periods import period_of, shift_period
from kam_core.store import models as m


class SeedError(Exception):
    """The demo portfolio can only be loaded into a database without accounts."""


# --- the seed --------------------------------------------------------------------------------


def seed_demo(session: Session, *, today: date, rng_seed: int = 2021, language: str | None = None) -> dict[str, int]:
    """Load the demo portfolio into a database that holds no account yet; return rows per table.

    A database without its programme gets it in ``language`` (by default ``KAM_LANGUAGE``): its name
    and its scoring criteria in French or English. Deterministic: only ``random.Random(rng_seed)``
    and dates relative to ``today`` are used. The caller commits.
    """
    if session.exec(select(m.Account.id).limit(1)).first() is not None:
        raise SeedError("The database already holds accounts: the demo portfolio loads only into an empty one.")
    install_defaults(session, today=today, language=language)
    criteria = session.exec(
        select(m.Criterion).where(m.Criterion.active).order_by(m.Criterion.axis, m.Criterion.position, m.Criterion.id)
    ).all()
    ctx = _Seed(
        session=session,
        rng=random.Random(rng_seed),
        today=today,
        criteria=list(criteria),
        language=language or programme_language(),
    )
    ctx.specs = {spec.key: spec for spec in ACCOUNTS}

    _reference_data(ctx)
    _accounts(ctx)
    _account_years(ctx)
    _revenue_lines(ctx)
    _customer_units(ctx)
    _scores(ctx)
    _canvas(ctx)
    _objectives(ctx)
    ctx.flush()
    _value_propositions(ctx)
    _white_space(ctx)
    _actions(ctx)
    _buying_centre(ctx)
    _handshakes(ctx)
    _pairings(ctx)
    _engagements(ctx)
    ctx.flush()
    seed_programme_case(ctx)
    return _counts(session)


def _counts(session: Session) -> dict[str, int]:
    tables = [*m.EDITABLE_TABLES, m.EngagementPairing]
    return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in tables}


def _reference_data(ctx: _Seed) -> None:
    """Our KAMs, executives and offers; rows already there (same email or name) are reused, not duplicated."""
    kams = {k.email: k for k in ctx.session.exec(select(m.Kam)).all()}
    executives = {e.name: e for e in ctx.session.exec(select(m.Executive)).all()}
    offers = {o.name: o for o in ctx.session.exec(select(m.Offer)).all()}
    french = ctx.language == "fr"  # our side's titles, regions and offers are the programme's: French
    for key, name, region in KAMS:
        email = _email(name, "ourcompany.example")
        region = data_fr.KAM_REGIONS[key] if french else region
        ctx.kams[key] = kams.get(email) or m.Kam(name=name, email=email, region=region)
    for key, name, title, function, max_accounts in EXECUTIVES:
        title, function = data_fr.EXECUTIVE_TITLES[key] if french else (title, function)
        ctx.executives[key] = executives.get(name) or m.Executive(
            name=name,
            title=title,
            function=function,
            email=_email(name, "ourcompany.example"),
            max_accounts=max_accounts,
        )
    for key, (name, family) in OFFERS.items():
        name, family = data_fr.OFFER_NAMES[key] if french else (name, family)
        ctx.offers[key] = offers.get(name) or m.Offer(name=name, family=family)
    ctx.add([row for row in [*ctx.kams.values(), *ctx.executives.values(), *ctx.offers.values()] if row.id is None])
    ctx.flush()


def _accounts(ctx: _Seed) -> None:
    """Group parents first (their ids are needed by the children), then the rest."""
    for number, spec in enumerate(ACCOUNTS, start=1):
        growth = ctx.rng.uniform(0.02, 0.06)
        ctx.spend_growth[spec.key] = growth
        spend = spec.spend * 1e6
        ctx.accounts[spec.key] = m.Account(
            name=spec.name,
            name_key=fold_name(spec.name),
            crm_id=f"ACC-{number:05d}",
            group_name=spec.group,
            sector=data_fr.SECTOR_LABELS[spec.sector] if ctx.language == "fr" else SECTORS[spec.sector].label,
            country=spec.country,
            kam_id=ctx.kams[spec.kam].id,
            sponsor_id=ctx.executives[spec.sponsor].id if spec.sponsor else None,
            status=spec.status,
            potential_3y=_money(3 * spend * (1 + growth) ** 2, 100_000),
            margin_pct=float(spec.margin),
            notes=spec.notes,
        )
    ctx.add([ctx.accounts[spec.key] for spec in ACCOUNTS if spec.parent is None])
    ctx.flush()
    children = [spec for spec in ACCOUNTS if spec.parent is not None]
    for spec in children:
        ctx.accounts[spec.key].parent_id = ctx.accounts[spec.parent].id
    ctx.add([ctx.accounts[spec.key] for spec in children])
    ctx.flush()


def _account_years(ctx: _Seed) -> None:
    """The last three closed years: our revenue and the customer's spend in our categories."""
    rows = []
    for spec in ACCOUNTS:
        account = ctx.accounts[spec.key]
        for back in (2, 1, 0):
            spend = spec.spend * 1e6 / (1 + ctx.spend_growth[spec.key]) ** back
            revenue = spec.spend * 1e6 * spec.sow / (1 + spec.growth) ** back * (1 + ctx.rng.gauss(0, 0.02))
            if spec.status == "prospect" and back > 0:
                revenue = 0.0
            revenue = _money(min(revenue, 0.9 * spend))
            if back == 0:
                ctx.revenue[spec.key] = revenue
            rows.append(
                m.AccountYear(
                    account_id=account.id,
                    year=ctx.today.year - 1 - back,
                    revenue=revenue,
                    category_spend=_money(spend, 10_000),
                )
            )
    ctx.add(rows)


def _revenue_lines(ctx: _Seed) -> None:
    """A handful of CRM lines per account: invoices, won deals, open opportunities."""
    rng = ctx.rng
    opp_number, invoice_number = 120, 4500
    rows = []
    for spec in ACCOUNTS:
        account_id = ctx.accounts[spec.key].id
        revenue, spend = ctx.revenue[spec.key], spec.spend * 1e6
        offers = ctx.offer_keys(spec.key)
        words = _texts(ctx, spec)
        archived = spec.status == "archived"
        oldest, newest = (400, 700) if archived else (10, 700)
        if revenue > 0:
            for _ in range(rng.randint(2, 3)):
                invoice_number += rng.randint(3, 40)
                rows.append(
                    m.RevenueLine(
                        account_id=account_id,
                        crm_id=f"INV-{invoice_number:06d}",
                        kind="invoice",
                        label=words.REVENUE_LABELS["invoice"].format(offer=ctx.offer_name(rng.choice(offers))),
                        amount=_money(revenue * rng.uniform(0.03, 0.10)),
                        line_date=ctx.day(-rng.randint(oldest, newest)),
                    )
                )
            for _ in range(rng.randint(1, 2)):
                opp_number += rng.randint(5, 60)
                what = rng.choice(words.WON_WHATS)
                rows.append(
                    m.RevenueLine(
                        account_id=account_id,
                        crm_id=f"OPP-{opp_number:06d}",
                        kind="won",
                        label=words.REVENUE_LABELS["won"].format(offer=ctx.offer_name(rng.choice(offers)), what=what),
                        amount=_money(revenue * rng.uniform(0.08, 0.3)),
                        line_date=ctx.day(-rng.randint(oldest + 20, 720)),
                    )
                )
        if not archived:
            for _ in range(rng.randint(1, 2)):
                opp_number += rng.randint(5, 60)
                what = rng.choice(words.OPPORTUNITY_WHATS)
                rows.append(
                    m.RevenueLine(
                        account_id=account_id,
                        crm_id=f"OPP-{opp_number:06d}",
                        kind="opportunity",
                        label=words.REVENUE_LABELS["opportunity"].format(
                            offer=ctx.offer_name(rng.choice(offers)), what=what
                        ),
                        amount=_money(spend * rng.uniform(0.01, 0.05)),
                        line_date=ctx.day(-rng.randint(5, 120)),
                        probability_pct=float(rng.choice([20, 30, 40, 50, 60, 70, 80])),
                    )
                )
    ctx.add(rows)


def _customer_units(ctx: _Seed) -> None:
    """3-5 divisions, sites or countries per account, the first two always sites."""
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        city1, city2 = rng.sample(COUNTRIES[spec.country][1], 2)
        country = _country_label(spec.country)
        templates = ctx.sector(spec.key).units
        count = {"full": rng.randint(4, 5), "partial": rng.randint(3, 4), "thin": 3}[spec.depth]
        # keep the two sites (they name the site directors), then a random pick of the rest
        chosen = sorted([0, 1] + rng.sample(range(2, len(templates)), count - 2))
        units = [
            m.CustomerUnit(
                account_id=ctx.accounts[spec.key].id,
                kind=templates[i][1],
                name=templates[i][0].format(city1=city1, city2=city2, country=country),
            )
            for i in chosen
        ]
        ctx.units[spec.key] = units
        rows.extend(units)
    ctx.add(rows)


# --- portfolio scores ------------------------------------------------------------------------


def _score_path(rng: random.Random, spec: AccountSpec) -> list[tuple[float, float]]:
    """Target (attractiveness, strength) per quarter, oldest first; the last two come from the spec."""
    path: list[tuple[float, float] | None] = [None] * 5
    if spec.status == "archived":  # scored until two quarters ago
        anchor = 2
        path[2] = spec.cur
    else:
        anchor = 3
        path[4] = spec.cur
        path[3] = spec.prev or spec.cur
    for k in range(anchor - 1, -1, -1):
        path[k] = tuple(_clamp(v + rng.gauss(0, 0.3), 1.0, 9.5) for v in path[k + 1])
    return path


def _fixed_scores(ctx: _Seed, spec: AccountSpec) -> dict[int, tuple[float, str]]:
    """Criteria whose score follows from the account's figures, with a rationale quoting them."""
    spend = spec.spend * 1e6
    sow = ctx.revenue[spec.key] / spend
    french = _texts(ctx, spec) is data_fr
    fixed = {}
    for criterion in ctx.criteria:
        name = _english_name(criterion)
        if name == "Available spend (size)":
            fixed[criterion.id] = (
                round(_size_score(spec.spend), 1),
                data_fr.SIZE_RATIONALE.format(spend=_fmt_m_fr(spec.spend), units=len(ctx.units[spec.key]))
                if french
                else f"About {_fmt_m(spec.spend)} M EUR a year spent in our categories, "
                f"across {len(ctx.units[spec.key])} divisions and sites",
            )
        elif name == "Share of wallet":
            if french:
                text = data_fr.SHARE_RATIONALE.format(share=sow * 100) if sow >= 0.005 else data_fr.NO_REVENUE_RATIONALE
            else:
                text = (
                    f"Our revenue is about {sow * 100:.0f}% of its spend in our categories"
                    if sow >= 0.005
                    else "No revenue with us yet"
                )
            fixed[criterion.id] = (round(_sow_score(sow), 1), text)
        elif name == "Profitability & cost to serve":
            fixed[criterion.id] = (
                round(_margin_score(spec.margin), 1),
                data_fr.MARGIN_RATIONALE.format(margin=spec.margin)
                if french
                else f"Margin about {spec.margin:.0f}% once service and logistics are paid",
            )
    return fixed


def _english_name(criterion: m.Criterion) -> str:
    """A default criterion's English name, whichever language the programme named it in (the demo's
    texts are keyed by it); any other criterion's own name."""
    code = default_criterion_code(criterion.axis, criterion.position)
    if code is not None and any(
        criterion.name == translate(f"default.criterion.{code}.name", language) for language in LANGUAGES
    ):
        return translate(f"default.criterion.{code}.name", "en")
    return criterion.name


def _criterion_bias(spec: AccountSpec, name: str) -> float:
    """Nudge a few judgement criteria toward the facts of the account (sponsor, handshake, growth)."""
    if name == "Access to decision makers":
        return 1.5 if spec.sponsor else -1.0
    if name == "Openness to co-innovation":
        return 1.0 if HANDSHAKES.get(spec.key, ("",))[0] in ("agreed", "in_review") else 0.0
    if name == "Growth":
        return _clamp((spec.growth - 0.05) * 15, -2.0, 2.0)
    return 0.0


def _texts(ctx: _Seed, spec: AccountSpec):
    return texts_for(ctx, spec.key)


def _judgement_rationale(
    spec: AccountSpec, criterion: m.Criterion, value: float, wording: int, before: float | None, language=data
) -> str:
    band = 0 if value < 3.5 else 1 if value < 6.5 else 2
    texts = language.RATIONALES.get(_english_name(criterion))
    rationale = texts[band][wording] if texts else language.GENERIC_RATIONALES[band]
    if spec.status == "prospect":
        rationale = language.PROSPECT_RATIONALES.get(_english_name(criterion), rationale)
    if before is not None and abs(value - before) >= 1.0:
        if language is data_fr:
            rationale += data_fr.UP_SINCE_LAST_QUARTER if value > before else data_fr.DOWN_SINCE_LAST_QUARTER
        else:
            rationale += " (up since last quarter)" if value > before else " (down since last quarter)"
    return rationale


def _axis_scores(
    rng: random.Random,
    spec: AccountSpec,
    criteria: list[m.Criterion],
    fixed: dict[int, tuple[float, str]],
    targets: list[float],
    quarters: list[int],
    texts=data,
):
    """Yield (quarter, criterion, value, rationale) so that each quarter's weighted mean meets its target.

    Criteria quoting the account's figures keep their value; the judgement criteria share the rest,
    each with a lasting offset of its own (weighted offsets cancel out) and a little quarterly noise.
    """
    free = [c for c in criteria if c.id not in fixed]
    total_weight = sum(c.weight for c in criteria) or 1.0
    free_weight = sum(c.weight for c in free) or 1.0
    fixed_part = sum(c.weight * fixed[c.id][0] for c in criteria if c.id in fixed)
    offsets = {c.id: rng.uniform(-1.2, 1.2) + _criterion_bias(spec, _english_name(c)) for c in free}
    mean_offset = sum(c.weight * offsets[c.id] for c in free) / free_weight
    wording = {c.id: rng.randrange(2) for c in free}
    previous: dict[int, float] = {}
    for k in quarters:
        rest = (targets[k] * total_weight - fixed_part) / free_weight
        for criterion in criteria:
            if criterion.id in fixed:
                value, rationale = fixed[criterion.id]
            else:
                noise = rng.gauss(0, 0.2)
                value = round(_clamp(rest + offsets[criterion.id] - mean_offset + noise, 0.0, 10.0), 1)
                rationale = _judgement_rationale(
                    spec, criterion, value, wording[criterion.id], previous.get(criterion.id), texts
                )
                previous[criterion.id] = value
            yield k, criterion, value, rationale


def _scores(ctx: _Seed) -> None:
    """Five quarters of scores ending this quarter; the weighted means follow each account's path."""
    current = period_of(ctx.today)
    periods = [shift_period(current, k - 4) for k in range(5)]
    by_axis = {axis: [c for c in ctx.criteria if c.axis == axis] for axis in m.AXES}
    rows = []
    for spec in ACCOUNTS:
        quarters = {"prospect": [4], "archived": [0, 1, 2]}.get(spec.status, [0, 1, 2, 3, 4])
        unscored = INCOMPLETE_SCORES.get(spec.key, 0)
        skipped = {c.id for c in ctx.criteria[len(ctx.criteria) - unscored :]} if unscored else set()
        path = _score_path(ctx.rng, spec)
        fixed = _fixed_scores(ctx, spec)
        for axis_index, axis in enumerate(m.AXES):
            targets = [point[axis_index] if point else 0.0 for point in path]
            for k, criterion, value, rationale in _axis_scores(
                ctx.rng, spec, by_axis[axis], fixed, targets, quarters, _texts(ctx, spec)
            ):
                if k == 4 and criterion.id in skipped:
                    continue
                rows.append(
                    m.Score(
                        account_id=ctx.accounts[spec.key].id,
                        criterion_id=criterion.id,
                        period=periods[k],
                        value=float(value),
                        rationale=rationale,
                    )
                )
    ctx.add(rows)


# --- account strategy canvas -----------------------------------------------------------------


def _ambition(ctx: _Seed, spec: AccountSpec) -> str:
    revenue_m = ctx.revenue[spec.key] / 1e6
    sow = round(100 * ctx.revenue[spec.key] / (spec.spend * 1e6))
    posture = _quadrant(*spec.cur)
    texts = _texts(ctx, spec)
    amount = _fmt_m_fr if texts is data_fr else _fmt_m
    sow_goal = min(sow + 12, 75) if posture == "strategic" else sow + 15
    margin = spec.margin if posture == "maintain" else max(spec.margin, 12)
    return texts.AMBITIONS[posture].format(
        year=ctx.today.year + 3,
        short=spec.short,
        goal=amount(revenue_m * 1.35),
        revenue=amount(revenue_m),
        sow=sow,
        sow_goal=sow_goal,
        priority=ctx.priorities[spec.key][0][1].title,
        margin=f"{margin:.0f}",
    )


def _event(ctx: _Seed, spec: AccountSpec) -> str:
    texts = _texts(ctx, spec)
    return texts.ACCOUNT_EVENTS.get(spec.key, spec.event) if texts is data_fr else spec.event


def _canvas(ctx: _Seed) -> None:
    """Plan narrative, ranked priorities, competitors and SWOT, as filled as each account's depth says."""
    rng = ctx.rng
    rows = []
    for index, spec in enumerate(ACCOUNTS):
        key, depth = spec.key, spec.depth
        account_id = ctx.accounts[key].id
        sector = ctx.sector(key)
        names = {"name": spec.name, "short": spec.short, "country": COUNTRIES[spec.country][0]}

        count = {"full": min(len(sector.priorities), rng.randint(3, 4)), "partial": rng.randint(2, 3), "thin": 2}[depth]
        chosen = rng.sample(sector.priorities, count)
        ctx.priorities[key] = [
            (m.Priority(account_id=account_id, rank=rank, title=p.title, description=p.description), p)
            for rank, p in enumerate(chosen, start=1)
        ]
        rows.extend(priority for priority, _ in ctx.priorities[key])

        available = 100 * (1 - ctx.revenue[key] / (spec.spend * 1e6))
        share = available * rng.uniform(0.35, 0.55)
        competitors = []
        for name, strengths in rng.sample(
            COMPETITORS, {"full": rng.randint(2, 3), "partial": rng.randint(1, 2), "thin": 1}[depth]
        ):
            competitors.append(
                m.Competitor(
                    account_id=account_id,
                    name=name,
                    strengths=_texts(ctx, spec).COMPETITOR_STRENGTHS.get(name, strengths)
                    if _texts(ctx, spec) is data_fr
                    else strengths,
                    share_pct=None if depth == "thin" else float(round(share)),
                )
            )
            share *= rng.uniform(0.4, 0.7)
        ctx.competitors[key] = competitors
        rows.extend(competitors)

        with_events = depth == "full" or (depth == "partial" and index % 2 == 0)
        rows.append(
            m.AccountPlan(
                account_id=account_id,
                business=sector.business.format(**names),
                markets=None if depth == "thin" else sector.markets.format(**names),
                recent_events=(_event(ctx, spec) or None) if with_events else None,
                ambition=_ambition(ctx, spec) if depth == "full" else None,
            )
        )

        per_kind = {
            "full": {kind: rng.randint(2, 3) for kind in m.SWOT_KINDS},
            "partial": {"strength": rng.randint(1, 2), "weakness": rng.randint(1, 2), "opportunity": 1},
            "thin": {"strength": 1, "opportunity": 1},
        }[depth]
        position_word = "strong" if spec.cur[1] >= 5 else "weak"
        for kind, number in per_kind.items():
            texts = [text for text, when in _texts(ctx, spec).SWOT_TEXTS[kind] if when in ("any", position_word)]
            for position, text in enumerate(rng.sample(texts, number)):
                rows.append(
                    m.SwotItem(
                        account_id=account_id,
                        kind=kind,
                        position=position,
                        text=text.format(
                            unit=ctx.unit_name(key),
                            competitor=competitors[0].name,
                            priority=chosen[0].title,
                            offer=ctx.offer_name(chosen[-1].offer),
                            n=rng.randint(2, 9),
                        ),
                    )
                )
    ctx.add(rows)


def _objective_text(ctx: _Seed, spec: AccountSpec, kind: str) -> tuple[str, str]:
    rng = ctx.rng
    revenue_m = ctx.revenue[spec.key] / 1e6
    texts = _texts(ctx, spec)
    amount = _fmt_m_fr if texts is data_fr else _fmt_m
    words: dict[str, object] = {"short": spec.short}
    if kind == "revenue":
        if revenue_m < 0.5:
            kind, words["first"] = "first_order", amount(spec.spend * rng.uniform(0.02, 0.05))
        else:
            quadrant = _quadrant(*spec.cur)
            growth = rng.uniform(0.15, 0.4) if quadrant in ("strategic", "develop") else rng.uniform(0.02, 0.08)
            words |= {"revenue": amount(revenue_m), "target": amount(revenue_m * (1 + growth))}
            # the target as the objective reads it (its due year is set by _objectives)
            ctx.revenue_goals[spec.key] = (float(_fmt_m(revenue_m * (1 + growth))) * 1e6, 0)
    elif kind == "share_of_wallet":
        start = round(100 * ctx.revenue[spec.key] / (spec.spend * 1e6))
        words |= {"start": start, "end": start + rng.randint(5, 15)}
    elif kind == "relationship":
        words["ops"] = ctx.sector(spec.key).ops_title
    else:
        words["priority"] = ctx.priorities[spec.key][0][1].title
    title, target = texts.OBJECTIVE_TEXTS[kind]
    return title.format(**words), target.format(**words)


def _fmt_m_fr(value_m: float) -> str:
    """An amount in M EUR written the French way ("4,5")."""
    return _fmt_m(value_m).replace(".", ",")


def _objectives(ctx: _Seed) -> None:
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        ctx.objectives[spec.key] = []
        if spec.depth == "thin":
            continue
        count = rng.randint(3, 4) if spec.depth == "full" else 2
        for kind in OBJECTIVE_ORDER[_quadrant(*spec.cur)][:count]:
            title, target = _objective_text(ctx, spec, kind)
            due = _workday(ctx.day(rng.randint(-45, 640)))
            if due < ctx.today:
                status = rng.choice(["achieved", "missed"])
            else:
                status = rng.choices(["on_track", "at_risk", "not_started"], weights=[5, 2, 2])[0]
            owner = (
                (ctx.sponsor_name(spec.key) or ctx.kam_name(spec.key))
                if kind == "relationship"
                else ctx.kam_name(spec.key)
            )
            objective = m.Objective(
                account_id=ctx.accounts[spec.key].id,
                kind=kind,
                title=title,
                target=target,
                owner=owner,
                due_date=due,
                status=status,
            )
            ctx.objectives[spec.key].append(objective)
            rows.append(objective)
            if kind == "revenue" and spec.key in ctx.revenue_goals:
                ctx.revenue_goals[spec.key] = (ctx.revenue_goals[spec.key][0], due.year)
    ctx.add(rows)


def _value_propositions(ctx: _Seed) -> None:
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        priorities = ctx.priorities[spec.key]
        count = {"full": len(priorities), "partial": rng.randint(1, 2), "thin": 0}[spec.depth]
        for priority, prio in priorities[:count]:
            rows.append(
                m.ValueProposition(
                    priority_id=priority.id,
                    offer_id=ctx.offers[prio.offer].id,
                    what_we_bring=prio.what_we_bring,
                    customer_value=prio.customer_value,
                    value_amount=_money(spec.spend * 1e6 * prio.value_share * rng.uniform(0.8, 1.2), 10_000),
                )
            )
    ctx.add(rows)


def _white_space(ctx: _Seed) -> None:
    """Offers x customer units: sold, open, held by a competitor, or not relevant.

    Sold cells share our revenue, competitor cells share the competitors' part of the spend,
    open cells carry an opportunity value.
    """
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        key = spec.key
        revenue, spend = ctx.revenue[key], spec.spend * 1e6
        sow = revenue / spend
        coverage = {"full": 0.65, "partial": 0.5, "thin": 0.35}[spec.depth]
        p_sold, p_competitor, p_not_relevant = min(0.7, sow * 1.3), 0.3 * (1 - sow), 0.08
        cells = []
        for unit in ctx.units[key]:
            for offer_key, offer in ctx.offers.items():
                if rng.random() > coverage:
                    continue
                draw = rng.random()
                if offer_key in ctx.sector(key).not_relevant:
                    status = "not_relevant"
                elif draw < p_sold:
                    status = "sold"
                elif draw < p_sold + p_competitor:
                    status = "competitor"
                elif draw < p_sold + p_competitor + p_not_relevant:
                    status = "not_relevant"
                else:
                    status = "open"
                cells.append(
                    m.WhiteSpaceCell(account_id=ctx.accounts[key].id, unit_id=unit.id, offer_id=offer.id, status=status)
                )
        held_by_competitors = spend * sum(c.share_pct or 0 for c in ctx.competitors[key]) / 100 or spend * 0.3
        for status, total in (("sold", revenue), ("competitor", held_by_competitors)):
            group = [cell for cell in cells if cell.status == status]
            weights = [rng.uniform(0.5, 1.5) for _ in group]
            for cell, weight in zip(group, weights):
                cell.value = max(10_000.0, _money(total * weight / sum(weights), 10_000))
                if status == "competitor":
                    cell.competitor = rng.choice(ctx.competitors[key]).name
        for cell in cells:
            if cell.status == "open":
                cell.value = _money(spend * rng.uniform(0.01, 0.05), 10_000)
        rows.extend(cells)
    ctx.add(rows)


def _actions(ctx: _Seed) -> None:
    """3-8 actions per planned account, spread over its objectives; some overdue and still open."""
    rng = ctx.rng
    rows = []
    for spec in ACCOUNTS:
        objectives = ctx.objectives[spec.key]
        if not objectives:
            continue
        total = rng.randint(5, 8) if spec.depth == "full" else rng.randint(3, 4)
        used: set[str] = set()
        owners = [ctx.kam_name(spec.key)] * 3 + [rng.choice(OUR_TEAM)]
        for i in range(total):
            objective = objectives[i % len(objectives)]
            written = _texts(ctx, spec).ACTION_TEXTS[objective.kind]
            templates = [t for t in written if t not in used] or written
            template = rng.choice(templates)
            used.add(template)
            title = template.format(
                offer=ctx.offer_name(rng.choice(ctx.offer_keys(spec.key))),
                unit=ctx.unit_name(spec.key),
                competitor=ctx.competitors[spec.key][0].name,
                sponsor=ctx.sponsor_name(spec.key) or _texts(ctx, spec).OUR_SPONSOR,
                ops=ctx.sector(spec.key).ops_title,
            )
            due = _workday(ctx.day(rng.randint(-60, 120)))
            draw = rng.random()
            if due < ctx.today:
                status = (
                    "done" if draw < 0.6 else "cancelled" if draw < 0.7 else "open" if draw < 0.85 else "in_progress"
                )
                done_on = due - timedelta(days=rng.randint(0, 12)) if status == "done" else None
            else:
                status = "open" if draw < 0.55 else "in_progress" if draw < 0.92 else "done"
                done_on = ctx.day(-rng.randint(1, 10)) if status == "done" else None
            owner = rng.choice(owners)
            if objective.kind == "relationship":
                owner = rng.choice([ctx.kam_name(spec.key), ctx.sponsor_name(spec.key) or ctx.kam_name(spec.key)])
            rows.append(
                m.Action(
                    account_id=ctx.accounts[spec.key].id,
                    objective_id=objective.id,
                    title=title,
                    owner=owner,
                    due_date=due,
                    status=status,
                    done_on=done_on,
                )
            )
    ctx.add(rows)


# --- buying centre ---------------------------------------------------------------------------


def _buying_centre_size(rng: random.Random, spec: AccountSpec) -> int:
    if spec.depth == "thin":
        return 6
    if spec.status != "active":
        return rng.randint(6, 8)
    return {
        "strategic": rng.randint(11, 15),
        "develop": rng.randint(8, 11),
        "maintain": rng.randint(8, 10),
        "opportunistic": rng.randint(6, 8),
    }[_quadrant(*spec.cur)]


def _owner(ctx: _Seed, spec: AccountSpec, slot: str, engineer: str) -> str:
    if slot == "ceo":
        return ctx.sponsor_name(spec.key) or ctx.kam_name(spec.key)
    if slot in ("eng", "site1", "site2", "maint", "energy"):
        return engineer
    if slot in ("cio", "ot"):
        return "Aisha Mensah"
    return ctx.kam_name(spec.key)


def _title_of(title: str, first_name: str) -> str:
    """A French title in the feminine for a woman ("Directrice financière"), as it is for a man."""
    if first_name not in data_fr.WOMEN_FIRST_NAMES:
        return title
    for masculine, feminine in data_fr.FEMININE_TITLES:
        if title.startswith(masculine):
            return feminine + title[len(masculine) :]
    return title


def _buying_centre(ctx: _Seed) -> None:
    """6-15 stakeholders per account, as an org chart; inserted level by level for reports_to ids."""
    rng = ctx.rng
    levels: dict[int, list[tuple[str, str, str | None, m.Stakeholder]]] = {}
    contact_number = 1000
    signatories = {key for key, (stage, _) in HANDSHAKES.items() if stage in ("agreed", "in_review")}
    for spec in ACCOUNTS:
        key, sector = spec.key, ctx.sector(spec.key)
        strength = spec.cur[1]
        strategic = _quadrant(*spec.cur) == "strategic"
        red_flag = key in NO_SUPPORTIVE_DECISION_MAKER
        units = ctx.units[key]
        sites = [u for u in units if u.kind == "site"] or units
        unit1, unit2 = sites[0].name, (sites[1] if len(sites) > 1 else units[-1]).name
        words = {
            "ops": sector.ops_title,
            "eng": sector.eng_title,
            "site": sector.site_title,
            "unit1": unit1,
            "unit2": unit2,
        }
        firsts, lasts = NAME_POOLS[POOL_OF_COUNTRY[spec.country]]
        domain = f"{_slug(spec.short.split()[0])}.example"
        engineer = rng.choice(OUR_TEAM)
        level_of: dict[str, int] = {}
        taken: set[str] = set()
        for slot, title, unit, reports_to, role, influence in ORG_CHART[: _buying_centre_size(rng, spec)]:
            if _texts(ctx, spec) is data_fr:
                title, unit = data_fr.ORG_CHART_WORDS[slot]
            first, last = rng.choice(firsts), rng.choice(lasts)
            while f"{first} {last}" in taken:
                first, last = rng.choice(firsts), rng.choice(lasts)
            taken.add(f"{first} {last}")
            attitude = round(_clamp(rng.gauss((strength - 5) / 2.5, 0.9), -2, 2))
            relationship = round(_clamp(rng.gauss(1 + strength * 0.4, 0.8), 1, 5))
            if slot != "ceo":
                influence = _clamp(influence + rng.choice([0, 0, 0, -1, 1]), 1, 5)
            if slot == "energy":
                if strength >= 5 and not red_flag:
                    attitude, relationship = 2, max(relationship, 4)
                else:
                    role = "user"
            if role == "decision_maker":
                if red_flag:
                    attitude = -2 if slot == "cpo" else min(attitude, 0)
                elif slot == "coo" and (strategic or key in signatories or strength >= 5 or spec.sponsor):
                    attitude, relationship = max(attitude, 1), max(relationship, 3)
            owner = _owner(ctx, spec, slot, engineer)
            if (
                (spec.depth == "thin" or not strategic and strength < 5)
                and slot not in ("ceo", "coo", "cpo", "cat")
                and rng.random() < 0.35
            ):
                owner = None  # nobody on our side covers this person
            if owner is None:
                last_contact = None
            else:
                days = (
                    rng.randint(3, 60)
                    if relationship >= 4
                    else rng.randint(15, 120)
                    if relationship == 3
                    else rng.randint(45, 200)
                )
                last_contact = _workday(ctx.day(-days), forward=False)
            contact_number += rng.randint(1, 9)
            person = m.Stakeholder(
                account_id=ctx.accounts[key].id,
                crm_id=f"CON-{contact_number:05d}",
                name=f"{first} {last}",
                title=_title_of(title.format(**words), first)
                if _texts(ctx, spec) is data_fr
                else title.format(**words),
                unit=unit.format(**words),
                email=f"{_slug(first)[0]}.{_slug(last)}@{domain}",
                role=role,
                influence=influence,
                attitude=attitude,
                relationship=relationship,
                owner=owner,
                last_contact=last_contact,
            )
            level_of[slot] = 0 if reports_to is None else level_of[reports_to] + 1
            levels.setdefault(level_of[slot], []).append((key, slot, reports_to, person))
    for level in sorted(levels):
        for key, slot, reports_to, person in levels[level]:
            if reports_to is not None:
                person.reports_to_id = ctx.people[key][reports_to].id
            ctx.people.setdefault(key, {})[slot] = person
        ctx.add([row[3] for row in levels[level]])
        ctx.flush()
