"""The one parser of printed values: real spellings from published goal and self-evaluation tables.

Pure tests (no database).
"""

import datetime
import json
import random
from decimal import Decimal

import pytest

from perfbudget.indicators.values import (
    Value,
    as_ratio,
    base_quantity,
    deadline,
    is_duration,
    is_quantified,
    parse_value,
    same_target,
)

D = Decimal

# (printed, kind, op, value, upper, unit)
NUMBERS = [
    # comparator symbols, half and full width
    ("≥38公里", "number", "≥", "38", None, "公里"),
    ("≥16000户", "number", "≥", "16000", None, "户"),
    ("≤48万元", "number", "≤", "48", None, "万元"),
    ("＞＝３００", "number", "≥", "300", None, ""),
    (">=300人次", "number", "≥", "300", None, "人次"),
    ("≧300人次", "number", "≥", "300", None, "人次"),
    ("＜＝5天", "number", "≤", "5", None, "天"),
    ("<=5天", "number", "≤", "5", None, "天"),
    ("≦5天", "number", "≤", "5", None, "天"),
    (">10家", "number", ">", "10", None, "家"),
    ("＞10家", "number", ">", "10", None, "家"),
    ("<3起", "number", "<", "3", None, "起"),
    ("＜3起", "number", "<", "3", None, "起"),
    ("=12个", "number", "=", "12", None, "个"),
    ("＝12个", "number", "=", "12", None, "个"),
    ("═12个", "number", "=", "12", None, "个"),
    ("≥ 500 人次", "number", "≥", "500", None, "人次"),
    ("≥５００人次", "number", "≥", "500", None, "人次"),
    # comparator words
    ("不少于500人次", "number", "≥", "500", None, "人次"),
    ("大于等于20场", "number", "≥", "20", None, "场"),
    ("大于或等于20场", "number", "≥", "20", None, "场"),
    ("至少3次", "number", "≥", "3", None, "次"),
    ("达到120所", "number", "≥", "120", None, "所"),
    ("不超过48万元", "number", "≤", "48", None, "万元"),
    ("不高于2000元/人", "number", "≤", "2000", None, "元/人"),
    ("小于等于15天", "number", "≤", "15", None, "天"),
    ("最多5天", "number", "≤", "5", None, "天"),
    ("高于50万元", "number", ">", "50", None, "万元"),
    ("超过3000人", "number", ">", "3000", None, "人"),
    ("低于5起", "number", "<", "5", None, "起"),
    ("约3万人", "number", "=", "30000", None, "人"),
    ("为12个", "number", "=", "12", None, "个"),
    ("500人次以上", "number", "≥", "500", None, "人次"),
    ("10个及以上", "number", "≥", "10", None, "个"),
    ("5起以下", "number", "≤", "5", None, "起"),
    ("30天以内", "number", "≤", "30", None, "天"),
    ("100人左右", "number", "=", "100", None, "人"),
    ("100余人", "number", ">", "100", None, "人"),
    ("200多户", "number", ">", "200", None, "户"),
    ("计划完成不少于38公里", "number", "≥", "38", None, "公里"),
    # no comparator printed
    ("260万元", "number", None, "260", None, "万元"),
    ("1,200户", "number", None, "1200", None, "户"),
    ("1，200户", "number", None, "1200", None, "户"),
    ("≥1,200,000元", "number", "≥", "1200000", None, "元"),
    ("12,345.6元", "number", None, "12345.6", None, "元"),
    ("38", "number", None, "38", None, ""),
    ("0.95", "number", None, "0.95", None, ""),
    ("0起", "number", None, "0", None, "起"),
    ("≥4.5分", "number", "≥", "4.5", None, "分"),
    # 万/亿: multiply, except before a money unit
    ("1.2万人", "number", None, "12000", None, "人"),
    ("1.6万户", "number", None, "16000", None, "户"),
    ("≥5万人次", "number", "≥", "50000", None, "人次"),
    ("3.5万", "number", None, "35000", None, ""),
    ("2.5万亩", "number", None, "25000", None, "亩"),
    ("1亿", "number", None, "100000000", None, ""),
    ("≥1万㎡", "number", "≥", "10000", None, "平方米"),
    ("1.5亿元", "number", None, "1.5", None, "亿元"),
    ("≥1.2万元", "number", "≥", "1.2", None, "万元"),
    ("48万元/公里", "number", None, "48", None, "万元/公里"),
    ("≤3000千元", "number", "≤", "3000", None, "千元"),
    # units normalised
    ("≥20km", "number", "≥", "20", None, "公里"),
    ("≥20KM", "number", "≥", "20", None, "公里"),
    ("≥20千米", "number", "≥", "20", None, "公里"),
    ("≥10000平方米", "number", "≥", "10000", None, "平方米"),
    ("≥5000㎡", "number", "≥", "5000", None, "平方米"),
    ("≥5000m2", "number", "≥", "5000", None, "平方米"),
    ("≥2所学校", "number", "≥", "2", None, "所"),
    ("≥2次/年", "number", "≥", "2", None, "次/年"),
    ("每年≥2次", "number", "≥", "2", None, "次"),
    ("≥3个百分点", "number", "≥", "3", None, "百分点"),
    # durations (numbers in a time unit)
    ("≤30天", "number", "≤", "30", None, "天"),
    ("30日内", "number", "≤", "30", None, "天"),
    ("3个月内", "number", "≤", "3", None, "个月"),
    ("5个工作日内", "number", "≤", "5", None, "工作日"),
    ("≤5个工作日", "number", "≤", "5", None, "工作日"),
    ("24小时内", "number", "≤", "24", None, "小时"),
    ("24h", "number", None, "24", None, "小时"),
    ("≥30年", "number", "≥", "30", None, "年"),
    ("3年内", "number", "≤", "3", None, "年"),
    ("≥12个月", "number", "≥", "12", None, "个月"),
    # Chinese numerals for small counts
    ("两个", "number", None, "2", None, "个"),
    ("十场以上", "number", "≥", "10", None, "场"),
    ("三个月内", "number", "≤", "3", None, "个月"),
    ("不少于五场", "number", "≥", "5", None, "场"),
    ("两年内", "number", "≤", "2", None, "年"),
    ("二十个", "number", None, "20", None, "个"),
    # change verbs read as "at least this much change"
    ("较上年提高5%", "percent", "≥", "5", None, "%"),
    ("较上年下降30%", "percent", "≥", "30", None, "%"),
    ("提高2个百分点", "number", "≥", "2", None, "百分点"),
]

