"""Rule sets: national defaults, inheritance down the region tree, versions, validation, who may edit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from perfbudget.projects.classification import classify
from perfbudget.rulesets.definitions import NATIONAL_DEFAULTS
from perfbudget.rulesets.models import RuleSet
from perfbudget.rulesets.services import resolve, revise


def test_national_defaults_match_domain():
    d = NATIONAL_DEFAULTS
    assert d["classification.a_min_amount"] == 5_000_000 and d["classification.b_min_amount"] == 1_000_000
    assert d["selfeval.execution_weight"] == 10
    assert d["selfeval.block_weights"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert d["grades.bands"] == [90, 80, 60]
    assert d["monitoring.checkpoints"] == {"10": 0.60, "12": 0.85}
    assert d["goals.min_indicators"] == 6 and d["goals.max_indicator_weight"] == 20


def test_inheritance_and_versions(world):
    city_perf, county_perf = world.users["city"]["perf"], world.users["county"]["perf"]
    revise(world.city, 2025, {"classification.b_min_amount": "800000"}, city_perf, note="市级下调B类线")
    rules = resolve(world.county, 2025)
    assert rules["classification.b_min_amount"] == 800000
    assert rules.sources["classification.b_min_amount"] == "640300/2025/v1"
    assert rules.sources["classification.a_min_amount"] == "全国默认"
    revise(world.county, 2025, {"classification.b_min_amount": "500000"}, county_perf)
    rs2 = revise(world.county, 2025, {"classification.b_min_amount": "600000", "grades.bands": "[85, 75, 60]"},
                 county_perf)
    assert rs2.version == 2
    rules = resolve(world.county, 2025)
    assert rules["classification.b_min_amount"] == 600000 and rules["grades.bands"] == [85, 75, 60]
    assert rules.label == "全国默认 + 640300/2025/v1 + 640323/2025/v2"
    # The sibling county and other years are untouched.
    assert resolve(world.sibling, 2025)["classification.b_min_amount"] == 800000
    assert resolve(world.county, 2026)["classification.b_min_amount"] == 1_000_000
    assert RuleSet.objects.filter(region=world.county, year=2025).count() == 2  # old version kept


@pytest.mark.parametrize("key,value,message", [
    ("classification.b_min_amount", "一百万", "应为数字"),
    ("classification.b_min_amount", "-5", "不能小于"),
    ("goals.min_quantified_share", "1.5", "不能大于"),
    ("goals.min_indicators", "6.5", "应为整数"),
    ("grades.bands", "[90, 80", "不是有效的 JSON"),
    ("grades.bands", '{"a": 1}', "结构应与默认值相同"),
    ("goals.layout", "99号", "只能取"),
    ("no.such.rule", "1", "未知规则"),
])
def test_validation(world, key, value, message):
    with pytest.raises(ValidationError) as exc:
        revise(world.county, 2025, {key: value}, world.users["county"]["perf"])
    assert message in str(exc.value)
    assert not RuleSet.objects.exists()


def test_percent_accepts_percent_sign(world):
    rs = revise(world.county, 2025, {"goals.min_quantified_share": "85%"}, world.users["county"]["perf"])
    assert rs.values["goals.min_quantified_share"] == pytest.approx(0.85)


@pytest.mark.parametrize("who", [("county", "budget"), ("county", "unit"), ("city", "perf"), ("sibling", "perf"),
                                 ("county", "oversight")])
def test_only_own_performance_office_may_edit(world, who):
    with pytest.raises(PermissionDenied):
        revise(world.county, 2025, {"goals.min_indicators": 8}, world.users[who[0]][who[1]])


def test_edit_page(world, client):
    client.force_login(world.users["county"]["perf"])
    url = reverse("rulesets:list")
    r = client.get(url, {"region": "640323", "year": 2025})
    assert r.status_code == 200 and "保存为新版本" in r.content.decode()
    r = client.post(url + "?region=640323&year=2025",
                    {"region": "640323", "year": 2025, "classification.b_min_amount": "abc", "note": "x"})
    assert r.status_code == 200 and "应为数字" in r.content.decode()
    assert not RuleSet.objects.exists()
    r = client.post(url + "?region=640323&year=2025",
                    {"region": "640323", "year": 2025, "classification.b_min_amount": "700000", "note": "下调"})
    assert r.status_code == 302
    rs = RuleSet.objects.get()
    assert rs.values == {"classification.b_min_amount": 700000} and rs.created_by == world.users["county"]["perf"]
    client.force_login(world.users["county"]["budget"])
    r = client.get(url, {"region": "640323", "year": 2025})
    assert "保存为新版本" not in r.content.decode()
    assert client.post(url, {"region": "640323", "year": 2025}).status_code == 403


RULES = dict(NATIONAL_DEFAULTS)


@pytest.mark.parametrize("amount,key_work,expected", [
    ("0", False, "C"), ("999999.99", False, "C"), ("1000000", False, "B"), ("4999999.99", False, "B"),
    ("5000000", False, "A"), ("80000000", False, "A"), ("10", True, "A"), (None, False, "C"),
])
def test_classify_table(amount, key_work, expected):
    assert classify(amount, key_work, RULES).abc_class == expected


def test_classify_honours_region_rules(world):
    revise(world.county, 2025, {"classification.b_min_amount": 500000, "classification.key_work_is_a": False},
           world.users["county"]["perf"])
    rules = resolve(world.county, 2025)
    assert classify("600000", False, rules).abc_class == "B"
    assert classify("600000", True, rules).abc_class == "B"
    assert classify("600000", False, resolve(world.sibling, 2025)).abc_class == "C"
