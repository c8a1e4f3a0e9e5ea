"""Every chart drawn in French reads French: its months ("juil. 2026", never "Jul 2026"), its
numbers and its tooltips' units ("28 226 000 €", "51 %"), as vl-convert draws them (the renderer of
the files, the same Vega as the browser's): the test reads the SVG's text, not the spec."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from kam_core.account.buying_centre import influence_attitude_chart
from kam_core.account.engagement import timeline_chart
from kam_core.account.white_space import white_space_chart
from kam_core.documents.charts import chart_dict, chart_spec, kpi_chart, matrix_chart, revenue_chart
from kam_core.exchange import exports
from tests.conftest import TODAY
from tests.drawn import FRENCH_SHORT_MONTHS, labels_of_svg, svg_texts, tooltip_texts
from tests.french import english_months_in
from tests.unit.test_buying_centre import LABELS as BUYING_LABELS
from tests.unit.test_buying_centre import _people, _person
from tests.unit.test_charts import LABELS as MATRIX_LABELS
from tests.unit.test_white_space import CELLS
from tests.unit.test_white_space import LABELS as WHITE_SPACE_LABELS

NBSP, NNBSP = "\u00a0", "\u202f"


def _timeline():
    days = [TODAY + timedelta(days=offset) for offset in range(-180, 181, 20)]
    rows = pd.DataFrame(
        {
            "on_date": days,
            "account": ["Aerivon Aerostructures"] * len(days),
            "status": ["held" if day < TODAY else "planned" for day in days],
            "kind": ["meeting"] * len(days),
            "objective": ["Revue"] * len(days),
            "executives": ["Isabel Navarro"] * len(days),
            "stakeholders": ["Élodie Gauthier"] * len(days),
        }
    )
    return timeline_chart(rows, labels={"on_date": "Date", "account": "Compte", "today": "Aujourd'hui"}, today=TODAY)


def _kpis():
    readings = [pd.Timestamp(TODAY - timedelta(days=30 * months)) for months in range(12, -1, -1)]
    history = pd.DataFrame(
        {
            "objective_id": [1] * len(readings) + [2],
            "title": ["Énergie des bancs"] * len(readings) + ["Arrêts"],
            "kpi": ["kWh"] * len(readings) + ["arrêts"],
            "unit": ["kWh"] * len(readings) + ["nombre"],
            "baseline": [100.0] * len(readings) + [20.0],
            "target": [50.0] * len(readings) + [10.0],
            "due_date": [date(2027, 6, 30)] * (len(readings) + 1),
            "reading_date": [*readings, pd.NaT],
            "value": [100.0 - 3.5 * i for i in range(len(readings))] + [float("nan")],
        }
    )
    return kpi_chart(history, labels={"date": "Date", "value": "Valeur"})


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": [1, 2, 3],
            "name": ["Aerivon", "Borealis", "Cygne"],
            "strength": [7.5, 3.2, 5.5],
            "attractiveness": [8.25, 4.0, 6.5],
            "quadrant": ["strategic", "opportunistic", "develop"],
            "revenue": [28_226_000.0, 1_250_000.0, 980.0],
            "potential_3y": [40e6, 2e6, 5e5],
            "share_of_wallet_pct": [51.0, 12.5, 3.0],
            "kam": ["Ana"] * 3,
            "sector": ["Aéronautique"] * 3,
            "scored": [True] * 3,
        }
    )


def _matrix():
    return matrix_chart(_points(), attractiveness_threshold=5, strength_threshold=5, labels=MATRIX_LABELS)


BUILDERS = {
    "engagement timeline": _timeline,
    "KPI history": _kpis,
    "portfolio matrix": _matrix,
    "revenue by year": lambda: revenue_chart(
        pd.DataFrame({"year": [2024, 2025], "revenue": [18.5e6, 20.03e6]}), revenue_label="CA", year_label="Année"
    ),
    "white space": lambda: white_space_chart(
        CELLS, units=["North", "South"], offers=["Audit", "Build"], labels=WHITE_SPACE_LABELS, currency_symbol="€"
    ),
    "influence and attitude": lambda: influence_attitude_chart(
        _people(_person(1, "decision_maker", 2, influence=5, relationship=5, name="Ada")),
        labels=BUYING_LABELS,
        today=TODAY,
    ),
}
DATED = ("engagement timeline", "KPI history")  # the charts with a time axis


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_chart_drawn_in_french_shows_an_english_month(name):
    texts = svg_texts(chart_dict(BUILDERS[name](), "fr"))
    assert texts
    shown = " | ".join(texts)
    assert not english_months_in(shown), shown
    if name in DATED:
        assert any(month in shown for month in FRENCH_SHORT_MONTHS), shown


@pytest.mark.parametrize("name", DATED)
def test_the_same_chart_in_english_shows_english_months(name):
    """The check above is not blind: the English chart draws English months where French draws French."""
    assert english_months_in(" | ".join(svg_texts(chart_dict(BUILDERS[name](), "en"))))


def test_the_timeline_axis_reads_month_and_year_in_french():
    labels = svg_texts(chart_dict(_timeline(), "fr"))
    assert "juil. 2026" in labels and "déc. 2026" in labels, labels


def test_a_page_spec_carries_its_language_so_the_browser_draws_it_so():
    """The page's spec (``chart_spec``, its tables kept aside) states the locale the browser uses."""
    spec = chart_spec(_timeline(), "fr")
    assert spec["config"]["locale"]["time"]["shortMonths"][6] == "juil."
    assert spec["config"]["view"] == {"strokeWidth": 0}  # the chart's own config kept
    assert chart_spec(_timeline(), "en")["config"]["locale"]["time"]["shortMonths"][6] == "Jul"


def test_the_matrix_tooltip_gives_revenue_and_share_of_wallet_with_their_units():
    """Issue 22: "Revenue 28,226,000 · Share of wallet 51" had no unit."""
    en = tooltip_texts(chart_dict(_matrix(), "en"))
    assert "€28,226,000" in en[MATRIX_LABELS.revenue] and "51%" in en[MATRIX_LABELS.share_of_wallet], en
    fr = tooltip_texts(chart_dict(_matrix(), "fr"))
    assert f"28{NNBSP}226{NNBSP}000{NBSP}€" in fr[MATRIX_LABELS.revenue], fr
    assert f"51{NBSP}%" in fr[MATRIX_LABELS.share_of_wallet] and f"13{NBSP}%" in fr[MATRIX_LABELS.share_of_wallet]
    assert "8,3" in fr[MATRIX_LABELS.attractiveness]  # decimals with a comma


def test_the_matrix_tooltip_takes_the_programmes_currency():
    assert "$28,226,000" in tooltip_texts(chart_dict(_matrix(), "en", "USD"))[MATRIX_LABELS.revenue]


def test_the_timeline_tooltip_writes_the_date_as_the_page_does():
    dates = tooltip_texts(chart_dict(_timeline(), "fr"))["Date"]
    assert "26 nov. 2026" in dates or any(text.endswith(" 2026") and "nov." in text for text in dates), dates
    assert not english_months_in(" ".join(dates))


def test_a_picture_downloaded_in_french_reads_french():
    labels = labels_of_svg(exports.chart_svg(_kpis(), language="fr").decode())
    assert "juil. 2026" in labels and not english_months_in(" | ".join(labels)), labels
    assert "Jul 2026" in labels_of_svg(exports.chart_svg(_kpis()).decode())  # English by default
