"""Benchmark of the self-evaluation scoring engine and its audit (not a test).

Generates N perfbudget.selfeval/1 tables deterministically (random.Random(seed), in chunks so memory stays flat):
4–14 indicator rows each over the three level-one blocks in messy spellings (``产出指标(50分)``, ``一、效益指标``,
``满意度``), every comparator spelling, full-width digits, thousands separators, ``万``, ‰, intervals, dates with
and without a year, durations, qualitative wordings with and without a judgement; actuals met, missed, far over,
in words (已完成, 基本完成, 未完成), empty, repeating the target, in another unit; weights as numbers, ``"20分"``,
full width or missing; claimed scores as text, with the usual mistakes (full marks on a missed target, weight ×
actual%, docked without a note, wrong totals and grades); funds in 元 or 万元, as strings, executed over budget,
full-year budget 0 or missing; total rows; inapplicable rows. Then `load`s and scores (`score_table`, audit
included) every table and reports tables/s, total seconds, peak RSS and the findings; the same text goes to
bench/results/selfeval_scoring.md.

    .venv/bin/python bench/bench_selfeval_scoring.py [--tables N] [--seed S] [--chunk C] [--no-write]

`--tables 500000` is the target size of the issue (default 20,000).
"""

import argparse
import collections
import datetime
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")

from perfbudget.evaluation.scoring import score_table  # noqa: E402
from perfbudget.evaluation.selfevalfile import load  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "selfeval_scoring.md"

LEVEL1_SPELLINGS = {"产出指标": ["产出指标", "产出指标(50分)", "一、产出指标（50分）", "产出"],
                    "效益指标": ["效益指标", "二、效益指标", "效益指标（30分）", "效益", "效果指标"],
                    "满意度指标": ["满意度指标", "三、满意度指标(10分)", "满意度"]}
GE = ["≥", "≧", ">=", "＞＝", "不低于", "不少于", "达到", ""]
LE = ["≤", "≦", "<=", "不超过", "不高于", "控制在"]


def fw(text):
    return text.translate(str.maketrans("0123456789%", "０１２３４５６７８９％"))


def count_row(rng, name, unit):
    n = rng.choice([12, 50, 120, 300, 500, 1200, 3000, 15000])
    target = f"{rng.choice(GE)}{n:,}{unit}" if rng.random() < 0.3 else f"{rng.choice(GE)}{n}{unit}"
    if n >= 10000 and rng.random() < 0.5:
        target = f"≥{n / 10000:g}万{unit}"
    if rng.random() < 0.1:
        target = fw(target)
    return target, _actual_number(rng, n, unit, higher=True)


def _actual_number(rng, n, unit, higher):
    roll = rng.random()
    if roll < 0.55:
        value = n * rng.uniform(1.0, 1.2) if higher else n * rng.uniform(0.8, 1.0)
    elif roll < 0.75:
        value = n * rng.uniform(0.7, 0.99) if higher else n * rng.uniform(1.01, 1.3)
    elif roll < 0.8:
        value = n * rng.uniform(1.6, 3) if higher else n * rng.uniform(0.2, 0.6)
    elif roll < 0.85:
        return rng.choice(["已完成", "基本完成", "未完成", "达标", "按计划完成", ""])
    elif roll < 0.88:
        return None
    else:
        value = n
    shown = f"{round(value, 1):g}" if value < 100 else f"{round(value):,}" if rng.random() < 0.2 else f"{round(value)}"
    return f"{shown}{unit if rng.random() < 0.9 else ''}"


def rate_row(rng, name, unit):
    p = rng.choice([80, 85, 90, 95, 98, 100])
    roll = rng.random()
    if roll < 0.15 and p < 100:
        target = f"{p}%-100%" if rng.random() < 0.5 else f"[{p},100]"
    else:
        target = f"{rng.choice(GE[:6])}{p}%"
    if rng.random() < 0.1:
        target = fw(target)
    roll = rng.random()
    if roll < 0.6:
        actual = f"{min(100, p + rng.uniform(0, 5)):.1f}%"
    elif roll < 0.85:
        actual = f"{p - rng.uniform(0.5, 10):.1f}%"
    elif roll < 0.9:
        actual = target
    elif roll < 0.95:
        actual = "达到预期"
    else:
        actual = f"{p}"
    return target, actual


def cost_row(rng, name, unit):
    n = rng.choice([9, 48, 200, 350, 2000])
    u = rng.choice(["万元", "元", "万元/公里"]) if unit == "money" else unit
    target = f"{rng.choice(LE)}{n}{u}"
    if u == "万元" and rng.random() < 0.3:
        return target, f"{round(n * rng.uniform(0.85, 1.1) * 10000):,}元"
    return target, _actual_number(rng, n, u, higher=False)


