"""The PostgreSQL loader's fast path: canonical cells are cast in SQL, every other spelling goes through the Python
rules. The SQL patterns must never accept a text the Python rules would refuse or read differently, and files that
mix both kinds of rows load (or fail) exactly as through the generic loader."""

import re
import time
from decimal import Decimal

import pytest
from django.db import connection

from perfbudget.monitoring.execution import cells, load_execution
from perfbudget.monitoring.execution import direct as direct_path
from perfbudget.monitoring.execution import postgres as pg
from perfbudget.monitoring.models import ExecutionYear

from .execution_helpers import HEADER, errors, messages, write_csv
from .helpers import month_rows

AMOUNTS = ["0", "7", "0001", "1200", "1200.5", "1200.50", "1.230", "1.0000", "1.050", "1.001", "1.0050", "1,234",
           "1,234.5", "001,234", "12,34", "1,2345", "99,999,999,999,999", "999,999,999,999,999",
           "12345678901234.99", "123456789012345", "00000000000001", "1.", ".5", "-1", "+5", "1e5", " 5", "5 ",
           "１２", "¥5", "5元", "", "1,234,567,890,123.45", "1,234,567,890,1234"]
MONTHS = ["1", "01", "9", "09", "10", "12", "0", "00", "13", "010", "1月", " 1", "１", "", "-1", "1.0"]
YEARS = ["2025", "0999", "25", "20250", "2025年", "２０２５", " 2025", ""]
CODES = ["P0000001", "COUNTY-EDU-1", "A", " P1", "P1 ", "P 1", "Ｐ1", "项目1", "", "P\t1"]
TEXTS = ["", "a", "一般公共预算", " x", "x ", "x y", "x" * 20, "x" * 21, "x" * 50, "x" * 51, "ｘ"]
FUNCTION_CODES = ["", "205", "20502", "2050201", "2050", "20502011", "２０５", " 205"]


def matches(pattern, text):
    """PostgreSQL's `~` with these patterns: `$` is the very end (Python's `$` also matches before a last \\n)."""
    return re.search(pattern.replace("$", r"\Z"), text) is not None


def sql_amount(text):
    return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))


def fast_amount(text):
    """What `postgres._fast_amount` accepts, in Python."""
    if matches(pg.FAST_PLAIN_AMOUNT, text):
        return len(text) <= 14 or (len(text) <= 16 and "." in text)
    return matches(pg.FAST_SEPARATED_AMOUNT, text) and len(text.split(".")[0].replace(",", "")) <= 14


@pytest.mark.parametrize("text", AMOUNTS)
def test_fast_amounts_are_what_the_rule_gives(text):
    if fast_amount(text):
        assert matches(pg.FAST_AMOUNT, text)
        assert cells.parse_amount(text) == (sql_amount(text), None)


@pytest.mark.parametrize("text", MONTHS)
def test_fast_months_are_what_the_rule_gives(text):
    assert (text in pg.FAST_MONTHS) == matches(pg.FAST_MONTH, text)
    if text in pg.FAST_MONTHS:
        assert cells.parse_month(text) == (int(text), None)


@pytest.mark.parametrize("text", YEARS)
def test_fast_years_are_what_the_rule_gives(text):
    if matches(pg.FAST_YEAR, text):
        assert cells.parse_year(text) == (int(text), None)


@pytest.mark.parametrize("text", CODES)
def test_fast_codes_are_what_the_rule_gives(text):
    if matches(pg.FAST_CODE, text):
        assert cells.parse_code(text) == (text, None)


@pytest.mark.parametrize("field, texts", [("budget_type", TEXTS), ("source", TEXTS),
                                          ("function_code", FUNCTION_CODES)])
def test_fast_texts_are_what_the_rule_gives(field, texts):
    parse = {"budget_type": cells.parse_budget_type, "source": cells.parse_source,
             "function_code": cells.parse_function_code}[field]
    for text in texts:
        if matches(pg._fast_text(field), text):
            assert parse(text) == (text, None), text


def test_the_common_spellings_take_the_fast_path():
    for pattern, text in [(pg.FAST_MONTH, "7"), (pg.FAST_YEAR, "2025"), (pg.FAST_CODE, "P0000001"),
                          (pg._fast_text("source"), "TREASURY")]:
        assert matches(pattern, text)
    assert all(fast_amount(t) for t in ("1234567.89", "1,234,567.8", "0", "12345678901234", "12345678901234.5"))


