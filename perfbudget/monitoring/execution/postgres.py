"""The PostgreSQL loader: COPY into a temporary staging table, the canonical rows typed and resolved in SQL, the rest
through the Python cell rules, then a set-based write of one row per project year (`ExecutionYear`).

0. Direct path (`direct.py`), for a CSV whose cells PostgreSQL reads as the rules do: COPY into typed columns, one
   fold per (code, year), one join to the project years, one INSERT; a large file in two sessions. Any refusal
   rolls it back to its savepoint and the file takes steps 1–5, which find and word every problem.
1. The file streams into `exec_stage` (row number + one text column per file column): a CSV is handed to COPY as
   raw bytes (PostgreSQL parses it; no Python per line); should COPY refuse it (ragged rows, blank lines, odd line
   ends), the same file is re-sent row by row from Python's csv reader. `.xlsx` rows always go row by row.
2. Fast path, one pass: rows whose cells are canonical (plain code, `2025`, `1`–`12`, `1234.5` or `1,234.50`) are
   cast by PostgreSQL — the very values `cells.py` gives for such texts — and resolved to their project year by one
   hash join on (code, year) against the projects in the user's scope: `exec_rows`. Optional text columns go
   through the Python rules once per distinct non-ASCII value (a few: 一般公共预算, 国库集中支付系统).
3. Slow path, only for the rows the fast path could not settle (other spellings, blanks, bad cells, unknown codes,
   missing project years): each distinct cell text of those rows goes through the Python rules (`cells.py`), so
   the values and the messages are exactly those of the generic loader. Valid ones join the fast rows.
4. Duplicates: one GROUP BY over (project year, month). Any problem → every problem counted, the first rows'
   errors read back in file order, nothing written.
5. Write (caller's transaction, table locked against other imports): the rows fold into one row per project year
   (`exec_wide`; the optional values of the latest month win); one join counts the months new, changed and
   unchanged; changed figures → change log, changed project years → `UPDATE … FROM`, new ones → `INSERT …
   SELECT`. Nothing per row in Python.
"""

import time

import psycopg
from django.db import connection, transaction

from perfbudget.core.importexport.constants import MAX_STORED_ERRORS

from ..models import MONTH_FIELDS
from .cells import Problem, is_blank
from .columns import BY_FIELD, FIELDS
from .rows import projects_in_scope

OPTIONAL = ("budget_type", "function_code", "source")
MAX_LENGTH = {"budget_type": 20, "function_code": 7, "source": 50}
PROGRESS_BYTES = 8 << 20
TEMP_TABLES = ", ".join(["exec_typed", "exec_fold", "exec_fold_merged", "exec_wide", "exec_stage", "exec_rows",
                         "exec_slow", "exec_detail", "exec_all", "exec_errors", "exec_codes",
                         *(f"exec_map_{f}" for f in FIELDS), *(f"exec_slowmap_{f}" for f in FIELDS)])
TARGET = "monitoring_executionyear"
CHUNK_BYTES = 1 << 20
SESSION_SETTINGS = ("SET work_mem = '256MB'", "SET maintenance_work_mem = '256MB'", "SET jit = off")
MONTHS = range(1, 13)


def load(source, user, batch, result, progress=None):
    header = source.header
    fields = [f for f in FIELDS if f in header.index]
    clock = _Clock(result.timings)
    from .direct import load_direct  # step 0; it uses this module's helpers

    with connection.cursor() as cursor:
        # The tables drop on commit; inside a longer transaction (tests, callers' atomic blocks) they drop here.
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")
        for statement in SESSION_SETTINGS:
            cursor.execute(statement.replace("SET ", "SET LOCAL ", 1))
        if source.kind == "csv" and load_direct(cursor, source, fields, user, batch, result, progress, clock):
            cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")
            return
        _stage(cursor, source, progress)
        clock("copy")
        fast, slow = _fast(cursor, header, fields, user)
        clock("classify")
        bad, slow_rows = 0, 0
        if slow:
            bad, slow_rows = _slow(cursor, header, fields, user)
            clock("parse")
        result.total = fast + slow_rows
        if progress:
            progress(None, "saving")
        if not bad:
            bad = _has_duplicates(cursor)
            clock("check")
        if bad:
            _read_errors(cursor, source, fields, result, detail=bool(slow))
        elif result.total:
            _fold_rows(cursor, fields)
            _write(cursor, batch, fields, result)
        clock("write")
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")


