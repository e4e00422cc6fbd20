"""load_execution on real files: encodings, .xlsx, every kind of bad row, idempotency, corrections, scope.

Every test runs through the generic loader and, on PostgreSQL, through the COPY loader too: same results."""

from decimal import Decimal

import pytest

from perfbudget.monitoring.execution import load_execution
from perfbudget.monitoring.models import ExecutionBatch, ExecutionChange, ExecutionYear

from .execution_helpers import HEADER, errors, messages, write_csv, write_xlsx
from .helpers import month_rows

ALL = ("COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1")


def load(path, user, loader, **kwargs):
    return load_execution(path, user, loader=loader, **kwargs)


def records():
    return month_rows()


def counts(result):
    return result.total, result.created, result.updated, result.unchanged


def test_utf8_file_loads(tmp_path, perf, loader):
    path = write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "1,200.50"), ("COUNTY-EDU-1", 2025, 2, "0"),
                                ("COUNTY-AGR-1", "2025", "12", "300")])
    result = load(path, perf, loader)
    assert result.ok, messages(result)
    assert counts(result) == (3, 3, 0, 0)
    assert records() == [("COUNTY-AGR-1", 12, Decimal("300.00")), ("COUNTY-EDU-1", 1, Decimal("1200.50")),
                         ("COUNTY-EDU-1", 2, Decimal("0.00"))]
    batch = result.batch
    assert (batch.rows, batch.created, batch.encoding, batch.region, batch.created_by) == (
        3, 3, "utf-8", perf.grants[0].effective_region, perf)
    assert len(batch.sha256) == 64 and batch.filename == "execution.csv"
    assert ExecutionYear.objects.filter(batch=batch).count() == 2  # one row per project year


@pytest.mark.parametrize("encoding, expected", [("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")])
def test_bom_and_gb18030_with_chinese_headers(tmp_path, perf, loader, encoding, expected):
    header = ("项目编码", "预算年度", "月份", "支付金额（元）", "数据来源", "项目名称")
    rows = [("COUNTY-EDU-1", "２０２５年", "3月", "１，０００．５", "国库集中支付系统", "学校校舍维修")]
    path = write_csv(tmp_path, rows, header=header, encoding=encoding)
    result = load(path, perf, loader)
    assert result.ok, messages(result)
    assert result.batch.encoding == expected
    assert month_rows("source") == [("COUNTY-EDU-1", 3, Decimal("1000.50"), "国库集中支付系统")]


