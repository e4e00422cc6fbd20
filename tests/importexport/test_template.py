"""The import template: headers, frozen header row, dropdowns, hidden code lists, instructions."""

import pytest

from perfbudget.core.importexport import ImportFileError, build_template, read_rows
from perfbudget.projects.importer import PROJECT_SPEC

from .helpers import HEADERS, read


def _validations(ws):
    """{column letter: formula} of the list validations of a sheet."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for rng in str(dv.sqref).split():
            found[rng.split(":")[0].rstrip("0123456789")] = dv.formula1
    return found


def test_template_has_headers_dropdowns_and_instructions(world):
    user = world.users["county"]["dept"]
    wb = read(build_template(PROJECT_SPEC, user))
    assert wb.sheetnames == ["项目导入", "填写说明", "代码表"]
    ws = wb["项目导入"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1  # no sample rows that could be imported by mistake
    assert ws["A1"].font.bold and ws["A1"].comment is not None and "必填" in ws["A1"].comment.text
    assert ws.column_dimensions["B"].width >= 20

    dv = _validations(ws)
    col = {h: chr(ord("A") + i) for i, h in enumerate(HEADERS)}
    assert dv[col["预算类型"]] == '"一般公共预算,政府性基金预算,国有资本经营预算,社会保险基金预算,政府债务"'
    assert dv[col["项目类别"]] == '"人员类,运转类,特定目标类"'
    assert dv[col["专项资金"]] == '"是,否"' and dv[col["重点工作"]] == '"是,否"'
    assert dv[col["指定分类"]] == '"A,B,C"'
    assert dv[col["预算单位"]].startswith("'代码表'!$")
    assert dv[col["功能分类科目"]].startswith("'代码表'!$")

    lists = wb["代码表"]
    assert lists.sheet_state == "hidden"
    values = {c.value for column in lists.iter_cols() for c in column}
    # The department user's own units, and never a unit of the sibling county.
    assert f"{world.orgs['county']['school'].code} {world.orgs['county']['school'].name}" in values
    assert f"{world.orgs['county']['school2'].code} {world.orgs['county']['school2'].name}" in values
    assert not any(str(v).startswith("640324") for v in values)
    assert "2050201 学前教育" in values

    notes = " ".join(str(c.value) for column in wb["填写说明"].iter_cols() for c in column if c.value)
    assert "全部通过才写入" in notes and "年初预算数(元)" in notes and "120万" in notes


def test_unit_user_template_lists_only_own_unit(world):
    wb = read(build_template(PROJECT_SPEC, world.users["county"]["unit"]))
    units = [c.value for c in wb["代码表"]["A"][1:] if c.value]
    assert units == [f"{world.orgs['county']['school'].code} {world.orgs['county']['school'].name}"]


def test_the_empty_template_reads_back_as_only_a_header(world):
    content = build_template(PROJECT_SPEC, world.users["county"]["unit"])
    with pytest.raises(ImportFileError, match="文件中只有表头，没有数据行"):
        read_rows(PROJECT_SPEC, content)
