"""The ROI's charts and files (kam_core.documents.roi_charts, roi_exports), against a hand-made
``RoiResult``: the workbook opened with openpyxl (its tables, number formats, the native line chart
with its forecast segments dashed, the sensitivity, the inputs and the missing inputs named), the
slide opened with python-pptx (one slide, three headline tiles, the native J curve, the accounts that
carry the return; its text measured as tests/unit/test_qbr_fit.py measures the QBR deck's: nothing
overflows its shape, nothing is cut, the body is covered), and the Altair charts' specs."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kam_core.documents import roi_charts, roi_exports
from kam_core.documents.charts import chart_dict
from kam_core.documents.qbr_layout import FONT_NAME
from kam_core.i18n import translate
from kam_core.programme.roi import (
    AccountContribution,
    AccountInputs,
    KamCost,
    MissingInput,
    RoiInputs,
    RoiResult,
    Sensitivity,
    YearResult,
)
from tests.unit.test_qbr_fit import _coverage, _overflows, _texts

# A programme started in 2025, seen on 26 Nov 2026 (conftest's TODAY): 2024 is year 0, 2024-2025 are
# recorded, 2026-2029 are forecast. Costs grow 20 k a year; the cumulative margin passes the cumulative
# cost in 2027 (2,050 k >= 1,970 k).
MARGINS = {2024: 0, 2025: 250_000, 2026: 700_000, 2027: 1_100_000, 2028: 1_400_000, 2029: 1_600_000}
COSTS = {2024: (0, 0, 0), 2025: (480_000, 60_000, 90_000), 2026: (480_000, 80_000, 100_000)}
COSTS |= {2027: (500_000, 80_000, 100_000), 2028: (500_000, 100_000, 100_000), 2029: (520_000, 100_000, 100_000)}


def _years() -> tuple[YearResult, ...]:
    rows, margin_total, cost_total = [], 0.0, 0.0
    for year, margin in MARGINS.items():
        kam, executive, other = COSTS[year]
        margin_total += margin
        cost_total += kam + executive + other
        rows.append(
            YearResult(
                year=year,
                baseline=10_000_000 * 1.03 ** (year - 2024),
                revenue=10_000_000 * 1.03 ** (year - 2024) + margin * 4,
                incremental_revenue=margin * 4.0,
                incremental_margin=float(margin),
                kam_cost=float(kam),
                executive_cost=float(executive),
                other_cost=float(other),
                cumulative_margin=margin_total,
                cumulative_cost=cost_total,
                forecast=year >= 2026,
            )
        )
    return tuple(rows)


def _account(identifier: int, name: str, margin: float, cost: float) -> AccountContribution:
    return AccountContribution(
        account_id=identifier,
        name=name,
        segment="strategic",
        entry_year=2025,
        base_revenue=2_000_000.0,
        incremental_revenue=margin * 4,
        incremental_margin=margin,
        kam_cost=cost * 0.8,
        executive_cost=cost * 0.2,
    )


ACCOUNTS = (
    _account(1, "Aerivon Aerostructures", 1_900_000, 700_000),
    _account(2, "Banque Hélios", 1_500_000, 600_000),
    _account(3, '=HYPERLINK("http://x")', 900_000, 500_000),  # a name a spreadsheet would run
    _account(4, "Calder Logistics", 400_000, 650_000),
    _account(5, "Dunmore Foods", 250_000, 600_000),
    _account(6, "Eastgate Pharma", 1_100_000, 550_000),
    _account(7, "Fjord Energy", 700_000, 520_000),
)


def sample_result(payback: int | None = 2027) -> RoiResult:
    return RoiResult(
        years=_years(),
        accounts=ACCOUNTS,
        payback_year=payback,
        sensitivity=(
            Sensitivity(0, 0, 0.49, 2027),
            Sensitivity(-2, 0, 0.68, 2027),
            Sensitivity(2, 0, 0.31, 2028),
            Sensitivity(0, -5, 0.21, None),
            Sensitivity(0, 5, 0.77, 2027),
        ),
        missing=(
            MissingInput("baseline_revenue", 4, "Calder Logistics", 2024),
            MissingInput("plan", 5, "Dunmore Foods", 2027),
            MissingInput("margin", 7, "Fjord Energy"),
            MissingInput("kam_cost", kam_id=2, kam="Tom Reed"),
            MissingInput("meeting_hours", kind="event"),
        ),
        start_year=2025,
        current_year=2026,
        currency="EUR",
    )


def sample_inputs() -> RoiInputs:
    return RoiInputs(
        currency="EUR",
        start_year=2025,
        horizon_years=5,
        current_year=2026,
        organic_growth_pct=3.0,
        default_margin_pct=25.0,
        executive_hour_cost=250.0,
        meeting_hours={"meeting": 3.0, "visit": 8.0},
        other_costs={"tools_cost": 30_000.0, "training_cost": 40_000.0, "events_cost": 60_000.0},
        kams=(KamCost(1, "Claire Martin", 160_000.0, 80.0, True), KamCost(2, "Tom Reed", 150_000.0, 80.0, False)),
        accounts=tuple(
            AccountInputs(
                account_id=row.account_id,
                name=row.name,
                segment="strategic",
                entry_year=2025,
                revenue={2024: 2_000_000.0, 2025: 2_300_000.0},
                ambition={2026: 2_600_000.0, 2027: 2_900_000.0},
                margin_pct=None if row.account_id == 7 else 30.0,
                kam_id=1,
                meetings={2025: {"meeting": 2}},
            )
            for row in ACCOUNTS
        ),
    )


# --- the headline -------------------------------------------------------------------------------------


def test_the_headline_is_read_at_the_last_closed_year_and_at_the_horizons_end():
    figures = roi_exports.headline(sample_result())
    assert figures.last_closed_year == 2025
    assert figures.returned_margin == 250_000 and figures.returned_cost == 630_000
    assert figures.roi_so_far == pytest.approx((250_000 - 630_000) / 630_000)
    assert figures.end_year == 2029 and figures.roi_at_end == pytest.approx((5_050_000 - 3_390_000) / 3_390_000)
    assert figures.payback_year == 2027
    assert roi_exports.payback_text(None, "fr") == "Pas dans l'horizon"
    assert roi_exports.roi_text(0.4897, "fr") == "49\u00a0%"
    assert roi_exports.roi_text(None, "en") == "–"
    started = replace(sample_result(), start_year=2026, current_year=2026)  # no year of the programme closed
    figures = roi_exports.headline(started)
    assert figures.last_closed_year is None and figures.returned_margin == 0 and figures.roi_so_far is None


def test_each_missing_input_is_a_sentence_naming_the_input_the_account_or_kam_and_the_year():
    texts = [roi_exports.missing_text(item, "en") for item in sample_result().missing]
    assert texts[0].startswith("Calder Logistics: no revenue recorded for 2024")
    assert "Tom Reed" in texts[3] and "Event" in texts[4]
    assert not any("{" in text for text in texts)


def test_sensitivity_cases_read_as_words():
    assert roi_exports.sensitivity_label(0, 0, "en") == "Base case"
    assert roi_exports.sensitivity_label(2, 0, "en") == "Organic growth +2 points"
    assert roi_exports.sensitivity_label(0, -5, "fr") == "Marge -5 points"


# --- the workbook -------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["en", "fr"])
def workbook(request):
    data = roi_exports.roi_xlsx(sample_result(), sample_inputs(), request.param)
    return request.param, load_workbook(io.BytesIO(data))


def test_the_workbook_holds_the_roi_table_per_year_with_money_and_percent_formats(workbook):
    language, book = workbook
    assert book.sheetnames == [
        translate(f"roi.sheet.{name}", language) for name in ("years", "accounts", "sensitivity", "inputs")
    ]
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == translate("roi.col.year", language)
    assert translate("roi.col.cumulative_roi", language) in header
    years = [sheet.cell(row=row, column=1).value for row in range(2, 8)]
    assert years == [2024, 2025, 2026, 2027, 2028, 2029]
    phases = [sheet.cell(row=row, column=2).value for row in range(2, 8)]
    assert phases == [translate("roi.chart.recorded", language)] * 2 + [translate("roi.chart.forecast", language)] * 4
    margin = header.index(translate("roi.col.cumulative_margin", language)) + 1
    cost = header.index(translate("roi.col.cumulative_cost", language)) + 1
    roi = header.index(translate("roi.col.cumulative_roi", language)) + 1
    assert sheet.cell(row=7, column=margin).value == 5_050_000
    assert sheet.cell(row=7, column=cost).value == 3_390_000
    assert sheet.cell(row=7, column=roi).value == pytest.approx(1_660_000 / 3_390_000)
    assert sheet.cell(row=7, column=roi).number_format == "0%"
    assert "€" in sheet.cell(row=7, column=margin).number_format
    assert sheet.cell(row=2, column=roi).value is None  # no cost in year 0: no ROI, not a zero
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert translate("roi.payback_year", language) in texts and "2027" in texts


def test_the_workbook_draws_the_j_curve_as_a_native_line_chart_its_forecast_dashed(workbook):
    language, book = workbook
    (chart,) = book.worksheets[0]._charts
    assert chart.tagname == "lineChart"
    assert len(chart.series) == 2
    for series in chart.series:
        dashed = sorted(point.idx for point in series.dPt if point.graphicalProperties.line.prstDash == "dash")
        assert dashed == [2, 3, 4, 5]  # 2026-2029: the forecast years
    references = [series.val.numRef.f for series in chart.series]
    assert all(re.search(r"\$[LM]\$2:\$[LM]\$7", reference) for reference in references), references


def test_the_workbook_lists_accounts_by_net_contribution_and_keeps_formula_like_names_as_text(workbook):
    language, book = workbook
    sheet = book.worksheets[1]
    names = [sheet.cell(row=row, column=1).value for row in range(2, 2 + len(ACCOUNTS))]
    assert names[0] == "Aerivon Aerostructures"
    assert '\'=HYPERLINK("http://x")' in names
    nets = [sheet.cell(row=row, column=8).value for row in range(2, 2 + len(ACCOUNTS))]
    assert nets == sorted(nets, reverse=True)
    verdicts = {sheet.cell(row=row, column=9).value for row in range(2, 2 + len(ACCOUNTS))}
    assert verdicts == {translate("roi.chart.carries", language), translate("roi.chart.costs", language)}


def test_the_workbook_holds_the_sensitivity_and_every_input_and_names_the_missing_ones(workbook):
    language, book = workbook
    cases = [row for row in book.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert [case[0] for case in cases] == [
        roi_exports.sensitivity_label(growth, margin, language)
        for growth, margin in ((0, 0), (-2, 0), (2, 0), (0, -5), (0, 5))
    ]
    assert cases[0][1] == pytest.approx(0.49) and cases[3][2] == translate("roi.payback_none", language)
    texts = [str(cell.value) for row in book.worksheets[3].iter_rows() for cell in row if cell.value is not None]
    for line in roi_exports.input_lines(sample_inputs(), language):
        assert line.label in texts and line.value in texts
    assert "Claire Martin" in texts and "Tom Reed" in texts
    for item in sample_result().missing:
        assert roi_exports.missing_text(item, language) in texts
    assert any("Calder Logistics" in text and "2024" in text for text in texts)


# --- the slide ----------------------------------------------------------------------------------------


def _slide_bytes(language: str, result: RoiResult | None = None, programme: str = "Key accounts 2025") -> bytes:
    return roi_exports.roi_pptx(result or sample_result(), sample_inputs(), language, date(2026, 11, 26), programme)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_slide_is_one_slide_with_the_headline_the_native_j_curve_and_the_accounts_that_carry_it(language):
    data = _slide_bytes(language)
    slides = Presentation(io.BytesIO(data)).slides
    assert len(slides) == 1
    slide = slides[0]
    assert slide.shapes.title.text == translate("roi.slide.title", language)
    texts = _texts(data)
    figures = roi_exports.headline(sample_result())
    for value in (
        roi_exports.roi_text(figures.roi_at_end, language),
        "2027",
        translate("roi.headline.payback", language),
    ):
        assert value in texts, value
    assert any(text.startswith(translate("roi.headline.returned", language, year=2025)) for text in texts)
    assert translate("roi.slide.forecast_from", language, year=2026) in texts  # whole, never dropped to fit
    (chart,) = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert [series.name for series in chart.plots[0].series] == [
        translate("roi.chart.cumulative_margin", language),
        translate("roi.chart.cumulative_cost", language),
    ]
    assert list(chart.plots[0].categories) == ["2024", "2025", "2026", "2027", "2028", "2029"]
    assert list(chart.plots[0].series[0].values)[-1] == pytest.approx(5.05)
    xml = chart._chartSpace.xml
    assert xml.count('prstDash val="dash"') == 2 * 4  # the forecast segments of both lines
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    names = [table.cell(row, 0).text for row in range(1, len(table.rows))]
    assert names == [
        "Aerivon Aerostructures",
        "Banque Hélios",
        "Eastgate Pharma",
        '=HYPERLINK("http://x")',
        "Fjord Energy",
    ]
    notes = slide.notes_slide.notes_text_frame.text
    assert translate("qbr.notes.source", language, source=translate("page.roi", language)) in notes
    assert translate("roi.formula.payback", language) in notes


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_slides_text_fits_its_shapes_nothing_is_cut_and_the_body_is_covered(language):
    long_names = tuple(
        _account(
            10 + index, f"Compagnie Générale des Établissements Industriels et Maritimes {index}", 2e6 - index, 1e5
        )
        for index in range(6)
    )
    for result in (
        sample_result(),
        sample_result(payback=None),
        RoiResult(_years(), long_names, None, (), ()),
        RoiResult(_years(), (_account(1, "Calder", 10, 5e5),), None, (), ()),  # nobody carries the return
    ):
        data = _slide_bytes(language, result, programme="Programme grands comptes d'Europe du Nord et de l'Ouest")
        assert len(Presentation(io.BytesIO(data)).slides) == 1
        assert not _overflows(data), _overflows(data)
        assert not any("…" in text for text in _texts(data))
        assert _coverage(Presentation(io.BytesIO(data)).slides[0]) >= 0.5
        for shape in Presentation(io.BytesIO(data)).slides[0].shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.name == FONT_NAME and run.font.size.pt >= 11, run.text


def test_the_slide_names_as_many_carriers_as_fit_and_says_how_many_more_in_its_notes():
    many = tuple(_account(20 + index, f"Account {index}", 2e6 - index * 1000, 1e5) for index in range(9))
    data = _slide_bytes("en", RoiResult(_years(), many, 2027, (), ()))
    slide = Presentation(io.BytesIO(data)).slides[0]
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    assert len(table.rows) - 1 == roi_exports.SLIDE_ACCOUNTS
    assert translate("roi.slide.more_carriers", "en", count=9 - roi_exports.SLIDE_ACCOUNTS) in (
        slide.notes_slide.notes_text_frame.text
    )


def test_file_names():
    assert roi_exports.roi_filename("en", date(2026, 11, 26), "xlsx") == "programme-roi-2026-11-26.xlsx"


# --- the charts ---------------------------------------------------------------------------------------


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_the_j_curve_marks_the_forecast_years_and_the_payback_year():
    chart = roi_charts.j_curve_chart(sample_result(), "en", "EUR")
    spec = chart_dict(chart, "en", "EUR")  # validated against the Vega-Lite schema (tests/conftest.py)
    text = json.dumps(spec)
    assert "Forecast (account plans)" in text and "Pays back in 2027" in text
    frame = roi_charts.j_curve_frame(sample_result(), "en", "EUR")
    forecast = frame[frame["phase"] == "Forecast"]
    assert sorted(set(forecast["year"])) == [2025, 2026, 2027, 2028, 2029]  # 2025 repeated: the joint
    assert set(frame[frame["phase"] == "Recorded"]["year"]) == {2024, 2025}
    rect = [layer for layer in _layers(spec) if layer.get("mark", {}).get("type") == "rect"]
    assert rect, "the forecast band"
    assert spec["config"]["locale"]["number"]["currency"] == ["€", ""]


def test_the_j_curve_without_payback_and_without_forecast_draws_neither():
    years = tuple(row for row in _years() if not row.forecast)
    spec = chart_dict(roi_charts.j_curve_chart(RoiResult(years, (), None, (), ()), "fr", "EUR"), "fr", "EUR")
    text = json.dumps(spec, ensure_ascii=False)
    assert "Rentabilisé" not in text and "Prévision (plans de compte)" not in text
    assert not [layer for layer in _layers(spec) if layer.get("mark", {}).get("type") == "rect"]


def test_the_contributions_are_sorted_coloured_by_verdict_and_capped():
    frame = roi_charts.contribution_frame(sample_result(), "en", "EUR")
    assert list(frame["net"]) == sorted(frame["net"], reverse=True)
    assert set(frame[frame["net"] < 0]["kind"]) == {"Costs more than it brings"}
    assert set(frame[frame["net"] >= 0]["kind"]) == {"Carries the return"}
    chart_dict(roi_charts.contribution_chart(sample_result(), "en", "EUR"), "en", "EUR")
    many = RoiResult((), tuple(_account(i, f"A{i:02d}", i * 1000.0, 500.0) for i in range(40)), None, (), ())
    shown, left_out = roi_charts.shown_contributions(many, limit=10)
    assert left_out == 30 and len(shown) == 10
    assert [row.name for row in shown[:5]] == ["A39", "A38", "A37", "A36", "A35"]
    assert [row.name for row in shown[5:]] == ["A04", "A03", "A02", "A01", "A00"]
    twins = RoiResult((), (_account(1, "Twin", 5.0, 1.0), _account(2, "Twin", 3.0, 1.0)), None, (), ())
    assert list(roi_charts.contribution_frame(twins, "en", "EUR")["label"]) == ["Twin #1", "Twin #2"]


def test_the_download_builders_make_the_files_the_page_offers():
    from kam_core.ui import downloads

    workbook = downloads.roi_builder(sample_result(), sample_inputs(), "fr", "xlsx", "Programme")()
    assert load_workbook(io.BytesIO(workbook)).sheetnames[0] == "ROI par année"
    deck = downloads.roi_builder(sample_result(), sample_inputs(), "en", "pptx", "Programme")()
    assert len(Presentation(io.BytesIO(deck)).slides) == 1
