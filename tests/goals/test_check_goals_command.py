"""`perfbudget check-goals FILE.json`, run as a user runs it: the installed console script in a subprocess.

No database is needed (the command only reads the file), so these tests use none.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "formats" / "examples"
SCRIPT = Path(sys.executable).parent / "perfbudget"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "perfbudget"]

GOOD = {
    "format": "perfbudget.goals/1",
    "project": {"name": "城区老旧燃气管网改造", "unit": "示例市城市管理局", "year": 2025, "special_fund": False},
    "overall_goal": "2025年完成城区38公里老旧燃气管网改造。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "改造燃气管网长度", "target": "≥38公里", "weight": 20},
        {"level1": "产出指标", "level2": "质量指标", "name": "工程竣工验收合格率", "target": "≥98%", "weight": 15},
        {"level1": "产出指标", "level2": "时效指标", "name": "改造工程完工时间", "target": "2025年11月30日前",
         "weight": 10},
        {"level1": "产出指标", "level2": "成本指标", "name": "每公里综合改造成本", "target": "≤48万元", "weight": 10},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "重大燃气安全隐患整改率", "target": "100%",
         "weight": 20},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "改造小区居民满意度", "target": "≥90%",
         "weight": 15},
    ],
}


def run(*args, stdin=None):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="perfbudget.settings")
    return subprocess.run([*COMMAND, "check-goals", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env=env, input=stdin, timeout=120)


def write(tmp_path, doc, name="goals.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_clean_file_prints_the_report(tmp_path):
    p = run(write(tmp_path, GOOD))
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["findings"] == []
    assert report["quantified_share"] == 1.0 and report["quality_score"] == 100
    assert report["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert "改造燃气管网长度" in p.stdout  # ensure_ascii=False: Chinese printed as is
    assert p.stdout.startswith("{\n  ")  # indented


def test_rules_option_overrides_the_defaults(tmp_path):
    p = run(write(tmp_path, GOOD), "--rules", '{"layout": "101号", "goals.min_indicators": 8}')
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    found = {f["code"] for f in report["findings"]}
    assert {"MISSING_CATEGORY", "TOO_FEW_INDICATORS"} <= found
    assert report["rules"]["layout"] == "101号" and report["rules"]["min_indicators"] == 8


def test_standard_input():
    p = run("-", stdin=json.dumps(GOOD, ensure_ascii=False))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["findings"] == []


@pytest.mark.parametrize("content,field,reason", [
    ({**GOOD, "indicators": [*GOOD["indicators"][:3], {"level1": "产出指标", "name": "x"}]},
     "indicators[3].target", "缺少指标值"),
    ({**GOOD, "format": "perfbudget.goals/2"}, "format", "不支持的格式"),
    ({**GOOD, "indicators": [{**GOOD["indicators"][0], "weight": "二十分"}]}, "indicators[0].weight", "不是数字"),
    ("{not json", "$", "不是有效的 JSON"),
])
def test_unreadable_file_exits_2_naming_the_field(tmp_path, content, field, reason):
    p = run(write(tmp_path, content))
    assert p.returncode == 2
    assert p.stdout == ""
    assert f"{field}: " in p.stderr and reason in p.stderr


def test_missing_file_exits_2(tmp_path):
    p = run(tmp_path / "nowhere.json")
    assert p.returncode == 2
    assert "nowhere.json" in p.stderr


def test_bad_rules_option_exits_2(tmp_path):
    p = run(write(tmp_path, GOOD), "--rules", "[1]")
    assert p.returncode == 2 and "--rules" in p.stderr


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared/formats/examples is not beside the project")
def test_shared_examples():
    good = run(EXAMPLES / "goals_good.json")
    assert good.returncode == 0, good.stderr
    assert not [f for f in json.loads(good.stdout)["findings"] if f["severity"] == "error"]
    weak = run(EXAMPLES / "goals_weak.json")
    assert weak.returncode == 0, weak.stderr
    found = {(f["code"], f["indicator"]) for f in json.loads(weak.stdout)["findings"]}
    assert {("INPUT_AS_GOAL", 0), ("MULTIPLE_IN_ONE", 1), ("VAGUE_TARGET", 3), ("MISSING_UNIT", 4),
            ("VAGUE_TARGET", 5), ("MISSING_CATEGORY", None), ("SPECIAL_FUND_FEW_QUANTIFIED", None),
            ("BELOW_HISTORY", 4)} <= found