PERCENTS = [
    ("≥95%", "percent", "≥", "95", None, "%"),
    ("≥98.5％", "percent", "≥", "98.5", None, "%"),
    ("≥95.00%", "percent", "≥", "95", None, "%"),
    ("不低于95%", "percent", "≥", "95", None, "%"),
    ("95%以上", "percent", "≥", "95", None, "%"),
    ("９５％以上", "percent", "≥", "95", None, "%"),
    ("≥95%以上", "percent", "≥", "95", None, "%"),
    ("达到95%以上", "percent", "≥", "95", None, "%"),
    ("合格率达到95%", "percent", "≥", "95", None, "%"),
    ("优良率≥90%", "percent", "≥", "90", None, "%"),
    ("≥95%（含）", "percent", "≥", "95", None, "%"),
    ("≧95％", "percent", "≥", "95", None, "%"),
    ("大于等于85%", "percent", "≥", "85", None, "%"),
    ("=100%", "percent", "=", "100", None, "%"),
    ("＝100％", "percent", "=", "100", None, "%"),
    ("100%", "percent", None, "100", None, "%"),
    ("保持100%", "percent", "=", "100", None, "%"),
    ("100%覆盖", "percent", None, "100", None, "%"),
    ("≈90%", "percent", "=", "90", None, "%"),
    ("≤5%", "percent", "≤", "5", None, "%"),
    ("≦5％", "percent", "≤", "5", None, "%"),
    ("＜5％", "percent", "<", "5", None, "%"),
    ("＞90%", "percent", ">", "90", None, "%"),
    ("不超过10%", "percent", "≤", "10", None, "%"),
    ("小于或等于2%", "percent", "≤", "2", None, "%"),
    ("控制在5%以内", "percent", "≤", "5", None, "%"),
    ("≤0.5%", "percent", "≤", "0.5", None, "%"),
    ("0%", "percent", None, "0", None, "%"),
    ("≥-5%", "percent", "≥", "-5", None, "%"),
    ("≥ 95 %", "percent", "≥", "95", None, "%"),
    ("百分之九十五", "percent", None, "95", None, "%"),
    ("不低于百分之九十", "percent", "≥", "90", None, "%"),
    ("≤3‰", "percent", "≤", "3", None, "‰"),
    ("千分之三", "percent", None, "3", None, "‰"),
    ("达标率95%", "percent", None, "95", None, "%"),  # "达" of 达标率 is not a comparator
]