def rate_le_row(rng, name, unit):
    n = rng.choice([1, 3, 5])
    u = rng.choice(["‰", "%"])
    target = f"≤{n}{u}"
    return target, f"{n * rng.uniform(0.2, 1.4):.1f}{rng.choice([u, u, '%' if u == '‰' else '‰'])}"


def date_row(rng, name, unit, year):
    month = rng.randint(6, 12)
    target = rng.choice([f"{year}年{month}月底前", f"{month}月底前", f"{year}年{month}月30日前", "年内",
                         f"≤{rng.choice([11, 10])}个月", f"≤{rng.choice([30, 45, 60])}天"])
    if target.startswith("≤") and target.endswith("个月"):
        return target, f"{rng.choice([9, 10, 11, 12])}个月"
    if target.startswith("≤") and target.endswith("天"):
        return target, f"{rng.randint(20, 70)}天"
    roll = rng.random()
    m = month if target != "年内" else 12
    if roll < 0.6:
        return target, f"{year}年{rng.randint(1, m)}月{rng.randint(1, 28)}日"
    if roll < 0.8:
        late = min(12, m + 1)
        day = rng.randint(1, 28)
        return target, f"{year}年{late}月{day}日" if rng.random() < 0.5 else f"{late}月{day}日"
    if roll < 0.9:
        return target, rng.choice(["已按时完成", "按期完成", "滞后"])
    return target, target


def words_row(rng, name, unit):
    target = rng.choice(["明显提升", "有效", "良好", "健全", "达到预期", "有所提升", "无重大安全事故", "较上年减少"])
    actual = rng.choice(["明显提升", "基本达成", "有效", "良好", "基本健全", "达到预期", "有所提升", "未发生安全事故",
                         "较上年减少3.1%", "部分完成", "未达到", "进度滞后", "群众反映较好", target])
    return target, actual


ROWS = {
    ("产出指标", "数量指标"): [("培训人次", "人次", count_row), ("改造管网长度", "公里", count_row),
                          ("受益户数", "户", count_row), ("新建村级卫生室", "个", count_row)],
    ("产出指标", "质量指标"): [("工程验收合格率", "%", rate_row), ("培训合格率", "%", rate_row),
                          ("设备完好率", "%", rate_row)],
    ("产出指标", "时效指标"): [("完工时间", "", date_row), ("资金拨付时间", "", date_row),
                          ("项目建设周期", "", date_row)],
    ("产出指标", "成本指标"): [("每公里综合改造成本", "money", cost_row), ("人均培训成本", "元", cost_row)],
    ("效益指标", "社会效益指标"): [("受益群众人数", "人", count_row), ("政策知晓率", "%", rate_row),
                              ("安全事故发生率", "", rate_le_row), ("群众知晓度", "", words_row)],
    ("效益指标", "经济效益指标"): [("带动就业人数", "人", count_row), ("带动农户增收", "", words_row)],
    ("效益指标", "生态效益指标"): [("生活污水处理率", "%", rate_row), ("化肥使用量", "", words_row)],
    ("效益指标", "可持续影响指标"): [("长效管护机制", "", words_row), ("设施正常运行率", "%", rate_row)],
    ("满意度指标", "服务对象满意度指标"): [("服务对象满意度", "%", rate_row), ("群众满意率", "%", rate_row)],
}
BLOCKS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def weight_text(rng, w):
    roll = rng.random()
    if roll < 0.6:
        return w
    if roll < 0.75:
        return f"{w}分"
    if roll < 0.85:
        return fw(str(w))
    if roll < 0.95:
        return str(w)
    return None


def claim(rng, weight, target, actual):
    """What units print: mostly the right score, sometimes a known mistake."""
    roll = rng.random()
    if roll < 0.6:
        return weight
    if roll < 0.7:
        return f"{weight}分"
    if roll < 0.8:
        return round(weight * rng.uniform(0.6, 0.99), 1)
    if roll < 0.9 and isinstance(actual, str) and actual.endswith("%"):
        try:
            return round(weight * float(actual[:-1]) / 100, 2)
        except ValueError:
            return weight
    return None


