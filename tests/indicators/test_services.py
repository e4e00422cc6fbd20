"""Library search (Chinese, code, pinyin initials), suggestions for a project, revisions and retirement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from perfbudget.indicators import services
from perfbudget.indicators.library import sync_national_library
from perfbudget.indicators.models import IndicatorCategory, IndicatorEntry
from perfbudget.indicators.search import initials
from tests.factories import declare_goal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text,expected", [
    ("义务教育", "ywjy"), ("学生资助人数", "xszzrs"), ("PM2.5浓度", "pm25nd"), ("", ""),
])
def test_initials(text, expected):
    assert initials(text) == expected


def test_shipped_library_loaded_once_and_sync_is_idempotent():
    n = IndicatorEntry.objects.count()
    assert n >= 300
    assert IndicatorCategory.objects.filter(parent__isnull=True).count() >= 5
    assert IndicatorCategory.objects.filter(parent__isnull=False).count() >= 20
    quantitative = IndicatorEntry.objects.filter(value_kind="quantitative").count()
    assert quantitative / n >= 0.85
    assert sync_national_library()[1:] == (0, 0)
    assert IndicatorEntry.objects.count() == n


@pytest.mark.parametrize("query", ["满意度", "Z0", "myd"])
def test_search_by_text_code_and_pinyin(world, query):
    found = services.search(IndicatorEntry.objects.visible_to(world.users["county"]["unit"]), query)
    assert found.exists()
    for e in found[:20]:
        assert query in e.name or e.code.lower().startswith(query.lower()) or query in e.pinyin \
            or query in e.definition or query in e.sectors


def test_suggestions_rank_the_project_function_code_first(world):
    py = world.projects["county"]["school"]  # function class 2050201 学前教育
    ranked = services.suggest(py, world.users["county"]["unit"], limit=15)
    assert ranked
    top = ranked[0]
    prefixes = (top.function_codes or top.category.function_codes).split()
    assert any("2050201".startswith(p) for p in prefixes)
    assert any(e.is_common for e in services.suggest(py, world.users["county"]["unit"], limit=400))


def test_suggestions_learn_from_similar_projects(world):
    u = world.users["county"]
    entry = IndicatorEntry.objects.filter(is_common=False, category__function_codes__startswith="213").first()
    rows = [{"level1": "产出指标", "level2": "数量指标", "name": entry.name, "comparator": "ge", "target": "5",
             "unit": entry.unit, "weight": "10", "entry": str(entry.pk)}]
    declare_goal(world.projects["county"]["school2"], _unit(world, "school2"), rows=rows)
    ranked = services.suggest(world.projects["county"]["school"], u["unit"], limit=400)
    assert entry in ranked  # used by a project of the same function 款, though its category is agriculture


def _unit(world, key):
    from tests.factories import user

    return user(f"unit-{key}", "unit", organisation=world.orgs["county"][key])


def test_revise_keeps_the_old_version(world):
    perf = world.users["county"]["perf"]
    cat = IndicatorCategory.objects.filter(parent__isnull=False).first()
    entry = services.create_entry(perf, {"category": cat, "level1": "产出指标", "level2": "数量指标",
                                         "name": "盐池滩羊养殖补助户数", "unit": "户", "direction": "ge"})
    assert entry.code.startswith("640323-") and entry.version == 1
    with pytest.raises(ValidationError):
        services.revise_entry(entry, perf, {"unit": "户次"}, note="")
    new = services.revise_entry(entry, perf, {"unit": "户次"}, note="计量单位改为户次")
    entry.refresh_from_db()
    assert (entry.is_current, new.is_current, new.version, new.unit, entry.unit) == (False, True, 2, "户次", "户")
    assert IndicatorEntry.objects.filter(code=entry.code).count() == 2
    with pytest.raises(PermissionDenied):
        services.revise_entry(entry, perf, {"unit": "x"}, note="旧版本不能再修订")
    retired = services.set_status(new, perf, "retired", "已不再使用")
    assert retired.status == "retired"
    assert new not in services.suggest(world.projects["county"]["school"], perf, q="滩羊", limit=50)


def test_upper_level_entries_are_read_only(world):
    national = IndicatorEntry.objects.filter(owner_region__isnull=True).first()
    with pytest.raises(PermissionDenied):
        services.revise_entry(national, world.users["county"]["perf"], {"unit": "x"}, note="改")
    with pytest.raises(PermissionDenied):
        services.set_status(national, world.users["county"]["perf"], "retired")
    with pytest.raises(PermissionDenied):
        services.create_entry(world.users["county"]["unit"], {"name": "x"})


def test_range_must_be_ordered(world):
    cat = IndicatorCategory.objects.filter(parent__isnull=False).first()
    with pytest.raises(ValidationError):
        services.create_entry(world.users["county"]["perf"], {
            "category": cat, "level1": "产出指标", "level2": "质量指标", "name": "合格率", "unit": "%",
            "range_low": 100, "range_high": 90})


def test_usage_statistics(world):
    entry = IndicatorEntry.objects.filter(is_common=True, unit="%").first()
    u = world.users["county"]
    for key, target in (("school", "90"), ("school2", "95")):
        unit = u["unit"] if key == "school" else _unit(world, key)
        rows = [{"level1": entry.level1, "level2": entry.level2, "name": entry.name, "comparator": "ge",
                 "target": target, "unit": "%", "weight": "10", "entry": str(entry.pk)}]
        declare_goal(world.projects["county"][key], unit, rows=rows)
    stats = services.usage_stats(entry)
    assert stats["goals"] == 2
    assert stats["targets"]["min"] == 90 and stats["targets"]["max"] == 95
