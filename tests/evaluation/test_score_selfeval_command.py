"""`perfbudget score-selfeval FILE.json`, run as a user runs it: the installed console script in a subprocess.

No database is needed (the command only reads the file), so these tests use none.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(__file__).resolve().parent / "examples"  # copies of shared/formats/examples
SCRIPT = Path(sys.executable).parent / "perfbudget"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "perfbudget"]

GOOD = {
    "format": "perfbudget.selfeval/1",
    "project": {"name": "城区老旧燃气管网改造", "unit": "示例市城市管理局", "year": 2025},
    "funds": {"full_year": "400万元", "executed": "3,800,000元", "weight": 10, "claimed_score": 9.5},
    "indicators": [
        {"level1": "产出指标(50分)", "level2": "数量指标", "name": "改造燃气管网长度", "target": "≥38公里",
         "actual": "38.5公里", "weight": "50分", "claimed_score": "50"},
        {"level1": "一、效益指标", "level2": "社会效益", "name": "重大燃气安全隐患整改率", "target": "100%",
         "actual": "100%", "weight": "３０", "claimed_score": 30},
        {"level1": "满意度", "name": "改造小区居民满意度", "target": "≧90％", "actual": "93%", "weight": 10,
         "claimed_score": 10},
        {"level1": "合计", "name": "", "weight": 100, "claimed_score": 99.5},
    ],
    "claimed_total": "99.5分",
    "claimed_grade": "优秀",
}


def run(*args, stdin=None, env=None):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="perfbudget.settings", **(env or {}))
    return subprocess.run([*COMMAND, "score-selfeval", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env=env, input=stdin, timeout=120)


def write(tmp_path, doc, name="selfeval.json", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes((doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)).encode(encoding))
    return path


def test_clean_file_prints_the_result(tmp_path):
    p = run(write(tmp_path, GOOD))
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["total_score"] == 99.5 and result["grade"] == "优"
    assert result["execution_rate"] == 0.95 and result["execution_score"] == 9.5
    assert result["findings"] == []
    assert [r["index"] for r in result["indicators"]] == [0, 1, 2]
    assert "改造燃气管网长度" in p.stdout and p.stdout.startswith("{\n  ")


def test_works_without_a_database(tmp_path):
    p = run(write(tmp_path, GOOD), env={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/perfbudget_absent"})
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["total_score"] == 99.5


@pytest.mark.parametrize("name", ["selfeval_clean.json", "selfeval_audit.json", "selfeval_province_rules.json"])
def test_examples(name):
    p = run(EXAMPLES / name)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    for key in ("execution_rate", "execution_score", "total_score", "grade", "findings", "indicators"):
        assert key in result


def test_audit_example_findings():
    result = json.loads(run(EXAMPLES / "selfeval_audit.json").stdout)
    found = {(f["code"], f["indicator"]) for f in result["findings"]}
    assert {("MISSED_BUT_FULL", 0), ("MET_BUT_DOCKED", 1), ("MISSED_BUT_FULL", 2), ("WEIGHT_TIMES_ACTUAL", 3),
            ("EXECUTION_SCORE_DIFFERS", None), ("TOTAL_MISMATCH", None), ("GRADE_MISMATCH", None)} <= found


def test_stdin_and_gb18030(tmp_path):
    p = run("-", stdin=json.dumps(GOOD, ensure_ascii=False))
    assert p.returncode == 0, p.stderr
    path = write(tmp_path, GOOD, encoding="gb18030")
    assert json.loads(run(path).stdout)["total_score"] == 99.5


def test_rules_option(tmp_path):
    p = run(write(tmp_path, GOOD), "--rules", '{"grades.bands": [99.6, 80, 60], "execution_weight": 10}')
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["grade"] == "良" and result["rules"]["grade_bands"] == [99.6, 80, 60]
    assert "GRADE_MISMATCH" in {f["code"] for f in result["findings"]}


@pytest.mark.parametrize(("doc", "message"), [
    ("{not json", "$: 不是有效的 JSON"),
    ("[1, 2]", "$: 应为一个 JSON 对象"),
    ({"format": "perfbudget.goals/1", "indicators": []}, "format: 不支持的格式"),
    ({**GOOD, "indicators": "none"}, "indicators: 指标列表应为列表"),
    ({**GOOD, "indicators": [{**GOOD["indicators"][0], "weight": "二十分"}]},
     "indicators[0].weight: 分值“二十分”不是数字"),
    ({**GOOD, "indicators": [{**GOOD["indicators"][0], "level1": "", "level2": ""}]},
     "indicators[0].level1: 缺少一级指标"),
    ({**GOOD, "funds": {"full_year": -5}}, "funds.full_year: 全年预算数不能为负数"),
    ({**GOOD, "claimed_grade": "很好"}, "claimed_grade: 自评等级“很好”不是优、良、中、差之一"),
    ({**GOOD, "rules": {"grade_bands": [60, 80, 90]}}, "rules.grade_bands: 等级分数线应从高到低排列"),
])
def test_unreadable_files_exit_2_naming_the_field(tmp_path, doc, message):
    path = write(tmp_path, doc)
    p = run(path)
    assert p.returncode == 2, p.stdout
    assert f"{path}: {message}" in p.stderr
    assert p.stdout == ""


def test_missing_file_and_bad_rules_option(tmp_path):
    p = run(tmp_path / "absent.json")
    assert p.returncode == 2 and "无法读取文件" in p.stderr
    p = run(write(tmp_path, GOOD), "--rules", "[1]")
    assert p.returncode == 2 and "--rules" in p.stderr
