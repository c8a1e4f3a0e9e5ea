"""The QBR pack (docs/method.md: "revue d'affaires trimestrielle"): one account's quarterly business
review as a PowerPoint deck the KAM takes into the customer meeting.

``build_qbr`` reads everything once (through the modules the pages use: ``account_summary``,
``sections``, ``buying_centre``, ``white_space``, ``handshake``, ``engagement``, each asked about this
account only, and ``qbr_scope`` for the account's key figures and the portfolio around it on the
matrix, so that one account's deck costs the same in a portfolio of 200 or 10,000 accounts) and
draws a 16:9 deck in English or French (catalog keys ``qbr.*`` and the
existing ``section.*``, ``enum.*``, ``rag.*``, ``col.*`` keys):

1. title: account, quarter, date, our KAM and sponsor, the customer's signatory;
2. key figures and revenue by year (chart): revenue with us and growth; the internal deck adds our
   share of their wallet, the 3-year potential and our margin;
3. where the account stands in our portfolio matrix among the other accounts, drawn as anonymous grey
   bubbles (binned into squares of neighbours beyond ``MAX_OTHER_BUBBLES``) (internal only);
4. the customer's priorities and our value proposition for each;
5. buying centre: the internal deck gives each person's buying role, influence and attitude and the
   map's status; the customer's deck ("our contacts") shows name, title and unit only;
6. white space: the internal deck shows every cell with our value estimate, the cells held by a
   competitor and the open total; the customer's deck shows only where our offers already serve
   their units and where we could help, with no value and no competitor;
7. the joint plan (the handshake): stage, vision, joint objectives and one KPI trend chart;
8. executive engagement: pairings, meetings held and planned; the internal deck adds each pairing's
   cadence and last meeting, the customer's deck shows "our executive, your executive" only;
9. action plan and next steps (the customer-facing deck keeps the handshake's commitments of both
   sides and leaves our internal account-plan actions out);
10. the latest challenge session of the account plan (internal only, when one was closed): when and
   by whom, how many questions, challenges and recommendations, and what became of each
   recommendation (an action with its owner and due date, or rejected with the reason).

The customer's deck speaks to the customer ("your signatory", "your commitment", "our joint plan is
still to be written together") and never uses our method's vocabulary ("Handshake") or our internal
stages. It says on its first slide what it leaves out and why; it leaves our overdue commitments out
unless the KAM asks for them as "in progress, new date ..." (``overdue_as_new_date``; the internal
deck lists them and its notes count them); no status in it reads "Overdue"; and a plan not yet
presented to the customer (draft, internally reviewed) is titled "Proposal for our joint plan" with a
"draft for discussion" line, in both decks.

The look is sober on purpose: white background, one accent colour (the app's primary colour),
titles at 30 pt, body at 16 pt (stepped down to 12 pt at the least to fit), a footer at 11 pt with
the account, the quarter and "Confidential", and the page number. Every slide is made from the
"Title Only" layout with its title filled, so no placeholder is left empty and PowerPoint's outline
shows the titles. Every slide has speaker notes: where its figures come from in the app (page and
table) and, when a section goes on over several slides, which slide continues it.

Nothing is ever cut and nothing is drawn over anything: the text is measured with the font the deck
names (see "how much room text takes" in ``qbr_layout``, which holds the look and the drawing), each
table row is as high as its wrapped lines, the font steps down to fit, and what still does not fit
goes on a next slide "… (continued)" (tables repeat their header). A layout per amount of content:
key figures are large tiles, a section with one sentence to say gets a statement tile, a table of
few rows is set larger and stretched, so that no slide is more than half empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.account.buying_centre import ATTITUDE_FILL, map_status
from kam_core.account.challenge import counts_text, latest_closed
from kam_core.account.engagement import cadence_grid, engagements_between
from kam_core.account.handshake import kpi_history, read_handshake
from kam_core.account.sections import load_section
from kam_core.account.summary import AccountSummary, FollowUp, account_summary
from kam_core.account.white_space import STATUS_FILL, compact_value, load_white_space, white_space_totals
from kam_core.common.errors import NotFoundError
from kam_core.common.formatting import currency_symbol, grouped, moment, money, percent, quarter, score
from kam_core.common.formatting import day as _day_text
from kam_core.common.text import fold_name
from kam_core.documents.charts import SEGMENT_COLOURS, MatrixLabels, matrix_chart
from kam_core.documents.deck_charts import add_kpi_chart, add_revenue_chart
from kam_core.documents.qbr_layout import (
    ACCENT,
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_WIDTH,
    INK,
    MARGIN,
    MAX_KPI_CHARTS,
    MAX_UNITS,
    MUTED,
    OTHER_ACCOUNTS_COLOUR,
    RAG_INK,
    WHITE,
    _Cell,
    _Deck,
    _labelled,
    _Line,
    _missing,
    _note,
    _png,
    _slug,
)
from kam_core.documents.qbr_scope import AccountFigures, account_figures, binned_others, matrix_others
from kam_core.i18n import translate
from kam_core.portfolio.overview import reference_year
from kam_core.portfolio.segmentation import QUADRANTS, Thresholds, load_programme
from kam_core.programme.periods import period_of, period_start, shift_period
from kam_core.store.models import HANDSHAKE_STAGES, Account, Commitment, Handshake


@dataclass(frozen=True)
class QbrPack:
    account_name: str
    slides: tuple[str, ...]  # slide titles, in order
    data: bytes  # the .pptx
    filename: str


# --- the facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What the deck shows about the account, read once with queries about that account only (the
    portfolio around it is read by the matrix slide alone, see ``_portfolio_slide``)."""

    account: Account
    summary: AccountSummary
    figures: AccountFigures  # the account's figures of overview.account_table
    currency: str
    thresholds: Thresholds
    today: date


