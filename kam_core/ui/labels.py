"""Labels that depend on the programme's settings as well as on the language."""

from __future__ import annotations

from kam_core.documents.charts import MatrixLabels
from kam_core.ui.i18n import label, labels, t

# Cadence of an executive pairing, as badge colours: late stands out, never met too.
CADENCE_COLOURS = {"late": "red", "due": "orange", "never": "violet", "on_track": "green"}


def quadrant_name(code: str | None) -> str:
    return label("segment", code)


def quadrant_names() -> dict[str, str]:
    """Every segment's name (the four quadrants and "unscored"), for mapping a whole column."""
    return labels("segment", ("strategic", "develop", "maintain", "opportunistic", "unscored"))


def matrix_labels() -> MatrixLabels:
    return MatrixLabels(
        attractiveness=t("matrix.axis_attractiveness"),
        strength=t("matrix.axis_strength"),
        quadrants={code: quadrant_name(code) for code in ("strategic", "develop", "maintain", "opportunistic")},
        name=t("column.account"),
        revenue=t("column.revenue"),
        potential=t("matrix.size.potential_3y"),
        share_of_wallet=t("column.share_of_wallet"),
        kam=t("column.kam"),
        quadrant=t("column.segment"),
        sector=t("column.sector"),
        previous=t("matrix.previous_short"),
        numbered=t("matrix.numbered"),
    )


def timeline_labels() -> dict[str, str]:
    """Words of the engagement timeline."""
    labels = {f"status.{code}": label("engagement_status", code) for code in ("planned", "held", "cancelled")}
    labels |= {f"kind.{code}": label("engagement_kind", code) for code in ("meeting", "visit", "call", "event", "qbr")}
    labels |= {
        key: t(f"executives.tooltip.{key}")
        for key in ("on_date", "account", "kind", "status", "objective", "executives", "stakeholders", "today")
    }
    return labels
