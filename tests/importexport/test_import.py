"""Project import: a good file, re-imports, and bad files that must each give a clear Chinese error and write
nothing."""

import dataclasses
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from perfbudget.core.importexport import run_import
from perfbudget.core.models import Job
from perfbudget.projects.importer import PROJECT_SPEC
from perfbudget.projects.models import Project, ProjectYear

from .helpers import HEADERS, counts, row, xlsx


def _import(user, content, **kwargs):
    return run_import(PROJECT_SPEC, content, user, filename="测试.xlsx", **kwargs)


def _messages(result):
    return [str(e) for e in result.errors]


def _good_rows(world):
    school = world.orgs["county"]["school"]
    return [
        row(world),
        row(world, {"项目编码": "imp-002", "项目名称": "农村学校营养餐", "预算单位": f"{school.code} {school.name}",
                    "预算类型": "general", "功能分类科目": 2050201.0, "项目类别": "personnel",
                    "年初预算数(元)": "600万", "专项资金": "Y", "新增项目": "N"}),
        row(world, {"项目编码": "IMP-003", "项目名称": "图书更新", "预算单位": school.name, "年初预算数(元)": 300000,
                    "重点工作": "是"}),
        row(world, {"项目编码": "IMP-004", "项目名称": "教师培训", "年初预算数(元)": "８０，０００．５０"}),
    ]


