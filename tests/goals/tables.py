"""The clean goal table (perfbudget.goals/1) that the quality tests build their cases from."""

CLEAN_ROWS = [
    {"level1": "产出指标", "level2": "数量指标", "name": "改造燃气管网长度", "target": "≥38公里", "weight": 15},
    {"level1": "产出指标", "level2": "数量指标", "name": "改造居民户内设施户数", "target": "≥16000户", "weight": 10},
    {"level1": "产出指标", "level2": "质量指标", "name": "工程竣工验收一次合格率", "target": "≥98%", "weight": 10},
    {"level1": "产出指标", "level2": "时效指标", "name": "改造工程完工时间", "target": "2025年11月30日前", "weight": 5},
    {"level1": "产出指标", "level2": "成本指标", "name": "每公里综合改造成本", "target": "≤48万元", "weight": 10},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "燃气泄漏报警次数较上年下降", "target": "≥30%",
     "weight": 15},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "重大燃气安全隐患整改率", "target": "=100%", "weight": 10},
    {"level1": "效益指标", "level2": "可持续影响指标", "name": "新建管网设计使用年限", "target": "≥30年", "weight": 5},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "改造小区居民满意度", "target": "≥90%",
     "weight": 10},
]
CLEAN = {
    "format": "perfbudget.goals/1",
    "project": {"name": "城区老旧燃气管网改造", "unit": "示例市城市管理局", "year": 2025, "amount": 1850,
                "money_unit": "万元", "special_fund": False},
    "overall_goal": "2025年完成城区38公里老旧燃气管网改造，惠及居民1.6万户。",
    "indicators": CLEAN_ROWS,
    "history": [],
}


def post_rows(rows, **extra):
    """The goal grid as the page posts it, from (level1, level2, name, comparator, target, unit, weight)."""
    data = {"overall_goal": "完成校舍维修", "annual_goal": "当年完工"} | extra
    for i, (l1, l2, name, comp, target, unit, weight) in enumerate(rows):
        key = f"k{i}"
        data |= {f"rows-{key}-level1": l1, f"rows-{key}-level2": l2, f"rows-{key}-name": name,
                 f"rows-{key}-comparator": comp, f"rows-{key}-target": target, f"rows-{key}-unit": unit,
                 f"rows-{key}-weight": weight, f"rows-{key}-basis": "plan", f"rows-{key}-upper": "",
                 f"rows-{key}-entry": "", f"rows-{key}-note": ""}
    return data
