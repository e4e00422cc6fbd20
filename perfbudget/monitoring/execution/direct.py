"""Step 0 of the PostgreSQL loader, the direct path: for a CSV whose cells PostgreSQL reads as the rules do.

Python streams the bytes to COPY and looks for what PostgreSQL would read otherwise (a sign, an exponent, COPY's
end marker); COPY puts them into typed columns whose CHECKs hold the rules (month 1–12, amounts ≥ 0 with at most
two decimals and 14 integer digits); one GROUP BY folds the months of each (code, year) into a row (`exec_fold`);
one join resolves each folded row to its project year, NULL when the row is refused (an unknown code or year, a
month given twice, an optional text the rule would change); one INSERT writes them when none exists yet — a NULL
stops it — or the general write of step 5 takes them when some do. Any refusal rolls the attempt back to its
savepoint and the file takes the checked path (steps 1–5), which finds and words every problem.

A large file (quote-free, over `TWO_SESSIONS_BYTES`) is cut in two at a change of project code: a second session
(`second_half.SecondHalf`) copies, folds and resolves the second half the same way, on the other core, and
publishes its rows in unlogged tables, part by part (`PARTS`); the importing session inserts its own half
meanwhile, then the other's parts as they come (only the last part's INSERT is left when the other session is
done).
A project year on both sides (a file not sorted by project) makes the second INSERT hit the key: the two folds
are then merged and written by the general write. The other session also publishes the project-year keys for
both, so the importing session takes a little more than half of the file (`OWN_SHARE`).
"""

import itertools

import psycopg
from django.db import DataError, IntegrityError, transaction

from ..models import MONTH_FIELDS
from .columns import BY_FIELD
from .postgres import (
    MONTHS,
    OPTIONAL,
    PROGRESS_BYTES,
    SESSION_SETTINGS,
    TARGET,
    _estimate,
    _raw,
    _scope_keys,
    _write,
)
from .second_half import SecondHalf, Stopped

TWO_SESSIONS_BYTES = 32 << 20  # a CSV above this is copied and folded in two sessions (`second_half`)
OWN_SHARE = 0.52  # of the file, for the importing session; measured on 6M rows (bench/bench_execution_import.py)
# The other session's share in parts, published one by one: the importing session inserts one while the next is
# made, and only the last, small one is left to insert when the other session is done.
PARTS = (0.5, 0.3, 0.2)

# Bytes after which PostgreSQL's number input would read a cell the rules refuse (a leading sign: "+5", "-0";
# an exponent: "1.2E+11", Excel's way of losing digits) or COPY would stop early (its end marker "\."): a "+", a
# "-" starting a field, a digit or "." then "e" or "E" then a digit or sign, a line starting with "\.". Found
# anywhere (a code may hold them too), the file takes the checked path: slower, never wrong. `suspect` looks for
# them at memchr speed: rare bytes first, then one translation that makes each pattern a plain substring.
FIELD_START = bytes.maketrans(b'0123456789E\n"', b"0000000000e,,")  # digits → 0, E → e, a field's start → ","
EXPONENTS = (b"0e0", b"0e-", b".e0", b".e-")  # "+" is refused before
TYPED = {"month": "smallint NOT NULL CHECK ({c} BETWEEN 1 AND 12)",
         "paid_amount": "numeric NOT NULL CHECK ({c} >= 0 AND {c} < 1e14 AND scale({c}) <= 2)"}
REFUSALS = (DataError, IntegrityError, psycopg.errors.DataError, psycopg.errors.IntegrityError,
            psycopg.errors.QueryCanceled)


class NotDirect(Exception):
    """The file needs the checked path."""


def load_direct(cursor, source, fields, user, batch, result, progress, clock):
    """Load the file by the direct path; False (nothing kept) when it needs the checked one."""
    optional = [f for f in OPTIONAL if f in fields]
    keys = _scope_keys(user)
    half = _second_half(source, fields, optional, keys)
    try:
        with transaction.atomic():
            _copy_typed(cursor, source, progress, half)
            result.total = cursor.cursor.rowcount
            clock("copy")
            cursor.execute(_fold_table(source.header, fields))
            clock("fold")
            if progress:
                progress(None, "saving")
            if half is not None:
                _write_two(cursor, half, fields, optional, keys, batch, result, clock)
                return True
            if not result.total:
                return False
            _write_one(cursor, fields, optional, keys, batch, result)
            clock("write")
            return True
    except (NotDirect, Stopped, *REFUSALS):
        result.total = result.created = result.updated = result.unchanged = 0
        clock("direct")
        return False
    finally:
        if half is not None:
            half.stop()