class _Clock:
    def __init__(self, timings):
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, phase):
        now = time.perf_counter()
        self.timings[phase] = round(now - self.last, 3)
        self.last = now


# --- 1. staging ---------------------------------------------------------------------------------------------

def _stage(cursor, source, progress):
    width = source.header.width
    columns = ", ".join(f"c{i} text" for i in range(width))
    cursor.execute(f"CREATE TEMP TABLE exec_stage (row_no bigint GENERATED BY DEFAULT AS IDENTITY "
                   f"(START WITH {source.header.row + 1}), {columns}) ON COMMIT DROP")
    names = ", ".join(f"c{i}" for i in range(width))
    if source.kind == "csv":
        encoding = "GB18030" if source.encoding == "gb18030" else "UTF8"
        try:
            with transaction.atomic():
                with cursor.cursor.copy(f"COPY exec_stage ({names}) FROM STDIN "
                                        f"WITH (FORMAT csv, ENCODING '{encoding}')") as copy:
                    sent = 0
                    for chunk in source.csv_bytes():
                        copy.write(chunk)
                        sent += len(chunk)
                        if progress and sent % PROGRESS_BYTES < len(chunk):
                            progress(_estimate(source, sent), "validating")
            cursor.execute("ANALYZE exec_stage")
            return
        except psycopg.errors.DataError:
            pass  # COPY's CSV reading is stricter than Python's: read it row by row below
    with cursor.cursor.copy(f"COPY exec_stage (row_no, {names}) FROM STDIN") as copy:
        for n, (number, record) in enumerate(source.records(), start=1):
            cells = record[:width] + [None] * (width - len(record))
            copy.write_row((number, *cells))
            if progress and n % 50_000 == 0:
                progress(n, "validating")
    cursor.execute("ANALYZE exec_stage")


def _estimate(source, sent):
    return int(source.estimated_rows * sent / max(1, source.size - source.data_offset))


def _raw(header, field, alias="s"):
    return f"{alias}.c{header.index[field]}"


# --- 2. fast path -------------------------------------------------------------------------------------------

# Canonical spellings, cast by PostgreSQL to the very value the rule of `cells.py` gives for them. Anything else
# (full-width digits, spaces, 年/月/元/¥, blanks, bad values) takes the slow path through the Python rules. The
# checks are what a row costs most here, so they are cheap: a code and a year are canonical when they equal a
# canonical code (checked once per project) and a 4-digit year of the library; a month is one of 21 texts
# (a hashed IN list); a plain amount is one short regular expression (PostgreSQL's bounded repetitions like
# {1,14} are slow) and a length check (≤ 14 integer digits), the separated one a second, only when the first fails.
FAST_CODE = r"^[!-~]+$"  # printable ASCII without spaces: `parse_code` keeps it as it is
FAST_YEAR = r"^[0-9]{4}$"  # (for the tests: the join compares with lpad(year, 4, '0'))
FAST_MONTHS = tuple(str(m) for m in range(1, 13)) + tuple(f"0{m}" for m in range(1, 10))
FAST_MONTH = r"^(0?[1-9]|1[0-2])$"  # the same set, for the tests
FAST_PLAIN_AMOUNT = r"^[0-9]+(\.[0-9][0-9]?)?$"
FAST_SEPARATED_AMOUNT = r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2}0*)?$"
FAST_AMOUNT = r"^([0-9]{1,14}|[0-9]{1,3}(,[0-9]{3}){1,3}|[0-9]{1,2}(,[0-9]{3}){4})(\.[0-9]{1,2}0*)?$"  # the union
FAST_FUNCTION_CODE = r"^([0-9]{3}|[0-9]{5}|[0-9]{7})$"