def test_xlsx_with_title_rows_and_numbers(tmp_path, perf, loader):
    path = write_xlsx(tmp_path, [("COUNTY-EDU-1", 2025, 7, 1234.5), ("COUNTY-EDU-2", 2025.0, 7.0, 88),
                                 (None, None, None, None), ("COUNTY-AGR-1", "2025", "8", "1,000")],
                      header=("项目编码", "年度", "月份", "支付金额", "功能分类科目"),
                      title_rows=[("2025年预算执行数据",)])
    result = load(path, perf, loader)
    assert result.ok, messages(result)
    assert counts(result) == (3, 3, 0, 0) and result.batch.encoding == "xlsx"
    assert records() == [("COUNTY-AGR-1", 8, Decimal("1000.00")), ("COUNTY-EDU-1", 7, Decimal("1234.50")),
                         ("COUNTY-EDU-2", 7, Decimal("88.00"))]


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path, perf, loader, world):
    header = (*HEADER, "function_code")
    rows = [
        ("COUNTY-EDU-1", 2025, 1, "100", ""),           # 2: good
        ("NO-SUCH", 2025, 1, "100", ""),                 # 3: unknown code
        ("SIBLING-EDU-1", 2025, 1, "100", ""),           # 4: another county's project
        ("COUNTY-EDU-1", 2026, 1, "100", ""),            # 5: no 2026 project year
        ("COUNTY-EDU-2", 2025, 13, "100", ""),           # 6: month 13
        ("COUNTY-EDU-2", 2025, 0, "-5", ""),             # 7: month 0 and a negative amount
        ("COUNTY-EDU-2", 2025, 2, "一百", ""),            # 8: text amount
        ("COUNTY-EDU-2", 2025, 3, "", ""),               # 9: empty amount
        ("COUNTY-EDU-2", 2025, 4, "1.005", ""),          # 10: three decimals
        ("COUNTY-EDU-1", 2025, 1, "200", ""),            # 11: duplicate of row 2
        ("", "二〇二五", "一月", "1", "2050"),             # 12: empty code, text year and month, bad function code
        ("COUNTY-AGR-1", 2025, 5, "5", ""),              # 13: good
    ]
    path = write_csv(tmp_path, rows, header=header)
    before = ExecutionBatch.objects.count()
    result = load(path, perf, loader)
    assert not result.ok and result.error_count == 14
    assert errors(result) == [
        (3, "project_code", "NO-SUCH", "项目编码不存在或不在您的管理范围内"),
        (4, "project_code", "SIBLING-EDU-1", "项目编码不存在或不在您的管理范围内"),
        (5, "fiscal_year", "2026", "项目库中没有该项目 2026 年度的记录"),
        (6, "month", "13", "月份应在 1 到 12 之间"),
        (7, "month", "0", "月份应在 1 到 12 之间"),
        (7, "paid_amount", "-5", "支付金额不能为负数"),
        (8, "paid_amount", "一百", "支付金额应为数字（单位：元，可带千分位逗号），不能填写文字"),
        (9, "paid_amount", "", "必填，不能为空"),
        (10, "paid_amount", "1.005", "支付金额最多保留两位小数（单位：元）"),
        (11, "project_code", "COUNTY-EDU-1",
         "与第2行重复（项目编码、预算年度、月份相同），同一项目同一月份在文件中只能出现一次"),
        (12, "project_code", "", "必填，不能为空"),
        (12, "fiscal_year", "二〇二五", "预算年度应为四位数字（如 2025）"),
        (12, "month", "一月", "月份应为 1 到 12 的整数"),
        (12, "function_code", "2050", "功能分类科目编码应为 3、5 或 7 位数字"),
    ]
    assert str(result.errors[0]) == "第3行「project_code」值「NO-SUCH」：项目编码不存在或不在您的管理范围内"
    assert ExecutionYear.objects.count() == 0 and ExecutionBatch.objects.count() == before
    assert result.batch is None


def test_same_file_twice_changes_nothing(tmp_path, perf, loader):
    path = write_csv(tmp_path, [(code, 2025, m, f"{m}00.10") for code in ALL for m in (1, 2, 3)])
    first = load(path, perf, loader)
    assert counts(first) == (9, 9, 0, 0)
    state = records()
    second = load(path, perf, loader)
    assert second.ok and counts(second) == (9, 0, 0, 9)
    assert records() == state
    assert not ExecutionChange.objects.exists()
    assert ExecutionBatch.objects.get(pk=second.batch.pk).unchanged == 9
    assert set(ExecutionYear.objects.values_list("batch", flat=True)) == {first.batch.pk}


def test_a_corrected_month_replaces_the_figure_and_is_logged(tmp_path, perf, loader):
    load(write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-1", 2025, 2, "200")]), perf, loader)
    path = write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100.00"), ("COUNTY-EDU-1", 2025, 2, "250.5"),
                                ("COUNTY-EDU-1", 2025, 3, "300")], name="corrected.csv")
    result = load(path, perf, loader)
    assert result.ok and counts(result) == (3, 1, 1, 1)
    assert records() == [("COUNTY-EDU-1", 1, Decimal("100.00")), ("COUNTY-EDU-1", 2, Decimal("250.50")),
                         ("COUNTY-EDU-1", 3, Decimal("300.00"))]
    change = ExecutionChange.objects.get()
    assert (change.batch, change.month, change.before, change.after) == (
        result.batch, 2, Decimal("200.00"), Decimal("250.50"))
    assert change.project_year.project.code == "COUNTY-EDU-1"
    assert ExecutionYear.objects.get().batch == result.batch