def table(rng, k):
    year = rng.choice([2022, 2023, 2024, 2025])
    rows = []
    for level1, block in BLOCKS.items():
        keys = [key for key in ROWS if key[0] == level1]
        count = rng.randint(2, 6) if level1 == "产出指标" else rng.randint(1, 4) if level1 == "效益指标" else 1
        weights = _split(rng, block, count)
        for w in weights:
            key = rng.choice(keys)
            name, unit, make = rng.choice(ROWS[key])
            target, actual = make(rng, name, unit, year) if make is date_row else make(rng, name, unit)
            row = {"level1": rng.choice(LEVEL1_SPELLINGS[level1]), "level2": key[1] if rng.random() < 0.9 else None,
                   "name": name, "target": target, "actual": actual, "weight": weight_text(rng, w),
                   "claimed_score": claim(rng, w, target, actual)}
            if make is words_row and rng.random() < 0.6:
                row["judgement"] = rng.choice([0.6, 0.75, 0.8, 0.9, 1, "85%"])
            if rng.random() < 0.1:
                row["deviation_note"] = "受天气影响，部分工程延期"
            if rng.random() < 0.02:
                row["applicable"] = False
            rows.append(row)
    if rng.random() < 0.2:
        rows.append({"level1": "合计", "name": "合计", "weight": 90, "claimed_score": rng.choice([88, 90, 92.5])})
    budget = rng.choice([30, 50, 120.5, 300, 1800])
    executed = budget * rng.choice([0.62, 0.82, 0.9, 0.95, 1.0, 1.05])
    funds = {"initial": budget, "full_year": budget, "executed": round(executed, 2), "money_unit": "万元",
             "weight": 10, "claimed_score": rng.choice([10, 9.5, 9, "10分", None])}
    roll = rng.random()
    if roll < 0.15:
        funds.update(full_year=f"{budget}万元", executed=f"{round(executed * 10000):,}元")
    elif roll < 0.2:
        funds.update(full_year=0)
    elif roll < 0.25:
        funds.pop("full_year")
    if rng.random() < 0.3:
        funds["reason"] = "部分资金年底下达，次年支付"
    return {"format": "perfbudget.selfeval/1",
            "project": {"name": f"项目{k}", "department": "示例局", "unit": "示例中心", "year": year},
            "funds": funds, "indicators": rows,
            "claimed_total": rng.choice([None, 92, 95.5, 88, "96分"]),
            "claimed_grade": rng.choice([None, "优", "良", "优秀", "中"])}


def _split(rng, total, count):
    if count == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total // 5), count - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total // 5], strict=True)]
    return [p * 5 for p in parts]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    rng = random.Random(args.seed)
    findings = collections.Counter()
    grades = collections.Counter()
    rows = 0
    gen_seconds = score_seconds = 0.0
    done = 0
    rss_start = peak_rss_mb()
    load_start = os.getloadavg()
    while done < args.tables:
        n = min(args.chunk, args.tables - done)
        t0 = time.perf_counter()
        batch = [table(rng, done + i) for i in range(n)]
        t1 = time.perf_counter()
        for doc in batch:
            result = score_table(load(doc))
            rows += len(result["indicators"])
            grades[result["grade"]] += 1
            for f in result["findings"]:
                findings[f["code"]] += 1
        t2 = time.perf_counter()
        gen_seconds += t1 - t0
        score_seconds += t2 - t1
        done += n
        if done % (args.chunk * 25) == 0:
            print(f"  {done:,} tables, {score_seconds:.1f} s", file=sys.stderr)
    cpu = platform.processor() or "cpu n/a"
    lines = [
        "# Self-evaluation scoring benchmark (bench/bench_selfeval_scoring.py)",
        "",
        f"- tables: {args.tables:,} ({rows:,} indicator rows, seed {args.seed}; generated in {gen_seconds:.1f} s, "
        "not counted)",
        f"- load + score_table (audit included) total: {score_seconds:.1f} s",
        f"- throughput: {args.tables / score_seconds:,.0f} tables/s, {rows / score_seconds:,.0f} rows/s",
        f"- per table: {score_seconds / args.tables * 1000:.3f} ms",
        f"- peak RSS: {peak_rss_mb():.0f} MB (after Django setup: {rss_start:.0f} MB; chunks of {args.chunk:,} tables)",
        f"- grades: {', '.join(f'{g} {n:,}' for g, n in sorted(grades.items()))}",
        f"- findings: {', '.join(f'{c} {n:,}' for c, n in findings.most_common())}",
        f"- machine: {platform.platform()}; {platform.machine()}; {cpu}; {os.cpu_count()} CPUs (one used); "
        f"load average at start {load_start[0]:.2f}, at end {os.getloadavg()[0]:.2f} (other work on the machine "
        "slows the run)",
        f"- python: {platform.python_implementation()} {platform.python_version()}",
        f"- run at: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