def _fast_amount(raw):
    """The amount of a canonical cell, else NULL: at most 14 integer digits (numeric(16, 2) would overflow)."""
    plain = f"length({raw}) <= 14 OR (length({raw}) <= 16 AND strpos({raw}, '.') > 0)"
    digits = f"length(replace(split_part({raw}, '.', 1), ',', ''))"
    return (f"CASE WHEN {raw} ~ '{FAST_PLAIN_AMOUNT}' THEN CASE WHEN {plain} THEN {raw}::numeric(16, 2) END "
            f"WHEN {raw} ~ '{FAST_SEPARATED_AMOUNT}' AND {digits} <= 14 "
            f"THEN replace({raw}, ',', '')::numeric(16, 2) END")


def _fast_text(field):
    """Printable ASCII without surrounding spaces, within the length: `trim(fold(text))` is the text itself."""
    if field == "function_code":
        return FAST_FUNCTION_CODE
    return rf"^[!-~]([ -~]{{0,{MAX_LENGTH[field] - 2}}}[!-~])?$"


def _scope_keys(user):
    """(code, year as 4-digit text, project id, project year id) of the project years of the projects in scope whose
    code is canonical (a file cell equal to such a code is what `parse_code` reads it as)."""
    scope_sql, params = projects_in_scope(user).order_by().values("id", "code").query.sql_with_params()
    return (f"""SELECT pr.code, lpad(py.year::text, 4, '0') AS year, pr.id AS project_id, py.id AS py_id
                FROM ({scope_sql}) pr JOIN projects_projectyear py ON py.project_id = pr.id
                WHERE pr.code ~ '{FAST_CODE}' AND py.year BETWEEN 0 AND 9999""", params)


def _optional_map(cursor, header, field):
    """exec_map_<field>: the distinct non-canonical texts of an optional column through the Python rule."""
    raw = f"coalesce({_raw(header, field)}, '')"
    _map_values(cursor, f"exec_map_{field}", field,
                f"SELECT DISTINCT {raw} FROM exec_stage s WHERE {raw} <> '' AND {raw} !~ '{_fast_text(field)}'")


def _map_values(cursor, table, field, select):
    parse = BY_FIELD[field].parse
    cursor.execute(f"CREATE TEMP TABLE {table} (raw text, value text, problem text, blank bool) ON COMMIT DROP")
    with connection.connection.cursor(name=f"exec_distinct_{field}") as distinct:
        distinct.execute(select)
        while values := distinct.fetchmany(FETCH):
            with cursor.cursor.copy(f"COPY {table} (raw, value, problem, blank) FROM STDIN") as copy:
                for (raw,) in values:
                    value, problem = parse(raw)
                    copy.write_row((raw, None if value is None else str(value), problem and problem.code,
                                    is_blank(raw)))
    cursor.execute(f"ANALYZE {table}")


def _fast(cursor, header, fields, user):
    """exec_rows: every staged row, typed and resolved when its cells are canonical (else NULLs and its raw
    cells, for the slow path). Returns (rows settled, rows left)."""
    optional = [f for f in OPTIONAL if f in fields]
    code, year, month, amount = (_raw(header, f) for f in ("project_code", "fiscal_year", "month", "paid_amount"))
    months = ", ".join(FAST_MONTHS)
    columns = [f"CASE WHEN {month} = ANY('{{{months}}}'::text[]) THEN {month}::smallint END AS month",
               f"{_fast_amount(amount)} AS amount"]
    joins, settled = [], ["py_id IS NOT NULL", "month IS NOT NULL", "amount IS NOT NULL"]
    for i, field in enumerate(optional):
        _optional_map(cursor, header, field)
        raw = f"coalesce({_raw(header, field)}, '')"
        columns.append(f"CASE WHEN {raw} = '' OR {raw} ~ '{_fast_text(field)}' THEN {raw} "
                       f"WHEN o{i}.problem IS NULL THEN o{i}.value END AS {field}")
        joins.append(f"LEFT JOIN exec_map_{field} o{i} ON o{i}.raw = {raw} AND {raw} <> ''")
        settled.append(f"{field} IS NOT NULL")
    cells = ", ".join(f"s.c{i}" for i in sorted(header.index[f] for f in fields))
    keys, params = _scope_keys(user)
    cursor.execute(
        f"""CREATE TEMP TABLE exec_rows ON COMMIT DROP AS
            SELECT row_no, py_id, month, amount, {"".join(f"{f}, " for f in optional)}
                   CASE WHEN NOT ({" AND ".join(settled)}) THEN ARRAY[{cells}] END AS raw
            FROM (SELECT s.row_no, k.py_id, {", ".join(columns)}, {cells}
                  FROM exec_stage s {" ".join(joins)}
                  LEFT JOIN ({keys}) k ON k.code = {code} AND k.year = {year}) s""", params)
    cursor.execute("SELECT count(*) FILTER (WHERE raw IS NULL), count(*) FILTER (WHERE raw IS NOT NULL) "
                   "FROM exec_rows")
    return cursor.fetchone()


