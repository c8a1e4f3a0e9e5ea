"""Accounts and reference data under AppTest: creating, editing, archiving, restoring, deleting
and merging accounts from the pages; the KAM team and the offers catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session, func, select

from kam_core.account import accounts
from kam_core.common.text import fold_name, md
from kam_core.governance import access
from kam_core.store import db
from kam_core.store.models import Account, Kam, Offer, Score, Stakeholder
from kam_core.ui import readers
from tests.conftest import POSTGRES
from tests.pages.conftest import no_exception, texts

RECORD = "pages/account/record.py"
ACCOUNTS = "pages/portfolio/accounts.py"
TEAM = "pages/data/team.py"
MERGE = "pages/data/merge.py"


def _id(url: str, prefix: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name.like(f"{prefix}%"))).one()


def _account(url: str, account_id: int) -> Account | None:
    with Session(db.get_engine(url)) as session:
        return session.get(Account, account_id)


def _count(url: str, model, *where) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _button(app, text: str):
    return next(button for button in app.button if button.label == text)


def _new_account_form(app):
    """The account list's New account button, as a user clicks it."""
    app.switch_page(ACCOUNTS).run()
    app.button(key="accounts_new_account").click().run()
    app.switch_page(RECORD).run()  # AppTest reruns the page it opened, not the one the script switched to
    no_exception(app)
    return app


def test_creating_an_account_selects_it_and_says_it_still_needs_scores(demo_app, demo_url):
    app = _new_account_form(demo_app(RECORD))
    assert "New account" in texts(app)
    app.text_input(key="name_new").set_value("Brightwater Utilities")
    app.selectbox(key="sector_new").set_value("Energy")
    app.selectbox(key="country_new").set_value("FR")
    with Session(db.get_engine(demo_url)) as session:
        kam_id = session.exec(select(Kam.id).where(Kam.active.is_(True))).first()
    app.selectbox(key="kam_new").set_value(kam_id)
    app.number_input(key="margin_new").set_value(12.5)
    _button(app, "Create the account").click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        created = session.exec(select(Account).where(Account.name == "Brightwater Utilities")).one()
    assert (created.sector, created.country, created.status, created.margin_pct) == ("Energy", "FR", "active", 12.5)
    assert created.kam_id == kam_id
    shown = texts(app)
    assert "Brightwater Utilities created" in shown
    assert "not on the portfolio matrix yet" in shown
    assert app.sidebar.selectbox(key="account_selector").value == created.id


def test_a_duplicate_name_is_refused_naming_the_field_and_the_input_stays(demo_app, demo_url):
    before = _count(demo_url, Account)
    app = _new_account_form(demo_app(RECORD))
    app.text_input(key="name_new").set_value("AERIVON aérostructures")
    app.selectbox(key="sector_new").set_value("Aerospace")
    _button(app, "Create the account").click().run()
    no_exception(app)
    errors = " ".join(str(error.value) for error in app.error)
    assert "Account name" in errors and "Aerivon Aerostructures" in errors
    assert _count(demo_url, Account) == before
    assert app.text_input(key="name_new").value == "AERIVON aérostructures"


