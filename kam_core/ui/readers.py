"""Cached reads. A reader is declared once, with ``@reader``: what it reads from (a session, or the
database URL for a read built from other reads) and what else it depends on (``depends_on``, e.g.
today's date). Its value is kept by the database URL, those dependencies and its arguments, and
``clear()`` (called after every write) empties the cache, so a rerun never reloads the world and a
save is seen at once. Four reads keep ``st.cache_data`` instead (a copy per call, their own limits):
the uploaded file, the import preview (keyed by the file's digest), the QBR pack and a role (30 s).

Writes of other processes (the command line, another app server on the same database, a restore)
are seen at the next run: each run of the app first calls ``follow_store()``, which reads the
store's stamp (``audit.store_stamp``: one indexed read of the trail's newest line) and empties the
cache when the stamp differs from the one this process saw last. A restore (``python -m kam_core
restore-backup``) writes the copy into the file in place and adds its own line to the trail, so it is
seen as any other write; a SQLite file replaced at its path (moved or copied over it by hand) is seen
too (``db.follow_file``: another inode), and the engine's pooled connections, still on the old file,
are closed first. Widget state is not touched: what
a session typed and has not saved stays (``section_editor`` keeps the table it is editing)."""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from kam_core.account import (
    accounts,
    buying_centre,
    challenge,
    duplicates,
    engagement,
    handshake,
    merge,
    sections,
    white_space,
)
from kam_core.account.engagement import UpcomingEngagement, upcoming_engagements
from kam_core.account.summary import AccountSummary, account_summary
from kam_core.common.clock import today
from kam_core.common.errors import NotFoundError
from kam_core.documents import brief, deck_preview, qbr
from kam_core.exchange import importing
from kam_core.governance.audit import store_stamp
from kam_core.portfolio import overview, scoring
from kam_core.portfolio.directory import AccountDirectory, without_archived
from kam_core.portfolio.directory import account_directory as _read_directory
from kam_core.portfolio.matrix import StrategicCapacity, active_kams, matrix_table
from kam_core.portfolio.segmentation import Thresholds, load_programme, segments
from kam_core.programme import budget, business_case, cycle, executives, roi, settings, targets, team
from kam_core.programme.membership import programme_accounts, with_programme_since
from kam_core.programme.roi_inputs import read_roi_inputs
from kam_core.store.db import database_url, follow_file, get_engine, store_info
from kam_core.store.memory import without_gc_pauses
from kam_core.store.models import AXES

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


_stamps: dict[str, object] = {}  # database URL -> the store's stamp this process saw last
_stamps_lock = threading.Lock()
_UNSEEN = object()


def _stamp(url: str):
    """The store's stamp (``audit.store_stamp``) on a pooled connection of the process's engine, or
    ``_UNSEEN`` when it cannot be read (the page then says what is wrong with the store)."""
    try:
        with get_engine(url).connect() as connection:
            return store_stamp(connection)
    except SQLAlchemyError:
        return _UNSEEN


def follow_store() -> bool:
    """At the start of each run: empty the cache when the store changed since this process last
    looked (a write of any process, its own included), and say whether it did. A stamp not read
    before (the process's first run, or one that could not be read) empties it too."""
    url = database_url()
    replaced = follow_file(url)  # another file put at the database's path: its pooled connections closed
    stamp = _stamp(url)
    with _stamps_lock:
        seen = _stamps.get(url, _UNSEEN)
        _stamps[url] = stamp
    changed = replaced or stamp is _UNSEEN or seen is _UNSEEN or seen != stamp
    if changed:
        clear()
    return changed


def written() -> None:
    """After a write of this process: the stamp is read first, then the cache emptied, so the next
    run does not empty it again (every value kept from now on was read after that stamp)."""
    url = database_url()
    stamp = _stamp(url)
    with _stamps_lock:
        _stamps[url] = stamp
    clear()


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


DEPENDENCIES = {"day": lambda: today()}  # what a reader may depend on besides the database, read at each call


