"""The import's vocabulary: its kinds, target fields and limits, the errors it raises and the
plain results it returns (``ImportPreview``, ``ImportResult``, ``YearTotal``).

Codes, for the catalogs. File errors (``ImportFileError``, params in braces): empty_file,
header_only, duplicate_headers {headers: a list}, too_large {rows, columns}, not_text (binary,
NUL bytes, or bytes no encoding reads), xls_format (the old binary .xls), unreadable_xlsx
{reason}, no_sheet, bad_csv {line, reason}, missing_required {fields, groups}, bad_mapping
{targets, headers: lists, reason}; a CSV file's encoding (``encodings``): encoding_unknown,
encoding_unsure {encoding}, encoding_ambiguous {encoding, others: a list}, encoding_mixed
{line}. Row problems (``ImportProblem``; params always hold ``value``, the cell as read):
required, text_length {min, max}, number_format, number_range {min, max}, integer_range {min,
max}, not_a_date, ambiguous_date, date_range {min, max}, choice {choices}, country_code,
unknown_kam, inactive_kam, default_sector {sector}, unknown_account, unknown_parent
{parent_row}, parent_archived, own_parent, parent_cycle, duplicate_in_file {first_row},
email_format, lost_deal, kind_unknown {choices}, crm_id_mismatch {stored}, credit_note,
revenue_year_defaulted {year} (warning), date_order_guessed {order} (warning), and
validate_account's account_name_taken {other} and crm_id_taken {other}. Every text of the params
(each text of a list too) is ``quoted``: at most QUOTE_MAX characters, a 1 MB cell by its start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kam_core.account.accounts import POTENTIAL_MAX
from kam_core.common.formatting import quoted, quoted_params
from kam_core.exchange.import_synonyms import SYNONYMS

KINDS = ("accounts", "contacts", "revenue")
TARGETS: dict[str, tuple[str, ...]] = {kind: tuple(SYNONYMS[kind]) for kind in KINDS}
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "accounts": (("name",),),
    "contacts": (("name", "last_name"), ("account_crm_id", "account_name")),
    "revenue": (("amount",), ("date",), ("account_crm_id", "account_name")),
}
LINE_KINDS = ("won", "invoice", "opportunity")
ACTIONS = ("create", "update", "reject", "skip", "remove")
DEFAULT_SECTOR = "Unclassified"
BATCH_SIZE = 5000
AMOUNT_MAX = POTENTIAL_MAX  # 1e13, as the account's figures
YEAR_MIN, YEAR_MAX = 1990, 2100
PROBABILITY_MIN, PROBABILITY_MAX = 0, 100  # a deal's probability, in %
DATE_MIN, DATE_MAX = date(YEAR_MIN, 1, 1), date(YEAR_MAX, 12, 31)
CONTACT_TEXT_MAX = 120
EMAIL_MAX = 254
LABEL_MAX = 200


# --- errors and results -------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file (or the mapping) cannot be used at all; ``code`` names a catalog message."""

    def __init__(self, code: str, params: dict | None = None) -> None:
        self.code = code
        self.params = quoted_params(params or {})  # a value quoted back: at most QUOTE_MAX characters
        super().__init__(f"{code}: {self.params}")


@dataclass(frozen=True)
class ImportProblem:
    """One problem of one row. ``row`` is the row's number in the file (header = 1 when it is the
    first line), ``column`` the header of the column concerned (None when no column is),
    ``value`` the cell as read. Errors refuse the row; warnings never do. The value, the column
    and the texts of ``params`` are kept ``quoted`` (at most QUOTE_MAX characters): a 1 MB cell is
    reported by its first characters."""

    row: int
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict)
    severity: str = "error"  # "error" | "warning"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", quoted(self.value))
        object.__setattr__(self, "column", quoted(self.column))
        object.__setattr__(self, "params", quoted_params(self.params))


class ImportRefused(Exception):
    """``only_valid=False`` and some rows are refused: nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem], rejected: int) -> None:
        super().__init__(f"{rejected} row(s) refused; nothing imported")
        self.problems = tuple(problems)
        self.rejected = rejected


@dataclass(frozen=True)
class RawTable:
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]  # cells: str | float | int | datetime | date | None
    encoding: str | None
    separator: str | None
    source: str  # "csv" | "xlsx"
    header_row: int = 1  # the header's row number in the file; data row i is header_row + 1 + i


@dataclass(frozen=True)
class PreviewRow:
    row: int
    action: str  # "create" | "update" | "reject" | "skip" (lost deal) | "remove" (lost deal stored before)
    values: dict  # as they will be stored, display-ready (names rather than ids)
    problems: tuple[ImportProblem, ...]


@dataclass(frozen=True)
class YearTotal:
    """One account-year a revenue import touches: the AccountYear.revenue stored (None when the
    account has no row for that year) and the sum of the account's won and invoice lines of that
    year once the file is imported. With ``set_yearly_revenue`` the stored value becomes the total."""

    account_id: int
    account_name: str
    year: int
    stored: float | None
    lines_total: float


@dataclass(frozen=True)
class ImportPreview:
    kind: str
    rows: tuple[PreviewRow, ...]
    ignored_columns: tuple[str, ...]
    counts: dict  # action -> rows, every action of ACTIONS present
    year_totals: tuple[YearTotal, ...] = ()  # revenue: every account-year touched, by account name and year

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        return tuple(problem for row in self.rows for problem in row.problems)


@dataclass(frozen=True)
class ImportResult:
    kind: str
    read: int
    created: int
    updated: int
    rejected: int
    problems: tuple[ImportProblem, ...]
    backup: Path | None
    pipeline: dict  # account id -> (open opportunity amount, weighted by probability)
    years_updated: int
    skipped: int = 0  # lost deals not imported
    removed: int = 0  # lines stored before and now lost, deleted
    year_totals: tuple[YearTotal, ...] = ()  # revenue: stored (before the import) -> lines total, per account-year
