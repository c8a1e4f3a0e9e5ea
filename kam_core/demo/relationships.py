"""The demo seed's relationships (``kam_core.demo.seed``): each account's handshake (stages, joint
objectives, commitments, reviews and KPI readings), our executives' pairings with the customers'
executives, and the engagements between them.
"""

from __future__ import annotations

from datetime import date, timedelta

from kam_core.demo.context import _clamp, _kpi_round, _Pair, _quadrant, _Seed, _workday, texts_for
from kam_core.demo.data import (
    ACCOUNTS,
    COUNTERPARTS,
    COUNTRIES,
    ENGAGEMENT_KINDS,
    EXTRA_PAIRINGS,
    HANDSHAKES,
    OUR_TEAM,
    PROSPECT_ENGAGEMENT_KINDS,
    REVIEW_EVERY_DAYS,
    STAGE_GAPS,
)
from kam_core.store import models as m

# --- handshakes ------------------------------------------------------------------------------


def _stage_dates(ctx: _Seed, stage: str, days: int) -> tuple[dict[str, date], list[date]]:
    """The date each stage was reached, in order, and the quarterly review dates held so far."""
    rng = ctx.rng
    reached: dict[str, date] = {}
    reviews: list[date] = []
    if stage in ("agreed", "in_review"):
        reached["agreed"] = _workday(ctx.day(-days), forward=False)
        if stage == "in_review":
            due = reached["agreed"] + timedelta(days=REVIEW_EVERY_DAYS)
            while due < ctx.today:
                reviews.append(_workday(due, forward=False))
                due += timedelta(days=REVIEW_EVERY_DAYS)
            reached["in_review"] = reviews[0]
        known = "agreed"
    else:
        reached[stage] = _workday(ctx.day(-days), forward=False)
        known = stage
    cursor = reached[known]
    for earlier in reversed(m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(known)]):
        cursor = _workday(cursor - timedelta(days=rng.randint(*STAGE_GAPS[earlier])), forward=False)
        reached[earlier] = cursor
    return reached, reviews


def _joint_objectives(ctx: _Seed, key: str, handshake: m.Handshake, start: date) -> list[m.JointObjective]:
    rng = ctx.rng
    pool = ctx.sector(key).joint_objectives
    count = min(len(pool), rng.randint(1, 2) if handshake.stage == "draft" else rng.randint(2, 3))
    rows = []
    for title, kpi, unit, baseline, target in rng.sample(pool, count):
        gap = target - baseline
        base = baseline + gap * rng.uniform(-0.25, 0.25)
        goal = 0.0 if target == 0 else base + gap * rng.uniform(0.85, 1.15)
        if unit == "%":
            base, goal = _clamp(base, 0.0, 100.0), _clamp(goal, 0.0, 100.0)
        base, goal = _kpi_round(base, unit, baseline), _kpi_round(goal, unit, baseline)
        if goal == base:
            base, goal = float(baseline), float(target)
        rows.append(
            m.JointObjective(
                handshake_id=handshake.id,
                title=title,
                kpi=kpi,
                unit=unit,
                baseline=base,
                target=goal,
                due_date=_workday(start + timedelta(days=rng.randint(540, 760))),
            )
        )
    return rows


def _commitments(
    ctx: _Seed, key: str, handshake: m.Handshake, start: date, objectives: list[m.JointObjective]
) -> list[m.Commitment]:
    rng = ctx.rng
    people = ctx.people[key]
    count = rng.randint(4, 6)
    sides = ["ours", "theirs"] + [rng.choice(m.COMMITMENT_SIDES) for _ in range(count - 2)]
    words = texts_for(ctx, key)
    texts = {
        "ours": rng.sample(words.OUR_COMMITMENTS, sides.count("ours")),
        "theirs": rng.sample(words.THEIR_COMMITMENTS, sides.count("theirs")),
    }
    our_owners = {
        "kam": ctx.kam_name(key),
        "sponsor": ctx.sponsor_name(key) or ctx.kam_name(key),
        "engineer": rng.choice(OUR_TEAM),
    }
    their_owners = [people[s].name for s in ("coo", "cpo", "eng", "energy", "cio", "cfo") if s in people]
    rows = []
    for side in sides:
        due = _workday(start + timedelta(days=rng.randint(20, 200)))
        draw = rng.random()
        if handshake.stage == "presented":  # proposed, not agreed yet
            status, done_on = "open", None
        elif due < ctx.today:
            status = "done" if draw < 0.6 else "dropped" if draw < 0.65 else "open" if draw < 0.85 else "in_progress"
            done_on = min(ctx.day(-1), due + timedelta(days=rng.randint(-10, 10))) if status == "done" else None
        else:
            status, done_on = ("open" if draw < 0.6 else "in_progress"), None
        if side == "ours":
            description, who = texts["ours"].pop()
            owner = our_owners[who]
        else:
            description, owner = texts["theirs"].pop(), rng.choice(their_owners)
        rows.append(
            m.Commitment(
                handshake_id=handshake.id,
                objective_id=rng.choice(objectives).id if objectives and rng.random() < 0.5 else None,
                side=side,
                description=description,
                owner=owner,
                due_date=due,
                status=status,
                done_on=done_on,
            )
        )
    return rows