@pytest.mark.django_db
def test_postgresql_reads_the_patterns_and_casts_as_python():
    if connection.vendor != "postgresql":
        pytest.skip("the fast path runs on PostgreSQL")
    with connection.cursor() as cursor:
        for text in AMOUNTS:
            cursor.execute(f"SELECT {pg._fast_amount('t')} FROM (SELECT %s::text AS t) x", [text])
            value = cursor.fetchone()[0]
            assert (value is not None) == fast_amount(text), text
            assert value is None or (value, None) == cells.parse_amount(text), text
        for pattern, texts, cast, expected in [
            (pg.FAST_YEAR, YEARS, "t::int", lambda t: cells.parse_year(t)[0]),
            (pg.FAST_CODE, CODES, "t", lambda t: t),
        ]:
            for text in texts:
                cursor.execute(f"SELECT t ~ '{pattern}', CASE WHEN t ~ '{pattern}' THEN {cast} END "
                               f"FROM (SELECT %s::text AS t) x", [text])
                fast, value = cursor.fetchone()
                assert fast == matches(pattern, text), (pattern, text)
                if fast:
                    assert value == expected(text), (pattern, text)


# --- whole files: fast and slow rows together ------------------------------------------------------------------

def records():
    return month_rows("budget_type", "function_code", "source")


def test_fast_and_slow_rows_load_together(tmp_path, perf, loader):
    header = (*HEADER, "budget_type", "function_code", "source")
    rows = [("COUNTY-EDU-1", 2025, 1, "100", "general", "205", "TREASURY"),          # all canonical
            ("COUNTY-EDU-1", "２０２５", "2月", "１，０００．５", "一般公共预算", "", "国库"),  # full width, Chinese
            ("COUNTY-EDU-1", 2025, 3, "1,234.50", "", "2050201", ""),                  # separators: fast
            ("", "", "", "", "", "", ""),                                                # blank row
            (" COUNTY-EDU-2 ", " 2025 ", " 04 ", " 5 ", " general ", " 205 ", " x "),   # spaces: slow
            ("COUNTY-AGR-1", 2025, 12, "0001.230", "一般公共预算", "20502", "国库")]
    result = load_execution(write_csv(tmp_path, rows, header=header), perf, loader=loader)
    assert result.ok, messages(result)
    assert (result.total, result.created) == (5, 5)
    assert records() == [
        ("COUNTY-AGR-1", 12, Decimal("1.23"), "一般公共预算", "20502", "国库"),
        # one row per project year: the optional values of its latest month (March) hold
        ("COUNTY-EDU-1", 1, Decimal("100.00"), "", "2050201", ""),
        ("COUNTY-EDU-1", 2, Decimal("1000.50"), "", "2050201", ""),
        ("COUNTY-EDU-1", 3, Decimal("1234.50"), "", "2050201", ""),
        ("COUNTY-EDU-2", 4, Decimal("5.00"), "general", "205", "x"),
    ]
    again = load_execution(write_csv(tmp_path, rows, header=header, name="again.csv"), perf, loader=loader)
    assert (again.total, again.created, again.updated, again.unchanged) == (5, 0, 0, 5)


def test_a_slow_row_duplicating_a_fast_row(tmp_path, perf, loader):
    rows = [("COUNTY-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-2", 2025, 1, "100"), ("COUNTY-EDU-1", "2025年", "1月", "5")]
    result = load_execution(write_csv(tmp_path, rows), perf, loader=loader)
    assert errors(result) == [(4, "project_code", "COUNTY-EDU-1",
                               "与第2行重复（项目编码、预算年度、月份相同），同一项目同一月份在文件中只能出现一次")]
    assert not ExecutionYear.objects.exists()


def test_fast_rows_duplicating_each_other_and_a_bad_optional_cell(tmp_path, perf, loader):
    header = (*HEADER, "source")
    rows = [("COUNTY-EDU-1", 2025, 1, "100", "国库"), ("COUNTY-EDU-1", 2025, 1, "200", "国库"),
            ("COUNTY-EDU-2", 2025, 1, "100", "长" * 51), ("COUNTY-EDU-2", 2025, 2, "100", "x" * 51)]
    result = load_execution(write_csv(tmp_path, rows, header=header), perf, loader=loader)
    assert result.error_count == 3
    assert [(row, column, reason) for row, column, _v, reason in errors(result)] == [
        (3, "project_code", "与第2行重复（项目编码、预算年度、月份相同），同一项目同一月份在文件中只能出现一次"),
        (4, "source", "不能超过 50 个字符"),
        (5, "source", "不能超过 50 个字符"),
    ]


