"""The indicator library as real .xlsx: export (filters, scope, every column), import of a region's own entries
(add, revise to a new version, unchanged rows left alone) and the read-only national and upper-level entries."""

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from perfbudget.core.importexport import build_template, run_import
from perfbudget.indicators import services
from perfbudget.indicators.excel import export_entries
from perfbudget.indicators.importer import INDICATOR_SPEC
from perfbudget.indicators.models import IndicatorCategory, IndicatorEntry

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in INDICATOR_SPEC.columns]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _book(content):
    return load_workbook(io.BytesIO(content))


def _bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = INDICATOR_SPEC.sheet_title
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(h) for h in HEADERS])
    return _bytes(wb)


def _row(**values):
    base = {"指标分类": "A01", "一级指标": "产出指标", "二级指标": "数量指标", "三级指标名称": "新建乡镇中心幼儿园数",
            "计量单位": "所", "指标方向": "正向", "指标性质": "定量", "建议设定依据": "历史标准", "建议指标值": "≥2所",
            "参考值下限": 1, "参考值上限": "3", "共性指标": "否", "适用功能分类科目": 20502}
    return base | values


def _import(user, content, update=True, **kwargs):
    return run_import(INDICATOR_SPEC, content, user, update=update, filename="指标库.xlsx", **kwargs)


def _messages(result):
    return [str(e) for e in result.errors]


def _by_header(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=2)]


def test_export_has_every_column_and_honours_filters_and_scope(world, login):
    perf = world.users["county"]["perf"]
    mine = services.create_entry(perf, {"category": IndicatorCategory.objects.get(code="A01"), "level1": "产出指标",
                                        "level2": "数量指标", "name": "盐池县幼儿园新增学位数", "unit": "个"})
    theirs = services.create_entry(world.users["sibling"]["perf"], {
        "category": IndicatorCategory.objects.get(code="A01"), "level1": "产出指标", "level2": "数量指标",
        "name": "同心县幼儿园新增学位数", "unit": "个"})
    c = login(perf)
    r = c.get(reverse("indicators:export"), {"category": "A01"})
    assert r.status_code == 200
    rows = _by_header(_book(r.content).active)
    header = list(rows[0])
    assert header[:len(HEADERS)] == HEADERS
    assert header[len(HEADERS):] == ["版本号", "状态", "维护区划", "当前版本修订说明"]
    codes = {row["指标编码"] for row in rows}
    assert mine.code in codes and theirs.code not in codes and "A01-001" in codes
    assert all(row["指标分类"].startswith("A01 ") for row in rows)
    first = next(row for row in rows if row["指标编码"] == "A01-001")
    assert (first["一级指标"], first["二级指标"], first["指标方向"], first["指标性质"], first["维护区划"]) == (
        "产出指标", "数量指标", "≥（正向）", "定量", "全国")
    r = c.get(reverse("indicators:export"), {"q": "盐池县幼儿园"})
    assert [row["指标编码"] for row in _by_header(_book(r.content).active)] == [mine.code]
    # A unit sees the national entries and its region's, never a sibling county's.
    r = login(world.users["sibling"]["unit"]).get(reverse("indicators:export"), {"q": "幼儿园新增学位数"})
    assert [row["指标编码"] for row in _by_header(_book(r.content).active)] == [theirs.code]


def test_export_imports_again_to_no_change(world):
    perf = world.users["county"]["perf"]
    own = services.create_entry(perf, {"category": IndicatorCategory.objects.get(code="A02"), "level1": "效益指标",
                                       "level2": "社会效益指标", "name": "控辍保学动态清零率", "unit": "%",
                                       "range_low": Decimal("95.5"), "range_high": Decimal("100"),
                                       "suggested_target": "≥99%", "sectors": "义务教育", "function_codes": "20502"})
    content = export_entries(IndicatorEntry.objects.visible_to(perf).current())
    entries, logs = IndicatorEntry.objects.count(), LogEntry.objects.count()
    result = _import(perf, content, background_rows=100_000)
    assert result.ok, _messages(result)[:5]
    assert result.unchanged == result.total and result.total > 300
    assert IndicatorEntry.objects.count() == entries and LogEntry.objects.count() == logs
    own.refresh_from_db()
    assert own.is_current and own.version == 1