def reader(depends_on: tuple[str, ...] = ()):
    """Declares a kept read (``_kept``), written once.

    The function's first parameter is ``session`` (a session on the database's engine, open for the
    read) or ``url`` (the database URL: a read made of other reads, or one that needs the engine); then
    one parameter per name of ``depends_on`` (``DEPENDENCIES``), in that order; then the caller's
    arguments. The decorated name is what pages call, with the caller's arguments only: the database URL
    and the dependencies are added, and defaults filled, so that one value has one key. ``.at(url,
    *dependencies, *arguments)`` is the kept read itself, for a reader built from others with the same
    URL and day."""
    unknown = set(depends_on) - set(DEPENDENCIES)
    if unknown:
        raise ValueError(f"a reader depends on {sorted(unknown)}: not in DEPENDENCIES")

    def declare(function):
        signature = inspect.signature(function)
        parameters = list(signature.parameters.values())
        source = parameters[0].name
        if source not in ("session", "url"):
            raise TypeError(f"{function.__qualname__}: the first parameter is session or url, not {source}")
        if tuple(p.name for p in parameters[1 : 1 + len(depends_on)]) != tuple(depends_on):
            raise TypeError(f"{function.__qualname__}: after {source}, the parameters are {depends_on}")
        own = signature.replace(parameters=parameters[1 + len(depends_on) :])
        count = len(own.parameters)

        if source == "session":

            def read(url, *args):
                with Session(get_engine(url)) as session:
                    return function(session, *args)
        else:
            read = function
        read.__qualname__ = function.__qualname__
        kept = _kept(read)
        needs = [DEPENDENCIES[name] for name in depends_on]

        @functools.wraps(function)
        def public(*args, **kwargs):
            if kwargs or len(args) != count:  # defaults filled and keywords placed: one key per value
                bound = own.bind(*args, **kwargs)
                bound.apply_defaults()
                args = bound.args
            return kept(database_url(), *[need() for need in needs], *args)

        public.__signature__ = own
        public.at = kept
        return public

    return declare


@reader(depends_on=("day",))
def account_table(session: Session, day: date) -> pd.DataFrame:
    return overview.account_table(session, day)


@reader()
def account_directory(url: str, with_archived: bool = False) -> AccountDirectory:
    if not with_archived:  # the frame's selector and Duplicates and merge: one read serves both
        return without_archived(account_directory.at(url, True))
    with Session(get_engine(url)) as session:
        return _read_directory(session, with_archived=True)


@reader()
def programme_settings(session: Session) -> settings.ProgrammeSettings:
    return settings.read_settings(session)


@reader(depends_on=("day",))
def portfolio_figures(url: str, day: date) -> overview.PortfolioFigures:
    """The programme's figures (Home, Executive engagement): computed once per state of the data,
    not from the whole account table at every rerun."""
    current = programme_settings.at(url)
    limit = StrategicCapacity(0, current.strategic_capacity, active_kam_count.at(url), current.accounts_per_kam).limit
    return overview.portfolio_figures(account_table.at(url, day), limit, overview.reference_year(day))


@reader(depends_on=("day",))
def upcoming(session: Session, day: date, days: int = 30, limit: int = 8) -> list[UpcomingEngagement]:
    return upcoming_engagements(session, day, days=days, limit=limit)


@reader(depends_on=("day",))
def account_summary_of(session: Session, day: date, account_id: int) -> AccountSummary | None:
    return account_summary(session, account_id, day)


@reader()
def database_info(url: str):
    return store_info(get_engine(url))


@reader()
def _segments(
    session: Session, period: str, attractiveness_threshold: float, strength_threshold: float
) -> pd.DataFrame:
    return segments(session, period, Thresholds(attractiveness_threshold, strength_threshold))


def segments_of(period: str) -> pd.DataFrame:
    current = programme_settings()
    return _segments(period, current.attractiveness_threshold, current.strength_threshold)


@reader()
def scored_periods(session: Session) -> list[str]:
    return scoring.scored_periods(session)


def period_choices() -> list[str]:
    """Quarters that can be shown or scored: those with scores and the current one, newest first."""
    return sorted(set(scored_periods()) | {programme_settings().current_period}, reverse=True)


@reader()
def active_kam_count(session: Session) -> int:
    return active_kams(session)


@reader(depends_on=("day",))
def matrix(url: str, day: date, period: str, compare_with: str | None) -> pd.DataFrame:
    previous = segments_of(compare_with) if compare_with else None
    active = sum(len(criteria_of(axis)) for axis in AXES)
    return matrix_table(account_table(), segments_of(period), previous, active_criteria=active)


@reader()
def account_scores_of(session: Session, account_id: int, period: str) -> list[scoring.AccountScore]:
    return scoring.account_scores(session, account_id, period)


@reader()
def score_sheet(session: Session, period: str, axis: str) -> pd.DataFrame:
    return scoring.score_sheet(session, period, axis)