def test_canonical_rows_of_unknown_projects_and_years(tmp_path, perf, loader):
    rows = [("COUNTY-EDU-1", 2025, 1, "100"), ("NO-SUCH", 2025, 1, "1"), ("COUNTY-EDU-1", 2031, 1, "1"),
            ("NO-SUCH", 2025, 1, "2")]
    result = load_execution(write_csv(tmp_path, rows), perf, loader=loader)
    assert errors(result) == [
        (3, "project_code", "NO-SUCH", "项目编码不存在或不在您的管理范围内"),
        (4, "fiscal_year", "2031", "项目库中没有该项目 2031 年度的记录"),
        (5, "project_code", "NO-SUCH", "项目编码不存在或不在您的管理范围内"),
        (5, "project_code", "NO-SUCH",
         "与第3行重复（项目编码、预算年度、月份相同），同一项目同一月份在文件中只能出现一次"),
    ]


# --- the direct path: typed COPY and one fold, for files PostgreSQL reads exactly as the rules do ---------------

@pytest.fixture
def pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("the direct path needs PostgreSQL")


def direct(result):
    """Whether the load went the direct way (no row-by-row classification)."""
    return "classify" not in result.timings and "direct" not in result.timings


@pytest.mark.parametrize("header_extra, row_extra", [((), ()), (("budget_type", "source"), ("一般公共预算", "国库"))])
def test_canonical_files_take_the_direct_path(tmp_path, perf, pg_only, header_extra, row_extra):
    rows = [(code, 2025, m, f"{m}00.5", *row_extra) for code in ("COUNTY-EDU-1", "COUNTY-EDU-2") for m in (1, 2, 3)]
    result = load_execution(write_csv(tmp_path, rows, header=(*HEADER, *header_extra)), perf, loader="postgres")
    assert result.ok and direct(result) and (result.total, result.created) == (6, 6)
    assert month_rows()[:3] == [("COUNTY-EDU-1", 1, Decimal("100.50")), ("COUNTY-EDU-1", 2, Decimal("200.50")),
                                ("COUNTY-EDU-1", 3, Decimal("300.50"))]
    # again, with a corrected month and a new one: the rows exist, so the general write takes over
    rows[1] = ("COUNTY-EDU-1", 2025, 2, "222", *row_extra)
    rows.append(("COUNTY-EDU-1", 2025, 4, "400", *row_extra))
    again = load_execution(write_csv(tmp_path, rows, header=(*HEADER, *header_extra), name="b.csv"), perf,
                           loader="postgres")
    assert again.ok and direct(again)
    assert (again.total, again.created, again.updated, again.unchanged) == (7, 1, 1, 5)
    assert ("COUNTY-EDU-1", 2, Decimal("222.00")) in month_rows()


@pytest.mark.parametrize("amount, month, expected", [
    ("+5", "1", "amount_format"), ("-0", "1", "amount_negative"), ("1e5", "1", "amount_format"),
    ("1.2E+11", "1", "amount_format"), ("5", "+1", "month_format"), ("1.234", "1", "amount_decimals"),
    ("NaN", "1", "amount_format"), ("5", "13", "month_range"), ("", "1", "required"),
])
def test_cells_postgresql_would_read_otherwise_take_the_checked_path(tmp_path, perf, pg_only, amount, month,
                                                                     expected):
    rows = [("COUNTY-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-2", 2025, month, amount)]
    result = load_execution(write_csv(tmp_path, rows), perf, loader="postgres")
    assert not direct(result) and not ExecutionYear.objects.exists()
    assert [reason for *_x, reason in errors(result)] == [cells.reason(expected)]


def test_differing_optional_values_in_one_project_year_take_the_checked_path(tmp_path, perf, pg_only):
    rows = [("COUNTY-EDU-1", 2025, 2, "100", "国库"), ("COUNTY-EDU-1", 2025, 1, "100", "财政")]
    result = load_execution(write_csv(tmp_path, rows, header=(*HEADER, "source")), perf, loader="postgres")
    assert result.ok and not direct(result)
    assert ExecutionYear.objects.get().source == "国库"  # the latest month's