def _facts(session: Session, account_id: int, today: date) -> _Facts:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"account {account_id}")
    summary = account_summary(session, account_id, today)
    programme = load_programme(session)
    thresholds = Thresholds(programme.attractiveness_threshold, programme.strength_threshold)
    figures = account_figures(session, account_id, reference_year(today))
    return _Facts(account, summary, figures, programme.currency, thresholds, today)


# --- where each figure comes from (speaker notes) -----------------------------------------------------


def _source(language: str, page: str, *sections: str) -> str:
    """'Account strategy canvas › White space': the app's page and table a slide's figures come from."""
    return " › ".join(translate(key, language) for key in (page, *sections))


NBSP = "\u00a0"


def _day(value, language: str) -> str:
    """A date as ``formatting.day`` writes it, its parts joined by no-break spaces: "27 Jan 2027"
    never breaks across two lines of a slide."""
    return _day_text(value, language).replace(" ", NBSP)


# --- slides -------------------------------------------------------------------------------------------


def _plan_state(stage: str | None) -> str:
    """'none' (no plan yet), 'proposal' (not yet presented to the customer) or 'shared'."""
    if stage is None:
        return "none"
    return "proposal" if HANDSHAKE_STAGES.index(stage) < HANDSHAKE_STAGES.index("presented") else "shared"


CUSTOMER_SCOPE = {
    "none": "qbr.customer_scope_no_plan",
    "proposal": "qbr.customer_scope_proposal",
    "shared": "qbr.customer_scope",
}


def _title_slide(deck: _Deck, facts: _Facts, signatory: str | None, internal: bool, stage: str | None) -> None:
    language, summary = deck.language, facts.summary
    slide = deck.slide(translate("qbr.title", language), (_source(language, "page.account_overview"),))
    tile_height = 2.3
    deck.tile(
        slide,
        MARGIN,
        BODY_TOP,
        CONTENT_WIDTH,
        tile_height,
        [
            _Line(summary.name, 40, bold=True, ink=WHITE, space_after=10),
            _Line(
                f"{quarter(summary.current_period, language)} · {_day(facts.today, language)}",
                24,
                ink=WHITE,
                space_after=0,
            ),
        ],
        fill=ACCENT,
    )
    people = [
        (translate("qbr.kam", language), summary.kam),
        (translate("handshake.sponsor", language), summary.sponsor),
        (translate("handshake.signatory" if internal else "qbr.your_signatory", language), signatory),
    ]
    lines = [_Line(_labelled(label, name, language), 20, ink=MUTED) for label, name in people if name]
    if internal:
        lines.append(_Line(translate("qbr.internal_note", language), 18, italic=True, ink=RAG_INK["red"]))
    else:  # what this version leaves out, and why: said on its first slide, the precise list in its notes
        scope = translate(CUSTOMER_SCOPE[_plan_state(stage)], language)
        lines.append(_Line(scope, 16, italic=True, ink=MUTED))
        deck.note(slide, scope)
        deck.note(slide, translate("qbr.notes.customer_scope_detail", language))
    deck.flow(slide, MARGIN, BODY_TOP + tile_height + 0.25, CONTENT_WIDTH, lines)


def _figures_slide(deck: _Deck, facts: _Facts, internal: bool) -> None:
    language, row, currency = deck.language, facts.figures, facts.currency
    sources = [_source(language, "page.account_overview", "section.key_figures")]
    if internal:
        sources.append(_source(language, "page.record"))
    slide = deck.slide(translate("section.key_figures", language), tuple(sources))
    year = row.revenue_year
    growth = row.growth_pct
    years = facts.summary.revenue_by_year
    years = years[(years["year"] <= year) & (years["revenue"].fillna(0) > 0)]
    if years.empty and not internal:  # no business recorded yet: no "€0" figure, no empty chart
        deck.statement(slide, translate("qbr.no_revenue_yet", language))
        deck.note(slide, translate("qbr.notes.no_revenue_chart", language))
        return
    figures = [
        (translate("overview.revenue", language, year=year), money(row.revenue, currency, language)),
        (
            translate("qbr.growth", language, year=year - 1),
            "–" if growth is None else ("+" if growth > 0 else "") + percent(growth, language, 1),
        ),
    ]
    if internal:  # our view of their wallet and our margin are never shown to the customer
        figures += [
            (translate("overview.share_of_wallet", language), percent(row.share_of_wallet_pct, language)),
            (translate("overview.potential", language), money(facts.account.potential_3y, currency, language)),
            (translate("overview.margin", language), percent(facts.account.margin_pct, language)),
        ]
    # the key figures as large tiles, one under the other, sharing the body's height
    gap, tiles_width = 0.15, 4.2
    tile_height = (BODY_BOTTOM - BODY_TOP - gap * (len(figures) - 1)) / len(figures)
    value_pt = 40 if len(figures) <= 2 else 28
    for index, (label, text) in enumerate(figures):
        deck.tile(
            slide,
            MARGIN,
            BODY_TOP + index * (tile_height + gap),
            tiles_width,
            tile_height,
            [_Line(label, 16, ink=MUTED, space_after=2), _Line(text, value_pt, bold=True, ink=ACCENT, space_after=0)],
        )
    left = MARGIN + tiles_width + 0.3
    width = CONTENT_WIDTH - tiles_width - 0.3
    deck.text(
        slide,
        left,
        BODY_TOP,
        width,
        0.5,
        [_Line(translate("overview.revenue_by_year", language), 20, bold=True, space_after=0)],
    )
    if years.empty:  # the chart is left out rather than drawn empty
        deck.statement(slide, translate("qbr.no_revenue_yet", language), top=BODY_TOP + 0.6, left=left, width=width)
        deck.note(slide, translate("qbr.notes.no_revenue_chart", language))
        return
    add_revenue_chart(  # native, editable in PowerPoint
        slide, left, BODY_TOP + 0.55, width, BODY_BOTTOM - BODY_TOP - 0.6, years, facts.currency, language
    )


