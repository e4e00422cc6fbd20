"""The two accepted indicator layouts (DOMAIN.md §4.3) as data: level one → its level-two categories.

The 10号 layout (财预〔2020〕10号) keeps 成本 under 产出; the 101号 layout (财预〔2021〕101号) lifts 成本 to
level one with its own level-two categories. A region's rule set (`goals.layout`) chooses one.
"""

OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"

LAYOUTS = {
    "10号": {
        OUTPUT: ["数量指标", "质量指标", "时效指标", "成本指标"],
        BENEFIT: ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
        SATISFACTION: ["服务对象满意度指标"],
    },
    "101号": {
        COST: ["经济成本指标", "社会成本指标", "生态环境成本指标"],
        OUTPUT: ["数量指标", "质量指标", "时效指标"],
        BENEFIT: ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
        SATISFACTION: ["服务对象满意度指标"],
    },
}
DEFAULT_LAYOUT = "10号"


def layout(name):
    return LAYOUTS.get(name) or LAYOUTS[DEFAULT_LAYOUT]


def level1_choices(name):
    return list(layout(name))


def level2_choices(name):
    """[(level1, level2)] pairs of the layout, in order."""
    return [(l1, l2) for l1, l2s in layout(name).items() for l2 in l2s]


def place(level1, level2, name):
    """Where a library entry (stored in 10号 terms) sits in layout `name`: 成本 moves to level one in 101号."""
    if name == "101号" and level2 == "成本指标":
        return COST, "经济成本指标"
    if name == "10号" and level1 == COST:
        return OUTPUT, "成本指标"
    return level1, level2
