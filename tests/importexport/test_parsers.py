"""Cell parsers and file checks of core.importexport, as tables of cases."""

from decimal import Decimal

import pytest

from perfbudget.core.importexport import (
    CellError,
    ImportFileError,
    RowError,
    amount,
    boolean,
    check_xlsx,
    choice,
    code,
    integer,
    normalize_header,
)
from perfbudget.projects.choices import BudgetType


@pytest.mark.parametrize(("cell", "expected"), [
    (1200000, "1200000"),
    (1200000.0, "1200000.00"),
    (1234.56, "1234.56"),
    (0.1 + 0.2, "0.30"),
    ("1,200,000.00", "1200000.00"),
    ("１，２００，０００．５０", "1200000.50"),
    ("120万", "1200000"),
    ("120万元", "1200000"),
    ("1.234567万", "12345.670000"),
    ("¥1200000", "1200000"),
    ("1200000元", "1200000"),
    (" 1200000 ", "1200000"),
])
def test_amount_accepts(cell, expected):
    assert Decimal(amount(cell)) == Decimal(expected)


@pytest.mark.parametrize(("cell", "reason"), [
    ("约100万", "不能包含其他文字"),
    ("一百万", "不能使用中文数字"),
    ("壹佰万元", "不能使用中文数字"),
    ("12,00,000", "千分位"),
    ("100万左右", "不能包含其他文字"),
    ("abc", "不能包含其他文字"),
    (True, "金额应为数字"),
])
def test_amount_refuses_text(cell, reason):
    with pytest.raises(CellError) as exc:
        amount(cell)
    assert reason in exc.value.reason


@pytest.mark.parametrize(("cell", "expected"), [
    ("是", "True"), ("否", "False"), ("Y", "True"), ("n", "False"), ("1", "True"), (0, "False"), (1.0, "True"),
    (True, "True"), ("TRUE", "True"), ("Ｙ", "True"),
])
def test_boolean(cell, expected):
    assert boolean(cell) == expected


def test_boolean_refuses():
    with pytest.raises(CellError, match="是」或「否"):
        boolean("可能")


@pytest.mark.parametrize(("cell", "expected"), [
    (2050201.0, "2050201"), (2050201, "2050201"), ("2050201 学前教育", "2050201"), ("２０５０２０１", "2050201"),
    (" P-01 ", "P-01"),
])
def test_code(cell, expected):
    assert code(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    (2025, "2025"), (2025.0, "2025"), ("2025年", "2025"), ("2025年度", "2025"), ("２０２５", "2025"),
])
def test_integer(cell, expected):
    assert integer(cell) == expected


@pytest.mark.parametrize("cell", [2025.5, "二〇二五", "2025-01"])
def test_integer_refuses(cell):
    with pytest.raises(CellError):
        integer(cell)


def test_choice_by_label_or_code():
    parse = choice(BudgetType.choices)
    assert parse("一般公共预算") == "general"
    assert parse(" 政府性基金预算 ") == "fund"
    assert parse("GENERAL") == "general"
    with pytest.raises(CellError, match="一般公共预算、政府性基金预算"):
        parse("一般预算")


@pytest.mark.parametrize(("header", "expected"), [
    ("年初预算数(元)", "年初预算数"), ("年初预算数（元）", "年初预算数"), (" 年初 预算数 ", "年初预算数"),
    ("*项目编码", "项目编码"), ("项目编码(必填)", "项目编码"), ("Initial_Budget", "initial_budget"),
])
def test_normalize_header(header, expected):
    assert normalize_header(header) == expected


@pytest.mark.parametrize(("content", "message"), [
    (b"", "文件为空"),
    (b"   \n", "文件为空"),
    ("项目编码,项目名称\nP1,测试\n".encode(), "文本或 CSV"),
    ("项目编码,项目名称\nP1,测试\n".encode("gb18030"), "文本或 CSV"),
    (bytes(range(256)) * 4, "无法识别"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
])
def test_check_xlsx_refuses(content, message):
    with pytest.raises(ImportFileError) as exc:
        check_xlsx(content)
    assert message in exc.value.messages[0]


def test_row_error_message():
    assert str(RowError(5, "预算单位", "X", "预算单位不存在或不在您的管理范围内")) == \
        "第5行「预算单位」值「X」：预算单位不存在或不在您的管理范围内"
    assert str(RowError(3, "项目名称", "", "必填，不能为空")) == "第3行「项目名称」：必填，不能为空"
    assert str(RowError(None, "", "", "文件为空")) == "文件为空"