@reader()
def score_versions(session: Session, period: str, axis: str) -> dict[tuple[int, int], int]:
    return scoring.score_versions(session, period, axis)


@reader()
def criteria_of(session: Session, axis: str, include_inactive: bool = False) -> list[scoring.CriterionRow]:
    return scoring.list_criteria(session, axis, include_inactive=include_inactive)


# --- the account strategy canvas ----------------------------------------------------------------


@reader()
def section_frame(session: Session, section: str, account_id: int) -> pd.DataFrame:
    return sections.load_section(session, section, account_id)


@reader()
def section_refs(session: Session, section: str, account_id: int) -> dict[str, dict[int, str]]:
    return sections.ref_choices(session, section, account_id)


@reader()
def plan_text(session: Session, account_id: int) -> sections.PlanText:
    return sections.read_plan_text(session, account_id)


@reader()
def key_figures(session: Session, account_id: int) -> sections.KeyFigures:
    return sections.read_key_figures(session, account_id)


@reader()
def stakeholders(session: Session, account_id: int) -> pd.DataFrame:
    return buying_centre.load_stakeholders(session, account_id)


@reader()
def white_space_cells(session: Session, account_id: int) -> pd.DataFrame:
    return white_space.load_white_space(session, account_id)


# --- handshakes ---------------------------------------------------------------------------------


@reader()
def handshake_view(session: Session, account_id: int) -> handshake.HandshakeView:
    return handshake.read_handshake(session, account_id)


@reader()
def handshake_choices(
    session: Session, account_id: int, sponsor_id: int | None
) -> tuple[dict[int, str], dict[int, str]]:
    """(signatories: the account's stakeholders, sponsors: our active executives and the one set,
    even if no longer active, so that saving something else never clears it)."""
    return handshake.signatory_choices(session, account_id), handshake.sponsor_choices(session, keep=sponsor_id)