def _matrix_labels(language: str, account_name: str) -> MatrixLabels:
    quadrants = {code: translate(f"enum.segment.{code}", language) for code in QUADRANTS}
    quadrants |= {"this": account_name, "other": translate("qbr.other_accounts", language)}
    return MatrixLabels(
        attractiveness=translate("matrix.axis_attractiveness", language),
        strength=translate("matrix.axis_strength", language),
        quadrants=quadrants,
        name=translate("column.account", language),
        revenue=translate("column.revenue", language),
        potential=translate("matrix.size.potential_3y", language),
        share_of_wallet=translate("column.share_of_wallet", language),
        kam=translate("column.kam", language),
        quadrant=translate("column.segment", language),
        sector=translate("column.sector", language),
        previous=translate("matrix.previous_short", language),
        numbered=translate("matrix.numbered", language),
    )


MATRIX_IMAGE = (760, 620)  # pixels of the matrix's plot on the portfolio slide: the name is placed for it
MAX_OTHER_BUBBLES = 400  # other accounts drawn one by one on the matrix slide; beyond, they are binned
OTHERS_BIN = 1 / 3  # score points: the side of a bin of other accounts (30 x 30 bins over the matrix)


def _matrix_points(session: Session, facts: _Facts, now) -> pd.DataFrame:
    """The bubbles of the matrix slide: the programme's other placed accounts (anonymous, grey, in the
    account table's order, read compactly: axis scores and revenue only), then this account.

    Rasterising a bubble costs the same whatever it stands for, so beyond ``MAX_OTHER_BUBBLES`` others
    the slide draws one grey bubble per ``OTHERS_BIN`` square that holds any (at their mean position,
    as big as the biggest of them): the slide costs the same at 500 or 10,000 accounts and still
    shows where the portfolio lies around this account."""
    summary, figures = facts.summary, facts.figures
    others, count = binned_others(session, summary.current_period, figures.revenue_year, summary.account_id, OTHERS_BIN)
    if count <= MAX_OTHER_BUBBLES:  # a small portfolio: every other account its own bubble
        others = matrix_others(session, summary.current_period, figures.revenue_year, summary.account_id)
    others = others.assign(name="", quadrant="other", scored=True, share_of_wallet_pct=None, kam=None, sector=None)
    this = pd.DataFrame(
        [
            {
                "account_id": summary.account_id,
                "attractiveness": now.attractiveness,
                "strength": now.strength,
                "revenue": figures.revenue,
                "name": summary.name,
                "quadrant": "this",
                "scored": True,
                "share_of_wallet_pct": figures.share_of_wallet_pct,
                "kam": summary.kam,
                "sector": summary.sector,
            }
        ]
    )
    columns = [
        "account_id",
        "name",
        "quadrant",
        "scored",
        "attractiveness",
        "strength",
        "revenue",
        "share_of_wallet_pct",
        "kam",
        "sector",
    ]
    shown = pd.concat([others[columns], this[columns]], ignore_index=True) if len(others) else this[columns]
    shown["revenue"] = shown["revenue"].astype(float)
    return shown


def _portfolio_slide(deck: _Deck, session: Session, facts: _Facts) -> None:
    language, summary = deck.language, facts.summary
    slide = deck.slide(translate("qbr.slide.portfolio", language), (_source(language, "page.matrix"),))
    segment = summary.segment
    now = next((position for position in summary.trajectory if position.period == summary.current_period), None)
    # an archived account has left the matrix; an account not scored on both axes has no place in it
    if summary.status == "archived" or now is None or now.quadrant is None:
        deck.statement(slide, translate("overview.not_scored", language))
        return
    # Only this account stands out: the others are grey bubbles without names, drawn first.
    shown = _matrix_points(session, facts, now)
    chart = matrix_chart(
        shown,
        attractiveness_threshold=facts.thresholds.attractiveness,
        strength_threshold=facts.thresholds.strength,
        labels=_matrix_labels(language, summary.name),
        colours={"this": SEGMENT_COLOURS.get(segment, ACCENT), "other": OTHER_ACCOUNTS_COLOUR},
        selected_id=summary.account_id,
        width=MATRIX_IMAGE[0],
        height=MATRIX_IMAGE[1],
        interactive=False,
    )
    deck.picture(
        slide,
        _png(chart, language),
        MARGIN,
        BODY_TOP,
        7.9,
        BODY_BOTTOM - BODY_TOP,
        translate("qbr.alt.matrix", language, account=facts.summary.name),
    )
    before = [position for position in summary.trajectory if position.period < summary.current_period]
    lines = [
        _Line(translate("overview.segment", language), 16, ink=MUTED, space_after=0),
        _Line(
            translate(f"enum.segment.{segment}", language),
            30,
            bold=True,
            ink=SEGMENT_COLOURS.get(segment, "#" + ACCENT).lstrip("#"),
            space_after=8,
        ),
        _Line(translate(f"posture.{segment}", language), 18, space_after=18),
        _Line(
            _labelled(translate("overview.attractiveness", language), score(now.attractiveness, language), language),
            18,
            space_after=4,
        ),
        _Line(
            _labelled(translate("overview.strength", language), score(now.strength, language), language),
            18,
            space_after=14,
        ),
    ]
    if before and before[-1].quadrant:
        lines.append(
            _Line(
                translate(
                    "qbr.previously",
                    language,
                    period=quarter(before[-1].period, language),
                    segment=translate(f"enum.segment.{before[-1].quadrant}", language),
                ),
                18,
                ink=MUTED,
            )
        )
    deck.flow(slide, MARGIN + 8.2, BODY_TOP + 0.2, CONTENT_WIDTH - 8.2, lines)


