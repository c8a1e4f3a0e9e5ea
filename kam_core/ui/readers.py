"""Cached reads. Every function here is keyed by the database URL and today's date, and
``clear()`` (called after every write) empties the cache, so a rerun never reloads the world
and a save is seen at once."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlmodel import Session

from kam_core import overview, settings
from kam_core.account_summary import AccountSummary, account_summary
from kam_core.clock import today
from kam_core.db import database_url, get_engine, store_info
from kam_core.engagement import UpcomingEngagement, upcoming_engagements

_CACHE = {"show_spinner": False, "max_entries": 16}


def clear() -> None:
    st.cache_data.clear()


@st.cache_data(**_CACHE)
def _account_table(url: str, day: date) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        return overview.account_table(session, day)


def account_table() -> pd.DataFrame:
    return _account_table(database_url(), today())


@st.cache_data(**_CACHE)
def _account_choices(url: str) -> list[tuple[int, str]]:
    with Session(get_engine(url)) as session:
        return overview.account_choices(session)


def account_choices() -> list[tuple[int, str]]:
    return _account_choices(database_url())


@st.cache_data(**_CACHE)
def _settings(url: str) -> settings.ProgrammeSettings:
    with Session(get_engine(url)) as session:
        return settings.read_settings(session)


def programme_settings() -> settings.ProgrammeSettings:
    return _settings(database_url())


def portfolio_figures() -> overview.PortfolioFigures:
    day = today()
    return overview.portfolio_figures(account_table(), programme_settings().strategic_capacity,
                                      overview.reference_year(day))


@st.cache_data(**_CACHE)
def _upcoming(url: str, day: date, days: int, limit: int) -> list[UpcomingEngagement]:
    with Session(get_engine(url)) as session:
        return upcoming_engagements(session, day, days=days, limit=limit)


def upcoming(days: int = 30, limit: int = 8) -> list[UpcomingEngagement]:
    return _upcoming(database_url(), today(), days, limit)


@st.cache_data(**_CACHE)
def _account_summary(url: str, day: date, account_id: int) -> AccountSummary | None:
    with Session(get_engine(url)) as session:
        return account_summary(session, account_id, day)


def account_summary_of(account_id: int) -> AccountSummary | None:
    return _account_summary(database_url(), today(), account_id)


def database_info():
    return store_info(get_engine(database_url()))