@reader(depends_on=("day",))
def handshake_details(session: Session, day: date, account_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(KPI readings, reviews, commitments with their RAG status) of one account's handshake."""
    return (
        handshake.kpi_history(session, account_id),
        handshake.reviews(session, account_id),
        handshake.commitments_with_rag(session, account_id, day),
    )


@reader(depends_on=("day",))
def _strategic_account_ids(url: str, day: date) -> list[int]:
    table = overview.in_programme(account_table.at(url, day))
    return [int(i) for i in table.loc[table["segment"] == "strategic", "account_id"]]


# The readers below take the strategic accounts inside: as an argument, a list of thousands of ids
# would be hashed at every rerun to find the cached value.
@reader(depends_on=("day",))
def handshake_board(url: str, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per strategic account, every overdue commitment of those accounts)."""
    account_ids = _strategic_account_ids.at(url, day)
    with Session(get_engine(url)) as session:
        return (
            handshake.handshake_board(session, account_ids, day),
            handshake.overdue_commitments(session, day, account_ids),
        )


# --- challenge sessions -------------------------------------------------------------------------


@reader()
def challenge_sessions(session: Session, account_id: int) -> list[challenge.SessionView]:
    """The account's challenge sessions with their items: the open one first, then newest first."""
    return challenge.sessions_of(session, account_id)


# --- executive engagement ---------------------------------------------------------------------


@reader(depends_on=("day",))
def cadence(session: Session, day: date, account_id: int | None = None) -> pd.DataFrame:
    """Every pairing (of one account, or of the programme) against its cadence."""
    return engagement.cadence_grid(session, day, account_id)


@reader(depends_on=("day",))
def sponsor_load(url: str, day: date) -> pd.DataFrame:
    strategic_ids = _strategic_account_ids.at(url, day)
    with Session(get_engine(url)) as session:
        return engagement.sponsor_load(session, day, strategic_ids)


@reader(depends_on=("day",))
def sponsor_options(session: Session, day: date) -> pd.DataFrame:
    """The active executives with how many accounts each sponsors and their limit: what choosing an
    account's sponsor needs, without the segments of the whole portfolio."""
    load = engagement.sponsor_load(session, day, [])  # no strategic accounts: their count is not shown here
    return load[["executive_id", "executive", "title", "sponsored", "max_accounts"]]


@reader()
def engagements(session: Session, start: date, end: date, account_id: int | None = None) -> pd.DataFrame:
    return engagement.engagements_between(session, start, end, account_id)


@reader(depends_on=("day",))
def portfolio_timeline(session: Session, day: date, start: date, end: date, limit: int) -> engagement.PortfolioTimeline:
    """The programme's timeline kept to ``limit`` accounts: small enough to read at every rerun."""
    return engagement.portfolio_timeline(session, start, end, day, limit)


@reader(depends_on=("day",))
def executive_brief(session: Session, day: date, engagement_id: int) -> brief.Brief:
    return brief.build_brief(session, engagement_id, day)


@reader()
def executives_table(session: Session) -> pd.DataFrame:
    return executives.load_executives(session)


# --- accounts and reference data ---------------------------------------------------------------


@reader()
def account_record(session: Session, account_id: int) -> accounts.AccountRecord | None:
    try:
        return accounts.load_account(session, account_id)
    except NotFoundError:
        return None


@reader()
def account_form_choices(session: Session, account_id: int | None, kam_id: int | None) -> accounts.FormChoices:
    """What the account form offers: group heads, group names, KAMs, sectors in use."""
    return accounts.form_choices(session, account_id, kam_id)


@reader()
def deletion_impact(session: Session, account_id: int) -> dict[str, int]:
    return accounts.deletion_impact(session, account_id)


@reader()
def kam_table(session: Session) -> pd.DataFrame:
    return team.load_kams(session)


@reader()
def offers_table(session: Session) -> pd.DataFrame:
    return team.load_offers(session)


@reader()
def likely_duplicates(session: Session) -> list[duplicates.DuplicatePair]:
    return duplicates.likely_duplicates(session)


@reader()
def merge_plan(session: Session, keep_id: int, other_id: int, language: str) -> merge.MergePlan:
    return merge.merge_plan(session, keep_id, other_id, language)


# --- import ---------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def raw_table(data: bytes, filename: str) -> importing.RawTable:
    """The uploaded file read once (encoding, separator and numbers detected), not at every rerun."""
    return importing.read_table(data, filename)


@st.cache_data(show_spinner=False, max_entries=4)
def _import_preview(
    url: str,
    day: date,
    file_key: str,
    kind: str,
    mapping: tuple[tuple[str, str | None], ...],
    _table: importing.RawTable,
) -> importing.ImportPreview:
    # keyed by the file's digest: hashing a large table at every rerun would cost seconds
    with Session(get_engine(url)) as session:
        return importing.preview_import(session, _table, kind, dict(mapping), day)


def import_preview(file_key: str, table: importing.RawTable, kind: str, mapping: dict) -> importing.ImportPreview:
    return _import_preview(database_url(), today(), file_key, kind, tuple(sorted(mapping.items())), table)


# --- QBR pack -------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _qbr_pack(
    url: str, day: date, account_id: int, language: str, internal: bool, overdue_as_new_date: bool = False
) -> qbr.QbrPack:
    with Session(get_engine(url)) as session:
        return qbr.build_qbr(
            session, account_id, day, language, internal=internal, overdue_as_new_date=overdue_as_new_date
        )


def qbr_pack(account_id: int, language: str, internal: bool, overdue_as_new_date: bool = False) -> qbr.QbrPack:
    return _qbr_pack(database_url(), today(), account_id, language, internal, overdue_as_new_date)


@st.cache_data(show_spinner=False, max_entries=4)
def _qbr_previews(
    url: str, day: date, account_id: int, language: str, internal: bool, overdue_as_new_date: bool
) -> list[bytes]:
    return deck_preview.render_slides(_qbr_pack(url, day, account_id, language, internal, overdue_as_new_date).data)


def qbr_previews(account_id: int, language: str, internal: bool, overdue_as_new_date: bool = False) -> list[bytes]:
    """One PNG per slide of ``qbr_pack(...)``'s deck, kept with it (same key, cleared with it)."""
    return _qbr_previews(database_url(), today(), account_id, language, internal, overdue_as_new_date)


# --- access and audit ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256, ttl=30)  # a role removed elsewhere (another server,
def _role_of(url: str, email: str, admins: tuple[str, ...]) -> str | None:  # the command line) ends within 30 s
    from kam_core.governance.roles import role_of

    with Session(get_engine(url)) as session:
        return role_of(session, email, admins)


def role_of(email: str, admins: tuple[str, ...] = ()) -> str | None:
    """The role of a signed-in e-mail (read again after a write here, or after 30 seconds)."""
    return _role_of(database_url(), email, admins)


@reader()
def role_grants(session: Session) -> list:
    from kam_core.governance.roles import grants

    return grants(session)