def test_editing_the_basics_saves_them_and_a_stale_form_is_refused(demo_app, demo_url):
    account_id = _id(demo_url, "Aerivon")
    app = demo_app(RECORD, account=str(account_id))
    no_exception(app)
    version = _account(demo_url, account_id).version
    suffix = f"{account_id}_0"
    app.text_input(key=f"crm_{suffix}").set_value("SF-0042")
    app.number_input(key=f"margin_{suffix}").set_value(-3.5)
    _button(app, "Save").click().run()
    no_exception(app)
    saved = _account(demo_url, account_id)
    assert (saved.crm_id, saved.margin_pct, saved.version) == ("SF-0042", -3.5, version + 1)
    assert "Aerivon Aerostructures saved." in texts(app)

    # a colleague saves the account while this form is open (their save clears the cached reads,
    # as every save does): this user's save is refused, what they typed stays on screen
    form = f"{account_id}_1"
    app.text_area(key=f"notes_{form}").set_value("mine")
    with Session(db.get_engine(demo_url)) as session:
        record = accounts.load_account(session, account_id)
    with access.acting_as(access.Actor("colleague@example.com", "editor", signed_in=True)):
        accounts.update_account(
            db.get_engine(demo_url), account_id, {**record.values(), "notes": "theirs"}, record.version
        )
    readers.clear()
    _button(app, "Save").click().run()
    no_exception(app)
    refusal = " ".join(str(error.value) for error in app.error)
    assert "Someone else saved this" in refusal
    # who, and when (a day, a month, a year, a time in UTC), on whatever day the test runs
    assert re.search(
        r"Last saved by colleague@example\.com on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC\.", refusal
    ), refusal
    assert _account(demo_url, account_id).notes == "theirs"
    assert app.text_area(key=f"notes_{form}").value == "mine"
    # saving again replaces their version, knowingly
    _button(app, "Save").click().run()
    assert _account(demo_url, account_id).notes == "mine"


def test_leaving_the_new_account_form_ends_it(demo_app, demo_url):
    app = _new_account_form(demo_app(RECORD))
    assert app.title[0].value == "New account"
    app.switch_page(ACCOUNTS).run()
    app.switch_page(RECORD).run()
    assert app.title[0].value != "New account"


def test_archiving_takes_the_account_out_and_the_list_can_show_it(demo_app, demo_url):
    account_id = _id(demo_url, "Aerivon")
    app = demo_app(RECORD, account=str(account_id))
    app.button(key=f"archive_{account_id}").click().run()
    no_exception(app)
    assert _account(demo_url, account_id).status == "archived"
    assert "Aerivon Aerostructures is archived" in texts(app)
    assert "Aerivon Aerostructures" not in app.sidebar.selectbox(key="account_selector").options
    names = list(app.dataframe[0].value["name"])
    assert "Aerivon Aerostructures" not in names
    app.switch_page(ACCOUNTS).run()  # AppTest reruns the page it opened, not the one the script switched to
    app.toggle[0].set_value(True).run()
    assert "Aerivon Aerostructures" in list(app.dataframe[0].value["name"])


def test_deleting_needs_the_name_typed_and_keeps_a_backup(demo_app, demo_url):
    account_id = _id(demo_url, "Aerivon")
    stakeholders = _count(demo_url, Stakeholder, Stakeholder.account_id == account_id)
    assert stakeholders > 0
    app = demo_app(RECORD, account=str(account_id))
    assert f"Stakeholders: **{stakeholders}**" in texts(app)
    app.text_input(key=f"delete_confirm_{account_id}").set_value("Aerivon")
    app.button(key=f"delete_{account_id}").click().run()
    no_exception(app)
    assert "Confirmation" in " ".join(str(error.value) for error in app.error)
    assert _account(demo_url, account_id) is not None

    app.text_input(key=f"delete_confirm_{account_id}").set_value("aerivon aerostructures")
    app.button(key=f"delete_{account_id}").click().run()
    no_exception(app)
    assert _account(demo_url, account_id) is None
    assert _count(demo_url, Stakeholder, Stakeholder.account_id == account_id) == 0
    if POSTGRES:  # copies are of SQLite files only
        return
    backups = list((Path(demo_url.removeprefix("sqlite:///")).parent / "backups").glob("*before-delete*.db"))
    assert len(backups) == 1 and md(str(backups[0])) in texts(app)  # escaped: a path is shown as it is


def test_the_account_list_filters_on_segment(demo_app):
    app = demo_app(ACCOUNTS)
    everyone = len(app.dataframe[0].value)
    app.multiselect(key="accounts_segments").set_value(["strategic"]).run()
    no_exception(app)
    shown = app.dataframe[0].value
    assert 0 < len(shown) < everyone
    assert {tuple(cell) for cell in shown["segment"]} == {("strategic",)}  # a coloured "Strategic" label


