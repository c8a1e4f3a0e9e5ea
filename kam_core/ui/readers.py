"""Cached reads. Every function here is keyed by the database URL and today's date, and
``clear()`` (called after every write) empties the cache, so a rerun never reloads the world
and a save is seen at once."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from datetime import date

import pandas as pd
import streamlit as st
from sqlmodel import Session

from kam_core.account import accounts
from kam_core.documents import brief
from kam_core.account import buying_centre
from kam_core.account import engagement
from kam_core.programme import executives
from kam_core.account import handshake
from kam_core.exchange import importing
from kam_core.account import duplicates
from kam_core.account import merge
from kam_core.portfolio import overview
from kam_core.documents import qbr
from kam_core.portfolio import scoring
from kam_core.account import sections
from kam_core.programme import settings
from kam_core.programme import team
from kam_core.account import white_space
from kam_core.account.summary import AccountSummary, account_summary
from kam_core.common.clock import today
from kam_core.store.db import database_url, get_engine, store_info
from kam_core.portfolio.directory import AccountDirectory, account_directory as _read_directory, without_archived
from kam_core.account.engagement import UpcomingEngagement, upcoming_engagements
from kam_core.common.errors import NotFoundError
from kam_core.portfolio.matrix import StrategicCapacity, active_kams, matrix_table
from kam_core.store.models import AXES
from kam_core.store.memory import without_gc_pauses
from kam_core.portfolio.segmentation import Thresholds, segments

_CACHE = {"show_spinner": False, "max_entries": 16}
KEPT_PER_READER = 16  # values each reader keeps (the least recently used go first)

_generation = 0  # how many times the cache was cleared in this process: what memo.remember compares
_kept_values: dict[str, OrderedDict] = {}  # reader -> {arguments: value}, for this generation only
_kept_lock = threading.Lock()
_computing: dict[tuple, threading.Lock] = {}  # one computation of a value at a time


def clear() -> None:
    """After every write: every value read before is stale (in every session of this process)."""
    global _generation
    with _kept_lock:
        _generation += 1
        _kept_values.clear()
        _computing.clear()
    st.cache_data.clear()


def generation() -> int:
    """Changes at every ``clear()``: what was built from the data before is stale."""
    return _generation


def _kept(function):
    """Keeps what ``function`` read, once for the whole process, until the next ``clear()``.

    Unlike ``st.cache_data`` it does not pickle the value and hand each call an unpickled copy:
    a rerun gets the very value read before, at no cost (the copy cost about a third of a ms for
    a small frame and several for the portfolio's tables, at every call of every rerun), and the
    process holds one copy of it whatever the number of sessions. The price: a value read is
    shared, so pages and the rules they call never change it in place (they copy first)."""
    name = function.__qualname__

    @functools.wraps(function)
    def read(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # an argument that cannot be a key: read it again
            return function(*args, **kwargs)
        with _kept_lock:
            generation, values = _generation, _kept_values.setdefault(name, OrderedDict())
            if key in values:
                values.move_to_end(key)
                return values[key]
            computing = _computing.setdefault((name, key), threading.Lock())
        with computing:  # two sessions asking for the same value: the second waits for the first
            with _kept_lock:
                if generation == _generation and key in values:
                    return values[key]
            with without_gc_pauses():  # a read builds many objects and no garbage: no collection walks them
                value = function(*args, **kwargs)
            with _kept_lock:
                if generation == _generation:  # not kept when a write came in the meantime
                    values[key] = value
                    while len(values) > KEPT_PER_READER:
                        values.popitem(last=False)
                    _computing.pop((name, key), None)
            return value

    return read


@_kept
def _account_table(url: str, day: date) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return overview.account_table(session, day)


def account_table() -> pd.DataFrame:
    return _account_table(database_url(), today())


@_kept
def _account_directory(url: str, with_archived: bool) -> AccountDirectory:
    if not with_archived:  # the frame's selector and Duplicates and merge: one read serves both
        return without_archived(_account_directory(url, True))
    with Session(get_engine(url)) as session:
        return _read_directory(session, with_archived=True)


def account_directory(with_archived: bool = False) -> AccountDirectory:
    return _account_directory(database_url(), with_archived)


@_kept
def _settings(url: str) -> settings.ProgrammeSettings:
    with Session(get_engine(url)) as session:
        return settings.read_settings(session)


def programme_settings() -> settings.ProgrammeSettings:
    return _settings(database_url())


@_kept
def _portfolio_figures(url: str, day: date) -> overview.PortfolioFigures:
    settings = _settings(url)
    limit = StrategicCapacity(0, settings.strategic_capacity, _active_kams(url), settings.accounts_per_kam).limit
    return overview.portfolio_figures(_account_table(url, day), limit, overview.reference_year(day))


def portfolio_figures() -> overview.PortfolioFigures:
    """The programme's figures (Home, Executive engagement): computed once per state of the data,
    not from the whole account table at every rerun."""
    return _portfolio_figures(database_url(), today())


@_kept
def _upcoming(url: str, day: date, days: int, limit: int) -> list[UpcomingEngagement]:
    with Session(get_engine(url)) as session:
        return upcoming_engagements(session, day, days=days, limit=limit)


def upcoming(days: int = 30, limit: int = 8) -> list[UpcomingEngagement]:
    return _upcoming(database_url(), today(), days, limit)


@_kept
def _account_summary(url: str, day: date, account_id: int) -> AccountSummary | None:
    with Session(get_engine(url)) as session:
        return account_summary(session, account_id, day)


def account_summary_of(account_id: int) -> AccountSummary | None:
    return _account_summary(database_url(), today(), account_id)


@_kept
def _database_info(url: str):
    return store_info(get_engine(url))


def database_info():
    return _database_info(database_url())


@_kept
def _segments(url: str, period: str, attractiveness_threshold: float, strength_threshold: float) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return segments(session, period, Thresholds(attractiveness_threshold, strength_threshold))


def segments_of(period: str) -> pd.DataFrame:
    current = programme_settings()
    return _segments(database_url(), period, current.attractiveness_threshold, current.strength_threshold)


@_kept
def _scored_periods(url: str) -> list[str]:
    with Session(get_engine(url)) as session:
        return scoring.scored_periods(session)


def scored_periods() -> list[str]:
    return _scored_periods(database_url())


def period_choices() -> list[str]:
    """Quarters that can be shown or scored: those with scores and the current one, newest first."""
    return sorted(set(scored_periods()) | {programme_settings().current_period}, reverse=True)


@_kept
def _active_kams(url: str) -> int:
    with Session(get_engine(url)) as session:
        return active_kams(session)


def active_kam_count() -> int:
    return _active_kams(database_url())


@_kept
def _matrix(url: str, day: date, period: str, compare_with: str | None) -> pd.DataFrame:
    previous = segments_of(compare_with) if compare_with else None
    active = sum(len(criteria_of(axis)) for axis in AXES)
    return matrix_table(account_table(), segments_of(period), previous, active_criteria=active)


def matrix(period: str, compare_with: str | None) -> pd.DataFrame:
    return _matrix(database_url(), today(), period, compare_with)


@_kept
def _account_scores(url: str, account_id: int, period: str) -> list[scoring.AccountScore]:
    with Session(get_engine(url)) as session:
        return scoring.account_scores(session, account_id, period)


def account_scores_of(account_id: int, period: str) -> list[scoring.AccountScore]:
    return _account_scores(database_url(), account_id, period)


@_kept
def _score_sheet(url: str, period: str, axis: str) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return scoring.score_sheet(session, period, axis)


def score_sheet(period: str, axis: str) -> pd.DataFrame:
    return _score_sheet(database_url(), period, axis)


@_kept
def _score_versions(url: str, period: str, axis: str) -> dict[tuple[int, int], int]:
    with Session(get_engine(url)) as session:
        return scoring.score_versions(session, period, axis)


def score_versions(period: str, axis: str) -> dict[tuple[int, int], int]:
    return _score_versions(database_url(), period, axis)


@_kept
def _criteria(url: str, axis: str, include_inactive: bool) -> list[scoring.CriterionRow]:
    with Session(get_engine(url)) as session:
        return scoring.list_criteria(session, axis, include_inactive=include_inactive)


def criteria_of(axis: str, include_inactive: bool = False) -> list[scoring.CriterionRow]:
    return _criteria(database_url(), axis, include_inactive)


# --- the account strategy canvas ----------------------------------------------------------------


@_kept
def _section_frame(url: str, section: str, account_id: int) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return sections.load_section(session, section, account_id)


def section_frame(section: str, account_id: int) -> pd.DataFrame:
    return _section_frame(database_url(), section, account_id)


@_kept
def _section_refs(url: str, section: str, account_id: int) -> dict[str, dict[int, str]]:
    with Session(get_engine(url)) as session:
        return sections.ref_choices(session, section, account_id)


def section_refs(section: str, account_id: int) -> dict[str, dict[int, str]]:
    return _section_refs(database_url(), section, account_id)


@_kept
def _plan_text(url: str, account_id: int) -> sections.PlanText:
    with Session(get_engine(url)) as session:
        return sections.read_plan_text(session, account_id)


def plan_text(account_id: int) -> sections.PlanText:
    return _plan_text(database_url(), account_id)


@_kept
def _key_figures(url: str, account_id: int) -> sections.KeyFigures:
    with Session(get_engine(url)) as session:
        return sections.read_key_figures(session, account_id)


def key_figures(account_id: int) -> sections.KeyFigures:
    return _key_figures(database_url(), account_id)


@_kept
def _stakeholders(url: str, account_id: int) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return buying_centre.load_stakeholders(session, account_id)


def stakeholders(account_id: int) -> pd.DataFrame:
    return _stakeholders(database_url(), account_id)


@_kept
def _white_space(url: str, account_id: int) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return white_space.load_white_space(session, account_id)


def white_space_cells(account_id: int) -> pd.DataFrame:
    return _white_space(database_url(), account_id)


# --- handshakes ---------------------------------------------------------------------------------


@_kept
def _handshake_view(url: str, account_id: int) -> handshake.HandshakeView:
    with Session(get_engine(url)) as session:
        return handshake.read_handshake(session, account_id)


def handshake_view(account_id: int) -> handshake.HandshakeView:
    return _handshake_view(database_url(), account_id)


@_kept
def _handshake_choices(url: str, account_id: int, keep: int | None) -> tuple[dict[int, str], dict[int, str]]:
    with Session(get_engine(url)) as session:
        return handshake.signatory_choices(session, account_id), handshake.sponsor_choices(session, keep=keep)


def handshake_choices(account_id: int, sponsor_id: int | None) -> tuple[dict[int, str], dict[int, str]]:
    """(signatories: the account's stakeholders, sponsors: our active executives and the one set,
    even if no longer active, so that saving something else never clears it)."""
    return _handshake_choices(database_url(), account_id, sponsor_id)


@_kept
def _handshake_details(url: str, day: date, account_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with Session(get_engine(url)) as session:
        return (handshake.kpi_history(session, account_id), handshake.reviews(session, account_id),
                handshake.commitments_with_rag(session, account_id, day))


def handshake_details(account_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(KPI readings, reviews, commitments with their RAG status) of one account's handshake."""
    return _handshake_details(database_url(), today(), account_id)


@_kept
def _strategic_account_ids(url: str, day: date) -> list[int]:
    table = overview.in_programme(_account_table(url, day))
    return [int(i) for i in table.loc[table["segment"] == "strategic", "account_id"]]


# The readers below take the strategic accounts inside: as an argument, a list of thousands of ids
# would be hashed at every rerun to find the cached value.
@_kept
def _handshake_board(url: str, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    account_ids = _strategic_account_ids(url, day)
    with Session(get_engine(url)) as session:
        return (handshake.handshake_board(session, account_ids, day),
                handshake.overdue_commitments(session, day, account_ids))


def handshake_board() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per strategic account, every overdue commitment of those accounts)."""
    return _handshake_board(database_url(), today())


# --- executive engagement ---------------------------------------------------------------------


@_kept
def _cadence(url: str, day: date, account_id: int | None) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return engagement.cadence_grid(session, day, account_id)


def cadence(account_id: int | None = None) -> pd.DataFrame:
    """Every pairing (of one account, or of the programme) against its cadence."""
    return _cadence(database_url(), today(), account_id)


@_kept
def _sponsor_load(url: str, day: date) -> pd.DataFrame:
    strategic_ids = _strategic_account_ids(url, day)
    with Session(get_engine(url)) as session:
        return engagement.sponsor_load(session, day, strategic_ids)


def sponsor_load() -> pd.DataFrame:
    return _sponsor_load(database_url(), today())


@_kept
def _sponsor_options(url: str, day: date) -> pd.DataFrame:
    with Session(get_engine(url)) as session:  # no strategic accounts: their count is not shown here
        load = engagement.sponsor_load(session, day, [])
    return load[["executive_id", "executive", "title", "sponsored", "max_accounts"]]


def sponsor_options() -> pd.DataFrame:
    """The active executives with how many accounts each sponsors and their limit: what choosing an
    account's sponsor needs, without the segments of the whole portfolio."""
    return _sponsor_options(database_url(), today())


@_kept
def _engagements(url: str, start: date, end: date, account_id: int | None) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return engagement.engagements_between(session, start, end, account_id)


def engagements(start: date, end: date, account_id: int | None = None) -> pd.DataFrame:
    return _engagements(database_url(), start, end, account_id)


@_kept
def _portfolio_timeline(url: str, day: date, start: date, end: date, limit: int) -> engagement.PortfolioTimeline:
    with Session(get_engine(url)) as session:
        return engagement.portfolio_timeline(session, start, end, day, limit)


def portfolio_timeline(start: date, end: date, limit: int) -> engagement.PortfolioTimeline:
    """The programme's timeline kept to ``limit`` accounts: small enough to read at every rerun."""
    return _portfolio_timeline(database_url(), today(), start, end, limit)


@_kept
def _brief(url: str, day: date, engagement_id: int) -> brief.Brief:
    with Session(get_engine(url)) as session:
        return brief.build_brief(session, engagement_id, day)


def executive_brief(engagement_id: int) -> brief.Brief:
    return _brief(database_url(), today(), engagement_id)


@_kept
def _executives(url: str) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return executives.load_executives(session)


def executives_table() -> pd.DataFrame:
    return _executives(database_url())


# --- accounts and reference data ---------------------------------------------------------------


@_kept
def _account_record(url: str, account_id: int) -> accounts.AccountRecord | None:
    with Session(get_engine(url)) as session:
        try:
            return accounts.load_account(session, account_id)
        except NotFoundError:
            return None


def account_record(account_id: int) -> accounts.AccountRecord | None:
    return _account_record(database_url(), account_id)


@_kept
def _account_form_choices(url: str, account_id: int | None, kam_id: int | None) -> accounts.FormChoices:
    with Session(get_engine(url)) as session:
        return accounts.form_choices(session, account_id, kam_id)


def account_form_choices(account_id: int | None, kam_id: int | None) -> accounts.FormChoices:
    """What the account form offers: group heads, group names, KAMs, sectors in use."""
    return _account_form_choices(database_url(), account_id, kam_id)


@_kept
def _deletion_impact(url: str, account_id: int) -> dict[str, int]:
    with Session(get_engine(url)) as session:
        return accounts.deletion_impact(session, account_id)


def deletion_impact(account_id: int) -> dict[str, int]:
    return _deletion_impact(database_url(), account_id)


@_kept
def _kams(url: str) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return team.load_kams(session)


def kam_table() -> pd.DataFrame:
    return _kams(database_url())


@_kept
def _offers(url: str) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return team.load_offers(session)


def offers_table() -> pd.DataFrame:
    return _offers(database_url())


@_kept
def _duplicates(url: str) -> list[duplicates.DuplicatePair]:
    with Session(get_engine(url)) as session:
        return duplicates.likely_duplicates(session)


def likely_duplicates() -> list[duplicates.DuplicatePair]:
    return _duplicates(database_url())


@_kept
def _merge_plan(url: str, keep_id: int, other_id: int, language: str) -> merge.MergePlan:
    with Session(get_engine(url)) as session:
        return merge.merge_plan(session, keep_id, other_id, language)


def merge_plan(keep_id: int, other_id: int, language: str) -> merge.MergePlan:
    return _merge_plan(database_url(), keep_id, other_id, language)


# --- import ---------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def raw_table(data: bytes, filename: str) -> importing.RawTable:
    """The uploaded file read once (encoding, separator and numbers detected), not at every rerun."""
    return importing.read_table(data, filename)


@st.cache_data(show_spinner=False, max_entries=4)
def _import_preview(url: str, day: date, file_key: str, kind: str, mapping: tuple[tuple[str, str | None], ...],
                    _table: importing.RawTable) -> importing.ImportPreview:
    # keyed by the file's digest: hashing a large table at every rerun would cost seconds
    with Session(get_engine(url)) as session:
        return importing.preview_import(session, _table, kind, dict(mapping), day)


def import_preview(file_key: str, table: importing.RawTable, kind: str, mapping: dict) -> importing.ImportPreview:
    return _import_preview(database_url(), today(), file_key, kind, tuple(sorted(mapping.items())), table)


# --- QBR pack -------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _qbr_pack(url: str, day: date, account_id: int, language: str, internal: bool) -> qbr.QbrPack:
    with Session(get_engine(url)) as session:
        return qbr.build_qbr(session, account_id, day, language, internal=internal)


def qbr_pack(account_id: int, language: str, internal: bool) -> qbr.QbrPack:
    return _qbr_pack(database_url(), today(), account_id, language, internal)


# --- access and audit ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256, ttl=30)  # a role removed elsewhere (another server,
def _role_of(url: str, email: str, admins: tuple[str, ...]) -> str | None:  # the command line) ends within 30 s
    from kam_core.governance.roles import role_of

    with Session(get_engine(url)) as session:
        return role_of(session, email, admins)


def role_of(email: str, admins: tuple[str, ...] = ()) -> str | None:
    """The role of a signed-in e-mail (read again after a write here, or after 30 seconds)."""
    return _role_of(database_url(), email, admins)


@_kept
def _role_grants(url: str) -> list:
    from kam_core.governance.roles import grants

    with Session(get_engine(url)) as session:
        return grants(session)


def role_grants() -> list:
    return _role_grants(database_url())


@_kept
def _account_history(url: str, account_id: int, limit: int) -> tuple[list, dict, int]:
    from kam_core.governance.audit import account_history, history_lines, history_size, reference_labels

    with Session(get_engine(url)) as session:
        lines = history_lines(account_history(session, account_id, limit))
        return lines, reference_labels(session, lines), history_size(session, account_id)


def account_history(account_id: int, limit: int) -> tuple[list, dict, int]:
    """The lines of the account's newest changes (at most ``limit`` changes), what the ids in them
    stand for, and how many changes there are in all."""
    return _account_history(database_url(), account_id, limit)


def last_change(table: str | None, record_id: int | None, account_id: int | None):
    """Who saved a record last, and when (not cached: read when a save was refused)."""
    from kam_core.governance.audit import last_change as _last_change

    with Session(get_engine(database_url())) as session:
        return _last_change(session, table, record_id, account_id)