def suspect(chunk):
    """Whether the bytes hold one of the patterns above (the caller prepends the last two bytes of the chunk
    before)."""
    if b"+" in chunk or (b"\\" in chunk and b"\n\\." in chunk):
        return True
    dash, e = b"-" in chunk, b"e" in chunk or b"E" in chunk
    if not (dash or e):
        return False
    folded = chunk.translate(FIELD_START)
    return (dash and b",-" in folded) or (e and any(p in folded for p in EXPONENTS))


# --- copy and fold ------------------------------------------------------------------------------------------

def _typed_columns(header):
    names = {i: f for f, i in header.index.items()}
    return ", ".join(f"c{i} " + TYPED.get(names.get(i), "text").format(c=f"c{i}") for i in range(header.width))


def _create_typed(header):
    return f"CREATE TEMP TABLE exec_typed ({_typed_columns(header)}) ON COMMIT DROP"


def _copy_sql(source):
    encoding = "GB18030" if source.encoding == "gb18030" else "UTF8"
    return f"COPY exec_typed FROM STDIN WITH (FORMAT csv, ENCODING '{encoding}')"


def _copy_typed(cursor, source, progress, half=None):
    """COPY the file (its first half when `half` takes the second) into exec_typed."""
    cursor.execute(_create_typed(source.header))
    chunks = source.csv_byte_range(source.data_offset, half.offset) if half is not None else \
        source.csv_bytes()
    with cursor.cursor.copy(_copy_sql(source)) as copy:
        sent, tail = 0, b"\n"
        for chunk in chunks:
            if suspect(tail + chunk):
                raise NotDirect
            copy.write(chunk)
            tail = chunk[-2:]
            sent += len(chunk)
            if progress and sent % PROGRESS_BYTES < len(chunk):
                progress(_estimate(source, sent * (2 if half is not None else 1)), "validating")


def _fold_table(header, fields, half=0):
    """exec_fold: the months of each (code, year) of exec_typed folded into one row: its number of lines (to find
    a month given twice), the twelve amounts, and each optional column's least and greatest text."""
    code, year, month, amount = (_raw(header, f, "t")
                                 for f in ("project_code", "fiscal_year", "month", "paid_amount"))
    columns = [f"{code} AS code", f"{year} AS year", f"{half}::smallint AS half", "count(*) AS lines",
               *(f"max({amount}) FILTER (WHERE {month} = {m}) AS {f}"
                 for m, f in zip(MONTHS, MONTH_FIELDS, strict=True))]
    for field in (f for f in OPTIONAL if f in fields):
        raw = f"coalesce({_raw(header, field, 't')}, '')"
        columns += [f"min({raw}) AS {field}_lo", f"max({raw}) AS {field}"]
    return f"CREATE TEMP TABLE exec_fold ON COMMIT DROP AS SELECT {', '.join(columns)} FROM exec_typed t GROUP BY 1, 2"


def _second_half(source, fields, optional, keys):
    """A started `SecondHalf` for a large file whose lines are one per physical line, else None."""
    if source.size - source.data_offset < TWO_SESSIONS_BYTES or source.quoted:
        return None
    bounds = [OWN_SHARE + (1 - OWN_SHARE) * done for done in itertools.accumulate(PARTS[:-1], initial=0)]
    first, *rest = (source.split_point(share) for share in bounds)
    if first is None or source.descriptor is None:  # no line to cut at, or no file to read in a thread
        return None
    splits = sorted({first, *(point for point in rest if point is not None and point > first)})
    ranges = [source.csv_byte_range(start, end) for start, end in zip(splits, [*splits[1:], source.size],
                                                                      strict=True)]
    half = SecondHalf(ranges, splits[0], keys=keys, create_sql=_create_typed(source.header),
                      copy_sql=_copy_sql(source), fold_sql=_fold_table(source.header, fields, half=1),
                      settings=SESSION_SETTINGS, suspect=suspect,
                      resolve=lambda cursor, keys: _typed(*resolved(cursor, optional, keys), optional))
    half.start()
    return half


