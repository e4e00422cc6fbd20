"""Classifying an indicator by its name (三级指标名称): keyword lists and the small functions that use them.

Used by the goal quality check (misclassified rows, inputs declared as goals, rows packing several
indicators, duplicates and history matching) and reusable by self-evaluation scoring. Everything here is
data-driven: to teach the checks a new spelling, add a word to a list below; the functions only combine
the lists. All functions take any value (None, numbers) and never raise.

Canonical category names follow perfbudget.indicators.frameworks (产出指标/数量指标 …).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .values import KNOWN_UNITS, UNIT_ALIASES

# ---------------------------------------------------------------------------------------------------------------
# Word lists

# A share or ratio, usually printed in %. Words that end in 率 but are not shares are excluded first.
RATE_WORDS = ("率", "比例", "比重", "占比", "百分比", "比率")
RATE_EXCLUDED = ("效率", "频率", "功率", "利用效率", "税率", "汇率", "速率")
# A count or an amount of output (the name ends with one of these, or contains 数量).
COUNT_SUFFIXES = ("数量", "个数", "人数", "户数", "次数", "人次", "户次", "场次", "件数", "项数", "家数", "所数",
                  "册数", "台数", "座数", "处数", "条数", "间数", "亩数", "数", "长度", "面积", "里程", "规模",
                  "总量", "产量", "数目", "公里数", "容量", "总数")
COUNT_WORDS = ("数量",)
SATISFACTION_WORDS = ("满意度", "满意率", "满意", "认可度", "认可率", "好评率", "好评度", "认同度", "获得感",
                      "幸福感", "满意程度")
# Inputs restated as goals: money, staff and materials put into the project (and process measures such as
# 资金到位率 / 预算执行率, which the funds block of the self-evaluation scores separately).
INPUT_PHRASES = ("投入资金", "资金投入", "投资金额", "投入金额", "项目资金", "预算资金", "预算金额", "资金总额",
                 "资金规模", "财政资金", "到位资金", "资金到位", "预算执行", "资金执行", "支出进度",
                 "资金使用率", "人员经费", "工作经费", "办公经费", "经费投入", "投入经费", "投入人员",
                 "人员投入", "投入人力", "人力投入", "投入工作人员", "购置材料", "采购材料", "材料投入",
                 "投入材料", "材料采购", "物资投入", "投入物资", "设备投入", "投入设备", "投入车辆", "申请资金",
                 "安排资金", "下达资金", "争取资金", "项目预算", "预算数")
# "投入…人员", "投入…资金": an input verb followed (within a few characters) by something put in.
INPUT_VERBS = ("投入", "配备")
INPUT_OBJECTS = ("人员", "人力", "资金", "经费", "材料", "物资", "设备", "车辆", "机械", "工作人员")
# Words that make a money-like name a legitimate cost or output indicator instead of an input.
NOT_INPUT_WORDS = ("成本", "单价", "造价", "均价", "标准", "每", "平均", "人均", "节约", "节省", "降低", "压减",
                   "控制", "发放", "兑付", "补贴到户", "带动", "撬动", "吸引", "收益", "收入", "效益", "及时率")
MONEY_WORDS = ("资金", "经费", "预算", "投资", "拨款", "金额")
TIME_WORDS = ("时间", "时限", "及时率", "及时性", "工期", "期限", "周期", "进度", "按时", "按期", "时效",
              "时长", "完成时间", "完工时间", "竣工时间", "办结", "响应时间", "天数", "日期")
# Deadline words only: a row named so under 数量/质量 is a 时效 indicator.
DEADLINE_WORDS = ("时间", "时限", "工期", "期限", "日期", "完成时间", "完工时间", "竣工时间", "按时完成", "按期完成")
COST_WORDS = ("成本", "单价", "造价", "均价", "单位投资", "补助标准", "支出标准", "经费标准", "费用标准",
              "收费标准", "每公里投资", "费用控制", "成本控制", "平均费用", "人均费用", "人均成本")
# Rates where higher means better quality: a name with one of these measures quality even when it mentions a
# cost or a time ("补助标准执行准确率", "工程造价审核准确率" are accuracy rates, not costs).
POSITIVE_QUALITY_RATES = ("合格率", "达标率", "优良率", "通过率", "准确率", "正确率", "完好率", "符合率", "优秀率",
                          "规范率", "完整率")
# Their negations, which are lower-is-better rates ("不合格率" contains "合格率").
NEGATED_QUALITY_RATES = ("不合格率", "不达标率", "不规范率", "不准确率", "不符合率", "不完整率")
QUALITY_WORDS = ("合格率", "达标率", "优良率", "验收", "通过率", "准确率", "正确率", "完好率", "符合率", "质量",
                 "优秀率", "合规", "一次性通过", "规范率", "完整率", "完整性", "准确性", "达标", "合格", "精度",
                 "故障率", "返修率", "差错率", "出错率", "完成质量", "标准化")
ECONOMIC_WORDS = ("收入", "增收", "产值", "营业额", "销售额", "税收", "利润", "经济效益", "GDP", "带动投资",
                  "招商", "经济损失", "增加值", "交易额", "营收", "产业", "就业岗位", "带动消费", "节约资金")
SOCIAL_WORDS = ("就业", "群众", "居民", "社会", "知晓", "安全", "隐患", "惠及", "受益", "服务", "覆盖", "参与",
                "健康", "教育", "文化", "治安", "救助", "保障", "事故", "发病", "死亡", "入学", "群体")
ECOLOGICAL_WORDS = ("生态", "环境", "排放", "污染", "绿化", "植被", "水质", "空气", "碳", "节能", "能耗",
                    "森林", "水土流失", "噪声", "垃圾", "污水", "节水", "减排", "绿地", "湿地", "土壤", "扬尘")
SUSTAINABLE_WORDS = ("可持续", "长效", "使用年限", "使用寿命", "运行年限", "设计寿命", "持续", "机制",
                     "制度建设", "长期", "运营维护", "管护", "后续", "持久")
# Lower is better (反向指标): a ≥ target on these is backwards.
REVERSE_WORDS = ("事故率", "事故发生率", "事故次数", "事故起数", "事故数", "发生次数", "发生起数", "发生率",
                 "发病率", "死亡率", "投诉率", "投诉次数",
                 "投诉量", "差错率", "出错率", "故障率", "返修率", "返工率", "不合格率", "空置率", "损耗率",
                 "失误率", "失败率", "误差", "超支率", "辍学率", "流失率", "成本", "单价", "造价", "时长",
                 "时限", "用时", "耗时", "等待时间", "响应时间", "办结时间", "能耗")
# A change ("较上年下降30%", "增长率"): shares above 100% or below 0% can be legitimate.
CHANGE_WORDS = ("增长", "增幅", "增加", "提高", "提升", "上升", "下降", "降低", "减少", "降幅", "较上年", "同比",
                "环比", "比上年", "倍", "变化", "增速", "节约")
# Measurable heads: a part of a name that ends with one of these names a separate indicator.
MEASURE_SUFFIXES = ("率", "数", "数量", "量", "度", "人次", "次数", "时间", "时限", "长度", "面积", "比例",
                    "比重", "占比", "金额", "成本", "单价", "年限")
# Separators between two indicators packed into one name ("培训人数和合格率").
NAME_SEPARATORS = ("、", "和", "及", "与", "并", "/", ";", ",", "以及", "或")
COMPLETION_RATES = ("完成率", "完成比例", "完成进度")

# Canonical names (see frameworks.py).
OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
QUANTITY, QUALITY, TIMELINESS, COST2 = "数量指标", "质量指标", "时效指标", "成本指标"
ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE = "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"
SERVICE_SATISFACTION = "服务对象满意度指标"
LEVEL1_OF_LEVEL2 = {QUANTITY: OUTPUT, QUALITY: OUTPUT, TIMELINESS: OUTPUT, COST2: OUTPUT, ECONOMIC: BENEFIT,
                    SOCIAL: BENEFIT, ECOLOGICAL: BENEFIT, SUSTAINABLE: BENEFIT, SERVICE_SATISFACTION: SATISFACTION,
                    "经济成本指标": COST, "社会成本指标": COST, "生态环境成本指标": COST}

# ---------------------------------------------------------------------------------------------------------------
# Helpers

_RE_INPUT = re.compile("(?:" + "|".join(INPUT_VERBS) + ")[\u4e00-\u9fff]{0,4}?(?:" + "|".join(INPUT_OBJECTS) + ")")
_RE_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．:：])+")
_RE_UNIT_NOTE = re.compile(r"[(（](?:单位[:：]?)?([^()（）]{0,8})[)）]$")
# A per-base rate in a note: "(1/10万)", "(/10万)", "(每万人)" → "/10万", "/万人".
_RE_PER_BASE_NOTE = re.compile(r"^1?(?:/|每)(\d*(?:十万|百万|千万|万|千|百|亿))(人口|人|户|名|例)?$")
# What a trailing "(…)" may hold to be a unit note rather than a qualifier ("(%)" yes, "(中压)" no).
UNIT_NOTES = frozenset(["%", "‰", "％", "百分比", "比例"] + list(UNIT_ALIASES) + KNOWN_UNITS)
_RE_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》【】\[\]()（）,，.。:：;；、!！?？·\-—_~～*#]+")
_RE_SEPARATORS = re.compile("|".join(re.escape(s) for s in sorted(NAME_SEPARATORS, key=len, reverse=True)))


def _text(name) -> str:
    if name is None:
        return ""
    return _RE_PUNCT.sub("", unicodedata.normalize("NFKC", str(name)))


def _has(text: str, words) -> bool:
    return any(w in text for w in words)


@lru_cache(maxsize=8192)
def unit_note(name) -> str:
    """The unit a name carries in a trailing note: "群众投诉率（%）" → "%", "管网长度(单位:公里)" → "公里",
    "孕产妇死亡率（1/10万）" → "/10万" (the parser's per-base unit)."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    note = _RE_UNIT_NOTE.search(text)
    if not note:
        return ""
    inner = note.group(1).strip()
    per = _RE_PER_BASE_NOTE.match(inner)
    if per:
        return f"/{per.group(1)}{'人' if per.group(2) == '人口' else per.group(2) or ''}"
    if inner in UNIT_NOTES or note.group(0)[1:].startswith("单位"):
        return "%" if inner in ("百分比", "比例") else UNIT_ALIASES.get(inner, inner)
    return ""


@lru_cache(maxsize=8192)
def name_key(name) -> str:
    """A name reduced for matching rows (duplicates, history): no numbering, spaces, punctuation, unit notes
    such as "(%)"; 满意率 and 满意度 are the same measure."""
    if name is None:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    text = _RE_NUMBERING.sub("", text)
    if unit_note(text):
        text = text[:_RE_UNIT_NOTE.search(text).start()]
    text = _RE_PUNCT.sub("", text).lower()
    return text.replace("满意率", "满意度").replace("百分比", "比例").replace("占比", "比例")


# ---------------------------------------------------------------------------------------------------------------
# Predicates


@lru_cache(maxsize=8192)
def looks_like_rate(name) -> bool:
    """A share or ratio (合格率, 人数比例, 占比) — its target should be a percentage."""
    text = _text(name)
    for word in RATE_EXCLUDED:
        text = text.replace(word, "")
    return _has(text, RATE_WORDS)


@lru_cache(maxsize=8192)
def looks_like_count(name) -> bool:
    """A count or amount of output (培训人次, 改造户数, 管网长度) and not a rate."""
    text = _text(name)
    if not text or looks_like_rate(text):
        return False
    return text.endswith(COUNT_SUFFIXES) or _has(text, COUNT_WORDS)


@lru_cache(maxsize=8192)
def looks_like_satisfaction(name) -> bool:
    """A satisfaction measure (服务对象满意度, 群众满意率, 好评率)."""
    return _has(_text(name), SATISFACTION_WORDS)


@lru_cache(maxsize=8192)
def looks_like_input(name) -> bool:
    """The name restates an input — money, staff or materials put in (投入资金, 资金到位率, 人员经费,
    购置材料) — or a process measure scored elsewhere (预算执行率), rather than an output or an effect."""
    text = _text(name)
    if not text or _has(text, NOT_INPUT_WORDS):
        return False
    return _has(text, INPUT_PHRASES) or bool(_RE_INPUT.search(text))


@lru_cache(maxsize=8192)
def looks_like_money(name) -> bool:
    """The name is about money (资金, 经费, 预算, 投资) without being a cost or benefit measure."""
    text = _text(name)
    return _has(text, MONEY_WORDS) and not _has(text, NOT_INPUT_WORDS)


@lru_cache(maxsize=8192)
def looks_like_time(name) -> bool:
    """A timeliness measure (完成时间, 及时率, 工期, 办结时限)."""
    return _has(_text(name), TIME_WORDS)


@lru_cache(maxsize=8192)
def looks_like_deadline(name) -> bool:
    """A date or duration to meet (完成时间, 工期, 期限) — always 时效, never 数量 or 质量."""
    return _has(_text(name), DEADLINE_WORDS)


@lru_cache(maxsize=8192)
def looks_like_cost(name) -> bool:
    """A cost measure (单位成本, 单价, 造价, 补助标准, 成本节约率) — not a quality rate that names a cost
    (补助标准执行准确率)."""
    text = _text(name)
    return _has(text, COST_WORDS) and not _positive_quality_rate(text)


@lru_cache(maxsize=8192)
def looks_like_quality(name) -> bool:
    """A quality measure (合格率, 达标率, 验收, 优良率)."""
    return _has(_text(name), QUALITY_WORDS)


@lru_cache(maxsize=8192)
def looks_like_reverse(name) -> bool:
    """Lower is better (事故率, 投诉次数, 成本, 时长) unless the name asks for a fall (较上年下降) or is a
    higher-is-better quality rate (造价审核准确率)."""
    text = _text(name)
    return (_has(text, REVERSE_WORDS) and not _has(text, ("下降", "降低", "减少", "降幅", "压减", "节约"))
            and not _positive_quality_rate(text))


def _positive_quality_rate(text: str) -> bool:
    for word in NEGATED_QUALITY_RATES:
        text = text.replace(word, "")
    return _has(text, POSITIVE_QUALITY_RATES)


@lru_cache(maxsize=8192)
def looks_like_change(name) -> bool:
    """A change rather than a level (增长率, 较上年下降, 同比提高): shares may leave 0–100%."""
    return _has(_text(name), CHANGE_WORDS)


@lru_cache(maxsize=8192)
def looks_like_completion_rate(name) -> bool:
    """完成率 and the like: a rate that legitimately measures quantity."""
    return _has(_text(name), COMPLETION_RATES)


@lru_cache(maxsize=8192)
def packs_several(name) -> bool:
    """The name joins two measurable indicators ("培训人数和合格率", "覆盖率、满意度")."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    parts = [p for p in _RE_SEPARATORS.split(text) if p]
    if len(parts) < 2:
        return False
    return sum(1 for p in parts if _RE_PUNCT.sub("", p).endswith(MEASURE_SUFFIXES)) >= 2


@lru_cache(maxsize=8192)
def expected_level2(name) -> str | None:
    """The level-two category the name most likely belongs to, or None when the name does not tell.

    Order of precedence: 满意度, 成本, 时效, 质量, 可持续影响, 生态效益, 经济效益, 数量, 社会效益.
    """
    text = _text(name)
    if not text:
        return None
    if looks_like_satisfaction(text):
        return SERVICE_SATISFACTION
    if looks_like_cost(text):
        return COST2
    if looks_like_time(text):
        return TIMELINESS
    if looks_like_quality(text):
        return QUALITY
    if _has(text, SUSTAINABLE_WORDS):
        return SUSTAINABLE
    if _has(text, ECOLOGICAL_WORDS):
        return ECOLOGICAL
    if _has(text, ECONOMIC_WORDS):
        return ECONOMIC
    if looks_like_count(text):
        return QUANTITY
    if _has(text, SOCIAL_WORDS):
        return SOCIAL
    return None


def expected_level1(name) -> str | None:
    """The level-one category of `expected_level2(name)` (10号 terms: 成本 under 产出)."""
    level2 = expected_level2(name)
    return LEVEL1_OF_LEVEL2.get(level2) if level2 else None