def test_optional_columns_update_and_absent_columns_are_kept(tmp_path, perf, loader):
    header = (*HEADER, "budget_type", "function_code", "source")
    load(write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100", "一般公共预算", "2050201", "国库")], header=header),
         perf, loader)
    result = load(write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100", "一般公共预算", "205", "国库")],
                            header=header, name="b.csv"), perf, loader)
    assert counts(result) == (1, 0, 1, 0) and not ExecutionChange.objects.exists()
    result = load(write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100")], name="c.csv"), perf, loader)
    assert counts(result) == (1, 0, 0, 1)
    record = ExecutionYear.objects.get()
    assert (record.budget_type, record.function_code, record.source) == ("一般公共预算", "205", "国库")


def test_all_or_nothing_when_one_row_is_bad(tmp_path, perf, loader):
    load(write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100")]), perf, loader)
    rows = [("COUNTY-EDU-1", 2025, 1, "999"), *[("COUNTY-EDU-2", 2025, m, "5") for m in range(1, 13)],
            ("COUNTY-AGR-1", 2025, 1, "abc")]
    result = load(write_csv(tmp_path, rows, name="bad.csv"), perf, loader)
    assert messages(result) == [
        "第15行「paid_amount」值「abc」：支付金额应为数字（单位：元，可带千分位逗号），不能填写文字"]
    assert records() == [("COUNTY-EDU-1", 1, Decimal("100.00"))]
    assert not ExecutionChange.objects.exists() and ExecutionBatch.objects.count() == 1


def test_scope_a_county_cannot_load_another_countys_project(tmp_path, world, loader):
    path = write_csv(tmp_path, [("SIBLING-EDU-1", 2025, 1, "100")])
    assert messages(load(path, world.users["county"]["budget"], loader)) == [
        "第2行「project_code」值「SIBLING-EDU-1」：项目编码不存在或不在您的管理范围内"]
    result = load(path, world.users["sibling"]["budget"], loader)
    assert result.ok and result.created == 1 and result.batch.region == world.sibling
    # the city bureau changes its own level only; without a user (the command) there is no scope
    assert not load(path, world.users["city"]["perf"], loader).ok
    assert load(path, None, loader).unchanged == 1


def test_ragged_rows_and_blank_lines(tmp_path, perf, loader):
    """Lines COPY cannot read (blank lines, missing or extra cells) are read by Python's csv module instead."""
    path = tmp_path / "ragged.csv"
    path.write_text("项目编码,年度,月份,支付金额,备注\r\nCOUNTY-EDU-1,2025,1,10,x\r\n\r\nCOUNTY-EDU-1,2025,2,20\r\n"
                    ",,,,\r\nCOUNTY-EDU-1,2025,3,30,y,extra\r\n", encoding="utf-8")
    result = load(path, perf, loader)
    assert result.ok, messages(result)
    assert counts(result) == (3, 3, 0, 0)
    bad = tmp_path / "ragged-bad.csv"
    bad.write_text("project_code,fiscal_year,month,paid_amount\n\nCOUNTY-EDU-1,2025,1\n", encoding="utf-8")
    assert messages(load(bad, perf, loader)) == ["第3行「paid_amount」：必填，不能为空"]


def test_quoted_amounts_with_separators(tmp_path, perf, loader):
    path = tmp_path / "quoted.csv"
    path.write_text('project_code,fiscal_year,month,paid_amount\nCOUNTY-EDU-1,2025,1,"1,234,567.8"\n'
                    'COUNTY-EDU-1,2025,2," 5 "\n', encoding="utf-8")
    result = load(path, perf, loader)
    assert result.ok, messages(result)
    assert records() == [("COUNTY-EDU-1", 1, Decimal("1234567.80")), ("COUNTY-EDU-1", 2, Decimal("5.00"))]


@pytest.mark.parametrize("content, message", [
    (b"", "文件为空"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "旧版 Excel（.xls）"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    (bytes(range(256)) * 20, "既不是 CSV 文本文件，也不是 Excel .xlsx 文件"),
    (b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    (b"project_code,fiscal_year,month,paid_amount\n", "只有表头"),
    (b"hello,world\n1,2\n", "缺少必填列"),
])
def test_files_that_are_not_execution_data(tmp_path, perf, loader, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    result = load(path, perf, loader)
    assert len(result.errors) == 1 and message in result.errors[0].reason, messages(result)
    assert result.errors[0].row is None and not ExecutionBatch.objects.exists()


def test_a_word_document_is_refused(tmp_path, perf, loader):
    import zipfile

    path = tmp_path / "doc.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel .xlsx 工作簿" in messages(load(path, perf, loader))[0]


def test_many_errors_are_counted_exactly(tmp_path, perf, loader, settings):
    rows = [("COUNTY-EDU-1", 2025, 1, "x")] * 6000
    result = load(write_csv(tmp_path, rows), perf, loader)
    assert result.error_count == 6000 + 5999 and len(result.errors) == 5000
    assert result.errors[0].row == 2 and result.errors[1].row == 3
