"""The workshop's minutes (``kam_core.documents.minutes``) as files to circulate: a Word document
(``minutes_docx``), one 16:9 slide for the room (``minutes_pptx``) and a table for a page to preview
(``minutes_frame``), in English or French (catalog keys ``minutes.*``; quadrant names are the
catalog's ``enum.segment.*``, as in the QBR pack).

The Word document: the title, date, period, facilitator and participants; a summary line (accounts
reviewed, segment changes, actions) and the segment changes, one line each; per account the segment
and the scores before → after, the decision and its reason, its actions (owner, due) and the room's
votes per criterion (votes, min / median / max, the score committed, the participants whose vote
stood far from the others); then every action of the workshop in one table, sorted by due date
(undated last, ties in the order of the minutes).

The slide follows the QBR deck's look (``qbr_layout``: its fonts, colours, table and footer): a
line of date, period and counts, then a table of accounts (account, segment before → after, the
decision with its reason, the actions count); a changed segment is set in bold, in the accent
colour. The continuation rule: a slide holds at most ``MAX_ROWS`` (8) accounts, fewer when their
estimated height (each cell cut to two lines with "…", by the deck's safe estimate of wrapped text)
would pass the body's bottom; the accounts that do not fit go, in order, to continuation slides
titled "… (continued)". Fifteen accounts with short reasons take two slides.

Everything the users typed (names, reasons, actions, criteria) is set as plain text: nothing is read
as Markdown or HTML; characters XML cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kam_core.common.formatting import day, number, quarter, score
from kam_core.documents.minutes import MinutesAction, ReviewedAccount, VoteSpread, WorkshopMinutes
from kam_core.documents.qbr_layout import (
    ACCENT,
    BODY_TOP,
    CONTENT_WIDTH,
    FOOTER_PT,
    MARGIN,
    MAX_ROWS,
    MUTED,
    TITLE_PT,
    _Cell,
    _chars_per_line,
    _Deck,
    _fit,
    _labelled,
    _Line,
    _slug,
)
from kam_core.i18n import translate

ARROW = "→"
DASH = "–"
SLIDE_WIDTHS = (3.25, 3.4, 4.43, 1.05)  # inches: account, segment before → after, decision, actions
SLIDE_MAX_LINES = 2  # lines per table cell on the slide
HEADER_PT = 18
HEADER_TOP = BODY_TOP - 0.1
TABLE_TOP = BODY_TOP + 0.75  # on the first slide, below the line of date, period and counts

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _plain(text) -> str:
    """User text as it can be written into a document: as typed, less the characters XML cannot hold."""
    return _NOT_XML.sub("", str(text or ""))


def _t(key: str, language: str, **params) -> str:
    return translate(key, language, **params)


# --- what both renderings say -------------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesCounts:
    accounts: int
    segment_changes: int
    actions: int


def minutes_counts(minutes: WorkshopMinutes) -> MinutesCounts:
    """Accounts reviewed, accounts whose segment after differs from the one before, actions."""
    return MinutesCounts(
        accounts=len(minutes.accounts),
        segment_changes=sum(_changed(account) for account in minutes.accounts),
        actions=sum(len(account.actions) for account in minutes.accounts),
    )


def _changed(account: ReviewedAccount) -> bool:
    return account.segment_after != account.segment_before


def consolidated_actions(minutes: WorkshopMinutes) -> list[tuple[str, MinutesAction]]:
    """Every action of the workshop with its account's name, by due date: undated ones last, and
    actions due the same day in the order of the minutes."""
    actions = [(account.name, action) for account in minutes.accounts for action in account.actions]
    return sorted(actions, key=lambda pair: (pair[1].due is None, pair[1].due or date.min))


def _count(kind: str, count: int, language: str) -> str:
    """'1 account reviewed', '3 accounts reviewed'; in French 0 and 1 take the singular."""
    one = count < 2 if language == "fr" else count == 1
    return _t(f"minutes.count.{kind}.{'one' if one else 'other'}", language, count=count)


def summary_line(minutes: WorkshopMinutes, language: str) -> str:
    counts = minutes_counts(minutes)
    return " · ".join(
        [
            _count("accounts", counts.accounts, language),
            _count("changes", counts.segment_changes, language),
            _count("actions", counts.actions, language),
        ]
    )


def _segment(code: str | None, language: str) -> str:
    return _t(f"enum.segment.{code or 'unscored'}", language)


def _segments(account: ReviewedAccount, language: str) -> str:
    return f"{_segment(account.segment_before, language)} {ARROW} {_segment(account.segment_after, language)}"


def _scores(before: float | None, after: float | None, language: str) -> str:
    return f"{score(before, language)} {ARROW} {score(after, language)}"


def _decision(account: ReviewedAccount, language: str) -> str:
    return _t(f"minutes.decision.{account.decision or 'none'}", language)


def _vote(value: float | None, language: str) -> str:
    return DASH if value is None else number(round(value, 1), language)


def _axis(axis: str, language: str) -> str:
    return _t(f"overview.{axis}", language) if axis in ("attractiveness", "strength") else (_plain(axis) or DASH)


def _spread_row(spread: VoteSpread, language: str) -> list[str]:
    return [
        _plain(spread.criterion),
        _axis(spread.axis, language),
        str(spread.votes),
        _vote(spread.low, language),
        _vote(spread.median, language),
        _vote(spread.high, language),
        _vote(spread.committed, language),
        ", ".join(_plain(name) for name in spread.outliers) or DASH,
    ]


def _voted(account: ReviewedAccount) -> bool:
    return any(spread.votes for spread in account.spreads)


def _spreads_shown(account: ReviewedAccount) -> list[VoteSpread]:
    """The criteria the room voted on or a score was committed for (a criterion with neither says
    nothing)."""
    return [spread for spread in account.spreads if spread.votes or spread.committed is not None]


def _heading(minutes: WorkshopMinutes, language: str) -> str:
    return f"{_t('minutes.heading', language)} — {_plain(minutes.title)}"


def minutes_filename(minutes: WorkshopMinutes, language: str, extension: str) -> str:
    """'workshop-minutes-q4-scoring-2026-12-07.docx' (the title folded to ASCII)."""
    return f"{_t('minutes.file', language)}-{_slug(minutes.title)}-{minutes.held_on.isoformat()}.{extension}"


# --- Word ---------------------------------------------------------------------------------------------

_DOCX_LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}


def minutes_docx(minutes: WorkshopMinutes, language: str) -> bytes:
    """The minutes as a Word document (A4): see the module's docstring for what it holds."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), _DOCX_LANGUAGES.get(language, "en-GB"))
    normal.element.get_or_add_rPr().append(lang)
    properties = document.core_properties
    properties.title = _heading(minutes, language)
    properties.language = _DOCX_LANGUAGES.get(language, "en-GB")

    def labelled(label: str, text: str) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run(_labelled(label, "", language).rstrip()).bold = True
        paragraph.add_run(f" {text}")

    def table(header: list[str], rows: list[list[str]]) -> None:
        grid = document.add_table(rows=1 + len(rows), cols=len(header))
        grid.style = "Light Grid Accent 1"
        head = grid.rows[0]
        head_properties = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table spans
        repeat.set(qn("w:val"), "true")
        head_properties.append(repeat)
        for cell, text in zip(head.cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row, texts in zip(grid.rows[1:], rows):
            for cell, text in zip(row.cells, texts):
                cell.text = text

    document.add_heading(_heading(minutes, language), level=1)
    labelled(_t("minutes.date", language), day(minutes.held_on, language))
    labelled(_t("minutes.period", language), _plain(quarter(minutes.period, language)) or DASH)
    labelled(_t("minutes.facilitator", language), _plain(minutes.facilitator) or DASH)
    labelled(_t("minutes.participants", language), ", ".join(_plain(name) for name in minutes.participants) or DASH)
    document.add_heading(_t("minutes.summary", language), level=2)
    document.add_paragraph(summary_line(minutes, language))
    for account in minutes.accounts:  # the segment changes, first: what a reader in a hurry looks for
        if _changed(account):
            document.add_paragraph(
                _labelled(_plain(account.name), _segments(account, language), language), "List Bullet"
            )

    document.add_heading(_t("minutes.section.accounts", language), level=2)
    if not minutes.accounts:
        document.add_paragraph(_t("minutes.no_accounts", language))
    for account in minutes.accounts:
        document.add_heading(_plain(account.name), level=3)
        labelled(_t("minutes.segment", language), _segments(account, language))
        labelled(
            _t("overview.attractiveness", language),
            _scores(account.attractiveness_before, account.attractiveness_after, language),
        )
        labelled(_t("overview.strength", language), _scores(account.strength_before, account.strength_after, language))
        labelled(_t("minutes.decision", language), _decision(account, language))
        labelled(_t("minutes.reason", language), _plain(account.reason) or DASH)
        if account.minutes_spent is not None:
            labelled(
                _t("minutes.time_spent", language),
                _t("minutes.minutes_value", language, minutes=number(max(1, round(account.minutes_spent)), language)),
            )
        paragraph = document.add_paragraph()
        paragraph.add_run(_t("minutes.col.actions", language)).bold = True
        if account.actions:
            table(
                [_t(f"minutes.col.{name}", language) for name in ("action", "owner", "due")],
                [[_plain(a.title), _plain(a.owner) or DASH, day(a.due, language)] for a in account.actions],
            )
        else:
            document.add_paragraph(_t("minutes.no_actions", language))
        paragraph = document.add_paragraph()
        paragraph.add_run(_t("minutes.votes", language)).bold = True
        if not _voted(account):
            document.add_paragraph(_t("minutes.no_votes", language))
        if _spreads_shown(account):  # scores committed without votes are shown too, with 0 votes
            table(
                [
                    _t(f"minutes.col.{name}", language)
                    for name in ("criterion", "axis", "votes", "low", "median", "high", "committed", "outliers")
                ],
                [_spread_row(spread, language) for spread in _spreads_shown(account)],
            )

    document.add_heading(_t("minutes.all_actions", language), level=2)
    actions = consolidated_actions(minutes)
    if actions:
        table(
            [_t(f"minutes.col.{name}", language) for name in ("account", "action", "owner", "due")],
            [[_plain(name), _plain(a.title), _plain(a.owner) or DASH, day(a.due, language)] for name, a in actions],
        )
    else:
        document.add_paragraph(_t("minutes.no_actions", language))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the slide ----------------------------------------------------------------------------------------


def _slide_row(account: ReviewedAccount, language: str) -> list[_Cell]:
    changed = _changed(account)
    decision = _t(f"minutes.decision_short.{account.decision or 'none'}", language)
    reason = " ".join(_plain(account.reason).split())
    return [
        _Cell(" ".join(_plain(account.name).split()), bold=True),
        _Cell(_segments(account, language), bold=changed, ink=ACCENT if changed else None),
        _Cell(f"{decision} — {reason}" if reason else decision, ink=None if account.decision else MUTED),
        _Cell(str(len(account.actions)), align="center"),
    ]


def _one_line(text: str, size: float, width: float, bold: bool = False) -> str:
    return _fit(text, _chars_per_line(width - 0.2, size, bold), 1)


def minutes_pptx(minutes: WorkshopMinutes, language: str) -> bytes:
    """The minutes as a 16:9 deck for the projector: one slide, and continuation slides only when the
    accounts do not fit (the rule is in the module's docstring)."""
    deck = _Deck(language)
    title = _one_line(_heading(minutes, language), TITLE_PT, CONTENT_WIDTH, bold=True)
    facts = [day(minutes.held_on, language), _plain(quarter(minutes.period, language))]
    if minutes.facilitator:
        facts.append(_t("minutes.facilitated_by", language, name=_plain(minutes.facilitator)))
    header_lines = [
        _Line(_one_line(" · ".join(part for part in facts if part), HEADER_PT, CONTENT_WIDTH), HEADER_PT, ink=MUTED),
        _Line(
            _one_line(summary_line(minutes, language), HEADER_PT, CONTENT_WIDTH, bold=True),
            HEADER_PT,
            bold=True,
            space_after=0,
        ),
    ]
    header = [_t(f"minutes.col.{name}", language) for name in ("account", "segment", "decision", "actions")]
    rows = [_slide_row(account, language) for account in minutes.accounts]
    slide = deck.slide(title)
    deck.text(slide, MARGIN, HEADER_TOP, CONTENT_WIDTH, TABLE_TOP - HEADER_TOP, header_lines)
    if not rows:
        deck.sentence(slide, _t("minutes.no_accounts", language), top=TABLE_TOP)
    top = TABLE_TOP
    while rows:
        _, shown = deck.table(
            slide, MARGIN, top, list(SLIDE_WIDTHS), header, rows[:MAX_ROWS], max_lines=SLIDE_MAX_LINES
        )
        rows = rows[shown:]
        if rows:
            slide = deck.slide(_t("minutes.continued", language, title=_t("minutes.heading", language)))
            top = BODY_TOP
    footer = _one_line(
        f"{_heading(minutes, language)} · {day(minutes.held_on, language)}", FOOTER_PT, CONTENT_WIDTH - 1.6
    )
    return deck.finish(footer)


# --- a preview for a page -----------------------------------------------------------------------------


def minutes_frame(minutes: WorkshopMinutes, language: str) -> pd.DataFrame:
    """One row per account reviewed, with translated column names, for a page to show before the
    files are downloaded (texts as typed; a page shows them in a table, which reads no Markdown)."""
    keys = (
        "minutes.col.account",
        "minutes.col.segment_before",
        "minutes.col.segment_after",
        "minutes.col.attractiveness_before",
        "minutes.col.attractiveness_after",
        "minutes.col.strength_before",
        "minutes.col.strength_after",
        "minutes.decision",
        "minutes.col.reason",
        "minutes.col.actions",
    )
    rows = [
        (
            account.name,
            _segment(account.segment_before, language),
            _segment(account.segment_after, language),
            account.attractiveness_before,
            account.attractiveness_after,
            account.strength_before,
            account.strength_after,
            _decision(account, language),
            account.reason,
            len(account.actions),
        )
        for account in minutes.accounts
    ]
    return pd.DataFrame(rows, columns=[_t(key, language) for key in keys])