# A rate per a base population: the base is the unit, not a second value.
PER_BASE = [
    ("≤14.5/10万", "number", "≤", "14.5", None, "/10万"),
    ("≤14.5/10万人", "number", "≤", "14.5", None, "/10万人"),
    ("≤14.5/10万人口", "number", "≤", "14.5", None, "/10万人"),
    ("≥3.2/万人", "number", "≥", "3.2", None, "/万人"),
    ("≥3.2每万人", "number", "≥", "3.2", None, "/万人"),
    ("≤5/千人", "number", "≤", "5", None, "/千人"),
    ("不超过18/10万", "number", "≤", "18", None, "/10万"),
    ("10-18/10万", "number", "interval", "10", "18", "/10万"),
    ("≤2‰", "percent", "≤", "2", None, "‰"),
]

INTERVALS = [
    ("90%-100%", "percent", "interval", "90", "100", "%"),
    ("90%～100%", "percent", "interval", "90", "100", "%"),
    ("90%~100%", "percent", "interval", "90", "100", "%"),
    ("90%〜100%", "percent", "interval", "90", "100", "%"),
    ("90%—100%", "percent", "interval", "90", "100", "%"),
    ("90-100%", "percent", "interval", "90", "100", "%"),
    ("90％至100％", "percent", "interval", "90", "100", "%"),
    ("90%到100%", "percent", "interval", "90", "100", "%"),
    ("[90,100]", "number", "interval", "90", "100", ""),
    ("[90，100]", "number", "interval", "90", "100", ""),
    ("(90,100]", "number", "interval", "90", "100", ""),
    ("[90%,100%]", "percent", "interval", "90", "100", "%"),
    ("【90%，100%】", "percent", "interval", "90", "100", "%"),
    ("[90,100]%", "percent", "interval", "90", "100", "%"),
    ("≥90%且≤100%", "percent", "interval", "90", "100", "%"),
    ("90%≤x≤100%", "percent", "interval", "90", "100", "%"),
    ("介于90%与100%之间", "percent", "interval", "90", "100", "%"),
    ("在90%到100%之间", "percent", "interval", "90", "100", "%"),
    ("3-5个", "number", "interval", "3", "5", "个"),
    ("3～5天", "number", "interval", "3", "5", "天"),
    ("2000-3000元", "number", "interval", "2000", "3000", "元"),
    ("1.2万-1.5万人", "number", "interval", "12000", "15000", "人"),
    ("≤5%~8%", "percent", "interval", "5", "8", "%"),
]


@pytest.mark.parametrize("text,kind,op,value,upper,unit", NUMBERS + PERCENTS + INTERVALS + PER_BASE)
def test_quantities(text, kind, op, value, upper, unit):
    v = parse_value(text)
    assert (v.kind, v.op, v.value, v.upper, v.unit) == (
        kind, op, D(value), None if upper is None else D(upper), unit), v
    assert v.text == text.strip()
    assert not v.multi
    assert is_quantified(v)