def _handshakes(ctx: _Seed) -> None:
    """Handshakes at every stage, with their history, joint objectives, reviews, KPI readings, commitments."""
    rng = ctx.rng
    plans = []
    for key, (stage, days) in HANDSHAKES.items():
        account, people, sector = ctx.accounts[key], ctx.people[key], ctx.sector(key)
        reached, reviews = _stage_dates(ctx, stage, days)
        next_review = None
        if stage in ("agreed", "in_review"):
            last = reviews[-1] if reviews else reached["agreed"]
            next_review = _workday(last + timedelta(days=REVIEW_EVERY_DAYS))
        handshake = m.Handshake(
            account_id=account.id,
            stage=stage,
            stage_since=reached[stage],
            vision=None if stage == "draft" and days < 30 else sector.vision.format(short=ctx.specs[key].short),
            signatory_id=people["coo"].id if stage in ("agreed", "in_review") else None,
            sponsor_id=account.sponsor_id,
            kam_id=account.kam_id,
            next_review_on=next_review,
        )
        plans.append((key, handshake, reached, reviews))
    ctx.add([plan[1] for plan in plans])
    ctx.flush()

    later = []  # (key, handshake, reached, joint objectives, reviews), once their ids are known
    rows = []
    for key, handshake, reached, reviews in plans:
        people = ctx.people[key]
        language = texts_for(ctx, key)
        words = {
            "kam": ctx.kam_name(key),
            "sponsor": ctx.sponsor_name(key) or language.COUNTRY_MANAGER,
            "ceo": people["ceo"].name,
            "signatory": people["coo"].name,
        }
        for stage in m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(handshake.stage) + 1]:
            rows.append(
                m.HandshakeStageEvent(
                    handshake_id=handshake.id,
                    stage=stage,
                    reached_on=reached[stage],
                    note=language.STAGE_NOTES[stage].format(**words),
                )
            )
        start = reached.get("agreed", handshake.stage_since)
        objectives = _joint_objectives(ctx, key, handshake, start)
        review_rows = [
            m.HandshakeReview(
                handshake_id=handshake.id,
                review_date=day,
                notes=rng.choice(language.REVIEW_NOTES).format(unit=ctx.unit_name(key)),
                decisions=rng.choice(language.REVIEW_DECISIONS),
                next_review_on=_workday(day + timedelta(days=REVIEW_EVERY_DAYS)),
            )
            for day in reviews
        ]
        rows.extend(objectives + review_rows)
        later.append((key, handshake, reached, objectives, review_rows))
    ctx.add(rows)
    ctx.flush()

    rows = []
    for key, handshake, reached, objectives, review_rows in later:
        if review_rows:  # KPI readings: the baseline when agreed, then one per review, moving toward target
            for objective in objectives:
                rows.append(
                    m.KpiReading(objective_id=objective.id, reading_date=reached["agreed"], value=objective.baseline)
                )
                progress = 0.0
                for review in review_rows:
                    progress = min(0.95, progress + rng.uniform(0.1, 0.25))
                    value = objective.baseline + (objective.target - objective.baseline) * progress
                    rows.append(
                        m.KpiReading(
                            objective_id=objective.id,
                            review_id=review.id,
                            reading_date=review.review_date,
                            value=_kpi_round(value, objective.unit, objective.baseline),
                        )
                    )
        if handshake.stage in ("presented", "agreed", "in_review"):
            start = reached.get("agreed", reached["presented"])
            rows.extend(_commitments(ctx, key, handshake, start, objectives))
    ctx.add(rows)


# --- executive engagement --------------------------------------------------------------------


def _pairings(ctx: _Seed) -> None:
    """Each sponsor with 1-2 customer executives of their accounts, plus a few other pairings."""
    rng = ctx.rng
    seen: set[tuple[str, int]] = set()

    def pair(executive_key: str, key: str, slot: str) -> None:
        person = ctx.people[key].get(slot)
        if person is None or (executive_key, person.id) in seen:
            return
        seen.add((executive_key, person.id))
        executive = ctx.executives[executive_key]
        cadence = rng.choice([90, 180]) if slot == "ceo" else rng.choice([30, 60, 90, 90])
        strength = _clamp(person.relationship + rng.choice([-1, 0, 0, 1]), 1, 5)
        pairing = m.Pairing(
            executive_id=executive.id, stakeholder_id=person.id, cadence_days=cadence, strength=strength
        )
        ctx.pairings.append(_Pair(key, pairing, executive, person))

    for spec in ACCOUNTS:
        if not spec.sponsor or spec.status == "archived":
            continue
        wanted = 2 if _quadrant(*spec.cur) == "strategic" else 1
        preferred = dict.fromkeys(COUNTERPARTS[spec.sponsor] + ["ceo", "coo", "cpo"])
        slots = [slot for slot in preferred if slot in ctx.people[spec.key]]
        for slot in slots[:wanted]:
            pair(spec.sponsor, spec.key, slot)
    for executive_key, key, slot in EXTRA_PAIRINGS:
        pair(executive_key, key, slot)
    ctx.add([p.pairing for p in ctx.pairings])
    ctx.flush()