def test_the_team_page_counts_strategic_accounts_and_adds_a_kam(demo_app, demo_url):
    app = demo_app(TEAM)
    no_exception(app)
    assert "Our KAM team" in texts(app) and "Our offers" in texts(app)
    kams = _count(demo_url, Kam)
    app.session_state["kams_0"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"name": "Inès Moreau", "email": "ines.moreau@example.com", "region": "West", "active": True}],
    }
    app.run()
    app.button(key="save_kams").click().run()
    no_exception(app)
    assert _count(demo_url, Kam) == kams + 1
    assert "Saved." in texts(app)


def test_a_kam_with_a_duplicate_email_is_refused_and_nothing_is_saved(demo_app, demo_url):
    with Session(db.get_engine(demo_url)) as session:
        taken = session.exec(select(Kam.email)).first()
    kams = _count(demo_url, Kam)
    app = demo_app(TEAM)
    app.session_state["kams_0"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"name": "Someone New", "email": taken.upper(), "active": True}],
    }
    app.run()
    app.button(key="save_kams").click().run()
    no_exception(app)
    errors = " ".join(str(error.value) for error in app.error)
    assert "Nothing was saved" in errors and "E-mail" in errors
    assert _count(demo_url, Kam) == kams


def test_retiring_an_offer_keeps_it(demo_app, demo_url):
    app = demo_app(TEAM)
    offers = _count(demo_url, Offer)
    app.session_state["offers_0"] = {"edited_rows": {0: {"active": False}}, "deleted_rows": [], "added_rows": []}
    app.run()
    app.button(key="save_offers").click().run()
    no_exception(app)
    assert _count(demo_url, Offer) == offers
    assert _count(demo_url, Offer, Offer.active.is_(False)) == 1


def _duplicate(url: str, of_id: int, name: str) -> int:
    """A second record of the same customer, as an import would leave it, with one score of its own."""
    engine = db.get_engine(url)
    original = _account(url, of_id)
    with db.session_scope(engine) as session:
        copy = Account(
            name=name,
            name_key=fold_name(name),
            sector=original.sector,
            country=original.country,
            status="active",
            notes="imported",
        )
        session.add(copy)
        session.flush()
        score = session.exec(select(Score).where(Score.account_id == of_id)).first()
        session.add(
            Score(
                account_id=copy.id, criterion_id=score.criterion_id, period=score.period, value=(score.value + 3) % 10
            )
        )
        session.add(Stakeholder(account_id=copy.id, name="Jo Imported"))
        session.flush()
        return copy.id


def _open_pair(demo_app, keep_id: int, other_id: int):
    app = demo_app(MERGE)
    no_exception(app)
    app.selectbox(key="merge_keep").set_value(keep_id)
    app.selectbox(key="merge_other").set_value(other_id).run()
    no_exception(app)
    return app


