"""Benchmark of the goal-table quality check (not a test).

Generates 10,000 varied perfbudget.goals/1 tables deterministically (random.Random(seed)): 4–24 rows each,
both layouts' labels in messy spellings, every comparator spelling the parser reads, full-width digits,
万/亿, dates, qualitative words, missing or string weights, totals rows, history, special funds. Then runs
`check_goals` (which loads and validates each table first) on every table and prints the timing; the same
text goes to bench/results/quality.txt.

    .venv/bin/python bench/bench_quality.py [--tables N] [--seed S]
"""

import argparse
import collections
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfbudget.goals.quality import check_goals  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "quality.txt"

NAMES = {
    ("产出指标", "数量指标"): ["培训人次", "改造燃气管网长度", "新建村级卫生室数量", "改造居民户数", "发放补助人数",
                          "安装路灯", "新建健身路径", "免疫接种率", "投入资金", "购置材料数量", "新建和改造运动场"],
    ("产出指标", "质量指标"): ["工程验收合格率", "培训合格率", "设备完好率", "资助对象认定准确率", "项目验收"],
    ("产出指标", "时效指标"): ["完工时间", "补助资金发放及时率", "培训完成时间", "办结时限"],
    ("产出指标", "成本指标"): ["每公里综合改造成本", "人均培训成本", "路灯单价", "户均改造成本"],
    ("效益指标", "经济效益指标"): ["带动农户增收", "带动就业人数", "销售收入较上年增长率"],
    ("效益指标", "社会效益指标"): ["受益群众人数", "政策知晓率", "群众健身意识", "安全事故发生次数", "群众投诉率（%）"],
    ("效益指标", "生态效益指标"): ["生活污水处理率", "单位GDP能耗降低率", "绿化覆盖面积"],
    ("效益指标", "可持续影响指标"): ["设计使用年限", "长效管护机制", "体育事业发展"],
    ("满意度指标", "服务对象满意度指标"): ["服务对象满意度", "群众满意率", "参训人员满意度"],
}
LEVEL1_SPELLINGS = {"产出指标": ["产出指标", "产出指标(50分)", "一、产出指标（50分）", "产出"],
                    "效益指标": ["效益指标", "二、效益指标", "效益指标（30分）", "效益"],
                    "满意度指标": ["满意度指标", "三、满意度指标(10分)", "满意度"]}
COMPARATORS = ["≥", "≧", ">=", "＞＝", "不低于", "不少于", "达到", "", "≤", "不超过", "=", "＝", "约"]
UNITS = ["人次", "公里", "个", "户", "万元", "元", "人", "盏", "", "天", "年"]
WORDS = ["良好", "明显提升", "有效", "达到预期", "长期", "通过验收", "合格", "进一步加强", "建立", "—"]
DATES = ["2025年11月30日前", "2025年12月底前", "12月底前", "当年", "2025年", "2025-10-31", "第三季度末前"]


def full_width(text):
    return text.translate(str.maketrans("0123456789%", "０１２３４５６７８９％"))


def target(rng, level2, name):
    roll = rng.random()
    if level2 == "时效指标" and roll < 0.7:
        return rng.choice(DATES)
    if roll < 0.12:
        return rng.choice(WORDS)
    if roll < 0.18:
        lo = rng.randint(60, 95)
        return rng.choice([f"{lo}%-100%", f"{lo}%～100%", f"[{lo},100]", f"{lo}％至100％"])
    if roll < 0.5 or "率" in name or "满意" in name:
        value = rng.choice([rng.randint(60, 100), round(rng.uniform(80, 100), 1), rng.randint(100, 130)])
        text = f"{rng.choice(COMPARATORS)}{value}{rng.choice(['%', '％', '%以上', '', '%'])}"
    else:
        value = rng.choice([rng.randint(1, 50), rng.randint(100, 20000), round(rng.uniform(1, 9), 1)])
        number = f"{value:,}" if isinstance(value, int) and value > 999 and rng.random() < 0.3 else str(value)
        if rng.random() < 0.1:
            number = f"{round(value / 10000, 2)}万"
        text = f"{rng.choice(COMPARATORS)}{number}{rng.choice(UNITS)}{rng.choice(['', '', '以上', '以内'])}"
        if rng.random() < 0.03:
            text = f"各{text}"
    return full_width(text) if rng.random() < 0.1 else text


def make_table(rng, n):
    layout_keys = list(NAMES)
    size = rng.randint(4, 24)
    rows = []
    for _ in range(size):
        level1, level2 = rng.choice(layout_keys)
        name = rng.choice(NAMES[(level1, level2)])
        if rng.random() < 0.3:
            name = f"{name}{rng.randint(1, 9)}"
        row = {"level1": rng.choice(LEVEL1_SPELLINGS[level1]), "level2": level2 if rng.random() > 0.05 else "",
               "name": name, "target": target(rng, level2, name)}
        weight = rng.choice([5, 10, 15, 20, 25, "10分", "１０", None])
        if weight is not None:
            row["weight"] = weight
        rows.append(row)
    if rng.random() < 0.2:
        rows.append({"level1": "合计", "name": "", "target": "", "weight": "90"})
    history = []
    if rng.random() < 0.4:
        past = rng.sample(rows, k=min(len(rows), rng.randint(1, 6)))
        history.append({"year": 2024, "indicators": [
            {"name": r["name"] or "合计", "target": r["target"], "actual": target(rng, "", r["name"])} for r in past]})
    return {
        "format": "perfbudget.goals/1",
        "project": {"name": f"项目{n}", "unit": "示例单位", "year": 2025, "amount": rng.randint(10, 5000),
                    "money_unit": "万元", "special_fund": rng.random() < 0.3},
        "overall_goal": rng.choice(["", "进一步提升公共服务水平。", "2025年完成38公里管网改造。"]),
        "indicators": rows,
        "history": history,
        "rules": {"layout": "101号"} if rng.random() < 0.1 else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20250101)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    tables = [make_table(rng, n) for n in range(args.tables)]
    generated = time.perf_counter() - started
    rows = sum(len(t["indicators"]) for t in tables)

    findings = collections.Counter()
    scores = 0
    started = time.perf_counter()
    for t in tables:
        report = check_goals(t)
        scores += report["quality_score"]
        findings.update(f["code"] for f in report["findings"])
    elapsed = time.perf_counter() - started

    lines = [
        "PerfBudget goal quality check benchmark (bench/bench_quality.py)",
        f"tables: {args.tables} ({rows} indicator rows, seed {args.seed}; generated in {generated:.2f} s)",
        f"check_goals total: {elapsed:.2f} s",
        f"throughput: {args.tables / elapsed:,.0f} tables/s, {rows / elapsed:,.0f} rows/s",
        f"per table: {elapsed / args.tables * 1000:.3f} ms",
        f"mean quality_score: {scores / args.tables:.1f}",
        "findings: " + ", ".join(f"{code} {n}" for code, n in findings.most_common()),
        f"machine: {platform.platform()}; {platform.machine()}; {platform.processor() or 'cpu n/a'}; "
        f"{os.cpu_count()} CPUs",
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"run at: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