# (printed, op, date or None, period)
DATES = [
    ("2025年11月30日前", "≤", datetime.date(2025, 11, 30), "2025-11-30"),
    ("2025年11月30日", None, datetime.date(2025, 11, 30), "2025-11-30"),
    ("2025年11月底前", "≤", datetime.date(2025, 11, 30), "2025-11"),
    ("2023年12月底前", "≤", datetime.date(2023, 12, 31), "2023-12"),
    ("2024年2月底前", "≤", datetime.date(2024, 2, 29), "2024-02"),
    ("2025年12月前完成", "≤", datetime.date(2025, 12, 31), "2025-12"),
    ("2025年6月上旬", None, datetime.date(2025, 6, 10), "2025-06-10"),
    ("2025年6月中旬前", "≤", datetime.date(2025, 6, 20), "2025-06-20"),
    ("2025年", None, datetime.date(2025, 12, 31), "2025"),
    ("2025年度", None, datetime.date(2025, 12, 31), "2025"),
    ("2025年底前", "≤", datetime.date(2025, 12, 31), "2025"),
    ("截至2025年底", "≤", datetime.date(2025, 12, 31), "2025"),
    ("2025年上半年", None, datetime.date(2025, 6, 30), "2025-06"),
    ("2025年第三季度", None, datetime.date(2025, 9, 30), "2025-09"),
    ("2025.11.30", None, datetime.date(2025, 11, 30), "2025-11-30"),
    ("2025-11-30", None, datetime.date(2025, 11, 30), "2025-11-30"),
    ("2025/11/30前", "≤", datetime.date(2025, 11, 30), "2025-11-30"),
    ("２０２５年１１月３０日前", "≤", datetime.date(2025, 11, 30), "2025-11-30"),
    ("不晚于2025年10月31日", "≤", datetime.date(2025, 10, 31), "2025-10-31"),
    ("不早于2025年3月1日", "≥", datetime.date(2025, 3, 1), "2025-03-01"),
    ("2025年3月1日以后", "≥", datetime.date(2025, 3, 1), "2025-03-01"),
    ("≤2025年10月31日", "≤", datetime.date(2025, 10, 31), "2025-10-31"),
    ("2025年3月至11月", "interval", datetime.date(2025, 11, 30), "2025-11"),
    # no year printed: the month is kept in `period`
    ("12月底前", "≤", None, "--12"),
    ("6月底前", "≤", None, "--06"),
    ("11月30日前", "≤", None, "--11-30"),
    ("10月前完成", "≤", None, "--10"),
    ("第三季度末前", "≤", None, "--09"),
    ("当年", "≤", None, "--12"),
    ("年内", "≤", None, "--12"),
    ("年底前", "≤", None, "--12"),
    ("本年度内完成", "≤", None, "--12"),
    ("上半年", "≤", None, "--06"),
    # a year named relative to the project year: yearless, resolved by `deadline`
    ("次年6月底前", "≤", None, "--06"),
    ("翌年3月31日前", "≤", None, "--03-31"),
    ("下一年度6月前", "≤", None, "--06"),
    ("次年第一季度末前", "≤", None, "--03"),
    ("次年底前", "≤", None, "--12"),
    ("次年", "≤", None, "--12"),
    ("当年6月底前", "≤", None, "--06"),
    ("本年度12月底前", "≤", None, "--12"),
    ("当年上半年", "≤", None, "--06"),
    ("2025年3月至次年6月", "interval", datetime.date(2026, 6, 30), "2026-06"),
]


@pytest.mark.parametrize("text,op,date,period", DATES)
def test_dates(text, op, date, period):
    v = parse_value(text)
    assert (v.kind, v.op, v.date, v.period) == ("date", op, date, period), v
    assert v.value is None
    assert is_quantified(v)


