"""Every configurable number of the domain, with its national default (DOMAIN.md, marked *default*).

These are the values of the national rule set (全国默认). A region's rule set overrides some of them for a
fiscal year; what it does not override it inherits from its parent region, and at the top from here.
Later stages add their keys here so that the rule-set edit page shows them without further code.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RuleDefinition:
    """One rule: key, label, kind ("int", "decimal", "percent", "money", "choice", "json"), default, help."""

    key: str
    group: str
    label: str
    kind: str
    default: object
    help: str = ""
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    validator: str = ""  # dotted path of `f(value)` raising ValueError (Chinese message) for a malformed value


DEFINITIONS = [
    # 项目库 / 分级分类 (DOMAIN §4.1)
    RuleDefinition("classification.a_min_amount", _("分级分类"), _("A类项目金额下限(元)"), "money", 5_000_000,
                   _("调整后预算数不低于该金额、或标记为重点工作的项目为A类。"), minimum=0),
    RuleDefinition("classification.b_min_amount", _("分级分类"), _("B类项目金额下限(元)"), "money", 1_000_000,
                   _("不低于该金额的项目为B类，其余为C类。"), minimum=0),
    RuleDefinition("classification.key_work_is_a", _("分级分类"), _("重点工作项目一律为A类"), "bool", True),
    RuleDefinition("projects.review_due_days", _("项目库"), _("审核办理期限(天)"), "int", 5, minimum=1, maximum=60),
    # 事前绩效评估 (§4.2)
    RuleDefinition("exante.min_amount", _("事前绩效评估"), _("须开展事前评估的金额下限(元)"), "money", 5_000_000,
                   minimum=0),
    RuleDefinition("exante.dimension_weight", _("事前绩效评估"), _("各评估维度分值"), "int", 20, minimum=0,
                   maximum=100),
    RuleDefinition("exante.bands", _("事前绩效评估"), _("予以支持/调整后支持分数线"), "json", [80, 60]),
    # 绩效目标 (§4.3)
    RuleDefinition("goals.layout", _("绩效目标"), _("指标体系版式"), "choice", "10号",
                   choices=(("10号", _("财预〔2020〕10号：产出、效益、满意度")),
                            ("101号", _("财预〔2021〕101号：成本、产出、效益、满意度")))),
    RuleDefinition("goals.min_indicators", _("绩效目标"), _("三级指标最少个数"), "int", 6, minimum=1),
    RuleDefinition("goals.max_indicator_weight", _("绩效目标"), _("单个指标分值上限"), "decimal", 20, minimum=0),
    RuleDefinition("goals.min_quantified_share", _("绩效目标"), _("定量指标占比下限"), "percent", 0.8,
                   minimum=0, maximum=1),
    RuleDefinition("goals.special_fund_min_quantified", _("绩效目标"), _("专项资金定量三级指标最少个数"), "int", 10,
                   minimum=0),
    RuleDefinition("goals.department_consolidates", _("绩效目标"), _("主管部门汇总审核单位目标"), "bool", True),
    # 单位自评 (§4.6)
    RuleDefinition("selfeval.execution_weight", _("绩效评价"), _("预算执行率分值"), "decimal", 10, minimum=0,
                   maximum=100),
    RuleDefinition("selfeval.block_weights", _("绩效评价"), _("一级指标分值"), "json",
                   {"产出指标": 50, "效益指标": 30, "满意度指标": 10}),
    RuleDefinition("selfeval.execution_reason_below", _("绩效评价"), _("执行率低于该值须说明原因"), "percent", 0.9,
                   minimum=0, maximum=1),
    RuleDefinition("grades.bands", _("绩效评价"), _("优/良/中分数线"), "json", [90, 80, 60],
                   _("依次为优、良、中的下限（含），低于最后一项为差。")),
    RuleDefinition("evaluation.spot_check_share", _("绩效评价"), _("抽评比例下限"), "percent", 0.10,
                   minimum=0, maximum=1),
    RuleDefinition("selfeval.execution_formula", _("绩效评价"), _("预算执行率得分公式"), "choice", "proportional",
                   choices=(("proportional", _("分值×执行率（执行率超过100%按100%计）")),)),
    RuleDefinition("selfeval.qualitative_tiers", _("绩效评价"), _("定性指标分档（占分值比例）"), "json",
                   {"达成": [0.8, 1.0], "部分达成": [0.6, 0.8], "未达成": [0, 0.6]},
                   _("评价人在档内确定得分比例并说明理由。")),
    RuleDefinition("selfeval.over_achievement_ratio", _("绩效评价"), _("超额完成提示倍数"), "decimal", 1.5,
                   _("实际完成值达到目标值的该倍数（“≤”类指标为目标值的倒数倍）时提示目标可能偏低。"), minimum=1),
    RuleDefinition("selfeval.claim_tolerance", _("绩效评价"), _("自评得分允许误差(分)"), "decimal", 0.5,
                   minimum=0, maximum=10),
    RuleDefinition("evaluation.review_return_days", _("绩效评价"), _("自评审核退回整改期限(天)"), "int", 10,
                   minimum=1, maximum=90),
    RuleDefinition("evaluation.min_output_benefit_weight", _("绩效评价"), _("产出与效益指标分值合计下限"), "decimal",
                   60, minimum=0, maximum=100),
    RuleDefinition("evaluation.evaluator_spread_share", _("绩效评价"), _("评价人打分偏离提示幅度"), "percent", 0.20,
                   _("某评价人对一项指标的打分与其他评价人平均分之差超过该指标分值的该比例时，须说明理由。"),
                   minimum=0, maximum=1),
    RuleDefinition("evaluation.expert_count", _("绩效评价"), _("重点评价抽取专家人数"), "int", 3, minimum=1,
                   maximum=15),
    # 第三方机构库 / 专家库
    RuleDefinition("pools.violation_years", _("机构与专家库"), _("无重大违规记录年限"), "int", 3, minimum=1,
                   maximum=10),
    RuleDefinition("pools.drop_lowest_share", _("机构与专家库"), _("末位淘汰比例"), "percent", 0.10, minimum=0,
                   maximum=1),
    RuleDefinition("pools.min_rating", _("机构与专家库"), _("质量评分合格线"), "decimal", 60, minimum=0,
                   maximum=100),
    RuleDefinition("pools.min_ratings_for_ranking", _("机构与专家库"), _("参与排名的最少评分次数"), "int", 2,
                   minimum=1, maximum=50),
    # 运行监控 (§4.5)
    RuleDefinition("monitoring.key_project_min_amount", _("运行监控"), _("财政重点监控金额下限(元)"), "money",
                   5_000_000, minimum=0),
    RuleDefinition("monitoring.checkpoints", _("运行监控"), _("执行率节点目标"), "json", {"10": 0.60, "12": 0.85},
                   _("月份 → 截至该月末的执行率目标。")),
    RuleDefinition("monitoring.time_progress_margin", _("运行监控"), _("落后序时进度预警幅度"), "percent", 0.10,
                   minimum=0, maximum=1),
    RuleDefinition("monitoring.rounds", _("运行监控"), _("监控轮次安排"), "json", [
        {"code": "m07", "name": "1-7月集中监控", "through_month": 7, "opens": "08-01", "due": "08-20",
         "report_due": "09-03", "scope": "all"},
        {"code": "m10", "name": "10月节点监控", "through_month": 10, "opens": "11-01", "due": "11-10",
         "report_due": "11-24", "scope": "key"},
        {"code": "m12", "name": "12月节点监控", "through_month": 11, "opens": "12-01", "due": "12-10",
         "report_due": "12-24", "scope": "key"},
    ], _("每轮：代码、名称、数据截至月份、开始填报(月-日)、填报截止、报告截止、范围(all/key/class_a/class_ab)。"
         "报告应在填报截止后10个工作日内完成。"), validator="perfbudget.monitoring.plan.validate_plan"),
    RuleDefinition("monitoring.behind_time_red_margin", _("运行监控"), _("落后序时进度红色预警幅度"), "percent",
                   0.20, minimum=0, maximum=1),
    RuleDefinition("monitoring.department_consolidates", _("运行监控"), _("主管部门汇总审核监控表"), "bool", True),
    RuleDefinition("monitoring.urge_days", _("运行监控"), _("督促整改默认期限(天)"), "int", 10, minimum=1,
                   maximum=90),
    RuleDefinition("monitoring.negative_list_months", _("运行监控"), _("负面清单默认期限(月)"), "int", 12,
                   minimum=1, maximum=60),
    RuleDefinition("monitoring.low_execution_years", _("运行监控"), _("连续低执行率年数"), "int", 2, minimum=1,
                   maximum=5),
    RuleDefinition("monitoring.low_execution_rate", _("运行监控"), _("连续低执行率线"), "percent", 0.70,
                   minimum=0, maximum=1),
    # 结果应用 (§4.7)
    RuleDefinition("results.grade_budget_change", _("结果应用"), _("评价等级对应下年预算调整"), "json",
                   {"优": "priority", "良": "keep", "中": [-0.30, -0.10], "差": "no_funding"}),
]

BY_KEY = {d.key: d for d in DEFINITIONS}
NATIONAL_DEFAULTS = {d.key: d.default for d in DEFINITIONS}
