"""Helpers for import/export tests: real .xlsx files written with openpyxl, rows by Chinese header."""

import io

from openpyxl import Workbook, load_workbook

from perfbudget.projects.importer import PROJECT_SPEC
from perfbudget.projects.models import Project, ProjectYear

HEADERS = [c.header for c in PROJECT_SPEC.columns]


def row(world, values=None, **more):
    """A valid row (a dict by header) for the county school, with some values replaced."""
    base = {
        "项目编码": "IMP-001", "项目名称": "校园安全设施改造", "预算单位": world.orgs["county"]["school"].code,
        "预算年度": 2025, "预算类型": "一般公共预算", "功能分类科目": 2050201, "项目类别": "特定目标类",
        "专项资金": "否", "重点工作": "否", "新增项目": "是", "起始年度": 2025, "终止年度": 2026,
        "年初预算数(元)": "1,200,000.00", "调整后预算数(元)": None, "指定分类": None, "调整分类理由": None,
        "项目概况": "更换消防设施",
    }
    return {**base, **(values or {}), **more}


def xlsx(rows, headers=None, title="项目导入", before=()):
    """An .xlsx file (bytes) with a header row and the rows (dicts by header, or lists)."""
    headers = HEADERS if headers is None else headers
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for line in before:
        ws.append(line)
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers] if isinstance(r, dict) else list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(content):
    """An openpyxl workbook from bytes."""
    return load_workbook(io.BytesIO(content))


def counts():
    return Project.objects.count(), ProjectYear.objects.count()
