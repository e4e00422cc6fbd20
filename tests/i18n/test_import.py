"""Import and export in English: messages, template and error report in English; the column headers stay
Chinese (they are matched on import); choice values are accepted in either language, so a template or export
made in one language imports in the other."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from perfbudget.core.importexport import CellError, choice
from perfbudget.core.models import Job
from perfbudget.projects.choices import BudgetType
from perfbudget.projects.models import ProjectYear

from ..importexport.helpers import HEADERS, read, row, xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(content, name="projects.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def test_file_level_error_is_english(world, english):
    client = english(world.users["county"]["unit"])
    r = client.post(reverse("projects:import"), {"file": _upload(b"code,name\nP-1,x\n")})
    assert r.status_code == 200
    html = r.content.decode()
    assert "The file was not imported; no data was written:" in html
    assert "The file is not in Excel .xlsx format (it looks like a text or CSV file)" in html
    r = client.post(reverse("projects:import"), {"file": _upload(xlsx([row(world)], headers=[*HEADERS, "备注"]))})
    assert "Unrecognised column “备注”" in r.content.decode()


def test_row_errors_and_error_report_are_english(world, english):
    client = english(world.users["county"]["unit"])
    content = xlsx([row(world), row(world, 项目编码="IMP-002", 预算单位="NOPE-9", 预算类型="某预算", 新增项目="也许")])
    r = client.post(reverse("projects:import"), {"file": _upload(content)}, follow=True)
    html = r.content.decode()
    assert "The import failed; no data was written." in html
    assert "The budget unit does not exist or is outside your scope" in html
    assert "Must be one of: General public budget, Government fund budget" in html
    assert "Must be “Yes” or “No”" in html
    job = Job.objects.get()
    assert job.title == "Import projects: projects.xlsx"
    assert job.error.startswith("Validation failed: 3 errors")
    ws = read(client.get(reverse("projects:import_errors", args=[job.pk])).content).active
    assert ws.title == "Error report"
    assert [c.value for c in ws[1]] == ["Row", "Column", "Value", "Reason", "Full description"]
    lines = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [3, "预算单位", "NOPE-9", "The budget unit does not exist or is outside your scope",
            "Row 3 column “预算单位” value “NOPE-9”: The budget unit does not exist or is outside your scope"] in lines


def test_english_template_imports_and_keeps_chinese_headers(world, english):
    client = english(world.users["county"]["unit"])
    r = client.get(reverse("projects:import_template"))
    assert r.status_code == 200
    assert "project%20import%20template.xlsx" in r["Content-Disposition"].lower()
    wb = read(r.content)
    assert wb.sheetnames == ["项目导入", "填写说明", "代码表"]  # sheet names are part of the file format
    assert [c.value for c in wb["项目导入"][1]] == HEADERS
    notes = " ".join(str(c.value) for column in wb["填写说明"].iter_cols() for c in column if c.value)
    assert "How to fill in the projects import template" in notes and "Required" in notes
    formulas = " ".join(dv.formula1 for dv in wb["项目导入"].data_validations.dataValidation)
    assert "General public budget" in formulas and "Yes,No" in formulas
    # A file filled in with the English choices of that template imports (here for a Chinese user, too).
    english_row = row(world, 预算类型="General public budget", 项目类别="Specific purpose", 专项资金="Yes",
                      重点工作="No", 新增项目="Yes")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    r = client.post(reverse("projects:import"), {"file": _upload(xlsx([english_row]))})
    assert r.status_code == 302, r.content.decode()
    py = ProjectYear.objects.get(project__code="IMP-001")
    assert py.project.budget_type == BudgetType.GENERAL and py.project.special_fund and py.is_new


def test_english_export_reimports(world, english):
    client = english(world.users["county"]["unit"])
    r = client.get(reverse("projects:export"), {"year": 2025})
    assert "project-library_2025.xlsx" in r["Content-Disposition"]
    ws = read(r.content).active
    assert ws.title == "Project library"
    assert [c.value for c in ws[1]][: len(HEADERS)] == HEADERS
    values = [c.value for c in ws[2]]
    assert "General public budget" in values and "Draft" in values
    r = client.post(reverse("projects:import"), {"file": _upload(r.content), "update": "on"}, follow=True)
    assert "Import succeeded: 1 rows, 0 created, 0 updated, 1 unchanged." in r.content.decode()


def test_choice_parser_accepts_both_languages_whatever_is_active():
    parse = choice(BudgetType.choices)
    with translation.override("en"):  # first use in English must not make Chinese labels unknown
        assert parse("Government fund budget") == BudgetType.FUND
        assert parse("政府性基金预算") == BudgetType.FUND
        with pytest.raises(CellError) as exc:
            parse("某预算")
        assert exc.value.reason.startswith("Must be one of: General public budget, ")
    with translation.override("zh-hans"):
        assert parse("政府债务") == parse("government debt") == parse("debt") == BudgetType.DEBT
        with pytest.raises(CellError) as exc:
            parse("某预算")
        assert exc.value.reason.startswith("应为以下之一：一般公共预算、政府性基金预算")