# --- resolve and write --------------------------------------------------------------------------------------

def _key_join(alias):
    """A folded row's (code, year) = a key's (`_scope_keys`: canonical codes, years as four digits)."""
    return f"k.code = {alias}.code AND k.year = {alias}.year"


def resolved(cursor, optional, keys):
    """(SELECT, params): every row of exec_fold with `py_id`, its project year, or NULL when the row is refused:
    an unknown or non-canonical code, no such project year, a month given twice, an optional text that differs
    within the project year or that its rule would change."""
    cursor.execute("ANALYZE exec_fold (code, year)")  # its size, for the join's plan
    ok, params = ["k.py_id IS NOT NULL", f"a.lines = {_months('a')}"], []
    for field in optional:
        ok.append(f"a.{field}_lo = a.{field} AND a.{field} = ANY(%s)")
        params.append(_kept_texts(cursor, field))
    # Only the keys within the fold's range of codes are read: a part of a file sorted by project needs few.
    cursor.execute("SELECT min(code), max(code) FROM exec_fold")
    sql, key_params = keys
    return (f"""SELECT CASE WHEN {" AND ".join(ok)} THEN k.py_id END AS py_id, a.*
                FROM exec_fold a LEFT JOIN (SELECT * FROM ({sql}) k WHERE k.code BETWEEN %s AND %s) k
                     ON {_key_join("a")}""", [*params, *key_params, *cursor.fetchone()])


def _typed(select, params, optional):
    """`select` with its amounts in the table's type (numeric(16, 2)): the other session's rows are inserted as
    they are, the conversion done there."""
    names = ["py_id", "code", "year", "half", "lines", *MONTH_FIELDS,
             *(name for f in optional for name in (f"{f}_lo", f))]
    columns = ", ".join(f"{n}::numeric(16, 2) AS {n}" if n in MONTH_FIELDS else n for n in names)
    return f"SELECT {columns} FROM ({select}) r", params


def _write_one(cursor, fields, optional, keys, batch, result):
    """Insert the resolved rows when none exists yet (a refused row or an existing one stops the INSERT), else
    the general write."""
    select, params = resolved(cursor, optional, keys)
    if not _any_present(cursor, keys):
        try:
            with transaction.atomic():
                _insert(cursor, select, params, optional, batch)
            result.created = result.total
            return
        except IntegrityError as exc:  # Django's, wrapping psycopg's
            if not isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                raise  # a refused row (no project year, a month twice): the checked path words it
            # some project years have rows after all: the general write
    _general(cursor, select, params, fields, batch, result)


def _write_two(cursor, half, fields, optional, keys, batch, result, clock):
    """`_write_one` for a file in two halves: this session's rows are inserted while the other session resolves
    its own, then the other's, part by part as they come. When some project years have rows already, or lie on
    both sides of a split, all the parts go to the general write (folded into one first in the second case)."""
    own = result.total
    keys = half.keys()  # published by the other session
    select, params = resolved(cursor, optional, keys)
    if not _any_present(cursor, keys):
        try:
            with transaction.atomic():
                _insert(cursor, select, params, optional, batch)
                clock("write")
                for rows, table in half.parts():
                    result.total += rows
                    _insert(cursor, f"SELECT * FROM {table}", [], optional, batch)
                half.drop_with(cursor)
                clock("second half")  # waits and inserts
            result.created = result.total
            return
        except IntegrityError as exc:
            if not isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                raise
    parts = list(half.parts())
    result.total = own + sum(rows for rows, _table in parts)
    tables = [table for _rows, table in parts]
    clock("second half")
    if _on_several_sides(cursor, tables):
        _merge(cursor, tables)
        select, params = resolved(cursor, optional, keys)
    else:
        select = " UNION ALL ".join([select, *(f"SELECT * FROM {table}" for table in tables)])
    _general(cursor, select, params, fields, batch, result)
    half.drop_with(cursor)
    clock("general write")