def _priorities_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    language = deck.language
    slide = deck.slide(
        translate("qbr.slide.priorities", language),
        (_source(language, "page.canvas", "section.priorities", "section.value_proposition"),),
    )
    priorities = load_section(session, "priorities", facts.summary.account_id)
    if priorities.empty:
        deck.statement(slide, translate("qbr.no_priorities", language))
        return
    propositions = load_section(session, "value_propositions", facts.summary.account_id)
    to_build = translate("qbr.to_build", language)
    if propositions.empty or not propositions["priority_id"].isin(priorities["id"]).any():
        # no proposition yet for any priority: the priorities, then one statement, not a cell each
        rows = [
            [_Cell(str(priority.rank), bold=True, align="center"), _Cell(str(priority.title), bold=True)]
            for priority in priorities.itertuples(index=False)
        ]
        header = [translate("col.priorities.rank", language), translate("col.priorities.title", language)]
        last, end = deck.table(
            slide, MARGIN, BODY_TOP, [0.8, 11.33], header, rows, row_height=0.6, bottom=BODY_BOTTOM - 1.3
        )
        deck.statement(last, translate("qbr.to_build_all", language), top=end + 0.2)
        return
    rows = []  # one row per value proposition, so that a row never outgrows a slide
    for priority in priorities.itertuples(index=False):
        mine = list(propositions[propositions["priority_id"] == priority.id].itertuples(index=False))
        for index, proposition in enumerate(mine or [None]):
            repeated = index > 0  # the priority's rank and title again, muted, on its next rows
            row = [
                _Cell(str(priority.rank), bold=not repeated, align="center", ink=MUTED if repeated else None),
                _Cell(str(priority.title), bold=not repeated, ink=MUTED if repeated else None),
            ]
            if proposition is None:
                row += [_Cell(to_build, ink=MUTED), _Cell(to_build, ink=MUTED)]
            else:
                worth = (
                    ""
                    if _missing(proposition.value_amount)
                    else f" · {money(proposition.value_amount, facts.currency, language)}"
                )
                row += [_Cell(str(proposition.what_we_bring)), _Cell(f"{proposition.customer_value}{worth}")]
            rows.append(row)
    header = [
        translate("col.priorities.rank", language),
        translate("col.priorities.title", language),
        translate("col.value_propositions.what_we_bring", language),
        translate("col.value_propositions.customer_value" if internal else "qbr.col.value_for_you", language),
    ]
    deck.table(slide, MARGIN, BODY_TOP, [0.8, 3.4, 4.3, 3.63], header, rows, row_height=0.6)


def _buying_centre_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    language = deck.language
    title = translate("section.buying_centre" if internal else "qbr.slide.contacts", language)
    slide = deck.slide(title, (_source(language, "page.canvas", "section.buying_centre"),))
    people = load_section(session, "stakeholders", facts.summary.account_id)  # most influential first
    if people.empty:
        deck.statement(slide, translate("qbr.no_stakeholders", language))
        return
    rows = []
    for person in people.itertuples(index=False):
        cells = [_Cell(str(person.name), bold=True), _Cell(_text(person.title))]
        if not internal:  # the customer sees who is who, not the buying role we give each person
            cells.append(_Cell(_text(person.unit)))
        else:
            cells.append(_Cell(translate(f"enum.role.{person.role}", language)))
            attitude = int(person.attitude)
            cells += [
                _Cell(f"{int(person.influence)}/5", align="center"),
                _Cell(
                    translate(f"enum.attitude.{attitude}", language),
                    fill=ATTITUDE_FILL.get(attitude, "#FFFFFF").lstrip("#"),
                ),
            ]
        rows.append(cells)
    header = [
        translate(f"col.stakeholders.{name}", language) for name in ("name", "title", "role" if internal else "unit")
    ]
    if internal:
        header += [translate("col.stakeholders.influence", language), translate("col.stakeholders.attitude", language)]
        widths = [2.7, 3.9, 2.2, 1.4, 1.93]
    else:
        widths = [3.6, 5.0, 3.53]
    status = map_status(people) if internal else None
    bottom = BODY_BOTTOM - (0.6 if internal else 0)  # room for the map's status below the table
    slide, end = deck.table(slide, MARGIN, BODY_TOP, widths, header, rows, row_height=0.42, bottom=bottom)
    if status:
        line = _Line(translate(f"canvas.map_status.{status}", language), 18, bold=True, ink=RAG_INK[status])
        _note(deck, slide, end, [line])


def _text(value) -> str:
    return "–" if _missing(value) or not str(value).strip() else str(value)


