"""Import and export, and the QBR pack, under AppTest: a CRM file uploaded, mapped, previewed and
imported; a file that cannot be read; the QBR deck built and offered for download."""

from __future__ import annotations

import re

from sqlmodel import Session, func, select

from kam_core.store import db
from kam_core.store.models import Account
from tests.pages.conftest import no_exception, texts

EXCHANGE = "pages/data/exchange.py"
QBR = "pages/account/qbr.py"

SALESFORCE = (
    b"Id,Name,Industry,BillingCountry,AnnualRevenue\n"
    b'001A,Brightwater Utilities,Energy,France,"1,250,000.50"\n'
    b"001B,Nordlys Shipping AS,Logistics,Norway,n/a\n"
    b"001C,,Energy,France,10\n"
)


def _accounts(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(Account)).one()


def _upload(app, name: str, data: bytes, mime: str = "text/csv"):
    app.file_uploader(key="import_file").set_value((name, data, mime)).run()
    no_exception(app)
    return app


def test_a_crm_file_is_mapped_previewed_then_its_valid_rows_imported(demo_app, demo_url):
    before = _accounts(demo_url)
    app = _upload(demo_app(EXCHANGE), "salesforce.csv", SALESFORCE)
    shown = texts(app)
    assert "3 rows and 5 columns read" in shown and "separator comma" in shown
    mapping = app.data_editor[0].value
    proposed = dict(zip(mapping["field"], mapping["column"]))
    assert proposed["Name"] == "Name" and proposed["CRM id"] == "Id" and proposed["Sector"] == "Industry"
    assert {metric.label: metric.value for metric in app.metric}["New"] == "2"
    assert "Validation report: 1 error(s)" in shown
    assert _accounts(demo_url) == before  # nothing written by the preview
    app.button(key="import_valid").click().run()
    no_exception(app)
    assert _accounts(demo_url) == before + 2
    assert "Import done: 3 rows read, 2 created, 0 updated, 1 refused" in texts(app)


def test_importing_only_when_every_row_is_valid_is_offered_only_then(demo_app):
    app = _upload(demo_app(EXCHANGE), "salesforce.csv", SALESFORCE)
    assert app.button(key="import_all").disabled
    valid = SALESFORCE.rsplit(b"\n", 2)[0] + b"\n"
    app = _upload(app, "salesforce-clean.csv", valid)
    assert not app.button(key="import_all").disabled


def test_a_file_that_cannot_be_read_says_why(demo_app, demo_url):
    before = _accounts(demo_url)
    app = _upload(demo_app(EXCHANGE), "empty.csv", b"")
    assert app.error, "an empty file must be refused with a message"
    assert not [button for button in app.button if button.key == "import_valid"]
    assert _accounts(demo_url) == before


def test_the_export_is_offered_and_the_page_draws(demo_app):
    app = demo_app(EXCHANGE)
    no_exception(app)
    assert "Export the whole database" in texts(app)
    assert "Restore a workbook into an empty database" in texts(app)


def test_the_qbr_deck_is_built_on_request_and_offered(demo_app, demo_url):
    with Session(db.get_engine(demo_url)) as session:
        account_id = session.exec(select(Account.id).where(Account.name == "Aerivon Aerostructures")).one()
    app = demo_app(QBR, account=str(account_id))
    no_exception(app)
    assert "QBR pack — Aerivon Aerostructures" in texts(app)
    app.button(key=f"qbr_build_{account_id}").click().run()
    no_exception(app)
    shown = texts(app)
    assert re.search(r"The deck is ready: \d+ slides\.", shown)  # long sections go on over "(continued)" slides
    assert "3. Where the account stands in our portfolio (internal)" in _thumbnails(app)
    overdue = f"qbr_overdue_as_new_date_{account_id}"
    assert overdue not in [box.key for box in app.checkbox]  # a choice about the customer's version only
    assert "The slides" in shown
    app.radio(key=f"qbr_audience_{account_id}").set_value("customer").run()
    assert "Choose the language and the audience" in texts(app)  # another deck: built again on request
    assert app.checkbox(key=overdue).value is False  # by default our overdue commitments are left out
    app.button(key=f"qbr_build_{account_id}").click().run()
    assert re.search(r"The deck is ready: \d+ slides\.", texts(app))
    assert not any(caption.endswith("(internal)") for caption in _thumbnails(app))
    app.checkbox(key=overdue).check().run()
    assert "Choose the language and the audience" in texts(app)  # another deck again
    app.button(key=f"qbr_build_{account_id}").click().run()
    no_exception(app)
    assert re.search(r"The deck is ready: \d+ slides\.", texts(app))


