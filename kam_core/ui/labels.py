"""Labels that depend on the programme's settings as well as on the language."""

from __future__ import annotations

from kam_core.charts import MatrixLabels
from kam_core.ui.i18n import t


def quadrant_name(code: str) -> str:
    return t(f"enum.segment.{code}")


def matrix_labels() -> MatrixLabels:
    return MatrixLabels(
        attractiveness=t("matrix.axis_attractiveness"), strength=t("matrix.axis_strength"),
        quadrants={code: quadrant_name(code) for code in ("strategic", "develop", "maintain", "opportunistic")},
        name=t("column.account"), revenue=t("column.revenue"), potential=t("matrix.size.potential_3y"),
        share_of_wallet=t("column.share_of_wallet"), kam=t("column.kam"), quadrant=t("column.segment"),
        sector=t("column.sector"), previous=t("matrix.previous_short"),
    )