def _insert(cursor, select, params, optional, batch):
    values = ", ".join(f"w.{f}" if f in optional else "''" for f in OPTIONAL)
    cursor.execute(f"""INSERT INTO {TARGET} (project_year_id, {", ".join(MONTH_FIELDS)}, {", ".join(OPTIONAL)},
                                             batch_id)
                       SELECT w.py_id, {", ".join(f"w.{f}" for f in MONTH_FIELDS)}, {values}, %s
                       FROM ({select}) w""", [batch.pk, *params])


def _general(cursor, select, params, fields, batch, result):
    """The resolved rows through the general write (step 5), when none is refused."""
    cursor.execute(f"CREATE TEMP TABLE exec_wide ON COMMIT DROP AS {select}", params)
    cursor.execute("SELECT EXISTS (SELECT FROM exec_wide WHERE py_id IS NULL)")
    if cursor.fetchone()[0]:
        raise NotDirect
    _write(cursor, batch, fields, result)


def _on_several_sides(cursor, tables):
    """Whether a (code, year) is in more than one of exec_fold and the other session's `tables` (a file not sorted
    by project)."""
    every = ("exec_fold", *tables)
    # Cheap first: ranges of codes that do not meet (a file sorted by project) share no (code, year).
    ranges = " UNION ALL ".join(f"SELECT min(code) AS lo, max(code) AS hi FROM {table}" for table in every)
    cursor.execute(f"""SELECT coalesce(bool_and(hi < next_lo), true)
                       FROM (SELECT hi, lead(lo) OVER (ORDER BY lo) AS next_lo FROM ({ranges}) r
                             WHERE lo IS NOT NULL) s
                       WHERE next_lo IS NOT NULL""")
    if cursor.fetchone()[0]:
        return False
    keys = " UNION ALL ".join(f"SELECT code, year FROM {table}" for table in every)
    cursor.execute(f"SELECT EXISTS (SELECT FROM ({keys}) k GROUP BY code, year HAVING count(*) > 1)")
    return cursor.fetchone()[0]


def _merge(cursor, tables):
    """The other session's folded rows into exec_fold, the rows of a project year on several sides folded into
    one (a month on two sides then fails the count check: given twice)."""
    cursor.execute("SELECT * FROM exec_fold LIMIT 0")
    names = [c.name for c in cursor.cursor.description]
    columns = ", ".join(f"sum({n}) AS {n}" if n == "lines" else f"min({n}) AS {n}" if n.endswith("_lo")
                        else f"0::smallint AS {n}" if n == "half" else f"max({n}) AS {n}"
                        for n in names if n not in ("code", "year"))
    both = ", ".join(names)
    union = " UNION ALL ".join(f"SELECT {both} FROM {table}" for table in ("exec_fold", *tables))
    cursor.execute(f"""CREATE TEMP TABLE exec_fold_merged ON COMMIT DROP AS
                       SELECT code, year, {columns} FROM ({union}) f GROUP BY code, year""")
    cursor.execute("DROP TABLE exec_fold")
    cursor.execute("ALTER TABLE exec_fold_merged RENAME TO exec_fold")


def _kept_texts(cursor, field, limit=1000):
    """The distinct texts of an optional column (in exec_fold) that its rule keeps as they are (blank included); a
    column with a text the rule would change or refuse, or with more than `limit` texts, needs the checked path."""
    cursor.execute(f"SELECT DISTINCT {field} FROM exec_fold LIMIT {limit + 1}")
    texts = [text for (text,) in cursor.fetchall()]
    parse = BY_FIELD[field].parse
    if len(texts) > limit or any(parse(text) != (text, None) for text in texts):
        raise NotDirect
    return texts


def _months(alias):
    """The number of months a folded row holds: its number of lines exactly when no month came twice."""
    return " + ".join(f"(CASE WHEN {alias}.{f} IS NULL THEN 0 ELSE 1 END)" for f in MONTH_FIELDS)


def _any_present(cursor, keys):
    """Whether some of the first folded rows already have project-year rows (then the general write is the way)."""
    sql, params = keys
    cursor.execute(f"""SELECT EXISTS (SELECT FROM (SELECT code, year FROM exec_fold LIMIT 1000) s
                                      JOIN ({sql}) k ON {_key_join("s")}
                                      JOIN {TARGET} e ON e.project_year_id = k.py_id)""", params)
    return cursor.fetchone()[0]