def _white_space_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    """The internal deck shows every cell with our value estimate, the competitors' cells and the
    open total; the customer's deck shows only which of our offers already serve which of their units
    and where we could help, with no value and no competitor. Every offer and every unit is shown:
    beyond ``MAX_UNITS`` units a slide, the next units go on a next slide, as do the rows beyond a
    slide's room."""
    language = deck.language
    slide = deck.slide(
        translate("section.white_space" if internal else "qbr.slide.white_space", language),
        (_source(language, "page.canvas", "section.white_space"),),
    )
    cells = load_white_space(session, facts.summary.account_id)
    if not internal:
        cells = cells[cells["status"].isin(["sold", "open"])]
    if cells.empty:
        deck.statement(slide, translate("qbr.no_white_space", language))
        return
    units_order = [str(name) for name in load_section(session, "units", facts.summary.account_id)["name"]]
    units_order = [
        unit
        for unit in dict.fromkeys([*units_order, *cells["unit"].tolist()])
        if internal or unit in set(cells["unit"])
    ]
    offers = sorted(dict.fromkeys(cells["offer"].tolist()), key=fold_name)
    totals = white_space_totals(cells)
    symbol = currency_symbol(facts.currency)
    by_pair = {(row.offer, row.unit): row for row in cells.itertuples(index=False)}
    groups = [units_order[start : start + MAX_UNITS] for start in range(0, len(units_order), MAX_UNITS)]
    first = 3.2
    end = BODY_TOP
    for number, units in enumerate(groups):
        rows = []
        for offer in offers:
            line = [_Cell(str(offer), bold=True)]
            for unit in units:
                cell = by_pair.get((offer, unit))
                if cell is None:
                    line.append(_Cell("–", fill=WHITE, ink=MUTED, align="center"))
                    continue
                fill = STATUS_FILL[cell.status].lstrip("#")
                if not internal:
                    line.append(_Cell(translate(f"qbr.ws_customer.{cell.status}", language), fill=fill, align="center"))
                    continue
                word = translate(f"qbr.ws.{cell.status}", language)
                worth = compact_value(None if _missing(cell.value) else float(cell.value), symbol, language)
                line.append(_Cell(f"{word}\n{worth}" if worth else word, fill=fill, align="center"))
            rows.append(line)
        if number > 0:
            slide = deck.continued(slide)
        width = (CONTENT_WIDTH - first) / MAX_UNITS if len(groups) > 1 else (CONTENT_WIDTH - first) / len(units)
        header = [translate("col.white_space.offer_id", language), *units]
        bottom = BODY_BOTTOM - (0.6 if internal and number == len(groups) - 1 else 0)
        slide, end = deck.table(
            slide, MARGIN, BODY_TOP, [first, *[width] * len(units)], header, rows, row_height=0.63, bottom=bottom
        )
    if internal:
        total = translate(
            "qbr.open_total",
            language,
            count=totals.open_cells,
            value=money(totals.open_value, facts.currency, language),
        )
        _note(deck, slide, end, [_Line(total, 16, bold=True, ink=INK)])


UNIT_WORDS = {"count": ""}  # a unit that says nothing next to a number


def _kpi_value(value, unit: str, language: str) -> str:
    """A KPI's value with its unit as it reads: '6' (not '6 count'), '4 320 € per bed', '86 %'."""
    if _missing(value):
        return "–"
    unit = str(unit or "").strip()
    unit = UNIT_WORDS.get(unit, unit)
    if unit == "%":
        return percent(float(value), language, 0 if float(value).is_integer() else 1)
    for code in ("EUR", "USD", "GBP", "CHF"):  # currency codes as their symbols: 'kEUR' -> 'k€'
        unit = re.sub(rf"\b([kM]?){code}\b", rf"\g<1>{currency_symbol(code)}", unit)
    return f"{grouped(round(float(value), 2), language)} {unit}".strip()


def _customer_stage(view, language: str) -> str:
    """Where the plan stands, for the customer: "Agreed on 12 Mar 2026" or "Proposed to you on ...",
    never our workflow's stage names ("In quarterly review", "Presented")."""
    agreed = view.reached_on("agreed")
    if view.stage in ("agreed", "in_review"):
        if agreed is None:
            return translate("qbr.customer_stage.agreed", language)
        return translate("qbr.customer_stage.agreed_on", language, date=_day(agreed, language))
    presented = view.reached_on("presented")
    if presented is None:
        return translate("qbr.customer_stage.proposed", language)
    return translate("qbr.customer_stage.proposed_on", language, date=_day(presented, language))


