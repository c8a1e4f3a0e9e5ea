"""The executive brief (docs/method.md, section 4): a one-page factual note the KAM hands the
executive before an engagement: the meeting and its ask, the account and its key figures, the
customer's priorities, where the handshake stands with its open commitments, the people met
and what happened the last times.

The brief is internal: it holds our own reading of the people (attitude, relationship strength) and of
the commitments (their RAG status), so it never goes to the customer, and its title line and the footer
of every page say so. Nothing in it is cut: a Word document flows onto the next page, so every priority,
every open commitment, every person met and every held engagement is listed in full.

``build_brief`` reads everything once into a frozen ``Brief``; ``brief_markdown`` and
``brief_docx`` render the same content in English or French (catalog keys ``brief.*``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from kam_core.account.handshake import commitments_with_rag
from kam_core.account.summary import account_summary
from kam_core.common.errors import NotFoundError
from kam_core.common.formatting import day, money, percent
from kam_core.common.text import md
from kam_core.documents.qbr_scope import account_figures
from kam_core.i18n import translate
from kam_core.portfolio.overview import reference_year
from kam_core.portfolio.segmentation import load_programme
from kam_core.store.models import (
    CLOSED_COMMITMENT_STATUSES,
    Account,
    Engagement,
    EngagementPairing,
    Executive,
    Handshake,
    Kam,
    Pairing,
    Priority,
)
from kam_core.store.models import Stakeholder as StakeholderRecord


@dataclass(frozen=True)
class PastEngagement:
    on_date: date
    kind: str
    objective: str
    outcome: str | None


@dataclass(frozen=True)
class PersonMet:
    name: str
    title: str | None
    role: str
    attitude: int  # -2 .. +2
    last_contact: date | None
    strength: int  # of the pairing, 1-5
    executive: str  # ours, in that pairing
    recent: tuple[PastEngagement, ...]  # their held engagements, latest first


@dataclass(frozen=True)
class OpenCommitment:
    side: str  # ours | theirs
    description: str
    owner: str
    due_date: date
    rag: str  # red | amber | green


@dataclass(frozen=True)
class KeyFigures:
    revenue_year: int
    revenue: float | None
    growth_pct: float | None
    share_of_wallet_pct: float | None
    potential_3y: float | None
    margin_pct: float | None
    currency: str


@dataclass(frozen=True)
class Brief:
    engagement_id: int
    on_date: date
    kind: str
    status: str
    objective: str
    ask: str | None
    attendees: str | None
    account_id: int
    account: str
    sector: str
    country: str | None
    segment: str | None  # a code of overview.SEGMENTS
    kam: str | None
    sponsor: str | None
    figures: KeyFigures
    priorities: tuple[str, ...]  # all of them, by rank
    handshake_stage: str | None  # None: no handshake
    commitments: tuple[OpenCommitment, ...]  # open ones, both sides, soonest due first
    people: tuple[PersonMet, ...]
    recent: tuple[PastEngagement, ...]  # the account's held engagements, latest first


def _held(session: Session, query, before: date) -> tuple[PastEngagement, ...]:
    rows = session.execute(
        query.where(Engagement.status == "held", Engagement.on_date <= before).order_by(
            Engagement.on_date.desc(), Engagement.id.desc()
        )
    ).all()
    return tuple(PastEngagement(*row) for row in rows)


def _recent_query(exclude: int):
    return select(Engagement.on_date, Engagement.kind, Engagement.objective, Engagement.outcome).where(
        Engagement.id != exclude
    )


def build_brief(session: Session, engagement_id: int, today: date) -> Brief:
    """Everything the sponsor needs for engagement ``engagement_id`` (NotFoundError when unknown).

    The held engagements are those up to ``today`` (other than this one)."""
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFoundError(f"engagement {engagement_id}")
    account = session.get(Account, engagement.account_id)
    programme = load_programme(session)
    kam = session.get(Kam, account.kam_id) if account.kam_id is not None else None
    sponsor = session.get(Executive, account.sponsor_id) if account.sponsor_id is not None else None
    # this account's rows only: a brief costs the same in a programme of 20 or 10,000 accounts
    year = account_figures(session, account.id, reference_year(today))
    segment = account_summary(session, account.id, today).segment
    figures = KeyFigures(
        year.revenue_year,
        year.revenue,
        year.growth_pct,
        year.share_of_wallet_pct,
        account.potential_3y,
        account.margin_pct,
        programme.currency,
    )
    priorities = tuple(
        session.scalars(
            select(Priority.title).where(Priority.account_id == account.id).order_by(Priority.rank, Priority.id)
        )
    )
    stage = session.scalar(select(Handshake.stage).where(Handshake.account_id == account.id))
    commitments = commitments_with_rag(session, account.id, today)
    open_ones = commitments[~commitments["status"].isin(CLOSED_COMMITMENT_STATUSES)].sort_values(["due_date", "id"])
    people = []
    met = session.execute(
        select(StakeholderRecord, Pairing.strength, Executive.name)
        .join(Pairing, Pairing.stakeholder_id == StakeholderRecord.id)
        .join(EngagementPairing, EngagementPairing.pairing_id == Pairing.id)
        .join(Executive, Executive.id == Pairing.executive_id)
        .where(EngagementPairing.engagement_id == engagement.id)
        .order_by(StakeholderRecord.name, Executive.name)
    ).all()
    for person, strength, executive in met:
        # each engagement once however many of its pairings meet this person (IN, not DISTINCT: the
        # order is by columns not shown, which PostgreSQL refuses with DISTINCT)
        recent = _held(
            session,
            _recent_query(engagement.id).where(
                Engagement.id.in_(
                    select(EngagementPairing.engagement_id)
                    .join(Pairing, Pairing.id == EngagementPairing.pairing_id)
                    .where(Pairing.stakeholder_id == person.id)
                )
            ),
            today,
        )
        people.append(
            PersonMet(
                person.name,
                person.title,
                person.role,
                person.attitude,
                person.last_contact,
                strength,
                executive,
                recent,
            )
        )
    return Brief(
        engagement_id=engagement.id,
        on_date=engagement.on_date,
        kind=engagement.kind,
        status=engagement.status,
        objective=engagement.objective,
        ask=engagement.ask,
        attendees=engagement.attendees,
        account_id=account.id,
        account=account.name,
        sector=account.sector,
        country=account.country,
        segment=segment,
        kam=kam.name if kam else None,
        sponsor=f"{sponsor.name} — {sponsor.title}" if sponsor else None,
        figures=figures,
        priorities=priorities,
        handshake_stage=stage,
        commitments=tuple(
            OpenCommitment(c.side, c.description, c.owner, c.due_date, c.rag) for c in open_ones.itertuples(index=False)
        ),
        people=tuple(people),
        recent=_held(session, _recent_query(engagement.id).where(Engagement.account_id == account.id), today),
    )


# --- rendering -------------------------------------------------------------------------------------


def _t(key: str, language: str, **params) -> str:
    return translate(key, language, **params)


def _labelled(key: str, language: str, text: str) -> str:
    """ "Label: text", the label translated; the text (names, figures, the user's words) kept as is,
    outside any template."""
    return _t("brief.labelled", language).format(label=_t(key, language), text=text)


def _figure_rows(brief: Brief, language: str) -> list[tuple[str, str]]:
    f = brief.figures
    return [
        (f"{_t('brief.revenue', language)} {f.revenue_year}", money(f.revenue, f.currency, language)),
        (_t("brief.growth", language), percent(f.growth_pct, language, 1)),
        (_t("brief.share_of_wallet", language), percent(f.share_of_wallet_pct, language)),
        (_t("brief.potential", language), money(f.potential_3y, f.currency, language)),
        (_t("brief.margin", language), percent(f.margin_pct, language, 1)),
    ]


def _past(item: PastEngagement, language: str) -> str:
    text = f"{day(item.on_date, language)} · {_t(f'enum.engagement_kind.{item.kind}', language)} · {item.objective}"
    return f"{text} → {item.outcome}" if item.outcome else text


def _person(person: PersonMet, language: str) -> str:
    name = f"{person.name} — {person.title}" if person.title else person.name
    return " · ".join(
        [
            f"{name} ({_t(f'enum.role.{person.role}', language)}, {_t(f'enum.attitude.{person.attitude}', language)})",
            _labelled("brief.last_contact", language, day(person.last_contact, language)),
            _labelled("brief.strength", language, f"{person.strength}/5"),
            _labelled("brief.paired_with", language, person.executive),
        ]
    )


def _commitment(item: OpenCommitment, language: str) -> str:
    return " · ".join(
        [
            _labelled(f"enum.follow_up.{item.side}", language, item.description),
            item.owner,
            _labelled("brief.due", language, day(item.due_date, language)),
            _t(f"rag.{item.rag}", language),
        ]
    )


def _blocks(brief: Brief, language: str) -> list[tuple[str, list[str]]]:
    """The brief as (heading, bullets): the content both renderings share. A bullet starting
    with two spaces sits under the one before."""
    none = _t("brief.none", language)
    meeting = [
        _labelled(
            "brief.when",
            language,
            f"{day(brief.on_date, language)} · {_t(f'enum.engagement_kind.{brief.kind}', language)}",
        ),
        _labelled("brief.objective", language, brief.objective),
        _labelled("brief.ask", language, brief.ask or none),
    ]
    if brief.attendees:
        meeting.append(_labelled("brief.attendees", language, brief.attendees))
    account = [
        " · ".join(part for part in (brief.account, brief.sector, brief.country) if part),
        _labelled("brief.segment", language, _t(f"enum.segment.{brief.segment}", language) if brief.segment else none),
        _labelled("brief.kam", language, brief.kam or none),
        _labelled("brief.sponsor", language, brief.sponsor or none),
    ]
    stage = (
        _t(f"enum.stage.{brief.handshake_stage}", language)
        if brief.handshake_stage
        else _t("brief.no_handshake", language)
    )
    handshake = [_labelled("brief.stage", language, stage)]
    handshake += [_commitment(item, language) for item in brief.commitments] or [_t("brief.no_commitments", language)]
    people = []
    for person in brief.people:
        people.append(_person(person, language))
        people += [f"  {_past(item, language)}" for item in person.recent]
    return [
        (_t("brief.section.meeting", language), meeting),
        (_t("brief.section.account", language), account),
        (
            _t("brief.section.priorities", language),
            [f"{rank}. {title}" for rank, title in enumerate(brief.priorities, start=1)] or [none],
        ),
        (_t("brief.section.handshake", language), handshake),
        (_t("brief.section.people", language), people or [_t("brief.no_people", language)]),
        (_t("brief.section.recent", language), [_past(item, language) for item in brief.recent] or [none]),
    ]


def _title(brief: Brief, language: str) -> str:
    return f"{_t('brief.title', language)} — {brief.account}, {day(brief.on_date, language)}"


def brief_markdown(brief: Brief, language: str) -> str:
    """The brief as Markdown: a title, the internal-use line, the key figures as a table, short sections."""
    lines = [f"# {md(_title(brief, language))}", "", f"*{md(_t('brief.internal', language))}*", ""]
    blocks = _blocks(brief, language)
    for heading, bullets in blocks[:2]:
        lines += [f"## {heading}", "", *(_bullet(text) for text in bullets), ""]
    lines += [
        f"## {_t('brief.section.figures', language)}",
        "",
        f"| {_t('brief.figure', language)} | {_t('brief.value', language)} |",
        "| --- | ---: |",
    ]
    lines += [f"| {md(label)} | {md(text)} |" for label, text in _figure_rows(brief, language)]
    lines.append("")
    for heading, bullets in blocks[2:]:
        lines += [f"## {heading}", "", *(_bullet(text) for text in bullets), ""]
    return "\n".join(lines).rstrip() + "\n"


def _bullet(text: str) -> str:
    """One bullet; its text is the user's (names, objectives): escaped, never read as Markdown."""
    return f"    - {md(text.strip())}" if text.startswith("  ") else f"- {md(text)}"


def brief_docx(brief: Brief, language: str) -> bytes:
    """The same content as a Word document: A4, a title, the internal-use line under it and in the footer
    of every page, short sections, a table of key figures."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(_title(brief, language), level=1)
    document.add_paragraph().add_run(_t("brief.internal", language)).italic = True
    footer = section.footer.paragraphs[0]
    footer.text = _t("brief.footer", language, account=brief.account)
    footer.runs[0].font.size = Pt(9)
    blocks = _blocks(brief, language)

    def add(heading: str, bullets: list[str]) -> None:
        document.add_heading(heading, level=2)
        for text in bullets:
            style = "List Bullet 2" if text.startswith("  ") else "List Bullet"
            document.add_paragraph(text.strip(), style=style)

    for heading, bullets in blocks[:2]:
        add(heading, bullets)
    document.add_heading(_t("brief.section.figures", language), level=2)
    rows = _figure_rows(brief, language)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Light Grid Accent 1"
    for cells, (label, text) in zip(table.rows, rows):
        cells.cells[0].text, cells.cells[1].text = label, text
    for heading, bullets in blocks[2:]:
        add(heading, bullets)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