# --- 3. slow path -------------------------------------------------------------------------------------------

FETCH = 20_000


def _slow(cursor, header, fields, user):
    """exec_detail: the rows the fast path left, through the Python rules once per distinct cell text (blank rows
    dropped). Returns (rows with a problem, non-blank rows); when none has a problem they join exec_rows."""
    indexes = sorted(header.index[f] for f in fields)
    cursor.execute(f"""CREATE TEMP TABLE exec_slow ON COMMIT DROP AS
                       SELECT row_no, {", ".join(f"raw[{n}] AS c{i}" for n, i in enumerate(indexes, start=1))}
                       FROM exec_rows WHERE raw IS NOT NULL""")
    cursor.execute("ANALYZE exec_slow")
    for field in fields:
        raw = f"coalesce({_raw(header, field)}, '')"
        _map_values(cursor, f"exec_slowmap_{field}", field, f"SELECT DISTINCT {raw} FROM exec_slow s")
    scope_sql, scope_params = projects_in_scope(user).order_by().values("id", "code").query.sql_with_params()
    cursor.execute(f"""CREATE TEMP TABLE exec_codes ON COMMIT DROP AS
                       SELECT m.*, pr.id AS project_id FROM exec_slowmap_project_code m
                       LEFT JOIN ({scope_sql}) pr ON pr.code = m.value AND m.problem IS NULL""", scope_params)

    def raw(field):
        return f"coalesce({_raw(header, field)}, '')"

    columns = ["mc.value AS code", "mc.problem AS e_project_code", "mc.project_id",
               "my.value::int AS year", "my.problem AS e_fiscal_year",
               "mm.value::smallint AS month", "mm.problem AS e_month",
               "ma.value::numeric(16, 2) AS amount", "ma.problem AS e_paid_amount"]
    joins = [f"JOIN exec_codes mc ON mc.raw = {raw('project_code')}",
             f"JOIN exec_slowmap_fiscal_year my ON my.raw = {raw('fiscal_year')}",
             f"JOIN exec_slowmap_month mm ON mm.raw = {raw('month')}",
             f"JOIN exec_slowmap_paid_amount ma ON ma.raw = {raw('paid_amount')}"]
    blank = ["mc.blank", "my.blank", "mm.blank", "ma.blank"]
    for i, field in enumerate(f for f in OPTIONAL if f in fields):
        columns += [f"o{i}.value AS {field}", f"o{i}.problem AS e_{field}"]
        joins.append(f"JOIN exec_slowmap_{field} o{i} ON o{i}.raw = {raw(field)}")
        blank.append(f"o{i}.blank")
    cursor.execute(f"""CREATE TEMP TABLE exec_detail ON COMMIT DROP AS
                       SELECT s.row_no, {", ".join(columns)}, py.id AS py_id
                       FROM exec_slow s {" ".join(joins)}
                       LEFT JOIN projects_projectyear py ON py.project_id = mc.project_id AND py.year = my.value::int
                       WHERE NOT ({" AND ".join(blank)})""")
    cursor.execute(
        f"""SELECT count(*) FILTER (WHERE {_cell_problems(fields)} OR (e_project_code IS NULL AND project_id IS NULL)
                                   OR (project_id IS NOT NULL AND e_fiscal_year IS NULL AND py_id IS NULL)),
                   count(*)
            FROM exec_detail""")
    bad, rows = cursor.fetchone()
    if not bad:
        optional = "".join(f", {f}" for f in OPTIONAL if f in fields)
        cursor.execute("DELETE FROM exec_rows WHERE raw IS NOT NULL")
        cursor.execute(f"""INSERT INTO exec_rows (row_no, py_id, month, amount{optional})
                           SELECT row_no, py_id, month, amount{optional} FROM exec_detail""")
        cursor.execute("TRUNCATE exec_detail")
    return bad, rows