def _handshake_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    language = deck.language
    view = read_handshake(session, facts.summary.account_id)
    # a plan before it was presented to the customer is a proposal, in both versions
    proposal = _plan_state(view.stage) == "proposal"
    source = _source(language, "page.handshake") if internal else translate("qbr.source.joint_plan", language)
    title = translate("qbr.slide.handshake_proposal" if proposal else "qbr.slide.handshake", language)
    slide = deck.slide(title, (source,))
    if view.stage is None:  # the customer's deck speaks to the customer, not in our method's words
        deck.statement(slide, translate("overview.no_handshake" if internal else "qbr.no_joint_plan", language))
        return
    stage = translate(f"enum.stage.{view.stage}", language)
    agreed = view.reached_on("agreed")
    if agreed is not None and view.stage in ("agreed", "in_review"):
        stage = f"{stage} · {translate('qbr.agreed_on', language, date=_day(agreed, language))}"
    history = kpi_history(session, facts.summary.account_id)
    read = history[history["value"].notna() & history["reading_date"].notna()]
    charted = list(dict.fromkeys(read["objective_id"]))[:MAX_KPI_CHARTS]
    left_width = 7.0 if charted else CONTENT_WIDTH  # the KPI chart takes the right-hand side
    lines = []
    if proposal:
        lines.append(_Line(translate("qbr.draft_note", language), 20, bold=True, ink=RAG_INK["amber"], space_after=4))
    if internal:
        lines.append(
            _Line(_labelled(translate("brief.stage", language), stage, language), 20, bold=True, space_after=4)
        )
    elif not proposal:  # our own stages stay ours: the customer reads when the plan was shown or agreed
        lines.append(_Line(_customer_stage(view, language), 20, bold=True, space_after=4))
    if view.vision:
        vision = " ".join(str(view.vision).split())
        lines.append(
            _Line(f"« {vision} »" if language == "fr" else f"“{vision}”", 18, italic=True, ink=MUTED, space_after=0)
        )
    last, top = deck.flow(slide, MARGIN, BODY_TOP, left_width, lines) if lines else (slide, BODY_TOP)
    top += 0.15
    if history.empty:
        deck.statement(last, translate("qbr.no_joint_objectives", language), top=top, width=left_width)
    else:
        objectives = history.drop_duplicates("objective_id")
        latest = read.groupby("objective_id")["value"].last()
        rows = []
        for objective in objectives.itertuples(index=False):
            rows.append(
                [
                    _Cell(str(objective.title), bold=True),
                    _Cell(_kpi_value(objective.baseline, objective.unit, language), align="center"),
                    _Cell(
                        _kpi_value(latest.get(objective.objective_id), objective.unit, language),
                        align="center",
                        bold=True,
                    ),
                    _Cell(_kpi_value(objective.target, objective.unit, language), align="center"),
                    _Cell(_day(objective.due_date, language), align="center"),
                ]
            )
        header = [
            translate("col.joint_objectives.title", language),
            translate("col.joint_objectives.baseline", language),
            translate("qbr.latest_reading", language),
            translate("col.joint_objectives.target", language),
            translate("col.joint_objectives.due_date", language),
        ]
        first = left_width - 3 * 1.15 - 1.35
        bottom = BODY_BOTTOM - (0 if charted else 0.5)  # room for "no reading yet" below the table
        last, end = deck.table(
            last, MARGIN, top, [first, 1.15, 1.15, 1.15, 1.35], header, rows, row_height=0.6, bottom=bottom
        )
        if not charted:
            _note(deck, last, end, [_Line(translate("qbr.no_readings", language), 18, italic=True, ink=MUTED)])
    if not charted:
        return
    left = MARGIN + left_width + 0.25
    add_kpi_chart(
        slide,
        left,
        BODY_TOP,
        CONTENT_WIDTH - left_width - 0.25,
        BODY_BOTTOM - BODY_TOP,
        history[history["objective_id"].isin(charted)],
        language,
    )


def _engagement_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    """Executive pairings, then the meetings held and planned with their purpose. The internal deck
    adds each pairing's cadence and when it last met ("never"); the customer's deck shows the pairings
    as "our executive, your executive"."""
    language, today = deck.language, facts.today
    slide = deck.slide(translate("page.executives", language), (_source(language, "page.executives"),))
    grid = cadence_grid(session, today, facts.summary.account_id)
    top = BODY_TOP
    if grid.empty:
        line = _Line(
            translate("qbr.no_pairings" if internal else "qbr.customer.no_pairings", language),
            20,
            italic=True,
            ink=MUTED,
        )
        used, _ = deck.text(slide, MARGIN, top, CONTENT_WIDTH, 0.8, [line])
        top = BODY_TOP + used + 0.1
    else:
        grid = grid.sort_values(["executive", "stakeholder"], key=lambda column: column.map(fold_name))
        rows = []
        for pairing in grid.itertuples(index=False):
            theirs = (
                f"{pairing.stakeholder} — {pairing.stakeholder_title}"
                if pairing.stakeholder_title
                else pairing.stakeholder
            )
            row = [_Cell(str(pairing.executive), bold=True), _Cell(str(theirs))]
            if internal:
                row += [
                    _Cell(translate("executives.every", language, days=int(pairing.cadence_days))),
                    _Cell(
                        _day(pairing.last_held, language)
                        if pairing.last_held
                        else translate("canvas.tooltip.never", language)
                    ),
                ]
            rows.append(row)
        if internal:
            header = [
                translate("col.pairings.executive_id", language),
                translate("col.pairings.stakeholder_id", language),
                translate("qbr.cadence", language),
                translate("qbr.last_met", language),
            ]
            widths = [3.2, 5.0, 1.9, 2.03]
        else:
            header = [translate("qbr.our_executive", language), translate("qbr.your_executive", language)]
            widths = [4.0, 8.13]
        slide, top = deck.table(slide, MARGIN, BODY_TOP, widths, header, rows, row_height=0.5, fill=False)
        top += 0.25
    held_from = period_start(shift_period(period_of(today), -1))
    planned_to = period_start(shift_period(period_of(today), 2)) - timedelta(days=1)
    held = engagements_between(session, held_from, today, facts.summary.account_id)
    held = held[held["status"] == "held"].sort_values("on_date", ascending=False)
    planned = engagements_between(session, today, planned_to, facts.summary.account_id)
    planned = planned[planned["status"] == "planned"]
    rows = []
    for status, meetings in (("held", held), ("planned", planned)):
        for meeting in meetings.itertuples(index=False):
            who = " — ".join(part for part in (meeting.executives, meeting.stakeholders) if part)
            rows.append(
                [
                    _Cell(translate(f"qbr.meeting.{status}", language), bold=True, ink=ACCENT),
                    _Cell(_day(meeting.on_date, language), align="center"),
                    _Cell(translate(f"enum.engagement_kind.{meeting.kind}", language)),
                    _Cell(str(meeting.objective)),  # the meeting's purpose
                    _Cell(who or "–"),
                ]
            )
    if not rows:
        deck.statement(
            slide, translate("qbr.no_meetings" if internal else "qbr.customer.no_meetings", language), top=top
        )
        return
    header = [
        translate("col.actions.status", language),  # held or planned
        translate("qbr.col.date", language),
        translate("qbr.col.kind", language),
        translate("qbr.col.purpose", language),
        translate("qbr.col.with", language),
    ]
    if top > BODY_BOTTOM - 1.5:  # not even a header and a row left here: the meetings start a next slide
        slide, top = deck.continued(slide), BODY_TOP
    deck.table(slide, MARGIN, top, [1.4, 1.7, 1.5, 4.2, 3.33], header, rows, row_height=0.45)