@reader()
def account_history(session: Session, account_id: int, limit: int) -> tuple[list, dict, int]:
    """The lines of the account's newest changes (at most ``limit`` changes), what the ids in them
    stand for, and how many changes there are in all."""
    from kam_core.governance.audit import account_history, history_lines, history_size, reference_labels

    lines = history_lines(account_history(session, account_id, limit))
    return lines, reference_labels(session, lines), history_size(session, account_id)


def last_change(table: str | None, record_id: int | None, account_id: int | None):
    """Who saved a record last, and when (not cached: read when a save was refused)."""
    from kam_core.governance.audit import last_change as _last_change

    with Session(get_engine(database_url())) as session:
        return _last_change(session, table, record_id, account_id)


# --- the programme's inputs (the Programme inputs page) -----------------------------------------


@reader()
def programme_inputs(session: Session) -> business_case.BusinessCase:
    """The programme's inputs to its ROI (start, horizon, growth, margin, costs, meeting hours)."""
    return business_case.read_business_case(session)


# --- the programme's return on investment -------------------------------------------------------


@reader(depends_on=("day",))
def programme_members(url: str, day: date) -> pd.DataFrame:
    """The accounts in the programme (``membership.programme_accounts``: the kept account table's rows
    with ``programme_since`` and ``entry_year``); pages copy it before changing it."""
    table = account_table.at(url, day)
    with Session(get_engine(url)) as session:
        return programme_accounts(with_programme_since(session, table), load_programme(session).start_year)


@reader(depends_on=("day",))
def roi_inputs(url: str, day: date) -> roi.RoiInputs:
    """The ROI's inputs (every one shown on the ROI page with its value), from the kept account table."""
    table = account_table.at(url, day)
    with Session(get_engine(url)) as session:
        return read_roi_inputs(session, day, table)


@reader(depends_on=("day",))
def roi_result(url: str, day: date) -> roi.RoiResult:
    """The programme's return on investment, computed once per state of the data (a write clears it)."""
    return roi.compute_roi(roi_inputs.at(url, day))


@reader(depends_on=("day",))
def kam_costs(url: str, day: date) -> pd.DataFrame:
    """Each KAM's own yearly cost and share of time, and the programme's accounts they own."""
    members = programme_members.at(url, day)
    with Session(get_engine(url)) as session:
        return business_case.kam_costs(session, [int(i) for i in members["account_id"]])


@reader(depends_on=("day",))
def account_inputs(url: str, day: date) -> pd.DataFrame:
    """The programme's accounts with their entry year, margin and revenue ambitions (this year and
    the two after)."""
    members = programme_members.at(url, day)
    with Session(get_engine(url)) as session:
        return business_case.account_inputs(session, members, business_case.ambition_years(day))


# --- the programme's ambition and targets (kam_core.programme.targets; page Ambition and targets) ---


@reader(depends_on=("day",))
def target_board(url: str, day: date):
    """The targets with their actuals and status, and the ready-made metrics per year."""

    table = account_table.at(url, day)
    with Session(get_engine(url)) as session:
        return targets.target_board(session, table, day)


@reader()
def ambition_texts(session: Session) -> dict:
    """The company's ambition and the final ambition (None when not written), with the programme's version."""

    return targets.read_ambition(session)


# --- the yearly cycle and the budget (pages/programme/cycle.py) -----------------------------------


@reader()
def cycle_calendar(session: Session) -> cycle.Calendar:
    return cycle.read_calendar(session)


@reader()
def budget_line(session: Session) -> budget.BudgetLine:
    return budget.read_budget_line(session)


@reader(depends_on=("day",))
def cycle_lines(url: str, day: date) -> pd.DataFrame:
    """Per account in the programme, the cycle's items done, due or late (``cycle.account_lines``)."""
    accounts = programme_members.at(url, day)
    with Session(get_engine(url)) as session:
        facts = cycle.read_cycle_facts(session, day)
    return cycle.account_lines(accounts, facts, cycle_calendar.at(url), day)


@reader(depends_on=("day",))
def budget_reconciliation(url: str, day: date) -> budget.Reconciliation:
    line = budget_line.at(url)
    ambitions = {}
    if line.year is not None:
        with Session(get_engine(url)) as session:
            ambitions = budget.read_ambitions(session, line.year)
    accounts = programme_members.at(url, day)
    return budget.reconcile(accounts, ambitions, line.year, line.amount, overview.reference_year(day))