# --- 4. problems --------------------------------------------------------------------------------------------

KEY_VALID = "e_project_code IS NULL AND e_fiscal_year IS NULL AND e_month IS NULL"


def _cell_problems(fields):
    return " OR ".join(f"e_{f} IS NOT NULL" for f in fields)


def _has_duplicates(cursor):
    # Every row is resolved here, and (project year, month) ≡ (code, year, month): group on the integers.
    cursor.execute("ANALYZE exec_rows")
    cursor.execute("SELECT EXISTS (SELECT FROM exec_rows GROUP BY py_id, month HAVING count(*) > 1)")
    return int(cursor.fetchone()[0])


def _read_errors(cursor, source, fields, result, detail):
    """Every problem, counted; the first MAX_STORED_ERRORS in file order (row, column, kind), with the cell.

    exec_all = the settled rows of the fast path (no cell problem, resolved; code and year from their project
    year) plus, when the slow path ran, its rows with their problems."""
    optional = [f for f in OPTIONAL if f in fields]
    cursor.execute(
        f"""CREATE TEMP TABLE exec_all ON COMMIT DROP AS
            SELECT r.row_no, pr.code, NULL::text AS e_project_code, pr.id AS project_id, py.year,
                   NULL::text AS e_fiscal_year, r.month, NULL::text AS e_month, NULL::text AS e_paid_amount,
                   {"".join(f"NULL::text AS e_{f}, " for f in optional)}r.py_id
            FROM exec_rows r JOIN projects_projectyear py ON py.id = r.py_id
            JOIN projects_project pr ON pr.id = py.project_id
            WHERE r.raw IS NULL""")
    if detail:
        cursor.execute(f"""INSERT INTO exec_all SELECT row_no, code, e_project_code, project_id, year, e_fiscal_year,
                                   month, e_month, e_paid_amount, {"".join(f"e_{f}, " for f in optional)}py_id
                           FROM exec_detail""")
    order = {f: i for i, f in enumerate(FIELDS)}
    parts = [f"SELECT row_no, {order[f]} AS col, 0 AS rank, e_{f} AS code, NULL::bigint AS arg FROM exec_all "
             f"WHERE e_{f} IS NOT NULL" for f in fields]
    parts.append("SELECT row_no, 0, 1, 'unknown_project', NULL FROM exec_all "
                 "WHERE e_project_code IS NULL AND project_id IS NULL")
    parts.append("SELECT row_no, 1, 1, 'no_project_year', year FROM exec_all "
                 "WHERE project_id IS NOT NULL AND e_fiscal_year IS NULL AND py_id IS NULL")
    parts.append(f"""SELECT row_no, 0, 2, 'duplicate', first FROM (
                       SELECT row_no, min(row_no) OVER (PARTITION BY code, year, month) AS first
                       FROM exec_all WHERE {KEY_VALID}) d WHERE row_no > first""")
    cursor.execute(f"CREATE TEMP TABLE exec_errors ON COMMIT DROP AS {' UNION ALL '.join(parts)}")
    cursor.execute("SELECT count(*) FROM exec_errors")
    count = cursor.fetchone()[0]
    raw = " ".join(f"WHEN {order[f]} THEN s.c{source.header.index[f]}" for f in fields)
    cursor.execute(f"""SELECT e.row_no, e.col, e.code, e.arg, CASE e.col {raw} END
                       FROM (SELECT * FROM exec_errors ORDER BY row_no, col, rank LIMIT {MAX_STORED_ERRORS}) e
                       JOIN exec_stage s USING (row_no)
                       ORDER BY e.row_no, e.col, e.rank""")
    for row_no, col, code, arg, value in cursor.fetchall():
        field = FIELDS[col]
        params = {"row": arg} if code == "duplicate" else {"year": arg} if code == "no_project_year" else {}
        if code == "too_long":
            params = {"n": MAX_LENGTH[field]}
        result.add(row_no, source.header.label(field), value, Problem(code, params).reason())
    result.error_count = count


# --- 5. writing ---------------------------------------------------------------------------------------------