def _thumbnails(app) -> list[str]:
    """The captions of the slide thumbnails the page drew, in order (as read: Markdown's escapes removed)."""
    return [one.caption.replace("\\", "") for image in app.get("image") for one in image.proto.imgs]


def test_the_built_deck_is_previewed_slide_by_slide_in_its_language(demo_app, demo_url):
    from kam_core.i18n import translate

    with Session(db.get_engine(demo_url)) as session:
        account_id = session.exec(select(Account.id).where(Account.name == "Aerivon Aerostructures")).one()
    app = demo_app(QBR, account=str(account_id))
    assert _thumbnails(app) == []  # nothing drawn before the deck is built
    app.radio(key=f"qbr_language_{account_id}").set_value("fr").run()
    app.button(key=f"qbr_build_{account_id}").click().run()
    no_exception(app)
    captions = _thumbnails(app)
    count = int(re.search(r"The deck is ready: (\d+) slides", texts(app)).group(1))
    assert len(captions) == count >= 9  # one thumbnail per slide ("(continued)" slides included)
    assert captions[0] == f"1. {translate('qbr.title', 'fr')}"
    assert any(caption.endswith(f". {translate('qbr.slide.handshake', 'fr')}") for caption in captions)
    assert all(one.url for image in app.get("image") for one in image.proto.imgs)
    assert len(app.get("image")) == count and len(app.columns) >= count  # in a grid of columns


def test_a_revenue_file_shows_its_yearly_totals_and_changes_the_revenue_only_when_asked(demo_app, demo_url):
    from kam_core.store.models import AccountYear

    def stored() -> float:
        with Session(db.get_engine(demo_url)) as session:
            account_id = session.exec(select(Account.id).where(Account.name == "Aerivon Aerostructures")).one()
            return session.exec(
                select(AccountYear.revenue).where(AccountYear.account_id == account_id, AccountYear.year == 2025)
            ).one()

    before = stored()
    app = demo_app(EXCHANGE)
    app.radio(key="import_kind").set_value("revenue").run()
    data = "Raison sociale;Montant;Date de clôture;Étape\nAerivon Aerostructures;5 000;15/03/2025;Gagnée\n"
    app = _upload(app, "ca.csv", data.encode("cp1252"))
    assert "Won deals and invoices per account and year" in texts(app)
    app.button(key="import_valid").click().run()
    no_exception(app)
    assert stored() == before  # one deal is not the year: the revenue stays until the user asks
    assert "1 created" in texts(app)


def test_a_shift_jis_file_is_previewed_right_with_its_encoding_named(demo_app):
    # was read as Windows-1252: "Š”Ž®‰ïŽÐƒeƒXƒg" in the preview, then in the database
    data = "Name,Industry\n株式会社テスト,製造\n日本電気株式会社,電機\n".encode("shift_jis")
    app = _upload(demo_app(EXCHANGE), "取引先.csv", data)
    assert "2 rows and 2 columns read. Encoding Shift-JIS, separator comma." in texts(app)
    preview = app.dataframe[1].value  # after the mapping
    assert list(preview["Name"]) == ["株式会社テスト", "日本電気株式会社"]


def test_a_file_whose_encoding_is_unsure_is_refused_naming_the_guess(demo_app, demo_url):
    before = _accounts(demo_url)
    app = _upload(demo_app(EXCHANGE), "accounts.csv", "北京科技有限公司,北京\n".encode("gb18030") * 2)
    (error,) = [element.value for element in app.error]
    assert "cannot be told for sure" in error and "GB18030" in error and "UTF-8" in error
    assert not [button for button in app.button if button.key in ("import_valid", "import_all")]
    assert _accounts(demo_url) == before


def test_a_refused_megabyte_cell_is_reported_by_its_start(demo_app):
    huge = "Colossal Industries " + "x" * 1_000_000
    app = _upload(demo_app(EXCHANGE), "big.csv", f"Name,Industry\n{huge},Energy\nFine Corp,Energy\n".encode())
    report = app.dataframe[-1].value
    (value,) = [cell for cell in report.iloc[:, 2] if cell]
    assert value.startswith("Colossal Industries xxx") and value.endswith("…") and len(value) <= 80