def _engagement(ctx: _Seed, pairs: list[_Pair], status: str, on_date: date) -> m.Engagement:
    rng = ctx.rng
    key, person = pairs[0].account, pairs[0].person
    words = {
        "cust": person.name,
        "priority": ctx.priorities[key][0][1].title,
        "site": rng.choice([u for u in ctx.units[key] if u.kind == "site"] or ctx.units[key]).name,
        "offer": ctx.offer_name(rng.choice(ctx.offer_keys(key))),
        "country": COUNTRIES[ctx.specs[key].country][0],
    }
    executives = [p.executive for i, p in enumerate(pairs) if all(q.executive is not p.executive for q in pairs[:i])]
    ours = [f"{e.name} ({e.title})" for e in executives]
    theirs = [f"{p.person.name} ({p.person.title})" for p in pairs]
    language = texts_for(ctx, key)
    attendees = language.ATTENDEES.format(ours=", ".join(ours), kam=ctx.kam_name(key), theirs=", ".join(theirs))
    customer = ctx.specs[key].status == "active"

    def pick(texts: list[tuple[str, str]]) -> str:
        return rng.choice([text for text, when in texts if customer or when == "any"]).format(**words)

    kinds = ENGAGEMENT_KINDS if customer else PROSPECT_ENGAGEMENT_KINDS
    engagement = m.Engagement(
        account_id=ctx.accounts[key].id,
        kind=rng.choice(kinds),
        status=status,
        on_date=on_date,
        objective="",
        attendees=attendees,
    )
    if status == "planned":
        engagement.objective = pick(language.PLANNED_OBJECTIVES)
        engagement.ask = pick(language.ASKS)
    else:
        engagement.objective = pick(language.HELD_OBJECTIVES)
        if status == "held":
            engagement.outcome = pick(language.OUTCOMES)
            engagement.next_step = pick(language.NEXT_STEPS)
        else:
            engagement.outcome = rng.choice(language.CANCEL_REASONS).format(**words)
    for prefix, kind in language.KIND_OF_OBJECTIVE:
        if engagement.objective.startswith(prefix):
            engagement.kind = kind
    return engagement


def _engagements(ctx: _Seed) -> None:
    """Held and cancelled engagements over two quarters, planned ones for the next; some pairings lag."""
    rng = ctx.rng
    pairs = ctx.pairings
    patterns = ["never"] * 3 + ["late"] * 5
    patterns += ["on_track"] * (len(pairs) - len(patterns))
    rng.shuffle(patterns)
    for pair, pattern in zip(pairs, patterns):
        pair.pattern = pattern
    on_track: dict[str, list[_Pair]] = {}
    for pair in pairs:
        if pair.pattern == "on_track":
            on_track.setdefault(pair.account, []).append(pair)

    rows: list[tuple[m.Engagement, list[_Pair]]] = []
    for pair in pairs:
        cadence = pair.pairing.cadence_days
        held, cancelled, planned_in = [], [], None
        if pair.pattern == "on_track":
            last = min(rng.randint(4, max(5, int(cadence * 0.75))), 170)
            ago = last
            while ago <= 182:
                held.append(ago)
                ago += cadence + rng.randint(-10, 10)
            planned_in = cadence - last if 3 <= cadence - last <= 92 else rng.randint(10, 60)
        elif pair.pattern == "late":
            last = min(cadence + rng.randint(20, 60), 240)
            held.append(last)
            cancelled.append(max(3, last - cadence + rng.randint(-5, 5)))
            planned_in = rng.randint(5, 30)
        else:
            if rng.random() < 0.5:
                cancelled.append(rng.randint(20, 100))
            if rng.random() < 0.6:
                planned_in = rng.randint(15, 80)

        events = [("held", _workday(ctx.day(-ago), forward=False)) for ago in held]
        events += [("cancelled", _workday(ctx.day(-ago), forward=False)) for ago in cancelled]
        if planned_in is not None:
            events.append(("planned", _workday(ctx.day(planned_in))))
        for status, on_date in events:
            linked = [pair]
            others = [p for p in on_track.get(pair.account, []) if p is not pair]
            if status == "held" and others and rng.random() < 0.35:
                linked.append(rng.choice(others))
            rows.append((_engagement(ctx, linked, status, on_date), linked))
    ctx.add([row[0] for row in rows])
    ctx.flush()
    ctx.add(
        [
            m.EngagementPairing(engagement_id=engagement.id, pairing_id=p.pairing.id)
            for engagement, linked in rows
            for p in linked
        ]
    )