def test_rows_present_beyond_the_sample_switch_to_the_general_write(tmp_path, perf, pg_only, monkeypatch):
    load_execution(write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100")]), perf, loader="postgres")
    monkeypatch.setattr(direct_path, "_any_present", lambda *args: False)  # as if the first rows were all new
    rows = [("COUNTY-EDU-2", 2025, 1, "5"), ("COUNTY-EDU-1", 2025, 1, "150"), ("COUNTY-EDU-1", 2025, 2, "7")]
    result = load_execution(write_csv(tmp_path, rows, name="b.csv"), perf, loader="postgres")
    assert result.ok and direct(result)
    assert (result.total, result.created, result.updated, result.unchanged) == (3, 2, 1, 0)
    assert month_rows() == [("COUNTY-EDU-1", 1, Decimal("150.00")), ("COUNTY-EDU-1", 2, Decimal("7.00")),
                            ("COUNTY-EDU-2", 1, Decimal("5.00"))]


# --- large files: the second half copied and folded in a second session ----------------------------------------

@pytest.fixture
def two_sessions(monkeypatch, pg_only):
    """Every file counts as large: its second half goes to a second session."""
    monkeypatch.setattr(direct_path, "TWO_SESSIONS_BYTES", 1)


def many_rows(codes, months=range(1, 13), amount="10.5"):
    return [(code, 2025, m, amount) for code in codes for m in months]


def test_a_file_in_two_sessions_loads_as_in_one(tmp_path, perf, two_sessions):
    rows = many_rows(("COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"))
    result = load_execution(write_csv(tmp_path, rows), perf, loader="postgres")
    assert result.ok and direct(result) and "second half" in result.timings
    assert (result.total, result.created) == (36, 36)
    assert month_rows() == sorted((code, m, Decimal("10.50")) for code, _y, m, _a in rows)


def test_a_project_on_both_sides_of_the_split_is_folded_once(tmp_path, perf, two_sessions):
    # months of one project at the start and at the end of the file: both halves hold it
    rows = [*many_rows(("COUNTY-EDU-1",), range(1, 7)), *many_rows(("COUNTY-EDU-2", "COUNTY-AGR-1")),
            *many_rows(("COUNTY-EDU-1",), range(7, 13), "3")]
    result = load_execution(write_csv(tmp_path, rows), perf, loader="postgres")
    assert result.ok and direct(result) and "second half" in result.timings
    assert ExecutionYear.objects.count() == 3 and len(month_rows()) == 36
    # and a month given on both sides is a duplicate, found and worded by the checked path
    rows.append(("COUNTY-EDU-1", 2025, 1, "9"))
    ExecutionYear.objects.all().delete()
    again = load_execution(write_csv(tmp_path, rows, name="dup.csv"), perf, loader="postgres")
    assert not again.ok and not direct(again) and not ExecutionYear.objects.exists()
    assert [(row, reason) for row, _c, _v, reason in errors(again)] == [
        (len(rows) + 1, "与第2行重复（项目编码、预算年度、月份相同），同一项目同一月份在文件中只能出现一次")]


@pytest.mark.parametrize("bad", [("COUNTY-AGR-1", 2025, 12, "+5"), ("NO-SUCH", 2025, 12, "5")])
def test_a_bad_row_in_the_second_half_sends_the_file_the_checked_way(tmp_path, perf, two_sessions, bad):
    rows = [*many_rows(("COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"), range(1, 12)), bad]
    result = load_execution(write_csv(tmp_path, rows), perf, loader="postgres")
    assert not result.ok and not direct(result) and not ExecutionYear.objects.exists()
    assert [row for row, *_rest in errors(result)] == [len(rows) + 1]


# --- the other session's tables: parts, and nothing left behind -------------------------------------------------

@pytest.fixture
def halves(monkeypatch):
    """The `SecondHalf` sessions started during a test."""
    started = []

    class Recorded(direct_path.SecondHalf):
        def start(self):
            started.append(self)
            super().start()

    monkeypatch.setattr(direct_path, "SecondHalf", Recorded)
    return started


def scratch_tables(names):
    """Those of `names` that exist, seen from the test's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [list(names)])
        return sorted(name for (name,) in cursor.fetchall())


def test_the_other_sessions_tables_go_with_the_import(tmp_path, perf, two_sessions, halves):
    rows = many_rows(("COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"))
    assert load_execution(write_csv(tmp_path, rows), perf, loader="postgres").ok
    (half,) = halves
    assert half.created and scratch_tables(half.created) == []  # dropped within the import's transaction
    bad = load_execution(write_csv(tmp_path, [*rows, ("NO-SUCH", 2025, 1, "5")], name="b.csv"), perf,
                         loader="postgres")
    assert not bad.ok and halves[1].created and scratch_tables(halves[1].created) == []  # dropped from there


@pytest.mark.django_db(transaction=True)  # the other session sees committed projects only
def test_a_large_file_in_parts_and_a_stale_table_swept(tmp_path, two_sessions, halves):
    from tests.factories import World, project_year

    world = World.get()
    school = world.orgs["county"]["school"]
    codes = [project_year(school, code=f"PARTS-{n:02d}").project.code for n in range(12)]
    live = f"exec_half_{int(time.time())}_live_keys"
    with connection.cursor() as cursor:  # left by a killed import long ago, and one of an import running now
        cursor.execute("CREATE UNLOGGED TABLE exec_half_1000_dead_keys (code text)")
        cursor.execute(f"CREATE UNLOGGED TABLE {live} (code text)")
    rows = many_rows(codes)
    result = load_execution(write_csv(tmp_path, rows), world.users["county"]["perf"], loader="postgres")
    assert result.ok and direct(result) and (result.total, result.created) == (144, 144)
    assert len(halves[0].ranges) == len(direct_path.PARTS)
    assert month_rows()[:2] == [("PARTS-00", 1, Decimal("10.50")), ("PARTS-00", 2, Decimal("10.50"))]
    assert scratch_tables(["exec_half_1000_dead_keys", live, *halves[0].created]) == [live]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {live}")


@pytest.mark.parametrize("codes", [("COUNTY-AGR-1", "COUNTY-EDU-1", "COUNTY-EDU-2"),  # sorted: ranges apart
                                   ("COUNTY-AGR-1", "COUNTY-EDU-2", "COUNTY-EDU-1")])  # ranges meet, no project twice
def test_a_reload_in_two_sessions_counts_what_changed(tmp_path, perf, two_sessions, codes):
    rows = many_rows(codes)
    assert load_execution(write_csv(tmp_path, rows), perf, loader="postgres").created == 36
    rows[-1] = (*rows[-1][:3], "99")
    again = load_execution(write_csv(tmp_path, rows, name="b.csv"), perf, loader="postgres")
    assert again.ok and direct(again) and "second half" in again.timings
    assert (again.total, again.created, again.updated, again.unchanged) == (36, 0, 1, 35)
    assert (codes[-1], 12, Decimal("99.00")) in month_rows()


def reference_suspect(chunk):
    """The patterns `direct.suspect` finds, written plainly (slowly)."""
    return (any(p in chunk for p in (b"+", b",-", b'"-', b"\n-", b"\n\\."))
            or re.search(rb"[0-9.][eE][-+0-9]", chunk) is not None)


@pytest.mark.parametrize("text, expected", [
    (b"P1,2025,1,5\n", False), (b"P-1,2025,1,5\n", False), (b"EDU-1,2025,1,1.5\n", False), (b"P1,2025,1,+5\n", True),
    (b"P1,2025,1,-0\n", True), (b'P1,2025,1,"-0"\n', True), (b"P1,2025,1,1.2E+11\n", True), (b"P1,2025,1,1e5\n", True),
    (b"P1,2025,1,5.e-1\n", True), (b"P1,2025,1,5\n\\.\n", True), (b"A\\.B,2025,1,5\n", False), (b"\n-1", True),
    (b"E.e.\na0", False), (b"0E1", True), (b"SE-9,2025,1,5", False),
])
def test_suspect_bytes(text, expected):
    assert direct_path.suspect(text) is expected and reference_suspect(text) is expected


def test_suspect_bytes_as_the_plain_patterns():
    import random

    rng = random.Random(20261204)
    alphabet = b'09.eE-+,\n"\\aZ'
    for _ in range(20_000):
        text = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        assert direct_path.suspect(text) == reference_suspect(text), text