def test_good_file_imports_everything_with_classes_and_change_log(world):
    user = world.users["county"]["unit"]
    before = counts()
    result = _import(user, xlsx(_good_rows(world)))
    assert result.ok, _messages(result)
    assert (result.total, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    assert counts() == (before[0] + 4, before[1] + 4)
    pys = {py.project.code: py for py in ProjectYear.objects.visible_to(user).filter(project__code__startswith="IMP")}
    assert set(pys) == {"IMP-001", "IMP-002", "IMP-003", "IMP-004"}
    assert pys["IMP-001"].initial_budget == Decimal("1200000.00") and pys["IMP-001"].abc_class == "B"
    assert pys["IMP-002"].initial_budget == Decimal("6000000.00") and pys["IMP-002"].abc_class == "A"
    assert pys["IMP-003"].abc_class == "A"  # key work
    assert pys["IMP-004"].initial_budget == Decimal("80000.50") and pys["IMP-004"].abc_class == "C"
    assert all(py.abc_ruleset for py in pys.values())
    p2 = pys["IMP-002"].project
    assert (p2.special_fund, pys["IMP-002"].is_new, p2.project_class, p2.function_class_id) == (
        True, False, "personnel", "2050201")
    assert p2.unit == world.orgs["county"]["school"] and p2.region == world.county
    for py in pys.values():
        entry = LogEntry.objects.get_for_object(py).get()
        assert entry.action == LogEntry.Action.CREATE and entry.actor == user
        assert LogEntry.objects.get_for_object(py.project).filter(action=LogEntry.Action.CREATE).exists()
    job = result.job
    assert job.status == Job.Status.SUCCEEDED and job.created_by == user and job.done == job.total == 4
    assert job.result["created"] == 4


def test_reimport_same_file_is_a_duplicate_unless_updating(world):
    user = world.users["county"]["unit"]
    content = xlsx(_good_rows(world))
    assert _import(user, content).ok
    before = counts()

    again = _import(user, content)
    assert len(again.errors) == 4 and counts() == before
    assert _messages(again)[0] == (
        "第2行「项目编码」值「IMP-001」：系统中已有该记录（项目编码+预算年度：IMP-001/2025）；"
        "如需按文件更新已有记录，请勾选「更新已有记录」后重新导入")
    assert again.job.status == Job.Status.FAILED

    same = _import(user, content, update=True)
    assert same.ok and (same.created, same.updated, same.unchanged) == (0, 0, 4)
    assert counts() == before


def test_reimport_with_updated_amount_and_new_year(world):
    user = world.users["county"]["unit"]
    assert _import(user, xlsx([row(world)])).ok
    py = ProjectYear.objects.get(project__code="IMP-001", year=2025)
    before = counts()

    changed = _import(user, xlsx([row(world, {"年初预算数(元)": "520万"})]), update=True)
    assert changed.ok and (changed.created, changed.updated) == (0, 1)
    py.refresh_from_db()
    assert py.initial_budget == Decimal("5200000.00") and py.abc_class == "A"
    update = LogEntry.objects.get_for_object(py).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes_dict["initial_budget"] == ["1200000.00", "5200000.00"]

    next_year = _import(user, xlsx([row(world, 预算年度=2026, 新增项目="否")]))
    assert next_year.ok and next_year.created == 1
    assert counts() == (before[0], before[1] + 1)  # the same project, one more year
    assert list(Project.objects.get(code="IMP-001").years.order_by("year").values_list("year", "is_new")) == [
        (2025, True), (2026, False)]


def test_update_refuses_changed_rows_of_accepted_projects_but_accepts_identical_ones(world):
    user = world.users["county"]["unit"]
    assert _import(user, xlsx([row(world)])).ok
    ProjectYear.objects.filter(project__code="IMP-001").update(status="accepted")
    assert _import(user, xlsx([row(world)]), update=True).unchanged == 1
    result = _import(user, xlsx([row(world, {"年初预算数(元)": 999})]), update=True)
    assert _messages(result) == [
        "第2行「项目编码」值「IMP-001」：项目 IMP-001 在 2025 年度当前状态为「已入库」，不能通过导入修改"]
    assert ProjectYear.objects.get(project__code="IMP-001").initial_budget == Decimal("1200000.00")


def test_tolerant_headers_and_title_rows(world):
    headers = [h.replace("(元)", "（元）") for h in HEADERS]
    headers[0] = " 项目 编码 "
    headers[1] = "name"
    headers[2] = "*预算单位"
    content = xlsx([[r[h] for h in HEADERS] for r in (row(world, 项目编码="T-1"), row(world, 项目编码="T-2"))],
                   headers=headers, before=[["2025年项目申报表"], []])
    result = _import(world.users["county"]["unit"], content)
    assert result.ok, _messages(result)
    assert result.created == 2
    bad = xlsx([[r[h] for h in HEADERS] for r in (row(world, 项目编码="T-3", 预算单位="NOPE"),)],
               headers=headers, before=[["2025年项目申报表"], []])
    # The header is on row 3 of the sheet, so the first data row is row 4.
    assert _messages(_import(world.users["county"]["unit"], bad)) == [
        "第4行「预算单位」值「NOPE」：预算单位不存在或不在您的管理范围内"]


def test_optional_columns_may_be_left_out(world):
    required = [c.header for c in PROJECT_SPEC.columns if c.required]
    result = _import(world.users["county"]["unit"], xlsx([row(world)], headers=required))
    assert result.ok, _messages(result)
    py = ProjectYear.objects.get(project__code="IMP-001")
    assert py.is_new is True and py.project.special_fund is False and py.adjusted_budget is None


def _sibling_school(world):
    return world.orgs["sibling"]["school"].code


BAD_ROWS = [
    ("bad unit", {"预算单位": "NOPE-01"}, ["第2行「预算单位」值「NOPE-01」：预算单位不存在或不在您的管理范围内"]),
    ("unit outside scope", {"预算单位": _sibling_school},
     ["第2行「预算单位」值「640324-JYJ-01」：预算单位不存在或不在您的管理范围内"]),
    ("unknown function code", {"功能分类科目": 9999999.0},
     ["第2行「功能分类科目」值「9999999」：功能分类科目编码不存在"]),
    ("function code text", {"功能分类科目": "教育"},
     ["第2行「功能分类科目」值「教育」：功能分类科目应填写3、5或7位数字编码（如 2050201）"]),
    ("amount with text", {"年初预算数(元)": "约100万"},
     ["第2行「年初预算数(元)」值「约100万」："
      "金额应为数字（可带“万元”“元”，如 1,200,000.00 或 120万），不能包含其他文字"]),
    ("amount in Chinese numerals", {"年初预算数(元)": "一百万"},
     ["第2行「年初预算数(元)」值「一百万」：金额应使用阿拉伯数字（如 1200000 或 120万），不能使用中文数字"]),
    ("negative amount", {"年初预算数(元)": -5}, ["第2行「年初预算数(元)」值「-5」：确保该值大于或等于0"]),
    ("too many decimals", {"年初预算数(元)": "100.123"}, ["第2行「年初预算数(元)」值「100.123」：确认小数不超过 2 位"]),
    ("budget type", {"预算类型": "一般预算"},
     ["第2行「预算类型」值「一般预算」：应为以下之一：一般公共预算、政府性基金预算、国有资本经营预算、社会保险基金预算、政府债务"]),
    ("boolean", {"专项资金": "也许"}, ["第2行「专项资金」值「也许」：应填写「是」或「否」"]),
    ("year without fiscal year", {"预算年度": 2031, "起始年度": 2031, "终止年度": 2031},
     ["第2行「预算年度」值「2031」：系统中没有该财政年度"]),
    ("required empty", {"项目名称": None}, ["第2行「项目名称」：必填，不能为空"]),
    ("period reversed", {"终止年度": 2024},
     ["第2行「预算年度」值「2025」：预算年度应在项目起止年度之内",
      "第2行「终止年度」值「2024」：终止年度不能早于起始年度"]),
    ("bad code", {"项目编码": "项目一"}, ["第2行「项目编码」值「项目一」：项目编码只能包含字母、数字和连字符"]),
    ("code of another unit's project", {"项目编码": "SIBLING-EDU-1"},
     ["第2行「项目编码」值「SIBLING-EDU-1」：项目编码已被其他单位的项目使用"]),
    ("duplicate of the library", {"项目编码": "COUNTY-EDU-1"}, None),
    ("override without reason", {"指定分类": "A类"},  # refused by the save path, after validation
     ["第2行「调整分类理由」：分级分类调整为A类（规则计算为B类），必须说明理由"]),
]


@pytest.mark.parametrize(("case", "values", "expected"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_row_is_reported_and_nothing_written(world, case, values, expected):
    values = {k: v(world) if callable(v) else v for k, v in values.items()}
    # A good row first: all-or-nothing means it must not be written either.
    content = xlsx([row(world, 项目编码="GOOD-1"), row(world, values)][::-1])
    before = counts()
    result = _import(world.users["county"]["unit"], content)
    assert counts() == before
    assert not Project.objects.filter(code="GOOD-1").exists()
    assert result.errors and all(e.row == 2 for e in result.errors), _messages(result)
    if expected is not None:
        assert _messages(result) == expected
    for e in result.errors:
        assert str(e).startswith("第2行") and e.reason


def test_duplicates_within_the_file(world):
    content = xlsx([row(world), row(world, 项目名称="另一个"), row(world, 项目编码="imp-001")])
    before = counts()
    result = _import(world.users["county"]["unit"], content)
    assert counts() == before
    assert _messages(result) == [
        "第3行「项目编码」值「IMP-001」：与第2行重复（项目编码+预算年度相同），同一记录在文件中只能出现一次",
        "第4行「项目编码」值「imp-001」：与第2行重复（项目编码+预算年度相同），同一记录在文件中只能出现一次",
    ]


def test_one_project_two_years_must_agree_on_the_unit(world):
    user = world.users["county"]["dept"]  # the department sees both of its schools
    content = xlsx([row(world), row(world, 预算年度=2026, 预算单位=world.orgs["county"]["school2"].code)])
    result = _import(user, content)
    assert _messages(result) == [
        "第3行「预算单位」值「640323-JYJ-02」：同一项目编码的「预算单位」与第2行不一致（项目信息各年度共用）"]
    assert not Project.objects.filter(code="IMP-001").exists()


def test_errors_of_a_row_follow_the_column_order(world):
    content = xlsx([row(world, {"预算单位": "NOPE", "年初预算数(元)": "约100万", "项目名称": None})])
    result = _import(world.users["county"]["unit"], content)
    assert [e.column for e in result.errors] == ["项目名称", "预算单位", "年初预算数(元)"]


def test_every_bad_row_is_reported_at_once(world):
    content = xlsx([row(world, 项目编码=f"E-{i}", 预算单位="NOPE") for i in range(30)])
    result = _import(world.users["county"]["unit"], content)
    assert len(result.errors) == 30 and [e.row for e in result.errors] == list(range(2, 32))


BAD_FILES = [
    ("empty file", lambda w: b"", "文件为空，请使用导入模板填写后再上传"),
    ("csv renamed .xlsx", lambda w: "项目编码,项目名称\nP-1,测试\n".encode(), "文本或 CSV"),
    ("random binary", lambda w: bytes(range(256)) * 8, "无法识别的文件"),
    ("old .xls", lambda w: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048, "旧版 Excel（.xls）"),
    ("zip that is not a workbook", lambda w: _zip({"word/document.xml": "<w/>"}), "不是 Excel .xlsx 工作簿"),
    ("damaged workbook", lambda w: _zip({"xl/workbook.xml": "<broken"}), "文件已损坏或无法读取"),
    ("workbook without content", lambda w: xlsx([], headers=[]), "文件中没有任何内容"),
    ("header only", lambda w: xlsx([]), "文件中只有表头，没有数据行"),
    ("wrong columns", lambda w: xlsx([["P-1", "测试"]], headers=["项目编号", "名称"]), "缺少必填列：「项目编码」"),
    ("unknown column", lambda w: xlsx([[*row(w).values(), "x"]], headers=[*HEADERS, "备注"]),
     "无法识别的列「备注」，请使用导入模板中的列名"),
    ("amounts in 万元", lambda w: xlsx([list(row(w).values())],
                                      headers=[h.replace("年初预算数(元)", "年初预算数(万元)") for h in HEADERS]),
     "列「年初预算数(万元)」以万元为单位"),
    ("column twice", lambda w: xlsx([[*row(w).values(), "x"]], headers=[*HEADERS, "项目名称"]),
     "列「项目名称」出现了两次"),
]


def _zip(files):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in files.items():
            zf.writestr(name, body)
    return buf.getvalue()


@pytest.mark.parametrize(("case", "make", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_gives_one_clear_error_and_writes_nothing(world, case, make, message):
    before = counts(), Job.objects.count()
    result = _import(world.users["county"]["unit"], make(world))
    assert (counts(), Job.objects.count()) == before
    assert result.job is None and result.errors
    assert all(e.row is None for e in result.errors)
    assert message in str(result.errors[0]) or any(message in str(e) for e in result.errors), _messages(result)


def test_wrong_columns_lists_missing_and_unknown(world):
    result = _import(world.users["county"]["unit"], xlsx([["P-1", "测试"]], headers=["项目编号", "项目名称"]))
    messages = _messages(result)
    assert messages[0].startswith("缺少必填列：「项目编码」、「预算单位」、「预算年度」")
    assert "无法识别的列「项目编号」，请使用导入模板中的列名" in messages


def test_a_failure_while_saving_undoes_every_row(world):
    calls = []

    def save(user, data, instance):
        calls.append(data["code"])
        if len(calls) == 2:
            raise RuntimeError("磁盘已满")
        return PROJECT_SPEC.save(user, data, instance)

    spec = dataclasses.replace(PROJECT_SPEC, save=save)
    before = counts()
    result = run_import(spec, xlsx([row(world, 项目编码=f"S-{i}") for i in range(3)]), world.users["county"]["unit"])
    assert counts() == before and calls == ["S-0", "S-1", "S-2"]
    assert _messages(result) == ["第3行：保存失败：磁盘已满"]
    assert (result.created, result.updated) == (0, 0)


def test_scope_is_rechecked_by_the_save_path(world):
    """A county bureau user may change its own county's units only, never the sibling's."""
    user = world.users["county"]["budget"]
    result = _import(user, xlsx([row(world, 预算单位=world.orgs["sibling"]["farm"].code)]))
    assert _messages(result) == ["第2行「预算单位」值「640324-NYJ-01」：预算单位不存在或不在您的管理范围内"]
    ok = _import(user, xlsx([row(world, 预算单位=world.orgs["county"]["farm"].code)]))
    assert ok.ok and ok.created == 1


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_large_file_runs_as_a_background_job(world, immediate_tasks, django_capture_on_commit_callbacks):
    user = world.users["county"]["unit"]
    content = xlsx([row(world, 项目编码=f"BG-{i}") for i in range(12)])
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(user, content, background_rows=5)
    job = result.job
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, (job.error, job.result)
    assert (job.total, job.done, job.result["created"]) == (12, 12, 12)
    assert job.file and job.started_at and job.finished_at
    assert ProjectYear.objects.filter(project__code__startswith="BG-").count() == 12
    entry = LogEntry.objects.get_for_object(ProjectYear.objects.get(project__code="BG-1")).get()
    assert entry.actor == user and entry.cid == f"job-{job.pk}"


def test_background_job_with_errors_writes_nothing(world, immediate_tasks, django_capture_on_commit_callbacks):
    content = xlsx([row(world, 项目编码=f"BG-{i}") for i in range(6)] + [row(world, 项目编码="BG-X", 预算单位="NOPE")])
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(world.users["county"]["unit"], content, background_rows=5)
    job = Job.objects.get(pk=result.job.pk)
    assert job.status == Job.Status.FAILED and "未写入任何数据" in job.error
    assert job.result["errors"] == [[8, "预算单位", "NOPE", "预算单位不存在或不在您的管理范围内"]]
    assert counts() == before


def test_job_is_queued_until_a_worker_runs_it(world):
    result = _import(world.users["county"]["unit"], xlsx([row(world, 项目编码=f"Q-{i}") for i in range(3)]),
                     background_rows=2)
    assert result.job.status == Job.Status.QUEUED and result.created == 0
    assert not Project.objects.filter(code__startswith="Q-").exists()