def _settle(app, keep_id: int, other_id: int, generation: int, choice: str) -> None:
    app.session_state[f"merge_conflicts_{keep_id}_{other_id}_{generation}_None"] = {
        "edited_rows": {0: {"choice": choice}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()


def test_merging_a_duplicate_moves_everything_and_settles_the_conflict(demo_app, demo_url):
    keep_id = _id(demo_url, "Aerivon")
    other_id = _duplicate(demo_url, keep_id, "Aerivon Aerostructures SAS")
    with Session(db.get_engine(demo_url)) as session:
        theirs = session.exec(select(Score).where(Score.account_id == other_id)).one()
    stakeholders = _count(demo_url, Stakeholder, Stakeholder.account_id.in_([keep_id, other_id]))
    app = demo_app(MERGE)
    pairs = app.dataframe[0].value
    assert "Aerivon Aerostructures SAS" in list(pairs["second"]) + list(pairs["first"])
    app = _open_pair(demo_app, keep_id, other_id)
    assert "Conflicts to settle: 1" in texts(app)
    app.checkbox[0].check().run()
    assert _button(app, "Merge").disabled  # one conflict still open: nothing is settled for the user
    _settle(app, keep_id, other_id, 0, "Aerivon Aerostructures SAS's")
    assert not _button(app, "Merge").disabled
    _button(app, "Merge").click().run()
    no_exception(app)
    assert _account(demo_url, other_id) is None
    assert _count(demo_url, Stakeholder, Stakeholder.account_id == keep_id) == stakeholders
    with Session(db.get_engine(demo_url)) as session:  # the user took the other account's score
        kept = session.exec(
            select(Score).where(
                Score.account_id == keep_id, Score.criterion_id == theirs.criterion_id, Score.period == theirs.period
            )
        ).one()
    assert kept.value == theirs.value
    assert "was merged into Aerivon Aerostructures" in texts(app)


def test_a_merge_after_a_colleagues_save_is_refused_and_the_plan_read_again(demo_app, demo_url):
    keep_id = _id(demo_url, "Aerivon")
    other_id = _duplicate(demo_url, keep_id, "Aerivon Aerostructures SAS")
    app = _open_pair(demo_app, keep_id, other_id)
    _settle(app, keep_id, other_id, 0, "Aerivon Aerostructures SAS's")
    app.checkbox[0].check().run()
    with Session(db.get_engine(demo_url)) as session:
        record = accounts.load_account(session, other_id)
    accounts.update_account(db.get_engine(demo_url), other_id, {**record.values(), "notes": "changed"}, record.version)
    readers.clear()
    # the choices made are still there after the colleague's save: the merge runs on what the user reviewed
    assert not _button(app, "Merge").disabled
    _button(app, "Merge").click().run()
    no_exception(app)
    assert _account(demo_url, other_id) is not None
    shown = texts(app) + " ".join(str(error.value) for error in app.error)
    assert "Someone else saved this" in shown
    app.run()
    assert "choose again" in texts(app)


def test_a_kam_made_inactive_who_still_owns_accounts_is_called_out(demo_app, demo_url):
    app = demo_app(TEAM)
    app.session_state["kams_0"] = {"edited_rows": {0: {"active": False}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="save_kams").click().run()
    no_exception(app)
    assert "is no longer active but still owns" in texts(app)


def test_in_a_large_programme_the_two_accounts_to_merge_are_found_by_name(large_programme, monkeypatch):
    from kam_core.ui.frame import SELECTOR_LIMIT
    from tests.pages.conftest import open_app

    url, directory = large_programme
    app = open_app(url, monkeypatch, MERGE)
    no_exception(app)
    assert len(app.selectbox(key="merge_keep").options) <= SELECTOR_LIMIT
    first, second = directory.ids[10], directory.ids[200]
    for account_id, key in ((first, "merge_keep"), (second, "merge_other")):
        app.text_input(key="merge_search").input(directory.names[account_id]).run()
        no_exception(app)
        assert directory.names[account_id] in app.selectbox(key=key).options
        app.selectbox(key=key).set_value(account_id).run()
    no_exception(app)
    assert app.selectbox(key="merge_keep").value == first  # the first choice stays while searching the second
    assert app.selectbox(key="merge_other").value == second
    assert any(button.label == "Merge" for button in app.button)  # the plan of the two accounts is shown


def test_in_a_large_programme_a_group_head_is_found_by_name_above_the_form(large_programme, monkeypatch):
    from kam_core.ui.frame import SELECTOR_LIMIT
    from tests.pages.conftest import open_app

    url, directory = large_programme
    account_id, wanted = directory.ids[0], directory.ids[180]
    app = open_app(url, monkeypatch, RECORD, account=str(account_id))
    no_exception(app)
    parent = next(box for box in app.selectbox if str(box.key).startswith("parent_"))
    assert len(parent.options) <= SELECTOR_LIMIT + 1 and directory.names[account_id] not in parent.options
    app.text_input(key="record_parent_search").input(directory.names[wanted]).run()
    no_exception(app)
    parent = next(box for box in app.selectbox if str(box.key).startswith("parent_"))
    assert directory.names[wanted] in parent.options
