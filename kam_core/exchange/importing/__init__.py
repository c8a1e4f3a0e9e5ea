"""Import of accounts, contacts (stakeholders) and revenue lines from CSV and XLSX files, as CRMs
(Salesforce, HubSpot, Dynamics) and Excel really export them.

Four steps, plain data throughout (no Streamlit):

1. ``read_table(data, filename)`` reads the file into a ``RawTable`` (``files``).
2. ``propose_mapping(headers, kind)`` proposes which column feeds which target field;
   ``load_mapping`` reads and checks one given as JSON (``mapping``).
3. ``preview_import(session, table, kind, mapping, today)`` reads every row as it will be stored,
   matches it with what the database holds and lists every problem per row; nothing is written.
4. ``run_import(engine, ...)`` does the same reading again inside one transaction and writes
   (``run``, for both).

One concern per module: ``model`` (kinds, targets, limits, errors, results and the catalog's
codes), ``files`` (reading CSV and XLSX files), ``encodings`` (a CSV file's encoding: certain,
detected, or refused), ``mapping`` (headers to target fields), ``cell_values`` (reading cells:
texts, numbers, dates, yes/no, CRM words), ``rows`` (planning the rows: matching with stored
records, problems, the preview), ``accounts``, ``contacts`` and ``revenue`` (each kind's rules,
planning and writing) and ``run`` (the entry points).
"""

from kam_core.exchange.importing.cell_values import country_code
from kam_core.exchange.importing.encodings import name as encoding_name
from kam_core.exchange.importing.files import read_table
from kam_core.exchange.importing.mapping import load_mapping, propose_mapping
from kam_core.exchange.importing.model import (
    ACTIONS,
    KINDS,
    LINE_KINDS,
    REQUIRED,
    TARGETS,
    ImportFileError,
    ImportPreview,
    ImportProblem,
    ImportRefused,
    ImportResult,
    PreviewRow,
    RawTable,
    YearTotal,
)
from kam_core.exchange.importing.rows import crm_key
from kam_core.exchange.importing.run import preview_import, run_import

__all__ = [
    "ACTIONS",
    "KINDS",
    "LINE_KINDS",
    "REQUIRED",
    "TARGETS",
    "ImportFileError",
    "ImportPreview",
    "ImportProblem",
    "ImportRefused",
    "ImportResult",
    "PreviewRow",
    "RawTable",
    "YearTotal",
    "country_code",
    "crm_key",
    "encoding_name",
    "load_mapping",
    "preview_import",
    "propose_mapping",
    "read_table",
    "run_import",
]
