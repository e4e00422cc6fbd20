"""The cell rules of execution files (plain functions, tables of cases) and the header mapping."""

from decimal import Decimal

import pytest

from perfbudget.core.importexport import ImportFileError
from perfbudget.monitoring.execution import cells
from perfbudget.monitoring.execution.columns import find_header

D = Decimal
REQUIRED = ("project_code", "fiscal_year", "month", "paid_amount")


@pytest.mark.parametrize("text, value, problem", [
    ("1200", D("1200.00"), None),
    ("1200.5", D("1200.50"), None),
    ("1,234,567.89", D("1234567.89"), None),
    ("１２３４．５", D("1234.50"), None),          # full-width digits and point
    ("１，２３４", D("1234.00"), None),             # full-width comma
    (" 88.10 ", D("88.10"), None),
    ("1.230", D("1.23"), None),                    # trailing zeros are not decimals
    ("¥100", D("100.00"), None),
    ("￥100元", D("100.00"), None),
    ("0", D("0.00"), None),
    ("0001", D("1.00"), None),
    ("", None, "required"),
    (None, None, "required"),
    ("   ", None, "required"),
    ("abc", None, "amount_format"),
    ("一百", None, "amount_format"),
    ("12,34", None, "amount_format"),              # misplaced separator
    ("1.2e5", None, "amount_format"),
    ("1.", None, "amount_format"),
    (".5", None, "amount_format"),
    ("120万", None, "amount_format"),
    ("+5", None, "amount_format"),
    ("-1", None, "amount_negative"),
    ("－１００", None, "amount_negative"),
    ("1.234", None, "amount_decimals"),
    ("123456789012345", None, "amount_too_large"),
    ("12345678901234.99", D("12345678901234.99"), None),
])
def test_amount(text, value, problem):
    got, found = cells.parse_amount(text)
    assert (got, found and found.code) == (value, problem)


@pytest.mark.parametrize("text, value, problem", [
    ("7", 7, None), ("07", 7, None), ("12", 12, None), ("１２", 12, None), ("7月", 7, None), (" 3 ", 3, None),
    ("0", None, "month_range"), ("13", None, "month_range"), ("100", None, "month_range"),
    ("七月", None, "month_format"), ("7.5", None, "month_format"), ("-1", None, "month_format"),
    ("2025-07", None, "month_format"), ("", None, "required"),
])
def test_month(text, value, problem):
    got, found = cells.parse_month(text)
    assert (got, found and found.code) == (value, problem)


@pytest.mark.parametrize("text, value, problem", [
    ("2025", 2025, None), ("２０２５", 2025, None), ("2025年", 2025, None), ("2025年度", 2025, None),
    ("25", None, "year_format"), ("二〇二五", None, "year_format"), ("2025.0", None, "year_format"),
    ("", None, "required"),
])
def test_year(text, value, problem):
    got, found = cells.parse_year(text)
    assert (got, found and found.code) == (value, problem)


@pytest.mark.parametrize("parse, text, value, problem", [
    (cells.parse_code, " ＡＢ-１ ", "AB-1", None),
    (cells.parse_code, "", None, "required"),
    (cells.parse_function_code, "2050201", "2050201", None),
    (cells.parse_function_code, "205", "205", None),
    (cells.parse_function_code, "", "", None),
    (cells.parse_function_code, "2050", None, "function_code"),
    (cells.parse_function_code, "20502011", None, "too_long"),
    (cells.parse_budget_type, "一般公共预算", "一般公共预算", None),
    (cells.parse_source, "x" * 51, None, "too_long"),
])
def test_text_columns(parse, text, value, problem):
    got, found = parse(text)
    assert (got, found and found.code) == (value, problem)


@pytest.mark.parametrize("value, text", [
    (7.0, "7"), (2025, "2025"), (1234.5, "1234.50"), (0.1 + 0.2, "0.30"), (1.234, "1.234"), (None, None),
    ("x", "x"), (True, "TRUE"),
])
def test_cell_text(value, text):
    assert cells.cell_text(value) == text


def test_reasons_are_chinese():
    assert cells.reason("duplicate", {"row": 3}).startswith("与第3行重复")
    assert cells.reason("too_long", {"n": 20}) == "不能超过 20 个字符"


@pytest.mark.parametrize("header, fields", [
    (["project_code", "fiscal_year", "month", "paid_amount"], list(REQUIRED)),
    (["项目编码", "预算年度", "月份", "支付金额（元）", "项目名称"], list(REQUIRED)),
    (["项目编码*", "年度", "月", "支付数", "功能科目", "数据来源"],
     ["project_code", "fiscal_year", "month", "paid_amount", "function_code", "source"]),
    (["PROJECT_CODE", "Fiscal_Year", "MONTH", "金额(元)", "预算类型"],
     ["project_code", "fiscal_year", "month", "paid_amount", "budget_type"]),
])
def test_header_aliases(header, fields):
    found = find_header([(1, header)])
    assert sorted(found.index) == sorted(fields) and found.row == 1


def test_header_below_title_rows():
    found = find_header([(1, ["2025年预算执行数据"]), (2, [None, None]), (3, ["项目编码", "年度", "月份", "支付金额"])])
    assert found.row == 3 and found.index == {"project_code": 0, "fiscal_year": 1, "month": 2, "paid_amount": 3}


@pytest.mark.parametrize("header, message", [
    (["project_code", "fiscal_year", "paid_amount"], "缺少必填列：「月份」"),
    (["项目编码", "年度", "月份", "支付金额(万元)"], "以万元为单位"),
    (["项目编码", "项目代码", "年度", "月份", "支付金额"], "出现了两次"),
])
def test_header_problems(header, message):
    with pytest.raises(ImportFileError) as exc:
        find_header([(1, header)])
    assert message in str(exc.value)