def test_import_adds_and_revises_own_entries(world):
    perf = world.users["county"]["perf"]
    own = services.create_entry(perf, {"category": IndicatorCategory.objects.get(code="A01"), "level1": "产出指标",
                                       "level2": "数量指标", "name": "乡镇幼儿园建设数", "unit": "所"})
    same = services.create_entry(perf, {"category": IndicatorCategory.objects.get(code="A01"), "level1": "产出指标",
                                        "level2": "数量指标", "name": "村级幼儿园建设数", "unit": "所"})
    unchanged_row = {h: c.export(same) for h, c in zip(HEADERS, INDICATOR_SPEC.columns, strict=True)}
    rows = [
        _row(),  # no code: numbered automatically
        _row(**{"指标编码": "640323-X-01", "指标分类": "学前教育", "三级指标名称": "幼儿园教师培训人次",
                "指标方向": "≥（正向）", "共性指标": "是", "二级指标": "数量指标"}),
        _row(**{"指标编码": own.code, "三级指标名称": "乡镇中心幼儿园建设数", "本次修订说明": "名称规范"}),
        unchanged_row,
    ]
    result = _import(perf, _sheet(rows))
    assert result.ok, _messages(result)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    new = IndicatorEntry.objects.get(name="新建乡镇中心幼儿园数")
    assert new.code.startswith("640323-") and new.owner_region == world.county and new.basis == "history"
    assert (new.range_low, new.range_high, new.function_codes) == (Decimal("1"), Decimal("3"), "20502")
    coded = IndicatorEntry.objects.get(code="640323-X-01")
    assert coded.is_common and coded.category.code == "A01" and coded.direction == "ge"
    revised = IndicatorEntry.objects.get(code=own.code, is_current=True)
    assert revised.version == 2 and revised.name == "乡镇中心幼儿园建设数" and revised.revision_note == "名称规范"
    assert IndicatorEntry.objects.filter(code=own.code).count() == 2
    assert IndicatorEntry.objects.filter(code=same.code).count() == 1
    # A revision without a note gets the default one; without 「更新已有记录」 an existing code is a duplicate.
    rows = [_row(**{"指标编码": own.code, "计量单位": "座"})]
    result = _import(perf, _sheet(rows), update=False)
    assert not result.ok and "更新已有记录" in result.errors[0].reason
    assert _import(perf, _sheet(rows)).ok
    assert IndicatorEntry.objects.get(code=own.code, is_current=True).revision_note == "通过Excel批量导入修订"


def test_national_and_upper_level_entries_are_read_only(world):
    perf = world.users["county"]["perf"]
    city_entry = services.create_entry(world.users["city"]["perf"], {
        "category": IndicatorCategory.objects.get(code="A01"), "level1": "产出指标", "level2": "数量指标",
        "name": "全市幼儿园建设数", "unit": "所"})
    national = IndicatorEntry.objects.get(code="A01-001", is_current=True)
    exported = _by_header(_book(export_entries(IndicatorEntry.objects.filter(pk__in=[national.pk, city_entry.pk])))
                          .active)
    entries, logs = IndicatorEntry.objects.count(), LogEntry.objects.count()
    for row in exported:
        changed = {k: v for k, v in row.items() if k in HEADERS} | {"计量单位": "座"}
        for update in (True, False):
            result = _import(perf, _sheet([_row(), changed]), update=update)
            assert not result.ok and IndicatorEntry.objects.count() == entries
            assert [(e.row, e.column) for e in result.errors] == [(3, "指标编码")], _messages(result)
            assert result.errors[0].reason.startswith("上级指标只读")
    assert LogEntry.objects.count() == logs
    # Unchanged, they are accepted (an exported file may keep them).
    result = _import(perf, _sheet([{k: v for k, v in row.items() if k in HEADERS} for row in exported]))
    assert result.ok and result.unchanged == 2


@pytest.mark.parametrize("change, column, reason", [
    ({"二级指标": "社会效益指标"}, "二级指标", "不属于「产出指标」"),
    ({"一级指标": "投入指标"}, "一级指标", ""),
    ({"指标分类": "Z99"}, "指标分类", "没有编码或名称"),
    ({"指标分类": "A"}, "指标分类", "没有编码或名称"),  # a 大类 is not a category of entries
    ({"指标方向": "向上"}, "指标方向", "应为以下之一"),
    ({"参考值下限": 5, "参考值上限": 1}, "参考值上限", "不能小于下限"),
    ({"参考值下限": "很多"}, "参考值下限", ""),
    ({"三级指标名称": None}, "三级指标名称", "必填"),
])
def test_bad_rows_write_nothing(world, change, column, reason):
    perf = world.users["county"]["perf"]
    entries = IndicatorEntry.objects.count()
    result = _import(perf, _sheet([_row(**{"三级指标名称": "第一行"}), _row(**change)]))
    assert not result.ok and IndicatorEntry.objects.count() == entries
    assert any(e.row == 3 and e.column == column and reason in e.reason for e in result.errors), _messages(result)


def test_only_the_performance_office_imports(world, login):
    c = login(world.users["county"]["perf"])
    r = c.get(reverse("indicators:import"))
    assert r.status_code == 200
    r = c.get(reverse("indicators:import_template"))
    wb = _book(r.content)
    assert [c.value for c in wb[INDICATOR_SPEC.sheet_title][1]] == HEADERS
    assert "A01 学前教育" in [c.value for col in wb["代码表"].iter_cols() for c in col]
    r = c.post(reverse("indicators:import"), {"file": SimpleUploadedFile("a.xlsx", _sheet([_row()]))})
    assert r.status_code == 302 and "import-success" in c.get(r.url).content.decode()
    assert IndicatorEntry.objects.filter(name="新建乡镇中心幼儿园数", owner_region=world.county).exists()
    for role in ("unit", "budget", "dept"):
        assert login(world.users["county"][role]).get(reverse("indicators:import")).status_code == 403
    # A user without the role cannot write through the spec either.
    result = _import(world.users["county"]["budget"], _sheet([_row(**{"三级指标名称": "越权"})]))
    assert not result.ok and not IndicatorEntry.objects.filter(name="越权").exists()


def test_template_builds_for_the_performance_office(world):
    wb = _book(build_template(INDICATOR_SPEC, world.users["county"]["perf"]))
    formulas = " ".join(dv.formula1 for dv in wb[INDICATOR_SPEC.sheet_title].data_validations.dataValidation)
    assert "计划标准" in formulas and "定量" in formulas