def _fold_rows(cursor, fields):
    """exec_wide: the checked rows folded into one row per project year (the optional values of its latest month)."""
    optional = [f for f in OPTIONAL if f in fields]
    cursor.execute(f"""CREATE TEMP TABLE exec_wide ON COMMIT DROP AS
                       SELECT py_id, {", ".join(f"max(amount) FILTER (WHERE month = {m}) AS {f}"
                                                for m, f in zip(MONTHS, MONTH_FIELDS, strict=True))}
                              {"".join(f", (array_agg({f} ORDER BY month DESC))[1] AS {f}" for f in optional)}
                       FROM exec_rows GROUP BY py_id""")


def _write(cursor, batch, fields, result):
    """exec_wide into the table: the months new, changed and unchanged are counted by one join; replaced figures
    are logged; project years with a change are updated and new ones inserted, the others left alone (an upsert
    would lock and rewrite every conflicting row). A month counts as updated when its amount or its project
    year's optional values changed. The table lock keeps other imports out between the comparison and the write
    (readers are not blocked)."""
    optional = [f for f in OPTIONAL if f in fields]
    attributes = " OR ".join(f"e.{f} IS DISTINCT FROM w.{f}" for f in optional) or "false"

    def months(condition):
        return " + ".join(f"CASE WHEN {condition.format(w=f'w.{f}', e=f'e.{f}')} THEN 1 ELSE 0 END"
                          for f in MONTH_FIELDS)

    differs = " OR ".join(f"(w.{f} IS NOT NULL AND w.{f} IS DISTINCT FROM e.{f})" for f in MONTH_FIELDS)
    changed_row = f"e.project_year_id IS NOT NULL AND ({differs} OR {attributes})"
    cursor.execute(f"LOCK TABLE {TARGET} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(f"""SELECT count(*), count(e.project_year_id),
                              coalesce(sum({months("{w} IS NOT NULL AND {e} IS NULL")}), 0),
                              coalesce(sum({months("{w} <> {e}")}), 0),
                              coalesce(sum({months("{w} = {e}")}) FILTER (WHERE {attributes}), 0),
                              coalesce(sum({months("{w} = {e}")}), 0),
                              count(*) FILTER (WHERE {changed_row})
                       FROM exec_wide w LEFT JOIN {TARGET} e ON e.project_year_id = w.py_id""")
    rows, present, created, amounts_changed, attributes_changed, same, rows_changed = cursor.fetchone()
    if amounts_changed:
        values = ", ".join(f"({m}, e.{f}, w.{f})" for m, f in zip(MONTHS, MONTH_FIELDS, strict=True))
        cursor.execute(f"""INSERT INTO monitoring_executionchange (batch_id, project_year_id, month, before, after)
                           SELECT %s, w.py_id, v.month, v.before, v.after
                           FROM exec_wide w JOIN {TARGET} e ON e.project_year_id = w.py_id
                           CROSS JOIN LATERAL (VALUES {values}) v (month, before, after)
                           WHERE v.before <> v.after""", [batch.pk])
    if rows_changed:
        updates = ", ".join([*(f"{f} = coalesce(w.{f}, e.{f})" for f in MONTH_FIELDS),
                             *(f"{f} = w.{f}" for f in optional)])
        cursor.execute(f"""UPDATE {TARGET} e SET {updates}, batch_id = %s FROM exec_wide w
                           WHERE e.project_year_id = w.py_id AND ({differs} OR {attributes})""", [batch.pk])
    if present < rows:
        values = ", ".join(f"w.{f}" if f in optional else "''" for f in OPTIONAL)
        new = f"WHERE NOT EXISTS (SELECT FROM {TARGET} e WHERE e.project_year_id = w.py_id)" if present else ""
        cursor.execute(
            f"""INSERT INTO {TARGET} (project_year_id, {", ".join(MONTH_FIELDS)}, {", ".join(OPTIONAL)}, batch_id)
                SELECT w.py_id, {", ".join(f"w.{f}" for f in MONTH_FIELDS)}, {values}, %s FROM exec_wide w {new}""",
            [batch.pk])
    result.created = created
    result.updated = amounts_changed + attributes_changed
    result.unchanged = same - attributes_changed