@pytest.mark.parametrize("text,year,expected", [
    ("12月底前", 2025, datetime.date(2025, 12, 31)),
    ("2月底前", 2024, datetime.date(2024, 2, 29)),
    ("11月30日前", 2023, datetime.date(2023, 11, 30)),
    ("当年", 2024, datetime.date(2024, 12, 31)),
    ("次年6月底前", 2025, datetime.date(2026, 6, 30)),
    ("翌年2月底前", 2023, datetime.date(2024, 2, 29)),
    ("次年", 2025, datetime.date(2026, 12, 31)),
    ("当年6月底前", 2025, datetime.date(2025, 6, 30)),
    ("下一年度3月31日前", 2025, datetime.date(2026, 3, 31)),
    ("2025年11月30日前", 1999, datetime.date(2025, 11, 30)),
    ("12月底前", None, None),
    ("≥95%", 2025, None),
])
def test_deadline_resolves_yearless_dates(text, year, expected):
    assert deadline(text, year) == expected


# (printed, op, word)
WORDS = [
    ("良好", None, "良好"),
    ("优秀", None, "优秀"),
    ("合格", None, "合格"),
    ("达标", None, "达标"),
    ("有效", None, "有效"),
    ("是", None, "是"),
    ("否", None, "否"),
    ("达到预期", None, "达到预期"),
    ("有所提升", None, "有所提升"),
    ("明显提高", None, "明显提高"),
    ("明显改善", None, "明显改善"),
    ("进一步加强", None, "进一步加强"),
    ("长期", None, "长期"),
    ("长期有效", None, "长期有效"),
    ("良好及以上", "≥", "良好"),
    ("≥良好", "≥", "良好"),
    ("不低于上年水平", "≥", "上年水平"),
    ("确保通过验收", None, "通过验收"),
    ("一次性通过验收", None, "一次性通过验收"),
    ("零事故", None, "零事故"),
    ("无重大安全事故。", None, "无重大安全事故"),
    ("“良好”", None, "良好"),
    ("ＯＫ", None, "OK"),
    ("未完成", None, "未完成"),
    ("全覆盖", None, "全覆盖"),
]


@pytest.mark.parametrize("text,op,word", WORDS)
def test_words(text, op, word):
    v = parse_value(text)
    assert (v.kind, v.op, v.word, v.value) == ("qualitative", op, word, None), v
    assert not is_quantified(v)


@pytest.mark.parametrize("text", [None, "", "   ", "—", "——", "-", "--", "/", "／", "无", "N/A", "n/a", "不适用",
                                  "\\", "…", "暂无", "\u3000"])
def test_empty(text):
    v = parse_value(text)
    assert v.kind == "empty" and v.value is None and not is_quantified(v)


@pytest.mark.parametrize("text,value,unit", [
    ("各10个", "10", "个"),
    ("≤14.5/10万，≤3‰", "14.5", "/10万"),
    ("各1次", "1", "次"),
    ("A 5个、B 3个", "5", "个"),
    ("分别为3个和5个", "3", "个"),
    ("完成38公里改造，惠及1.6万户", "38", "公里"),
    ("≤3天，≥2次", "3", "天"),
    ("新建3个、改造5个", "3", "个"),
])
def test_several_values_in_one_cell(text, value, unit):
    v = parse_value(text)
    assert v.multi and v.value == D(value) and v.unit == unit, v


@pytest.mark.parametrize("given,kind,value", [
    (95, "number", "95"), (0.95, "number", "0.95"), (Decimal("12.50"), "number", "12.5"), (-3, "number", "-3"),
    (True, "qualitative", None), (False, "qualitative", None), (float("nan"), "empty", None),
    (float("inf"), "empty", None),
])
def test_non_string_inputs(given, kind, value):
    v = parse_value(given)
    assert v.kind == kind
    assert v.value == (None if value is None else D(value))


def test_year_around_a_quantity_is_not_a_date():
    v = parse_value("2025年完成38公里")
    assert (v.kind, v.value, v.unit) == ("number", D(38), "公里")
    v = parse_value("次年完成38公里")
    assert (v.kind, v.value, v.unit) == ("number", D(38), "公里")


def test_relative_year_word_is_kept():
    assert parse_value("次年6月底前").word == "次年"
    assert parse_value("当年6月底前").word == "当年"
    assert parse_value("6月底前").word == ""
    assert parse_value("次年6月底前").to_dict()["period"] == "--06"


