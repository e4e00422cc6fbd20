"""预算执行数据导入: streaming loaders of monthly execution files (DOMAIN.md §4.5, formats/README.md).

- `load_execution(file_or_path, user=None, filename="", progress=None)` (loader.py): read, check, write — all
  rows or none — and return an `ExecutionResult` (core `ImportResult` + `batch`).
- `start_import(upload, user, filename, background_rows=…)` (jobs.py): the same for a page or the API, recorded
  as a `Job`, queued for the worker when the file is large.
- reading (sources.py, columns.py), cell rules (cells.py, mirrored in SQL by pgsql.py), the PostgreSQL loader
  (postgres.py: COPY + set-based SQL; direct.py and second_half.py: its direct path, for a file PostgreSQL reads as
  the rules do, in two sessions when large) and the generic one (generic.py: blocks of rows through the ORM).
"""

from .loader import load_execution
from .result import ExecutionResult

__all__ = ["ExecutionResult", "load_execution"]