DELIVERED_WITHIN = timedelta(days=92)  # commitments done this long ago or less are shown as delivered


def _delivered(session: Session, facts: _Facts) -> list[FollowUp]:
    """The commitments of both sides done within the last quarter (``DELIVERED_WITHIN``), the most
    recent first, dated by when they were done (their due date when that was not recorded)."""
    done_on = func.coalesce(Commitment.done_on, Commitment.due_date)
    rows = session.execute(
        select(Commitment.side, Commitment.description, Commitment.owner, done_on)
        .join(Handshake, Handshake.id == Commitment.handshake_id)
        .where(
            Handshake.account_id == facts.summary.account_id,
            Commitment.status == "done",
            done_on > facts.today - DELIVERED_WITHIN,
            done_on <= facts.today,
        )
        .order_by(done_on.desc(), Commitment.id)
    ).all()
    return [FollowUp(side, description, owner, when, "done") for side, description, owner, when in rows]


def _actions_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool, overdue_as_new_date: bool) -> None:
    """What both sides delivered within the last quarter ("Delivered"), then what is open. The
    internal deck lists every open action and commitment, the late ones in red. The customer's deck
    keeps the commitments of both sides and leaves our internal actions out; late commitments follow
    one rule whichever side they are of, so the deck never points at one side only: left out by
    default, or, when the KAM chose ``overdue_as_new_date``, read "in progress, new date <the next
    review>" (or "new date to be agreed" without one). No status in the customer's deck says
    "Overdue"."""
    language, summary = deck.language, facts.summary
    source = (
        _source(language, "page.account_overview", "section.actions")
        if internal
        else translate("qbr.source.commitments", language)
    )
    slide = deck.slide(translate("qbr.slide.actions" if internal else "qbr.slide.next_steps", language), (source,))
    review_on = summary.next_review_on
    late = [item for item in summary.follow_ups if item.kind != "action" and item.rag == "red"]
    delivered = _delivered(session, facts)
    if internal:
        items = delivered + list(summary.follow_ups)
        if late:
            deck.note(slide, translate("qbr.notes.overdue_left_out", language, count=len(late)))
    else:
        items = delivered + [
            item for item in summary.follow_ups if item.kind != "action" and (overdue_as_new_date or item.rag != "red")
        ]
        deck.note(
            slide, translate("qbr.notes.late_shown" if overdue_as_new_date else "qbr.notes.late_left_out", language)
        )

    def status(item) -> _Cell:
        if item.rag == "done":
            return _Cell(translate("qbr.delivered", language), ink=RAG_INK.get("green"), bold=True, align="center")
        if internal or item.rag == "green":
            return _Cell(translate(f"rag.{item.rag}", language), ink=RAG_INK.get(item.rag), bold=True, align="center")
        if item.rag == "red":  # either side's, shown only when the KAM chose so
            text = (
                translate("qbr.in_progress_new_date", language, date=_day(review_on, language))
                if review_on is not None and review_on > facts.today
                else translate("qbr.in_progress_date_to_agree", language)
            )
            return _Cell(text, ink=INK, align="center")
        return _Cell(translate("qbr.in_progress", language), ink=INK, align="center")

    review = _day(review_on, language) if review_on else translate("qbr.not_set", language)
    upcoming = summary.next_engagements[:1]  # the next one only: the engagement slide lists them all
    meetings = "".join(
        f"{_day(on_date, language)} · {translate(f'enum.engagement_kind.{kind}', language)}"
        for on_date, kind, _objective in upcoming
    )
    closing = [
        _Line(
            _labelled(translate("handshake.next_review", language), review, language)
            if summary.handshake_stage
            else "",
            18,
            bold=True,
            space_after=4,
        ),
        _Line(
            _labelled(translate("qbr.next_meeting", language), meetings, language)
            if meetings
            else translate("overview.no_engagements" if internal else "qbr.customer.no_engagements", language),
            18,
            space_after=0,
        ),
    ]
    if not items:
        top = deck.statement(
            slide,
            translate(
                "qbr.no_follow_ups"
                if internal
                else ("qbr.customer.commitments_to_review" if late else "qbr.customer.no_commitments"),
                language,
            ),
            top=BODY_TOP,
        )
        _note(deck, slide, top + 0.1, closing)
        return

    def kind(item) -> str:  # in the customer's deck their commitments are "yours"
        key = "qbr.follow_up.theirs" if not internal and item.kind == "theirs" else f"enum.follow_up.{item.kind}"
        return translate(key, language)

    rows = [
        [
            _Cell(kind(item)),
            _Cell(str(item.title)),
            _Cell(str(item.owner)),
            _Cell(_day(item.due_date, language), align="center"),  # when delivered, the day it was done
            status(item),
        ]
        for item in items
    ]
    header = [
        translate("qbr.col.kind", language),
        translate("qbr.col.item" if internal else "col.commitments.description", language),
        translate("col.actions.owner", language),
        translate("qbr.col.date" if delivered else "col.actions.due_date", language),
        translate("col.actions.status", language),
    ]
    slide, end = deck.table(
        slide, MARGIN, BODY_TOP, [2.2, 4.6, 2.0, 1.6, 1.73], header, rows, row_height=0.5, bottom=BODY_BOTTOM - 1.0
    )
    _note(deck, slide, end + 0.05, closing)