def test_helpers():
    assert is_duration(parse_value("≤30天")) and is_duration("3个月内") and not is_duration("≥38公里")
    assert as_ratio("≥95%") == D("0.95") and as_ratio("3‰") == D("0.003") and as_ratio("38公里") is None
    assert base_quantity("260万元") == (D(2600000), None, "元")
    assert base_quantity("1.5亿元") == (D(150000000), None, "元")
    assert base_quantity("3‰") == (D("0.3"), None, "%")
    assert base_quantity("[90,100]") == (D(90), D(100), "")
    assert base_quantity("良好") is None


@pytest.mark.parametrize("a,b,same", [
    ("≥38公里", "≥ 38 公里", True),
    ("≥38公里", "＞＝３８km", True),
    ("≥38公里", "38公里", False),
    ("≥38公里", "≥39公里", False),
    ("≥95%", "不低于95％", True),
    ("≥95%", "95%以上", True),
    ("≥95%", "≥95", False),
    ("260万元", "2600000元", True),
    ("90%-100%", "[90%,100%]", True),
    ("2025年11月30日前", "2025年11月底前", False),  # same day, printed at another precision
    ("2025年11月30日前", "2025-11-30前", True),
    ("次年6月底前", "6月底前", False),  # a year apart
    ("次年6月底前", "翌年6月底前", True),
    ("≤14.5/10万", "≤14.5/10万人", False),
    ("≤14.5/10万", "≤ 14.5 /10万", True),
    ("良好", "良好", True),
    ("良好", "优秀", False),
    ("良好", "≥良好", False),
    ("", "—", True),
    ("各10个", "10个", False),
])
def test_same_target(a, b, same):
    assert same_target(a, b) is same
    assert same_target(parse_value(b), parse_value(a)) is same


def test_to_dict_is_json_ready():
    d = parse_value("≥98.5％").to_dict()
    assert d["op"] == "≥" and d["value"] == 98.5 and d["unit"] == "%" and d["kind"] == "percent"
    assert {"op", "value", "upper", "unit", "kind"} <= set(d)
    assert parse_value("1.2万人").to_dict()["value"] == 12000
    assert isinstance(parse_value("1.2万人").to_dict()["value"], int)
    assert parse_value("2025年11月底前").to_dict()["date"] == "2025-11-30"
    assert parse_value("90-100%").to_dict()["upper"] == 100
    json.dumps([parse_value(t).to_dict() for t, *_ in NUMBERS + PERCENTS + INTERVALS + DATES + WORDS])


def test_value_is_hashable_and_frozen():
    v = parse_value("≥95%")
    assert v == parse_value("≥95%") and hash(v) == hash(parse_value("≥95%"))
    with pytest.raises(AttributeError):
        v.op = "≤"  # type: ignore[misc]
    assert isinstance(v, Value)


ODD_PIECES = list("0123456789０１２.,，%％‰≥≤<>=＝≧≦~～-—[]()【】年月日底前内以上下万亿元个人次公里天"
                  "一二十百千两零点之分各、和及/\\良好提升 \t\n")
ODD_PIECES += ["", "\x00", "\ud800", "\U0001f600", "1e400", "9" * 40]


@pytest.mark.parametrize("seed", range(20))
def test_never_raises_on_odd_input(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice(ODD_PIECES) for _ in range(rng.randint(0, 16)))
        v = parse_value(text)
        assert v.kind in ("number", "percent", "date", "qualitative", "empty")
        assert v.op in (None, "≥", "≤", "=", ">", "<", "interval")
        json.dumps(v.to_dict(), ensure_ascii=False)
        is_quantified(v), same_target(v, text), base_quantity(v), deadline(v, 2025)


@pytest.mark.parametrize("given", [[], {}, object(), b"\xff\xfe", b"\xe2\x89\xa595%", Decimal("1e999999999"),
                                   Decimal("NaN"), "9" * 5000, "≥" * 1000, "[" * 300 + "1", 10 ** 40])
def test_never_raises_on_odd_types(given):
    v = parse_value(given)
    json.dumps(v.to_dict(), ensure_ascii=False)
