"""Import and export of business tables as real `.xlsx` files (DESIGN.md, mechanism 6).

One pattern for every table: a `TableSpec` (spec.py) lists the columns (Chinese header, form field, how a cell
becomes a form value — cells.py —, the dropdown offered in the template, how an object becomes a cell on
export), the form that validates each row (the very form of the edit page) and the save function (the page's
save path).

- `build_template(spec, user)` (workbook.py): the download, with a styled and frozen header, dropdowns and a
  填写说明 sheet.
- `read_rows(spec, file)` (reading.py): checks the file is an `.xlsx` by its content, finds the header row,
  maps the (tolerantly normalised) headers to columns; a file-level problem raises `ImportFileError`.
- `run_import(spec, file, user)` (running.py): validates every row through the form, finds duplicates within
  the file and against the database, and writes all rows in one transaction, or nothing at all. Files of more
  than `BACKGROUND_ROWS` rows run as a background `Job` with progress. Each import is recorded as a `Job`.
- `error_report(errors)` (workbook.py): the errors as an `.xlsx` (row, column, value, reason).
- `write_table(spec, objects)` (workbook.py): an export with the same columns, so it can be edited and imported.
"""

from .cells import (
    CellError,
    ImportContext,
    ImportFileError,
    amount,
    boolean,
    choice,
    code,
    display,
    integer,
    is_blank,
    text,
)
from .constants import BACKGROUND_ROWS, MAX_BYTES, MAX_ROWS, MONEY_FORMAT, TEXT_FORMAT
from .reading import Table, check_xlsx, normalize_header, read_rows
from .running import ImportResult, RowError, import_rows, job_result, run_import, run_import_job
from .spec import Column, TableSpec
from .workbook import build_template, error_report, write_table

__all__ = [
    "BACKGROUND_ROWS", "MAX_BYTES", "MAX_ROWS", "MONEY_FORMAT", "TEXT_FORMAT", "CellError", "Column",
    "ImportContext", "ImportFileError", "ImportResult", "RowError", "Table", "TableSpec", "amount", "boolean",
    "build_template", "check_xlsx", "choice", "code", "display", "error_report", "import_rows", "integer",
    "is_blank", "job_result", "normalize_header", "read_rows", "run_import", "run_import_job", "text",
    "write_table",
]
