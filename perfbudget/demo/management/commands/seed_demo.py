"""`perfbudget seed-demo`: build (or complete) the deterministic demo region."""

import time

from django.core.management.base import BaseCommand

from perfbudget.core.middleware import current_request_id, set_request_id
from perfbudget.demo import generator
from perfbudget.demo.evaluation import evaluation_counts
from perfbudget.demo.goals import CURRENT_YEAR, goal_counts
from perfbudget.demo.monitoring import EARLIER_YEAR, MONITORED_YEAR, monitoring_counts
from perfbudget.evaluation.choices import ProblemStatus, SelfEvalStatus
from perfbudget.goals.choices import GoalStatus
from perfbudget.keyevals.choices import Status as KeyEvalStatus
from perfbudget.monitoring.choices import ActionKind, FormStatus, RoundStatus, WarningLevel
from perfbudget.orgs.choices import OrgKind
from perfbudget.pools.choices import PoolStatus
from perfbudget.projects.choices import BudgetType, ProjectStatus


class Command(BaseCommand):
    help = "生成演示地区（吴忠市及所辖三县区）的组织、用户、项目库和审核流程数据；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=generator.T.SEED, help="随机种子（默认固定，保证结果一致）")

    def handle(self, *args, **options):
        started = time.monotonic()
        previous = current_request_id()
        set_request_id("seed-demo")  # the change log records which run wrote the rows
        try:
            stats, counts = generator.seed(options["seed"])
            counts["goals"] = goal_counts(options["seed"])
            counts["monitoring"] = monitoring_counts(options["seed"])
            counts["evaluation"] = evaluation_counts(options["seed"])
        finally:
            set_request_id(previous)
        elapsed = time.monotonic() - started
        self.stdout.write(self._summary(stats, counts, elapsed))

    def _summary(self, stats, counts, elapsed):
        orgs = counts["organisations"]
        years = counts["project_years"]

        def listing(numbers, choices, suffix=""):
            return "，".join(f"{label}{suffix} {numbers[value]}" for value, label in choices if value in numbers)

        lines = [
            "演示地区已就绪：宁夏回族自治区 › 吴忠市（市本级）及利通区、盐池县、同心县。",
            f"  区划 {counts['regions']} 个；财政局 {orgs.get(OrgKind.BUREAU, 0)} 个、"
            f"科室 {orgs.get(OrgKind.SECTION, 0)} 个、主管部门 {orgs.get(OrgKind.DEPARTMENT, 0)} 个、"
            f"预算单位 {orgs.get(OrgKind.UNIT, 0)} 个；用户 {counts['users']} 个。",
            f"  项目 {counts['projects']} 个，项目年度预算 {sum(years.values())} 条"
            f"（{'，'.join(f'{y}年 {n} 条' for y, n in sorted(years.items()))}）。",
            "  预算类型：" + listing(counts["budget_types"], BudgetType.choices),
            "  分级分类：" + listing(counts["abc"], [(c, c) for c in "ABC"], "类"),
        ]
        for year, statuses in counts["statuses"].items():
            lines.append(f"  {year}年状态：" + listing(statuses, ProjectStatus.choices))
        lines.append(f"  流转记录 {counts['workflow_records']} 条，未办结待办 {counts['open_todos']} 条，"
                     f"规则集版本 {counts['rulesets']} 个。")
        goals = counts["goals"]
        for year, states in goals["by_year"].items():
            lines.append(f"  {year}年绩效目标：" + listing(states, GoalStatus.choices))
        lines.append(f"  {CURRENT_YEAR}年无绩效目标的项目 {goals['without_goal']} 条（无目标不预算）；"
                     f"目标调整 {goals['adjustments']} 份，年中追加 {goals['additions']} 份；"
                     f"核减 {goals['cuts']} 笔，共 {goals['cut_amount'] / 10000:.2f} 万元。")
        lines.extend(self._monitoring(counts["monitoring"], listing))
        lines.extend(self._evaluation(counts["evaluation"], listing))
        new_rows = sum(v for k, v in stats.items() if k != "workflow_diverged")
        tail = f"  本次新增或推进 {new_rows} 项" + ("（数据已存在，未作改动）" if not new_rows else "")
        if stats["workflow_diverged"]:
            tail += f"；{stats['workflow_diverged']} 条项目年度已被人工处理，保持原状"
        lines.append(tail + f"；用时 {elapsed:.1f} 秒。")
        lines.append("  演示账号（密码均为 demo-pass-2025）：" + "、".join(a.username for a in generator.DEMO_ACCOUNTS))
        return "\n".join(lines)

    def _monitoring(self, m, listing):
        def wan(amount):
            return f"{amount / 10000:,.2f} 万元"

        paid = "；".join(f"{y}年 {d['project_years']} 个项目年度、支付记录 {d['rows']} 条、共 {wan(d['paid'])}"
                        for y, d in sorted(m["execution"].items()))
        lines = [f"  预算执行：{paid}（{EARLIER_YEAR}年为延续项目的上年度，供同类项目预测和连续两年低执行率判断）。",
                 f"  {MONITORED_YEAR}年运行监控：监控轮次 " + listing(m["rounds"], RoundStatus.choices)
                 + f"；预警 {m['warnings']} 条。"]
        for name, states in m["forms"].items():
            levels = listing(m["levels"][name], WarningLevel.choices)
            lines.append(f"    {name}：监控表 {sum(states.values())} 份（{listing(states, FormStatus.choices)}）；"
                         f"{levels}。")
        amounts = m["action_amounts"]
        acts = "，".join(f"{label} {m['actions'][kind]} 项" + (f"（{wan(amounts[kind])}）" if amounts.get(kind) else "")
                        for kind, label in ActionKind.choices if kind in m["actions"])
        lines.append(f"  处置：{acts or '无'}；负面清单 {m['negative_list']} 条；"
                     f"连续两年执行率低于70%的项目 {m['low_two_years']} 个。")
        return lines

    def _evaluation(self, e, listing):
        grades = listing(e["grades"], [(g, g) for g in "优良中差"])
        findings = "，".join(f"{code} {n}" for code, n in e["findings"].items()) or "无"
        lines = [f"  {MONITORED_YEAR}年单位自评：自评表 {sum(e['selfevals'].values())} 份（"
                 + listing(e["selfevals"], SelfEvalStatus.choices) + f"）；复核等级 {grades}。",
                 f"    自评得分错误：{e['with_errors']} 份表存在错误（{findings}）；审核问题 "
                 f"{sum(e['problems'].values())} 个（" + listing(e["problems"], ProblemStatus.choices) + "）。"]
        spot = e["spot"]
        if spot:
            lines.append(f"    吴忠市抽评：自评总数 {spot['population']} 份，分层抽取 {spot['sample']} 份"
                         f"（{spot['status']}），已复核 {spot['scored']} 份，单位已签字 {spot['unit_signed']} 份。")
        lines.append("  第三方机构库：" + listing(e["agencies"], PoolStatus.choices) + "；专家库："
                     + listing(e["experts"], PoolStatus.choices) + "。")
        lines.append("  重点评价：" + (listing(e["key_evaluations"], KeyEvalStatus.choices) or "无") + "。")
        return lines
