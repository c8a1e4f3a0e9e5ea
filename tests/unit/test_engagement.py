"""Executive engagement: cadence, sponsors' load, the pairing and engagement lists, the calendar
export and the executive brief (docs/method.md, section 4)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from kam_core.account.engagement import (
    DUE_WINDOW_DAYS,
    cadence_grid,
    cadence_status,
    engagements_between,
    engagements_ics,
    set_sponsor,
    sponsor_load,
    timeline_chart,
)
from kam_core.account.sections import load_section, ref_choices, save_section, versions
from kam_core.common.errors import ConflictError, NotFoundError, ValidationError
from kam_core.common.text import md
from kam_core.documents.brief import brief_docx, brief_markdown, build_brief
from kam_core.i18n import translate
from kam_core.portfolio.overview import account_table
from kam_core.store.models import Account, Engagement, EngagementPairing, Pairing, Stakeholder
from tests.conftest import TODAY

# --- cadence_status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_since", "expected"),
    [
        (90 - DUE_WINDOW_DAYS - 1, "on_track"),  # cadence - 15
        (90 - DUE_WINDOW_DAYS, "due"),  # cadence - 14: due within 14 days
        (90 - DUE_WINDOW_DAYS + 1, "due"),
        (90, "due"),
        (91, "late"),
        (0, "on_track"),
    ],
)
def test_cadence_status_boundaries(days_since, expected):
    assert cadence_status(TODAY - timedelta(days=days_since), 90, TODAY) == expected


def test_cadence_status_never_without_a_held_engagement():
    assert cadence_status(None, 90, TODAY) == "never"


# --- the demo -----------------------------------------------------------------------------------


def _strategic_ids(session) -> list[int]:
    table = account_table(session, TODAY)
    return table.loc[table["segment"] == "strategic", "account_id"].tolist()


def test_cadence_grid_on_the_demo(demo_engine):
    with Session(demo_engine) as session:
        grid = cadence_grid(session, TODAY)
    assert len(grid) == 32
    counts = grid["status"].value_counts()
    assert counts["late"] >= 1 and counts["never"] >= 1 and counts["on_track"] >= 1
    order = {"late": 0, "due": 1, "never": 2, "on_track": 3}
    assert grid["status"].map(order).is_monotonic_increasing
    never = grid[grid["status"] == "never"]
    assert never["last_held"].isna().all() and never["days_since"].isna().all()
    late = grid[grid["status"] == "late"]
    assert (late["days_since"] > late["cadence_days"]).all()
    assert all(day is None or day >= TODAY for day in grid["next_planned"])


def test_cadence_grid_of_one_account(demo_engine):
    with Session(demo_engine) as session:
        everything = cadence_grid(session, TODAY)
        account_id = int(everything["account_id"].iloc[0])
        one = cadence_grid(session, TODAY, account_id)
    assert len(one) == (everything["account_id"] == account_id).sum()
    assert set(one["account_id"]) == {account_id}


def test_sponsor_load_on_the_demo(demo_engine):
    with Session(demo_engine) as session:
        load = sponsor_load(session, TODAY, _strategic_ids(session))
    assert len(load) == 7
    assert load["over_limit"].sum() == 1
    over = load[load["over_limit"]].iloc[0]
    assert over["sponsored"] > over["max_accounts"]
    assert (load["sponsored_strategic"] <= load["sponsored"]).all()
    assert load["pairings"].sum() == 32
    assert load["engagements_this_quarter"].sum() > 0


# --- set_sponsor ----------------------------------------------------------------------------------


def _account(engine, account_id: int | None = None) -> Account:
    with Session(engine) as session:
        query = select(Account).where(Account.status != "archived").order_by(Account.id)
        return session.scalars(query if account_id is None else select(Account).where(Account.id == account_id)).first()


def test_set_sponsor_round_trip_stale_and_unknown(demo_engine):
    account = _account(demo_engine)
    with Session(demo_engine) as session:
        load = sponsor_load(session, TODAY, [])
    other = int(load.loc[load["executive_id"] != account.sponsor_id, "executive_id"].iloc[0])
    set_sponsor(demo_engine, account.id, other, account.version)
    saved = _account(demo_engine, account.id)
    assert saved.sponsor_id == other and saved.version == account.version + 1
    with pytest.raises(ConflictError):
        set_sponsor(demo_engine, account.id, None, account.version)  # stale
    with pytest.raises(ValidationError) as refused:
        set_sponsor(demo_engine, account.id, 9999, saved.version)
    assert [(e.field, e.code) for e in refused.value.errors] == [("sponsor_id", "unknown_ref")]
    set_sponsor(demo_engine, account.id, None, saved.version)
    assert _account(demo_engine, account.id).sponsor_id is None
    with pytest.raises(NotFoundError):
        set_sponsor(demo_engine, 9999, None, 1)


# --- the two sections -----------------------------------------------------------------------------


def _rows(frame) -> list[dict]:
    return [
        {key: (None if _missing(value) else value) for key, value in row.items()} for row in frame.to_dict("records")
    ]


def _missing(value) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _codes(excinfo) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in excinfo.value.errors]


def _with_pairings(engine) -> int:
    with Session(engine) as session:
        return int(cadence_grid(session, TODAY)["account_id"].iloc[0])


def test_pairings_refuse_bad_cadence_duplicates_and_other_accounts_people(demo_engine):
    account_id = _with_pairings(demo_engine)
    with Session(demo_engine) as session:
        frame = load_section(session, "pairings", account_id)
        refs = ref_choices(session, "pairings", account_id)
        stranger = session.scalar(select(Stakeholder.id).where(Stakeholder.account_id != account_id))
    rows = _rows(frame)
    assert rows and stranger not in refs["stakeholder_id"]
    bad_cadence = [{**rows[0], "cadence_days": 0}, *rows[1:]]
    with pytest.raises(ValidationError) as refused:
        save_section(demo_engine, "pairings", account_id, bad_cadence, today=TODAY)
    assert _codes(refused) == [("cadence_days", "integer_range")]
    duplicate = [*rows, {**rows[0], "id": None, "version": None}]
    with pytest.raises(ValidationError) as refused:
        save_section(demo_engine, "pairings", account_id, duplicate, today=TODAY)
    assert _codes(refused) == [("stakeholder_id", "duplicate_pairing")]
    other = [
        *rows,
        {"executive_id": rows[0]["executive_id"], "stakeholder_id": stranger, "cadence_days": 90, "strength": 3},
    ]
    with pytest.raises(ValidationError) as refused:
        save_section(demo_engine, "pairings", account_id, other, today=TODAY)
    assert _codes(refused) == [("stakeholder_id", "unknown_ref")]


def test_a_new_pairing_round_trips(demo_engine):
    account_id = _with_pairings(demo_engine)
    with Session(demo_engine) as session:
        frame = load_section(session, "pairings", account_id)
        refs = ref_choices(session, "pairings", account_id)
    taken = set(zip(frame["executive_id"], frame["stakeholder_id"]))
    executive, stakeholder = next(
        (e, s) for e in refs["executive_id"] for s in refs["stakeholder_id"] if (e, s) not in taken
    )
    new = {"executive_id": executive, "stakeholder_id": stakeholder, "cadence_days": "120", "strength": 4}
    assert (
        save_section(
            demo_engine, "pairings", account_id, [*_rows(frame), new], today=TODAY, read_versions=versions(frame)
        )
        == 1
    )
    with Session(demo_engine) as session:
        again = load_section(session, "pairings", account_id)
        grid = cadence_grid(session, TODAY, account_id)
    added = again[(again["executive_id"] == executive) & (again["stakeholder_id"] == stakeholder)].iloc[0]
    assert added["cadence_days"] == 120 and added["strength"] == 4
    assert grid.loc[grid["pairing_id"] == added["id"], "status"].item() == "never"


def _engagement(pairing_id, **values) -> dict:
    return {
        "on_date": TODAY + timedelta(days=10),
        "kind": "meeting",
        "status": "planned",
        "pairing_id": pairing_id,
        "objective": "Agree the pilot's scope",
        "ask": "A named sponsor on their side",
        **values,
    }


def test_engagement_rules(demo_engine):
    account_id = _with_pairings(demo_engine)
    with Session(demo_engine) as session:
        frame = load_section(session, "engagements", account_id)
        pairing = next(iter(ref_choices(session, "engagements", account_id)["pairing_id"]))
    rows = _rows(frame)
    cases = [
        (_engagement(pairing, status="held", outcome="Agreed"), [("on_date", "held_in_future")]),
        (_engagement(pairing, status="held", on_date=TODAY - timedelta(days=1)), [("outcome", "outcome_required")]),
        (_engagement(pairing, on_date=TODAY - timedelta(days=1)), [("on_date", "planned_in_past")]),
        (_engagement(pairing, objective=" "), [("objective", "required")]),
        (_engagement(99999), [("pairing_id", "unknown_ref")]),
    ]
    for new, expected in cases:
        with pytest.raises(ValidationError) as refused:
            save_section(demo_engine, "engagements", account_id, [*rows, new], today=TODAY)
        assert _codes(refused) == expected, new
        assert refused.value.errors[0].params["row"] == len(rows) + 1


def test_a_plan_that_went_by_does_not_block_the_table(demo_engine):
    account_id = _with_pairings(demo_engine)
    with Session(demo_engine) as session:
        frame = load_section(session, "engagements", account_id)
    rows = _rows(frame)
    later = TODAY + timedelta(days=400)  # every planned engagement of today is in the past then
    edited = [{**row, "next_step": "Send the minutes"} if row["status"] == "held" else row for row in rows]
    assert save_section(demo_engine, "engagements", account_id, edited, today=later) > 0


def test_an_engagement_round_trips_with_its_pairing(demo_engine):
    account_id = _with_pairings(demo_engine)
    with Session(demo_engine) as session:
        frame = load_section(session, "engagements", account_id)
        pairings = list(ref_choices(session, "engagements", account_id)["pairing_id"])
    first = pairings[0]
    assert (
        save_section(
            demo_engine,
            "engagements",
            account_id,
            [*_rows(frame), _engagement(first)],
            today=TODAY,
            read_versions=versions(frame),
        )
        == 1
    )
    with Session(demo_engine) as session:
        again = load_section(session, "engagements", account_id)
    added = again[again["objective"] == "Agree the pilot's scope"].iloc[0]
    assert (
        added["pairing_id"] == first and added["status"] == "planned" and added["on_date"] == _engagement(0)["on_date"]
    )
    # another pairing for the row: that one link is replaced, the version moves on
    if len(pairings) > 1:
        second = pairings[1]
        rows = [{**row, "pairing_id": second} if row["id"] == added["id"] else row for row in _rows(again)]
        assert save_section(demo_engine, "engagements", account_id, rows, today=TODAY) == 1
        with Session(demo_engine) as session:
            links = session.scalars(
                select(EngagementPairing.pairing_id).where(EngagementPairing.engagement_id == int(added["id"]))
            ).all()
            version = session.get(Engagement, int(added["id"])).version
        assert links == [second] and version == added["version"] + 1


def test_changing_the_shown_pairing_keeps_the_other_links(demo_engine):
    with Session(demo_engine) as session:
        engagement_id, account_id = session.execute(
            select(Engagement.id, Engagement.account_id)
            .join(EngagementPairing)
            .where(EngagementPairing.pairing_id.is_not(None))
            .order_by(Engagement.id)
        ).first()
        session.add(
            EngagementPairing(
                engagement_id=engagement_id, pairing_id=_other_pairing(session, engagement_id, account_id)
            )
        )
        session.commit()
        before = set(
            session.scalars(
                select(EngagementPairing.pairing_id).where(EngagementPairing.engagement_id == engagement_id)
            )
        )
        frame = load_section(session, "engagements", account_id)
    shown = int(frame.loc[frame["id"] == engagement_id, "pairing_id"].item())
    assert shown == min(before) and len(before) >= 2
    rows = [{**row, "pairing_id": None} if row["id"] == engagement_id else row for row in _rows(frame)]
    save_section(demo_engine, "engagements", account_id, rows, today=TODAY)
    with Session(demo_engine) as session:
        after = set(
            session.scalars(
                select(EngagementPairing.pairing_id).where(EngagementPairing.engagement_id == engagement_id)
            )
        )
    assert after == before - {shown}


def _other_pairing(session, engagement_id: int, account_id: int) -> int:
    linked = set(
        session.scalars(select(EngagementPairing.pairing_id).where(EngagementPairing.engagement_id == engagement_id))
    )
    mine = session.scalars(
        select(Pairing.id)
        .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
        .where(Stakeholder.account_id == account_id)
    ).all()
    free = [identifier for identifier in mine if identifier not in linked]
    if free:
        return free[0]
    stakeholder = session.scalar(
        select(Stakeholder.id).where(
            Stakeholder.account_id == account_id, Stakeholder.id.not_in(select(Pairing.stakeholder_id))
        )
    )
    pairing = Pairing(executive_id=1, stakeholder_id=stakeholder, cadence_days=90, strength=2)
    session.add(pairing)
    session.flush()
    return pairing.id


# --- calendar and timeline ------------------------------------------------------------------------


def test_ics_export_parses_with_all_day_events_and_stable_uids(demo_engine):
    from icalendar import Calendar

    with Session(demo_engine) as session:
        rows = engagements_between(session, TODAY, TODAY + timedelta(days=120))
    planned = rows[rows["status"] == "planned"]
    assert len(planned) > 0
    data = engagements_ics(rows, calendar_name="KAM", domain="test.example")
    assert data == engagements_ics(rows, calendar_name="KAM", domain="test.example")  # reproducible
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(planned)
    by_uid = {str(event["UID"]): event for event in events}
    for row in planned.itertuples():
        event = by_uid[f"engagement-{row.engagement_id}@test.example"]
        start = event.decoded("DTSTART")
        assert type(start) is date and start == row.on_date
        assert event.decoded("DTEND") == row.on_date + timedelta(days=1)
        assert str(event["SUMMARY"]) == f"{row.account}: {row.objective}"
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar


def test_timeline_chart_builds(demo_engine):
    with Session(demo_engine) as session:
        rows = engagements_between(session, TODAY - timedelta(days=183), TODAY + timedelta(days=183))
    spec = timeline_chart(rows, labels={"account": "Account", "status.held": "Held"}, today=TODAY).to_dict()
    assert spec["layer"]


# --- the brief ------------------------------------------------------------------------------------


def _planned_with_commitments(session) -> int:
    """A planned engagement with a person met, at an account with open commitments."""
    for row in engagements_between(session, TODAY, TODAY + timedelta(days=120)).itertuples():
        if row.status == "planned" and row.stakeholders and row.ask:
            brief = build_brief(session, int(row.engagement_id), TODAY)
            if brief.commitments and brief.people:
                return int(row.engagement_id)
    raise AssertionError("the demo has no such engagement")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_brief_markdown_holds_what_the_sponsor_needs(demo_engine, language):
    with Session(demo_engine) as session:
        brief = build_brief(session, _planned_with_commitments(session), TODAY)
    text = brief_markdown(brief, language)
    # the user's text is escaped for Markdown (kam_core.common.text.md): it reads as typed, never as markup
    assert md(brief.account) in text and md(brief.ask) in text
    assert all(md(person.name) in text for person in brief.people)
    assert all(md(item.description) in text for item in brief.commitments)
    assert {item.side for item in brief.commitments} <= {"ours", "theirs"}
    assert all(item.on_date <= TODAY for item in brief.recent)
    assert ("M€" if language == "fr" else "€") in text
    assert text.startswith("# ")


def test_brief_docx_opens_and_names_the_account(demo_engine):
    from docx import Document

    with Session(demo_engine) as session:
        brief = build_brief(session, _planned_with_commitments(session), TODAY)
    document = Document(io.BytesIO(brief_docx(brief, "fr")))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert brief.account in text and brief.ask in text
    assert document.tables and len(document.tables[0].rows) == 5
    assert round(document.sections[0].page_width.cm, 1) == 21.0


def _docx_text(data: bytes) -> tuple[str, str]:
    """(the body: paragraphs and tables, the footers) of a Word document, as text."""
    from docx import Document

    document = Document(io.BytesIO(data))
    body = [paragraph.text for paragraph in document.paragraphs]
    body += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    footers = [paragraph.text for section in document.sections for paragraph in section.footer.paragraphs]
    return "\n".join(body), "\n".join(footers)


def test_no_brief_of_the_demo_is_cut_and_each_says_it_is_internal(demo_engine):
    """Issue 22: the brief gets the deck's rules. Nothing cut (no "…", no "and N more", every priority
    and every held engagement listed: a Word document flows); it holds our own reading of the people
    (attitude, relationship strength), so it is internal, and its title line and every footer say so."""
    import re

    from kam_core.store.models import Priority

    with Session(demo_engine) as session:
        # each account's latest meeting: its brief has the account's longest history of meetings held (every
        # account once, and the fullest briefs of the demo, in a quarter of the time of every meeting's brief)
        latest = {}
        for engagement_id, account_id in session.execute(
            select(Engagement.id, Engagement.account_id).order_by(Engagement.on_date.desc(), Engagement.id.desc())
        ).all():
            latest.setdefault(account_id, engagement_id)
        engagements = [(engagement_id, account_id) for account_id, engagement_id in latest.items()]
        priorities = session.execute(select(Priority.account_id, Priority.title)).all()
        briefs = [build_brief(session, engagement_id, TODAY) for engagement_id, _ in engagements]
    assert len(briefs) >= 15 and any(len(brief.recent) > 3 for brief in briefs)  # 18 accounts have meetings
    cut = re.compile(r"…|\.\.\.|\band \d+ more\b|\bet \d+ autres?\b")
    for brief, (_, account_id) in zip(briefs, engagements):
        for language in ("en", "fr"):
            body, footer = _docx_text(brief_docx(brief, language))
            assert not cut.search(body), (brief.engagement_id, language, cut.search(body).group())
            assert all(title in body for owner, title in priorities if owner == account_id)
            assert all(item.objective in body for item in brief.recent)
            assert translate("brief.internal", language) in body
            assert footer == translate("brief.footer", language, account=brief.account)
            assert md(translate("brief.internal", language)) in brief_markdown(brief, language)
    assert any(len([1 for owner, _ in priorities if owner == brief.account_id]) > 3 for brief in briefs)


def test_brief_of_an_unknown_engagement(demo_engine):
    with Session(demo_engine) as session, pytest.raises(NotFoundError):
        build_brief(session, 99999, TODAY)


def test_a_crowded_timeline_keeps_the_accounts_met_next_then_those_met_last():
    import pandas as pd

    from kam_core.account.engagement import timeline_accounts

    day = date(2026, 11, 26)
    rows = pd.DataFrame(
        [
            {"account_id": 1, "on_date": date(2026, 12, 20), "status": "planned"},
            {"account_id": 2, "on_date": date(2026, 12, 1), "status": "planned"},
            {"account_id": 3, "on_date": date(2026, 11, 20), "status": "held"},
            {"account_id": 4, "on_date": date(2026, 6, 1), "status": "held"},
            {"account_id": 5, "on_date": date(2026, 12, 5), "status": "cancelled"},
            {"account_id": 1, "on_date": date(2026, 10, 1), "status": "held"},
        ]
    )
    assert timeline_accounts(rows, day, 10) == [2, 1, 3, 4, 5]
    assert timeline_accounts(rows, day, 3) == [2, 1, 3]
    assert timeline_accounts(rows.iloc[0:0], day, 3) == []


def test_the_portfolio_timeline_counts_every_account_and_plan_but_reads_the_accounts_shown(demo_engine):
    from kam_core.account.engagement import portfolio_timeline, timeline_accounts

    start, end = TODAY - timedelta(days=183), TODAY + timedelta(days=183)
    with Session(demo_engine) as session:
        every = engagements_between(session, start, end)
        view = portfolio_timeline(session, start, end, TODAY, 4)
        whole = portfolio_timeline(session, start, end, TODAY, 1000)
    assert view.accounts == every["account_id"].nunique() > 4 and view.shown == 4
    assert view.planned == int((every["status"] == "planned").sum())
    chosen = timeline_accounts(every, TODAY, 4)
    names = set(every.loc[every["account_id"].isin(chosen), "account"])
    assert set(view.rows["account"]) == names and len(view.rows) == int(every["account_id"].isin(chosen).sum())
    assert "engagement_id" not in view.rows
    assert len(whole.rows) == len(every) and whole.shown == whole.accounts