def _challenge_slide(deck: _Deck, session: Session, facts: _Facts) -> None:
    """The latest closed challenge session (internal deck only; no slide when none was closed): who
    closed it and when, the counts, then each recommendation and what became of it."""
    language = deck.language
    latest = latest_closed(session, facts.summary.account_id)
    if latest is None:
        return
    slide = deck.slide(translate("qbr.slide.challenge", language), (_source(language, "page.challenge"),))
    summary = latest.summary
    heading = [
        _Line(
            translate(
                "qbr.challenge_closed",
                language,
                title=str(latest.title),
                date=moment(latest.closed_at, language),
                who=str(latest.closed_by),
            ),
            18,
            ink=MUTED,
            space_after=4,
        ),
        _Line(counts_text(summary, language), 20, bold=True, space_after=0),
    ]
    slide, top = deck.flow(slide, MARGIN, BODY_TOP, CONTENT_WIDTH, heading)
    top += 0.15
    if not summary.outcomes:
        deck.statement(slide, translate("qbr.no_recommendations", language), top=top)
        return
    rows = []
    for outcome in summary.outcomes:
        acted = outcome.outcome == "action"
        rows.append(
            [
                _Cell(str(outcome.text)),
                _Cell(
                    translate(f"enum.challenge_outcome.{outcome.outcome}", language),
                    ink=RAG_INK["green"] if acted else MUTED,
                    bold=True,
                    align="center",
                ),
                _Cell(_text(outcome.owner if acted else outcome.reason)),
                _Cell(_day(outcome.due_date, language) if acted else "–", align="center"),
            ]
        )
    header = [
        translate("qbr.col.recommendation", language),
        translate("qbr.col.outcome", language),
        translate("qbr.col.owner_or_reason", language),
        translate("col.actions.due_date", language),
    ]
    deck.table(slide, MARGIN, top, [5.6, 1.6, 3.4, 1.53], header, rows, row_height=0.5)


# --- the pack ---------------------------------------------------------------------------------------


def build_qbr(
    session: Session,
    account_id: int,
    today: date,
    language: str = "en",
    internal: bool = True,
    overdue_as_new_date: bool = False,
) -> QbrPack:
    """The QBR deck of ``account_id`` (NotFoundError when unknown), in ``language``.

    ``internal=True`` (the KAM's preparation) adds the portfolio-matrix slide, the influence and
    attitude of each stakeholder, the buying centre's status, the white-space cells held by
    competitors, our margin, our own account-plan actions and the latest challenge session's summary;
    ``internal=False`` is the deck to show the customer and leaves all of these out, says so on its
    first slide, and leaves our overdue commitments out too unless ``overdue_as_new_date`` (then they
    read "in progress, new date ...")."""
    facts = _facts(session, account_id, today)
    deck = _Deck(language)
    view = read_handshake(session, account_id)
    _title_slide(deck, facts, view.signatory, internal, view.stage)
    _figures_slide(deck, facts, internal)
    if internal:
        _portfolio_slide(deck, session, facts)
    _priorities_slide(deck, session, facts, internal)
    _buying_centre_slide(deck, session, facts, internal)
    _white_space_slide(deck, session, facts, internal)
    _handshake_slide(deck, session, facts, internal)
    _engagement_slide(deck, session, facts, internal)
    _actions_slide(deck, session, facts, internal, overdue_as_new_date)
    if internal:  # our own review of our plan: never in the customer's deck
        _challenge_slide(deck, session, facts)
    period = facts.summary.current_period
    name = facts.summary.name
    shown = quarter(period, language)  # "Q4 2026" / "T4 2026"; the file's name keeps the code
    footer = translate("qbr.footer_internal" if internal else "qbr.footer", language, account=name, period=shown)
    properties = deck.presentation.core_properties
    properties.title = f"{translate('qbr.title', language)} — {name} — {shown}"
    properties.subject = name
    # the file's properties say who prepared it and when (the day it was built for, not the clock), never
    # python-pptx's template defaults ("Steve Canny", 2013, "generated using python-pptx")
    author = facts.summary.kam or translate("qbr.author_programme", language)
    built = datetime.combine(today, time(0, 0))
    properties.author = author
    properties.last_modified_by = author
    properties.created = built
    properties.modified = built
    properties.last_printed = built
    properties.revision = 1
    properties.comments = translate("qbr.file_description_internal" if internal else "qbr.file_description", language)
    properties.keywords = f"{translate('qbr.title', language)}; {name}; {shown}"
    properties.category = translate("qbr.title", language)
    properties.content_status = translate("qbr.file_internal", language) if internal else ""
    properties.identifier = ""
    properties.version = ""
    properties.language = {"fr": "fr-FR"}.get(language, "en-GB")
    data = deck.finish(footer)
    suffix = f"-{_slug(translate('qbr.file_internal', language))}" if internal else ""
    return QbrPack(
        account_name=name, slides=tuple(deck.titles), data=data, filename=f"QBR-{_slug(name)}-{period}{suffix}.pptx"
    )
